#!/usr/bin/env bats
# vx-gauss as a user meets it: the published Gaussians reproduced from the shipped
# presets, row selection, streams and files, and every kind of bad input with its exit
# status, message, and no output left behind.
load helpers

setup() {
    cd "$BATS_TEST_TMPDIR"
    MDB="$TOP/presets/medleydb.ndjson"
    INT="$TOP/presets/internal.ndjson"
}

# Largest deviation of gaussian record $1 from golden $2, relative to the scale of each
# entry: |d mean_i| / max(|mean_i|, sd_i) and |d cov_ij| / (sd_i sd_j). The golden values
# are the original's float32 arithmetic, so entries near zero carry its rounding
# (~1e-7 of the scale) and an entry-wise ratio would measure that, not vx.
deviation() {
    jq -n --slurpfile a "$1" --slurpfile b "$2" '
        $a[0] as $A | $b[0] as $B | [range(0; 130)] as $r |
        ($r | map(($B.cov[.][.] | sqrt))) as $sd |
        ([$r[] | ((($A.mean[.] - $B.mean[.]) | fabs) / ([($B.mean[.] | fabs), $sd[.]] | max))]
         + [$r[] as $i | $r[] as $j |
            (($A.cov[$i][$j] - $B.cov[$i][$j]) | fabs) / ($sd[$i] * $sd[$j])]) | max'
}

@test "--help and --version" {
    run vx-gauss --help
    assert_success
    assert_line --index 0 --partial "usage: vx-gauss"
    assert_output --partial "--train"
    run vx-gauss --version
    assert_success
    assert_output --regexp '^vx-gauss \(vx\) [0-9]'
}

@test "reproduces the published MedleyDB Gaussian from all 70 presets" {
    vx-gauss "$MDB" > g.json
    run jq -c '[.type, .dataset, .n, (.mean | length), (.cov | length), (.cov[0] | length)]' g.json
    assert_output '["gaussian","medleydb",70,130,130,130]'
    jq -e --slurpfile b "$FIX/gauss_golden_medleydb.json" '.mask == $b[0].mask' g.json
    dev=$(deviation g.json "$FIX/gauss_golden_medleydb.json")
    awk -v d="$dev" 'BEGIN { exit !(d < 1e-5) }' || fail "deviation $dev"
}

@test "reproduces the published Internal Gaussian from the 365 training rows" {
    vx-gauss --train "$INT" > g.json
    run jq -c '[.dataset, .n]' g.json
    assert_output '["internal",365]'
    dev=$(deviation g.json "$FIX/gauss_golden_internal.json")
    awk -v d="$dev" 'BEGIN { exit !(d < 1e-5) }' || fail "deviation $dev"
}

@test "the covariance is symmetric and divides by n - 1" {
    # two presets: var = (a - b)^2 / 2 for every value
    head -n 2 "$MDB" > two.ndjson
    vx-gauss two.ndjson > g.json
    jq -e '[range(0; 130) as $i | range(0; 130) as $j | .cov[$i][$j] == .cov[$j][$i]] | all' g.json
    a=$(sed -n 1p two.ndjson | jq .raw[0]); b=$(sed -n 2p two.ndjson | jq .raw[0])
    jq -e --argjson a "$a" --argjson b "$b" \
        '(.cov[0][0] - ($a - $b) * ($a - $b) / 2 | fabs) < 1e-12 and (.mean[0] - ($a + $b) / 2 | fabs) < 1e-15' g.json
}

@test "--rows picks records by position, like selecting them with sed" {
    vx-gauss --rows 0-9,12 "$MDB" > a.json
    sed -n -e 1,10p -e 13p "$MDB" | vx-gauss > b.json
    run jq .n a.json
    assert_output 11
    cmp a.json b.json
}

@test "--exclude drops records whose dry path contains the pattern" {
    kept=$(jq -c 'select(.dry | contains("LizNelson") | not)' "$MDB" | wc -l)
    [ "$kept" -lt 70 ]
    vx-gauss --exclude LizNelson "$MDB" > a.json
    run jq .n a.json
    assert_output "$kept"
    jq -c 'select(.dry | contains("LizNelson") | not)' "$MDB" | vx-gauss > b.json
    cmp a.json b.json
}

@test "--train is the records marked \"train\": true" {
    vx-gauss --train "$INT" > a.json
    jq -c 'select(.train)' "$INT" | vx-gauss > b.json
    cmp a.json b.json
}

@test "several inputs and - read in order; --dataset names the record" {
    head -n 30 "$MDB" > first.ndjson
    tail -n 40 "$MDB" | vx-gauss -d all70 first.ndjson - > a.json
    vx-gauss "$MDB" > b.json
    run jq -r .dataset a.json
    assert_output all70
    # the same numbers
    diff <(jq -c '[.mean, .cov]' a.json) <(jq -c '[.mean, .cov]' b.json)
}

@test "mixed datasets are named together" {
    vx-gauss -r 0-1 "$MDB" "$INT" > g.json
    run jq -r .dataset g.json
    assert_output medleydb
    cat "$MDB" "$INT" | vx-gauss -r 69-70 > g.json
    run jq -r .dataset g.json
    assert_output medleydb+internal
}

@test "-o writes the file whole" {
    vx-gauss -o g.json "$MDB"
    jq -e '.type == "gaussian"' g.json
    assert_no_leftovers .
}

@test "fewer than two presets: no covariance" {
    head -n 1 "$MDB" > one.ndjson
    run vx-gauss one.ndjson
    assert_failure 1
    assert_output "vx-gauss: one.ndjson: 1 preset selected; a covariance needs at least 2"
    run vx-gauss < /dev/null
    assert_failure 1
    assert_output "vx-gauss: stdin: 0 presets selected; a covariance needs at least 2"
    run vx-gauss --train "$MDB"
    assert_failure 1
    assert_output --partial "0 presets selected"
}

@test "NaN, null, missing and short values are refused with file:line" {
    head -n 2 "$MDB" > set.ndjson
    sed -n 3p "$MDB" | sed 's/"raw":\[[^,]*,/"raw":[NaN,/' >> set.ndjson
    run vx-gauss set.ndjson
    assert_failure 1
    assert_output --regexp '^vx-gauss: set\.ndjson:3: malformed JSON'

    head -n 2 "$MDB" > set.ndjson
    sed -n 3p "$MDB" | jq -c '.raw[5] = null' >> set.ndjson
    run vx-gauss set.ndjson
    assert_failure 1
    assert_output "vx-gauss: set.ndjson:3: raw[5] (fx.peak2.q) must be a number, got null"

    sed -n 3p "$MDB" | jq -c 'del(.raw, .fx)' > bad.ndjson
    run vx-gauss bad.ndjson
    assert_failure 1
    assert_output --partial 'vx-gauss: bad.ndjson:1: not a preset'

    sed -n 3p "$MDB" | jq -c '.raw |= .[1:]' > bad.ndjson
    run vx-gauss bad.ndjson
    assert_failure 1
    assert_output "vx-gauss: bad.ndjson:1: raw has 150 values, expected 151"

    printf '{"type":"preset","raw":[1,2]\n' > bad.ndjson
    run vx-gauss bad.ndjson
    assert_failure 1
    assert_output --regexp '^vx-gauss: bad\.ndjson:1: malformed JSON'
}

@test "bad input leaves no output file behind" {
    head -n 2 "$MDB" > set.ndjson
    sed -n 3p "$MDB" | jq -c '.raw[7] = "x"' >> set.ndjson
    run vx-gauss -o g.json set.ndjson
    assert_failure 1
    assert_output "vx-gauss: set.ndjson:3: raw[7] (fx.low_shelf.freq_hz) must be a number, got a string"
    [ ! -e g.json ]
    assert_no_leftovers .
    run vx-gauss -o g.json one-missing.ndjson
    assert_failure 1
    assert_output "vx-gauss: one-missing.ndjson: No such file or directory"
    [ ! -e g.json ]
}

@test "--rows past the end of the input is an error" {
    run vx-gauss --rows 0-99 "$MDB"
    assert_failure 1
    assert_output "vx-gauss: $MDB: --rows: position 99 is past the last record (70 read)"
}

@test "usage errors exit 2" {
    run vx-gauss --rows 9-0 "$MDB"
    assert_failure 2
    assert_line --index 0 "vx-gauss: --rows: '9-0' is not a list of positions like 0-9,12"
    assert_line --index 1 --partial "usage: vx-gauss"
    run vx-gauss --frobnicate "$MDB"
    assert_failure 2
    assert_output --partial "usage: vx-gauss"
}

@test "presets given as fx must name every field rightly; --fx-defaults fills missing ones" {
    head -n 3 "$MDB" | jq -c 'del(.raw)' > set.ndjson
    sed -n 4p "$MDB" | jq -c 'del(.raw) | del(.fx.delay.gain)' >> set.ndjson
    run vx-gauss set.ndjson
    assert_failure 1
    assert_output --partial 'vx-gauss: set.ndjson:4: fx.delay.gain is missing'
    run vx-gauss --fx-defaults set.ndjson
    assert_success
    head -n 3 "$MDB" | jq -c 'del(.raw)' > set.ndjson
    sed -n 4p "$MDB" | jq -c 'del(.raw) | .fx.delay.gian = .fx.delay.gain | del(.fx.delay.gain)' >> set.ndjson
    run vx-gauss --fx-defaults set.ndjson
    assert_failure 1
    assert_output 'vx-gauss: set.ndjson:4: fx.delay.gian is not a field of fx.delay (did you mean gain?)'
}

@test "a preset value beyond its limits, or a duplicate key, stops the fit" {
    head -n 2 "$MDB" > set.ndjson
    sed -n 3p "$MDB" | jq -c 'del(.fx) | .raw[31] = 1e300' >> set.ndjson
    run vx-gauss set.ndjson
    assert_failure 1
    assert_output 'vx-gauss: set.ndjson:3: raw[31] (fx.fdn.b[0]) must be in [-100, 100], got 1e+300'
    head -n 2 "$MDB" > set.ndjson
    sed -n 3p "$MDB" | sed 's/"raw":/"raw":[0],"raw":/' >> set.ndjson
    run vx-gauss set.ndjson
    assert_failure 1
    assert_output 'vx-gauss: set.ndjson:3: duplicate key raw (each key may appear once)'
}
