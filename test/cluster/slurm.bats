#!/usr/bin/env bats
# The corpus pipeline's Slurm route (corpus.mk slurm, pipelines/slurm.sh) on a real Slurm:
# make check-cluster runs this file against the one-node Slurm test/cluster/run starts
# (SLURM_CONF). The demo corpus (3 songs, 4 pairs) with short fits: the same presets,
# Gaussian and PCA as make -j2, and a cancelled array task completed by the next submission.

load ../helpers
bats_require_minimum_version 1.5.0

setup_file() {
    [ -n "${SLURM_CONF:-}" ] || skip "no Slurm: run by make check-cluster"
    setup_demo_corpus
}

# corpus.mk on $CORPUS into OUT=$1, then the other arguments; both routes run one thread
# a fit, so that their fits are the same (seed 0).
pipe() {
    local out=$1
    shift
    corpus_make OUT="$out" FIT_THREADS=1 "$@"
}

# Waits until no job of the run in folder $1 is queued or running (at most $2 s).
wait_jobs() {
    local tag="vx-corpus:$1"
    for _ in $(seq $(($2 * 2))); do
        squeue -h -o '%k' | grep -qxF "$tag" || return 0
        sleep 0.5
    done
    squeue >&2
    fail "jobs of $1 still queued or running after $2 s"
}

# Every fit file of $1 is a complete fit record of its pair, with $2 losses.
assert_fits() {
    local f
    [ "$(ls "$1/fits" | wc -l)" -eq 4 ] || fail "$(ls "$1/fits")"
    for f in "$1"/fits/*.json; do
        jq -e --argjson n "$2" '.type == "fit" and (.id | gsub("/"; "__")) + ".json" == $name and
            (.losses | length) == $n and (.raw | length) == 151 and all(.raw[]; isinfinite | not) and
            .terminated_by == null' --arg name "$(basename "$f")" "$f" >/dev/null ||
            fail "$f: $(jq -c '[.type, .id, (.losses | length), .terminated_by]' "$f")"
    done
    run ls -A "$1/fits"
    refute_output --regexp '\.(part|tmp)$'
}

@test "the Slurm route: one array task a fit, then the stages; the same outputs as make -j2" {
    local local=$BATS_TEST_TMPDIR/local out=$BATS_TEST_TMPDIR/slurm
    pipe "$local" -j2 >/dev/null 2>&1
    run --separate-stderr pipe "$out" slurm
    assert_success
    # the request: one CPU, the memory vx-fit --memory gives for the longest pair
    mb=$(for id in $(jq -r .id "$out/pairs.ndjson"); do
        vx-fit --memory -j 1 $FIT_FLAGS -k "$id" "$out/pairs.ndjson"; done | sort -n | tail -n 1)
    assert_line --regexp "^$out: 4 fits as Slurm array job [0-9]+ \\(1 CPU and $mb MB a task\\)\$"
    assert_line --regexp "^$out: the other stages as job [0-9]+, once every fit succeeded; logs in $out/logs/\$"
    array=$(sed -n 's/.* fits as Slurm array job \([0-9]*\) .*/\1/p' <<<"$output")
    wait_jobs "$out" 600
    assert_fits "$out" 3
    for i in 1 2 3 4; do
        grep -q '^fit ' "$out/logs/slurm-fit-${array}_$i.out" || fail "task $i: $(cat "$out/logs/slurm-fit-${array}_$i.out")"
    done
    [ -s "$out/summary.txt" ] || fail "no summary: $(cat "$out"/logs/slurm-stages-*.out)"
    for f in presets.ndjson gaussian.json pca.json; do
        cmp "$local/$f" "$out/$f" || fail "$f differs from make -j2's"
    done
    # everything done: a new submission runs no fit, only the (up to date) stages
    run pipe "$out" slurm
    assert_success
    refute_line --partial 'Slurm array job'
    wait_jobs "$out" 120
}

@test "a cancelled array task leaves no fit file; the next submission runs it alone" {
    local out=$BATS_TEST_TMPDIR/run
    pipe "$out" -j2 fits >/dev/null 2>&1
    gone=Apollo_Houston__Apollo_Houston_STEM_03 kept=Apollo_Tranquility__Apollo_Tranquility_STEM_01
    rm "$out/fits/$gone.json" "$out/fits/$kept.json" "$out/logs/$gone.log"
    # fits long enough to be cancelled while they run
    export FIT_FLAGS='--steps 40 --chunk 2 --overlap 0.5'
    run --separate-stderr pipe "$out" slurm
    assert_success
    assert_line --regexp "^$out: 2 fits as Slurm array job [0-9]+ "
    array=$(sed -n 's/.* fits as Slurm array job \([0-9]*\) .*/\1/p' <<<"$output")
    # while they are queued or run, a second submission is refused
    run --separate-stderr pipe "$out" slurm
    assert_failure
    [[ $stderr == *"slurm.sh: jobs for $out are still queued or running"* ]] || fail "$stderr"
    task=$(grep -n "/$gone.json'" "$out/jobs.txt" | cut -d: -f1)
    [ -n "$task" ] || fail "$gone not in jobs.txt"
    for _ in $(seq 600); do grep -qs 'step' "$out/logs/$gone.log" && break; sleep 0.5; done
    grep -q 'step' "$out/logs/$gone.log" || fail "task $task did not start"
    scancel "${array}_$task"
    wait_jobs "$out" 600
    [ ! -e "$out/fits/$gone.json" ] || fail "a cancelled fit was kept"
    [ -f "$out/fits/$kept.json" ] || fail "the other task's fit is missing"
    [ ! -e "$out/presets.ndjson" ] || fail "the stages ran after a cancelled fit"
    run ls -A "$out/fits"
    refute_output --regexp '\.(part|tmp)$'
    # the next submission: the cancelled fit only, then the stages
    run --separate-stderr pipe "$out" slurm
    assert_success
    assert_line --regexp "^$out: 1 fits as Slurm array job [0-9]+ "
    wait_jobs "$out" 600
    [ "$(jq '.losses | length' "$out/fits/$gone.json")" -eq 40 ]
    [ -s "$out/summary.txt" ] || fail "no summary: $(cat "$out"/logs/slurm-stages-*.out)"
    run grep '^fits ' "$out/summary.txt"
    assert_output --regexp '^fits      4 fits, 86 steps;'
    # the fit the array task made is the one this machine makes with the same command
    sh "$TOP/pipelines/fit.sh" "$out/pairs.ndjson" Apollo_Houston/Apollo_Houston_STEM_03 \
        "$BATS_TEST_TMPDIR/here.json" "$BATS_TEST_TMPDIR/here.log" -j 1 $FIT_FLAGS >/dev/null
    cmp <(jq -c '.raw, .losses' "$out/fits/$gone.json") <(jq -c '.raw, .losses' "$BATS_TEST_TMPDIR/here.json")
}

teardown() {
    kill_leftover_jobs
}
