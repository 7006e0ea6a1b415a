/* Column mean and unbiased covariance of a data matrix, the base of the Gaussian fit
 * (spec/pipeline.md §6) and of the correlations (§7.2, §7.4). */
#ifndef VX_STATS_MOMENTS_H
#define VX_STATS_MOMENTS_H

/* x: n rows of d values, row-major (n >= 2). mean[d] = column means; cov[d*d]
 * (row-major, symmetric) = C^T C / (n - 1) with C = x - mean, by two passes in double
 * (no cancellation from sums of squares). The caller owns all arrays. */
void vx_moments_mean_cov(const double *x, long n, int d, double *mean, double *cov);

/* Pearson correlation from a covariance, in place: cov[i][j] / sqrt(cov[i][i] cov[j][j]),
 * clipped to [-1, 1] with an exact 1 on the diagonal (as numpy.corrcoef). A column of
 * zero variance gives NaN in its row and column. */
void vx_moments_cov_to_corr(double *cov, int d);

#endif
