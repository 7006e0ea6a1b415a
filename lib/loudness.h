/* Integrated loudness (ITU-R BS.1770 as pyloudnorm 0.1.1 computes it, spec/pipeline.md
 * §2.2) and the gain that brings a signal to a target loudness. */
#ifndef VX_LOUDNESS_H
#define VX_LOUDNESS_H

#include <stddef.h>

#include "err.h"

#define VX_LOUDNESS_MAX_CHANNELS 5

/* Integrated loudness in LUFS of nframes frames of interleaved float audio x
 * (x[t * nchan + c], full scale 1.0) at fs Hz: K-weighting by pyloudnorm's RBJ
 * shelf (+4 dB, 1500 Hz, Q 1/sqrt 2) and high-pass (38 Hz, Q 0.5) designed at fs,
 * 0.4 s blocks with 75 % overlap, absolute (-70 LUFS) and relative (-10 LU) gates,
 * channel weights 1, 1, 1, 1.41, 1.41. x is not modified.
 * Returns 0 with *lufs set; *lufs is -INFINITY when every block is gated out
 * (digital silence). Returns -1 with e filled when nchan is not 1..5, fs <= 0,
 * the signal is shorter than 0.4 s, or memory runs out. */
int vx_loudness_integrated(const float *x, size_t nchan, size_t nframes, double fs,
                           double *lufs, vx_err *e);

/* Linear gain 10^((target_lufs - lufs) / 20) that pyloudnorm's normalize.loudness
 * applies (no clipping or limiting). Returns 0, or -1 with e filled when lufs is not
 * finite (silence has no gain that reaches a target). */
int vx_loudness_gain(double lufs, double target_lufs, double *gain, vx_err *e);

#endif
