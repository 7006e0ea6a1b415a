/* Sample-rate conversion with libsoxr (the resampler sox uses) at its high quality
 * (SOXR_HQ: 20-bit precision, pass band to 91 % of the lower Nyquist frequency, linear
 * phase). One resampler serves whole signals and streams; both give
 * round(n * out_rate / in_rate) frames for n frames in, time-aligned with the input. */
#ifndef VX_DSP_RESAMPLE_H
#define VX_DSP_RESAMPLE_H

#include <stddef.h>

#include "err.h"

typedef struct vx_resampler vx_resampler;

/* Rates in Hz (> 0), interleaved float32 frames of `channels` samples. NULL with e set. */
vx_resampler *vx_resampler_new(double in_rate, double out_rate, int channels, vx_err *e);
/* Consumes up to n input frames (*used says how many) and writes up to cap output frames
 * to out; returns the number written. in == NULL marks the end of the input: the frames
 * still held back are written, over as many calls as cap needs (0 when all are out). */
size_t vx_resampler_process(vx_resampler *r, const float *in, size_t n, size_t *used, float *out,
                            size_t cap);
void vx_resampler_free(vx_resampler *r);

/* A whole signal: *out (allocated, caller frees) holds *out_frames frames at out_rate.
 * Returns 0, or -1 with e set. */
int vx_resample(const float *in, size_t frames, int channels, double in_rate, double out_rate,
                float **out, size_t *out_frames, vx_err *e);

#endif
