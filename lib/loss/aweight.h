/* The A-weighting pre-filter of the DiffVox spectral losses: auraloss's 101-tap
 * least-squares FIR fit of the IEC/CD 1672 A-weighting curve (spec/pipeline.md §1.2). */
#ifndef VX_LOSS_AWEIGHT_H
#define VX_LOSS_AWEIGHT_H

#include <stddef.h>

#define VX_AWEIGHT_TAPS 101
#define VX_AWEIGHT_HALF 50 /* centre tap index = delay compensated by the centred filter */

/* Designs the taps for fs = 44100 Hz (§1.2 steps 1-4: the bilinear A-weighting IIR
 * sampled on 512 bins, a firls-style band-pair least-squares fit solved in double via
 * 51x51 normal equations, then rounded to float). h receives 101 symmetric taps.
 * Returns 0, or -1 if the solve fails (not expected: the system is well conditioned). */
int vx_aweight_design(float h[VX_AWEIGHT_TAPS]);

/* Centred filtering of n samples, zero outside [0, n):
 *   y[t] = sum_{k=0..100} h[k] x[t + k - 50].
 * The taps are symmetric, so this is also its own adjoint: the backward pass of
 * y = Aw(x) is dL/dx = vx_aweight_apply(h, dL/dy). y must not alias x. Runs
 * block-parallel with OpenMP; the result does not depend on the thread count. */
void vx_aweight_apply(const float h[VX_AWEIGHT_TAPS], const float *x, float *y, size_t n);

#endif
