/* Rank correlation of preset parameters (spec/pipeline.md §7.2): Spearman's rho with
 * average ranks for ties, and the paper's effect-wise summary of |rho| (Figure 5). */
#ifndef VX_STATS_CORR_H
#define VX_STATS_CORR_H

#include "err.h"

/* Average ranks (1..n; tied values share the mean of their positions) of the n values
 * x[0], x[stride], ...; written to rank[0], rank[stride], ... */
int vx_corr_rank(const double *x, long n, int stride, double *rank, vx_err *e);

/* rho[d*d] (row-major) = Pearson correlation of the column ranks of x (n rows of d,
 * row-major, n >= 2). A constant column has NaN correlations. */
int vx_corr_spearman(const double *x, long n, int d, double *rho, vx_err *e);

/* The effect groups of the 130-value masked layout, in the paper's order
 * PK1 PK2 LS HS LP HP COMP DLY FDN SEND (the final pan, index 129, is in none). */
#define VX_CORR_GROUPS 10
extern const char *const vx_corr_group_names[VX_CORR_GROUPS];

/* summary[10*10] from rho[130*130]: off the diagonal the mean |rho| over all pairs
 * between two groups, on it the mean over distinct pairs within the group (NaN for
 * SEND, a single value). */
void vx_corr_groups(const double *rho, double *summary);

#endif
