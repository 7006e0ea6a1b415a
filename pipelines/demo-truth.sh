#!/bin/sh
# The presets that made a demo corpus's wet stems (demo-corpus.sh), as preset records on
# its pairs, for vx-loss --eval: the score a perfect fit would reach.
#
# usage: sh pipelines/demo-truth.sh CORPUS PAIRS > presets.ndjson
# DiffVox fits between the dry and the wet both at -18 LUFS. A preset that made the wet
# from the dry as recorded does the same in that domain with its compressor and expander
# thresholds moved by the dry's gain and its make-up gain by the wet's gain less the
# dry's (raw values 14, 15 and 16 are those values in dB); "fx" is left out, as stale.
set -eu
[ $# -eq 2 ] || { echo "usage: sh pipelines/demo-truth.sh CORPUS PAIRS" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
tab=$(printf '\t')
while IFS=$tab read -r id _ track; do
    jq -c --arg t "$track" 'select(.track == $t)' "$top/presets/medleydb.ndjson" |
        jq -c --slurpfile p "$2" --arg id "$id" '
            ($p[] | select(.id == $id)) as $q | . + ($q | {id, track, dry, wet, shift})
            | .raw[14] += $q.gain_dry_db | .raw[15] += $q.gain_dry_db
            | .raw[16] += $q.gain_wet_db - $q.gain_dry_db | del(.fx)'
done < "$1/known_shifts.tsv"
