/* Normality tests of spec/pipeline.md §7.4: Shapiro-Wilk W with its p-value (Royston
 * 1995, algorithm AS R94, as scipy.stats.shapiro) and Royston's multivariate H test
 * (Royston 1983/1992, as DiffVox's utils.Roystest). */
#ifndef VX_STATS_NORMALITY_H
#define VX_STATS_NORMALITY_H

#include "err.h"

/* W and its p-value for x[n] (any order, left unchanged; n >= 3, not all equal).
 * p-value: exact for n = 3, Royston's normalising transforms for 4 <= n <= 11 and
 * n >= 12 (meant for n <= 5000). */
int vx_swilk(const double *x, long n, double *w, double *pvalue, vx_err *e);

typedef struct {
    double h;      /* Royston's H = e * mean(R_j) */
    double edf;    /* equivalent degrees of freedom e */
    double pvalue; /* P(chi2_e > H) */
} vx_royston;

/* Royston's test on x: n rows of p variables (row-major), 4 <= n <= 2000, p >= 1.
 * w[p] and w_pvalue[p] (each may be NULL) receive every column's Shapiro-Wilk W and
 * p-value. */
int vx_royston_test(const double *x, long n, int p, double *w, double *w_pvalue,
                    vx_royston *out, vx_err *e);

#endif
