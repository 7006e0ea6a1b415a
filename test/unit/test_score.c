/* Whole-track scoring (lib/score.c): the no-process prediction, a render against the loss of
 * the same render, non-finite renders, degenerate targets, loss_eval's names and Python's
 * float repr. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "harness.h"
#include "preset.h"
#include "score.h"

/* A pair by hand: a decaying chirp as the dry, a stereo wet made of it. */
static vx_pair make_pair(size_t n)
{
    vx_pair p = {.frames = n, .rate = 44100};
    p.dry = malloc(n * sizeof *p.dry);
    p.wet = malloc(2 * n * sizeof *p.wet);
    for (size_t t = 0; t < n; t++) {
        double s = (double)t / 44100;
        p.dry[t] = (float)(0.3 * sin(2 * M_PI * (200 + 400 * s) * s) * exp(-s));
        p.wet[t] = 0.8f * p.dry[t];
        p.wet[n + t] = (float)(0.5 * p.dry[t] + 0.05 * cos(0.01 * (double)t));
    }
    return p;
}

static int same_parts(const vx_loss_parts *a, const vx_loss_parts *b)
{
    return a->mss_lr == b->mss_lr && a->mss_ms == b->mss_ms && a->mldr_lr == b->mldr_lr &&
           a->mldr_ms == b->mldr_ms && a->total == b->total;
}

static void scoring(void)
{
    const size_t n = 30000;
    vx_pair p = make_pair(n);
    float *pred = malloc(2 * n * sizeof *pred), *target = malloc(2 * n * sizeof *target);
    for (size_t t = 0; t < n; t++) {
        target[2 * t] = p.wet[t], target[2 * t + 1] = p.wet[n + t];
        pred[2 * t] = pred[2 * t + 1] = p.dry[t];
    }
    vx_loss_parts got, want;
    vx_err e;
    CHECK(vx_score_pair(&p, NULL, &got, &e) == 0, "no-process scores");
    CHECK(vx_loss_eval(pred, n, 2, target, n, 2, NULL, &want, &e) == 0, "reference eval");
    CHECK(same_parts(&got, &want), "no-process = the dry in both channels against the wet");

    double raw[VX_NRAW];
    vx_fx fx;
    CHECK(vx_preset_load("test/fixtures/preset_medleydb0.json", NULL, 0, raw, NULL, &e) == 0,
          "preset");
    vx_params_to_fx(raw, 0, &fx);
    CHECK(vx_score_pair(&p, &fx, &got, &e) == 0, "render scores");
    CHECK(vx_chain_render(&fx, p.dry, n, pred, &e) == 0, "render");
    CHECK(vx_loss_eval(pred, n, 2, target, n, 2, NULL, &want, &e) == 0, "reference eval");
    CHECK(same_parts(&got, &want), "render = vx_chain_render against the wet");
    printf("score: render of MedleyDB 0 against a made-up wet: mss_lr %.4f total %.4f\n",
           got.mss_lr, got.total);

    p.dry[1234] = NAN;
    CHECK(vx_score_pair(&p, NULL, &got, &e) == -1 && strstr(e.msg, "NaN at frame 1235"),
          "a NaN prediction is an error naming its frame");
    CHECK(vx_score_pair(&p, &fx, &got, &e) == -1 && strstr(e.msg, "not finite"),
          "a render with a NaN is an error");
    p.dry[1234] = INFINITY;
    CHECK(vx_score_pair(&p, NULL, &got, &e) == -1 && strstr(e.msg, "Inf at frame 1235"),
          "an infinite prediction too");
    vx_pair_free(&p);

    p = make_pair(1000);
    CHECK(vx_score_pair(&p, NULL, &got, &e) == -1 && strstr(e.msg, "too short"),
          "a track too short for the 2048-point STFT");
    vx_pair_free(&p);
    free(pred), free(target);
}

static void target_kinds(void)
{
    float y[8] = {0};
    CHECK(vx_score_target_kind(y, 4) == VX_SCORE_TARGET_SILENT, "zeros are silent");
    y[2] = y[3] = 0.5f;
    CHECK(vx_score_target_kind(y, 4) == VX_SCORE_TARGET_MONO, "L = R is mono");
    y[7] = 1e-9f;
    CHECK(vx_score_target_kind(y, 4) == VX_SCORE_TARGET_OK, "any difference is stereo");
}

static void names(void)
{
    static const char *const cases[][3] = {
        {"/data/Audio/LizNelson_Rainfall/LizNelson_Rainfall_RAW/LizNelson_Rainfall_RAW_01_01.wav",
         "LizNelson_Rainfall_RAW", "LizNelson_Rainfall_RAW_01_01"},
        {"dry.wav", "", "dry"},
        {"/dry.wav", "", "dry"},
        {"./song/./take.1.flac", "song", "take.1"},
        {"a//b/c", "b", "c"},
        {"../x.wav", "..", "x"},
        {"s/.hidden", "s", ".hidden"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char track[64], stem[64];
        vx_score_names(cases[i][0], track, sizeof track, stem, sizeof stem);
        CHECK(!strcmp(track, cases[i][1]) && !strcmp(stem, cases[i][2]), cases[i][0]);
    }
    char small[5], stem[64];
    vx_score_names("/abcdefgh/x.wav", small, sizeof small, stem, sizeof stem);
    CHECK(!strcmp(small, "abcd"), "names are truncated to the buffer");
}

static void python_repr(void)
{
    /* repr() of these floats in CPython 3 */
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {1.0150586366653442, "1.0150586366653442"}, {0.1, "0.1"}, {100.0, "100.0"},
        {0.0, "0.0"}, {-0.0, "-0.0"}, {1e-4, "0.0001"}, {1e-5, "1e-05"}, {1.5e-7, "1.5e-07"},
        {1e16, "1e+16"}, {1234567890123456.8, "1234567890123456.8"},
        {12345678901234567890.0, "1.2345678901234567e+19"}, {17953.25, "17953.25"},
        {0.30000000000000004, "0.30000000000000004"}, {2.5e-300, "2.5e-300"},
        {NAN, "nan"}, {INFINITY, "inf"}, {-INFINITY, "-inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[40];
        vx_score_format(cases[i].v, buf, sizeof buf);
        if (strcmp(buf, cases[i].want))
            printf("  repr: got %s, want %s\n", buf, cases[i].want);
        CHECK(!strcmp(buf, cases[i].want), cases[i].want);
    }
}

int main(void)
{
    scoring();
    target_kinds();
    names();
    python_repr();
    return vx_test_summary();
}
