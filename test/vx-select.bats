#!/usr/bin/env bats
# vx-select on crafted fit records: each criterion of spec/pipeline.md §4.2 and their
# order, the latest-run rule (stream and log folder), the date window, outputs, errors.

load helpers
bats_require_minimum_version 1.5.0

# fit TRACK FINISHED TERMINATED_BY LOSSES [EXTRA]: one fit record (the MedleyDB row 0
# preset as its result); EXTRA is a JSON object merged in.
fit() {
    jq -c --arg track "$1" --arg fin "$2" --argjson term "$3" --argjson losses "$4" \
        --argjson extra "${5:-{\}}" \
        '{type: "fit", id: ("S/" + $track), song: "S", track: $track, dry: ($track + "_raw.wav"),
          wet: ($track + ".wav"), rate: 44100, shift: 3, raw: .raw, eta: -0.01, losses: $losses,
          lowest_loss: ($losses | min), lowest_step: 0, terminated_by: $term,
          started: "2025-05-01T00:00:00Z", finished: $fin, settings: {steps: ($losses | length)}}
         + $extra' "$FIX/preset_medleydb0.json"
}

D=2025-05-02T10:00:00Z

setup() {
    cd "$BATS_TEST_TMPDIR"
    {
        fit good "$D" null '[2, 1.9, 1.8, 1.75]'
        fit term "$D" '"out of memory"' '[2, 1.9, 1.8, 1.75]'
        fit high "$D" null '[6, 5, 4.5]'
        fit nconv "$D" null '[1.0, 2.0, 1.5]'
        fit fluc "$D" null '[3, 2, 3, 2, 1.9]'
        fit both "$D" null '[4.5, 5, 6]'                 # loss above AND not converged
        fit termhigh "$D" '"interrupted"' '[9, 9.5]'     # terminated AND loss above
        fit again 2025-05-03T12:00:00+02:00 null '[5, 4.8]' '{"attempt": 2}' # the later run ...
        fit again 2025-05-01T12:00:00Z null '[2, 1.5]' '{"attempt": 1}'      # ... listed last
    } >fits.ndjson
}

@test "vx-select: the first failing criterion classifies; counts on stderr" {
    run --separate-stderr vx-select --rejected rej.ndjson fits.ndjson
    assert_success
    run jq -r '[.type, .index, .track] | @tsv' <<<"$output"
    assert_output "$(printf 'preset\t0\tgood\npreset\t1\tfluc')"
    assert_equal "$stderr" "vx-select: 9 fits: 2 selected, 2 terminated, 3 loss_above, 1 not_converged, 0 fluctuating; 1 superseded by a later run, 0 outside the window"
    run jq -r '[.track, .reason, (.value | tostring), .source] | @tsv' rej.ndjson
    assert_output "$(printf '%s\n' \
        $'term\tterminated\tout of memory\tfits.ndjson:2' \
        $'high\tloss_above\t4.5\tfits.ndjson:3' \
        $'nconv\tnot_converged\t[1,1.5]\tfits.ndjson:4' \
        $'both\tloss_above\t4.5\tfits.ndjson:6' \
        $'termhigh\tterminated\tinterrupted\tfits.ndjson:7' \
        $'again\tloss_above\t4.8\tfits.ndjson:8')"
}

@test "vx-select: --fluc-thresh and --loss-thresh" {
    run --separate-stderr vx-select --fluc-thresh 0.2 fits.ndjson
    run jq -r .track <<<"$output"
    assert_output good
    [[ "$stderr" == *", 1 fluctuating;"* ]]
    run --separate-stderr vx-select --loss-thresh 5 --rejected rej.ndjson fits.ndjson
    run jq -r .track <<<"$output"
    assert_output $'good\nhigh\nfluc\nagain'
    run jq -r 'select(.track == "both") | .reason' rej.ndjson
    assert_output not_converged
}

@test "vx-select: presets keep the source fields and the raw vector, not the loss curve" {
    vx-select -q --dataset mine fits.ndjson >presets.ndjson
    run jq -r 'select(.track == "good") | [.type, .dataset, .index, .id, .dry, .wet, .shift,
               has("losses"), has("eta"), has("settings"), has("fx"), (.raw | length)] | @tsv' presets.ndjson
    assert_output "$(printf 'preset\tmine\t0\tS/good\tgood_raw.wav\tgood.wav\t3\tfalse\tfalse\tfalse\ttrue\t151')"
    run jq -n --slurpfile p presets.ndjson --slurpfile f "$FIX/preset_medleydb0.json" \
        '[$p[0].raw, $f[0].raw] | transpose | all((.[0] - .[1] | fabs) <= 1e-7 * (.[1] | fabs))'
    assert_output true
}

@test "vx-select: the latest run per track in a stream is the latest finished" {
    run --separate-stderr vx-select --until 2025-05-02T12:00:01+02:00 fits.ndjson
    run jq -r '[.track, .attempt] | @tsv' <<<"$output"
    assert_output "$(printf 'good\t\nfluc\t\nagain\t1')"
    [[ "$stderr" == *"; 0 superseded by a later run, 1 outside the window" ]]
}

@test "vx-select: --since is inclusive, --until exclusive" {
    run vx-select -q --since "$D" --until 2025-05-03 fits.ndjson
    run jq -r .track <<<"$output"
    assert_output $'good\nfluc'
    run vx-select -q --since 2025-05-02T10:00:01Z fits.ndjson
    assert_output ''
    run vx-select -q --until "$D" fits.ndjson
    run jq -r .track <<<"$output"
    assert_output again
}

@test "vx-select: --include-all keeps every latest run" {
    run --separate-stderr vx-select --include-all fits.ndjson
    run jq -r .track <<<"$output"
    assert_output $'good\nterm\nhigh\nnconv\nfluc\nboth\ntermhigh\nagain'
    [[ "$stderr" == "vx-select: 9 fits: 8 selected, 0 terminated,"* ]]
}

@test "vx-select: --log-dir takes the largest run number per track folder" {
    mkdir -p logs/trackA/run_2 logs/trackA/run_10 logs/trackA/run_9 logs/S/trackB/run_1 \
        logs/trackC/run_0
    fit trackA "$D" null '[2, 1]' '{"run_tag": 2}' >logs/trackA/run_2/fit.json
    fit trackA 2025-01-01 null '[2, 1]' '{"run_tag": 10}' >logs/trackA/run_10/fit.json
    fit trackA "$D" null '[7, 6]' '{"run_tag": 9}' >logs/trackA/run_9/fit.json
    fit trackB "$D" null '[1, 2]' >logs/S/trackB/run_1/fit.json
    run --separate-stderr vx-select --log-dir logs --rejected rej.ndjson
    assert_success
    run jq -r '[.track, .run_tag] | @tsv' <<<"$output"
    assert_output "$(printf 'trackA\t10')"
    assert_equal "$stderr" "vx-select: 4 fits: 1 selected, 0 terminated, 0 loss_above, 1 not_converged, 0 fluctuating; 2 superseded by a later run, 0 outside the window, 1 run folders without fit.json"
    run jq -r '[.track, .source] | @tsv' rej.ndjson
    assert_output "$(printf 'trackB\tlogs/S/trackB/run_1/fit.json:1')"
    # the window applies before the latest-run rule
    run vx-select -q --log-dir logs --since 2025-02-01
    run jq -r '[.track, .run_tag] | @tsv' <<<"$output"
    assert_output ''
    run vx-select -q --log-dir logs --since 2025-02-01 --loss-thresh 10
    run jq -r '[.track, .run_tag] | @tsv' <<<"$output"
    assert_output "$(printf 'trackA\t9')"
}

@test "vx-select: NaN or missing fields fail with file:line, nothing written" {
    { fit good "$D" null '[1, 0.5]'; fit bad "$D" null '[1, 0.5]' | sed 's/0.5\]/null]/'; } >nan.ndjson
    run vx-select -o out.ndjson nan.ndjson
    assert_failure 1
    assert_output "vx-select: nan.ndjson:2: losses[1] is not a finite number"
    [ ! -e out.ndjson ]
    assert_no_leftovers .
    fit good "$D" null '[1]' | jq -c 'del(.finished)' >nofin.ndjson
    run vx-select nofin.ndjson
    assert_failure 1
    assert_output "vx-select: nofin.ndjson:1: finished is missing"
    fit good 2025-13-01 null '[1]' >baddate.ndjson
    run vx-select baddate.ndjson
    assert_failure 1
    assert_output --partial "vx-select: baddate.ndjson:1: finished: '2025-13-01' is not an ISO 8601 date-time"
    fit good "$D" null '[]' >empty.ndjson
    run vx-select empty.ndjson
    assert_failure 1
    assert_output "vx-select: empty.ndjson:1: losses is empty, but the fit was not terminated"
    fit good "$D" null '[1]' | jq -c '.type = "pair"' >pair.ndjson
    run vx-select - <pair.ndjson
    assert_failure 1
    assert_output 'vx-select: stdin:1: expected a fit record ("type":"fit")'
    fit good "$D" null '[1]' | jq -c 'del(.raw)' >noraw.ndjson
    run vx-select noraw.ndjson
    assert_failure 1
    assert_output --partial "vx-select: noraw.ndjson:1:"
}

@test "vx-select: usage errors exit 2; --help and --version exit 0" {
    run vx-select --log-dir logs fits.ndjson
    assert_failure 2
    assert_line --index 0 "vx-select: give either --log-dir or fit files, not both"
    run vx-select --since yesterday fits.ndjson
    assert_failure 2
    assert_line --index 0 --partial "vx-select: --since: 'yesterday' is not an ISO 8601 date-time"
    run vx-select --loss-thresh four fits.ndjson
    assert_failure 2
    run vx-select --help
    assert_success
    assert_line --index 0 --partial "usage: vx-select"
    run vx-select --version
    assert_success
}

@test "vx-select: a fit's preset is read strictly: limits, duplicate keys, raw's type" {
    fit good "$D" null '[1, 0.5]' | jq -c '.raw[0] = 1e308' >big.ndjson
    run vx-select -o out.ndjson big.ndjson
    assert_failure 1
    assert_output 'vx-select: big.ndjson:1: raw[0] (fx.peak1.gain_db) must be in [-60, 60], got 1e+308'
    fit good "$D" null '[1, 0.5]' | sed 's/"raw":/"raw":[0],"raw":/' >dup.ndjson
    run vx-select -o out.ndjson dup.ndjson
    assert_failure 1
    assert_output 'vx-select: dup.ndjson:1: duplicate key raw (each key may appear once)'
    fit good "$D" null '[1, 0.5]' | jq -c '.raw = {}' >obj.ndjson
    run vx-select -o out.ndjson obj.ndjson
    assert_failure 1
    assert_output 'vx-select: obj.ndjson:1: raw must be an array of 151 numbers, got an object'
    [ ! -e out.ndjson ]
}
