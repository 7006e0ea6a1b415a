#!/usr/bin/env bats
# Faults: outputs that are special files, full, closed or unwritable; signals in every
# phase of a fit; two fits writing the same place; a pipeline killed midway. Special files
# are made here (a FIFO, a full device node "mknod NAME c 1 7"): never the real /dev/full.
# bats file_tags=plumbing

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
    cd "$BATS_FILE_TMPDIR"
    cp "$FIX/voice.wav" dry.wav
    vx-render -q -p "$TOP/presets/medleydb.ndjson" -k 5 dry.wav wet.wav
}

setup() {
    cd "$BATS_TEST_TMPDIR"
    ln -s "$BATS_FILE_TMPDIR/dry.wav" dry.wav
    ln -s "$BATS_FILE_TMPDIR/wet.wav" wet.wav
    PRESETS="$TOP/presets/medleydb.ndjson"
}

# A quick fit: two steps of short chunks; and one that stops after its set-up (the run
# folder and the record are made, no step is taken).
QUICK=(-n 2 --chunk 2 --overlap 0.5)
NO_STEPS=(-n 0 --chunk 2 --overlap 0.5)

# Waits (up to 60 s) until file $1 holds text $2.
wait_for() {
    for _ in $(seq 300); do
        grep -qs "$2" "$1" && return 0
        sleep 0.2
    done
    fail "no '$2' in $1: $(cat "$1")"
}

# Exit status of process $1 (a child of this shell) into rc.
status_of() {
    rc=0
    wait "$1" || rc=$?
}

# Exit status into rc of process $1, which must end within $2 seconds (else it is killed).
ends_within() {
    for _ in $(seq $(($2 * 10))); do
        kill -0 "$1" 2> /dev/null || break
        sleep 0.1
    done
    if kill -0 "$1" 2> /dev/null; then
        kill -KILL "$1"
        wait "$1" || true
        fail "process $1 still ran $2 s after the signal"
    fi
    status_of "$1"
}

# A PID no process has: one that just ended.
dead_pid() {
    sh -c 'echo $$'
}

@test "a full device: an error naming it, and the device stays a device" {
    mknod full c 1 7
    run vx-render -q -p "$PRESETS" -k 5 dry.wav full
    assert_failure 1
    assert_output --partial 'full: write error: No space left on device'
    run vx-gauss -o full "$PRESETS"
    assert_failure 1
    assert_output --partial 'full: write error: No space left on device'
    [ -c full ]
    assert_no_leftovers .
}

@test "a FIFO output is written into the FIFO, which stays a FIFO (audio and records)" {
    mkfifo fifo
    # the readers give up in time if the FIFO is replaced instead of written
    timeout 60 cat fifo > got.wav &
    vx-render -q -p "$PRESETS" -k 5 dry.wav fifo
    [ -p fifo ]
    wait
    [ "$(soxi -s got.wav)" = "$(soxi -s dry.wav)" ]
    timeout 60 cat fifo > got.json &
    vx-gauss -o fifo "$PRESETS"
    [ -p fifo ]
    wait
    [ -p fifo ]
    jq -e '.type == "gaussian"' got.json
    assert_no_leftovers .
}

@test "a path to an open file (/proc/self/fd/1, as /dev/stdout is) writes to that file" {
    ln -s /proc/self/fd/1 stdout
    vx-gauss -o stdout "$PRESETS" > got.json
    [ -L stdout ]
    jq -e '.type == "gaussian"' got.json
    vx-render -q -p "$PRESETS" -k 5 dry.wav stdout > got.wav
    [ "$(soxi -s got.wav)" = "$(soxi -s dry.wav)" ]
}

@test "a symbolic link to a regular file: the file is replaced, the link stays" {
    mkdir real
    echo old > real/out.json
    ln -s real/out.json link.json
    vx-gauss -o link.json "$PRESETS"
    [ -L link.json ]
    [ "$(readlink link.json)" = real/out.json ]
    jq -e '.type == "gaussian"' real/out.json
    ln -s real/new.wav dangling.wav
    vx-render -q -p "$PRESETS" -k 5 dry.wav dangling.wav
    [ -L dangling.wav ]
    [ -f real/new.wav ]
    assert_no_leftovers .
    assert_no_leftovers real
}

@test "a directory as output is an error, and it stays a directory" {
    mkdir out.json
    run vx-gauss -o out.json "$PRESETS"
    assert_failure 1
    assert_output 'vx-gauss: out.json: cannot write: Is a directory'
    [ -d out.json ]
}

@test "a closed pipe: exit 1 with a write error (records, raw audio)" {
    run bash -c 'vx-gauss "$1" | true; echo "status ${PIPESTATUS[0]}"' _ "$PRESETS"
    assert_output --partial 'vx-gauss: stdout: write error: Broken pipe'
    assert_output --partial 'status 1'
    run bash -c 'vx-render -q -p "$1" -k 5 dry.wav - | true; echo "status ${PIPESTATUS[0]}"' _ "$PRESETS"
    assert_output --partial 'write error: Broken pipe'
    assert_output --partial 'status 1'
}

@test "an unwritable folder, even to root: under a regular file, on a read-only mount" {
    echo x > file
    run vx-gauss -o file/out.json "$PRESETS"
    assert_failure 1
    assert_output 'vx-gauss: file/out.json: cannot write: Not a directory'
    command -v unshare >/dev/null || skip "no unshare for a private read-only mount"
    mkdir ro
    # a read-only tmpfs in a mount namespace of its own: gone when the command ends
    run unshare -m --propagation private sh -c \
        'mount -t tmpfs -o ro,size=1m tmpfs ro && vx-gauss -o ro/out.json "$1"' _ "$PRESETS"
    assert_failure 1
    assert_output --partial 'ro/out.json: cannot write: Read-only file system'
}

@test "vx-fit: an output or log folder it cannot write is an error before any work" {
    echo x > file
    start=$(date +%s)
    run vx-fit -n 100000 --dry dry.wav --wet wet.wav -o file/fit.json
    assert_failure 1
    assert_output 'vx-fit: file/fit.json: cannot write: Not a directory'
    run vx-fit -n 100000 --dry dry.wav --wet wet.wav --log-dir file/logs
    assert_failure 1
    assert_output --partial 'file/logs: Not a directory'
    # 100000 steps of 12 s chunks, or even loading the pair, would take far longer
    [ $(($(date +%s) - start)) -lt 20 ]
}

@test "vx-fit --log-dir: a track is one folder name inside the root, made before the fit" {
    vx-pair -q --dry dry.wav --wet wet.wav --id x > pair.ndjson
    for t in '../../escaped' 'a/b/c' '..' '.hidden' ''; do
        jq -c --arg t "$t" '.track = $t' pair.ndjson > p.ndjson
        vx-fit "${NO_STEPS[@]}" -q --log-dir logs/root p.ndjson > /dev/null
    done
    run sh -c 'cd logs/root && find . -name fit.json | sort'
    assert_output "./__/run_0/fit.json
./___.._escaped/run_0/fit.json
./_hidden/run_0/fit.json
./a_b_c/run_0/fit.json
./pair/run_0/fit.json"
    [ ! -e escaped ]
    [ ! -e logs/escaped ]
    long=$(printf 'é%.0s' $(seq 80)) # 160 bytes: cut at 100, between characters
    jq -c --arg t "$long" '.track = $t' pair.ndjson > p.ndjson
    vx-fit "${NO_STEPS[@]}" -q --log-dir logs/root p.ndjson > /dev/null
    [ -f "logs/root/$(printf 'é%.0s' $(seq 50))/run_0/fit.json" ]
}

@test "vx-fit: a fit that fails leaves no run folder and no output" {
    run vx-fit --dry dry.wav --wet wet.wav -o fit.json --log-dir logs # 12 s chunks: too long
    assert_failure 1
    assert_output --partial 'shorter than one'
    [ ! -e fit.json ]
    [ ! -e logs/wet/run_0 ]
    assert_no_leftovers .
    command -v unshare >/dev/null || skip "no unshare for a private small mount"
    # a log root too small for the record (4 kB): the write fails after the run folder is made
    mkdir small
    run unshare -m --propagation private sh -c 'mount -t tmpfs -o size=4k tmpfs small &&
        vx-fit "$@" --log-dir small > /dev/null; echo "status $?"; find small' _ \
        "${QUICK[@]}" --dry dry.wav --wet wet.wav -q
    assert_output --partial 'No space left on device'
    assert_output --partial 'status 1'
    refute_line 'small/wet/run_0'
}

@test "a signal during set-up ends vx-fit at once with its status, nothing written" {
    mkfifo slow.wav # opening it waits for a writer that never comes: set-up never ends
    for sig in INT TERM; do
        vx-fit -n 2 --dry slow.wav --wet wet.wav -o fit.json --log-dir logs 2> err &
        pid=$!
        for _ in $(seq 100); do [ -d logs/wet ] && break; sleep 0.1; done
        sleep 0.5
        kill -$sig $pid
        ends_within $pid 10
        [ "$rc" -eq $((128 + $(kill -l $sig))) ] || fail "SIG$sig: exit $rc: $(cat err)"
        [ ! -e fit.json ]
        [ ! -e logs/wet/run_0 ]
        assert_no_leftovers .
    done
}

@test "SIGINT or SIGTERM during the steps: the best state so far, complete" {
    for sig in INT TERM; do
        rm -f fit.json
        vx-fit -n 100000 --chunk 2 --overlap 0.5 --dry dry.wav --wet wet.wav -o fit.json 2> err &
        pid=$!
        wait_for err 'step [0-9][0-9]*/'
        kill -$sig $pid
        status_of $pid
        [ "$rc" -eq $((128 + $(kill -l $sig))) ] || fail "SIG$sig: exit $rc: $(cat err)"
        grep -q "interrupted by SIG$sig" err
        jq -e --arg s "SIG$sig" '(.terminated_by | contains($s)) and (.raw | length) == 151' fit.json
        assert_no_leftovers .
    done
}

@test "a second signal during the steps ends vx-fit at once, nothing written" {
    vx-fit -n 100000 --chunk 2 --overlap 0.5 --dry dry.wav --wet wet.wav -o fit.json 2> err &
    pid=$!
    wait_for err 'step [0-9][0-9]*/'
    kill -INT $pid # two signals: a second of the same kind may merge with the first
    kill -TERM $pid
    ends_within $pid 10
    # killed by whichever came second
    [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ] || fail "exit $rc: $(cat err)"
    run grep -c 'wrote the best state' err
    assert_output 0
    [ ! -e fit.json ]
    assert_no_leftovers .
}

@test "SIGKILL during the steps: no output; the next run removes the dead run's temporary" {
    echo '{"old": true}' > fit.json
    vx-fit -n 100000 --chunk 2 --overlap 0.5 --dry dry.wav --wet wet.wav -o fit.json 2> err &
    pid=$!
    wait_for err 'step [0-9][0-9]*/'
    kill -KILL $pid
    wait $pid || true
    [ "$(cat fit.json)" = '{"old": true}' ] # the old record, whole
    [ -f ".fit.json.$pid.tmp" ]
    other=".fit.json.$(dead_pid).tmp" alive=".fit.json.1.tmp" # PID 1 always runs
    touch "$other" "$alive"
    vx-gauss -o fit.json "$PRESETS"
    [ ! -e ".fit.json.$pid.tmp" ]
    [ ! -e "$other" ]
    [ -e "$alive" ]
}

@test "two fits writing the same -o and --log-dir at once: both complete, runs apart" {
    vx-fit "${QUICK[@]}" --dry dry.wav --wet wet.wav -q -o fit.json --log-dir logs &
    a=$!
    vx-fit "${QUICK[@]}" --dry dry.wav --wet wet.wav -q -s 1 -o fit.json --log-dir logs &
    b=$!
    status_of $a
    [ "$rc" -eq 0 ]
    status_of $b
    [ "$rc" -eq 0 ]
    [ "$(jq -s length fit.json)" -eq 1 ]
    jq -e '.type == "fit" and (.losses | length) == 2' fit.json
    [ -f logs/wet/run_0/fit.json ]
    [ -f logs/wet/run_1/fit.json ]
    [ "$(jq -s 'map(.settings.seed) | sort' logs/wet/run_*/fit.json | jq -c .)" = '[0,1]' ]
    assert_no_leftovers .
}

@test "every tool's OpenMP threads wait passively unless the environment says otherwise" {
    # libgomp prints its settings as it loads: the last print is the tool's own, after it
    # started itself again with the policy set
    for c in "$TOP"/cmd/vx-*.c; do
        t=$(basename "$c" .c)
        run env -u OMP_WAIT_POLICY OMP_DISPLAY_ENV=verbose "$t" --version
        assert_success
        [ "$(echo "$output" | grep GOMP_SPINCOUNT | tail -n 1)" = "  GOMP_SPINCOUNT = '0'" ] ||
            fail "$t: $(echo "$output" | grep GOMP_SPINCOUNT)"
        run env OMP_WAIT_POLICY=active OMP_DISPLAY_ENV=verbose "$t" --version
        assert_success
        [ "$(echo "$output" | grep -c GOMP_SPINCOUNT)" = 1 ] || fail "$t started again: $output"
        [ "$(echo "$output" | grep GOMP_SPINCOUNT)" != "  GOMP_SPINCOUNT = '0'" ]
    done
}

@test "a bad option gives one message, in vx's form" {
    run vx-fit --bogus
    assert_failure 2
    assert_line --index 0 "vx-fit: unknown option '--bogus'"
    refute_output --partial 'unrecognized'
    run vx-render -p
    assert_failure 2
    assert_line --index 0 "vx-render: option '-p' needs a value"
    run vx-gauss --output
    assert_line --index 0 "vx-gauss: option '--output' needs a value"
    run vx-select --quiet=1
    assert_line --index 0 "vx-select: option '--quiet' takes no value"
    run vx-fit -Z
    assert_line --index 0 "vx-fit: unknown option '-Z'"
    [ "$(grep -c -- -Z <<<"$output")" -eq 1 ]
}

@test "corpus.mk -j2 killed midway, then rerun: it resumes, every output valid, no temporary" {
    sh "$TOP/pipelines/demo-corpus.sh" corpus > /dev/null
    mk=(make --no-print-directory -f "$TOP/pipelines/corpus.mk" CORPUS="$PWD/corpus"
        OUT="$PWD/out" FIT_FLAGS='--steps 2 --chunk 2 --overlap 0.5' -j2)
    setsid "${mk[@]}" > make.out 2>&1 &
    pid=$!
    for _ in $(seq 600); do
        ls out/fits/*.json > /dev/null 2>&1 && break
        sleep 0.1
    done
    pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
    [ -n "$pgid" ] && [ "$pgid" != "$(ps -o pgid= -p $$ | tr -d ' ')" ] || fail "no process group"
    kill -KILL -- "-$pgid"
    wait "$pid" || true
    [ ! -e out/summary.txt ] || fail "the pipeline ended before it was killed"
    touch "out/.scores.csv.$(dead_pid).tmp" # as a vx-loss killed while writing leaves
    done_before=$(ls out/fits/*.json | wc -l)
    run "${mk[@]}"
    assert_success
    [ "$(grep -c '^fit ' <<<"$output")" -eq $((4 - done_before)) ] || fail "$output"
    for f in out/fits/*.json out/gaussian.json out/pca.json; do jq -e . "$f" > /dev/null; done
    jq -e -s 'length > 0' out/presets.ndjson out/pairs.ndjson > /dev/null
    [ "$(ls out/fits/*.json | wc -l)" -eq 4 ]
    [ -s out/scores.csv ]
    [ -s out/baseline.csv ]
    [ -s out/summary.txt ]
    run find out -name '*.tmp' -o -name '*.part' -o -name '*.new'
    assert_output ''
}

teardown() {
    kill_leftover_jobs
}
