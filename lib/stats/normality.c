/* Shapiro-Wilk (AS R94) and Royston's multivariate test (see normality.h). */
#include "stats/normality.h"
#include "stats/dist.h"
#include "stats/moments.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* AS 181.2: c[0] + c[1] x + ... + c[nord-1] x^(nord-1). */
static double poly(const double *c, int nord, double x)
{
    double s = 0;
    for (int i = nord - 1; i > 0; i--)
        s = (s + c[i]) * x;
    return c[0] + s;
}

/* AS 111 (PPND, ~7 digits): the normal quantile AS R94 builds its coefficients from.
 * scipy uses it too, and W depends on it in the 7th digit, so it stays. */
static double ppnd7(double p)
{
    double q = p - 0.5;
    if (fabs(q) <= 0.42) {
        double r = q * q;
        return q * (((-25.44106049637 * r + 41.39119773534) * r - 18.61500062529) * r + 2.50662823884) /
               ((((3.13082909833 * r - 21.06224101826) * r + 23.08336743743) * r - 8.47351093090) * r + 1.0);
    }
    double r = sqrt(-log(q > 0 ? 1.0 - p : p));
    double v = (((2.32121276858 * r + 4.85014127135) * r - 2.29796479134) * r - 2.78718931138) /
               ((1.63706781897 * r + 3.54388924762) * r + 1.0);
    return q < 0 ? -v : v;
}

/* The n antisymmetric Shapiro-Wilk coefficients, smallest order statistic first
 * (AS R94: Royston's polynomial approximations for the two extreme pairs, scaled
 * normal scores m_i = Phi^-1((i - 3/8) / (n + 1/4)) for the rest). */
static void sw_coefficients(long n, double *coef)
{
    long half = n / 2;
    memset(coef, 0, sizeof *coef * (size_t)n);
    if (n == 3) {
        coef[0] = -M_SQRT1_2;
        coef[2] = M_SQRT1_2;
        return;
    }
    static const double c1[6] = {0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056};
    static const double c2[6] = {0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633};
    double *m = coef; /* m_i for i < half, overwritten by -a_i below */
    double summ2 = 0;
    for (long i = 0; i < half; i++) {
        m[i] = ppnd7(((double)i + 1 - 0.375) / ((double)n + 0.25));
        summ2 += m[i] * m[i];
    }
    summ2 *= 2;
    double ssumm2 = sqrt(summ2), rsn = 1.0 / sqrt((double)n);
    double a1 = poly(c1, 6, rsn) - m[0] / ssumm2, a2 = 0, fac;
    long first = 1;
    if (n > 5) {
        first = 2;
        a2 = -m[1] / ssumm2 + poly(c2, 6, rsn);
        fac = sqrt((summ2 - 2 * m[0] * m[0] - 2 * m[1] * m[1]) / (1 - 2 * a1 * a1 - 2 * a2 * a2));
    } else {
        fac = sqrt((summ2 - 2 * m[0] * m[0]) / (1 - 2 * a1 * a1));
    }
    /* a_i > 0 belongs to the i-th largest value, -a_i to the i-th smallest */
    for (long i = first; i < half; i++)
        m[i] /= fac; /* m < 0 in the lower half: this is -a_i */
    coef[0] = -a1;
    if (n > 5)
        coef[1] = -a2;
    for (long i = 0; i < half; i++)
        coef[n - 1 - i] = -coef[i];
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* W and 1 - W of sorted y[n], as the squared correlation of y with the coefficients;
 * AS R94 forms 1 - W directly, which keeps its digits when W is close to 1. */
static int sw_statistic(const double *y, long n, double *w, double *w1, vx_err *e)
{
    double *coef = malloc(sizeof *coef * (size_t)n);
    if (!coef)
        return vx_err_set(e, "out of memory");
    sw_coefficients(n, coef);
    double sa = 0, sx = 0;
    for (long i = 0; i < n; i++)
        sa += coef[i], sx += y[i];
    sa /= (double)n;
    sx /= (double)n;
    double ssa = 0, ssx = 0, sax = 0;
    for (long i = 0; i < n; i++) {
        double da = coef[i] - sa, dx = y[i] - sx;
        ssa += da * da;
        ssx += dx * dx;
        sax += da * dx;
    }
    free(coef);
    double root = sqrt(ssa * ssx);
    *w1 = (root - sax) * (root + sax) / (ssa * ssx);
    *w = 1.0 - *w1;
    return 0;
}

int vx_swilk(const double *x, long n, double *w, double *pvalue, vx_err *e)
{
    if (n < 3)
        return vx_err_set(e, "Shapiro-Wilk needs at least 3 values, got %ld", n);
    double *y = malloc(sizeof *y * (size_t)n), w1 = 0;
    if (!y)
        return vx_err_set(e, "out of memory");
    memcpy(y, x, sizeof *y * (size_t)n);
    qsort(y, (size_t)n, sizeof *y, by_value);
    double range = y[n - 1] - y[0], mid = y[n / 2];
    /* relative to the value range, as AS R94 demands, and centred as scipy does */
    for (long i = 0; i < n; i++)
        y[i] = (y[i] - mid) / range;
    int rc = range > 0 && isfinite(range) ? sw_statistic(y, n, w, &w1, e)
                                          : vx_err_set(e, "Shapiro-Wilk: all %ld values are equal", n);
    free(y);
    if (rc)
        return rc;
    if (n == 3) { /* exact: P(W <= w) = (6/pi) (asin(sqrt(w)) - pi/3), W >= 3/4 */
        if (*w < 0.75)
            *w = 0.75;
        *pvalue = 1.0 - 6.0 / M_PI * acos(sqrt(*w));
        return 0;
    }
    static const double g[2] = {-2.273, 0.459};
    static const double c3[4] = {0.5440, -0.39978, 0.025054, -6.714e-4};
    static const double c4[4] = {1.3822, -0.77857, 0.062767, -0.0020322};
    static const double c5[4] = {-1.5861, -0.31082, -0.083751, 0.0038915};
    static const double c6[3] = {-0.4803, -0.082676, 0.0030302};
    double an = (double)n, y1 = log(w1), m, s;
    if (n <= 11) {
        double gamma = poly(g, 2, an);
        if (y1 >= gamma) { /* beyond the transform's range: AS R94's "small" */
            *pvalue = 1e-19;
            return 0;
        }
        y1 = -log(gamma - y1);
        m = poly(c3, 4, an);
        s = exp(poly(c4, 4, an));
    } else {
        m = poly(c5, 4, log(an));
        s = exp(poly(c6, 3, log(an)));
    }
    *pvalue = vx_norm_cdf(-(y1 - m) / s);
    return 0;
}

int vx_royston_test(const double *x, long n, int p, double *w, double *w_pvalue,
                    vx_royston *out, vx_err *e)
{
    if (n < 4 || n > 2000)
        return vx_err_set(e, "Royston's test needs 4 to 2000 rows, got %ld", n);
    if (p < 1)
        return vx_err_set(e, "Royston's test needs at least one variable");
    double *col = malloc(sizeof *col * (size_t)n), *corr = malloc(sizeof *corr * (size_t)p * p);
    double *mean = malloc(sizeof *mean * (size_t)p);
    int rc = col && corr && mean ? 0 : vx_err_set(e, "out of memory");
    /* The transform of ln(1 - W) to a normal deviate Z (Royston 1992) */
    double lx = log((double)n), gz = 0, m, s;
    if (n <= 11) {
        gz = -2.273 + 0.459 * n;
        m = 0.5440 - 0.39978 * n + 0.025054 * n * n - 0.0006714 * n * n * n;
        s = exp(1.3822 - 0.77857 * n + 0.062767 * n * n - 0.0020322 * n * n * n);
    } else {
        m = -1.5861 - 0.31082 * lx - 0.083751 * lx * lx + 0.0038915 * lx * lx * lx;
        s = exp(-0.4803 - 0.082676 * lx + 0.0030302 * lx * lx);
    }
    double sum_r = 0;
    for (int j = 0; !rc && j < p; j++) {
        double wj, pj;
        for (long i = 0; i < n; i++)
            col[i] = x[i * p + j];
        vx_err why;
        if (vx_swilk(col, n, &wj, &pj, &why)) {
            rc = vx_err_set(e, "variable %d: %s", j + 1, why.msg);
            break;
        }
        if (w)
            w[j] = wj;
        if (w_pvalue)
            w_pvalue[j] = pj;
        double l = log(1.0 - wj), z = n <= 11 ? (-log(gz - l) - m) / s : (l - m) / s;
        double r = vx_norm_ppf(0.5 * vx_norm_cdf(-z));
        sum_r += r * r;
    }
    if (!rc) {
        /* Equivalent degrees of freedom from the correlations (Royston 1983) */
        vx_moments_mean_cov(x, n, p, mean, corr);
        vx_moments_cov_to_corr(corr, p);
        double u = 0.715, v = 0.21364 + 0.015124 * lx * lx - 0.0018034 * lx * lx * lx, t = 0;
        for (int i = 0; i < p * p; i++) {
            double c = corr[i];
            t += pow(c, 5) * (1.0 - u * pow(1.0 - c, u) / v);
        }
        t -= p;
        double mc = p > 1 ? t / ((double)p * p - p) : 0;
        out->edf = p / (1.0 + (p - 1) * mc);
        out->h = out->edf * sum_r / p;
        out->pvalue = vx_chi2_sf(out->h, out->edf);
        if (!isfinite(out->h) || !isfinite(out->edf) || !(out->edf > 0))
            rc = vx_err_set(e, "Royston's test: H or e is not finite (a constant column?)");
    }
    free(col);
    free(corr);
    free(mean);
    return rc;
}
