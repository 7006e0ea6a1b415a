/* Style embeddings of one audio channel (spec/pipeline.md §8.5), forward and exact
 * backward, in double: the MFCC statistics (100 values) and the MIR feature statistics
 * (24 values), each L2-normalised. The caller forms mid and side from a stereo chunk. */
#ifndef VX_STYLE_EMBED_H
#define VX_STYLE_EMBED_H

#include "err.h"

#include <stddef.h>

typedef enum { VX_ENCODER_MFCC, VX_ENCODER_MIR } vx_encoder;

/* Length of one channel's embedding: 100 for MFCC, 24 for MIR. */
int vx_embed_dim(vx_encoder enc);
/* "mfcc" or "mir"; vx_encoder_parse returns -1 for any other name. */
const char *vx_encoder_name(vx_encoder enc);
int vx_encoder_parse(const char *name, vx_encoder *enc);

/* Plans and scratch for one encoder and one signal length n (samples, n >= 2048).
 * One embedder per thread; it keeps what the backward pass of its last forward needs
 * (the spectra: about 16.5 n bytes for MFCC, 24.5 n for MIR; 8 and 12 MB for 11 s). */
typedef struct vx_embedder vx_embedder;
vx_embedder *vx_embedder_create(vx_encoder enc, size_t n, vx_err *e);
void vx_embedder_free(vx_embedder *em);

/* emb[vx_embed_dim] = the L2-normalised embedding of x[n], the channel on its own (for
 * MFCC, the top_db clamp is then relative to this channel's maximum: torchaudio on a
 * one-channel input). */
int vx_embed(vx_embedder *em, const double *x, double *emb, vx_err *e);
/* g_x[n] += d(loss)/dx given g_emb = d(loss)/d(emb), for the x of the last vx_embed (not
 * vx_embed_ms). The gradient is autograd's, including through the non-smooth clamps and
 * maxima (shared evenly among ties); where autograd's is NaN (MIR's RMS of a frame of
 * zeros, a feature constant over all frames) it is 0. */
int vx_embed_backward(vx_embedder *em, const double *g_emb, double *g_x, vx_err *e);

/* Mid and side of one chunk, as DiffVox embeds them (a (2, n) input): torchaudio's top_db
 * clamp of the MFCC is 80 dB below one maximum over both channels' mel spectrograms, so
 * the side's embedding and gradient depend on the mid too. For MIR the same as two calls
 * of vx_embed. Two embedders of the same encoder and length; side and its arguments may
 * be NULL (then = vx_embed). */
int vx_embed_ms(vx_embedder *mid, vx_embedder *side, const double *x_mid, const double *x_side,
                double *emb_mid, double *emb_side, vx_err *e);
/* g_x_mid[n] += d(loss)/d(x_mid), g_x_side[n] += d(loss)/d(x_side) for the last vx_embed_ms. */
int vx_embed_ms_backward(vx_embedder *mid, vx_embedder *side, const double *g_emb_mid,
                         const double *g_emb_side, double *g_x_mid, double *g_x_side, vx_err *e);

#endif
