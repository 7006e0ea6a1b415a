#!/usr/bin/env bats
# vx-pair on a tiny MedleyDB-like corpus built from test/fixtures/voice.wav with sox:
# known shifts (positive and negative) recovered exactly, two vocal stems in a song, a
# non-vocal stem, a vocal stem with two raw tracks, an instrumental song, a stereo dry
# with strong side energy, and every kind of bad input.

load helpers
bats_require_minimum_version 1.5.0

# song NAME: a METADATA.yaml read from stdin into $CORPUS/NAME/
song() {
    mkdir -p "$CORPUS/$1/$1_RAW" "$CORPUS/$1/$1_STEMS"
    cat >"$CORPUS/$1/$1_METADATA.yaml"
}

setup_file() {
    export CORPUS="$BATS_FILE_TMPDIR/corpus"
    local v="$FIX/voice.wav" a="$CORPUS/SongA" c="$CORPUS/SongC"
    song SongA <<'EOF'
album: ''
artist: Test
instrumental: 'no'
raw_dir: SongA_RAW
stem_dir: SongA_STEMS
stems:
  S01:
    component: melody
    filename: SongA_STEM_01.wav
    instrument: female singer
    raw:
      R01: {filename: SongA_RAW_01_01.wav, instrument: female singer}
  S02:
    filename: SongA_STEM_02.wav
    instrument: electric bass
    raw:
      R01: {filename: SongA_RAW_02_01.wav, instrument: electric bass}
  S03:
    filename: SongA_STEM_03.wav
    instrument: male speaker
    raw:
      R01: {filename: SongA_RAW_03_01.wav, instrument: male speaker}
  S04:
    filename: SongA_STEM_04.wav
    instrument: vocalists
    raw:
      R01: {filename: SongA_RAW_04_01.wav, instrument: vocalists}
      R02: {filename: SongA_RAW_04_02.wav, instrument: vocalists}
title: A
EOF
    # S01: the wet lags the dry by 300 samples; S03: the wet leads a reversed voice by 1234.
    # The bass (S02) and the two-raw stem (S04) have no audio: they must not be read.
    cp "$v" "$a/SongA_RAW/SongA_RAW_01_01.wav"
    sox "$v" "$a/SongA_STEMS/SongA_STEM_01.wav" pad 300s remix 1v0.5 1v0.3
    sox "$v" "$a/SongA_RAW/SongA_RAW_03_01.wav" reverse
    sox "$v" "$a/SongA_STEMS/SongA_STEM_03.wav" reverse trim 1234s remix 1v0.3 1v0.6
    song SongB <<'EOF'
instrumental: 'yes'
raw_dir: SongB_RAW
stem_dir: SongB_STEMS
stems: {}
EOF
    song SongC <<'EOF'
instrumental: 'no'
raw_dir: SongC_RAW
stem_dir: SongC_STEMS
stems:
  S01:
    filename: SongC_STEM_01.wav
    instrument: male singer
    raw:
      R01: {filename: SongC_RAW_01_01.wav, instrument: male singer}
  S02:
    filename: SongC_STEM_02.wav
    instrument: male singer
    raw:
      R01: {filename: SongC_RAW_02_01.wav, instrument: male singer}
EOF
    # S01: a stereo dry whose channels differ (side energy about -1.6 dB): skipped.
    # S02: a stereo dry whose channels agree up to rounding (about -82 dB): kept.
    sox "$v" "$BATS_FILE_TMPDIR/rev.wav" reverse
    sox "$v" "$BATS_FILE_TMPDIR/half.wav" vol 0.5
    sox -M "$v" "$BATS_FILE_TMPDIR/rev.wav" "$c/SongC_RAW/SongC_RAW_01_01.wav"
    sox -M "$v" "$BATS_FILE_TMPDIR/half.wav" "$c/SongC_RAW/SongC_RAW_02_01.wav"
    sox "$v" "$c/SongC_STEMS/SongC_STEM_01.wav" remix 1 1
    sox "$v" "$c/SongC_STEMS/SongC_STEM_02.wav" remix 1v0.5 1v0.4
    # Loose files for explicit pairs and bad input.
    sox "$v" "$BATS_FILE_TMPDIR/wet.wav" trim 0 3 remix 1v0.4 1v0.5 pad 77s
    sox "$v" -r 48000 "$BATS_FILE_TMPDIR/wet48.wav" remix 1 1
    sox "$v" -r 48000 "$BATS_FILE_TMPDIR/dry48.wav"
}

setup() {
    cd "$BATS_TEST_TMPDIR"
    T=$BATS_FILE_TMPDIR
}

@test "vx-pair: MedleyDB song, two vocal stems, shifts +300 and -1234 recovered exactly" {
    run --separate-stderr vx-pair "$CORPUS/SongA/"
    assert_success
    [ "$(echo "$output" | wc -l)" -eq 2 ]
    run jq -r '[.type, .id, .song, .track, .shift, .rate] | @tsv' <<<"$output"
    assert_line --index 0 "$(printf 'pair\tSongA/SongA_STEM_01\tSongA\tSongA_STEM_01\t300\t44100')"
    assert_line --index 1 "$(printf 'pair\tSongA/SongA_STEM_03\tSongA\tSongA_STEM_03\t-1234\t44100')"
}

@test "vx-pair: paths, frames, loudness, gains to -18 LUFS, side_db null for a mono dry" {
    vx-pair -q "$CORPUS/SongA" >pairs.ndjson
    run jq -r 'select(.track == "SongA_STEM_01") | [.dry, .wet, .frames, .side_db] | @tsv' pairs.ndjson
    assert_output "$(printf '%s\t%s\t188893\t' "$CORPUS/SongA/SongA_RAW/SongA_RAW_01_01.wav" \
        "$CORPUS/SongA/SongA_STEMS/SongA_STEM_01.wav")"
    # frames = the common length: 188893 - 1234 for the trimmed wet
    run jq -r 'select(.track == "SongA_STEM_03") | .frames' pairs.ndjson
    assert_output 187659
    run jq -r '[(.gain_dry_db + .lufs_dry + 18 | fabs < 1e-9),
                (.gain_wet_db + .lufs_wet + 18 | fabs < 1e-9),
                (.lufs_dry > -17 and .lufs_dry < -15)] | all' pairs.ndjson
    assert_output $'true\ntrue'
}

@test "vx-pair: notes on stderr for a two-raw vocal stem and an instrumental song" {
    run --separate-stderr vx-pair "$CORPUS/SongA" "$CORPUS/SongB"
    assert_success
    [[ "$stderr" == *"SongA_METADATA.yaml:23: S04 (vocalists) has 2 raw tracks, not 1: skipped"* ]]
    [[ "$stderr" == *"vx-pair: SongB: instrumental, no pairs"* ]]
    [[ "$stderr" == *"pairs: 2 written, 0 skipped, from 2 song folders"* ]]
    [[ "$stderr" != *"S02"* ]]
}

@test "vx-pair: a stereo dry with side energy above -10 dB is skipped, a near-mono one kept" {
    run --separate-stderr vx-pair "$CORPUS/SongC"
    assert_success
    [[ "$stderr" == *"SongC/SongC_STEM_01: stereo dry with side energy -1.6 dB > -10 dB: skipped"* ]]
    run jq -r '[.track, (.side_db < -60)] | @tsv' <<<"$output"
    assert_output "$(printf 'SongC_STEM_02\ttrue')"
    run vx-pair -q --side-max inf "$CORPUS/SongC"
    [ "$(echo "$output" | wc -l)" -eq 2 ]
}

@test "vx-pair: --list reads song folders, skipping comments and blank lines" {
    printf '# corpus\n%s\n\n  %s\n' "$CORPUS/SongA" "$CORPUS/SongB" >songs.txt
    run --separate-stderr vx-pair --list songs.txt
    assert_success
    [ "$(echo "$output" | wc -l)" -eq 2 ]
    run vx-pair -q -l - <songs.txt
    [ "$(echo "$output" | wc -l)" -eq 2 ]
}

@test "vx-pair: an explicit pair, -o FILE, --id, and -q" {
    run vx-pair -q --dry "$FIX/voice.wav" --wet "$T/wet.wav" --id demo -o pair.ndjson
    assert_success
    assert_output ''
    run jq -r '[.id, .song, .track, .shift, .frames] | @tsv' pair.ndjson
    assert_output "$(printf 'demo\t\twet\t77\t132377')"
    assert_no_leftovers .
}

@test "vx-pair: a dry with 3 s of leading silence is cut to the overlap, not rolled" {
    sox "$FIX/voice.wav" lead.wav pad 3
    vx-render -q -p "$TOP/presets/medleydb.ndjson" -k 5 "$FIX/voice.wav" wet5.wav
    vx-pair -q --dry "$FIX/voice.wav" --wet wet5.wav --id base >base.ndjson
    run --separate-stderr vx-pair --dry lead.wav --wet wet5.wav --id lead
    assert_success
    [[ "$stderr" == *"vx-pair: lead: shift -132300 samples (-3.00 s) is more than 0.1 s: cut to the overlap (dry from frame 132300, wet from 0, 188893 frames) instead of rolled"* ]]
    echo "$output" >lead.ndjson
    run jq -c '[.shift, .crop, .frames]' lead.ndjson
    assert_output '[-132300,{"dry":132300,"wet":0,"frames":188893},188893]'
    # the same losses as the pair without the silence; DiffVox's roll (a record without
    # "crop", as the published presets) wraps the dry's silent end over its start
    base=$(vx-loss -q --no-process -e base.ndjson | jq .mss_lr)
    lead=$(vx-loss -q --no-process -e lead.ndjson | jq .mss_lr)
    rolled=$(jq -c 'del(.crop)' lead.ndjson | vx-loss -q --no-process -e - | jq .mss_lr)
    echo "# mss_lr: no silence $base, 3 s silence cut $lead, rolled $rolled" >&3
    [ "$base" = "$lead" ]
    below "$(awk -v a="$base" 'BEGIN { print 1.5 * a }')" "$rolled"
    # a small shift keeps the roll, no crop: published pairs prepare as in DiffVox
    run jq -c '[.shift, .crop]' base.ndjson
    assert_output '[0,null]'
}

@test "vx-pair: a crop that disagrees with the shift or lies outside the files is refused" {
    sox "$FIX/voice.wav" lead.wav pad 3
    vx-render -q -p "$TOP/presets/medleydb.ndjson" -k 5 "$FIX/voice.wav" wet5.wav
    vx-pair -q --dry lead.wav --wet wet5.wav >lead.ndjson
    run sh -c "jq -c '.shift = -5' lead.ndjson | vx-loss --no-process -e -"
    assert_failure 1
    assert_output --partial "stdin:1: crop starts the wet -132300 frames after the dry, but shift is -5"
    run sh -c "jq -c '.crop.frames = 188894' lead.ndjson | vx-loss -q --no-process -e -"
    assert_failure 1
    run sh -c "jq -c '.crop.frames = 188894' lead.ndjson | vx-loss --no-process -e - 2>&1"
    assert_output --partial "crop (dry from 132300, wet from 0, 188894 frames) lies outside the files"
    run sh -c "jq -c '.crop = [1, 2]' lead.ndjson | vx-loss --no-process -e -"
    assert_failure 1
    assert_output --partial 'stdin:1: crop must be {"dry": N, "wet": N, "frames": N}'
}

@test "vx-pair: malformed METADATA.yaml names the file and line, nothing written" {
    song Bad <<'EOF'
instrumental: 'no'
raw_dir: Bad_RAW
stems:
  S01:
    filename: x.wav
   instrument: [unclosed
EOF
    run vx-pair -o out.ndjson "$CORPUS/SongA" "$CORPUS/Bad"
    assert_failure 1
    assert_output --partial "vx-pair: $CORPUS/Bad/Bad_METADATA.yaml:6: malformed YAML"
    [ ! -e out.ndjson ]
    assert_no_leftovers .
}

@test "vx-pair: missing fields and files are named" {
    song NoStemDir <<'EOF'
instrumental: 'no'
raw_dir: NoStemDir_RAW
stems: {}
EOF
    run vx-pair "$CORPUS/NoStemDir"
    assert_failure 1
    assert_output "vx-pair: $CORPUS/NoStemDir/NoStemDir_METADATA.yaml:1: stem_dir is missing"
    song NoInstr <<'EOF'
instrumental: 'no'
raw_dir: R
stem_dir: S
stems:
  S01:
    filename: a.wav
    raw: {R01: {filename: b.wav}}
EOF
    run vx-pair "$CORPUS/NoInstr"
    assert_failure 1
    assert_output "vx-pair: $CORPUS/NoInstr/NoInstr_METADATA.yaml:6: stems.S01.instrument is missing"
    run vx-pair "$CORPUS/Nowhere"
    assert_failure 1
    assert_output "vx-pair: $CORPUS/Nowhere: no such song folder"
    mkdir "$CORPUS/Empty"
    run vx-pair "$CORPUS/Empty"
    assert_failure 1
    assert_output "vx-pair: $CORPUS/Empty/Empty_METADATA.yaml: No such file or directory"
}

@test "vx-pair: a file given as a song folder is told apart from a missing folder" {
    run vx-pair "$FIX/voice.wav"
    assert_failure 1
    assert_output "vx-pair: $FIX/voice.wav: not a folder (a song folder holds <name>_METADATA.yaml)"
    run vx-pair "$FIX/voice.wav/made-up"
    assert_failure 1
    assert_output "vx-pair: $FIX/voice.wav/made-up: no such song folder"
}

@test "vx-pair: missing audio fails the whole run, nothing on stdout" {
    song Lost <<'EOF'
instrumental: 'no'
raw_dir: Lost_RAW
stem_dir: Lost_STEMS
stems:
  S01:
    filename: Lost_STEM_01.wav
    instrument: female singer
    raw: {R01: {filename: Lost_RAW_01_01.wav}}
EOF
    run --separate-stderr vx-pair -q "$CORPUS/SongA" "$CORPUS/Lost"
    assert_failure 1
    assert_output ''
    [[ "$stderr" == "vx-pair: $CORPUS/Lost/Lost_RAW/Lost_RAW_01_01.wav: cannot read audio"* ]]
}

@test "vx-pair: a mono wet is a clear error" {
    run vx-pair --dry "$FIX/voice.wav" --wet "$FIX/voice.wav"
    assert_failure 1
    assert_output --partial "wet is mono; DiffVox targets are stereo"
}

@test "vx-pair: 48 kHz and mixed rates are resampled to 44.1 kHz, the rate the record states" {
    frames=$(soxi -s "$FIX/voice.wav")
    for dry in "$FIX/voice.wav" "$T/dry48.wav"; do
        run --separate-stderr vx-pair -q --dry "$dry" --wet "$T/wet48.wav"
        assert_success
        [ "$(jq -r '[.rate, .shift, .frames] | @tsv' <<<"$output")" = "$(printf '44100\t0\t%s' "$frames")" ]
    done
}

@test "vx-pair: a truncated dry or wet stops the run, naming the file" {
    sox "$T/wet48.wav" -b 16 wet16.wav
    head -c 100000 wet16.wav > cut.wav
    run --separate-stderr vx-pair -q --dry "$FIX/voice.wav" --wet cut.wav
    assert_failure 1
    assert_output ''
    [[ "$stderr" == "vx-pair: cut.wav: truncated: header says 205598 frames, file holds 24989"* ]]
}

@test "vx-pair: usage errors exit 2; --help and --version exit 0" {
    run vx-pair --dry "$FIX/voice.wav"
    assert_failure 2
    assert_line --index 0 "vx-pair: an explicit pair needs both --dry and --wet"
    run vx-pair
    assert_failure 2
    run vx-pair --dry a.wav --wet b.wav "$CORPUS/SongA"
    assert_failure 2
    run vx-pair --side-max loud "$CORPUS/SongA"
    assert_failure 2
    run vx-pair --help
    assert_success
    assert_line --index 0 --partial "usage: vx-pair"
    run vx-pair --version
    assert_success
}
