# Shared set-up for the bats suite: tools from bin/, fixtures, assertions.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

# the source tree: the folder above this file (test files may sit in folders of test/)
TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIX="$TOP/test/fixtures"
# the build under test (make check sets BUILD), for the tests and pipelines/corpus.mk
export VX_BIN="$TOP/${BUILD:-build/fftw}/bin"
PATH="$VX_BIN:$PATH"
export LC_ALL=C

# No file matching the pattern may exist in the directory (no half-written output).
assert_no_leftovers() {
    local dir=$1
    run sh -c "ls -A '$dir' | grep -E '\\.tmp\$' || true"
    assert_output ''
}

# Error energy of a.wav against b.wav relative to b's energy, in dB (sox stats).
err_db() {
    local d r
    d=$(sox -m -v 1 "$1" -v -1 "$2" -n stats 2>&1 | awk '/RMS lev dB/ {print $4}')
    r=$(sox "$2" -n stats 2>&1 | awk '/RMS lev dB/ {print $4}')
    awk -v d="$d" -v r="$r" 'BEGIN { if (d == "-inf") print -999; else printf "%.1f\n", d - r }'
}

# Skips a test that measures memory when the tools are built with AddressSanitizer (make
# sanitize): its shadow memory counts in the resident size and cannot fit under ulimit -v.
skip_memory_if_sanitized() {
    if ldd "$VX_BIN/vx-fit" | grep -q libasan; then
        skip "memory is not measurable under AddressSanitizer"
    fi
}

# Succeeds when the number $1 is below $2.
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# Background processes a test started and left running (a failed assertion before its
# kill) are killed, so that a failure never leaves a fit running on.
kill_leftover_jobs() {
    local p
    for p in $(jobs -p); do
        pkill -KILL -P "$p" 2>/dev/null
        kill -KILL "$p" 2>/dev/null
    done
    return 0
}

# The corpus tests' set-up (setup_file): the demo's corpus (pipelines/demo-corpus.sh: 3
# songs, 4 pairs with known shifts) in $CORPUS, and 3-step fits on 2 s chunks.
setup_demo_corpus() {
    export CORPUS="$BATS_FILE_TMPDIR/corpus"
    export FIT_FLAGS='--steps 3 --chunk 2 --overlap 0.5'
    sh "$TOP/pipelines/demo-corpus.sh" "$CORPUS"
}

# pipelines/corpus.mk on $CORPUS with $FIT_FLAGS; the arguments (OUT=... and targets) follow.
corpus_make() {
    make --no-print-directory -f "$TOP/pipelines/corpus.mk" CORPUS="$CORPUS" \
        FIT_FLAGS="$FIT_FLAGS" "$@"
}

# Waits until the progress line in file $3 shows a step, sends signal $1 (INT, TERM) to the
# background job $2 and waits for it; succeeds when it exits with 128 + the signal's number.
interrupt_after_a_step() {
    local sig=$1 pid=$2 err=$3 rc=0
    for _ in $(seq 300); do grep -qs 'step [0-9][0-9]*/' "$err" && break; sleep 0.2; done
    kill -"$sig" "$pid"
    wait "$pid" || rc=$?
    [ "$rc" -eq $((128 + $(kill -l "$sig"))) ]
}
