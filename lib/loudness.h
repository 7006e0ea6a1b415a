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

/* The same measurement fed piece by piece (streams), keeping about 0.5 s of the signal
 * and 16 bytes per channel and 0.1 s: pushing a signal in any pieces gives the value
 * vx_loudness_integrated gives for all of it, bit for bit. new returns NULL with e filled
 * when nchan is not 1..5, fs <= 0 or memory runs out; push -1 when memory runs out;
 * result -1 when less than 0.4 s was pushed. */
typedef struct vx_loudness_meter vx_loudness_meter;
vx_loudness_meter *vx_loudness_meter_new(size_t nchan, double fs, vx_err *e);
/* nframes frames of interleaved float audio x. */
int vx_loudness_meter_push(vx_loudness_meter *m, const float *x, size_t nframes, vx_err *e);
/* Integrated loudness in LUFS of everything pushed so far. */
int vx_loudness_meter_result(const vx_loudness_meter *m, double *lufs, vx_err *e);
void vx_loudness_meter_free(vx_loudness_meter *m);

/* Linear gain 10^((target_lufs - lufs) / 20) that pyloudnorm's normalize.loudness
 * applies (no clipping or limiting). Returns 0, or -1 with e filled when lufs is not
 * finite (silence has no gain that reaches a target). */
int vx_loudness_gain(double lufs, double target_lufs, double *gain, vx_err *e);

#endif
