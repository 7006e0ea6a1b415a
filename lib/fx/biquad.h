/* Second-order sections: RBJ-cookbook design of the five DiffVox filter types
 * (spec/effects.md §4) and zero-state filtering along time. */
#ifndef VX_FX_BIQUAD_H
#define VX_FX_BIQUAD_H

#include <stddef.h>

typedef enum { VX_BQ_PEAK, VX_BQ_LOWSHELF, VX_BQ_HIGHSHELF, VX_BQ_LOWPASS, VX_BQ_HIGHPASS } vx_bq_kind;

/* Coefficients normalised by a0: y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]. */
typedef struct {
    double b0, b1, b2, a1, a2;
} vx_biquad;

/* Design at sample rate fs (Hz): gain in dB (peak, shelves; ignored by LP/HP), f0 in Hz, Q.
 * Shelves take Q as given (DiffVox passes its fixed 0.707). */
vx_biquad vx_biquad_design(vx_bq_kind kind, double gain_db, double freq_hz, double q, double fs);

/* Filter n samples from zero state (transposed direct form II, double state).
 * y may be the same array as x. */
void vx_biquad_filter(const vx_biquad *f, const float *x, float *y, size_t n);

/* The same on a double signal (used where a response is built in double). */
void vx_biquad_filter_d(const vx_biquad *f, const double *x, double *y, size_t n);

#endif
