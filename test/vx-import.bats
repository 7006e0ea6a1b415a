#!/usr/bin/env bats
# vx-import turns DiffVox's own preset folders into vx records.
load helpers

setup() { cd "$BATS_TEST_TMPDIR"; }

# FILE DESCR SHAPE BYTES [FORTRAN]: a version 1.0 .npy file as numpy.save writes it (header
# padded to 64 bytes), followed by BYTES zero bytes of data.
make_npy() {
    local dict="{'descr': '$2', 'fortran_order': ${5:-False}, 'shape': $3, }"
    local n=$(( (10 + ${#dict} + 1 + 63) / 64 * 64 - 10 ))
    { printf '\223NUMPY\001\000'; printf "\\$(printf %o $((n % 256)))\\$(printf %o $((n / 256)))"
      printf "%-$((n - 1))s\n" "$dict"; head -c "$4" /dev/zero; } > "$1"
}

# A copy of the MedleyDB folder in bad/ whose raw_params.npy is made by make_npy ARGS.
bad_raw_params() {
    mkdir -p bad && cp "$FIX/diffvox-medleydb/"* bad/
    make_npy bad/raw_params.npy "$@"
}

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
    assert_output 'vx-import: bad/raw_params.npy: shape (151,) has 1 dimension, expected 2'
    bad_raw_params '<f4' '(2, 150)' 1200
    run vx-import bad
    assert_failure 1
    assert_output --partial 'shape (2, 150), expected (N, 151)'
}

@test "a shape whose element count overflows is refused, leaving no output" {
    bad_raw_params '<f8' '(2305843009213693952, 151)' 1208
    run vx-import -o out.ndjson bad
    assert_failure 1
    assert_output "vx-import: bad/raw_params.npy: shape (2305843009213693952, 151) needs more data than the 1208 bytes after the header"
    [ ! -e out.ndjson ]
    assert_no_leftovers .
    bad_raw_params '<f8' '(151, 122164723457507783)' 1208
    run vx-import bad
    assert_failure 1
    assert_output --partial 'shape (151, 122164723457507783) needs more data'
}

@test "a negative or malformed shape is refused, naming the file and the shape" {
    bad_raw_params '<f4' '(-1, 151)' 604
    run vx-import -o out.ndjson bad
    assert_failure 1
    assert_output "vx-import: bad/raw_params.npy: shape (-1, 151) is not a tuple of non-negative integers"
    [ ! -e out.ndjson ]
    assert_no_leftovers .
    bad_raw_params '<f4' '(99999999999999999999999, 151)' 604
    run vx-import bad
    assert_failure 1
    assert_output --partial 'shape (99999999999999999999999, 151) is not a tuple'
}

@test "a 3-D array is not read as 2-D" {
    bad_raw_params '<f4' '(2, 151, 1)' 1208
    run vx-import bad
    assert_failure 1
    assert_output 'vx-import: bad/raw_params.npy: shape (2, 151, 1) has 3 dimensions, expected 2'
}

@test "data shorter or longer than the shape, Fortran order and other dtypes are refused" {
    bad_raw_params '<f4' '(2, 151)' 1207
    run vx-import bad
    assert_failure 1
    assert_output --partial 'raw_params.npy: shape (2, 151) needs more data than the 1207 bytes after the header'
    bad_raw_params '<f4' '(2, 151)' 1212
    run vx-import bad
    assert_failure 1
    assert_output --partial 'raw_params.npy: 1212 bytes of data for shape (2, 151) of 4-byte values (1208 expected)'
    bad_raw_params '<f4' '(2, 151)' 1208 True
    run vx-import bad
    assert_failure 1
    assert_output --partial 'raw_params.npy: Fortran-ordered arrays are not read'
    bad_raw_params '>f4' '(2, 151)' 1208
    run vx-import bad
    assert_failure 1
    assert_output --partial "raw_params.npy: unsupported dtype '>f4'"
}

@test "train_index.npy must hold rows of raw_params.npy" {
    mkdir bad && cp "$FIX/diffvox-medleydb/"* bad/
    make_npy bad/train_index.npy '<f8' '(1,)' 8
    printf '\000\000\000\000\000\000\360\177' | dd of=bad/train_index.npy bs=1 seek=128 conv=notrunc 2>/dev/null
    run vx-import bad
    assert_failure 1
    assert_output 'vx-import: bad/train_index.npy: element 0 (inf) is not a row of raw_params.npy (0..69)'
}

@test "usage errors exit 2" {
    run vx-import
    assert_failure 2
    assert_output --partial 'usage: vx-import'
    run vx-import a b
    assert_failure 2
}

# Each archive of test/fixtures/npz (made by make.py there) is damaged in one way.
@test "a damaged gaussian.npz is refused with what is wrong, never read past its fields" {
    mkdir bad && cp "$FIX/diffvox-medleydb/"* bad/
    while IFS='|' read -r file message; do
        cp "$FIX/npz/$file" bad/gaussian.npz
        run vx-import -g -o out.json bad
        assert_failure 1
        assert_output "vx-import: bad/gaussian.npz$message"
        [ ! -e out.json ]
    done <<'LIST'
zip64-extra-overrun.npz|: not a ZIP archive (no end of central directory)
zip64-extra-short.npz|:mean.npy: local header's sizes or CRC disagree with the central directory
local-name.npz|:mean.npy: local header disagrees with the central directory
crc.npz|:mean.npy: CRC-32 mismatch (damaged archive)
deflated.npz|:mean.npy: compressed (method 8); only numpy.savez (stored) archives are read
member-short.npz|:mean.npy: shape (200,) needs more data than the 1040 bytes after the header
LIST
    assert_no_leftovers .
}

@test "--gaussian: the arrays' shapes and the mask's count must match" {
    mkdir bad && cp "$FIX/diffvox-medleydb/"* bad/
    make_npy bad/feature_mask.npy '|b1' '(151,)' 151
    run vx-import -g bad
    assert_failure 1
    assert_output 'vx-import: bad: expected mean (130), cov (130, 130) and a mask of 151 with 130 set; got (130), (130, 130) and 151 with 0 set'
}
