/* The distribution functions the statistics need: standard normal CDF and quantile,
 * chi-squared upper tail. Double precision, pure functions. */
#ifndef VX_STATS_DIST_H
#define VX_STATS_DIST_H

/* Phi(x) = P(N(0,1) <= x), accurate in both tails. */
double vx_norm_cdf(double x);
/* Phi^-1(p) for p in (0, 1) (Wichura 1988, AS 241 PPND16, ~1e-16 relative);
 * -inf at 0, +inf at 1, NaN outside [0, 1]. */
double vx_norm_ppf(double p);
/* P(chi2_k > x), k > 0 degrees of freedom (need not be whole): the regularised upper
 * incomplete gamma Q(k/2, x/2), computed directly so tiny tails keep their digits. */
double vx_chi2_sf(double x, double k);

#endif
