/* A query's way to the encoders in the ITO objective (objective.c): the dry chunk through
 * the EQ, the compressor and the post-compressor response (response.h), scaled and split
 * into mid and side in double; and the backward pass of that, which gathers the gradient
 * of the whole chain. One render per lane (thread); the response is shared.
 * Once per precision (dsp/real.h): vx_render with float signals and transforms, or
 * vx_render_d, every function's name ending in _d, with double ones: MIR's log spread
 * reads the quiet samples of a render, which float rounding and float FFT noise (1e-7 of
 * the peak) decide; MFCC's dB spectra do not (test_match_objective). */
#include "fx/comp.h"
#include "fx/peq.h"
#include "response.h"

#include "dsp/real.h"

typedef struct VX_R(vx_render) VX_R(vx_render);

/* Work memory for chunks of len samples on response r (about 100 bytes a sample in
 * float, twice that in double). NULL when out of memory. */
VX_R(vx_render) *VX_R(vx_render_create)(const VX_R(vx_response) *r, size_t len);
void VX_R(vx_render_free)(VX_R(vx_render) *q);

/* ms[0] = g (l + r) / sqrt 2, ms[1] = g (l - r) / sqrt 2 of n samples. */
void VX_R(vx_render_mid_side)(double g, const vx_real *l, const vx_real *r, size_t n,
                              double *const ms[2]);

/* Renders the mono chunk x[len] with fx on r, built for fx (vx_response_build_eval):
 * mid and side of g times the stereo output into ms[2][len]. Keeps what its backward
 * needs. Returns 0, or -1 when the compressor's values are outside their ranges. */
int VX_R(vx_render_forward)(VX_R(vx_render) *q, const VX_R(vx_response) *r, const vx_fx *fx,
                            const float *x, double g, double *const ms[2]);

/* Backward of the last forward from gms[2][len] = d(loss)/d(mid, side): ADDS to q's
 * gradients of the EQ and compressor and its spectra of d(loss)/d(h_o). */
void VX_R(vx_render_backward)(VX_R(vx_render) *q, const VX_R(vx_response) *r, double g,
                              const double *const gms[2]);

/* Zeroes q's gradients (before a batch's backward passes). */
void VX_R(vx_render_zero)(VX_R(vx_render) *q);
/* Adds from's gradients to q's. */
void VX_R(vx_render_add)(VX_R(vx_render) *q, const VX_R(vx_render) *from);
/* The gradient of the whole chain from q's gradients (summed over every lane by now)
 * through the construction of r: ADDS d(loss)/d(physical values) to grad. Returns 0, or
 * -1 with e set (vx_response_backward). */
int VX_R(vx_render_gradient)(VX_R(vx_render) *q, VX_R(vx_response) *r, vx_fx *grad, vx_err *e);
