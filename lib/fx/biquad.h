/* Second-order sections: RBJ-cookbook design of the five DiffVox filter types
 * (spec/effects.md §4), zero-state filtering along time, and the reverse-mode
 * gradients of both (filter adjoint, design Jacobian). */
#ifndef VX_FX_BIQUAD_H
#define VX_FX_BIQUAD_H

#include <stddef.h>

#include "params.h"

typedef enum { VX_BQ_PEAK, VX_BQ_LOWSHELF, VX_BQ_HIGHSHELF, VX_BQ_LOWPASS, VX_BQ_HIGHPASS } vx_bq_kind;

/* Coefficients normalised by a0: y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2].
 * The same struct holds a gradient dL/d(b0, b1, b2, a1, a2). */
typedef struct {
    double b0, b1, b2, a1, a2;
} vx_biquad;

/* Design at sample rate fs (Hz): gain in dB (peak, shelves; ignored by LP/HP), f0 in Hz, Q.
 * Shelves take Q as given (DiffVox passes its fixed 0.707). */
vx_biquad vx_biquad_design(vx_bq_kind kind, double gain_db, double freq_hz, double q, double fs);

/* Magnitude response in dB, 20 log10 |B(z) / A(z)| at z = e^(j 2 pi freq_hz / fs), of the
 * coefficients f (what filtering with them does to a sinusoid of freq_hz Hz). */
double vx_biquad_mag_db(const vx_biquad *f, double freq_hz, double fs);

/* Filter n samples from zero state (transposed direct form II, double state).
 * y may be the same array as x. */
void vx_biquad_filter(const vx_biquad *f, const float *x, float *y, size_t n);

/* The same on a double signal (used where a response is built in double). */
void vx_biquad_filter_d(const vx_biquad *f, const double *x, double *y, size_t n);

/* Reverse mode of y = vx_biquad_filter(f, x): given the forward input x[n], its output
 * y[n] and gy[n] = dL/dy, writes gx[n] = dL/dx and ADDS dL/d(b0, b1, b2, a1, a2) to *gc.
 * The adjoint recursion u = A^-T gy runs backwards in time (the transposed filter on the
 * time-reversed gradient); gx = B^T u, dL/db_j = sum u[t] x[t-j], dL/da_j = -sum u[t] y[t-j].
 * Signals are float, every sum and the recursion are double. gx may alias gy (not x, y).
 * The caller keeps x and y from the forward pass. */
void vx_biquad_backward(const vx_biquad *f, const float *x, const float *y, const float *gy,
                        float *gx, size_t n, vx_biquad *gc);

/* The same on double signals. */
void vx_biquad_backward_d(const vx_biquad *f, const double *x, const double *y,
                          const double *gy, double *gx, size_t n, vx_biquad *gc);

/* Most sections a cascade may have. */
#define VX_BIQUAD_MAX_CASCADE 8

/* Cascade of nf <= VX_BIQUAD_MAX_CASCADE sections in one pass over time, each from zero
 * state: sig[0] is the input, sig[k] (k = 1..nf) receives the output of section k-1, so
 * sig[nf] is the result. The signal passes between sections in double and is only stored
 * as float, so the result is the double cascade rounded once. sig has nf + 1 entries of n
 * samples; for a forward-only use they may all be the same buffer.
 * When OpenMP allows two threads (omp_get_max_threads() >= 2, not nested in an active
 * parallel region), this and the other cascade functions below run the first and the last
 * half of the sections on two threads as a pipeline over blocks of time, handing the
 * signal over in double: the result is the same bits as on one thread. */
void vx_biquad_cascade(const vx_biquad *f, int nf, float *const *sig, size_t n);

/* Forward only, carrying state between calls (streaming): state[nf][2], zero at the start
 * of a signal, is updated. y may alias x. */
void vx_biquad_cascade_run(const vx_biquad *f, int nf, double (*state)[2], const float *x,
                           float *y, size_t n);

/* Reverse mode of vx_biquad_cascade, given its sig[0..nf] and gy = dL/d(sig[nf]): writes
 * gx = dL/d(sig[0]) (may alias gy, not sig) and ADDS dL/d(coefficients of section k) to
 * gc[k], k < nf. The gradient passes between sections in double. */
void vx_biquad_cascade_backward(const vx_biquad *f, int nf, const float *const *sig,
                                const float *gy, float *gx, size_t n, vx_biquad *gc);

/* Signals filtered together by the cascade4 functions, one per vector lane. */
#define VX_BIQUAD_LANES 4

/* vx_biquad_cascade on VX_BIQUAD_LANES signals at once, one per vector lane (about three
 * times the throughput of four separate runs): x[j][t] in, y[j][t] out (y[j] may alias
 * x[j]), t < n. sig[k] (k = 0..nf, caller-owned, 4 n floats each, 16-byte aligned)
 * receives the input of section k, sig[nf] the output, interleaved by sample:
 * sig[k][4 t + j] is signal j at time t. Same rounding as vx_biquad_cascade. */
void vx_biquad_cascade4(const vx_biquad *f, int nf, const float *const x[VX_BIQUAD_LANES],
                        float *const *sig, float *const y[VX_BIQUAD_LANES], size_t n);

/* Reverse mode of vx_biquad_cascade4, given its sig[0..nf] and gy[j] = dL/dy[j]: writes
 * gx[j] = dL/dx[j] (may alias gy[j]) and ADDS dL/d(coefficients of section k), summed over
 * the signals that share them, to gc[k]. */
void vx_biquad_cascade4_backward(const vx_biquad *f, int nf, const float *const *sig,
                                 const float *const gy[VX_BIQUAD_LANES],
                                 float *const gx[VX_BIQUAD_LANES], size_t n, vx_biquad *gc);

/* Jacobian of vx_biquad_design's normalised coefficients at (gain_db, freq_hz, q):
 * jac[0] = d/d(gain_db), jac[1] = d/d(freq_hz), jac[2] = d/dq, each a vx_biquad of partial
 * derivatives (per dB, per Hz, per unit Q). LP/HP have jac[0] = 0. Analytic (RBJ formulas). */
void vx_biquad_design_jacobian(vx_bq_kind kind, double gain_db, double freq_hz, double q,
                               double fs, vx_biquad jac[3]);

/* Chain rule through the design: ADDS dL/d(gain_db, freq_hz, q) = gc . jac to *gband, where
 * gc = dL/d(coefficients) of the section designed from *band. For shelves the q entry is the
 * sensitivity to their fixed Q (not a parameter); for LP/HP the gain entry stays 0. */
void vx_biquad_grad_band(vx_bq_kind kind, const vx_band *band, double fs, const vx_biquad *gc,
                         vx_band *gband);

#endif
