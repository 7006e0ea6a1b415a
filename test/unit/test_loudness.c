/* BS.1770 integrated loudness against pyloudnorm's values (golden loudness.json),
 * the stereo channel sum, the gates, the error cases and the gain helper. */
#include "loudness.h"
#include "harness.h"

#include <sndfile.h>
#include <stdlib.h>

/* Whole file as interleaved float; returns frames (0 on failure). */
static size_t read_wav(const char *path, float **x, int *nchan)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f)
        return 0;
    *nchan = info.channels;
    *x = malloc((size_t)info.frames * info.channels * sizeof **x);
    size_t n = *x ? (size_t)sf_readf_float(f, *x, info.frames) : 0;
    sf_close(f);
    return n;
}

static void check_file(const char *path, double want)
{
    float *x = NULL;
    int nchan = 0;
    size_t n = read_wav(path, &x, &nchan);
    double lufs = 0;
    CHECK(n > 0 && vx_loudness_integrated(x, nchan, n, 44100, &lufs, NULL) == 0, path);
    printf("loudness: %s %.6f LUFS, pyloudnorm %.6f, off by %.1e LU\n", path, lufs, want,
           fabs(lufs - want));
    CHECK_NEAR(lufs, want, 1e-6, path); /* the contract is 0.01 LU */
    /* a stream's meter, fed in pieces of every size around its chunk and block lengths,
     * gives the same bits */
    static const size_t piece[] = {1, 4095, 4097, 17641, 300, 4096, 17639, 8191};
    vx_loudness_meter *m = vx_loudness_meter_new((size_t)nchan, 44100, NULL);
    int ok = m != NULL;
    for (size_t t = 0, i = 0; ok && t < n; i++) {
        size_t k = piece[i % 8] < n - t ? piece[i % 8] : n - t;
        ok = vx_loudness_meter_push(m, x + t * nchan, k, NULL) == 0;
        t += k;
    }
    double streamed = 0;
    CHECK(ok && vx_loudness_meter_result(m, &streamed, NULL) == 0 && streamed == lufs,
          "meter fed in pieces = whole signal");
    vx_loudness_meter_free(m);
    free(x);
}

int main(void)
{
    /* golden/loudness.json */
    check_file("test/fixtures/voice.wav", -16.235217938814454); /* the raw a11wlk01 clip */
    check_file("test/fixtures/input_14s.wav", -17.999999983287186);
    check_file("test/fixtures/loudness_noise_pinkish_10s.wav", -41.172607625008354);
    check_file("test/fixtures/render64_medleydb0_14s.wav", -19.85417253336147); /* stereo */

    /* 1 kHz sine, peak -20 dBFS, 10 s; the same in two channels sums to +10 log10 2 */
    enum { N = 441000 };
    float *x = malloc(2 * N * sizeof *x);
    for (int t = 0; t < N; t++)
        x[2 * t] = x[2 * t + 1] = (float)(0.1 * sin(2 * M_PI * 1000.0 * t / 44100.0));
    float *mono = malloc(N * sizeof *mono);
    for (int t = 0; t < N; t++)
        mono[t] = x[2 * t];
    double l1 = 0, l2 = 0;
    CHECK(vx_loudness_integrated(mono, 1, N, 44100, &l1, NULL) == 0, "sine");
    CHECK(vx_loudness_integrated(x, 2, N, 44100, &l2, NULL) == 0, "stereo sine");
    printf("loudness: sine %.6f LUFS, pyloudnorm -23.045733, off by %.1e LU\n", l1,
           fabs(l1 + 23.045733469181798));
    CHECK_NEAR(l1, -23.045733469181798, 1e-6, "sine 1 kHz, peak -20 dBFS");
    CHECK_NEAR(l2 - l1, 10 * log10(2.0), 1e-6, "two equal channels add 3.01 dB");

    /* silence is -inf; a sine after 10 s of silence is measured on the blocks that hold it */
    double ls = 0;
    float *sil = calloc(N, sizeof *sil);
    CHECK(vx_loudness_integrated(sil, 1, N, 44100, &ls, NULL) == 0 && isinf(ls) && ls < 0,
          "silence is -inf LUFS");
    float *padded = calloc(2 * N, sizeof *padded);
    for (int t = 0; t < N; t++)
        padded[N + t] = mono[t];
    CHECK(vx_loudness_integrated(padded, 1, 2 * N, 44100, &ls, NULL) == 0, "gated");
    /* 97 full sine blocks plus the 3 straddling ones (1/4, 1/2, 3/4 sine) pass the gates */
    CHECK_NEAR(ls, l1 + 10 * log10(98.5 / 100.0), 2e-3, "absolute gate drops the silent half");

    /* errors */
    vx_err e;
    CHECK(vx_loudness_integrated(mono, 1, 17639, 44100, &ls, &e) == -1, "shorter than 0.4 s");
    CHECK(vx_loudness_integrated(mono, 1, 17640, 44100, &ls, &e) == 0, "exactly 0.4 s");
    CHECK(vx_loudness_integrated(mono, 6, N / 6, 44100, &ls, &e) == -1, "6 channels");
    CHECK(vx_loudness_integrated(mono, 0, N, 44100, &ls, &e) == -1, "0 channels");
    vx_loudness_meter *m = vx_loudness_meter_new(1, 44100, NULL);
    CHECK(m && vx_loudness_meter_result(m, &ls, &e) == -1, "meter: nothing pushed");
    CHECK(vx_loudness_meter_push(m, mono, 17640, &e) == 0 &&
              vx_loudness_meter_result(m, &ls, &e) == 0,
          "meter: 0.4 s");
    vx_loudness_meter_free(m);
    CHECK(vx_loudness_meter_new(6, 44100, &e) == NULL, "meter: 6 channels");

    /* gain: normalising the sine to -18 LUFS, then measuring again */
    double g = 0;
    CHECK(vx_loudness_gain(l1, -18.0, &g, NULL) == 0, "gain");
    for (int t = 0; t < N; t++)
        mono[t] = (float)(mono[t] * g);
    CHECK(vx_loudness_integrated(mono, 1, N, 44100, &ls, NULL) == 0, "normalised");
    CHECK_NEAR(ls, -18.0, 1e-4, "normalised to -18 LUFS");
    CHECK(vx_loudness_gain(-INFINITY, -18.0, &g, &e) == -1, "no gain for silence");
    free(x), free(mono), free(sil), free(padded);
    return vx_test_summary();
}
