#!/usr/bin/env bats
# vx-import turns DiffVox's own preset folders into vx records.
load helpers

setup() { cd "$BATS_TEST_TMPDIR"; }

@test "converts the MedleyDB folder into the shipped preset set, row by row" {
    run vx-import -d medleydb "$FIX/diffvox-medleydb"
    assert_success
    [ "$(printf '%s\n' "$output" | wc -l)" = 70 ]
    printf '%s\n' "$output" > medleydb.ndjson
    cmp medleydb.ndjson "$TOP/presets/medleydb.ndjson"
    run jq -r 'select(.index == 0) | [.type, .track, .shift, (.raw | length)] | @tsv' medleydb.ndjson
    assert_output "$(printf 'preset\tAClassicEducation_NightOwl_STEM_08\t20\t151')"
}

@test "the dataset name defaults to the folder's name" {
    vx-import "$FIX/diffvox-medleydb" | head -n 1 | jq -e '.dataset == "diffvox-medleydb"'
}

@test "--gaussian writes the published Gaussian as one record" {
    run vx-import -g -d medleydb "$FIX/diffvox-medleydb"
    assert_success
    printf '%s\n' "$output" | jq -e '.type == "gaussian" and .n == 70 and (.mean | length) == 130 and
        (.cov | length) == 130 and ([.mask[] | select(.)] | length) == 130'
    printf '%s\n' "$output" | cmp - "$TOP/presets/medleydb-gaussian.json"
}

@test "a missing folder or file is an error naming it" {
    run vx-import nowhere
    assert_failure 1
    assert_output --partial 'vx-import: nowhere/raw_params.npy:'
    mkdir partial && cp "$FIX/diffvox-medleydb/raw_params.npy" partial/
    run vx-import -o out.ndjson partial
    assert_failure 1
    assert_output --partial 'partial/info.json'
    [ ! -e out.ndjson ]
}

@test "an array of the wrong shape is refused" {
    mkdir bad && cp "$FIX/diffvox-medleydb/"* bad/ && cp "$FIX/diffvox-medleydb/feature_mask.npy" bad/raw_params.npy
    run vx-import bad
    assert_failure 1
    assert_output --partial 'expected (N, 151)'
}

@test "usage errors exit 2" {
    run vx-import
    assert_failure 2
    assert_output --partial 'usage: vx-import'
    run vx-import a b
    assert_failure 2
}
