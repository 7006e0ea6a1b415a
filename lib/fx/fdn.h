/* The FDN reverb in its frequency-sampled form (spec/effects.md §7a): the four impulse
 * responses h[o][i] (input i -> output o, 4-band EQ included) and their backward pass. */
#ifndef VX_FX_FDN_H
#define VX_FX_FDN_H

#include <stddef.h>

#include "err.h"
#include "params.h"

#define VX_FDN_LEN 529200 /* L_f = 12 s at 44.1 kHz */

/* Delay-line lengths in samples (spec §7). */
extern const int vx_fdn_delays[VX_FDN_LINES];

#endif

/* The workspace and its passes, once per precision (dsp/real.h): vx_fdn with float
 * responses (and gradients) and transforms, or vx_fdn_d, every function's name ending in
 * _d, with double ones (its EQ still filters float signals: rounded sample by sample). */
#include "dsp/real.h"

typedef struct VX_R(vx_fdn) VX_R(vx_fdn);

/* Workspace for responses of len samples (even; VX_FDN_LEN for the DiffVox model, shorter
 * lengths give the same construction on a coarser frequency grid, for tests): about
 * 136 len bytes (72 MB at VX_FDN_LEN, a table of the float32 grid's phases included),
 * nothing large is allocated per call. Forward and backward use omp_get_max_threads()
 * threads as of this call. Returns NULL when len is odd or < 4, or memory runs out. Free
 * with vx_fdn_free. */
VX_R(vx_fdn) *VX_R(vx_fdn_create)(size_t len);
void VX_R(vx_fdn_free)(VX_R(vx_fdn) *f);
size_t VX_R(vx_fdn_len)(const VX_R(vx_fdn) *f);

/* on != 0 (vx_fdn's default): the frequency grid omega_k d_i in float32 as the original
 * computes it (torch.arange(F) / L * 2 pi) in float32 as its default dtype, even for a
 * model in double precision: the presets were trained with it, and its phase error at
 * high bins is audible in the golden references (-54 dB on an impulse response with a
 * high-shelf boost). on = 0 (vx_fdn_d's default): the exact grid, omega_k = 2 pi k / L in
 * double, as the original computes it with float64 as its default dtype: its float64
 * ITO reference (golden/ito) was made so, and MIR's objective there is 3e-4 away with the
 * float32 grid, 2e-5 with the exact one (test_match_objective). */
void VX_R(vx_fdn_set_f32_grid)(VX_R(vx_fdn) *f, int on);

/* Impulse responses for the physical values fx->fdn: ir[2 o + i][n], n < len, output
 * channel o (0 = L), input channel i, caller-owned arrays of len samples each.
 * Keeps what vx_fdn_backward needs. Returns 0, or -1 with e set when U cannot be formed. */
int VX_R(vx_fdn_forward)(VX_R(vx_fdn) *f, const vx_fx *fx, vx_real *const ir[4], vx_err *e);

#ifndef VX_REAL_DOUBLE /* renders are float */
/* A workspace for vx_fdn_forward only (renders): about 16 len bytes (8.5 MB at
 * VX_FDN_LEN), the same responses; vx_fdn_backward returns -1 on it. */
vx_fdn *vx_fdn_create_forward(size_t len);

/* The first n <= len samples of the same responses, from a forward-only workspace (renders:
 * what reaches the outputs of a signal of n samples): ir[2 o + i] hold n floats each.
 * Returns 0, or -1 with e set when U cannot be formed, n > len, f has a backward pass
 * or memory runs out. */
int vx_fdn_forward_head(vx_fdn *f, const vx_fx *fx, float *const ir[4], size_t n, vx_err *e);
#endif


/* Backward pass of the last vx_fdn_forward: g[2 o + i][n] = d(loss)/d(ir[2 o + i][n])
 * (len samples each). ADDS d(loss)/d(physical value) to grad->fdn: b, c, gamma, w (only
 * its strict upper triangle is non-zero) and eq[] gain_db, freq_hz, q (shelf q excluded).
 * Returns 0, or -1 with e set when called before a forward or the matrix exponential's
 * derivative cannot be formed. */
int VX_R(vx_fdn_backward)(VX_R(vx_fdn) *f, const vx_real *const g[4], vx_fx *grad, vx_err *e);
