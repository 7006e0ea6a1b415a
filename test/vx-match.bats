#!/usr/bin/env bats
# vx-match: style transfer by inference-time optimisation with the Gaussian prior, its
# baselines, the paper's evaluation protocol, and bad input.
load helpers
bats_require_minimum_version 1.5.0

setup() {
    cd "$BATS_TEST_TMPDIR"
    # a dry vocal and a *different* processed one: the 4.3 s voice, the 14 s speech through
    # MedleyDB preset 5; 1 s chunks keep each step short
    cp "$FIX/voice.wav" dry.wav
    cp "$FIX/fit_target_medleydb5_14s.wav" ref.wav
}

teardown() { kill_leftover_jobs; }

@test "a short match writes a preset record vx-render takes, with its match object" {
    run vx-match -q -n 4 --chunk 1 dry.wav ref.wav
    assert_success
    printf '%s\n' "$output" > m.json
    jq -e '.type == "preset" and (.raw | length) == 151 and .dry == "dry.wav" and
           .reference == "ref.wav" and
           .match.method == "ito" and .match.encoder == "mfcc" and .match.alpha == 0.01 and
           .match.steps == 4 and .match.lr == 0.01 and (.match.losses | length) == 4 and
           .match.references == 14 and .match.queries == 4 and .match.batch == 2 and
           (.match.prior | endswith("presets/internal-gaussian.json")) and
           (.match.objective - (-.match.loglik - 0.01 * .match.logp) | fabs) < 1e-9 and
           .match.seconds > 0 and .match.terminated_by == null' m.json
    # W's lower triangle and diagonal are 0 (the chain ignores them)
    jq -e '[.raw[104], .raw[110], .raw[111], .raw[139]] == [0, 0, 0, 0]' m.json
    vx-render -q -p m.json dry.wav out.wav
    [ -s out.wav ]
}

@test "Adam lowers the objective on the dry against its own render" {
    vx-render -q -p "$TOP/presets/medleydb.ndjson" -k 5 "$FIX/input_14s.wav" own.wav
    vx-match -q -n 15 --lr 0.05 --chunk 2 -b 7 "$FIX/input_14s.wav" own.wav > m.json
    echo "# objective $(jq '.match.losses[0]' m.json) -> $(jq '.match.objective' m.json)" >&3
    jq -e '.match.objective < .match.losses[0] - 0.1' m.json
}

@test "--method mean returns the prior's mean; --alpha weighs the prior" {
    vx-match -q --method mean --alpha 0.5 --chunk 1 dry.wav ref.wav > m.json
    jq -e '.match.method == "mean" and .match.alpha == 0.5 and (.match | has("losses") | not) and
           (.match.objective - (-.match.loglik - 0.5 * .match.logp) | fabs) < 1e-9' m.json
    jq -e --slurpfile g "$TOP/presets/internal-gaussian.json" '
        [.raw[0:104][], .raw[140:151][]] as $r | ($g[0].mean[0:104] + $g[0].mean[119:130]) as $m |
        [range(0; 115)] | all(($r[.] - $m[.]) | fabs < 1e-12)' m.json
}

@test "--method nn picks the pool preset of highest likelihood" {
    head -n 3 "$TOP/presets/internal.ndjson" > pool.ndjson
    vx-match -q --method nn --pool pool.ndjson -e mir --chunk 1 dry.wav ref.wav > m.json
    jq -e '.match.method == "nn" and .match.encoder == "mir" and .match.pool_size == 3 and
           (.match.nearest_index | IN(0, 1, 2))' m.json
    i=$(jq .match.nearest_index m.json)
    # its raw values are the pool preset's (W's lower triangle dropped)
    jq -e --slurpfile p pool.ndjson --argjson i "$i" '
        .raw as $r | [range(0; 104), range(140; 151)] | all(($r[.] - $p[$i].raw[.]) | fabs < 1e-12)' m.json
    # no other pool preset has a higher likelihood
    for k in 0 1 2; do
        sed -n "$((k + 1))p" pool.ndjson > one.ndjson
        vx-match -q --method nn --pool one.ndjson -e mir --chunk 1 dry.wav ref.wav | jq .match.loglik
    done > ll
    jq -e --slurpfile ll ll '.match.loglik == ($ll | max)' m.json
}

@test "a match is repeatable for a seed and thread count; the seed draws the queries" {
    vx-match -q -n 3 -s 7 -j 2 --chunk 1 dry.wav ref.wav | jq -c '.match.losses, .raw' > a
    vx-match -q -n 3 -s 7 -j 2 --chunk 1 dry.wav ref.wav | jq -c '.match.losses, .raw' > b
    vx-match -q -n 3 -s 8 -j 2 --chunk 1 dry.wav ref.wav | jq -c '.match.losses, .raw' > c
    cmp a b
    ! cmp -s a c
    vx-match -q -n 2 -j 1 -b 4 --chunk 1 dry.wav ref.wav | jq -e '.match.threads == 1 and .match.batch == 4'
}

@test "--grad prints the objective, its two parts and the gradient at the prior's mean" {
    run vx-match --grad -a 0.1 --chunk 1 dry.wav ref.wav
    assert_success
    printf '%s\n' "$output" | jq -e '.type == "gradient" and (.grad | length) == 130 and
        (.x | length) == 130 and .alpha == 0.1 and
        (.objective - (-.loglik - 0.1 * .logp) | fabs) < 1e-9 and (.logp + 78.7353 | fabs) < 1e-3'
}

@test "--eval: the paper's protocol on a pair, with the scores and param_mse to --truth" {
    vx-render -q -p "$TOP/presets/medleydb.ndjson" -k 5 "$FIX/input_14s.wav" wet.wav
    vx-match -q --eval -n 2 --chunk 2 --truth "$TOP/presets/medleydb.ndjson" --truth-pick 5 \
        --dry "$FIX/input_14s.wav" --wet wet.wav > m.json
    # 7 active chunks: references 0, 2, 4, 6, queries 1, 3, 5, every query in each step
    jq -e '.match.eval and .match.references == 4 and .match.queries == 3 and .match.batch == 3 and
           (.match.scores | keys) == ["mldr_lr", "mldr_ms", "mss_lr", "mss_ms", "param_mse"] and
           .match.scores.param_mse > 0' m.json
    # from a pair record, picked by id
    vx-pair -q --dry "$FIX/input_14s.wav" --wet wet.wav --id song/take > pairs.ndjson
    vx-match -q --eval -n 0 --method mean --chunk 2 -k song/take pairs.ndjson |
        jq -e '.id == "song/take" and .type == "preset" and .match.scores.mss_lr > 0'
}

# bats test_tags=plumbing
@test "SIGINT stops the match and writes the state of the last step" {
    vx-match -n 100000 --chunk 1 dry.wav ref.wav -o m.json 2> err &
    interrupt_after_a_step INT $! err
    grep -q 'interrupted by SIGINT' err
    jq -e '(.match.terminated_by | test("SIGINT")) and (.raw | length) == 151 and
           (.match.losses | length) > 0' m.json
}

# bats test_tags=plumbing
@test "-o writes atomically; -q silences the progress line; the progress line names the step" {
    echo old > m.json
    run vx-match -q -n 1 --chunk 1 dry.wav missing.wav -o m.json
    assert_failure 1
    [ "$(cat m.json)" = old ]
    assert_no_leftovers .
    run --separate-stderr vx-match -q -n 2 --chunk 1 dry.wav ref.wav -o m.json
    assert_success
    [ -z "$stderr" ]
    jq -e '.type == "preset"' m.json
    run --separate-stderr vx-match -n 2 --chunk 1 dry.wav ref.wav
    [[ $stderr =~ step\ [12]/2\ \ objective ]]
}

@test "stdin: a raw float32 dry (mono) or reference (stereo)" {
    sox dry.wav -t f32 - | vx-match -q -n 1 --chunk 1 - ref.wav | jq -e '.dry == "-"'
    sox ref.wav -t f32 - | vx-match -q -n 1 --chunk 1 dry.wav - | jq -e '.reference == "-"'
}

@test "--eval: a wet with one active chunk is refused (the original's \"Too few active frames\")" {
    sox ref.wav one.wav trim 0 1.5
    sox dry.wav -c 1 drycut.wav trim 0 1.5
    run vx-match -q --eval --chunk 1 --dry drycut.wav --wet one.wav -o m.json
    assert_failure 1
    assert_output --partial 'one active 1.00 s chunk; the evaluation needs two'
    [ ! -e m.json ]
}

@test "bad input: short, silent or mono reference, wrong rate, wrong prior, singular covariance" {
    sox ref.wav short.wav trim 0 0.5
    run vx-match -q --chunk 1 dry.wav short.wav -o m.json
    assert_failure 1
    assert_output 'vx-match: short.wav: the reference is 0.50 s long, shorter than one 1.00 s chunk (--chunk)'
    sox -n -r 44100 -c 2 silent.wav trim 0 3
    run vx-match -q --chunk 1 dry.wav silent.wav -o m.json
    assert_failure 1
    assert_output 'vx-match: silent.wav: the signal is silent'
    sox ref.wav -c 1 mono.wav
    run vx-match -q --chunk 1 dry.wav mono.wav -o m.json
    assert_failure 1
    assert_output --partial 'mono.wav: the reference is mono; a style reference must be stereo'
    sox ref.wav -r 48000 r48.wav
    run vx-match -q --chunk 1 dry.wav r48.wav -o m.json
    assert_failure 1
    assert_output --partial 'r48.wav: the sample rate is 48000 Hz; DiffVox works at 44100 Hz'
    # a Gaussian over 129 values (the dry pan left out)
    jq -c '.mask[150] = false | .mean |= .[:129] | .cov |= (.[:129] | map(.[:129]))' \
        "$TOP/presets/internal-gaussian.json" > g129.json
    run vx-match -q --chunk 1 --prior g129.json dry.wav ref.wav -o m.json
    assert_failure 1
    assert_output --partial "g129.json: the prior is over 129 values; vx-match needs DiffVox's 130"
    # MedleyDB's 70 presets cannot span 130 dimensions
    run vx-match -q --chunk 1 --prior "$TOP/presets/medleydb-gaussian.json" dry.wav ref.wav -o m.json
    assert_failure 1
    assert_output --partial 'medleydb-gaussian.json: the covariance is not positive definite'
    [ ! -e m.json ]
}

@test "usage errors exit 2" {
    for args in "dry.wav" "--method best dry.wav ref.wav" "--encoder afx dry.wav ref.wav" \
        "--truth x.json dry.wav ref.wav" "--eval --dry dry.wav" "--pool p.ndjson dry.wav ref.wav" \
        "--steps -1 dry.wav ref.wav" "- -" "--bogus dry.wav ref.wav"; do
        run vx-match $args
        assert_failure 2
        assert_line --index 1 --partial 'usage: vx-match'
    done
}
