#!/usr/bin/env bats
# vx-pca as a user meets it: the published eigenvalues, whitened scores, samples and
# traversals that other tools read, the paper's correlation and normality figures, the
# prior density, and bad usage and bad data with their exit status and message.
load helpers

setup() {
    cd "$BATS_TEST_TMPDIR"
    MDB="$TOP/presets/medleydb.ndjson"
    INT="$TOP/presets/internal.ndjson"
}

# max_k |a_k - b_k| / |b_k| over the golden's ten eigenvalues
eig_dev() {
    jq -n --slurpfile p "$1" --slurpfile g "$2" \
        '[range(0; 10) | (($p[0].eigenvalues[.] - $g[0].eigenvalues_top10[.]) / $g[0].eigenvalues_top10[.]) | fabs] | max'
}

@test "--help and --version" {
    run vx-pca --help
    assert_success
    assert_line --index 0 --partial "usage: vx-pca"
    assert_output --partial "royston"
    run vx-pca sample --version
    assert_success
    assert_output --regexp '^vx-pca \(vx\) [0-9]'
}

@test "leading eigenvalues of the fitted Gaussians match the published ones" {
    for set in medleydb internal; do
        case $set in medleydb) vx-gauss "$MDB" > g.json ;; internal) vx-gauss --train "$INT" > g.json ;; esac
        vx-pca -k 10 g.json > p.json
        dev=$(eig_dev p.json "$FIX/gauss_golden_$set.json")
        awk -v d="$dev" 'BEGIN { exit !(d < 1e-6) }' || fail "$set: eigenvalue deviation $dev"
        # the published covariance itself: the same solver result to rounding
        vx-pca -k 10 "$FIX/gauss_golden_$set.json" > p.json
        dev=$(eig_dev p.json "$FIX/gauss_golden_$set.json")
        awk -v d="$dev" 'BEGIN { exit !(d < 1e-12) }' || fail "$set golden: deviation $dev"
    done
}

@test "the pca record: descending eigenvalues, ratios, orthonormal components" {
    vx-gauss --train "$INT" | vx-pca > p.json
    run jq -c '[.type, .dataset, .n, .dim, .rank, (.eigenvalues | length), (.components | length), (.names | length), (.mean | length), (.mask | length)]' p.json
    assert_output '["pca","internal",365,130,130,130,130,130,130,151]'
    jq -e '[.eigenvalues as $e | range(1; 130) | $e[. - 1] >= $e[.]] | all' p.json
    jq -e '(.cumulative[129] - 1 | fabs) < 1e-12 and ([.explained[]] | add - 1 | fabs) < 1e-12' p.json
    jq -e '[.components as $u | range(0; 5) as $i | range(0; 5) as $j |
            ([range(0; 130) | $u[$i][.] * $u[$j][.]] | add) - (if $i == $j then 1 else 0 end) | fabs < 1e-12] | all' p.json
    # the paper's explained variance of the internal PCs 1-5 (spec §7.3), in %
    run jq -c '[.explained[0:5][] * 10000 | round / 100]' p.json
    assert_output '[13.86,9.72,8.22,7.18,6.37]'
}

@test "MedleyDB's 70 presets give 69 usable components" {
    vx-gauss "$MDB" | vx-pca > p.json
    run jq -c '[.rank, (.eigenvalues | length)]' p.json
    assert_output '[69,69]'
    run jq -c '[.explained[0:5][] * 10000 | round / 100]' p.json
    assert_output '[20,13.32,8.04,7.07,5.96]'
}

@test "project: whitened scores of the fitted presets have mean 0 and variance 1" {
    vx-gauss "$MDB" > g.json
    vx-pca project -g g.json -k 3 "$MDB" > s.ndjson
    [ "$(wc -l < s.ndjson)" = 70 ]
    jq -e -s '[range(0; 3) as $k | [.[].scores[$k]] | (add / length) as $m |
               ($m | fabs) < 1e-9 and ((map((. - $m) * (. - $m)) | add) / (length - 1) - 1 | fabs) < 1e-9] | all' s.ndjson
    # source fields kept, raw and fx dropped, type first
    run sed -n 1p s.ndjson
    assert_output --regexp '^\{"type":"projection","dataset":"medleydb","index":0,"track":'
    jq -e -s 'map(has("raw") or has("fx")) | any | not' s.ndjson
}

@test "project: selection options and -k beyond the usable components" {
    vx-gauss "$MDB" > g.json
    run vx-pca project -g g.json -k 2 --rows 3,5 "$MDB"
    assert_success
    run jq -s -c 'map(.index)' <<< "$output"
    assert_output '[3,5]'
    run vx-pca project -g g.json -k 70 "$MDB"
    assert_failure 1
    assert_output "vx-pca: g.json: -k 70: the Gaussian has only 69 usable components"
}

@test "sample: seeded presets that other tools read" {
    vx-gauss --train "$INT" > g.json
    vx-pca sample -n 3 --seed 11 g.json > a.ndjson
    vx-pca sample -n 3 --seed 11 g.json > b.ndjson
    vx-pca sample -n 3 --seed 12 g.json > c.ndjson
    cmp a.ndjson b.ndjson
    ! cmp -s a.ndjson c.ndjson
    run jq -c '[.type, .dataset, .sample, .seed, (.raw | length), (.fx | type)]' a.ndjson
    assert_line --index 2 '["preset","internal",2,11,151,"object"]'
    # W's lower triangle and diagonal are zero (modules/utils.vec2statedict)
    jq -e '[.raw[104], .raw[110], .raw[111], .raw[139]] == [0, 0, 0, 0]' a.ndjson
    vx-gauss a.ndjson > /dev/null
    run vx-pca sample -n 0 g.json
    assert_success
    assert_output ''
}

@test "sample: 2000 draws refit to the Gaussian within sampling error" {
    vx-gauss --train "$INT" > g.json
    vx-pca sample -n 2000 --seed 3 g.json | vx-gauss > s.json
    # every mean within 5 standard errors sqrt(var / N); every variance within 5 of
    # its standard error var sqrt(2 / (N - 1))
    jq -n -e --slurpfile g g.json --slurpfile s s.json '
        [range(0; 130) | . as $i | $g[0].cov[$i][$i] as $v |
         (($s[0].mean[$i] - $g[0].mean[$i]) | fabs) < 5 * ($v / 2000 | sqrt) and
         (($s[0].cov[$i][$i] - $v) | fabs) < 5 * $v * (2 / 1999 | sqrt)] | all'
}

@test "traverse: mu + s sqrt(e_k) u_k, symmetric about the mean" {
    vx-gauss "$MDB" > g.json
    vx-pca traverse -c 2 -s -1,0,1 g.json > t.ndjson
    run jq -c '[.component, .sigma]' t.ndjson
    assert_output $'[2,-1]\n[2,0]\n[2,1]'
    # the middle preset is the mean; the ends average to it
    jq -e -s --slurpfile g g.json '
        [.[].raw] as $r | ($g[0].mask | [range(0; 151) as $i | select(.[$i]) | $i]) as $kept |
        [range(0; 130) as $j | $kept[$j] as $i |
         (($r[1][$i] - $g[0].mean[$j]) | fabs) < 1e-12 and
         ((($r[0][$i] + $r[2][$i]) / 2 - $r[1][$i]) | fabs) < 1e-9] | all' t.ndjson
    [ "$(vx-pca traverse g.json | wc -l)" = 5 ]
    run vx-pca traverse -c 70 g.json
    assert_failure 1
    assert_output "vx-pca: g.json: -c 70: the Gaussian has only 69 usable components"
}

@test "spearman: the paper's effect-wise summary and pairwise values (spec §7.2)" {
    vx-pca spearman --groups --train "$INT" > s.json
    run jq -c '[.type, .n, .groups[0], .groups[9]]' s.json
    assert_output '["spearman_groups",365,"PK1","SEND"]'
    run jq -c '.mean_abs_rho | [.[0][0], .[1][3], .[2][5], .[7][9], .[8][8]] | map(. * 1000 | round / 1000)' s.json
    assert_output '[0.144,0.222,0.198,0.151,0.138]'
    jq -e '.mean_abs_rho[9][9] == null' s.json
    vx-pca spearman --train "$INT" > r.json
    run jq -c '[.names[12], .names[7]]' r.json
    assert_output '["high_pass.freq_hz","low_shelf.freq_hz"]'
    run jq -c '[.rho[12][7], .rho[24][25], .rho[24][26], .rho[3][8]] | map(. * 1000 | round / 1000)' r.json
    assert_output '[0.398,-0.582,-0.514,0.26]'
    run vx-pca spearman "$MDB"
    run jq -c '[.rho[12][7], .rho[3][8]] | map(. * 1000 | round / 1000)' <<< "$output"
    assert_output '[0.488,0.494]'
}

@test "royston: the paper's test on 74 whitened internal PCs (spec §7.4)" {
    vx-pca royston -p 74 --train "$INT" > r.json
    run jq -c '[.type, .n, .p, .e, ([.w_pvalue[] | select(. < 0.05)] | length)]' r.json
    assert_output '["royston",365,74,74,26]'
    # H = 317.19 recomputed from the original; p-value far below any threshold
    jq -e '((.h - 317.19) / 317.19 | fabs) < 1e-3 and .pvalue < 1e-20' r.json
    # whitening with the published Gaussian instead of the presets' own: the same test
    vx-pca royston -p 74 -g "$FIX/gauss_golden_internal.json" --train "$INT" > g.json
    jq -e --slurpfile r r.json '((.h - $r[0].h) | fabs) < 0.01' g.json
}

@test "logpdf: the prior density of §8.2" {
    vx-gauss --train "$INT" > g.json
    vx-pca traverse -s 0 g.json > mu.ndjson
    run vx-pca logpdf -g g.json mu.ndjson
    assert_success
    # log p(mu) = -(ln det Sigma + 130 ln 2 pi) / 2 = -78.74 for Internal
    jq -e '.type == "logpdf" and .d2 < 1e-18 and ((.logpdf + 78.7353) | fabs) < 1e-3' <<< "$output"
    vx-pca logpdf -g g.json -r 0-4 "$INT" > l.ndjson
    [ "$(wc -l < l.ndjson)" = 5 ]
    jq -e '.logpdf < -78.7353 and .d2 > 0 and ((.logpdf + 78.7353 + .d2 / 2) | fabs) < 1e-3' l.ndjson
    vx-gauss "$MDB" > m.json
    run vx-pca logpdf -g m.json "$MDB"
    assert_failure 1
    assert_output --partial "vx-pca: m.json: the covariance is not positive definite"
}

@test "-o writes whole files; bad data leaves none" {
    vx-gauss "$MDB" > g.json
    vx-pca -o p.json g.json
    jq -e '.type == "pca"' p.json
    head -n 2 "$MDB" > set.ndjson
    sed -n 3p "$MDB" | jq -c '.raw[9] = null' >> set.ndjson
    run vx-pca project -g g.json -o s.ndjson set.ndjson
    assert_failure 1
    assert_output "vx-pca: set.ndjson:3: raw[9] (fx.high_shelf.freq_hz) must be a number, got null"
    [ ! -e s.ndjson ]
    assert_no_leftovers .
}

@test "bad gaussian records are refused with the file and the field" {
    vx-gauss "$MDB" > g.json
    jq -c '.mean |= .[1:]' g.json > bad.json
    run vx-pca bad.json
    assert_failure 1
    assert_output "vx-pca: bad.json: mean has 129 values, expected 130"
    jq -c '.cov[3][4] = 1e3' g.json > bad.json
    run vx-pca sample bad.json
    assert_failure 1
    assert_output --partial "vx-pca: bad.json: cov is not symmetric"
    head -n 1 "$MDB" > bad.json
    run vx-pca bad.json
    assert_failure 1
    assert_output "vx-pca: bad.json: not a gaussian record (type preset)"
    printf '{"type":"gaussian",' > bad.json
    run vx-pca bad.json
    assert_failure 1
    assert_output "vx-pca: bad.json: not a single JSON document"
}

@test "too few presets for spearman and royston" {
    head -n 1 "$MDB" > one.ndjson
    run vx-pca spearman one.ndjson
    assert_failure 1
    assert_output "vx-pca: one.ndjson: 1 preset selected; spearman needs at least 2"
    head -n 3 "$MDB" > three.ndjson
    run vx-pca royston three.ndjson
    assert_failure 1
    assert_output "vx-pca: three.ndjson: 3 presets selected; royston needs at least 4"
}

@test "usage errors exit 2" {
    vx-gauss "$MDB" > g.json
    run vx-pca project "$MDB"
    assert_failure 2
    assert_line --index 0 "vx-pca: project needs the gaussian record: -g FILE"
    run vx-pca project -g g.json -n 3 "$MDB"
    assert_failure 2
    assert_line --index 0 "vx-pca: --count does not apply to mode project"
    run vx-pca -n 3 g.json
    assert_failure 2
    assert_line --index 0 "vx-pca: --count does not apply to the pca record"
    run vx-pca traverse -s 1,,2 g.json
    assert_failure 2
    assert_line --index 0 --partial "--sigmas: '1,,2' is not a list of numbers"
    run vx-pca -k 0 g.json
    assert_failure 2
    run vx-pca logpdf -g - < "$MDB"
    assert_failure 2
    assert_line --index 0 "vx-pca: the gaussian and the presets cannot both come from standard input"
    run vx-pca sample g.json g.json
    assert_failure 2
    assert_line --index 1 --partial "usage: vx-pca"
}

@test "nearest: the closest presets in the Mahalanobis distance logpdf measures, nearest first" {
    sed -n 5p "$MDB" > q.ndjson
    vx-pca nearest -n 5 --set "$INT" -t q.ndjson < "$TOP/presets/internal-gaussian.json" > near.ndjson
    [ "$(wc -l < near.ndjson)" -eq 5 ]
    run jq -r '[.type, .rank, .query] | @tsv' near.ndjson
    assert_line --index 0 "$(printf 'nearest\t1\tBrandonWebster_DontHearAThing_STEM_02')"
    jq -e -s '[.[].distance] | . == sort and .[0] > 0' near.ndjson
    # every distance is sqrt(d2) of logpdf with the Gaussian's mean moved to that preset
    # (a Cholesky solve, independent of the eigenvectors nearest uses); all are training presets
    for i in 0 4; do
        idx=$(jq -s ".[$i].index" near.ndjson)
        jq -c --argjson k "$idx" 'select(.index == $k)' "$INT" > p.ndjson
        jq -e '.train' p.ndjson
        jq -c --slurpfile p p.ndjson '.mask as $m | .mean = [range(151) | select($m[.]) | $p[0].raw[.]]' \
            "$TOP/presets/internal-gaussian.json" > moved.json
        ref=$(vx-pca logpdf -g moved.json q.ndjson | jq '.d2 | sqrt')
        got=$(jq -s ".[$i].distance" near.ndjson)
        awk -v a="$got" -v b="$ref" 'BEGIN { d = (a - b) / b; exit !(d * d < 1e-18) }' || fail "rank $i: $got, logpdf: $ref"
    done
    # no training preset outside the five is nearer than the fifth
    far=$(jq -s '.[4].distance' near.ndjson)
    n=$(vx-pca nearest -n 400 --set "$INT" -t q.ndjson < "$TOP/presets/internal-gaussian.json" | jq -s --argjson f "$far" '[.[] | select(.distance <= $f)] | length')
    [ "$n" -eq 5 ]
}

@test "nearest: a preset of the set is its own nearest, at distance 0, with the MedleyDB Gaussian too" {
    sed -n 3p "$MDB" > q.ndjson
    run sh -c "vx-pca nearest -n 2 -g '$TOP/presets/medleydb-gaussian.json' --set '$MDB' < q.ndjson | jq -c '[.rank, .index, .distance]'"
    assert_success
    assert_line --index 0 "[1,2,0]"
    [ "${#lines[@]}" -eq 2 ]
}

@test "nearest: its inputs and count are checked" {
    sed -n 1p "$MDB" > q.ndjson
    run vx-pca nearest q.ndjson < "$TOP/presets/internal-gaussian.json"
    assert_failure 2
    assert_output --partial "--set FILE"
    run vx-pca nearest --set "$MDB" < q.ndjson
    assert_failure 2
    assert_output --partial "only one of the gaussian"
    run vx-pca nearest -n 0 --set "$MDB" q.ndjson < "$TOP/presets/internal-gaussian.json"
    assert_failure 2
    run vx-pca nearest --set "$MDB" --seed 3 q.ndjson < "$TOP/presets/internal-gaussian.json"
    assert_failure 2
    assert_output --partial "--seed does not apply to mode nearest"
    run vx-pca nearest --set "$MDB" -r 80 q.ndjson < "$TOP/presets/internal-gaussian.json"
    assert_failure 1
    assert_output --partial "past the last record"
}

@test "a gaussian whose covariance is not positive semi-definite, or whose values leave the raw limits" {
    G="$TOP/presets/medleydb-gaussian.json"
    jq -c '.cov[0][1] = 100 * (.cov[0][0] * .cov[1][1] | sqrt) | .cov[1][0] = .cov[0][1]' "$G" > bad.json
    run vx-pca sample bad.json
    assert_failure 1
    assert_output --regexp '^vx-pca: bad\.json: cov is not positive semi-definite: eigenvalue -[0-9.]+ \(largest [0-9.]+\)$'
    jq -c '.cov[0][0] = 1e300' "$G" > bad.json
    run vx-pca bad.json
    assert_failure 1
    assert_output 'vx-pca: bad.json: cov[0][0] (raw[0]) is a variance of at most 3600, got 1e+300'
    jq -c '.mean[1] = -40' "$G" > bad.json
    run vx-pca traverse bad.json
    assert_failure 1
    assert_output 'vx-pca: bad.json: mean[1] (raw[1]) must be in [-30, 30], got -40'
    jq -c '.n = 1e300' "$G" > bad.json
    run vx-pca bad.json
    assert_failure 1
    assert_output 'vx-pca: bad.json: n must be a count of presets, got 1e+300'
    jq -c '.mask |= .[1:]' "$G" > bad.json
    run vx-pca bad.json
    assert_failure 1
    assert_output 'vx-pca: bad.json: mask must be an array of 151 booleans'
    jq '.' "$G" | sed '0,/"mean":/s//"mean": [], "mean":/' > bad.json
    run vx-pca bad.json
    assert_failure 1
    assert_output 'vx-pca: bad.json: duplicate key mean (each key may appear once)'
    # the published Gaussians pass (MedleyDB's is singular, n = 70 < 130)
    vx-pca "$G" > /dev/null
    vx-pca "$TOP/presets/internal-gaussian.json" > /dev/null
}

@test "project reads presets strictly; --fx-defaults fills missing fx fields" {
    vx-gauss "$MDB" > g.json
    sed -n 1p "$MDB" | jq -c 'del(.raw) | del(.fx.dry)' > p.ndjson
    run vx-pca project -g g.json p.ndjson
    assert_failure 1
    assert_output --partial 'vx-pca: p.ndjson:1: fx.dry.pan is missing'
    vx-pca project --fx-defaults -g g.json p.ndjson > s.ndjson
    run vx-pca --fx-defaults g.json
    assert_failure 2
}
