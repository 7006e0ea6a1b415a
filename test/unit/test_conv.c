/* Real FFTs against the DFT in double, FFT convolution and the partitioned streaming
 * convolution against direct sums. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/conv.h"
#include "dsp/fft.h"
#include "dsp/partconv.h"
#include "harness.h"

static void direct(const float *h, size_t nh, const float *x, size_t n, double *y)
{
    for (size_t t = 0; t < n; t++) {
        double s = 0;
        for (size_t k = 0; k <= t && k < nh; k++)
            s += (double)h[k] * x[t - k];
        y[t] = s;
    }
}

static double rel_err_db(const float *got, const double *want, size_t n)
{
    double e = 0, r = 0;
    for (size_t t = 0; t < n; t++)
        e += (got[t] - want[t]) * (got[t] - want[t]), r += want[t] * want[t];
    return 10 * log10(e / r);
}

/* Forward against the DFT summed in double, inverse back to n x, the same from two threads
 * at once, and again after the tables are released; error energy relative to the signal. */
static void test_real_fft(size_t n)
{
    const vx_fft *p = vx_fft_get(n);
    size_t nb = n / 2 + 1;
    float *x = vx_fft_alloc(n * sizeof *x), *back = vx_fft_alloc(2 * n * sizeof *back);
    vx_cpx *X = vx_fft_alloc(2 * nb * sizeof *X);
    for (size_t t = 0; t < n; t++)
        x[t] = (float)(sin(0.9 * t) + 0.3 * cos(0.031 * t * t)) + (float)((t * 7919) % 11) / 11;
    double err = 0, sig = 0;
    vx_fft_forward(p, x, X);
    for (size_t k = 0; k < nb; k++) {
        double re = 0, im = 0;
        for (size_t t = 0; t < n; t++) {
            double ph = -2 * M_PI * (double)((k * t) % n) / (double)n;
            re += x[t] * cos(ph), im += x[t] * sin(ph);
        }
        err += (X[k].re - re) * (X[k].re - re) + (X[k].im - im) * (X[k].im - im);
        sig += re * re + im * im;
    }
    char name[80];
    snprintf(name, sizeof name, "real FFT of %zu points vs DFT (dB)", n);
    CHECK_LE(10 * log10(err / sig), -130, name);
#pragma omp parallel for num_threads(2)
    for (int j = 0; j < 2; j++) { /* one state per direction serves both threads */
        vx_cpx *Xj = X + j * nb;
        vx_fft_forward(p, x, Xj);
        vx_fft_inverse(p, Xj, back + j * n);
    }
    err = sig = 0;
    for (int j = 0; j < 2; j++)
        for (size_t t = 0; t < n; t++) {
            double d = back[j * n + t] / (double)n - x[t];
            err += d * d, sig += (double)x[t] * x[t];
        }
    snprintf(name, sizeof name, "real FFT of %zu points: inverse of forward, two threads (dB)", n);
    CHECK_LE(10 * log10(err / sig), -130, name);
    /* released tables are made again, the same */
    vx_cpx *Y = vx_fft_alloc(nb * sizeof *Y); /* aligned as X: the same FFTW plan kind */
    vx_fft_forward(p, x, X);
    vx_fft_release(n);
    vx_fft_forward(p, x, Y);
    CHECK(memcmp(X, Y, nb * sizeof *X) == 0, "the same transform after vx_fft_release");
    free(x), free(back), free(X), free(Y);
}

int main(void)
{
    static const size_t lens[] = {2, 6, 8, 30, 96, 1000, 4410};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++)
        test_real_fft(lens[i]);

    enum { N = 3000, NH = 1234, B = 256 };
    float *x = malloc(N * sizeof *x), *h = malloc(NH * sizeof *h), *y = malloc(N * sizeof *y);
    float *h2 = malloc(NH * sizeof *h2), *y2 = malloc(N * sizeof *y2);
    double *ref = malloc(N * sizeof *ref), *ref2 = malloc(N * sizeof *ref2);
    for (int i = 0; i < N; i++)
        x[i] = (float)sin(0.37 * i) * (float)exp(-i / 900.0) + 0.1f * (float)((i * 7919) % 13 - 6);
    for (int i = 0; i < NH; i++)
        h[i] = (float)(cos(0.011 * i * i) * exp(-i / 300.0)), h2[i] = (float)((i % 5) - 2) / (i + 1);
    direct(h, NH, x, N, ref);
    direct(h2, NH, x, N, ref2);

    CHECK(vx_conv_causal(h, NH, x, N, y) == 0, "conv runs");
    CHECK_LE(rel_err_db(y, ref, N), -120, "FFT convolution vs direct (dB)");

    /* responses longer than the input are cut at the input length */
    CHECK(vx_conv_causal(h, NH, x, 500, y) == 0, "short input");
    CHECK_LE(rel_err_db(y, ref, 500), -120, "short input vs direct (dB)");

    const float *hs[2] = {h, h2};
    vx_partconv *pc = vx_partconv_new(hs, 2, NH, B);
    CHECK(pc != NULL, "partconv created");
    for (size_t b = 0; b + B <= N; b += B) {
        float *o[2] = {y + b, y2 + b};
        vx_partconv_process(pc, x + b, o);
    }
    size_t done = N / B * B;
    CHECK_LE(rel_err_db(y, ref, done), -120, "partitioned convolution, response 1 (dB)");
    CHECK_LE(rel_err_db(y2, ref2, done), -120, "partitioned convolution, response 2 (dB)");
    vx_partconv_free(pc);

#ifdef VX_FFT_FFTW
    CHECK(vx_fft_fast_len(705599) == 705600, "fast length 2^6 3^2 5^2 7^2");
#else
    CHECK(vx_fft_fast_len(705599) == 708588, "fast length 2^2 3^11 (no 7 for KissFFT)");
#endif
    CHECK(vx_fft_fast_len(11) == 12, "fast length even");
    CHECK(vx_fft_fast_len_235(1146598) == 1152000, "fast length 2^10 3^2 5^3 (no 7), either backend");
    free(x), free(h), free(y), free(h2), free(y2), free(ref), free(ref2);
    return vx_test_summary();
}
