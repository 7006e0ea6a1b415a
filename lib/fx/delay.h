/* The ping-pong delay in its frequency-sampled form (spec/effects.md §6a): the stereo
 * impulse response, and its backward pass with the damped-pulse surrogate for the delay
 * time (§6b, straight-through). */
#ifndef VX_FX_DELAY_H
#define VX_FX_DELAY_H

#include <stddef.h>

#include "err.h"
#include "params.h"

#define VX_DELAY_LEN 176400 /* L_d = 4 s at 44.1 kHz */

/* Which pulse p[n] feeds the echo construction:
 * SINC   p[n] = sinc(n - D), the delay's value in evaluation and training (spec §6a);
 * DAMPED p = irfft_L(exp(eta k - j 2 pi D k / L)), the surrogate itself (§6b), so that a
 *        forward is differentiable in D and eta: for checking the surrogate gradient;
 * SINC_EVAL the SINC pulse, differentiated as it is (dp[n]/dD = -sinc'(n - D), what
 *        autograd gives through DiffVox's eval-mode delay, which ITO optimises) instead
 *        of through the surrogate: no eta gradient. */
typedef enum { VX_DELAY_PULSE_SINC, VX_DELAY_PULSE_DAMPED, VX_DELAY_PULSE_SINC_EVAL } vx_delay_pulse;

/* N, the number of echoes a response of len samples holds for fx->delay.time_ms (spec
 * §6a: len / floor(D + 1), D = 44100 time_ms 0.001 samples); -1 if D < 0 or D + 1 > len. */
int vx_delay_echo_count(const vx_fx *fx, size_t len);

/* The training regulariser (1 - e^eta)^2 (spec §6b); *d_eta gets its derivative in eta. */
double vx_delay_eta_penalty(double eta, double *d_eta);

#endif

/* The workspace and its passes, once per precision (dsp/real.h): vx_delay with float
 * signals (left, right and their gradients) and transforms, or vx_delay_d, every
 * function's name ending in _d, with double ones. */
#include "dsp/real.h"

typedef struct VX_R(vx_delay) VX_R(vx_delay);

/* Workspace for responses of len samples (even; VX_DELAY_LEN for the DiffVox model;
 * shorter lengths give the same construction, e.g. for tests): about 56 len bytes, nothing
 * is allocated per call; omp_get_max_threads() threads as of this call. NULL when len is
 * odd or < 4, or memory runs out. Free with vx_delay_free. */
VX_R(vx_delay) *VX_R(vx_delay_create)(size_t len);
void VX_R(vx_delay_free)(VX_R(vx_delay) *d);
size_t VX_R(vx_delay_len)(const VX_R(vx_delay) *d);

/* Stereo impulse response for fx->delay (time ms, feedback, gain, low-pass Hz/Q, pans p in
 * (0,1)): left/right[n], n < len, caller-owned. left = sqrt2 (cos th_o h_odd + cos th_e
 * h_even), right the same with sin, th = p pi / 2, h_odd/even = gain irfft(sum fb^(m-1) P^m)
 * over odd/even m <= N = floor(len / floor(D + 1)), D = 44100 time_ms 0.001 samples.
 * eta < 0 is the surrogate damping used by the backward pass (and by the DAMPED pulse).
 * Keeps what vx_delay_backward needs. Returns 0, or -1 with e set if D + 1 > len or D < 0. */
int VX_R(vx_delay_forward)(VX_R(vx_delay) *d, const vx_fx *fx, double eta, vx_delay_pulse pulse,
                     vx_real *left, vx_real *right, vx_err *e);

/* Backward pass of the last forward: gl/gr[n] = d(loss)/d(left/right[n]), len each.
 * ADDS d(loss)/d(physical value) to grad->delay (time_ms, feedback, gain, lpf.freq_hz,
 * lpf.q, odd_pan, even_pan) and d(loss)/d(eta) to *g_eta. The time and eta gradients flow
 * through the damped pulse (straight-through, spec §6b) whatever pulse the forward used,
 * except SINC_EVAL's (time through the sinc itself, eta none); N is piecewise constant
 * and has none. Returns 0, or -1 with e set when called before a
 * forward. */
int VX_R(vx_delay_backward)(VX_R(vx_delay) *d, const vx_real *gl, const vx_real *gr, vx_fx *grad,
                      double *g_eta, vx_err *e);
