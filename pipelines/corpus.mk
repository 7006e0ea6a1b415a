# DiffVox's workflow over a MedleyDB-layout corpus (vx(7), "PIPELINES"): pairs, one fit
# per pair (resumable, side by side with make -j), presets, Gaussian, PCA, scores, summary.
#
#   make -f pipelines/corpus.mk CORPUS=/data/MedleyDB/Audio OUT=out/medleydb -j4
#
# CORPUS     folder(s) of song folders <Song>/ holding <Song>_METADATA.yaml, <Song>_RAW/
#            and <Song>_STEMS/ (several folders: separate them with spaces)
# OUT        output folder (default out/corpus)
# FIT_FLAGS  extra vx-fit options, e.g. --steps 200 --chunk 6 --overlap 2
# FIT_THREADS threads per fit (default 1: fits run side by side, one per core: the default
#            -j is the number of cores). A one-thread fit with 12 s chunks needs about
#            340 MB plus 1.2 MB per second of the pair, 620 MB for a 4-minute song
#            (vx-fit --memory prints it): -jN needs N times that.
# PAIR_FLAGS, SELECT_FLAGS, GAUSS_FLAGS, PCA_FLAGS, LOSS_FLAGS: extra options of the others
# DATASET    dataset name written into the presets (default: the corpus folder's name)
# SBATCH_FLAGS, SLURM_MAX_RUNNING: target slurm's site options (partition, account, time)
#            and the most fits running at once (default: no cap)
#
# A fit is OUT/fits/<id>.json with every "/" of the pair id written "__". A finished fit
# is never redone (delete its file to redo it); an interrupted one leaves no file.

CORPUS      ?=
OUT         ?= out/corpus
FIT_FLAGS   ?=
FIT_THREADS ?= 1
# one fit per core unless -j was given
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS   += -j$(shell nproc)
endif
PAIR_FLAGS  ?=
SELECT_FLAGS ?=
GAUSS_FLAGS ?=
PCA_FLAGS   ?=
LOSS_FLAGS  ?=
SBATCH_FLAGS ?=
SLURM_MAX_RUNNING ?= 0
DATASET     ?= $(notdir $(abspath $(firstword $(CORPUS))))

PIPELINES := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# The tools of this source tree when built, else those on PATH.
VX_BIN    ?= $(abspath $(PIPELINES)/../bin)
export PATH := $(VX_BIN):$(PATH)
SHELL     := /bin/sh

# A recipe that fails leaves no target behind (a half-made stage never counts as done).
.DELETE_ON_ERROR:
# Recipes that write through the shell write $@.tmp and rename it when complete; the
# temporary file goes when the recipe fails or is interrupted (vx tools do the same for
# their own -o files). A fixed name: one left by a killed make is overwritten next time.
WRITE_TMP = t='$@.tmp'; trap 'rm -f "$$t"' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; \
	trap 'exit 143' TERM;
.SUFFIXES:
.PHONY: all pairs fits presets gaussian pca scores summary jobs slurm help clean clean-all FORCE

all: summary

NO_CORPUS_GOALS := help clean clean-all
ifneq ($(filter-out $(NO_CORPUS_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(strip $(CORPUS)),)
$(error CORPUS is not set: make -f pipelines/corpus.mk CORPUS=<folder of song folders> OUT=<folder>)
endif
# The fit files are known once the pairs are: make builds this file, then restarts.
-include $(OUT)/fits.mk
endif

pairs: $(OUT)/pairs.ndjson
fits: $(FIT_FILES)
presets: $(OUT)/presets.ndjson
gaussian: $(OUT)/gaussian.json
pca: $(OUT)/pca.json
scores: $(OUT)/scores.csv $(OUT)/baseline.csv
summary: $(OUT)/summary.txt
	@cat $<

# The song folders, one a line, each after a "# <checksum>" comment of its METADATA.yaml.
# Rewritten only when that changes, so new or edited songs redo the pairs and nothing else.
$(OUT)/songs.txt: FORCE
	@mkdir -p '$(OUT)'
	@$(WRITE_TMP) for c in $(CORPUS); do \
	    [ -d "$$c" ] || { echo "corpus.mk: CORPUS folder $$c does not exist" >&2; exit 1; }; \
	    for d in "$$c"/*/; do \
	        d=$${d%/}; m=$$d/$${d##*/}_METADATA.yaml; \
	        [ -f "$$m" ] || continue; \
	        printf '# %s\n%s\n' "$$(cksum < "$$m")" "$$(cd "$$d" && pwd)"; \
	    done; \
	done > "$$t"; \
	grep -q '^/' "$$t" || { \
	    echo "corpus.mk: no song folders <Song>/<Song>_METADATA.yaml in $(CORPUS)" >&2; exit 1; }; \
	cmp -s "$$t" $@ || mv "$$t" $@

$(OUT)/pairs.ndjson: $(OUT)/songs.txt
	vx-pair $(PAIR_FLAGS) -l $< -o $@

$(OUT)/fits.mk: $(OUT)/pairs.ndjson $(PIPELINES)/fits.jq
	@$(WRITE_TMP) jq -r -s -f $(PIPELINES)/fits.jq $< > "$$t" && mv "$$t" $@

# One fit: pipelines/fit.sh runs vx-fit with its messages in OUT/logs/<name>.log and
# writes the fit file only when the fit finished. The same command serves jobs.txt.
FIT_CMD = PATH='$(VX_BIN)':"$$PATH" sh '$(PIPELINES)/fit.sh' '$(abspath $(OUT))/pairs.ndjson' \
	'$(fit_id.$(1))' '$(abspath $(OUT))/fits/$(1).json' '$(abspath $(OUT))/logs/$(1).log' \
	-j $(FIT_THREADS) $(FIT_FLAGS)

$(FIT_FILES): $(OUT)/fits/%.json: | $(OUT)/pairs.ndjson
	@$(call FIT_CMD,$*)

$(OUT)/presets.ndjson $(OUT)/rejected.ndjson &: $(FIT_FILES)
	vx-select $(SELECT_FLAGS) --dataset '$(DATASET)' --rejected $(OUT)/rejected.ndjson \
	    -o $(OUT)/presets.ndjson $(FIT_FILES) < /dev/null

$(OUT)/gaussian.json: $(OUT)/presets.ndjson
	vx-gauss $(GAUSS_FLAGS) -o $@ $<

$(OUT)/pca.json: $(OUT)/gaussian.json
	vx-pca $(PCA_FLAGS) -o $@ $<

$(OUT)/scores.csv: $(OUT)/presets.ndjson
	vx-loss $(LOSS_FLAGS) --csv -o $@ --eval $<

# The same scores without effects (the dry in both channels): what a preset must beat.
$(OUT)/baseline.csv: $(OUT)/pairs.ndjson
	vx-loss $(LOSS_FLAGS) --no-process --csv -o $@ --eval $<

$(OUT)/summary.txt: $(OUT)/pairs.ndjson $(FIT_FILES) $(OUT)/presets.ndjson $(OUT)/gaussian.json \
		$(OUT)/pca.json $(OUT)/scores.csv $(OUT)/baseline.csv $(PIPELINES)/summary.sh
	@$(WRITE_TMP) sh $(PIPELINES)/summary.sh '$(OUT)' $(FIT_FILES) > "$$t" && mv "$$t" $@

# The fits not done yet as shell commands, one a line, for another scheduler: a Slurm job
# array (target slurm) or GNU parallel (vx(7), "Scale"). Rerun make afterwards for the other
# stages. GNU parallel's --joblog OUT/jobs.log belongs to one jobs.txt (it names jobs by
# their line): a new jobs.txt removes it.
define NL


endef
jobs: $(OUT)/pairs.ndjson
	@mkdir -p '$(OUT)/fits' '$(OUT)/logs'
	@rm -f '$(OUT)/jobs.log'
	@$(file >$(OUT)/jobs.txt,$(foreach f,$(filter-out $(wildcard $(FIT_FILES)),$(FIT_FILES)),$(call FIT_CMD,$(basename $(notdir $f)))$(NL)))
	@echo "$(OUT)/jobs.txt: $$(grep -c . $(OUT)/jobs.txt) fits to run, one command a line"

# The missing fits as a Slurm job array, then the other stages as a job that waits for it
# (pipelines/slurm.sh): this make again, with this run's variables, in absolute paths.
quote = '$(subst ','\'',$(1))'
STAGES_CMD = make --no-print-directory -f $(call quote,$(PIPELINES)/corpus.mk) \
	CORPUS=$(call quote,$(abspath $(CORPUS))) OUT=$(call quote,$(abspath $(OUT))) \
	VX_BIN=$(call quote,$(VX_BIN)) DATASET=$(call quote,$(DATASET)) \
	FIT_FLAGS=$(call quote,$(FIT_FLAGS)) FIT_THREADS=$(call quote,$(FIT_THREADS)) \
	$(foreach v,PAIR SELECT GAUSS PCA LOSS,$(v)_FLAGS=$(call quote,$($(v)_FLAGS))) all
slurm: jobs
	@sh '$(PIPELINES)/slurm.sh' '$(abspath $(OUT))' '$(FIT_THREADS)' '$(SLURM_MAX_RUNNING)' \
	    $(call quote,$(STAGES_CMD)) $(SBATCH_FLAGS)

# Remove what is cheap to remake (selection onwards); clean-all also pairs and fits.
clean:
	rm -f $(addprefix $(OUT)/,presets.ndjson rejected.ndjson gaussian.json pca.json \
	    scores.csv baseline.csv summary.txt jobs.txt jobs.log)
clean-all: clean
	rm -rf $(addprefix $(OUT)/,songs.txt pairs.ndjson fits.mk fits logs slurm)

help:
	@sed -n '1,18s/^# \{0,1\}//p' $(PIPELINES)/corpus.mk
	@echo 'targets: all (= summary) pairs fits presets gaussian pca scores summary jobs slurm clean clean-all'
