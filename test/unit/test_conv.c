/* FFT convolution and the partitioned streaming convolution against direct sums. */
#include <stdlib.h>

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

int main(void)
{
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
    free(x), free(h), free(y), free(h2), free(y2), free(ref), free(ref2);
    return vx_test_summary();
}
