#!/bin/sh
# `make demo`: renders a bundled voice with a shipped preset, then runs DiffVox's whole
# workflow (pairs, fits, selection, Gaussian, PCA, scores) on a small MedleyDB-layout
# corpus built from the repository's voice clips, matches a style and draws figures, and
# prints what each stage produced.
# Everything goes to out/demo/. Knobs (environment): DEMO_JOBS (fits side by side,
# default 2), DEMO_FIT_FLAGS (default: 100 steps on 3 s chunks), DEMO_MATCH_STEPS (vx-match's
# steps, default 50), VX_BIN (the tools'
# folder, default bin/).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
demo=out/demo
jobs=${DEMO_JOBS:-2}
fit_flags=${DEMO_FIT_FLAGS:---steps 100 --chunk 3 --overlap 1}
match_steps=${DEMO_MATCH_STEPS:-50}
start=$(date +%s)
VX_BIN=${VX_BIN:-$top/bin}
export VX_BIN PATH="$VX_BIN:$PATH"
for t in vx-render vx-pair vx-fit vx-select vx-gauss vx-pca vx-loss vx-match vx-plot; do
    [ -x "$VX_BIN/$t" ] || { echo "demo.sh: $VX_BIN/$t is missing: run make first" >&2; exit 1; }
done
rm -rf "$demo"
mkdir -p "$demo"

say() { printf '\n== %s\n' "$*"; }

say "1. A bundled voice through a shipped preset"
preset=LizNelson_Rainfall_STEM_01
echo "bin/vx-render -p presets/medleydb.ndjson -k $preset test/fixtures/voice.wav $demo/voice_rainfall.wav"
vx-render -q -p presets/medleydb.ndjson -k $preset test/fixtures/voice.wav "$demo/voice_rainfall.wav"
echo "wrote $demo/voice_rainfall.wav: the 4.3 s Apollo 11 voice with the EQ, compressor,"
echo "delay and reverb DiffVox retrieved from MedleyDB's $preset (play it with sox's play)"

say "2. A MedleyDB-layout corpus: 3 songs, 4 vocal pairs with known shifts"
sh pipelines/demo-corpus.sh "$demo/corpus"
for m in "$demo"/corpus/*/*_METADATA.yaml; do
    printf '%-20s %s\n' "$(basename "$(dirname "$m")")" "$(awk '
        /^instrumental:/ { inst = $2 }
        /^    instrument:/ { sub(/^    instrument: /, ""); s = s sep $0; sep = ", " }
        END { print "instrumental " inst "; stems: " s }' "$m")"
done

say "3. The pipeline: make -f pipelines/corpus.mk -j$jobs"
echo "make -f pipelines/corpus.mk -j$jobs CORPUS=$demo/corpus OUT=$demo/run FIT_FLAGS='$fit_flags'"
# A make of its own, not a part of the caller's (no inherited jobserver or flags).
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" --no-print-directory \
    -f pipelines/corpus.mk -j"$jobs" CORPUS="$demo/corpus" OUT="$demo/run" \
    FIT_FLAGS="$fit_flags" DATASET=demo all
run=$demo/run

tab=$(printf '\t')

say "4. What each stage produced"
echo "pairs (vx-pair): the alignment shift found, against the one applied when building the corpus"
jq -r '[.id, .shift] | @tsv' "$run/pairs.ndjson" | while IFS=$tab read -r id shift; do
    known=$(awk -F'\t' -v id="$id" '$1 == id { print $2 }' "$demo/corpus/known_shifts.tsv")
    [ "$shift" = "$known" ] && ok=exact || ok=WRONG
    printf '  %-46s %6s samples (applied %6s: %s)\n' "$id" "$shift" "$known" "$ok"
done
echo "fits (vx-fit): training loss at the start and the lowest, in $(jq -s '.[0].settings.steps' "$run"/fits/*.json) steps"
jq -r '[.id, .losses[0], .lowest_loss, .lowest_step] | @tsv' "$run"/fits/*.json |
    awk -F'\t' '{ printf "  %-46s %.3f -> %.3f (step %d, from 0)\n", $1, $2, $3, $4 }'
echo "presets (vx-select): $(grep -c . "$run/presets.ndjson") selected, $(grep -c . "$run/rejected.ndjson") rejected; a few of their values"
jq -r '[.track, .fx.peak2.gain_db, .fx.peak2.freq_hz, .fx.comp.cmp_th_db, .fx.delay.time_ms, .fx.send.gain] | @tsv' \
    "$run/presets.ndjson" |
    awk -F'\t' '{ printf "  %-26s peak2 %+5.1f dB at %5.0f Hz, compressor threshold %5.1f dB, delay %3.0f ms, send %.3f\n",
        $1, $2, $3, $4, $5, $6 }'
jq -r '"  rejected: \(.track) (\(.reason))"' "$run/rejected.ndjson"
jq -r '"gaussian (vx-gauss): n = \(.n) presets, mean and covariance of \(.mean | length) raw values"' \
    "$run/gaussian.json"
jq -r '"pca (vx-pca): explained variance " + ([.explained[] * 1000 | round / 10 | tostring + " %"]
    | join(", "))' "$run/pca.json"

# The presets that made the wet stems, on the pairs' files: what a perfect fit scores.
sh pipelines/demo-truth.sh "$demo/corpus" "$run/pairs.ndjson" > "$demo/true_presets.ndjson"
vx-loss -q --csv -o "$demo/true_scores.csv" --eval "$demo/true_presets.ndjson"
echo "scores (vx-loss --eval): whole tracks, total = mss_lr + 0.5 mss_ms + 0.5 mldr_lr + 0.25 mldr_ms"
printf '  %-30s %12s %12s %12s\n' track "fitted" "no effects" "true preset"
awk -F, 'FNR == 1 { file++; for (i = 1; i <= NF; i++) c[$i] = i; next }
    { s = $c["stem_id"]; t[file, s] = $c["mss_lr"] + 0.5 * $c["mss_ms"] + 0.5 * $c["mldr_lr"] + 0.25 * $c["mldr_ms"] }
    file == 1 { order[++n] = s }
    END { for (i = 1; i <= n; i++) { s = order[i]
            printf "  %-30s %12.3f %12.3f %12.3f\n", s, t[1, s], t[2, s], t[3, s] } }' \
    "$run/scores.csv" "$run/baseline.csv" "$demo/true_scores.csv"

say "5. Match a style (vx-match): the Houston take given the effects heard on another voice"
# The reference: a different recording (the bundled voice) through the preset that made the
# Houston stem; vx-match sees only the dry take and that reference, no pair, no alignment.
houston=$demo/corpus/Apollo_Houston/Apollo_Houston_RAW/Apollo_Houston_RAW_01_01.wav
vx-render -q -p "$demo/true_presets.ndjson" -k Apollo_Houston_STEM_01 test/fixtures/voice.wav \
    "$demo/reference.wav"
echo "vx-match -n $match_steps --chunk 2 $houston $demo/reference.wav > $demo/matched.json"
vx-match -q -n "$match_steps" --chunk 2 "$houston" "$demo/reference.wav" > "$demo/matched.json"
vx-match -q --method mean --chunk 2 "$houston" "$demo/reference.wav" > "$demo/prior_mean.json"
jq -r '.match | "  objective \(.losses[0] * 1000 | round / 1000) -> \(.objective * 1000 | round / 1000) in \(.steps) steps, \(.seconds * 10 | round / 10) s"' \
    "$demo/matched.json"
# Scored against the Houston stem itself, which vx-match never saw.
for m in matched prior_mean; do
    jq -c --slurpfile m "$demo/$m.json" 'select(.track == "Apollo_Houston_STEM_01") | del(.fx) | .raw = $m[0].raw' \
        "$demo/true_presets.ndjson"
done > "$demo/match_presets.ndjson"
vx-loss -q --csv --eval "$demo/match_presets.ndjson" |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { t = $c["mss_lr"] + 0.5 * $c["mss_ms"] + 0.5 * $c["mldr_lr"] + 0.25 * $c["mldr_ms"]
          printf "  total loss against the Houston stem: %-26s %.3f\n", NR == 2 ? "matched preset" : "the prior'"'"'s mean preset", t }'
echo "  (no effects: see the table above; the true preset: 0)"

say "6. Figures (vx-plot, gnuplot): $demo/figures/"
mkdir -p "$demo/figures"
vx-plot fit -o "$demo/figures/fits.svg" "$run"/fits/*.json
vx-plot response -o "$demo/figures/houston_presets.svg" "$demo/true_presets.ndjson" "$run/presets.ndjson" \
    "$demo/matched.json" -r 0
vx-plot space -g presets/internal-gaussian.json -o "$demo/figures/space.svg" presets/internal.ndjson \
    "$run/presets.ndjson" "$demo/matched.json"
echo "  fits.svg: the loss curves; houston_presets.svg: the true, fitted and matched presets'"
echo "  responses; space.svg: the fits and the match among the 365 internal presets"

say "7. Listen"
song=Apollo_Houston
vx-render -q -p "$run/presets.ndjson" -k ${song}_STEM_01 "$demo/corpus/$song/${song}_RAW/${song}_RAW_01_01.wav" \
    "$demo/fitted_${song}_STEM_01.wav"
echo "the target:       $demo/corpus/$song/${song}_STEMS/${song}_STEM_01.wav"
echo "the fit's render: $demo/fitted_${song}_STEM_01.wav (a short fit: DiffVox runs 2000 steps)"
echo "the report:       $run/summary.txt; every record: $run/"
echo "demo done in $(($(date +%s) - start)) s"
