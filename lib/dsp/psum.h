/* Parallel sums that round the same way whatever the thread count and timing (an OpenMP
 * reduction adds the threads' partial sums in the order they finish): fixed tiles are
 * summed on the OpenMP threads, then the tiles' sums are added in tile order. */
#ifndef VX_DSP_PSUM_H
#define VX_DSP_PSUM_H

#include <stddef.h>

#define VX_PSUM_MAX 4 /* sums one call may compute */

/* Adds to out[0..k) the sums over indices [t0, t1) (and may do other per-index work). */
typedef void vx_psum_fn(void *ctx, size_t t0, size_t t1, double *out);

/* sums[j] = sum over [0, n) of what fn adds to out[j], j < k <= VX_PSUM_MAX: fn runs on
 * fixed tiles of [0, n) in parallel (each index in exactly one call) and the tile sums
 * are added in order. */
void vx_psum(size_t n, int k, vx_psum_fn *fn, void *ctx, double *sums);

#endif
