# The WASPAA 2025 evaluation of style transfer (spec/pipeline.md §7.7, §8) over a corpus of
# pairs: for every pair and model, vx-match --eval (references = the wet's active chunks
# 0, 2, ..., queries = the dry's chunks 1, 3, ...), then a table of the mean and median of
# each score per model, as §7.7's.
#
#   make -f pipelines/match.mk PAIRS=out/corpus/pairs.ndjson TRUTH=presets.ndjson OUT=out/match -j2
#
# PAIRS       pair records (vx-pair)
# TRUTH       the true preset of each pair, a preset set whose records carry the pair's id
#             (or track), for param_mse (e.g. pipelines/demo-truth.sh's)
# OUT         output folder (default out/match)
# MATCH_FLAGS extra vx-match options for every model, e.g. --steps 100 --chunk 5
# NN_FLAGS    extra options of the nn models, e.g. --pool some-presets.ndjson
# MODELS      the models (default all of §7.7 that vx has): mean; nn_mfcc, nn_mir (the pool
#             preset nearest in embedding space); mfcc, mir (ITO, alpha 0) and with the suffix
#             _001, _01, _1 (alpha 0.01, 0.1, 1)
#
# A run is OUT/runs/<model>/<pair index>.json, never redone once written. A pair that has
# fewer than two active chunks (or is shorter than one) is skipped (a "skipped" record, as
# the original skips it) and left out of every model's row of the table.

PAIRS       ?=
TRUTH       ?=
OUT         ?= out/match
MATCH_FLAGS ?=
NN_FLAGS    ?=
MODELS      ?= mean nn_mfcc nn_mir mfcc mfcc_001 mfcc_01 mfcc_1 mir mir_001 mir_01 mir_1

PIPELINES := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VX_BIN    ?= $(abspath $(PIPELINES)/../bin)
export PATH := $(VX_BIN):$(PATH)
SHELL     := /bin/sh
.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all runs table clean

ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
ifeq ($(strip $(PAIRS)),)
$(error PAIRS is not set: make -f pipelines/match.mk PAIRS=<pair records> TRUTH=<presets> OUT=<folder>)
endif
ifeq ($(strip $(TRUTH)),)
$(error TRUTH is not set: the true presets of the pairs, for param_mse)
endif
endif

NPAIRS := $(shell grep -c . '$(PAIRS)' 2>/dev/null || echo 0)
INDICES := $(shell i=0; while [ $$i -lt $(NPAIRS) ]; do echo $$i; i=$$((i + 1)); done)
RUNS := $(foreach m,$(MODELS),$(foreach i,$(INDICES),$(OUT)/runs/$(m)/$(i).json))

all: table
runs: $(RUNS)
table: $(OUT)/table.txt
	@cat $<

# vx-match's options for a model name: method, encoder, alpha.
model_flags = $(strip \
	$(if $(filter mean,$(1)),--method mean, \
	$(if $(filter nn_%,$(1)),--method nn -e $(patsubst nn_%,%,$(1)) $(NN_FLAGS), \
	-e $(word 1,$(subst _, ,$(1))) -a $(or $(alpha.$(word 2,$(subst _, ,$(1)))),0))))
alpha.001 := 0.01
alpha.01  := 0.1
alpha.1   := 1

# One run; a pair the protocol cannot take (too few active chunks) becomes a skipped record.
$(OUT)/runs/%.json:
	@mkdir -p $(dir $@)
	@m=$(patsubst %/,%,$(dir $*)); i=$(notdir $*); \
	if vx-match -q --eval $(call model_flags,$(patsubst %/,%,$(dir $*))) $(MATCH_FLAGS) \
	    --truth '$(TRUTH)' -k $$i -o $@ '$(PAIRS)' 2> $@.err; then rm -f $@.err; \
	elif grep -qE 'active [0-9.]+ s chunk|shorter than one' $@.err; then \
	    jq -cn --arg m "$$m" --argjson i $$i --rawfile why $@.err \
	        '{type: "skipped", model: $$m, pair: $$i, reason: ($$why | rtrimstr("\n"))}' > $@; \
	    rm -f $@.err; \
	else cat $@.err >&2; rm -f $@.err; exit 1; fi

# The table: per model, the mean and the median (the 0.5 quantile, halfway between the two
# middle values for an even count) of each score over the pairs no model skipped.
$(OUT)/table.txt: $(RUNS) $(PIPELINES)/match-table.jq
	@t='$@.tmp'; trap 'rm -f "$$t"' EXIT; \
	for m in $(MODELS); do for i in $(INDICES); do \
	    jq -c --arg m $$m --argjson i $$i '. + {model: $$m, pair_index: $$i}' \
	        $(OUT)/runs/$$m/$$i.json; done; done | \
	jq -r -s --arg models '$(MODELS)' -f $(PIPELINES)/match-table.jq > "$$t" && mv "$$t" $@

clean:
	rm -rf '$(OUT)'
