#!/usr/bin/env bats
# The corpus pipeline's GNU parallel route (vx(7), "Scale"): the lines of jobs.txt run by
# parallel with a joblog, resumed with --resume-failed, then make for the other stages; on
# the demo corpus with 3-step fits.
# bats file_tags=plumbing

load helpers
bats_require_minimum_version 1.5.0

setup_file() { setup_demo_corpus; }

# corpus.mk into OUT=$1, then the other arguments.
pipe() {
    local out=$1
    shift
    corpus_make OUT="$out" "$@"
}

# Modification times of the fit files of $1, one "name time" a line.
fit_times() { (cd "$1/fits" && stat -c '%n %y' *.json); }

@test "parallel over jobs.txt, then make: the outputs of make -j2" {
    local out=$BATS_TEST_TMPDIR/run
    pipe "$BATS_TEST_TMPDIR/local" -j2 >/dev/null 2>&1
    pipe "$out" jobs >/dev/null 2>&1
    # the documented line (across hosts: --sshloginfile; ":" is this machine)
    echo 2/: > "$BATS_TEST_TMPDIR/nodes"
    run parallel --sshloginfile "$BATS_TEST_TMPDIR/nodes" --joblog "$out/jobs.log" --resume-failed \
        < "$out/jobs.txt"
    assert_success
    [ "$(grep -c '^fit ' <<<"$output")" -eq 4 ] || fail "$output"
    run pipe "$out"
    assert_success
    refute_line --regexp '^fit '
    for f in presets.ndjson gaussian.json pca.json; do
        cmp "$BATS_TEST_TMPDIR/local/$f" "$out/$f" || fail "$f differs from make -j2's"
    done
}

@test "--resume-failed runs again only the fit that failed; a new jobs.txt drops the joblog" {
    local out=$BATS_TEST_TMPDIR/run
    pipe "$out" jobs >/dev/null 2>&1
    # one pair's dry is away while parallel runs: that fit fails, the three others finish
    raw=$CORPUS/Apollo_Houston/Apollo_Houston_RAW/Apollo_Houston_RAW_01_01.wav
    mv "$raw" "$raw.away"
    run --separate-stderr parallel -j 2 --joblog "$out/jobs.log" --resume-failed < "$out/jobs.txt"
    mv "$raw.away" "$raw"
    assert_failure 1
    [[ $stderr == *"fit.sh: Apollo_Houston/Apollo_Houston_STEM_01: vx-fit failed (exit 1)"* ]] || fail "$stderr"
    [ "$(ls "$out/fits" | wc -l)" -eq 3 ]
    before=$(fit_times "$out")
    run parallel -j 2 --joblog "$out/jobs.log" --resume-failed < "$out/jobs.txt"
    assert_success
    assert_output --partial 'fit Apollo_Houston/Apollo_Houston_STEM_01'
    [ "$(grep -c '^fit ' <<<"$output")" -eq 1 ] || fail "$output"
    [ "$(ls "$out/fits" | wc -l)" -eq 4 ]
    [ "$(fit_times "$out" | grep -v '^Apollo_Houston__Apollo_Houston_STEM_01.json ')" = "$before" ]
    # all done: nothing runs again
    run parallel -j 2 --joblog "$out/jobs.log" --resume-failed < "$out/jobs.txt"
    assert_success
    assert_output ''
    pipe "$out" jobs >/dev/null
    [ ! -e "$out/jobs.log" ]
    [ "$(grep -c . "$out/jobs.txt")" -eq 0 ]
}

teardown() {
    kill_leftover_jobs
}
