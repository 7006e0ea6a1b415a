/* The post-compressor stereo impulse response h_o of response.h, built for rendering with
 * little memory: forward-only delay and FDN workspaces, then the stage responses combined
 * in segments (under 15 MB with their FFT tables, against the 80 bytes per point of a
 * 16 s grid of a vx_response, which can also apply and differentiate). */
#ifndef VX_IMPULSE_H
#define VX_IMPULSE_H

#include <stddef.h>

#include "err.h"
#include "params.h"

/* Samples of h_o that reach the outputs of a signal of n samples (all of h_o for n = 0):
 * min(n, vx_response_len()). */
size_t vx_impulse_len(size_t n);

/* The FFT grid on which the build combines the stage responses for n samples (as
 * vx_impulse_len). A whole-signal render convolves in blocks of half of it where that is
 * even, so that both take the same FFT plan. */
size_t vx_impulse_grid(size_t n);

/* How the FFT tables of the long transforms (12 s, 4 s, the combining grid) are kept. */
typedef enum {
    VX_IMPULSE_KEEP,   /* kept for the next build: renders of many presets */
    VX_IMPULSE_RELEASE /* released (vx_fft_release) once used, the grid done on one
                          thread: the smallest peak memory, for one render. The combining
                          grid's (vx_impulse_grid) are left to the caller, to convolve
                          on or release. */
} vx_impulse_tables;

/* h_o[t] for t < vx_impulse_len(n), the same values as vx_response_impulse gives: returns
 * a block to free() that holds both, h[0] (left) and h[1] (right) pointing into it; NULL
 * with e set when out of memory or the FDN or the delay cannot be formed from fx. */
float *vx_impulse_build(const vx_fx *fx, size_t n, vx_impulse_tables tables, float *h[2],
                        vx_err *e);

#endif
