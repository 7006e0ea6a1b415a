/* The whole DiffVox chain (spec/effects.md §1), frequency-sampled form:
 * PEQ -> compressor/expander -> c; y_o = h_o * c with the post-compressor response. */
#ifndef VX_CHAIN_H
#define VX_CHAIN_H

#include <stddef.h>

#include "err.h"
#include "impulse.h"
#include "params.h"

/* Render n mono samples x through the chain with physical values fx: y[2n] interleaved
 * stereo (L, R), as long as the input. The stream below over the whole signal: besides x
 * and y, about 30 MB at most. FFT tables are kept for the next render. */
int vx_chain_render(const vx_fx *fx, const float *x, size_t n, float *y, vx_err *e);
/* The same with a choice of what happens to the FFT tables (impulse.h). */
int vx_chain_render_tables(const vx_fx *fx, const float *x, size_t n, float *y,
                           vx_impulse_tables tables, vx_err *e);

/* Streaming: the same chain block by block with bounded memory. */
typedef struct vx_chain_stream vx_chain_stream;

/* block: the largest push, in samples (even); n: the most samples that will be pushed, or
 * 0 for any number (a shorter signal needs less of the response); tables as in impulse.h.
 * Memory: about 25 bytes per sample of the 16 s response (17 MB), 60 per sample of block,
 * and while the response is built, up to 30 MB. NULL with e set on failure. */
vx_chain_stream *vx_chain_stream_new(const vx_fx *fx, size_t block, size_t n,
                                     vx_impulse_tables tables, vx_err *e);
/* The most frames one push or finish writes (output trails input by up to that much). */
size_t vx_chain_stream_max_frames(const vx_chain_stream *s);
/* Consumes n <= block mono samples; writes the frames now complete to y (interleaved
 * stereo) and returns their count. */
size_t vx_chain_stream_push(vx_chain_stream *s, const float *x, size_t n, float *y);
/* The end of the input: writes the frames still held back and returns their count.
 * Over the whole stream, frames out = frames in. */
size_t vx_chain_stream_finish(vx_chain_stream *s, float *y);
void vx_chain_stream_free(vx_chain_stream *s);

#endif
