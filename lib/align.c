/* Alignment by full linear cross-correlation (see align.h; spec/pipeline.md §2.1.4). */
#include "align.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/fft.h"

/* Error bound of the float32 FFT correlation, in units of FLT_EPSILON·log2(L)·‖x‖·‖y‖.
 * Measured errors stay below 1 unit (test_align); the margin only costs a few exact
 * recomputations near the peak. */
#define VX_ALIGN_TOL_UNITS 16.0

double vx_align_corr(const float *x, const float *y, size_t n, long lag)
{
    size_t a = lag >= 0 ? (size_t)lag : (size_t)(-lag); /* overlap starts */
    if (a >= n)
        return 0.0;
    const float *p = lag >= 0 ? x : x + a, *q = lag >= 0 ? y + a : y;
    double s = 0.0;
    for (size_t m = 0; m < n - a; m++)
        s += (double)p[m] * (double)q[m];
    return s;
}

static double norm2(const float *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)v[i] * (double)v[i];
    return sqrt(s);
}

/* The i-th lag in the reference's index order: 0..n-1, then -(n-1)..-1. */
static long lag_of(size_t i, size_t n) { return i < n ? (long)i : (long)i - (long)(2 * n - 1); }

/* Its value in the circular correlation r[L] of fft_corr. */
static float at(const float *r, size_t L, size_t n, size_t i)
{
    return r[i < n ? i : L - (2 * n - 1 - i)];
}

/* Unnormalised circular correlation r[k] = L·sum_m x[m]·y[(m+k) mod L] of the zero-padded
 * signals, into r[L] (lag k >= 0 at r[k], lag -j at r[L-j]). */
static int fft_corr(const float *x, const float *y, size_t n, const vx_fft *plan, float *r)
{
    size_t L = vx_fft_len(plan), nb = L / 2 + 1;
    vx_cpx *X = malloc(nb * sizeof *X), *Y = malloc(nb * sizeof *Y);
    if (!X || !Y) {
        free(X);
        free(Y);
        return -1;
    }
    memset(r + n, 0, (L - n) * sizeof *r);
    memcpy(r, x, n * sizeof *r);
    vx_fft_forward(plan, r, X);
    memcpy(r, y, n * sizeof *r);
    vx_fft_forward(plan, r, Y);
    for (size_t k = 0; k < nb; k++) { /* conj(X)·Y */
        double re = (double)X[k].re * Y[k].re + (double)X[k].im * Y[k].im;
        double im = (double)X[k].re * Y[k].im - (double)X[k].im * Y[k].re;
        X[k].re = (float)re, X[k].im = (float)im;
    }
    vx_fft_inverse(plan, X, r);
    free(X);
    free(Y);
    return 0;
}

int vx_align_shift(const float *x, const float *y, size_t n, long *shift, vx_err *e)
{
    *shift = 0;
    if (n == 0)
        return vx_err_set(e, "alignment: empty signals");
    double nx = norm2(x, n), ny = norm2(y, n);
    if (n == 1 || nx == 0.0 || ny == 0.0)
        return 0; /* one lag, or a correlation that is 0 everywhere: lag 0 comes first */
    size_t L = vx_fft_fast_len(2 * n - 1);
    const vx_fft *plan = vx_fft_get(L);
    float *r = plan ? malloc(L * sizeof *r) : NULL;
    if (!r || fft_corr(x, y, n, plan, r)) {
        free(r);
        return vx_err_set(e, "alignment: out of memory (%zu samples)", n);
    }
    size_t nlags = 2 * n - 1;
    float top = -INFINITY;
    for (size_t i = 0; i < nlags; i++)
        if (at(r, L, n, i) > top)
            top = at(r, L, n, i);
    double tol = VX_ALIGN_TOL_UNITS * FLT_EPSILON * log2((double)L) * nx * ny * (double)L;
    /* Exact recomputation of every lag the FFT cannot tell apart from the maximum. */
    double best = -INFINITY;
    size_t best_i = 0;
    for (size_t i = 0; i < nlags; i++) {
        if ((double)at(r, L, n, i) < (double)top - tol)
            continue;
        double c = vx_align_corr(x, y, n, lag_of(i, n));
        if (c > best)
            best = c, best_i = i;
    }
    free(r);
    *shift = lag_of(best_i, n);
    return 0;
}
