/* pair: shifts recovered on a delayed stereo copy of voice.wav, the roll direction, -18 LUFS
 * outputs, loudness against pyloudnorm (loudness.json), a given shift, the side energy,
 * and every error. */
#include "harness.h"
#include "io/audio.h"
#include "loudness.h"
#include "pair.h"

#include <stdio.h>
#include <string.h>

#define A11_RAW_LUFS (-16.235217938814454) /* loudness.json: "a11wlk01 raw clip" */

static vx_audio voice; /* mono, 44.1 kHz */

/* Stereo wet: left 0.5·x[t - lag], right 0.25·x[t - lag] (zero outside), n frames. */
static vx_audio delayed_stereo(const vx_audio *x, long lag, size_t n)
{
    vx_audio w = {.data = calloc(2 * n, sizeof(float)), .frames = n, .channels = 2, .rate = x->rate};
    for (size_t t = 0; t < n; t++) {
        long j = (long)t - lag;
        float v = j >= 0 && (size_t)j < x->frames ? x->data[j] : 0.0f;
        w.data[2 * t] = 0.5f * v, w.data[2 * t + 1] = 0.25f * v;
    }
    return w;
}

static double lufs_of(const float *x, size_t nchan, size_t n)
{
    double l = NAN;
    vx_err e;
    vx_loudness_integrated(x, nchan, n, 44100, &l, &e);
    return l;
}

static void test_shifts(void)
{
    static const long lags[] = {0, 37, -1234, 4410};
    for (int i = 0; i < 4; i++) {
        vx_audio w = delayed_stereo(&voice, lags[i], voice.frames);
        vx_pair p;
        vx_err e;
        char name[80];
        snprintf(name, sizeof name, "lag %ld", lags[i]);
        if (vx_pair_prepare(&voice, &w, NULL, NULL, VX_PAIR_TARGET_LUFS, &p, &e)) {
            CHECK(0, e.msg);
            free(w.data);
            continue;
        }
        CHECK_NEAR(p.shift, lags[i], 0, name);
        /* dry'[t] = dry[(t - shift) mod T0], scaled by the dry gain */
        double g = pow(10, p.gain_dry_db / 20), worst = 0;
        for (size_t t = 0; t < p.frames; t++) {
            long j = ((long)t - p.shift) % (long)p.frames;
            j += j < 0 ? (long)p.frames : 0;
            worst = fmax(worst, fabs(p.dry[t] - g * voice.data[j]));
        }
        CHECK_LE(worst, 1e-6, "dry rolled right by the shift and scaled");
        CHECK_NEAR(p.wet[p.frames + 5000] * 2.0, p.wet[5000], 1e-6, "wet planar, L then R");
        CHECK_NEAR(lufs_of(p.dry, 1, p.frames), -18.0, 1e-4, "dry at -18 LUFS");
        float *il = malloc(2 * p.frames * sizeof *il);
        for (size_t t = 0; t < p.frames; t++)
            il[2 * t] = p.wet[t], il[2 * t + 1] = p.wet[p.frames + t];
        CHECK_NEAR(lufs_of(il, 2, p.frames), -18.0, 1e-4, "wet at -18 LUFS");
        CHECK_NEAR(p.gain_wet_db, -18.0 - p.lufs_wet, 1e-12, "gain in dB = target - LUFS");
        if (lags[i] == 0) {
            printf("lufs_dry %.9f vs pyloudnorm %.9f (raw clip): %.2g LU\n", p.lufs_dry,
                   A11_RAW_LUFS, p.lufs_dry - A11_RAW_LUFS);
            CHECK_NEAR(p.lufs_dry, A11_RAW_LUFS, 1e-4, "raw clip loudness (loudness.json)");
        }
        free(il);
        vx_pair_free(&p);
        free(w.data);
    }
}

/* The stored shift is used as given (loss evaluation); a longer dry is cropped. */
static void test_given_shift(void)
{
    vx_audio w = delayed_stereo(&voice, 0, voice.frames - 1000);
    long s = -20;
    vx_pair p;
    vx_err e;
    CHECK(vx_pair_prepare(&voice, &w, &s, NULL, -23.0, &p, &e) == 0, "given shift");
    CHECK_NEAR(p.shift, -20, 0, "shift kept");
    CHECK_NEAR(p.frames, voice.frames - 1000, 0, "cropped to the common length");
    CHECK_NEAR(lufs_of(p.dry, 1, p.frames), -23.0, 1e-4, "other target");
    vx_pair_free(&p);
    free(w.data);
}

/* Shifts past VX_PAIR_ROLL_MAX_S: both cut to their overlap in the whole files, no roll
 * (a roll would lay the dry's last |shift| samples over the wet's start). */
static void test_crop(void)
{
    const size_t lead = 3 * 44100; /* 3 s of silence before the voice in the dry */
    vx_audio d = {.data = calloc(lead + voice.frames, sizeof(float)), .frames = lead + voice.frames,
                  .channels = 1, .rate = 44100};
    memcpy(d.data + lead, voice.data, voice.frames * sizeof(float));
    vx_audio w = delayed_stereo(&voice, 0, voice.frames);
    vx_pair p;
    vx_err e;
    CHECK(vx_pair_prepare(&d, &w, NULL, NULL, VX_PAIR_TARGET_LUFS, &p, &e) == 0, "3 s lead");
    CHECK_NEAR(p.shift, -(long)lead, 0, "3 s lead: shift");
    CHECK(p.cropped && p.crop.dry == lead && p.crop.wet == 0 && p.crop.frames == voice.frames &&
              p.frames == voice.frames,
          "3 s lead: cut to the voice, all of it");
    double g = pow(10, p.gain_dry_db / 20), worst = 0;
    for (size_t t = 0; t < p.frames; t++)
        worst = fmax(worst, fabs(p.dry[t] - g * voice.data[t]));
    CHECK_LE(worst, 1e-6, "3 s lead: the dry is the voice, not rolled");
    vx_pair_free(&p);
    /* the same crop given (a pair record's): the same pair */
    vx_pair_crop c = {lead, 0, voice.frames};
    long s = -(long)lead;
    CHECK(vx_pair_prepare(&d, &w, &s, &c, VX_PAIR_TARGET_LUFS, &p, &e) == 0 && p.cropped &&
              p.frames == voice.frames && fabs(p.dry[1000] - g * voice.data[1000]) < 1e-6,
          "given crop");
    vx_pair_free(&p);
    c.frames++;
    CHECK(vx_pair_prepare(&d, &w, &s, &c, VX_PAIR_TARGET_LUFS, &p, &e) == -1 &&
              strstr(e.msg, "lies outside the files"),
          "a crop past the wet's end");
    free(w.data);
    /* the wet lags by 0.5 s: the dry's end and the wet's start are cut */
    w = delayed_stereo(&voice, 22050, voice.frames);
    CHECK(vx_pair_prepare(&voice, &w, NULL, NULL, VX_PAIR_TARGET_LUFS, &p, &e) == 0 &&
              p.shift == 22050 && p.cropped && p.crop.dry == 0 && p.crop.wet == 22050 &&
              p.frames == voice.frames - 22050,
          "0.5 s lag: cut");
    vx_pair_free(&p);
    free(w.data), free(d.data);
    vx_pair_crop o = vx_pair_overlap(100, 80, -30);
    CHECK(o.dry == 30 && o.wet == 0 && o.frames == 70, "overlap: the dry's tail is longer");
    o = vx_pair_overlap(100, 80, 90);
    CHECK(o.frames == 0, "overlap: none");
    CHECK(!vx_pair_crops(4410, 44100) && vx_pair_crops(-4411, 44100), "the margin is 0.1 s");
}

static void test_side(void)
{
    size_t n = voice.frames;
    vx_audio d = {.data = malloc(2 * n * sizeof(float)), .frames = n, .channels = 2, .rate = 44100};
    for (size_t t = 0; t < n; t++)
        d.data[2 * t] = voice.data[t], d.data[2 * t + 1] = 0.5f * voice.data[t];
    CHECK(isinf(vx_pair_side_db(&voice)) && vx_pair_side_db(&voice) < 0, "mono: -inf");
    CHECK(vx_pair_side_db(&d) < -100, "scaled copies: no side");
    for (size_t t = 0; t < n; t++)
        d.data[2 * t + 1] = voice.data[(t + 20000) % n];
    double s = vx_pair_side_db(&d);
    CHECK(s > VX_PAIR_SIDE_MAX_DB && s < 10, "unrelated channels: strong side");
    for (size_t t = 0; t < n; t++)
        d.data[2 * t + 1] = 0;
    CHECK(isnan(vx_pair_side_db(&d)), "silent channel: NaN as the reference");
    free(d.data);
}

static void expect_error(const vx_audio *d, const vx_audio *w, const char *want)
{
    vx_pair p;
    vx_err e = {""};
    int rc = vx_pair_prepare(d, w, NULL, NULL, -18, &p, &e);
    CHECK(rc == -1 && strstr(e.msg, want) && !p.dry && !p.wet, want);
    if (rc == 0 || !strstr(e.msg, want))
        printf("  got: %s\n", rc ? e.msg : "success");
}

static void test_errors(void)
{
    vx_audio w = delayed_stereo(&voice, 0, voice.frames);
    vx_audio w48 = w, mono = voice, three = {.data = calloc(3 * 100000, sizeof(float)),
                                       .frames = 100000, .channels = 3, .rate = 44100};
    w48.rate = 48000;
    expect_error(&voice, &w48, "sample rates differ: dry 44100 Hz, wet 48000 Hz");
    expect_error(&voice, &mono, "wet is mono; DiffVox targets are stereo");
    expect_error(&voice, &three, "wet has 3 channels");
    vx_audio shortw = w;
    shortw.frames = 17000;
    expect_error(&voice, &shortw, "shorter than one 0.4 s loudness block");
    vx_audio silent = {.data = calloc(voice.frames, sizeof(float)), .frames = voice.frames,
                       .channels = 1, .rate = 44100};
    expect_error(&silent, &w, "dry is silent");
    vx_audio silent_w = {.data = calloc(2 * voice.frames, sizeof(float)), .frames = voice.frames,
                         .channels = 2, .rate = 44100};
    expect_error(&voice, &silent_w, "wet is silent");
    free(w.data), free(three.data), free(silent.data), free(silent_w.data);
}

int main(void)
{
    vx_err e;
    if (vx_audio_read("test/fixtures/voice.wav", NULL, 0, &voice, &e)) {
        printf("%s\n", e.msg);
        return 1;
    }
    test_shifts();
    test_given_shift();
    test_crop();
    test_side();
    test_errors();
    vx_audio_free(&voice);
    return vx_test_summary();
}
