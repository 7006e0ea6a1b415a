/* Histograms for figures: counts of values in equal bins as fractions of all values. */
#ifndef VX_PLOT_HIST_H
#define VX_PLOT_HIST_H

/* frac[bins] = share of the n values v[0], v[stride], ... in each of bins equal bins
 * over [lo, hi] (bin b: [lo + b w, lo + (b + 1) w), w = (hi - lo) / bins; hi itself
 * falls in the last bin; values outside [lo, hi] and non-finite ones count in none).
 * lo == hi puts every value equal to it in bin 0. All zero when n is 0. */
void vx_hist(const double *v, long n, int stride, double lo, double hi, int bins, double *frac);

#endif
