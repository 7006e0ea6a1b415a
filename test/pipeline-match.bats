#!/usr/bin/env bats
# pipelines/match.mk, the paper's style-transfer evaluation, on the demo corpus
# (pipelines/demo-corpus.sh: 4 pairs of 4.5-6.2 s; its first two for every model) with 1 s
# chunks and one step.
# bats file_tags=plumbing
load helpers
bats_require_minimum_version 1.5.0

setup_file() {
    export D="$BATS_FILE_TMPDIR"
    sh "$TOP/pipelines/demo-corpus.sh" "$D/corpus" > /dev/null
    for s in "$D"/corpus/*/; do echo "${s%/}"; done > "$D/songs.txt"
    vx-pair -q -l "$D/songs.txt" -o "$D/pairs.ndjson"
    head -n 2 "$D/pairs.ndjson" > "$D/two-pairs.ndjson"
    sh "$TOP/pipelines/demo-truth.sh" "$D/corpus" "$D/pairs.ndjson" > "$D/truth.ndjson"
    head -n 3 "$TOP/presets/internal.ndjson" > "$D/pool.ndjson"
}

# match.mk on PAIRS (default: the four pairs), then the other arguments.
evaluate() {
    make --no-print-directory -f "$TOP/pipelines/match.mk" PAIRS="${PAIRS:-$D/pairs.ndjson}" \
        TRUTH="$D/truth.ndjson" NN_FLAGS="--pool $D/pool.ndjson" "$@"
}

@test "every model on every pair, and the table of means and medians" {
    PAIRS="$D/two-pairs.ndjson"
    run --separate-stderr evaluate OUT="$D/out" MATCH_FLAGS='--steps 1 --chunk 1' -j2
    assert_success
    echo "$output" | sed 's/^/# /' >&3
    [ "$(ls "$D"/out/runs/*/*.json | wc -l)" -eq 22 ]
    [ "${#lines[@]}" -eq 14 ]
    for m in mean nn_mfcc nn_mir mfcc mfcc_001 mfcc_01 mfcc_1 mir mir_001 mir_01 mir_1; do
        assert_line --regexp "^$m +2 +([0-9.]+ +){5}\\| +([0-9.]+ +){4}[0-9.]+ *$"
    done
    assert_line 'skipped pairs (fewer than two active chunks): 0'
    # the runs are what they say: method, encoder and alpha, and param_mse to the truth
    jq -e '.match.method == "ito" and .match.encoder == "mir" and .match.alpha == 0.1 and
           .match.eval and .match.scores.param_mse > 0' "$D/out/runs/mir_01/1.json"
    jq -e '.match.method == "nn" and .match.pool_size == 3' "$D/out/runs/nn_mfcc/0.json"
    # the table's mean of mean's mss_lr is the mean of its runs
    want=$(jq -s 'map(.match.scores.mss_lr) | add / length * 1000 | round / 1000' "$D"/out/runs/mean/*.json)
    assert_line --regexp "^mean +2 +[0-9.]+ +${want} "
    # nothing is redone
    before=$(stat -c %Y "$D"/out/runs/*/*.json | md5sum)
    evaluate OUT="$D/out" MATCH_FLAGS='--steps 1 --chunk 1' > /dev/null
    [ "$(stat -c %Y "$D"/out/runs/*/*.json | md5sum)" = "$before" ]
}

@test "pairs with fewer than two active chunks are skipped by every model" {
    run --separate-stderr evaluate OUT="$D/short" MODELS='mean mfcc' MATCH_FLAGS='--steps 1 --chunk 2.5'
    assert_success
    assert_line --regexp '^mean +1 '
    assert_line --regexp '^mfcc +1 '
    assert_line 'skipped pairs (fewer than two active chunks): 3'
    jq -e '.type == "skipped" and (.reason | test("one active 2.50 s chunk"))' "$D/short/runs/mfcc/0.json"
}

@test "no PAIRS or TRUTH: a clear message" {
    run --separate-stderr make --no-print-directory -f "$TOP/pipelines/match.mk" TRUTH=x
    assert_failure
    [[ $stderr == *"PAIRS is not set"* ]] || fail "$stderr"
    run --separate-stderr make --no-print-directory -f "$TOP/pipelines/match.mk" PAIRS=x
    assert_failure
    [[ $stderr == *"TRUTH is not set"* ]] || fail "$stderr"
}
