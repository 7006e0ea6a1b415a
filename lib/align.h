/* Time alignment of a wet track to its dry source: the lag that maximises their full
 * linear cross-correlation (spec/pipeline.md §2.1 step 4, at full length as DESIGN.md
 * decision 4 fixes: negative lags are exact, not one sample too negative). */
#ifndef VX_ALIGN_H
#define VX_ALIGN_H

#include <stddef.h>

#include "err.h"

/* Shift in samples between a mono dry x[n] and a mono wet y[n] of n samples each:
 * the lag k in -(n-1)..n-1 maximising corr[k] = sum_m x[m]·y[m+k] (zero outside
 * [0, n)); shift > 0 means the wet lags the dry. Among equal maxima the first in the
 * reference's index order wins (lags 0..n-1, then -(n-1)..-1).
 * The correlation is found with a float32 FFT of a zero-padded even length >= 2n-1,
 * then every lag within the FFT's error bound of the maximum is recomputed exactly in
 * double, so the result is the argmax of the exact correlation.
 * Memory: about 12 bytes per padded sample (2n), freed before return.
 * Returns 0, or -1 with e set (n == 0, out of memory). */
int vx_align_shift(const float *x, const float *y, size_t n, long *shift, vx_err *e);

/* corr[lag] as above, accumulated in double (exact up to double rounding). */
double vx_align_corr(const float *x, const float *y, size_t n, long lag);

#endif
