# vx — DiffVox vocal-effects model as Unix tools.
# One place for the knobs: PREFIX, CFLAGS, LDLIBS, FFT (fftw | kiss).
# FFT=fftw (the default) is the fast build: FFTW3 is GPL, so binaries linked to it are GPL
# (vx's source stays MIT); FFT=kiss links the permissively licensed KissFFT instead.

PREFIX  ?= /usr/local
FFT     ?= fftw
CC      ?= cc
CFLAGS  ?= -O2 -g
override CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -fopenmp -Ilib
override LDFLAGS += -fopenmp
PKGS     = sndfile soxr libcjson lapacke yaml-0.1

ifeq ($(FFT),fftw)
PKGS    += fftw3f fftw3
override CFLAGS  += -DVX_FFT_FFTW
else
PKGS    += kissfft-float
endif
override CFLAGS  += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# --as-needed: a tool links only the libraries it calls (no LAPACK on the audio path), also
# where a flag before it turned that off (GCC's -fsanitize=address does).
LDLIBS  += -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -llapack -lm

# Object files of each build flavour live apart so `make FFT=fftw` and the
# sanitizer build never mix with the default one.
BUILD   ?= build/$(FFT)
LIB_SRC  = $(sort $(wildcard lib/*.c lib/*/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_SRC  = $(sort $(wildcard cmd/*.c))
TOOLS    = $(CMD_SRC:cmd/%.c=$(BUILD)/bin/%)
UNIT_SRC = $(sort $(wildcard test/unit/test_*.c))
UNITS    = $(UNIT_SRC:test/unit/%.c=$(BUILD)/test/%)
BENCH_SRC= $(sort $(wildcard test/bench/*.c))
BENCHES  = $(BENCH_SRC:test/bench/%.c=$(BUILD)/bench/%)
LIBVX    = $(BUILD)/libvx.a

DEBIAN_PKGS = build-essential pkg-config libsndfile1-dev libkissfft-dev libcjson-dev \
	liblapacke-dev liblapack-dev libfftw3-dev libyaml-dev libsoxr-dev jq bats bats-assert \
	bats-support sox clang libclang-rt-14-dev gnuplot-nox libxml2-utils time parallel libopenblas0-pthread
# `make check-cluster` only (a one-node Slurm of its own): not installed by a plain make deps.
CLUSTER_PKGS = slurm-wlm munge

# Debian's BLAS/LAPACK providers the tests run under without switching the system's
# alternative: each one's folders go first on the library path (test/with-lapack checks
# with ldd that they are the ones loaded). BLIS brings a BLAS only: reference LAPACK on it.
# `make check` runs the unit programs under each installed one that is not the default;
# `make check-openblas` (check-blis, check-reflapack) runs the whole suite under one.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR_ARCH = /usr/lib/$(MULTIARCH)
LAPACK_DIRS_openblas  = $(LIBDIR_ARCH)/openblas-pthread
LAPACK_DIRS_blis      = $(LIBDIR_ARCH)/blis-pthread:$(LIBDIR_ARCH)/lapack
LAPACK_DIRS_reflapack = $(LIBDIR_ARCH)/lapack:$(LIBDIR_ARCH)/blas
LAPACK_PKGS_openblas  = libopenblas0-pthread
LAPACK_PKGS_blis      = libblis4-pthread
LAPACK_PKGS_reflapack = liblapack3 libblas3
LAPACK_PROVIDERS = reflapack openblas blis

.PHONY: all deps check check-build test-programs check-cluster check-openblas check-blis check-reflapack sanitize bench demo figures \
	install clean presets bin-links fuzz
all: $(TOOLS) bin-links

# bin/ links to the tools of the last normal build (FFTW or KissFFT) so that users and the
# demo have one path; the sanitizer build is left out. The tests use $(BUILD)/bin.
bin-links: $(TOOLS)
ifeq ($(BUILD),build/$(FFT))
	@mkdir -p bin
	@for t in $(TOOLS); do ln -sf ../$$t bin/; done
endif

# Object files are kept (not deleted as intermediates), so a second make links nothing again.
.SECONDARY:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBVX): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(LIBVX)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBVX) $(LDLIBS)

$(BUILD)/test/%: $(BUILD)/test/unit/%.o $(LIBVX)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBVX) $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/test/bench/%.o $(LIBVX)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBVX) $(LDLIBS)

# Install the Debian packages the build and the tests need, only when missing.
deps:
	@missing=$$(for p in $(DEBIAN_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# The whole suite on both FFT backends side by side (C unit tests, the FFTW build's again
# under each other BLAS/LAPACK provider installed, then bats): most tests run one thread,
# so the two suites share the cores. The bats tests tagged plumbing (files, signals,
# pipelines, man pages: the same code in both builds) run on the FFTW build only;
# `make check-build FFT=kiss` runs them too. The FFTW suite prints as it runs, the KissFFT
# suite after it; each ends with its summary line, and last comes the total of the two.
check: deps
	@$(MAKE) --no-print-directory -j2 all test-programs && \
		$(MAKE) --no-print-directory -j2 FFT=kiss test-programs
	@log=$$(mktemp); kiss=$$(mktemp); \
	VX_BATS_TAGS='!plumbing' $(MAKE) --no-print-directory check-build FFT=kiss >$$kiss 2>&1 & \
	VX_LAPACK_ALSO="$(foreach p,$(LAPACK_PROVIDERS),$(p)=$(LAPACK_DIRS_$(p)))" \
		$(MAKE) --no-print-directory check-build FFT=fftw | tee $$log; \
	wait; cat $$kiss | tee -a $$log; \
	grep -E '^build/[a-z]+: [0-9]+ passed, [0-9]+ failed$$' $$log | \
	awk '{ p += $$2; f += $$4; n++ } \
		END { if (n != 2) f++; printf "%d passed, %d failed\n", p, f; exit f != 0 }'; \
	s=$$?; rm -f $$log $$kiss; exit $$s

# What the suite runs, on one build: the tools and the unit programs.
test-programs: $(TOOLS) $(UNITS)

# The suite on one build, $(BUILD).
check-build:
	@$(MAKE) --no-print-directory test-programs
	@BUILD=$(BUILD) sh test/run-all $(UNITS)

# The whole suite under one provider, installed first when missing.
check-openblas check-blis check-reflapack: check-%:
	@$(MAKE) --no-print-directory deps DEBIAN_PKGS="$(DEBIAN_PKGS) $(LAPACK_PKGS_$*)"
	@$(MAKE) --no-print-directory all $(UNITS)
	@BUILD=$(BUILD) sh test/with-lapack $(LAPACK_DIRS_$*) $(BUILD)/test/test_solve \
		sh test/run-all $(UNITS)

# The corpus pipeline's Slurm route on a real one-node Slurm that test/cluster/run starts in
# a temporary folder and stops (slurm-wlm and munge installed first when missing).
check-cluster:
	@$(MAKE) --no-print-directory deps DEBIAN_PKGS="$(DEBIAN_PKGS) $(CLUSTER_PKGS)"
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh test/cluster/run

sanitize:
	@$(MAKE) --no-print-directory check-build BUILD=build/asan-$(FFT) \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined"

# libFuzzer harnesses (test/fuzz/fuzz_*.c), built with clang, ASan and UBSan in build/fuzz.
# Each runs FUZZ_RUNS executions (default 1e6), or FUZZ_TIME seconds if given, from its seed
# corpus test/fuzz/corpus/NAME; FUZZ_TARGET=NAME runs one. Crashes are written to
# build/fuzz/crash/; a table of executions per target ends the run.
FUZZ_TARGETS = $(patsubst test/fuzz/fuzz_%.c,%,$(sort $(wildcard test/fuzz/fuzz_*.c)))
FUZZ_TARGET ?= $(FUZZ_TARGETS)
FUZZ_TIME   ?=
FUZZ_RUNS   ?= $(if $(FUZZ_TIME),,1000000)
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# clang and libclang-rt-14-dev (in DEBIAN_PKGS) are needed here only, not by `make check`.
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang \
		CFLAGS="-O1 -g -Wno-pass-failed -fsanitize=fuzzer-no-link $(FUZZ_SAN)" LDFLAGS="$(FUZZ_SAN)" \
		$(FUZZ_TARGET:%=build/fuzz/fuzz_%)
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TIME=$(FUZZ_TIME) sh test/fuzz/run $(FUZZ_TARGET)

build/fuzz/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/memfile.h $(LIBVX)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBVX) $(LDLIBS)

bench: deps
	@$(MAKE) --no-print-directory FFT=kiss $(TOOLS:build/$(FFT)/%=build/kiss/%) $(BENCHES:build/$(FFT)/%=build/kiss/%)
	@$(MAKE) --no-print-directory FFT=fftw all $(BENCHES:build/$(FFT)/%=build/fftw/%)
	@sh test/bench/run

demo: deps
	@$(MAKE) --no-print-directory all
	@sh pipelines/demo.sh

# The paper's figures from the shipped presets, into out/figures/ (FIGURE_FORMAT=svg|pdf).
figures: deps
	@$(MAKE) --no-print-directory all
	@VX_BIN=$(CURDIR)/$(BUILD)/bin sh pipelines/figures.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man7 $(DESTDIR)$(PREFIX)/share/vx/presets
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/*.7 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 644 presets/* $(DESTDIR)$(PREFIX)/share/vx/presets

# Regenerate presets/ from a DiffVox preset folder (scripts/get_params.py output).
DIFFVOX ?= ../shared/data/diffvox-presets
presets: all
	bin/vx-import -d medleydb -o presets/medleydb.ndjson $(DIFFVOX)/medleydb
	bin/vx-import -d internal -o presets/internal.ndjson $(DIFFVOX)/internal
	bin/vx-import -g -d medleydb -o presets/medleydb-gaussian.json $(DIFFVOX)/medleydb
	bin/vx-import -g -d internal -o presets/internal-gaussian.json $(DIFFVOX)/internal
	cp $(DIFFVOX)/fx_config.yaml $(DIFFVOX)/rt_config.yaml $(DIFFVOX)/LICENSE presets/

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
