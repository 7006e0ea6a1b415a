#!/usr/bin/env bats
# vx-render as a user meets it: files, streams, presets by index or name, and every
# kind of bad input with its exit status, message, and no output left behind.
load helpers

setup() {
    cd "$BATS_TEST_TMPDIR"
    cp "$FIX/voice.wav" dry.wav
    SET="$TOP/presets/medleydb.ndjson"
}

@test "renders a mono voice to stereo of the same length" {
    run vx-render -p "$SET" -k 0 dry.wav wet.wav
    assert_success
    [ "$(soxi -c wet.wav)" = 2 ]
    [ "$(soxi -r wet.wav)" = 44100 ]
    [ "$(soxi -s wet.wav)" = "$(soxi -s dry.wav)" ]
    # not silence
    peak=$(sox wet.wav -n stat 2>&1 | awk '/Maximum amplitude/ {print $3}')
    below 0.01 "$peak"
    below "$peak" 10
}

@test "a preset chosen by track name renders like the same preset by index" {
    name=$(sed -n 3p "$SET" | jq -r .track)
    vx-render -q -p "$SET" -k 2 dry.wav a.wav
    vx-render -q -p "$SET" -k "$name" dry.wav b.wav
    cmp a.wav b.wav
}

@test "a preset given only as fx renders like its raw form" {
    sed -n 1p "$SET" | jq -c '{type, fx}' > fx-only.json
    sed -n 1p "$SET" > raw.json
    vx-render -q -p raw.json dry.wav a.wav
    vx-render -q -p fx-only.json dry.wav b.wav
    # raw is stored to float32 precision (9 digits), fx from the exact values: they agree
    # to about 1e-8, far below hearing
    below "$(err_db b.wav a.wav)" -100
}

@test "raw float32 streams in and out, as sox -t f32" {
    vx-render -q -p "$SET" -k 0 dry.wav file.wav
    sox dry.wav -t f32 - | vx-render -q -p "$SET" -k 0 - - > out.f32
    sox -t f32 -r 44100 -c 2 out.f32 stream.wav
    [ "$(soxi -s stream.wav)" = "$(soxi -s file.wav)" ]
    cmp <(sox file.wav -t f32 -) <(sox stream.wav -t f32 -)
}

@test "stereo input is mixed to mono" {
    sox dry.wav -c 2 stereo.wav
    vx-render -q -p "$SET" -k 0 dry.wav mono-out.wav
    vx-render -q -p "$SET" -k 0 stereo.wav stereo-out.wav
    cmp <(sox mono-out.wav -t f32 -) <(sox stereo-out.wav -t f32 -)
}

@test "--tail adds silence to keep the reverb tail" {
    vx-render -q -p "$SET" -k 0 --tail 2 dry.wav wet.wav
    [ "$(soxi -s wet.wav)" = "$(( $(soxi -s dry.wav) + 88200 ))" ]
}

@test "--print-params prints the physical values jq can read" {
    run sh -c "vx-render -p '$SET' -k 0 --print-params | jq -r '.delay.time_ms, .peak1.freq_hz'"
    assert_success
    assert_line --index 0 --regexp '^262\.749'
    assert_line --index 1 --regexp '^384\.39'
}

@test "--clip-q changes exactly the presets whose delay low-pass Q exceeds 0.707" {
    for set in medleydb internal; do
        n=0; changed=0
        while IFS= read -r line; do
            printf '%s\n' "$line" > p.json
            a=$(vx-render -p p.json --print-params | jq -c .)
            b=$(vx-render -p p.json --print-params --clip-q | jq -c .)
            q=$(printf '%s' "$a" | jq .delay.lpf_q)
            if [ "$a" != "$b" ]; then
                changed=$((changed + 1))
                awk -v q="$q" 'BEGIN { exit !(q > 0.707) }' || fail "changed a preset with Q $q"
                [ "$(printf '%s' "$b" | jq .delay.lpf_q)" = 0.707 ] || fail "Q not capped"
                [ "$(printf '%s' "$a" | jq -c 'del(.delay.lpf_q)')" = "$(printf '%s' "$b" | jq -c 'del(.delay.lpf_q)')" ] ||
                    fail "clip-q changed another value"
            else
                awk -v q="$q" 'BEGIN { exit !(q <= 0.707) }' || fail "left Q $q unclipped"
            fi
            n=$((n + 1))
        done < "$TOP/presets/$set.ndjson"
        echo "$set: $changed of $n" >&3
        case $set in medleydb) [ "$changed" = 31 ] ;; internal) [ "$changed" = 159 ] ;; esac
    done
}

@test "usage errors exit 2 with a usage line" {
    run vx-render dry.wav wet.wav
    assert_failure 2
    assert_output --partial 'usage: vx-render'
    run vx-render -p "$SET" -k 0 dry.wav
    assert_failure 2
    run vx-render --bogus
    assert_failure 2
    run vx-render -p "$SET" -k 0 --tail -1 dry.wav wet.wav
    assert_failure 2
    assert_output --partial '--tail'
}

@test "--help and --version" {
    run vx-render --help
    assert_success
    assert_output --partial 'usage: vx-render'
    run vx-render --version
    assert_success
    assert_output --regexp '^vx-render \(vx\) [0-9]'
}

@test "a missing or unreadable input file" {
    run vx-render -p "$SET" -k 0 missing.wav wet.wav
    assert_failure 1
    assert_output --partial 'vx-render: missing.wav:'
    echo 'not audio' > junk.wav
    run vx-render -p "$SET" -k 0 junk.wav wet.wav
    assert_failure 1
    assert_output --partial 'junk.wav: cannot read audio'
    [ ! -e wet.wav ]
}

@test "a sample rate other than 44.1 kHz" {
    sox dry.wav -r 48000 dry48.wav
    run vx-render -p "$SET" -k 0 dry48.wav wet.wav
    assert_failure 1
    assert_output --partial 'dry48.wav: sample rate is 48000 Hz'
    run sh -c "sox dry.wav -t f32 - | vx-render -p '$SET' -k 0 -r 48000 - - >/dev/null"
    assert_failure 1
    assert_output --partial 'stdin: sample rate is 48000 Hz'
    [ ! -e wet.wav ]
}

@test "malformed preset JSON names the file and line" {
    printf '{"raw": [1, 2,\n' > bad.json
    run vx-render -p bad.json dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'vx-render: bad.json:1: malformed JSON'
    head -n 2 "$SET" > set.ndjson
    echo '{"raw": [' >> set.ndjson
    run vx-render -p set.ndjson -k 2 dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'set.ndjson:3: malformed JSON'
    [ ! -e wet.wav ]
}

@test "out-of-range and non-finite preset values name the field" {
    sed -n 1p "$SET" | jq -c '{type, fx} | .fx.delay.time_ms = 1200' > range.json
    run vx-render -p range.json dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'range.json:1: fx.delay.time_ms must be in (100, 1000), got 1200'
    sed -n 1p "$SET" | sed 's/"raw":\[[^,]*,/"raw":[1e999,/' > inf.json
    run vx-render -p inf.json dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'raw[0] (fx.peak1.gain_db) is not a finite number'
    sed -n 1p "$SET" | jq -c '.raw |= .[:150]' > short.json
    run vx-render -p short.json dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'raw has 150 values, expected 151'
    [ ! -e wet.wav ]
}

@test "NaN in the input stream is named by its frame" {
    printf '\000\000\000\000\000\000\300\177' > nan.f32
    run sh -c "vx-render -p '$SET' -k 0 - out.wav < nan.f32"
    assert_failure 1
    assert_output --partial 'stdin: frame 1: sample is not a finite number'
    [ ! -e out.wav ]
    assert_no_leftovers .
}

@test "empty input" {
    run sh -c "vx-render -p '$SET' -k 0 - out.wav < /dev/null"
    assert_failure 1
    assert_output --partial 'stdin: no audio (empty input)'
    run sh -c "vx-render -s -p '$SET' -k 0 - out.wav < /dev/null"
    assert_failure 1
    assert_output --partial 'no audio'
    [ ! -e out.wav ]
    assert_no_leftovers .
}

@test "a preset index or name not in the set" {
    run vx-render -p "$SET" -k 70 dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'no preset at index 70 in the set'
    run vx-render -p "$SET" -k NoSuchSong dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'no preset named NoSuchSong'
    run vx-render -p "$SET" dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'holds several presets'
    [ ! -e wet.wav ]
}

@test "a closed output pipe is an error, not silence" {
    run bash -c "vx-render -p '$SET' -k 0 dry.wav - | head -c 10 > /dev/null; echo rc=\${PIPESTATUS[0]}"
    assert_output --partial 'vx-render: stdout: write error: Broken pipe'
    assert_output --partial 'rc=1'
}

@test "an unwritable output leaves nothing behind" {
    run vx-render -p "$SET" -k 0 dry.wav no/such/dir/wet.wav
    assert_failure 1
    assert_output --partial 'no/such/dir/wet.wav'
    mkdir ro && chmod 500 ro
    if [ "$(id -u)" != 0 ]; then
        run vx-render -p "$SET" -k 0 dry.wav ro/wet.wav
        assert_failure 1
    fi
    assert_no_leftovers ro
}

@test "streaming mode matches the whole-signal render" {
    vx-render -q -p "$SET" -k 0 dry.wav whole.wav
    vx-render -q -s --block 4096 -p "$SET" -k 0 dry.wav stream.wav
    [ "$(soxi -s stream.wav)" = "$(soxi -s whole.wav)" ]
    db=$(err_db stream.wav whole.wav)
    echo "# streaming vs whole-signal render: $db dB" >&3
    below "$db" -100
}

@test "a preset value beyond its limits is refused, not rendered as NaN" {
    sed -n 1p "$SET" | jq -c '{type, fx} | .fx.peak1.gain_db = 2000' > gain.json
    run vx-render -p gain.json dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: gain.json:1: fx.peak1.gain_db must be in [-60, 60], got 2000'
    sed -n 1p "$SET" | jq -c 'del(.fx) | .raw[0] = 1e308' > raw.json
    run vx-render -p raw.json dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: raw.json:1: raw[0] (fx.peak1.gain_db) must be in [-60, 60], got 1e+308'
    sed -n 1p "$SET" | jq -c 'del(.fx) | .raw[18] = -700' > sigmoid.json
    run vx-render -p sigmoid.json dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: sigmoid.json:1: raw[18] (fx.comp.attack_ms) must be in [-30, 30], got -700'
    [ ! -e wet.wav ]
}

@test "missing or misspelt fx fields are refused; --fx-defaults fills the missing ones" {
    sed -n 1p "$SET" | jq -c '{type, fx} | del(.fx.comp.attack_ms)' > missing.json
    run vx-render -p missing.json dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'vx-render: missing.json:1: fx.comp.attack_ms is missing'
    [ ! -e wet.wav ]
    vx-render -q --fx-defaults -p missing.json dry.wav wet.wav
    # DiffVox's initial attack, 50 ms (as a float32 coefficient)
    vx-render --fx-defaults -p missing.json --print-params | jq -e '.comp.attack_ms | fabs - 50 | fabs < 1e-4' 
    sed -n 1p "$SET" | jq -c '{type, fx} | .fx.comp.atack_ms = .fx.comp.attack_ms | del(.fx.comp.attack_ms)' > typo.json
    run vx-render --fx-defaults -p typo.json dry.wav out.wav
    assert_failure 1
    assert_output 'vx-render: typo.json:1: fx.comp.atack_ms is not a field of fx.comp (did you mean attack_ms?)'
    sed -n 1p "$SET" | jq -c '{type, fx} | .fx.dealy = .fx.delay | del(.fx.delay)' > section.json
    run vx-render -p section.json dry.wav out.wav
    assert_failure 1
    assert_output 'vx-render: section.json:1: fx.dealy is not a section of fx (did you mean delay?)'
    [ ! -e out.wav ]
}

@test "a section that is not an object, a duplicate key, raw that is not an array of numbers" {
    printf '{"fx":{"peak1":5}}\n' > section.json
    run vx-render -p section.json dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: section.json:1: fx.peak1 must be an object of fields, got a number'
    sed -n 1p "$SET" | sed 's/"raw":/"raw":[0],"raw":/' > dup.json
    run vx-render -p dup.json dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: dup.json:1: duplicate key raw (each key may appear once)'
    # pretty-printed, the key deeper in
    sed -n 1p "$SET" | jq '{type, fx}' | sed 's/"time_ms":/"time_ms": 500, "time_ms":/' > dup.json
    run vx-render -p dup.json dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: dup.json:1: duplicate key fx.delay.time_ms (each key may appear once)'
    sed -n 1p "$SET" | jq -c '.raw = "abc"' > abc.json
    run vx-render -p abc.json dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: abc.json:1: raw must be an array of 151 numbers, got a string'
    sed -n 1p "$SET" | jq -c '.raw[7] = null' > null.json
    run vx-render -p null.json dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: null.json:1: raw[7] (fx.low_shelf.freq_hz) must be a number, got null'
    [ ! -e wet.wav ]
}

@test "an fx edit that raw would override is refused" {
    sed -n 1p "$SET" | jq -c '.fx.delay.time_ms = 500' > edited.json
    run vx-render -p edited.json dry.wav wet.wav
    assert_failure 1
    assert_output --partial 'vx-render: edited.json:1: fx.delay.time_ms = 500 disagrees with raw[24] (fx.delay.time_ms), which gives 262.749'
    [ ! -e wet.wav ]
    # the edit is taken once raw is gone
    jq -c 'del(.raw)' edited.json > fx-only.json
    [ "$(vx-render -p fx-only.json --print-params | jq .delay.time_ms)" = 500 ]
}

@test "-k with a track name several presets share is ambiguous" {
    run vx-render -p "$TOP/presets/internal.ndjson" -k togawa_group dry.wav wet.wav
    assert_failure 1
    assert_output 'vx-render: '"$TOP"'/presets/internal.ndjson: togawa_group matches 385 presets (indices 0-384): choose one by its index'
    [ ! -e wet.wav ]
    vx-render -q -p "$TOP/presets/internal.ndjson" -k 384 dry.wav wet.wav
}

@test "a NUL byte in a preset file is an error, not the end of the record" {
    { sed -n 1p "$SET" | tr -d '\n'; printf '\000{"more":1}\n'; } > nul.json
    run vx-render -p nul.json dry.wav wet.wav
    assert_failure 1
    assert_output --regexp '^vx-render: nul\.json:1: a NUL byte at column [0-9]+ \(not text\)$'
    [ ! -e wet.wav ]
}

@test "--each renders the chosen presets to files named by the pattern" {
    sox dry.wav short.wav trim 0 1
    mkdir out
    vx-render -q -p "$SET" -k 0-1,12 --each 'out/%02d-%s.wav' short.wav
    t0=$(sed -n 1p "$SET" | jq -r .track) t1=$(sed -n 2p "$SET" | jq -r .track)
    t12=$(sed -n 13p "$SET" | jq -r .track)
    [ "$(ls out | wc -l)" = 3 ]
    for f in "00-$t0" "01-$t1" "12-$t12"; do [ -f "out/$f.wav" ]; done
    # each file is the single-preset render of its index
    vx-render -q -p "$SET" -k 12 short.wav one.wav
    cmp one.wav "out/12-$t12.wav"
    vx-render -q -p "$SET" -k 0 short.wav one.wav
    cmp one.wav "out/00-$t0.wav"
    # without -k, every preset of the set; %d alone and %% are enough
    head -n 2 "$SET" > two.ndjson
    vx-render -q -p two.ndjson --each 'n%d%%.wav' short.wav
    [ -f n0%.wav ] && [ -f n1%.wav ] && [ ! -f n2%.wav ]
}

@test "--each: bad patterns, lists and indices" {
    for pat in out.wav 'a%d-%d.wav' '%s.wav' '%x-%d.wav' '%d-%s-%s.wav' '%-2d.wav' -; do
        run vx-render -p "$SET" --each "$pat" dry.wav
        assert_failure 2
        assert_output --partial 'usage: vx-render'
    done
    for k in 3-1 x 1, 2-; do
        run vx-render -p "$SET" -k "$k" --each '%d.wav' dry.wav
        assert_failure 2
        assert_output --partial "-k $k"
    done
    run vx-render -p "$SET" --each '%d.wav' dry.wav extra.wav
    assert_failure 2
    run vx-render -s -p "$SET" --each '%d.wav' dry.wav
    assert_failure 2
    head -n 2 "$SET" > two.ndjson
    run vx-render -q -p two.ndjson -k 1-5 --each '%d.wav' dry.wav
    assert_failure 1
    assert_output --partial 'no preset at index 5'
}
