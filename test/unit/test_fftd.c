/* Double-precision real FFTs (vx_fft_forward_d, vx_fft_inverse_d) against the DFT summed
 * in long double, the inverse of the forward, and lengths the KissFFT build refuses. */
#include <math.h>
#include <stdlib.h>

#include "dsp/fft.h"
#include "harness.h"

static void test_real_fft_d(size_t n)
{
    const vx_fft *p = vx_fft_get_d(n);
    char name[80];
    snprintf(name, sizeof name, "double plan of %zu points", n);
    CHECK(p != NULL, name);
    if (!p)
        return;
    size_t nb = n / 2 + 1;
    double *x = vx_fft_alloc(n * sizeof *x), *back = vx_fft_alloc(2 * n * sizeof *back);
    vx_cpxd *X = vx_fft_alloc(2 * nb * sizeof *X);
    for (size_t t = 0; t < n; t++)
        x[t] = sin(0.9 * t) + 0.3 * cos(0.031 * t * t) + (double)((t * 7919) % 11) / 11;
    long double err = 0, sig = 0;
    vx_fft_forward_d(p, x, X);
    for (size_t k = 0; k < nb; k++) {
        long double re = 0, im = 0;
        for (size_t t = 0; t < n; t++) {
            long double ph = -2 * 3.141592653589793238462643383279503L * (long double)((k * t) % n) / n;
            re += x[t] * cosl(ph), im += x[t] * sinl(ph);
        }
        err += (X[k].re - re) * (X[k].re - re) + (X[k].im - im) * (X[k].im - im);
        sig += re * re + im * im;
    }
    snprintf(name, sizeof name, "double real FFT of %zu points vs DFT (dB)", n);
    CHECK_LE(10 * log10((double)(err / sig)), -290, name);
#pragma omp parallel for num_threads(2)
    for (int j = 0; j < 2; j++) {
        vx_cpxd *Xj = X + j * nb;
        vx_fft_forward_d(p, x, Xj);
        vx_fft_inverse_d(p, Xj, back + j * n);
    }
    err = sig = 0;
    for (int j = 0; j < 2; j++)
        for (size_t t = 0; t < n; t++) {
            double d = back[j * n + t] / (double)n - x[t];
            err += d * d, sig += x[t] * x[t];
        }
    snprintf(name, sizeof name, "double real FFT of %zu points: inverse of forward (dB)", n);
    CHECK_LE(10 * log10((double)(err / sig)), -290, name);
    free(x), free(back), free(X);
}

int main(void)
{
    /* radix 4 and 2 alone and mixed with 3, 5, 7 and a larger prime (61) */
    static const size_t lens[] = {2, 4, 6, 8, 30, 96, 122, 1000, 2048, 4410};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++)
        test_real_fft_d(lens[i]);
    CHECK(vx_fft_get_d(7) == NULL, "odd length refused");
#ifdef VX_FFT_FFTW
    test_real_fft_d(2 * 67);
#else
    CHECK(vx_fft_get_d(2 * 67) == NULL, "KissFFT build: prime factor above 64 refused");
#endif
    return vx_test_summary();
}
