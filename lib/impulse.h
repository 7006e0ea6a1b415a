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

/* How the FFT tables of the long transforms (12 s, 4 s, the combining grid) are kept. */
typedef enum {
    VX_IMPULSE_KEEP,   /* kept for the next build: renders of many presets */
    VX_IMPULSE_RELEASE /* released (vx_fft_release), the grid done on one thread: the
                          smallest peak memory, for one render */
} vx_impulse_tables;

/* h_o[t] for t < vx_impulse_len(n) into hl, hr (caller arrays of that many floats), the same
 * values as vx_response_impulse gives. Returns 0, or -1 with e set when out of memory or
 * the FDN or the delay cannot be formed from fx. */
int vx_impulse_build(const vx_fx *fx, size_t n, vx_impulse_tables tables, float *hl,
                     float *hr, vx_err *e);

#endif
