#!/bin/sh
# Builds a small MedleyDB-layout corpus from the repository's own voice clips: dry takes,
# wet stems rendered with shipped presets and shifted by known amounts, a non-vocal stem,
# a vocal stem with two raw tracks and an instrumental song (which vx-pair must skip).
#
# usage: sh pipelines/demo-corpus.sh DIR
# Writes DIR/<Song>/<Song>_METADATA.yaml, <Song>_RAW/, <Song>_STEMS/ for three songs and
# DIR/known_shifts.tsv: "<pair id> <TAB> <shift in samples> <TAB> <preset track>" per pair.
set -eu
[ $# -eq 1 ] || { echo "usage: sh pipelines/demo-corpus.sh DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
fix=$top/test/fixtures
presets=$top/presets/medleydb.ndjson
VX_BIN=${VX_BIN:-$top/bin}
render=$VX_BIN/vx-render
[ -x "$render" ] || { echo "demo-corpus.sh: $render is missing: run make first" >&2; exit 1; }
dir=$1
# Rebuilt from scratch, but only over an earlier corpus of this script or an empty folder.
if [ -e "$dir" ] && [ ! -f "$dir/known_shifts.tsv" ] && [ -n "$(ls -A "$dir")" ]; then
    echo "demo-corpus.sh: $dir exists and is not a demo corpus: not touching it" >&2
    exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
tmp=$dir/.build
mkdir -p "$tmp"
known=$dir/known_shifts.tsv
: > "$known"
sox="sox -V1"

# song NAME TITLE GENRE INSTRUMENTAL: the song's folders, and its METADATA.yaml: the
# fields every demo song shares, then its "stems:" mapping from stdin.
song() {
    mkdir -p "$dir/$1/$1_RAW" "$dir/$1/$1_STEMS"
    {
        cat <<EOF
album: ''
artist: Apollo 11
composer: [NASA]
excerpt: 'no'
genre: $3
has_bleed: 'no'
instrumental: '$4'
mix_filename: $1_MIX.wav
origin: vx demo
producer: [vx]
raw_dir: $1_RAW
stem_dir: $1_STEMS
title: $2
version: 1.2
website: []
EOF
        cat
    } > "$dir/$1/$1_METADATA.yaml"
}

# wet SONG STEM_NO PRESET DRY SHIFT: the stem SONG_STEM_NO.wav = DRY rendered with
# MedleyDB preset PRESET, then delayed by SHIFT samples (SHIFT < 0: advanced).
# Presets 5, 9, 12 and 24 were chosen because their renders of this material align
# with the dry at lag 0, so the shift vx-pair should find is exactly SHIFT.
wet() {
    out="$dir/$1/$1_STEMS/$1_STEM_$2.wav"
    "$render" -q -p "$presets" -k "$3" "$4" "$tmp/render.wav"
    if [ "$5" -ge 0 ]; then
        $sox "$tmp/render.wav" "$out" pad "$5"s
    else
        $sox "$tmp/render.wav" "$out" trim "$((-$5))"s
    fi
    track=$(jq -r --argjson k "$3" 'select(.index == $k) | .track' "$presets")
    printf '%s/%s_STEM_%s\t%s\t%s\n' "$1" "$1" "$2" "$5" "$track" >> "$known"
}

# Dry material: the 4.3 s voice, the same reversed, and two faded cuts of the 14 s clip,
# each with 0.1 s of silence at both ends as raw tracks have, so that the circular roll by
# the alignment shift (at most 4410 samples) wraps silence only.
$sox "$fix/voice.wav" "$tmp/voice.wav" pad 0.1 0.1
$sox "$fix/voice.wav" "$tmp/voice_rev.wav" reverse pad 0.1 0.1
$sox "$fix/input_14s.wav" "$tmp/cut_a.wav" trim 4 6 fade t 0.1 -0 0.3 pad 0.1 0.1
$sox "$fix/input_14s.wav" "$tmp/cut_b.wav" trim 9 4.5 fade t 0.1 -0 0.3 pad 0.1 0.1
# Not a voice: a bass line and a pad, synthesised.
$sox -n -r 44100 -c 1 "$tmp/bass.wav" synth 4.28 sine 55 sine 82.4 vol 0.3
$sox -n -r 44100 -c 2 "$tmp/pad.wav" synth 6 sine 220 sine 277 vol 0.2 fade 0.5 6 1

s=Apollo_Houston
song $s "Houston" "Spoken Word" no <<EOF
stems:
  S01:
    component: melody
    filename: ${s}_STEM_01.wav
    instrument: male speaker
    raw:
      R01: {filename: ${s}_RAW_01_01.wav, instrument: male speaker}
  S02:
    component: bass
    filename: ${s}_STEM_02.wav
    instrument: electric bass
    raw:
      R01: {filename: ${s}_RAW_02_01.wav, instrument: electric bass}
  S03:
    component: ''
    filename: ${s}_STEM_03.wav
    instrument: male singer
    raw:
      R01: {filename: ${s}_RAW_03_01.wav, instrument: male singer}
EOF
cp "$tmp/voice.wav" "$dir/$s/${s}_RAW/${s}_RAW_01_01.wav"
wet $s 01 5 "$tmp/voice.wav" 300
cp "$tmp/bass.wav" "$dir/$s/${s}_RAW/${s}_RAW_02_01.wav"
$sox "$tmp/bass.wav" "$dir/$s/${s}_STEMS/${s}_STEM_02.wav" remix 1 1
cp "$tmp/voice_rev.wav" "$dir/$s/${s}_RAW/${s}_RAW_03_01.wav"
wet $s 03 9 "$tmp/voice_rev.wav" -1234

s=Apollo_Tranquility
song $s "Tranquility Base" "Spoken Word" no <<EOF
stems:
  S01:
    component: melody
    filename: ${s}_STEM_01.wav
    instrument: male speaker
    raw:
      R01: {filename: ${s}_RAW_01_01.wav, instrument: male speaker}
  S02:
    component: ''
    filename: ${s}_STEM_02.wav
    instrument: vocalists
    raw:
      R01: {filename: ${s}_RAW_02_01.wav, instrument: vocalists}
      R02: {filename: ${s}_RAW_02_02.wav, instrument: vocalists}
  S03:
    component: ''
    filename: ${s}_STEM_03.wav
    instrument: male speaker
    raw:
      R01: {filename: ${s}_RAW_03_01.wav, instrument: male speaker}
EOF
cp "$tmp/cut_a.wav" "$dir/$s/${s}_RAW/${s}_RAW_01_01.wav"
wet $s 01 12 "$tmp/cut_a.wav" -441
# Two raw tracks on one stem: DiffVox cannot tell which is the dry, so it is no pair.
cp "$tmp/voice.wav" "$dir/$s/${s}_RAW/${s}_RAW_02_01.wav"
cp "$tmp/voice_rev.wav" "$dir/$s/${s}_RAW/${s}_RAW_02_02.wav"
$sox -m "$tmp/voice.wav" "$tmp/voice_rev.wav" "$dir/$s/${s}_STEMS/${s}_STEM_02.wav" remix 1 1
cp "$tmp/cut_b.wav" "$dir/$s/${s}_RAW/${s}_RAW_03_01.wav"
wet $s 03 24 "$tmp/cut_b.wav" 2205

s=Apollo_Static
song $s "Static" "Electronic" yes <<EOF
stems:
  S01:
    component: ''
    filename: ${s}_STEM_01.wav
    instrument: synthesizer
    raw:
      R01: {filename: ${s}_RAW_01_01.wav, instrument: synthesizer}
EOF
cp "$tmp/pad.wav" "$dir/$s/${s}_RAW/${s}_RAW_01_01.wav"
cp "$tmp/pad.wav" "$dir/$s/${s}_STEMS/${s}_STEM_01.wav"

rm -rf "$tmp"
