/* align: the golden shifts of alignment.json (full-length correlation), exactness against a
 * brute-force argmax, the tie order, the float32 FFT's error, degenerate inputs. */
#include "align.h"
#include "dsp/fft.h"
#include "harness.h"
#include "io/audio.h"

#include <float.h>
#include <stdio.h>
#include <string.h>

static unsigned long long rng_state = 2024;

static double urand(void) /* uniform in [-1, 1) */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 4503599627370496.0 - 1.0;
}

static void roll(const float *in, float *out, size_t n, long s)
{
    for (size_t i = 0; i < n; i++) {
        long j = ((long)i - s) % (long)n;
        out[i] = in[j < 0 ? j + (long)n : j];
    }
}

/* Argmax of the exact correlation over all lags in the reference's index order. */
static long brute_shift(const float *x, const float *y, size_t n)
{
    double best = -INFINITY;
    long arg = 0;
    for (size_t i = 0; i < 2 * n - 1; i++) {
        long k = i < n ? (long)i : (long)i - (long)(2 * n - 1);
        double c = vx_align_corr(x, y, n, k);
        if (c > best)
            best = c, arg = k;
    }
    return arg;
}

static long shift_of(const float *x, const float *y, size_t n)
{
    long s = 12345678;
    vx_err e;
    if (vx_align_shift(x, y, n, &s, &e))
        printf("error: %s\n", e.msg);
    return s;
}

/* Largest |FFT correlation - exact| over lags around the peak and a spread of others, in
 * units of FLT_EPSILON·log2(L)·‖x‖·‖y‖ (the bound align.c scales its tolerance by). */
static double fft_error_units(const float *x, const float *y, size_t n, long peak)
{
    size_t L = vx_fft_fast_len(2 * n - 1);
    const vx_fft *p = vx_fft_get(L);
    float *r = calloc(L, sizeof *r);
    vx_cpx *X = malloc((L / 2 + 1) * sizeof *X), *Y = malloc((L / 2 + 1) * sizeof *Y);
    memcpy(r, x, n * sizeof *r);
    vx_fft_forward(p, r, X);
    memcpy(r, y, n * sizeof *r);
    vx_fft_forward(p, r, Y);
    for (size_t k = 0; k <= L / 2; k++) {
        float re = X[k].re * Y[k].re + X[k].im * Y[k].im;
        float im = X[k].re * Y[k].im - X[k].im * Y[k].re;
        X[k].re = re, X[k].im = im;
    }
    vx_fft_inverse(p, X, r);
    double nx = sqrt(vx_align_corr(x, x, n, 0)), ny = sqrt(vx_align_corr(y, y, n, 0));
    double worst = 0;
    for (int q = -300; q < 300; q++) {
        long k = q < 200 ? peak + q : (long)((q * 104729L) % (long)(2 * n - 1)) - (long)n + 1;
        double f = r[k >= 0 ? (size_t)k : L - (size_t)(-k)] / (double)L;
        worst = fmax(worst, fabs(f - vx_align_corr(x, y, n, k)));
    }
    free(r), free(X), free(Y);
    return worst / (FLT_EPSILON * log2((double)L) * nx * ny);
}

/* alignment.json: input_14s (voice.wav looped to 14 s; its -18 LUFS gain does not move the
 * argmax) against the mono MedleyDB row 0 render, rolled by +37 and -1234. */
static void test_golden(void)
{
    vx_audio v, w;
    vx_err e;
    if (vx_audio_read("test/fixtures/voice.wav", NULL, 0, &v, &e) ||
        vx_audio_read("test/fixtures/pair_render_medleydb0_14s_mono16.flac", NULL, 0, &w, &e)) {
        CHECK(0, e.msg);
        return;
    }
    size_t n = w.frames;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        x[i] = v.data[i % v.frames];
    static const long rolls[] = {0, 37, -1234}, want[] = {-14, 23, -1248};
    for (int i = 0; i < 3; i++) {
        roll(w.data, y, n, rolls[i]);
        char name[64];
        snprintf(name, sizeof name, "golden roll %ld", rolls[i]);
        CHECK_NEAR(shift_of(x, y, n), want[i], 0, name);
    }
    double u = fft_error_units(x, y, n, -1248);
    printf("float32 FFT correlation error on the golden pair: %.3g units\n", u);
    CHECK_LE(u, 1.0, "FFT error well inside the tolerance");
    free(x), free(y);
    vx_audio_free(&v), vx_audio_free(&w);
}

/* Noisy delayed copies, positive and negative lags, against the brute-force argmax. */
static void test_random(void)
{
    enum { N = 700 };
    float x[N], y[N];
    static const long lags[] = {0, 1, -1, 57, -57, 698, -698, 350};
    for (int t = 0; t < 8; t++) {
        for (int i = 0; i < N; i++)
            x[i] = (float)urand();
        for (int i = 0; i < N; i++) {
            long j = i - lags[t];
            y[i] = (float)(0.1 * urand()) + (j >= 0 && j < N ? 0.8f * x[j] : 0.0f);
        }
        char name[64];
        snprintf(name, sizeof name, "delayed copy, lag %ld", lags[t]);
        long s = shift_of(x, y, N);
        CHECK(s == brute_shift(x, y, N), name);
        if (labs(lags[t]) < N / 2)
            CHECK_NEAR(s, lags[t], 0, name);
    }
}

/* Exact ties: the first maximum in the order 0..n-1, -(n-1)..-1 wins. */
static void test_ties(void)
{
    const float x1[] = {1, 0, 0}, y1[] = {0, 1, 1}; /* lags 1 and 2 */
    const float x2[] = {0, 0, 1}, y2[] = {1, 0, 1}; /* lags 0 and -2 */
    const float x3[] = {0, 0, 1}, y3[] = {1, 1, 0}; /* lags -1 and -2 */
    const float x4[] = {0, 1, 0}, y4[] = {1, 0, 1}; /* lags 1 and -1 */
    CHECK_NEAR(shift_of(x1, y1, 3), 1, 0, "tie 1 vs 2");
    CHECK_NEAR(shift_of(x2, y2, 3), 0, 0, "tie 0 vs -2");
    CHECK_NEAR(shift_of(x3, y3, 3), -2, 0, "tie -1 vs -2");
    CHECK_NEAR(shift_of(x4, y4, 3), 1, 0, "tie 1 vs -1");
}

static void test_degenerate(void)
{
    const float z[4] = {0}, one[1] = {0.5f}, x[4] = {0, 0, 0, 1};
    CHECK_NEAR(shift_of(z, x, 4), 0, 0, "silent dry");
    CHECK_NEAR(shift_of(x, z, 4), 0, 0, "silent wet");
    CHECK_NEAR(shift_of(one, one, 1), 0, 0, "one sample");
    long s;
    vx_err e;
    CHECK(vx_align_shift(x, x, 0, &s, &e) == -1 && strstr(e.msg, "empty"), "n = 0 is an error");
    CHECK_NEAR(vx_align_corr(x, x, 4, -4), 0, 0, "lag beyond the signal");
}

int main(void)
{
    test_golden();
    test_random();
    test_ties();
    test_degenerate();
    return vx_test_summary();
}
