#!/bin/sh
# The short text report of a corpus.mk run: counts, mean losses and scores, the Gaussian's
# size and the leading explained variances. usage: sh summary.sh OUT FIT_FILE...
set -eu
out=$1
shift

songs=$(grep -c '^/' "$out/songs.txt")
pairs=$(grep -c . "$out/pairs.ndjson" || true)
echo "songs     $songs song folders, $pairs pairs"

if [ $# -gt 0 ]; then
    jq -s -r '"fits      \(length) fits, \(map(.losses | length) | add) steps; lowest loss mean "
        + "\(map(.lowest_loss) | add / length * 1000 | round / 1000), "
        + "range \(map(.lowest_loss) | min * 1000 | round / 1000) to "
        + "\(map(.lowest_loss) | max * 1000 | round / 1000); "
        + "\(map(select(.terminated_by != null)) | length) terminated"' "$@"
else
    echo "fits      none"
fi

kept=$(grep -c . "$out/presets.ndjson" || true)
jq -s -r --argjson kept "$kept" '"presets   \($kept) selected, \(length) rejected"
    + (if length > 0 then " (" + (group_by(.reason) | map("\(length) \(.[0].reason)")
    | join(", ")) + ")" else "" end)' "$out/rejected.ndjson"

# Means of the loss columns of a scores CSV (by header name) and of DiffVox's weighted
# total, 1 mss_lr + 0.5 mss_ms + 0.5 mldr_lr + 0.25 mldr_ms. usage: means LABEL FILE
means() {
    awk -F, -v label="$1" '
        BEGIN { w["mss_lr"] = 1; w["mss_ms"] = 0.5; w["mldr_lr"] = 0.5; w["mldr_ms"] = 0.25 }
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        { n++; for (k in w) s[k] += $col[k] }
        END { if (!n) { printf "%-9s none\n", label; exit }
              t = 0; for (k in w) t += w[k] * s[k] / n
              printf "%-9s %d tracks; mean mss_lr %.3f, mss_ms %.3f, mldr_lr %.3f, mldr_ms %.3f, total %.3f\n",
                  label, n, s["mss_lr"] / n, s["mss_ms"] / n, s["mldr_lr"] / n, s["mldr_ms"] / n, t }' "$2"
}
means scores "$out/scores.csv"
means baseline "$out/baseline.csv"

jq -r '"gaussian  n = \(.n) presets, \(.mean | length) dimensions"' "$out/gaussian.json"
jq -r '"pca       explained variance: "
    + ([.explained[:5][] * 1000 | round / 10 | tostring + " %"] | join(", "))
    + " (first \([.explained | length, 5] | min) of \(.explained | length) components; "
    + "together \(.explained[:5] | add * 1000 | round / 10) %)"' "$out/pca.json"
