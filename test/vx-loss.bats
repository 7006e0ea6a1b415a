#!/usr/bin/env bats
# vx-loss: the four DiffVox losses against golden values, degenerate targets, raw streams;
# DiffVox's loss_eval (--eval) on a tiny corpus built here from test/fixtures/voice.wav
# and two preset renders (a failing track keeps the other rows aligned); every kind of bad
# input with its exit status and message.

load helpers
bats_require_minimum_version 1.5.0

PRED="$FIX/render_medleydb0_6s.wav"   # the original's float32 renders of MedleyDB rows
TARGET="$FIX/render_medleydb1_6s.wav" # 0 and 1 on input_6s.wav (golden/losses.json)

# golden/losses.json, "pred=render_medleydb0_6s,target=render_medleydb1_6s" and
# "pred=input_6s duplicated (no-process),target=render_medleydb1_6s": mss_lr, mss_ms, and
# the per-signal MLDR (mldr_*_per_row: vx shifts the long envelope within each signal).
GOLDEN_01="1.0150586366653442 1.8326488733291626 0.616541862487793 0.8493545055389404"
GOLDEN_NP="1.1448684930801392 2.595609664916992 1.3943973779678345 1.4917254447937012"

setup() {
    cd "$BATS_TEST_TMPDIR"
}

# The four losses of a score record (or of every record of a file) on one line each.
losses() { jq -r '"\(.mss_lr) \(.mss_ms) \(.mldr_lr) \(.mldr_ms)"' "$@"; }

# worst relative deviation of the losses in "$1" from the numbers in "$2"
worst_dev() {
    awk -v got="$1" -v want="$2" 'BEGIN {
        n = split(got, g, " "); split(want, w, " "); m = 0
        for (i = 1; i <= n; i++) { d = (g[i] - w[i]) / w[i]; if (d < 0) d = -d; if (d > m) m = d }
        printf "%.2g\n", m }'
}

# A tiny corpus in MedleyDB's layout, made once: song S<i> has 2 s of the voice as its dry
# track and its render by MedleyDB preset <i> as the wet stem.
setup_file() {
    local c="$BATS_FILE_TMPDIR/corpus"
    for i in 0 1 2; do
        mkdir -p "$c/S$i/S${i}_RAW" "$c/S$i/S${i}_STEMS"
        sox "$FIX/voice.wav" "$c/S$i/S${i}_RAW/S${i}_RAW_01_01.wav" trim 0 2
        vx-render -q -p "$FIX/preset_medleydb$i.json" "$c/S$i/S${i}_RAW/S${i}_RAW_01_01.wav" \
            "$c/S$i/S${i}_STEMS/S${i}_STEM_01.wav"
    done
}

# corpus I...: songs S<I> here, and corpus.ndjson with one preset record a song (the preset
# that made it) naming its files.
corpus() {
    : >corpus.ndjson
    for i in "$@"; do
        cp -r "$BATS_FILE_TMPDIR/corpus/S$i" .
        record "$i" "S$i/S${i}_RAW/S${i}_RAW_01_01.wav" "S$i/S${i}_STEMS/S${i}_STEM_01.wav" 0 \
            >>corpus.ndjson
    done
}

# record PRESET_ROW DRY WET SHIFT: a preset record naming a track
record() {
    jq -c --argjson i "$1" --arg d "$2" --arg w "$3" --argjson s "$4" \
        '{type: "preset", dataset: "test", index: $i, track: "S\($i)_STEM_01",
          id: "S\($i)/S\($i)_STEM_01", dry: $d, wet: $w, shift: $s, raw}' \
        "$FIX/preset_medleydb$1.json"
}

@test "golden: the four losses between two reference renders match DiffVox within 1e-4" {
    run --separate-stderr vx-loss "$PRED" "$TARGET"
    assert_success
    [ -z "$stderr" ]
    [ "$(jq -r .type <<<"$output")" = score ]
    dev=$(worst_dev "$(losses <<<"$output")" "$GOLDEN_01")
    echo "# golden losses, render 0 vs render 1: $(losses <<<"$output"), worst relative deviation $dev" >&3
    below "$dev" 1e-4
    # total = 1 mss_lr + 0.5 mss_ms + 0.5 mldr_lr + 0.25 mldr_ms
    jq -e '(.mss_lr + 0.5 * .mss_ms + 0.5 * .mldr_lr + 0.25 * .mldr_ms - .total) | fabs < 1e-12' \
        <<<"$output"
}

@test "golden: the unprocessed input duplicated to stereo, as a raw stream" {
    run --separate-stderr sh -c "sox '$FIX/input_6s.wav' -c 2 -t f32 - | vx-loss - '$TARGET'"
    assert_success
    dev=$(worst_dev "$(losses <<<"$output")" "$GOLDEN_NP")
    echo "# golden losses, no-process case: worst relative deviation $dev" >&3
    below "$dev" 1e-4
}

@test "a raw float32 stream scores exactly like the same samples in a file" {
    corpus 0 1
    a=$(vx-loss S0/S0_STEMS/S0_STEM_01.wav S1/S1_STEMS/S1_STEM_01.wav)
    b=$(vx-render -q -p "$FIX/preset_medleydb0.json" S0/S0_RAW/S0_RAW_01_01.wav - |
        vx-loss - S1/S1_STEMS/S1_STEM_01.wav)
    c=$(vx-render -q -p "$FIX/preset_medleydb1.json" S1/S1_RAW/S1_RAW_01_01.wav - |
        vx-loss -r 44100 -c 2 S0/S0_STEMS/S0_STEM_01.wav -)
    [ "$a" = "$b" ]
    [ "$a" = "$c" ]
}

@test "a prediction equal to its target scores exactly 0" {
    run vx-loss "$TARGET" "$TARGET"
    assert_success
    echo "# a target against itself: $(losses <<<"$output")" >&3
    jq -e '.mldr_lr == 0 and .mldr_ms == 0 and .mss_lr == 0 and .mss_ms == 0 and .total == 0' <<<"$output"
}

@test "-o writes the record to a file" {
    run vx-loss -o score.json "$PRED" "$TARGET"
    assert_success
    assert_output ''
    [ "$(losses score.json)" = "$(vx-loss "$PRED" "$TARGET" | losses)" ]
    assert_no_leftovers .
}

@test "a silent target: huge but finite spectral losses, and a note" {
    sox -n -r 44100 -c 2 -e float silent.wav trim 0 6
    run --separate-stderr vx-loss "$PRED" silent.wav
    assert_success
    echo "# silent target: $(losses <<<"$output")" >&3
    jq -e '.mss_lr > 1000 and .mss_ms > 1000 and .mldr_lr < 10 and (.total | isinfinite | not)' \
        <<<"$output"
    [[ "$stderr" == *'vx-loss: silent.wav: the target is silent'* ]]
    run --separate-stderr vx-loss -q "$PRED" silent.wav
    assert_success
    [ -z "$stderr" ]
    # a silent prediction is ordinary
    run vx-loss -q silent.wav "$TARGET"
    assert_success
    jq -e '.mss_lr < 10 and .mss_ms < 10' <<<"$output"
}

@test "a mono or near-mono target: the difference channel makes mss_ms large" {
    sox "$TARGET" -c 1 -e float mono.wav
    sox mono.wav mono2.wav remix 1 1
    sox mono.wav near.wav remix 1 1v0.99 # L - R at -40 dB
    stereo=$(vx-loss "$PRED" "$TARGET" | jq .mss_ms)
    run --separate-stderr vx-loss "$PRED" mono2.wav
    assert_success
    [[ "$stderr" == *'mono2.wav: the target is mono (L = R): mss_ms'* ]]
    mono=$(jq .mss_ms <<<"$output")
    run --separate-stderr vx-loss "$PRED" near.wav
    assert_success
    [ -z "$stderr" ] # only an exactly mono target gets a note
    near=$(jq .mss_ms <<<"$output")
    echo "# mss_ms against a stereo target $stereo, a near-mono one $near, a mono one $mono" >&3
    below "$(echo "10 * $stereo" | bc -l)" "$near"
    below "$(echo "10 * $near" | bc -l)" "$mono"
    jq -e '.mss_lr < 2' <<<"$output" # the L/R rows are unaffected
}

@test "prediction and target of different lengths" {
    sox "$PRED" short.wav trim 0 5
    run vx-loss short.wav "$TARGET"
    assert_failure 1
    assert_output "vx-loss: short.wav: 220500 frames, but the target $TARGET has 264600: both must be as long"
    run vx-loss "$PRED" short.wav
    assert_failure 1
    assert_output --partial 'frames, but the target short.wav has 220500'
}

@test "prediction and target not both stereo" {
    sox "$PRED" -c 1 mono.wav
    run vx-loss mono.wav "$TARGET"
    assert_failure 1
    assert_output "vx-loss: mono.wav: 1 channel, but the target $TARGET has 2: both must be stereo"
    run vx-loss "$PRED" mono.wav
    assert_failure 1
    assert_output --partial "$PRED: 2 channels, but the target mono.wav has 1"
    run vx-loss mono.wav mono.wav
    assert_failure 1
    assert_output 'vx-loss: mono.wav and mono.wav: 1 channel; the loss compares stereo signals'
    sox "$PRED" -c 4 quad.wav
    run vx-loss quad.wav quad.wav
    assert_failure 1
    assert_output --partial '4 channels; the loss compares stereo signals'
    run sh -c "sox '$PRED' -c 1 -t f32 - | vx-loss -c 1 - '$TARGET'"
    assert_failure 1
    assert_output --partial 'vx-loss: stdin: 1 channel, but the target'
}

@test "signals too short for the 2048-point STFT" {
    sox "$PRED" tiny.wav trim 0 1000s
    run vx-loss tiny.wav tiny.wav
    assert_failure 1
    assert_output --partial 'vx-loss: tiny.wav: loss: 1000 frames is too short'
}

@test "a missing, unreadable, truncated, non-finite or empty input" {
    run vx-loss missing.wav "$TARGET"
    assert_failure 1
    assert_output --partial 'vx-loss: missing.wav:'
    echo 'not audio' >junk.wav
    run vx-loss "$PRED" junk.wav
    assert_failure 1
    assert_output --partial 'junk.wav: cannot read audio'
    sox "$TARGET" -b 16 t16.wav
    head -c 100000 t16.wav > cut.wav
    run vx-loss "$PRED" cut.wav
    assert_failure 1
    assert_output --regexp 'vx-loss: cut.wav: truncated: header says [0-9]+ frames, file holds 24989'
    sox "$TARGET" -t f32 - | head -c 100006 > cut.f32
    run sh -c "vx-loss - '$TARGET' < cut.f32"
    assert_failure 1
    assert_output --partial 'stdin: the raw stream ends in a partial frame: 6 bytes left over'
    printf '\000\000\000\000\000\000\300\177' >nan.f32
    run sh -c "vx-loss - '$TARGET' < nan.f32"
    assert_failure 1
    assert_output --partial 'vx-loss: stdin: frame 0: sample is not a finite number'
    run sh -c "vx-loss - '$TARGET' < /dev/null"
    assert_failure 1
    assert_output --partial 'vx-loss: stdin: no audio (empty input)'
}

@test "an unwritable output leaves nothing behind" {
    run vx-loss -o no/such/dir/score.json "$PRED" "$TARGET"
    assert_failure 1
    assert_output --partial 'no/such/dir/score.json'
    run bash -c "vx-loss '$PRED' '$TARGET' >&-"
    assert_failure 1
    assert_output --partial 'stdout: write error'
    assert_no_leftovers .
}

@test "usage errors exit 2 with a usage line" {
    for args in "" "$PRED" "$PRED $TARGET extra" "- -" "--csv $PRED $TARGET" \
        "--root . $PRED $TARGET" "--no-process $PRED $TARGET" "--clip-q $PRED $TARGET" \
        "-e x.ndjson $PRED" "-e x.ndjson -r 44100" "-e x.ndjson --no-process --clip-q" \
        "--bogus" "-c 0 $PRED $TARGET" "-r x $PRED $TARGET"; do
        run vx-loss $args
        [ "$status" = 2 ] || fail "vx-loss $args: exit $status"
        assert_output --partial 'usage: vx-loss'
    done
    run vx-loss "$PRED"
    assert_output --partial 'vx-loss: expected PRED and TARGET (or --eval PRESETS)'
    run vx-loss - -
    assert_output --partial 'PRED and TARGET cannot both be standard input'
    run vx-loss --csv "$PRED" "$TARGET"
    assert_output --partial '--root, --no-process, --clip-q and --csv go with --eval'
}

@test "--help and --version" {
    run vx-loss --help
    assert_success
    assert_output --partial 'usage: vx-loss'
    assert_output --partial '--eval PRESETS'
    run vx-loss --version
    assert_success
    assert_output --regexp '^vx-loss \(vx\) [0-9]'
}

@test "--eval: one score record per track, named as loss_eval names them" {
    corpus 0 1
    run --separate-stderr vx-loss -e corpus.ndjson
    assert_success
    [ "${#lines[@]}" = 2 ]
    [ "$(jq -c '[.type, .dataset, .index, .track, .id, .track_id, .stem_id]' <<<"${lines[1]}")" = \
        '["score","test",1,"S1_STEM_01","S1/S1_STEM_01","S1_RAW","S1_RAW_01_01"]' ]
    echo "# totals of the tracks scored with the presets that made them: $(jq .total <<<"$output" | tr '\n' ' ')" >&3
    [[ "$stderr" == *'vx-loss: 2 of 2 tracks scored, 0 failed'* ]]
    # progress names the preset record (its id), not the dry file
    [[ "$stderr" == *'vx-loss: track 1 of 2: S0/S0_STEM_01'* ]]
    [[ "$stderr" != *'track 1 of 2: S0_RAW_01_01'* ]]
    jq -e '(.mss_lr + 0.5 * .mss_ms + 0.5 * .mldr_lr + 0.25 * .mldr_ms - .total) | fabs < 1e-12' \
        <<<"$output" >/dev/null
    # presets from standard input, and -q
    run --separate-stderr sh -c "vx-loss -q -e - < corpus.ndjson"
    assert_success
    [ -z "$stderr" ]
    [ "$(losses <<<"$output")" = "$(vx-loss -q -e corpus.ndjson | losses)" ]
}

@test "--eval --csv: loss_eval's header, and numbers that read back exactly" {
    corpus 0 1
    vx-loss -q -e corpus.ndjson >scores.ndjson
    run vx-loss -q -e corpus.ndjson --csv
    assert_success
    assert_line --index 0 'track_id,stem_id,mss_lr,mss_ms,mldr_lr,mldr_ms'
    assert_line --index 1 --regexp '^S0_RAW,S0_RAW_01_01,[0-9.e-]+,[0-9.e-]+,[0-9.e-]+,[0-9.e-]+$'
    assert_line --index 2 --regexp '^S1_RAW,S1_RAW_01_01,'
    [ "${#lines[@]}" = 3 ]
    # the CSV numbers are the NDJSON ones, to the last bit
    paste -d ' ' <(sed 1d <<<"$output" | cut -d, -f3- | tr , ' ') <(losses scores.ndjson) |
        awk '{ for (i = 1; i <= 4; i++) if ($i != $(i + 4)) exit 1 }'
}

# bats test_tags=plumbing
@test "--eval: a failing track in the middle is skipped and the other rows keep their names" {
    corpus 0 1
    head -n 1 corpus.ndjson >set.ndjson
    record 0 S9/S9_RAW/S9_RAW_01_01.wav S9/S9_STEMS/S9_STEM_01.wav 0 >>set.ndjson
    tail -n 1 corpus.ndjson >>set.ndjson
    run --separate-stderr vx-loss -e set.ndjson
    assert_failure 1
    [[ "$stderr" == *'vx-loss: set.ndjson:2: S9/S9_RAW/S9_RAW_01_01.wav: cannot read audio'*'(track skipped)'* ]]
    [[ "$stderr" == *'vx-loss: 2 of 3 tracks scored, 1 failed'* ]]
    [ "${#lines[@]}" = 2 ]
    [ "$(jq -r .stem_id <<<"${lines[1]}")" = S1_RAW_01_01 ]
    [ "$(losses <<<"${lines[1]}")" = "$(tail -n 1 corpus.ndjson | vx-loss -q -e - | losses)" ]
    # the same in CSV, and -o still writes the tracks that were scored
    run vx-loss -q -e set.ndjson --csv -o scores.csv
    assert_failure 1
    [ "$(cut -d, -f1,2 scores.csv | tr '\n' ' ')" = 'track_id,stem_id S0_RAW,S0_RAW_01_01 S1_RAW,S1_RAW_01_01 ' ]
    [ "$(sed -n 3p scores.csv | cut -d, -f3- | tr , ' ')" = \
        "$(tail -n 1 corpus.ndjson | vx-loss -q -e - --csv | sed -n 2p | cut -d, -f3- | tr , ' ')" ]
    assert_no_leftovers .
}

@test "--eval: every kind of failing track is reported with its line and skipped" {
    corpus 0
    good=$(cat corpus.ndjson)
    dry=S0/S0_RAW/S0_RAW_01_01.wav wet=S0/S0_STEMS/S0_STEM_01.wav
    sox "$wet" -c 1 wet-mono.wav
    sox "$wet" -b 16 wet16.wav
    head -c 100000 wet16.wav > wet-cut.wav
    sox -n -r 44100 -c 1 silent.wav trim 0 4
    sox "$dry" short.wav trim 0 0.3
    {
        record 0 "$dry" wet-mono.wav 0
        record 0 "$dry" wet-cut.wav 0
        record 0 silent.wav "$wet" 0
        record 0 short.wav "$wet" 0
        echo "$good"
    } >set.ndjson
    run --separate-stderr vx-loss -q -e set.ndjson
    assert_failure 1
    [ "${#lines[@]}" = 1 ]
    [ "$(jq -r .stem_id <<<"$output")" = S0_RAW_01_01 ]
    [[ "$stderr" == *'set.ndjson:1: dry '*', wet wet-mono.wav: wet is mono; DiffVox targets are stereo'* ]]
    [[ "$stderr" == *'set.ndjson:2: wet-cut.wav: truncated: header says'* ]]
    [[ "$stderr" == *'set.ndjson:3: dry silent.wav, wet '*': dry is silent'* ]]
    [[ "$stderr" == *'set.ndjson:4: dry short.wav, wet '*'shorter than one 0.4 s loudness block'* ]]
    [ "$(grep -c 'track skipped' <<<"$stderr")" = 4 ]
}

@test "--eval prepares as loss_eval: loudness, crop and the stored shift" {
    corpus 0
    dry=S0/S0_RAW/S0_RAW_01_01.wav wet=S0/S0_STEMS/S0_STEM_01.wav
    # both are normalised to -18 LUFS before the render: their levels do not matter
    sox "$dry" -e float quiet-dry.wav vol 0.25
    sox "$wet" -e float quiet-wet.wav vol 0.5
    record 0 quiet-dry.wav quiet-wet.wav 0 >levels.ndjson
    dev=$(worst_dev "$(vx-loss -q -e levels.ndjson | losses)" "$(vx-loss -q -e corpus.ndjson | losses)")
    echo "# dry at -12 dB, wet at -6 dB: relative change $dev" >&3
    below "$dev" 1e-5
    # the rest does not need the render
    score() { vx-loss -q --no-process -e "$1" | losses; }
    base=$(score corpus.ndjson)
    # cropped to the common length: a longer dry changes nothing
    sox "$dry" long-dry.wav pad 0 1
    record 0 long-dry.wav "$wet" 0 >long.ndjson
    [ "$(score long.ndjson)" = "$base" ]
    # the dry is rolled right by the stored shift: a dry rolled left by 1000 samples with
    # shift 1000 is the original track
    sox "$dry" head.wav trim 0 1000s
    sox "$dry" tail.wav trim 1000s
    sox tail.wav head.wav rolled.wav
    record 0 rolled.wav "$wet" 1000 >rolled.ndjson
    [ "$(score rolled.ndjson)" = "$base" ]
    record 0 rolled.wav "$wet" 0 >unrolled.ndjson
    [ "$(score unrolled.ndjson)" != "$base" ]
    # no stored shift (or null): aligned afresh, as vx-pair does
    shift=$(vx-pair -q --dry rolled.wav --wet "$wet" | jq .shift)
    [ "$shift" = $(($(vx-pair -q --dry "$dry" --wet "$wet" | jq .shift) + 1000)) ]
    record 0 rolled.wav "$wet" "$shift" >found.ndjson
    want=$(score found.ndjson)
    jq -c 'del(.shift)' rolled.ndjson >noshift.ndjson
    [ "$(score noshift.ndjson)" = "$want" ]
    jq -c '.shift = null' rolled.ndjson >null.ndjson
    [ "$(score null.ndjson)" = "$want" ]
}

@test "--eval --no-process: the dry as the prediction; pair records qualify" {
    corpus 0
    dry=S0/S0_RAW/S0_RAW_01_01.wav wet=S0/S0_STEMS/S0_STEM_01.wav
    vx-pair -q --dry "$dry" --wet "$wet" >pairs.ndjson
    run --separate-stderr vx-loss -q -e pairs.ndjson --no-process
    assert_success
    [ "$(jq -c '[.type, .id, .track_id, .stem_id]' <<<"$output")" = \
        '["score","S0_STEM_01","S0_RAW","S0_RAW_01_01"]' ]
    processed=$(vx-loss -q -e corpus.ndjson | jq .total)
    baseline=$(jq .total <<<"$output")
    echo "# total: rendered with its preset $processed, unprocessed $baseline" >&3
    below "$processed" "$baseline"
    # a pair record has no preset: without --no-process that is an error
    run vx-loss -e pairs.ndjson
    assert_failure 1
    assert_output 'vx-loss: pairs.ndjson:1: no preset ("raw" or "fx"); --no-process scores the dry itself'
}

@test "--eval --clip-q caps the delay low-pass Q of the presets above 0.707 only" {
    corpus 0 2
    q() { vx-render -p "$FIX/preset_medleydb$1.json" --print-params | jq '.delay.lpf_q > 0.707'; }
    [ "$(q 0)" = true ]
    [ "$(q 2)" = false ]
    vx-loss -q -e corpus.ndjson | losses >plain
    vx-loss -q -e corpus.ndjson --clip-q | losses >clipped
    [ "$(sed -n 1p plain)" != "$(sed -n 1p clipped)" ]
    [ "$(sed -n 2p plain)" = "$(sed -n 2p clipped)" ]
}

# bats test_tags=plumbing
@test "--eval --root finds the files of absolute paths in a local copy" {
    corpus 0
    mkdir -p copy/Audio flat
    mv S0 copy/Audio/
    cp copy/Audio/S0/S0_RAW/S0_RAW_01_01.wav copy/Audio/S0/S0_STEMS/S0_STEM_01.wav flat/
    record 0 /data/medley1/v1/Audio/S0/S0_RAW/S0_RAW_01_01.wav \
        /data/medley1/v1/Audio/S0/S0_STEMS/S0_STEM_01.wav 0 >abs.ndjson
    want=$(cd copy/Audio && vx-loss -q -e ../../corpus.ndjson | losses)
    for root in copy copy/Audio "$PWD/copy/Audio/" flat; do
        run --separate-stderr vx-loss -q -e abs.ndjson --root "$root"
        assert_success
        [ "$(losses <<<"$output")" = "$want" ] || fail "--root $root"
        [ "$(jq -r .track_id <<<"$output")" = S0_RAW ]
    done
    run vx-loss -q -e abs.ndjson --root nowhere
    assert_failure 1
    assert_output 'vx-loss: abs.ndjson:1: /data/medley1/v1/Audio/S0/S0_RAW/S0_RAW_01_01.wav: not found under --root nowhere, nor with any leading folders removed (track skipped)'
    run vx-loss -q -e abs.ndjson
    assert_failure 1
    assert_output --partial '/data/medley1/v1/Audio/S0/S0_RAW/S0_RAW_01_01.wav: cannot read audio'
}

# bats test_tags=plumbing
@test "--eval: malformed records stop the run before any audio, with nothing written" {
    corpus 0
    good=$(cat corpus.ndjson)
    check() { # set.ndjson line 2 holds "$1"; the message is "$2"
        printf '%s\n%s\n' "$good" "$1" >set.ndjson
        run vx-loss -q -e set.ndjson -o out.ndjson
        assert_failure 1
        assert_output "vx-loss: set.ndjson:2: $2"
        [ ! -e out.ndjson ] || fail "output written for: $1"
    }
    check '{"raw": [' 'malformed JSON near column 11'
    check '[1, 2]' 'expected a JSON object (one record a line)'
    check "$(jq -c 'del(.dry)' <<<"$good")" 'dry is missing; --eval needs records that name their dry and wet files'
    check "$(jq -c '.wet = 3' <<<"$good")" 'wet is not a file name; --eval needs records that name their dry and wet files'
    check "$(jq -c '.shift = 2.5' <<<"$good")" 'shift must be a whole number of samples'
    check "$(jq -c '.shift = "0"' <<<"$good")" 'shift must be a whole number of samples'
    check "$(jq -c '.shift = 1e300' <<<"$good")" 'shift must be a whole number of samples'
    check "$(jq -c 'del(.raw)' <<<"$good")" 'no preset ("raw" or "fx"); --no-process scores the dry itself'
    check "$(jq -c '.raw |= .[:150]' <<<"$good")" 'raw has 150 values, expected 151'
    check "$(jq -c '.raw[0] = 1e308' <<<"$good")" 'raw[0] (fx.peak1.gain_db) must be in [-60, 60], got 1e+308'
    check "$(jq -c '.raw = "abc"' <<<"$good")" 'raw must be an array of 151 numbers, got a string'
    check "$(jq -c 'del(.raw) | .fx.comp.atack_ms = 1' <<<"$good")" 'fx.comp.atack_ms is not a field of fx.comp (did you mean attack_ms?)'
    check "$(jq -c 'del(.raw) | .fx.peak1 = 5' <<<"$good")" 'fx.peak1 must be an object of fields, got a number'
    check "$(jq -c 'del(.raw) | .fx = {peak1: {gain_db: 0}}' <<<"$good")" "fx.peak1.freq_hz is missing (--fx-defaults gives missing fields DiffVox's initial values)"
    check "$(sed 's/"raw":/"raw":[0],"raw":/' <<<"$good")" 'duplicate key raw (each key may appear once)'
    : >empty.ndjson
    run vx-loss -e empty.ndjson
    assert_failure 1
    assert_output 'vx-loss: empty.ndjson: no records'
    run vx-loss -e missing.ndjson
    assert_failure 1
    assert_output --partial 'vx-loss: missing.ndjson: No such file or directory'
    assert_no_leftovers .
}

@test "48 kHz inputs are scored resampled to 44.1 kHz, the rate the record states" {
    sox "$PRED" -r 48000 p48.wav
    sox "$TARGET" -r 48000 t48.wav
    a=$(vx-loss "$PRED" "$TARGET")
    run --separate-stderr vx-loss p48.wav t48.wav
    assert_success
    [ "$(jq .rate <<<"$output")" = 44100 ]
    # two resamplings lose only what lies above 20 kHz: the losses move by under 0.1 %
    dev=$(worst_dev "$(losses <<<"$output")" "$(losses <<<"$a")")
    echo "# losses of the 48 kHz copies against the originals: worst relative deviation $dev" >&3
    below "$dev" 1e-3
    run --separate-stderr sh -c "sox p48.wav -t f32 - | vx-loss -r 48000 -c 2 - t48.wav"
    assert_success
    [ "$(losses <<<"$output")" = "$(vx-loss p48.wav t48.wav | losses)" ]
}
