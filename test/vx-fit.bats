#!/usr/bin/env bats
# vx-fit: gradients against the original implementation, a fit that learns, and bad input.
load helpers
bats_require_minimum_version 1.5.0

setup() {
    cd "$BATS_TEST_TMPDIR"
    cp "$FIX/voice.wav" dry.wav
    vx-render -q -p "$TOP/presets/medleydb.ndjson" -k 5 dry.wav wet.wav
}

# Agreement of a gradient record with the golden float64 one: the loss's relative error,
# the cosine over the 152 values, and the worst value's error in units of its bar
# 1e-3 |g| + 1e-4 max|g| (the float32 noise floor: rounding the rendered output once moves
# the smallest FDN values by that much).
compare_gradient() {
    jq -n --slurpfile a "$1" --slurpfile g "$FIX/fit_gradient_golden.json" '
        ($a[0].grad_raw + [$a[0].grad_eta]) as $x | ($g[0].grad_raw151 + [$g[0].grad_eta]) as $y |
        ($y | map(fabs) | max) as $m |
        {loss: ((($a[0].loss - $g[0].loss) / $g[0].loss) | fabs),
         cos: (([range(0; 152)] | map($x[.] * $y[.]) | add) /
               (($x | map(. * .) | add | sqrt) * ($y | map(. * .) | add | sqrt))),
         worst: ([range(0; 152) | {i: ., err: ((($x[.] - $y[.]) | fabs) /
                                             (1e-3 * ($y[.] | fabs) + 1e-4 * $m))}] | max_by(.err))}'
}

@test "the gradient at MedleyDB preset 0 matches the original's (golden, 12 s chunk)" {
    vx-fit -q --grad --as-is -i "$FIX/preset_medleydb0.json" --dry "$FIX/input_14s.wav" \
        --wet "$FIX/train_target_medleydb1_12s.wav" > grad.json
    compare_gradient grad.json > cmp.json
    echo "# loss rel. error $(jq .loss cmp.json), cosine $(jq .cos cmp.json)," \
        "worst value $(jq -c .worst cmp.json) of its bar" >&3
    # the bar: cosine >= 0.9999 over the 152 values, and every value within
    # 1e-3 |g| + 1e-4 max|g| of the golden gradient
    jq -e '.loss < 1e-6 and .cos >= 0.9999 and .worst.err <= 1' cmp.json
}

@test "100 steps from the original's initial values reach its 100-step best loss" {
    vx-fit -q -n 100 --as-is -i "$FIX/fit_init_golden.json" --dry "$FIX/input_14s.wav" \
        --wet "$FIX/fit_target_medleydb5_14s.wav" > fit.json
    want=$(jq .lowest_loss "$FIX/fit_init_golden.json")
    echo "# best loss after 100 steps: $(jq .lowest_loss fit.json) (original: $want)" >&3
    jq -e --argjson want "$want" '.lowest_loss <= $want and (.losses | length) == 100' fit.json
}

@test "the loss curve of a 20-step fit is the one from before chunk-by-chunk steps" {
    # The fixture is what vx-fit gave when a step kept every chunk's state; now each chunk's
    # forward runs twice and nothing but loss sums is kept. The sums, their order and each
    # chunk's arithmetic are the same, so the curve agrees to float rounding, which Adam then
    # amplifies: the first three losses (the start and two steps) within 1e-5 relative, every
    # one of the 20 within 1e-2. (A change of FFT rounding alone, FFTW's plans or KissFFT's
    # state, moves the curve by up to 3.6e-3 after 20 steps; the two backends part by 3e-3. A
    # chunk's gradient left out or counted twice moves the second loss by far more than 1e-5.)
    case $VX_BIN in *fftw*) fft=fftw ;; *) fft=kiss ;; esac
    for batch in all batch3; do
        b=35
        [ $batch = batch3 ] && b=3
        vx-fit -q -n 20 -b $b -j 2 --chunk 5 --overlap 2 --as-is --dry "$FIX/input_14s.wav" \
            --wet "$FIX/fit_target_medleydb5_14s.wav" > fit.json
        jq -e --slurpfile w "$FIX/fit_losses20_before.json" --arg fft $fft --arg b $batch '
            [.losses, $w[0][$fft][$b]] | transpose |
            map((.[0] - .[1]) / .[1] | fabs) |
            (length == 20) and (.[:3] | all(. <= 1e-5)) and all(. <= 1e-2)' fit.json
    done
}

@test "a short fit halves the loss and writes a complete fit record" {
    run vx-fit -q -n 40 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav
    assert_success
    printf '%s\n' "$output" > fit.json
    echo "# loss $(jq '.losses[0]' fit.json) -> $(jq .lowest_loss fit.json)" >&3
    jq -e '.type == "fit" and (.losses | length) == 40 and .terminated_by == null and
           .lowest_loss <= 0.5 * .losses[0] and (.raw | length) == 151 and .fx.delay.time_ms > 0 and
           .shift == 0 and .settings.steps == 40 and (.started | test("Z$"))' fit.json
    # the preset it holds renders
    vx-render -q -p fit.json dry.wav refit.wav
}

@test "a fit is repeatable for a seed and thread count" {
    vx-fit -q -n 3 -s 7 -j 2 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav | jq -c '.losses, .raw' > a
    vx-fit -q -n 3 -s 7 -j 2 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav | jq -c '.losses, .raw' > b
    cmp a b
}

@test "the tools on the audio path load no BLAS or LAPACK" {
    # A threaded BLAS (OpenBLAS) starts its threads and maps its buffers before main: under
    # a small ulimit -v it retried its mapping for ever, so a fit hung instead of saying
    # what memory it needs. Their small solves are vx's own (lib/dsp/solve.c).
    for tool in vx-fit vx-render vx-loss vx-pair vx-select vx-import; do
        run sh -c "ldd \"\$(command -v $tool)\" | grep -E 'lib(open)?(blas|lapack)'"
        assert_failure
        assert_output ''
    done
}

# bats test_tags=plumbing
@test "a pair record from vx-pair, picked by id, and --log-dir's run folders" {
    vx-pair -q --dry dry.wav --wet wet.wav --id song/voice > pairs.ndjson
    vx-fit -q -n 2 --chunk 3 --overlap 1 -k song/voice --log-dir logs pairs.ndjson > fit.json
    vx-fit -q -n 2 --chunk 3 --overlap 1 --log-dir logs pairs.ndjson > /dev/null
    track=$(jq -r .track pairs.ndjson)
    [ -f "logs/$track/run_0/fit.json" ]
    [ -f "logs/$track/run_1/fit.json" ]
    cmp <(jq -c . fit.json) <(jq -c . "logs/$track/run_0/fit.json")
}

# bats test_tags=plumbing
@test "SIGTERM stops the fit and writes the best state with the reason" {
    vx-fit -n 100000 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav -o fit.json 2> err &
    # after the first step: a signal during set-up ends the fit without a record
    interrupt_after_a_step TERM $! err
    grep -q 'interrupted by SIGTERM' err
    grep -q 'wrote the best state' err
    jq -e '(.terminated_by | test("SIGTERM")) and (.raw | length) == 151 and (.losses | length) > 0' fit.json
}

@test "--grad prints one gradient record" {
    run vx-fit --grad --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav
    assert_success
    printf '%s\n' "$output" | jq -e '.type == "gradient" and (.grad_raw | length) == 151 and
        (.parts | keys) == ["delay_reg", "mldr_lr", "mldr_ms", "mss_lr", "mss_ms"]'
}

@test "a fit that cannot have its memory stops at once and says what it needs" {
    skip_memory_if_sanitized
    # The fit needs about 200 MB with 3 s chunks: 120 MB of address space cannot hold it
    # (nor the libraries' reservations). Before the check it spun or aborted in an allocator.
    run sh -c 'ulimit -v 120000; exec timeout 60 vx-fit -q -n 1 -j 2 --chunk 3 --overlap 1 \
        --dry dry.wav --wet wet.wav'
    assert_failure 1
    assert_output --regexp '^vx-fit: a fit with 2 threads and 3 s chunks needs about [0-9]+ MB, but the address-space limit \(ulimit -v\) leaves [0-9]+ MB: use fewer threads \(-j 1: about [0-9]+ MB\) or a shorter --chunk$'
}

@test "--memory prints the MB a fit needs: above its peak, growing with threads and length" {
    skip_memory_if_sanitized
    vx-pair -q --dry dry.wav --wet wet.wav --id voice > pairs.ndjson
    run vx-fit --memory -j 1 --chunk 3 --overlap 1 pairs.ndjson
    assert_success
    assert_output --regexp '^[0-9]+$'
    mb=$output
    # without the record's length, the pair is loaded to measure it: the same figure
    run vx-fit --memory -j 1 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav
    assert_output "$mb"
    # 10 s more of pair: 7 floats a frame, 11.8 MB
    jq -c '.frames += 441000' pairs.ndjson > longer.ndjson
    longer=$(vx-fit --memory -j 1 --chunk 3 --overlap 1 longer.ndjson)
    [ $((longer - mb)) -ge 11 ] && [ $((longer - mb)) -le 13 ] || fail "$mb MB, 10 s longer $longer MB"
    [ "$(vx-fit --memory -j 2 --chunk 3 --overlap 1 pairs.ndjson)" -gt "$mb" ]
    # The fit's peak resident memory stays below the figure, by less than half of it.
    command time -f %M -o rss vx-fit -q -n 1 -j 1 --chunk 3 --overlap 1 pairs.ndjson > /dev/null
    peak=$(($(cat rss) / 1024))
    echo "# --memory $mb MB, peak resident $peak MB" >&3
    [ "$peak" -le "$mb" ] && [ "$peak" -ge $((mb / 2)) ] || fail "--memory $mb MB, peak $peak MB"
}

@test "--patience ends a fit whose best loss stopped improving, with exit 0 and the reason" {
    # at a learning rate of 1e-9 the loss cannot improve by 1e-4: the fit ends 5 steps
    # after the first
    run vx-fit -q -n 400 --lr 1e-9 --patience 5 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav
    assert_success
    printf '%s\n' "$output" > fit.json
    jq -e '(.losses | length) == 6 and (.terminated_by | test("^patience: .* in 5 steps")) and
           .settings.patience == 5' fit.json
}

@test "--fast starts from the preset of --pool that made the pair, and says so" {
    # a pool of three MedleyDB presets, the one that rendered wet.wav (5) second
    sed -n '4p;6p;8p' "$TOP/presets/medleydb.ndjson" > pool.ndjson
    vx-fit -q -n 0 --fast --pool pool.ndjson --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav > fit.json
    jq -e --slurpfile p <(sed -n 2p pool.ndjson) '.settings.warm_start as $w |
           $w.pool == "pool.ndjson" and $w.index == 1 and $w.screened == 3 and $w.chunk == 0 and
           $w.track == $p[0].track and ($w.loss | isfinite) and .raw == $p[0].raw' fit.json
    # its loss is the one a fit from that preset starts with
    vx-fit -q -n 1 -i pool.ndjson --init-pick 1 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav > one.json
    jq -e --slurpfile o one.json '.settings.warm_start.loss == $o[0].losses[0]' fit.json
    # --init, or a --pool without --fast, is a usage error with --pool; --init skips the search
    run vx-fit -q --pool pool.ndjson --dry dry.wav --wet wet.wav
    assert_failure 2
    assert_output --partial '--pool goes with --fast, without --init'
    vx-fit -q -n 0 --fast -i pool.ndjson --init-pick 2 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav |
        jq -e '.settings.warm_start == null'
}

@test "--fast's search: a record that is not a preset is an error naming its line" {
    sed -n '4p' "$TOP/presets/medleydb.ndjson" > pool.ndjson
    echo '{"type": "preset", "raw": [1, 2]}' >> pool.ndjson
    run vx-fit -q -n 0 --fast --pool pool.ndjson --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav -o fit.json
    assert_failure 1
    assert_output --partial 'pool.ndjson:2'
    [ ! -e fit.json ]
}

@test "--fast (a warm-up to 4 times the learning rate, 40 times for the levels, a cosine decay) beats the default at 40 steps" {
    # from the same start: --fast's search in a pool of one preset
    sed -n 1p "$TOP/presets/medleydb.ndjson" > pool.ndjson
    vx-fit -q -n 40 -i pool.ndjson --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav > adam.json
    vx-fit -q -n 40 --fast --pool pool.ndjson --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav > fast.json
    echo "# best loss in 40 steps: Adam $(jq .lowest_loss adam.json), --fast $(jq .lowest_loss fast.json)" >&3
    jq -e --slurpfile a adam.json '.settings.method == "adam-warmup-cosine" and .settings.lr == 0.04 and
           .settings.lr_levels == 0.4 and
           (.losses | length) == 40 and .losses[0] == $a[0].losses[0] and .lowest_loss < $a[0].lowest_loss' fast.json
    # its first step: a warm-up of 2 from 0.04 / 2, and Adam at that rate alone moves the
    # levels in dB a tenth as far (test_fit_scale: the factors themselves), so the second
    # loss is not Adam's at 0.02
    vx-fit -q -n 2 --lr 0.02 -i pool.ndjson --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav > one.json
    jq -e --slurpfile o one.json '.losses[0] == $o[0].losses[0] and
           ((.losses[1] - $o[0].losses[1]) / $o[0].losses[1] | fabs) > 1e-4' fast.json
}

@test "a --fast fit is repeatable" {
    sed -n 1p "$TOP/presets/medleydb.ndjson" > pool.ndjson
    vx-fit -q -n 3 --fast --pool pool.ndjson --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav > a.json
    vx-fit -q -n 3 --fast --pool pool.ndjson --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav > b.json
    cmp <(jq -c '.losses, .raw' a.json) <(jq -c '.losses, .raw' b.json)
}

@test "--fast's steps: 500 less its search's cost (0.46 of a one-chunk step a preset)" {
    sed -n '1,3p' "$TOP/presets/medleydb.ndjson" > pool.ndjson
    # one chunk: 500 - ceil(0.46 * 3) = 498; three chunks, one batch: 500 - ceil(0.46 * 3 / 3) = 499
    vx-fit -q --fast --pool pool.ndjson --lr 1e-9 --patience 1 --chunk 3 --overlap 1 \
        --dry dry.wav --wet wet.wav | jq -e '.settings.steps == 498'
    sox dry.wav dry2.wav repeat 1
    sox wet.wav wet2.wav repeat 1
    vx-fit -q --fast --pool pool.ndjson --lr 1e-9 --patience 1 --chunk 3 --overlap 1 \
        --dry dry2.wav --wet wet2.wav | jq -e '.settings.steps == 499 and .settings.active_chunks == 3'
}

@test "SIGINT stops a --fast fit and writes the best state" {
    sed -n 1p "$TOP/presets/medleydb.ndjson" > pool.ndjson
    vx-fit --fast --pool pool.ndjson -n 100000 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav -o fit.json 2> err &
    interrupt_after_a_step INT $! err
    grep -q 'wrote the best state' err
    jq -e '(.terminated_by | test("SIGINT")) and (.raw | length) == 151 and
           .settings.method == "adam-warmup-cosine"' fit.json
}

@test "a mono wet is refused, naming the file" {
    sox wet.wav -c 1 mono.wav
    run vx-fit --dry dry.wav --wet mono.wav -o fit.json
    assert_failure 1
    assert_output 'vx-fit: dry dry.wav, wet mono.wav: wet is mono; DiffVox targets are stereo'
    [ ! -e fit.json ]
}

@test "--grad on more chunks than a batch: the first step's seeded batch" {
    sox dry.wav dry3.wav repeat 2
    sox wet.wav wet3.wav repeat 2
    run vx-fit -q --grad -b 2 -s 3 --chunk 3 --overlap 1 --dry dry3.wav --wet wet3.wav
    assert_success
    echo "$output" >g1
    jq -e '.chunks == 2 and (.batch | length) == 2 and (.loss | isfinite)' g1
    vx-fit -q --grad -b 2 -s 3 --chunk 3 --overlap 1 --dry dry3.wav --wet wet3.wav | cmp - g1
    # a batch that holds every chunk lists none
    vx-fit -q --grad --chunk 3 --overlap 1 --dry dry3.wav --wet wet3.wav | jq -e '.batch == null'
}

# bats test_tags=plumbing
@test "steps count from 0 in the progress line, messages and lowest_step" {
    run --separate-stderr vx-fit -n 1 --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav
    assert_success
    [ "$(jq .lowest_step <<<"$output")" = 0 ]
    [[ "$stderr" == *"step 0/1  loss "*" (step 0) "* ]]
}

@test "a pair cut to its overlap by vx-pair is fitted on it; a long --shift cuts too" {
    sox dry.wav lead.wav pad 3
    vx-pair -q --dry dry.wav --wet wet.wav --id base >base.ndjson
    vx-pair -q --dry lead.wav --wet wet.wav --id lead >lead.ndjson
    a=$(vx-fit -q --grad --chunk 3 --overlap 1 base.ndjson | jq .loss)
    b=$(vx-fit -q --grad --chunk 3 --overlap 1 lead.ndjson | jq .loss)
    echo "# gradient-record loss: no silence $a, 3 s of silence cut $b" >&3
    [ "$a" = "$b" ]
    run --separate-stderr vx-fit -n 1 --chunk 3 --overlap 1 --shift -132300 --dry lead.wav --wet wet.wav
    assert_success
    [[ "$stderr" == *"vx-fit: shift -132300 samples (-3.00 s) is more than 0.1 s: cut to the overlap"* ]]
    run jq -c '[.shift, .crop, .frames]' <<<"$output"
    assert_output '[-132300,{"dry":132300,"wet":0,"frames":188893},188893]'
}

@test "a wet at 48 kHz is resampled to 44.1 kHz, the rate the fit record states" {
    sox wet.wav -r 48000 wet48.wav
    run vx-fit -q -n 1 --chunk 3 --overlap 1 --dry dry.wav --wet wet48.wav
    assert_success
    [ "$(jq -r '[.rate, .frames, .shift] | @tsv' <<<"$output")" = "$(printf '44100\t188893\t0')" ]
}

@test "dry and wet of different lengths are cropped to the shorter" {
    sox wet.wav short.wav trim 0 3.5
    run vx-fit -q -n 1 --chunk 3 --overlap 1 --dry dry.wav --wet short.wav
    assert_success
    [ "$(printf '%s\n' "$output" | jq .frames)" = 154350 ]
}

@test "a pair shorter than one chunk is a clear error" {
    run vx-fit --dry dry.wav --wet wet.wav -o fit.json
    assert_failure 1
    assert_output --partial 'shorter than one 12.00 s chunk (choose a shorter chunk)'
    [ ! -e fit.json ]
}

@test "a pair record's shift must be a whole number of samples" {
    for shift in 1e300 2.75 '"12"'; do
        printf '{"type":"pair","id":"a","dry":"dry.wav","wet":"wet.wav","shift":%s}\n' "$shift" >pair.ndjson
        run vx-fit -o fit.json pair.ndjson
        assert_failure 1
        assert_output 'vx-fit: pair.ndjson: shift must be a whole number of samples'
        [ ! -e fit.json ]
    done
}

@test "an all-silent wet is a clear error" {
    sox -n -r 44100 -c 2 silent.wav trim 0 4
    run vx-fit --shift 0 --chunk 3 --overlap 1 --dry dry.wav --wet silent.wav
    assert_failure 1
    assert_output --partial 'silent'
}

@test "usage errors exit 2" {
    run vx-fit
    assert_failure 2
    assert_output --partial 'usage: vx-fit'
    run vx-fit --dry dry.wav
    assert_failure 2
    run vx-fit --chunk 2 --overlap 3 --dry dry.wav --wet wet.wav
    assert_failure 2
    run vx-fit -n -1 --dry dry.wav --wet wet.wav
    assert_failure 2
}

@test "-k with an id several pairs share is ambiguous; --init presets are read strictly" {
    for i in 1 2; do echo '{"type":"pair","id":"s/v","dry":"dry.wav","wet":"wet.wav"}'; done > pairs.ndjson
    run vx-fit -k s/v -o fit.json pairs.ndjson
    assert_failure 1
    assert_output 'vx-fit: pairs.ndjson: s/v matches 2 pairs (indices 0-1): choose one by its index'
    run vx-fit -o fit.json pairs.ndjson
    assert_failure 1
    assert_output 'vx-fit: pairs.ndjson: holds several pairs (2): choose one by its index or its track name'
    sed -n 1p "$TOP/presets/medleydb.ndjson" | jq -c 'del(.raw) | .fx.comp.atack_ms = 1' > init.json
    run vx-fit -i init.json --dry dry.wav --wet wet.wav -o fit.json
    assert_failure 1
    assert_output 'vx-fit: init.json:1: fx.comp.atack_ms is not a field of fx.comp (did you mean attack_ms?)'
    sed -n 1p "$TOP/presets/medleydb.ndjson" | jq -c 'del(.raw) | del(.fx.comp.attack_ms)' > init.json
    run vx-fit -i init.json --dry dry.wav --wet wet.wav -o fit.json
    assert_failure 1
    assert_output --partial 'vx-fit: init.json:1: fx.comp.attack_ms is missing'
    [ ! -e fit.json ]
    run vx-fit --fx-defaults -i init.json --grad --chunk 3 --overlap 1 --dry dry.wav --wet wet.wav
    assert_success
}

teardown() {
    kill_leftover_jobs
}
