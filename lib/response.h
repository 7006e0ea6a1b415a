/* The post-compressor response (DESIGN.md "Gradients"): everything after the compressor
 * is linear and time-invariant, so the stereo output is y_o = h_o * c with
 *   h_o = dry_o delta + q_o + f_o0 + f_o1 + s (f_o0 * q_0 + f_o1 * q_1),   o = L, R,
 * from the ping-pong delay's stereo response q (4 s), the FDN's 2x2 responses f (12 s, EQ
 * included), the dry pan gains and the delay-to-FDN send s (spec/effects.md §1).
 * Built once per parameter set, applied to any number of signals, differentiated once. */
#ifndef VX_RESPONSE_H
#define VX_RESPONSE_H

#include <stddef.h>

#include "err.h"
#include "dsp/fft.h"
#include "params.h"

/* Length of h_o in samples: the delay and FDN responses convolved. */
size_t vx_response_len(void);

/* FFT grid (points) of vx_response_create(n, from), and the bytes that (float) response holds
 * with `threads` threads (vx_response_work's bytes: per thread of its users). */
size_t vx_response_grid(size_t n, size_t from);
size_t vx_response_bytes(size_t n, size_t from, int threads);
size_t vx_response_work_bytes(size_t n, size_t from);

#endif

/* The response and its passes, once per precision (dsp/real.h): vx_response with float
 * signals, spectra and transforms, or vx_response_d, every function's name ending in _d,
 * with double ones (signals: double; spectra C and acc: vx_cpxd). vx-match's MIR
 * encoder renders its queries with the double one (style/objective.c). */
#include "dsp/real.h"

typedef struct VX_R(vx_response) VX_R(vx_response);
/* Per-thread buffers for applying a response and its backward pass. */
typedef struct VX_R(vx_response_work) VX_R(vx_response_work);

/* A response for signals of up to n samples whose outputs are used from sample `from`
 * on (0: all of them; a fit's loss skips the chunk overlap), and for an impulse response
 * of up to n samples: the FFT grid is the smallest whose wrap-around stays in the unused
 * outputs. NULL when out of memory, n is 0 or from >= n. */
VX_R(vx_response) *VX_R(vx_response_create)(size_t n, size_t from);
/* A response only for vx_response_impulse (the whole h_o), on the smallest grid. */
VX_R(vx_response) *VX_R(vx_response_create_impulse)(void);
void VX_R(vx_response_free)(VX_R(vx_response) *r);
size_t VX_R(vx_response_bins)(const VX_R(vx_response) *r);

/* Builds the delay and FDN responses for fx and the spectra H_o. eta (< 0) is the delay
 * surrogate's damping, used only by vx_response_backward. Returns 0, or -1 with e set when
 * the FDN or the delay cannot be formed. */
int VX_R(vx_response_build)(VX_R(vx_response) *r, const vx_fx *fx, double eta, vx_err *e);
/* The same values for DiffVox's eval-mode chain, differentiated as it is (vx-match): the
 * backward takes the delay time through the hard sinc pulse (fx/delay.h SINC_EVAL), not
 * the surrogate, and gives no eta gradient. */
int VX_R(vx_response_build_eval)(VX_R(vx_response) *r, const vx_fx *fx, vx_err *e);

/* h_o[t] for t < min(n, vx_response_len()) (n of vx_response_create; all of it for
 * vx_response_create_impulse) into caller arrays (streaming convolution). */
void VX_R(vx_response_impulse)(VX_R(vx_response) *r, vx_real *h_left, vx_real *h_right);

VX_R(vx_response_work) *VX_R(vx_response_work_create)(const VX_R(vx_response) *r);
void VX_R(vx_response_work_free)(VX_R(vx_response_work) *w);

/* y_o = h_o * c truncated to n samples (n no more than vx_response_create's): into yl, yr,
 * or interleaved into y[2n] if yr is NULL (then yl is y); samples before `from` are 0. C (vx_response_bins complex,
 * caller-owned, may be NULL) keeps the spectrum of c for the backward pass. */
void VX_R(vx_response_apply)(const VX_R(vx_response) *r, VX_R(vx_response_work) *w,
                             const vx_real *c, size_t n, vx_cpxr *C, vx_real *yl,
                             vx_real *yr);

/* Backward of one apply: gl, gr = dL/dy_o (n samples, 0 before `from`), C the spectrum
 * that apply kept.
 * Writes gc = dL/dc (n samples) and ADDS the spectra of dL/dh_o to acc[2]
 * (vx_response_bins complex each; one pair per thread, zeroed by the caller). */
void VX_R(vx_response_apply_backward)(const VX_R(vx_response) *r, VX_R(vx_response_work) *w,
                                      const vx_cpxr *C, const vx_real *gl, const vx_real *gr,
                                      size_t n, vx_real *gc, vx_cpxr *const acc[2]);

/* Backward through the construction of h_o, given the summed acc of every apply:
 * ADDS dL/d(physical) of the delay, FDN, send and dry pan to grad, dL/d(eta) to *g_eta.
 * Returns 0, or -1 with e set before a build. */
int VX_R(vx_response_backward)(VX_R(vx_response) *r, vx_cpxr *const acc[2], vx_fx *grad,
                               double *g_eta, vx_err *e);
