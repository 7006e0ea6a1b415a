#!/usr/bin/env bats
# vx-plot as a user meets it: every kind draws a valid SVG, PNG or PDF; the numbers
# behind the figures are right (the EQ against the closed-form RBJ biquads, the reverb
# time against the FDN's decay values, the component scores against vx-pca project,
# histogram counts, the correlation summary against vx-pca spearman); gnuplot's
# complaints and bad usage fail with their exit status.
load helpers

setup() {
    cd "$BATS_TEST_TMPDIR"
    MDB="$TOP/presets/medleydb.ndjson"
    INT="$TOP/presets/internal.ndjson"
    IG="$TOP/presets/internal-gaussian.json"
}

valid_svg() { [ -s "$1" ] && xmllint --noout "$1"; }
valid_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
valid_pdf() { [ "$(head -c 5 "$1")" = "%PDF-" ]; }

@test "--help and --version" {
    run vx-plot --help
    assert_success
    assert_line --index 0 --partial "usage: vx-plot"
    run vx-plot response --version
    assert_success
    assert_output --regexp '^vx-plot \(vx\) [0-9]'
}

@test "every kind draws a valid SVG on standard output and a PNG and a PDF by extension" {
    head -n 2 "$MDB" > two.ndjson
    for kind in response fit space dist corr; do
        case $kind in
        response) args=(two.ndjson) ;;
        fit) args=("$FIX/select_fits.ndjson") ;;
        space) args=(-g "$IG" -m two.ndjson "$MDB") ;;
        dist) args=(--param delay.time_ms,dry.pan "$MDB" "$INT") ;;
        corr) args=("$MDB") ;;
        esac
        vx-plot $kind "${args[@]}" > $kind.svg || fail "$kind: svg"
        valid_svg $kind.svg || fail "$kind: not an SVG"
        vx-plot $kind "${args[@]}" -o $kind.png || fail "$kind: png"
        valid_png $kind.png || fail "$kind: not a PNG"
        vx-plot $kind "${args[@]}" -o $kind.PDF || fail "$kind: pdf"
        valid_pdf $kind.PDF || fail "$kind: not a PDF"
    done
    assert_no_leftovers .
}

# The closed-form RBJ cookbook response (spec/effects.md §4) of the six bands of a
# preset's fx object, in awk: frequency and gain (dB) per line, for the frequencies on
# standard input.
rbj_eq() {
    jq -r '.fx | [.peak1.gain_db, .peak1.freq_hz, .peak1.q, .peak2.gain_db, .peak2.freq_hz, .peak2.q,
        .low_shelf.gain_db, .low_shelf.freq_hz, .high_shelf.gain_db, .high_shelf.freq_hz,
        .low_pass.freq_hz, .low_pass.q, .high_pass.freq_hz, .high_pass.q] | @tsv' "$1" > bands.tsv
    awk -F '\t' -v fs=44100 '
        function mag2(b0, b1, b2, a0, a1, a2, w,   nr, ni, dr, di) {
            nr = b0 + b1 * cos(w) + b2 * cos(2 * w); ni = -(b1 * sin(w) + b2 * sin(2 * w))
            dr = a0 + a1 * cos(w) + a2 * cos(2 * w); di = -(a1 * sin(w) + a2 * sin(2 * w))
            return (nr * nr + ni * ni) / (dr * dr + di * di)
        }
        function design(kind, g, f0, q,   A, w0, al, cw, s) {
            A = exp(g / 40 * log(10)); w0 = 2 * pi * f0 / fs; al = sin(w0) / (2 * q); cw = cos(w0)
            s = 2 * sqrt(A) * al
            if (kind == "peak") { B0 = 1 + al * A; B1 = -2 * cw; B2 = 1 - al * A; A0 = 1 + al / A; A1 = -2 * cw; A2 = 1 - al / A }
            if (kind == "ls") { B0 = A * ((A + 1) - (A - 1) * cw + s); B1 = 2 * A * ((A - 1) - (A + 1) * cw)
                B2 = A * ((A + 1) - (A - 1) * cw - s); A0 = (A + 1) + (A - 1) * cw + s
                A1 = -2 * ((A - 1) + (A + 1) * cw); A2 = (A + 1) + (A - 1) * cw - s }
            if (kind == "hs") { B0 = A * ((A + 1) + (A - 1) * cw + s); B1 = -2 * A * ((A - 1) + (A + 1) * cw)
                B2 = A * ((A + 1) + (A - 1) * cw - s); A0 = (A + 1) - (A - 1) * cw + s
                A1 = 2 * ((A - 1) - (A + 1) * cw); A2 = (A + 1) - (A - 1) * cw - s }
            if (kind == "lp") { B0 = (1 - cw) / 2; B1 = 1 - cw; B2 = B0; A0 = 1 + al; A1 = -2 * cw; A2 = 1 - al }
            if (kind == "hp") { B0 = (1 + cw) / 2; B1 = -(1 + cw); B2 = B0; A0 = 1 + al; A1 = -2 * cw; A2 = 1 - al }
        }
        function band_db(kind, g, f0, q, f) {
            design(kind, g, f0, q)
            return 10 * log(mag2(B0, B1, B2, A0, A1, A2, 2 * pi * f / fs)) / log(10)
        }
        BEGIN { pi = atan2(0, -1); shelf_q = 0.70700001716613770 }
        FNR == NR { split($0, p, "\t"); next }
        { f = $1
          db = band_db("peak", p[1], p[2], p[3], f) + band_db("peak", p[4], p[5], p[6], f) \
             + band_db("ls", p[7], p[8], shelf_q, f) + band_db("hs", p[9], p[10], shelf_q, f) \
             + band_db("lp", 0, p[11], p[12], f) + band_db("hp", 0, p[13], p[14], f)
          printf "%.9g\t%.9g\n", f, db }' bands.tsv -
}

@test "response: MedleyDB preset 0's EQ is the analytic biquad cascade within 0.01 dB at 50 frequencies" {
    head -n 1 "$MDB" > p0.ndjson
    vx-plot response --data p0.ndjson > p0.tsv
    head -n 1 p0.tsv | grep -qx "$(printf 'record\tlabel\tcurve\tx\ty')"
    # every fourth of the 200 frequencies: 50 from 20 Hz to 20 kHz
    awk -F '\t' '$3 == "eq" && n++ % 4 == 0 { print $4 "\t" $5 }' p0.tsv > plotted.tsv
    [ "$(wc -l < plotted.tsv)" -eq 50 ]
    cut -f 1 plotted.tsv | rbj_eq p0.ndjson > analytic.tsv
    worst=$(paste plotted.tsv analytic.tsv | awk -F '\t' '{ d = $2 - $4; d = d < 0 ? -d : d; if (d > m) m = d } END { print m + 0 }')
    below "$worst" 0.01 || fail "largest EQ difference $worst dB"
    # and the curve is not flat: the check has something to compare
    span=$(awk -F '\t' '{ if (NR == 1 || $2 < lo) lo = $2; if (NR == 1 || $2 > hi) hi = $2 } END { print hi - lo }' plotted.tsv)
    below 20 "$span"
}

@test "response: the T60 curve equals the FDN's decay values at their 49 frequencies" {
    sed -n 6p "$MDB" > p5.ndjson
    vx-plot response --data p5.ndjson | awk -F '\t' '$3 == "fdn.t60" && n++ % 8 == 0 { print $4 "\t" $5 }' > t60.tsv
    [ "$(wc -l < t60.tsv)" -eq 49 ]
    jq -r '.fx.fdn.gamma[]' p5.ndjson > gamma.txt
    worst=$(paste t60.tsv gamma.txt | awk -F '\t' '{
        f = NR - 1; if (($1 - f * 44100 / 96) ^ 2 > 1e-6) { print "frequency " $1; exit }
        t = -3 * 997 / (44100 * log($3) / log(10)); d = ($2 - t) / t; d = d < 0 ? -d : d
        if (d > m) m = d } END { print m + 0 }')
    below "$worst" 1e-6 || fail "T60 deviation: $worst"
}

@test "response: compressor thresholds, echoes and their count follow the preset" {
    head -n 1 "$MDB" > p0.ndjson
    vx-plot response --data p0.ndjson > p0.tsv
    th=$(jq -r '.fx.comp.cmp_th_db' p0.ndjson)
    run awk -F '\t' -v th="$th" '$3 == "comp.cmp_th" { d = $4 - th; print (d * d < 1e-12) }' p0.tsv
    assert_output 1
    # below the expander threshold and above the compressor's the slopes are 1/ER and 1/CR
    er=$(jq -r '.fx.comp.exp_ratio' p0.ndjson); cr=$(jq -r '.fx.comp.cmp_ratio' p0.ndjson)
    run awk -F '\t' -v er="$er" -v cr="$cr" 'BEGIN { n = 0 } $3 == "comp" { x[n] = $4; y[n++] = $5 }
        END { s_lo = (y[1] - y[0]) / (x[1] - x[0]); s_hi = (y[n-1] - y[n-2]) / (x[n-1] - x[n-2])
              print ((s_lo - 1 / er) ^ 2 < 1e-12 && (s_hi - 1 / cr) ^ 2 < 1e-12) }' p0.tsv
    assert_output 1
    # 262.7 ms = 11587.2 samples: N = floor(176400 / 11588) = 15 echoes
    run awk -F '\t' '$3 == "delay.left" { n++ } END { print n }' p0.tsv
    assert_output 15
}

@test "space: the plotted coordinates are vx-pca's projection, whitened or not" {
    vx-plot space --data -g "$IG" --pc 2,3 "$MDB" > s.tsv
    awk -F '\t' '$3 == "point" { print $5 "\t" $6 }' s.tsv > plotted.tsv
    vx-pca project -g "$IG" -k 3 "$MDB" | jq -r '.scores | "\(.[1])\t\(.[2])"' > projected.tsv
    [ "$(wc -l < plotted.tsv)" -eq 70 ]
    worst=$(paste plotted.tsv projected.tsv | awk '{ for (i = 1; i <= 2; i++) { d = $i - $(i + 2); d = d < 0 ? -d : d; if (d > m) m = d } } END { print m + 0 }')
    below "$worst" 1e-7 || fail "score difference $worst"
    # unwhitened: scaled by the square root of the eigenvalue
    e2=$(vx-pca -k 2 "$IG" | jq '.eigenvalues[1]')
    vx-plot space --data --unwhitened -g "$IG" --pc 2,3 "$MDB" | awk -F '\t' '$3 == "point" { print $5 }' > raw.tsv
    worst=$(paste raw.tsv plotted.tsv | awk -v e="$e2" '{ d = $1 - $2 * sqrt(e); d = d < 0 ? -d : d; if (d > m) m = d } END { print m + 0 }')
    below "$worst" 1e-6 || fail "unwhitened difference $worst"
    # each set's marginal histogram holds the whole set
    run awk -F '\t' '$3 == "hist_a" { s += $6 } END { printf "%.6f\n", s }' s.tsv
    assert_output 1.000000
}

@test "dist: bins count every preset, -t drops the 20 Internal presets outside training" {
    vx-plot dist --data -t --bins 12 --param fx.delay.time_ms,fdn.gamma[3] "$MDB" "$INT" > d.tsv
    run awk -F '\t' 'NR > 1 { n[$1 "/" $3] += $6 } END { for (k in n) print k, n[k] }' d.tsv
    assert_line "0/delay.time_ms 70"
    assert_line "1/delay.time_ms 365"
    assert_line "1/fdn.gamma[3] 365"
    [ "$(awk -F '\t' '$1 == 0 && $3 == "delay.time_ms"' d.tsv | wc -l)" -eq 12 ]
    # the MedleyDB cluster at the initial 400 ms (paper Fig. 4)
    run awk -F '\t' '$1 == 0 && $3 == "delay.time_ms" && $4 <= 400 && $5 > 400 { print ($7 > 0.3) }' d.tsv
    assert_output 1
}

@test "corr: the matrix is vx-pca spearman --groups, and the paper's Internal values" {
    vx-plot corr --data -t "$INT" > c.tsv
    vx-pca spearman --groups -t "$INT" | jq -r '.mean_abs_rho | to_entries[] | .key as $i | .value | to_entries[] | select(.value != null) | "\($i)\t\(.key)\t\(.value)"' > ref.tsv
    [ "$(wc -l < ref.tsv)" -eq 99 ]
    worst=$(tail -n +2 c.tsv | cut -f 1,2,5 | paste - ref.tsv | awk '{ if ($1 != $4 || $2 != $5) { print "order"; exit } d = $3 - $6; d = d < 0 ? -d : d; if (d > m) m = d } END { print m + 0 }')
    below "$worst" 1e-8 || fail "difference $worst"
    run awk -F '\t' '$3 == "PK2" && $4 == "HS" { printf "%.3f\n", $5 }' c.tsv
    assert_output 0.222
}

@test "fit: the loss curve and its lowest step" {
    vx-plot fit --data "$FIX/select_fits.ndjson" > f.tsv
    run awk -F '\t' '$3 == "lowest" { print $1, $4 }' f.tsv
    assert_output "0 10
1 10
2 1
3 3
4 10"
    jq -r '.losses[]' "$FIX/select_fits.ndjson" > losses.txt
    diff <(awk -F '\t' '$3 == "total" { printf "%.6g\n", $5 }' f.tsv) <(awk '{ printf "%.6g\n", $1 }' losses.txt)
}

@test "any word from gnuplot on its standard error fails the figure, leaving no file" {
    mkdir fake
    printf '#!/bin/sh\ncat > /dev/null\necho "warning: empty y range" >&2\necho "<svg/>"\n' > fake/gnuplot
    chmod +x fake/gnuplot
    head -n 1 "$MDB" > p0.ndjson
    PATH="$PWD/fake:$PATH" run vx-plot response p0.ndjson -o out.svg
    assert_failure 1
    assert_output --partial "vx-plot: gnuplot: warning: empty y range"
    [ ! -e out.svg ]
    assert_no_leftovers .
    printf '#!/bin/sh\ncat > /dev/null\nexit 3\n' > fake/gnuplot
    PATH="$PWD/fake:$PATH" run vx-plot response p0.ndjson -o out.png
    assert_failure 1
    assert_output --partial "gnuplot: exited with status 3"
    [ ! -e out.png ]
}

@test "bad usage exits 2, bad records exit 1, each with a message" {
    head -n 1 "$MDB" > p0.ndjson
    run vx-plot histogram p0.ndjson
    assert_failure 2
    assert_output --partial "unknown kind 'histogram'"
    run vx-plot
    assert_failure 2
    run vx-plot dist --param delay.time,dry.pan p0.ndjson
    assert_failure 2
    assert_output --partial "unknown parameter 'delay.time'"
    run vx-plot dist --param 'fdn.gamma[49]' p0.ndjson
    assert_failure 2
    assert_output --partial "index out of range"
    run vx-plot dist p0.ndjson
    assert_failure 2
    assert_output --partial "needs the parameters"
    run vx-plot response -o figure.gif p0.ndjson
    assert_failure 2
    assert_output --partial ".svg, .png or .pdf"
    run vx-plot response --pc 1,2 p0.ndjson
    assert_failure 2
    assert_output --partial "--pc does not apply to response"
    run vx-plot space p0.ndjson
    assert_failure 2
    assert_output --partial "-g FILE"
    run vx-plot space -g "$IG" --pc 1,131 p0.ndjson
    assert_failure 2
    # a gaussian record where presets belong, a preset where a fit belongs
    run vx-plot response "$IG"
    assert_failure 1
    assert_output --partial "vx-plot: $IG:1:"
    run vx-plot fit p0.ndjson
    assert_failure 1
    assert_output --partial "p0.ndjson:1: a preset record, not a fit record"
    run vx-plot space -g "$TOP/presets/medleydb-gaussian.json" --pc 1,70 p0.ndjson
    assert_failure 1
    assert_output --partial "69 usable components"
    assert_no_leftovers .
}
