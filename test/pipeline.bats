#!/usr/bin/env bats
# pipelines/corpus.mk on the demo's corpus (pipelines/demo-corpus.sh, 3 songs, 4 pairs with
# known shifts) with 3-step fits: exact shifts, fits side by side, a finished fit never
# redone, an interrupted one leaving no file, the later stages, jobs.txt, and bad input.
# bats file_tags=plumbing

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
    export OUT="$BATS_FILE_TMPDIR/run"
    setup_demo_corpus
}

# The pipeline on $CORPUS into $OUT (override either in the environment).
pipe() { corpus_make OUT="$OUT" "$@"; }

# Modification times (ns) of the fit files, one "name time" a line.
fit_times() { (cd "$OUT/fits" && stat -c '%n %y' *.json); }

@test "pairs: the vocal stems with one raw track, shifts recovered exactly" {
    run --separate-stderr pipe pairs
    assert_success
    [[ $stderr == *"Apollo_Static: instrumental, no pairs"* ]] || fail "$stderr"
    [[ $stderr == *"S02 (vocalists) has 2 raw tracks, not 1: skipped"* ]] || fail "$stderr"
    run jq -r '[.id, .shift] | @tsv' "$OUT/pairs.ndjson"
    assert_output "$(cut -f1,2 "$CORPUS/known_shifts.tsv")"
}

@test "fits: one file per pair named by its id with / as __, two side by side" {
    run pipe -j2 fits
    assert_success
    # Both first fits started before either finished.
    [[ ${lines[0]} == "fit "* && ${lines[1]} == "fit "* ]] || fail "$output"
    for id in $(cut -f1 "$CORPUS/known_shifts.tsv"); do
        f="$OUT/fits/${id//\//__}.json"
        [ -f "$f" ] || fail "no $f"
        [ "$(jq -r '.type + " " + .id + " " + (.losses | length | tostring)' "$f")" = "fit $id 3" ] ||
            fail "$f: $(jq -c '[.type, .id, (.losses | length)]' "$f")"
    done
    [ "$(ls "$OUT/fits" | wc -l)" -eq 4 ]
    assert_no_leftovers "$OUT/fits"
}

@test "a finished fit is never redone, whatever the flags" {
    pipe fits >/dev/null
    before=$(fit_times)
    FIT_FLAGS='--steps 5 --chunk 2 --overlap 0.5' run pipe -j2 fits
    assert_success
    refute_line --regexp '^fit '
    [ "$(fit_times)" = "$before" ]
}

@test "a removed fit is the only one recomputed" {
    pipe fits >/dev/null
    gone=Apollo_Tranquility__Apollo_Tranquility_STEM_01.json
    rm "$OUT/fits/$gone"
    before=$(fit_times)
    run pipe -j2 fits
    assert_success
    assert_line 'fit Apollo_Tranquility/Apollo_Tranquility_STEM_01'
    [ "$(grep -c '^fit ' <<<"$output")" -eq 1 ] || fail "$output"
    [ -f "$OUT/fits/$gone" ]
    [ "$(fit_times | grep -v "^$gone ")" = "$before" ]
}

@test "an interrupted fit leaves no file, and the next run redoes only it" {
    pipe fits >/dev/null
    gone=Apollo_Houston__Apollo_Houston_STEM_03.json
    rm "$OUT/fits/$gone" "$OUT/logs/${gone%.json}.log"
    before=$(fit_times)
    # make in a process group of its own, interrupted as Ctrl-C would: SIGINT to the group.
    setsid make --no-print-directory -f "$TOP/pipelines/corpus.mk" CORPUS="$CORPUS" OUT="$OUT" \
        FIT_FLAGS='--steps 100000 --chunk 2 --overlap 0.5' fits >"$BATS_TEST_TMPDIR/make.out" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        grep -qs 'step' "$OUT/logs/${gone%.json}.log" && break
        sleep 0.2
    done
    # The group setsid made, read once the fit runs; never this shell's own.
    pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
    [ -n "$pgid" ] && [ "$pgid" != "$(ps -o pgid= -p $$ | tr -d ' ')" ] || { kill "$pid"; fail "no process group"; }
    kill -INT -- "-$pgid"
    grep -q 'step' "$OUT/logs/${gone%.json}.log" || fail "the fit did not start: $(cat "$BATS_TEST_TMPDIR/make.out")"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -ne 0 ] || fail "make succeeded"
    for _ in $(seq 50); do # vx-fit ends its current step, writes its record, exits
        pgrep -g "$pgid" >/dev/null || break
        sleep 0.2
    done
    [ ! -e "$OUT/fits/$gone" ] || fail "an interrupted fit was kept: $(jq -c .terminated_by "$OUT/fits/$gone")"
    [ "$(fit_times)" = "$before" ]
    run pipe fits
    assert_success
    assert_output --partial 'fit Apollo_Houston/Apollo_Houston_STEM_03'
    [ "$(grep -c '^fit ' <<<"$output")" -eq 1 ] || fail "$output"
    [ "$(jq .terminated_by "$OUT/fits/$gone")" = null ]
    [ "$(jq '.losses | length' "$OUT/fits/$gone")" -eq 3 ]
    run ls -A "$OUT/fits"
    refute_output --regexp '\.(part|tmp)$'
}

@test "a SIGTERM to fit.sh alone (a scheduler's cancel) ends its vx-fit and leaves no file" {
    pipe pairs >/dev/null
    fit="$BATS_TEST_TMPDIR/fits/one.json" log="$BATS_TEST_TMPDIR/one.log"
    sh "$TOP/pipelines/fit.sh" "$OUT/pairs.ndjson" Apollo_Houston/Apollo_Houston_STEM_01 "$fit" "$log" \
        -j 1 --steps 100000 --chunk 2 --overlap 0.5 >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do grep -qs 'step' "$log" && break; sleep 0.2; done
    grep -q 'step' "$log" || fail "the fit did not start"
    kill -TERM "$pid"
    rc=0
    wait "$pid" || rc=$?
    if pgrep -f -- "-o $fit.part" >/dev/null; then # this test's own fit, left running on
        pkill -f -- "-o $fit.part"
        fail "vx-fit still runs"
    fi
    [ "$rc" -eq 143 ] || fail "fit.sh exit $rc"
    grep -q 'interrupted by SIGTERM' "$log" || fail "$(tail -n 3 "$log")"
    run ls -A "$BATS_TEST_TMPDIR/fits"
    assert_output ''
}

@test "presets, gaussian, pca, scores and summary" {
    run pipe -j2
    assert_success
    kept=$(grep -c . "$OUT/presets.ndjson")
    rejected=$(grep -c . "$OUT/rejected.ndjson" || true)
    [ $((kept + rejected)) -eq 4 ] || fail "$kept + $rejected presets"
    [ "$(jq -r 'select(.type != "preset") | .type' "$OUT/presets.ndjson")" = "" ]
    [ "$(jq -r .dataset "$OUT/presets.ndjson" | sort -u)" = corpus ]
    [ "$(jq .n "$OUT/gaussian.json")" -eq "$kept" ]
    run jq -r '.type, (.explained | add * 1e6 | round)' "$OUT/pca.json"
    assert_output $'pca\n1000000'
    run cut -d, -f1,2 "$OUT/scores.csv"
    assert_line --index 0 'track_id,stem_id'
    [ "${#lines[@]}" -eq $((kept + 1)) ]
    [ "$(grep -c . "$OUT/baseline.csv")" -eq 5 ]
    run cat "$OUT/summary.txt"
    assert_line 'songs     3 song folders, 4 pairs'
    assert_line --regexp '^fits      4 fits, 12 steps; lowest loss mean [0-9.]+'
    assert_line --regexp "^gaussian  n = $kept presets, 130 dimensions"
    assert_line --regexp '^pca       explained variance: [0-9.]+ %'
    assert_line --regexp '^scores    [0-9]+ tracks; mean mss_lr [0-9.]+'
    # A second run only prints the summary.
    run pipe
    assert_success
    assert_output "$(cat "$OUT/summary.txt")"
}

@test "the presets that made the corpus score near zero through its pairs" {
    pipe pairs >/dev/null
    sh "$TOP/pipelines/demo-truth.sh" "$CORPUS" "$OUT/pairs.ndjson" >"$BATS_TEST_TMPDIR/true.ndjson"
    run vx-loss -q --csv --eval "$BATS_TEST_TMPDIR/true.ndjson"
    assert_success
    [ "${#lines[@]}" -eq 5 ]
    for l in "${lines[@]:1}"; do
        IFS=, read -r _ stem a b c d <<<"$l"
        for v in $a $b $c $d; do below "$v" 0.002 || fail "$stem: $l"; done
    done
}

@test "jobs.txt: the missing fits as commands that another scheduler can run" {
    pipe fits >/dev/null
    rm "$OUT/fits/Apollo_Houston__Apollo_Houston_STEM_01.json" \
        "$OUT/fits/Apollo_Tranquility__Apollo_Tranquility_STEM_03.json"
    run pipe jobs
    assert_success
    assert_output "$OUT/jobs.txt: 2 fits to run, one command a line"
    [ "$(grep -c . "$OUT/jobs.txt")" -eq 2 ]
    # As GNU parallel or a Slurm array task would: each line in its own shell, elsewhere.
    (cd "$BATS_TEST_TMPDIR" && while IFS= read -r line; do
        [ -n "$line" ] && env -i PATH=/usr/bin:/bin sh -c "$line"
    done <"$OUT/jobs.txt") >/dev/null
    [ "$(ls "$OUT/fits" | wc -l)" -eq 4 ]
    run pipe fits
    refute_line --regexp '^fit '
    run pipe jobs
    assert_output "$OUT/jobs.txt: 0 fits to run, one command a line"
}

@test "a touched METADATA.yaml redoes nothing; an edited one redoes the pairs, no fit" {
    pipe fits >/dev/null
    before=$(fit_times)
    touch "$CORPUS"/*/*_METADATA.yaml
    run pipe fits
    refute_line --regexp '^vx-pair'
    echo "# edited" >>"$CORPUS/Apollo_Static/Apollo_Static_METADATA.yaml"
    run pipe fits
    assert_success
    assert_line --regexp '^vx-pair '
    refute_line --regexp '^fit '
    [ "$(fit_times)" = "$before" ]
}

@test "a malformed METADATA.yaml stops the pipeline with its file and line" {
    bad="$BATS_TEST_TMPDIR/corpus"
    cp -r "$CORPUS" "$bad"
    sed -i 's/^stems:$/stems: [/' "$bad/Apollo_Houston/Apollo_Houston_METADATA.yaml"
    CORPUS=$bad OUT="$BATS_TEST_TMPDIR/run" run --separate-stderr pipe -j2
    assert_failure
    [[ $stderr == *"vx-pair: $bad/Apollo_Houston/Apollo_Houston_METADATA.yaml:"*"malformed YAML"* ]] ||
        fail "$stderr"
    [ ! -e "$BATS_TEST_TMPDIR/run/pairs.ndjson" ]
    [ ! -e "$BATS_TEST_TMPDIR/run/fits" ]
}

@test "no CORPUS, or one without song folders: a clear message" {
    run --separate-stderr env -u CORPUS make --no-print-directory -f "$TOP/pipelines/corpus.mk" OUT="$BATS_TEST_TMPDIR/o"
    assert_failure
    [[ $stderr == *"CORPUS is not set"* ]] || fail "$stderr"
    mkdir "$BATS_TEST_TMPDIR/empty"
    CORPUS="$BATS_TEST_TMPDIR/empty" OUT="$BATS_TEST_TMPDIR/o" run --separate-stderr pipe pairs
    assert_failure
    [[ $stderr == *"corpus.mk: no song folders <Song>/<Song>_METADATA.yaml in $BATS_TEST_TMPDIR/empty"* ]] ||
        fail "$stderr"
    CORPUS="$BATS_TEST_TMPDIR/nowhere" OUT="$BATS_TEST_TMPDIR/o" run --separate-stderr pipe pairs
    assert_failure
    [[ $stderr == *"corpus.mk: CORPUS folder $BATS_TEST_TMPDIR/nowhere does not exist"* ]] || fail "$stderr"
    run make --no-print-directory -f "$TOP/pipelines/corpus.mk" help
    assert_success
    assert_output --partial 'CORPUS'
}

@test "a fit that fails stops make with vx-fit's message and leaves no file" {
    OUT="$BATS_TEST_TMPDIR/run" FIT_FLAGS='--chunk 30' run --separate-stderr pipe fits
    assert_failure
    [[ $stderr == *"shorter than one 30.00 s chunk"* ]] || fail "$stderr"
    [[ $stderr == *"fit.sh: Apollo_Houston/Apollo_Houston_STEM_01: vx-fit failed (exit 1)"* ]] || fail "$stderr"
    run ls -A "$BATS_TEST_TMPDIR/run/fits"
    assert_output ''
}

@test "pair ids that cannot name a fit file are refused" {
    printf '%s\n' '{"type":"pair","id":"Song A/take 1"}' >"$BATS_TEST_TMPDIR/p.ndjson"
    run --separate-stderr jq -r -s -f "$TOP/pipelines/fits.jq" "$BATS_TEST_TMPDIR/p.ndjson"
    assert_failure
    [[ $stderr == *'pair id "Song A/take 1" cannot name a fit file'* ]] || fail "$stderr"
    printf '%s\n' '{"id":"a/b__c"}' '{"id":"a__b/c"}' >"$BATS_TEST_TMPDIR/p.ndjson"
    run --separate-stderr jq -r -s -f "$TOP/pipelines/fits.jq" "$BATS_TEST_TMPDIR/p.ndjson"
    assert_failure
    [[ $stderr == *"two pairs map to the fit file fits/a__b__c.json"* ]] || fail "$stderr"
}

teardown() {
    kill_leftover_jobs
}
