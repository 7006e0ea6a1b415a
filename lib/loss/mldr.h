/* Level-difference terms of the MLDR losses (spec/pipeline.md §1.6): log ratio of a short
 * and a long one-pole power envelope, the long one shifted left within each signal
 * (DESIGN.md decision 4), compared between prediction and target. */
#ifndef VX_LOSS_MLDR_H
#define VX_LOSS_MLDR_H

#include <stddef.h>

#define VX_LDR_PAIRS 2 /* MLDR sums the terms of two (short, long) pairs (§1.6) */

/* One (short, long) time-constant pair: a[n] = c p[n] + f a[n-1] for each envelope. */
typedef struct {
    double c_short, f_short, c_long, f_long;
    size_t shift; /* s = int(fs (tau_long - tau_short) 0.0005), samples */
} vx_ldr;

/* A row of a stereo signal: x[n] = a l[n] + b r[n] (float arithmetic). */
typedef struct {
    float a, b;
} vx_ldr_mix;

/* The rows the terms run on: L and R (mldr_lr), mid and side (mldr_ms: (L +- R)/sqrt 2). */
enum { VX_LDR_LEFT, VX_LDR_RIGHT, VX_LDR_MID, VX_LDR_SIDE, VX_LDR_ROWS };
vx_ldr_mix vx_ldr_row_mix(int row);

/* Pair with time constants in ms at fs Hz: c = 1 - exp(-2200 / tau / fs) evaluated in
 * float32 as torchcomp's ms2coef does, so c is a multiple of 2^-24 (c(2000 ms) = 2.4915e-5,
 * 0.11 % under the exact 2.4943e-5 that spec §1.6 prints; the golden MLDR values agree
 * with the float32 coefficients), and f = 1 - c (exact). */
void vx_ldr_init(vx_ldr *p, double tau_short_ms, double tau_long_ms, double fs);

/* Target side: q[i len + n] = a_short[n] / a_long[(n + s_i) mod len] of row m of (l, r)
 * for pair i, len samples; ln q is the level difference d of §1.6. work: 2 len floats. */
void vx_ldr_target(const vx_ldr pairs[VX_LDR_PAIRS], vx_ldr_mix m, const float *l,
                   const float *r, size_t len, float *q, float *work);

/* Prediction side for training: returns sum_i sum_n |d_x[n] - d_y[n]| over the pairs of
 * row m of (l, r) against the target's q (from vx_ldr_target), and adds the gradient of
 * that sum with respect to the row signal into gx (len floats). work: 4 len floats. */
double vx_ldr_forward_backward(const vx_ldr pairs[VX_LDR_PAIRS], vx_ldr_mix m, const float *l,
                               const float *r, const float *qy, size_t len, float *gx,
                               float *work);

/* sum_n |d_x[n] - d_y[n]| of one pair between row m of (xl, xr) and of (yl, yr), without
 * caches, in O(shift) memory (evaluation of whole tracks). NaN if memory runs out. */
double vx_ldr_compare(const vx_ldr *p, vx_ldr_mix m, const float *xl, const float *xr,
                      const float *yl, const float *yr, size_t len);

#endif
