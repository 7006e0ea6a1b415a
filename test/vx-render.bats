#!/usr/bin/env bats
# vx-render as a user meets it: files, streams, presets by index or name, and every
# kind of bad input with its exit status, message, and no output left behind.
load helpers
bats_require_minimum_version 1.5.0

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

@test "--print-params on a set without -k: each preset's values as -k gives them, or nothing" {
    SET="$TOP/presets/medleydb.ndjson"
    vx-render -p "$SET" --print-params > all.ndjson
    [ "$(wc -l < all.ndjson)" -eq 70 ]
    for k in 0 41 69; do
        [ "$(sed -n "$((k + 1))p" all.ndjson)" = "$(vx-render -p "$SET" -k $k --print-params)" ]
    done
    # a lone preset, pretty-printed, is one record
    jq . "$FIX/preset_medleydb0.json" > pretty.json
    run vx-render -p pretty.json --print-params
    assert_success
    [ "${#lines[@]}" -eq 1 ]
    # a bad record anywhere: its line named, nothing printed
    { head -n 3 "$SET"; echo '{"type":"preset","raw":[1,2]}'; } > bad.ndjson
    run --separate-stderr vx-render -p bad.ndjson --print-params
    assert_failure 1
    [ -z "$output" ]
    [[ $stderr == *"bad.ndjson:4: raw has 2 values"* ]] || fail "$stderr"
    : > empty.ndjson
    run vx-render -p empty.ndjson --print-params
    assert_failure 1
    assert_output --partial 'no preset in the file'
    # standard input is read once: a set there needs -k
    run sh -c "head -n 3 '$SET' | vx-render -p - --print-params"
    assert_failure 1
    assert_output 'vx-render: stdin: not a single JSON document; a set on standard input needs a pick of one preset'
    [ "$(head -n 3 "$SET" | vx-render -p - -k 2 --print-params)" = "$(sed -n 3p all.ndjson)" ]
}

@test "--clip-q changes exactly the presets whose delay low-pass Q exceeds 0.707" {
    for set in medleydb internal; do
        vx-render -p "$TOP/presets/$set.ndjson" --print-params > as-is.ndjson
        vx-render -p "$TOP/presets/$set.ndjson" --print-params --clip-q > clipped.ndjson
        [ "$(wc -l < clipped.ndjson)" -eq "$(wc -l < "$TOP/presets/$set.ndjson")" ]
        # each pair of records: what changed, and whether that is right
        run jq -n -r --slurpfile a as-is.ndjson --slurpfile b clipped.ndjson '
            [range($a | length) as $i | $a[$i] as $x | $b[$i] as $y | $x.delay.lpf_q as $q |
             if $x == $y then (if $q <= 0.707 then "same" else "left Q \($q) unclipped" end)
             elif $q <= 0.707 then "changed a preset with Q \($q)"
             elif $y.delay.lpf_q != 0.707 then "Q \($q) not capped"
             elif ($x | del(.delay.lpf_q)) != ($y | del(.delay.lpf_q)) then "clip-q changed another value"
             else "changed" end] | group_by(.)[] | "\(length) \(.[0])"'
        assert_success
        echo "$set:" $output >&3
        refute_output --regexp 'unclipped|with Q|not capped|another'
        case $set in
        medleydb) assert_line '31 changed' ;;
        internal) assert_line '159 changed' ;;
        esac
        rm as-is.ndjson clipped.ndjson
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

@test "a 48 kHz input renders at 44.1 kHz and is written back at 48 kHz" {
    sox dry.wav -r 48000 dry48.wav
    vx-render -q -p "$SET" -k 0 dry.wav wet.wav
    run vx-render -p "$SET" -k 0 dry48.wav wet48.wav
    assert_success
    [ "$(soxi -r wet48.wav)" = 48000 ]
    [ "$(soxi -s wet48.wav)" = "$(soxi -s dry48.wav)" ]
    # the same render as at 44.1 kHz, but for the two resamplings' band edges (20 kHz)
    sox wet48.wav -r 44100 back.wav
    db=$(err_db back.wav wet.wav)
    echo "# 48 kHz render, resampled back, vs the 44.1 kHz render: $db dB" >&3
    below "$db" -60
    # --rate chooses the output's rate
    vx-render -q -p "$SET" -k 0 --rate 44100 dry48.wav wet44.wav
    [ "$(soxi -r wet44.wav)" = 44100 ]
    [ "$(soxi -s wet44.wav)" = "$(soxi -s dry.wav)" ]
}

@test "a raw stream at 48 kHz (-r) is resampled the same way, whole or streamed" {
    sox dry.wav -r 48000 dry48.wav
    vx-render -q -p "$SET" -k 0 dry48.wav file.wav
    sox dry48.wav -t f32 - | vx-render -q -p "$SET" -k 0 -r 48000 - - > raw.f32
    sox -t f32 -r 48000 -c 2 raw.f32 raw.wav
    below "$(err_db raw.wav file.wav)" -120
    vx-render -q -s --block 4096 -p "$SET" -k 0 dry48.wav stream.wav
    [ "$(soxi -s stream.wav)" = "$(soxi -s file.wav)" ]
    db=$(err_db stream.wav file.wav)
    echo "# 48 kHz streamed vs whole: $db dB" >&3
    below "$db" -100
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

@test "streaming memory stays under 32 MB whatever the input's length" {
    skip_memory_if_sanitized
    [ -x /usr/bin/time ] || skip "GNU time is not installed"
    sox dry.wav long.wav repeat 14 # about 60 s: past the 30 s the loudness warning judges
    /usr/bin/time -f %M -o short.kb vx-render -q -s -p "$SET" -k 0 dry.wav a.wav
    /usr/bin/time -f %M -o long.kb vx-render -q -s -p "$SET" -k 0 long.wav b.wav
    echo "# streaming peak memory: $(cat short.kb) kB (4 s), $(cat long.kb) kB (60 s)" >&3
    below "$(cat short.kb)" 32768
    below "$(cat long.kb)" 32768
    below "$(cat long.kb)" "$(($(cat short.kb) + 1024))"
}

# Rendering the preset file $1 fails as bad data with exactly the message $2.
refused() {
    run vx-render -p "$1" dry.wav wet.wav
    assert_failure 1
    assert_output "$2"
}

@test "a preset value beyond its limits is refused, not rendered as NaN" {
    sed -n 1p "$SET" | jq -c '{type, fx} | .fx.peak1.gain_db = 2000' > gain.json
    refused gain.json 'vx-render: gain.json:1: fx.peak1.gain_db must be in [-60, 60], got 2000'
    sed -n 1p "$SET" | jq -c 'del(.fx) | .raw[0] = 1e308' > raw.json
    refused raw.json 'vx-render: raw.json:1: raw[0] (fx.peak1.gain_db) must be in [-60, 60], got 1e+308'
    sed -n 1p "$SET" | jq -c 'del(.fx) | .raw[18] = -700' > sigmoid.json
    refused sigmoid.json 'vx-render: sigmoid.json:1: raw[18] (fx.comp.attack_ms) must be in [-30, 30], got -700'
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
    refused section.json 'vx-render: section.json:1: fx.peak1 must be an object of fields, got a number'
    sed -n 1p "$SET" | sed 's/"raw":/"raw":[0],"raw":/' > dup.json
    refused dup.json 'vx-render: dup.json:1: duplicate key raw (each key may appear once)'
    # pretty-printed, the key deeper in
    sed -n 1p "$SET" | jq '{type, fx}' | sed 's/"time_ms":/"time_ms": 500, "time_ms":/' > dup.json
    refused dup.json 'vx-render: dup.json:1: duplicate key fx.delay.time_ms (each key may appear once)'
    sed -n 1p "$SET" | jq -c '.raw = "abc"' > abc.json
    refused abc.json 'vx-render: abc.json:1: raw must be an array of 151 numbers, got a string'
    sed -n 1p "$SET" | jq -c '.raw[7] = null' > null.json
    refused null.json 'vx-render: null.json:1: raw[7] (fx.low_shelf.freq_hz) must be a number, got null'
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
    run vx-render -q -p two.ndjson -k 1-5 --each 'out%d.wav' dry.wav
    assert_failure 1
    assert_output --partial 'no preset at index 5'
    # every record and index is checked before the first render: no file of the good ones
    { cat two.ndjson; echo '{"raw": [1, 2]}'; } > bad-last.ndjson
    run vx-render -q -p bad-last.ndjson --each 'out%d.wav' dry.wav
    assert_failure 1
    run ls out*.wav
    assert_failure
}

# bats test_tags=plumbing
@test "a truncated file is an error in every format, whole or streamed" {
    for spec in "wav -b 16" "wav -e floating-point" "wav -b 8" "aiff -b 16" "w64 -b 24" "flac -b 16"; do
        set -- $spec
        sox dry.wav "${@:2}" full.$1
        head -c 60000 full.$1 > cut.$1
        for mode in "" -s; do
            run vx-render $mode -p "$SET" -k 0 cut.$1 wet.wav
            assert_failure 1
            assert_output --regexp "vx-render: cut.$1: truncated: header says 188893 frames, file holds [0-9]+"
        done
        vx-render -q -p "$SET" -k 0 full.$1 wet.wav
    done
    rm wet.wav
    run vx-render -p "$SET" -k 0 cut.flac wet.wav
    [ ! -e wet.wav ]
    assert_no_leftovers .
}

@test "a WAV whose header gives no length (written to a pipe) reads to its end" {
    sox dry.wav -t wav - | cat > piped.wav
    run vx-render -q -p "$SET" -k 0 piped.wav wet.wav
    assert_success
    [ "$(soxi -s wet.wav 2>/dev/null)" = "$(soxi -s dry.wav)" ]
}

# bats test_tags=plumbing
@test "the output format follows the extension; --bits for the formats that take it" {
    vx-render -q -p "$SET" -k 0 dry.wav a.flac
    [ "$(soxi -t a.flac)" = flac ] && [ "$(soxi -b a.flac)" = 24 ]
    vx-render -q -p "$SET" -k 0 -b 16 dry.wav a.flac
    [ "$(soxi -b a.flac)" = 16 ]
    vx-render -q -p "$SET" -k 0 dry.wav a.wav
    [ "$(soxi -e a.wav)" = "Floating Point PCM" ]
    vx-render -q -p "$SET" -k 0 --bits 24 dry.wav b.wav
    [ "$(soxi -e b.wav)" = "Signed Integer PCM" ] && [ "$(soxi -b b.wav)" = 24 ]
    below "$(err_db b.wav a.wav)" -100
    vx-render -q -p "$SET" -k 0 -b 16 dry.wav a.aiff
    [ "$(soxi -t a.aiff)" = aiff ] && [ "$(soxi -b a.aiff)" = 16 ]
    vx-render -q -p "$SET" -k 0 dry.wav a.ogg
    [ "$(soxi -t a.ogg)" = vorbis ]
    [ "$(soxi -s a.ogg)" = "$(soxi -s dry.wav)" ]
    # MP3 where this libsndfile writes it (an MPEG frame sync or an ID3 tag first)
    if vx-render -q -p "$SET" -k 0 dry.wav a.mp3 2>err; then
        [ "$(od -An -tx1 -N1 a.mp3 | tr -d ' ')" = ff ] || [ "$(head -c 3 a.mp3)" = ID3 ]
    else
        grep -q 'cannot write that format' err
    fi
    run vx-render -p "$SET" -k 0 dry.wav a.opus
    assert_failure 1
    assert_output --partial 'a.opus: Opus is written at 8000, 12000, 16000, 24000 or 48000 Hz, not 44100: give --rate 48000'
    vx-render -q -p "$SET" -k 0 --rate 48000 dry.wav a.opus
    [ "$(head -c 4 a.opus)" = OggS ]
}

@test "an unknown output extension or --bits a format cannot hold: usage errors, nothing written" {
    run vx-render -p "$SET" -k 0 dry.wav wet.xyz
    assert_failure 2
    assert_output --partial 'wet.xyz: unknown output format: vx writes .wav, .flac'
    run vx-render -p "$SET" -k 0 dry.wav wet
    assert_failure 2
    assert_output --partial 'wet: no extension to choose the format by'
    run vx-render -p "$SET" -k 0 -b 32 dry.wav wet.flac
    assert_failure 2
    assert_output --partial 'wet.flac: .flac cannot hold 32-bit samples'
    run vx-render -p "$SET" -k 0 -b 16 dry.wav wet.ogg
    assert_failure 2
    assert_output --partial '--bits does not apply'
    run vx-render -p "$SET" -k 0 -b 12 dry.wav wet.wav
    assert_failure 2
    run vx-render -p "$SET" -k 0 -b 16 dry.wav -
    assert_failure 2
    assert_output --partial 'a raw output stream is float32'
    [ ! -e wet.xyz ] && [ ! -e wet ] && [ ! -e wet.flac ] && [ ! -e wet.ogg ] && [ ! -e wet.wav ]
}

@test "clipping is reported as sox does, and integer outputs saturate instead of wrapping" {
    sox -v 100 dry.wav -e floating-point loud.wav 2>/dev/null
    run vx-render -p "$SET" -k 0 loud.wav wet.flac
    assert_success
    assert_output --regexp 'vx-render: wet.flac: [0-9]+ samples clipped, peak [0-9.]+ \(\+[0-9.]+ dBFS\)'
    read -r max min <<<"$(sox wet.flac -n stat 2>&1 | awk '/Maximum amplitude/ {a=$3} /Minimum amplitude/ {b=$3} END {print a, b}')"
    # clipped to full scale, never wrapped: a wrap would leave no sample at full scale
    [ "$max" = 1.000000 ] || [ "$max" = 0.999999 ] || [ "$max" = 0.999998 ]
    [ "$min" = -1.000000 ]
    run vx-render -p "$SET" -k 0 loud.wav wet.wav
    assert_success
    assert_output --regexp 'wet.wav: [0-9]+ samples exceed full scale, peak [0-9.]+ \(\+[0-9.]+ dBFS\): kept'
    run vx-render -p "$SET" -k 0 dry.wav wet.flac
    refute_output --partial 'clipped'
}

@test "a non-finite output sample is an error before the output is touched" {
    # finite input samples near the float limit overflow in the chain
    printf '\377\377\177\177\377\377\177\377%.0s' $(seq 4000) > huge.f32
    echo previous > wet.wav
    run sh -c "vx-render -p '$SET' -k 0 - wet.wav < huge.f32"
    assert_failure 1
    assert_output --regexp 'wet.wav: frame [0-9]+ of the output is (not a number|infinite): nothing written'
    [ "$(cat wet.wav)" = previous ]
    run sh -c "vx-render -s -p '$SET' -k 0 - wet.wav < huge.f32"
    assert_failure 1
    [ "$(cat wet.wav)" = previous ]
    assert_no_leftovers .
}

@test "an input far from -18 LUFS is warned about; --lufs normalises it" {
    sox -v 0.01 dry.wav -e floating-point quiet.wav
    run vx-render -p "$SET" -k 0 quiet.wav wet.wav
    assert_success
    assert_output --regexp 'quiet.wav: input loudness -[0-9.]+ LUFS is [0-9.]+ LU below the -18 LUFS the presets expect: give --lufs -18'
    run vx-render -s -p "$SET" -k 0 quiet.wav wet.wav
    assert_output --partial 'LU below the -18 LUFS the presets expect'
    run vx-render -p "$SET" -k 0 --lufs -18 quiet.wav a.wav
    assert_success
    refute_output --partial 'LUFS'
    vx-render -q -p "$SET" -k 0 --lufs -18 dry.wav b.wav
    # both brought to -18 LUFS: renders at the same level (the gates of BS.1770 see a
    # signal 40 dB down a little differently: within 0.5 dB)
    ra=$(sox a.wav -n stats 2>&1 | awk '/RMS lev dB/ {print $4}')
    rb=$(sox b.wav -n stats 2>&1 | awk '/RMS lev dB/ {print $4}')
    below "$(awk -v a="$ra" -v b="$rb" 'BEGIN { d = a - b; print d < 0 ? -d : d }')" 0.5
    run vx-render -p "$SET" -k 0 dry.wav wet.wav
    refute_output --partial 'LUFS'
    run vx-render -s --lufs -18 -p "$SET" -k 0 dry.wav wet.wav
    assert_failure 2
    assert_output --partial '--lufs measures the whole input first: not with -s'
    sox -n -r 44100 silent.wav trim 0 1
    run vx-render -p "$SET" -k 0 --lufs -18 silent.wav wet.wav
    assert_failure 1
    assert_output --partial 'silent.wav: cannot normalise to -18 LUFS: the input is digital silence'
}

@test "a raw stream ending in a partial frame, or holding a WAV or FLAC file" {
    sox dry.wav -t f32 - > in.f32
    printf 'ab' >> in.f32
    run sh -c "vx-render -p '$SET' -k 0 - wet.wav < in.f32"
    assert_failure 1
    assert_output --partial 'stdin: the raw stream ends in a partial frame: 2 bytes left over after frame 188893'
    run sh -c "vx-render -p '$SET' -k 0 -c 2 - wet.wav < in.f32"
    assert_failure 1
    assert_output --partial '6 bytes left over'
    run sh -c "vx-render -p '$SET' -k 0 - wet.wav < dry.wav"
    assert_failure 1
    assert_output --partial 'stdin: raw float32 samples were expected, but the input looks like a WAV file'
    sox dry.wav dry.flac
    run sh -c "vx-render -s -p '$SET' -k 0 - wet.wav < dry.flac"
    assert_failure 1
    assert_output --partial 'looks like a FLAC file'
    [ ! -e wet.wav ]
}

@test "empty files, directories, several channels, 8-bit, missing output folders" {
    : > empty.wav
    run vx-render -p "$SET" -k 0 empty.wav wet.wav
    assert_failure 1
    assert_output --partial 'empty.wav: empty file (0 bytes), not audio'
    mkdir folder.wav
    run vx-render -p "$SET" -k 0 folder.wav wet.wav
    assert_failure 1
    assert_output --partial 'folder.wav: is a directory, not an audio file'
    # a WAV header that declares no channels
    printf 'RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\0\0\x44\xac\0\0\x88\x58\x01\0\x02\0\x10\0data\0\0\0\0' > ch0.wav
    run vx-render -p "$SET" -k 0 ch0.wav wet.wav
    assert_failure 1
    assert_output --partial 'ch0.wav: cannot read audio: Channel count is zero'
    sox -n -r 500 low.wav synth 1 sine 100
    run vx-render -p "$SET" -k 0 low.wav wet.wav
    assert_failure 1
    assert_output --partial 'low.wav: sample rate 500 Hz: vx resamples from 1000 to 768000 Hz only'
    sox dry.wav -b 8 dry8.wav
    vx-render -q -p "$SET" -k 0 dry8.wav wet.wav
    [ "$(soxi -s wet.wav)" = "$(soxi -s dry.wav)" ]
    # four equal channels mix down to the mono voice
    sox dry.wav -e floating-point four.wav remix 1 1 1 1
    vx-render -q -p "$SET" -k 0 four.wav a.wav
    vx-render -q -p "$SET" -k 0 dry.wav b.wav
    below "$(err_db a.wav b.wav)" -100
    run vx-render -p "$SET" -k 0 dry.wav no/such/folder/wet.wav
    assert_failure 1
    assert_output --partial 'no/such/folder/wet.wav: cannot write: folder no/such/folder/: No such file or directory'
    [ ! -e wet.xyz ]
}
