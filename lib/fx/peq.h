/* A cascade of biquad bands applied in order (spec/effects.md §1, §4): the main 6-band EQ
 * (peak, peak, low shelf, high shelf, low-pass, high-pass) and the FDN's 4-band output EQ
 * (peak, peak, low shelf, high shelf), forward and reverse mode. */
#ifndef VX_FX_PEQ_H
#define VX_FX_PEQ_H

#include <stddef.h>

#include "fx/biquad.h"
#include "err.h"
#include "params.h"

/* Band kinds in chain order, matching vx_fx.peq[] and vx_fx.fdn.eq[]. */
extern const vx_bq_kind vx_peq_main_kinds[VX_PEQ_BANDS];
extern const vx_bq_kind vx_peq_fdn_kinds[VX_FDNEQ_BANDS];

#endif

/* The cascade, once per precision (dsp/real.h): vx_peq on float signals, or vx_peq_d,
 * every function's name ending in _d, on double ones (one signal at a time). */
#include "dsp/real.h"

/* One cascade and the signals its backward pass needs: nbands + 1 buffers of max_len
 * samples, all allocated here. Objects are independent (one per thread/channel). */
typedef struct VX_R(vx_peq) VX_R(vx_peq);

/* kinds[nbands] is copied. NULL when out of memory or nbands is not in
 * 1..VX_BIQUAD_MAX_CASCADE. */
VX_R(vx_peq) *VX_R(vx_peq_create)(const vx_bq_kind *kinds, int nbands, size_t max_len);
void VX_R(vx_peq_free)(VX_R(vx_peq) *p);

/* y = band[nbands-1](...band[0](x)), each from zero state at fs = VX_FS. bands[nbands] are
 * physical values (dB, Hz, Q; shelves use band q, which vx_params_to_fx sets to VX_SHELF_Q).
 * The signal passes between bands in double (vx_biquad_cascade). Keeps the bands and
 * every intermediate signal for vx_peq_backward. y may alias x.
 * Returns 0, or -1 with e set when n > max_len. */
int VX_R(vx_peq_forward)(VX_R(vx_peq) *p, const vx_band *bands, const vx_real *x, vx_real *y,
                         size_t n, vx_err *e);

/* Reverse mode of the last forward call: gy[n] = dL/dy in, gx[n] = dL/dx out (gx may alias
 * gy), and dL/d(gain_db, freq_hz, q) ADDED to gbands[nbands] (the caller zeroes them once
 * per step). Shelf q entries receive the sensitivity to the fixed Q; LP/HP gain stays 0. */
void VX_R(vx_peq_backward)(VX_R(vx_peq) *p, const vx_real *gy, vx_real *gx, vx_band *gbands);

#ifndef VX_REAL_DOUBLE

/* The same cascade on VX_BIQUAD_LANES signals at once, one per vector lane (the FDN's four
 * responses share one EQ): about three times the throughput of four mono objects, with
 * 4 (nbands + 1) max_len floats of saved signals. Objects from vx_peq_create4 take only
 * vx_peq_forward4/backward4 (the mono calls return -1 / do nothing on them, and the other
 * way round). x[j], y[j] (may alias), gy[j], gx[j] (may alias) are n-sample signals;
 * the band gradients are summed over the signals. */
vx_peq *vx_peq_create4(const vx_bq_kind *kinds, int nbands, size_t max_len);
int vx_peq_forward4(vx_peq *p, const vx_band *bands, const float *const x[VX_BIQUAD_LANES],
                    float *const y[VX_BIQUAD_LANES], size_t n, vx_err *e);
void vx_peq_backward4(vx_peq *p, const float *const gy[VX_BIQUAD_LANES],
                      float *const gx[VX_BIQUAD_LANES], vx_band *gbands);
#endif
