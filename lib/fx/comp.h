/* The compressor/expander of DiffVox (CompressorExpander over torchcomp,
 * spec/effects.md §5): RMS detector, static curve, attack/release smoothing, sinc
 * lookahead, make-up; forward and reverse mode with torchcomp's gradient convention. */
#ifndef VX_FX_COMP_H
#define VX_FX_COMP_H

#include <stddef.h>

#include "err.h"
#include "params.h"

/* Lookahead filter (spec §5.4): int(fs * 16 ms) + 1 taps, int(fs * 1 ms) of left padding. */
#define VX_COMP_TAPS 706
#define VX_COMP_PAD_LEFT 44

/* The static curve (spec §5.2) of fx->comp: the gain in dB (<= 0) the compressor/expander
 * aims at for a detector level of level_db dB, before smoothing and make-up. */
double vx_comp_curve_db(const vx_fx *fx, double level_db);

/* Streaming form, block by block with bounded memory: the same maths as vx_comp_forward
 * over the concatenated input (the lookahead's right padding happens at
 * vx_comp_stream_finish). Outputs go out in blocks of min(block, 29948) samples, and
 * trail the input by up to that + 661 samples. */
typedef struct vx_comp_stream vx_comp_stream;

/* NULL with err set when out of memory or fx->comp is outside its ranges. */
vx_comp_stream *vx_comp_stream_create(const vx_fx *fx, size_t block, vx_err *err);
void vx_comp_stream_free(vx_comp_stream *s);
/* Consumes n samples of e; writes the outputs now complete to y (whole blocks: at most
 * n + block samples) and returns their count. */
size_t vx_comp_stream_push(vx_comp_stream *s, const float *e, size_t n, float *y);
/* End of input: writes the remaining outputs (at most block + 661) and returns their
 * count. Over the stream, outputs = inputs. */
size_t vx_comp_stream_finish(vx_comp_stream *s, float *y);

#endif

/* The compressor, once per precision (dsp/real.h): vx_comp with float signals, or
 * vx_comp_d, every function's name ending in _d, with double ones (the same gain). */
#include "dsp/real.h"

/* One compressor with its work memory and the forward state its backward needs
 * (about 80 bytes per sample of max_len: 42 MB for 12 s). Objects are independent. */
typedef struct VX_R(vx_comp) VX_R(vx_comp);

/* NULL when out of memory. */
VX_R(vx_comp) *VX_R(vx_comp_create)(size_t max_len);
void VX_R(vx_comp_free)(VX_R(vx_comp) *c);

/* y[n] = e[n] * g_la[n] * 10^(make_up/20) with the parameters fx->comp (physical values:
 * dB, ms, coefficients in (0,1), ratios), fs = VX_FS, zero initial state. All state is
 * double. y may alias e. Returns 0, or -1 when n > max_len or a value is outside the range
 * torchcomp accepts (rms_coef, attack, release in (0, 1], cmp_ratio >= 1, exp_ratio in
 * (0, 1), everything finite); then nothing is written and err says which. */
int VX_R(vx_comp_forward)(VX_R(vx_comp) *c, const vx_fx *fx, const vx_real *e, vx_real *y,
                          size_t n, vx_err *err);

/* Reverse mode of the last forward call: gy[n] = dL/dy in, ge[n] = dL/de out (ge may alias
 * gy), and dL/d(physical) ADDED to gfx->comp (nothing else in gfx is touched).
 * torchcomp's convention: each sample's attack/release choice is held fixed; the static
 * curve's min() passes gradient to its active branch only, none where the gain is 0 dB.
 * lookahead_ms gets the derivative of the sinc taps (spec §5.4) through l = ms*0.001*fs. */
void VX_R(vx_comp_backward)(VX_R(vx_comp) *c, const vx_real *gy, vx_real *ge, vx_fx *gfx);
