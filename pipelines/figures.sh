#!/bin/sh
# `make figures`: the DiffVox paper's figures that the shipped preset sets allow (Fig. 4
# histograms, Fig. 5 |rho| matrix, Fig. 6 the sets on Internal's principal components,
# Fig. 3/7 the first four components rendered, compressor curves included) and the
# response of a few shipped presets, drawn by vx-plot into out/figures/. Knobs
# (environment): VX_BIN (the tools' folder, default bin/), FIGURES (the output folder),
# FIGURE_FORMAT (png, svg or pdf; default png).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${FIGURES:-out/figures}
ext=${FIGURE_FORMAT:-png}
VX_BIN=${VX_BIN:-$top/bin}
export PATH="$VX_BIN:$PATH"
for t in vx-plot vx-pca; do
    [ -x "$VX_BIN/$t" ] || { echo "figures.sh: $VX_BIN/$t is missing: run make first" >&2; exit 1; }
done
mkdir -p "$out"
int=presets/internal.ndjson mdb=presets/medleydb.ndjson ig=presets/internal-gaussian.json
start=$(date +%s)
notes=""
made() { notes="$notes$1	$2
"; }

# Fig. 4: the parameters the paper shows, Internal's 365 training presets against MedleyDB's 70
vx-plot dist -t --param dry.pan,send.gain,delay.feedback,delay.gain,delay.time_ms \
    "$int" "$mdb" -o "$out/fig4-distributions.$ext"
made fig4-distributions "histograms of dry pan, send, delay feedback, gain and time: Internal vs MedleyDB (dashed: initial value; MedleyDB's delay times cluster at the initial 400 ms)"

# Fig. 5: effect-wise mean |rho| over Internal's training presets (no dendrogram)
vx-plot corr -t "$int" -o "$out/fig5-correlations.$ext"
made fig5-correlations "mean |Spearman rho| within and between the ten effect groups, Internal (365): HP-LS and PK2-HS stand out"

# Fig. 6: both sets on Internal's whitened PC1/PC2 with marginal histograms
vx-plot space -g "$ig" -t "$int" "$mdb" -o "$out/fig6-pca-space.$ext"
made fig6-pca-space "Internal (365) and MedleyDB (70) presets on Internal's whitened PC1/PC2, marginal histograms"

# Fig. 3 and 7: mu and mu +- 1, 3 sigma along PCs 1-4 of Internal through the chain (EQ,
# compressor curves, delay, FDN T60 and EQ)
for c in 1 2 3 4; do
    vx-pca traverse -c $c -s -3,-1,0,1,3 "$ig" |
        jq -c '.track = "PC\(.component) \(if .sigma > 0 then "+" else "" end)\(.sigma) sigma"' |
        vx-plot response -o "$out/fig3-7-pc$c.$ext"
    made "fig3-7-pc$c" "Internal's PC$c at -3, -1, 0, +1, +3 sigma: EQ, compressor/expander curve, delay echoes and low-pass, FDN T60 and EQ"
done

# what three shipped presets do
vx-plot response -r 0,5 "$mdb" -o "$out/response-medleydb-0-5.$ext"
made response-medleydb-0-5 "MedleyDB presets 0 and 5 (AClassicEducation_NightOwl_STEM_08, BrandonWebster_DontHearAThing_STEM_01) overlaid"
vx-plot response -r 11 "$int" -o "$out/response-internal-11.$ext"
made response-internal-11 "Internal preset 11, whose delay loop gain is 1.22 (feedback times the low-pass peak; spec 6d)"

echo "figures in $out/ ($(( $(date +%s) - start )) s):"
printf '%s' "$notes" | while IFS='	' read -r name what; do
    printf '  %-24s %s\n' "$name.$ext" "$what"
done
