/* The DiffVox loss of a prediction against a target, stereo items of equal length
 * (spec/pipeline.md §1): mss_lr (A-weighted multi-resolution STFT on L and R), mss_ms (the
 * same on L+R and L-R), mldr_lr and mldr_ms (level differences on L/R and mid/side), their
 * weighted total (§1.7 without the delay regulariser, which the fitter adds) and its exact
 * gradient with respect to the prediction.
 *
 * Training use, B items per step (one thread per item is fine; each call below also runs
 * OpenMP inside, which collapses to one thread when nested):
 *     vx_loss *L = vx_loss_create(308700, NULL);
 *     targets[i] = vx_loss_target_create(L, yl_i, yr_i);          once per target chunk
 *     work[j] = vx_loss_work_create(L);                            once per batch slot
 *     each step:  vx_loss_forward(work[j], targets[i_j], pl_j, pr_j)   for every item
 *                 vx_loss_combine(L, work, B, &batch)                  batch.parts = the loss
 *                 vx_loss_backward(work[j], &batch, gl_j, gr_j)        for every item
 * Spectral convergence is one ratio over the whole batch and the log-magnitude and level
 * terms are means over all its elements (§1.3), so an item's gradient needs the combined
 * batch. Results do not depend on the number of threads.
 *
 * Memory at len = 308700 (7 s): a target holds 50 MB (its magnitude spectrograms, level
 * ratios and the scratch that refills it), a work 45 MB (30 MB of prediction spectra kept
 * for the backward pass, plus scratch; 55 MB when 4 or more threads are available).
 *
 * Edge cases: a silent target (or a near-mono one in the L-R rows) has all its magnitudes at
 * the 1e-4 floor, so ||Y|| = 1e-4 sqrt(elements): spectral convergence is large but finite,
 * as in the reference (no eps is added, §1.3). Silent predictions are finite too; where a
 * prediction's power is under the floor its gradient is zero (the clamp). */
#ifndef VX_LOSS_TOTAL_H
#define VX_LOSS_TOTAL_H

#include <stddef.h>

#include "err.h"
#include "loss/mldr.h"
#include "loss/stft.h"

typedef struct {
    double mss_lr, mss_ms, mldr_lr, mldr_ms;
} vx_loss_weights;

/* What is measured. vx_loss_config_diffvox() gives DiffVox's: resolutions (128, 32),
 * (512, 128), (2048, 512); MLDR pairs (50, 1000) and (100, 2000) ms; weights 1, 0.5, 0.5,
 * 0.25 (§1.4-1.7). Tests shrink it to exercise short signals. */
typedef struct {
    size_t nres, nfft[VX_MRSTFT_MAXRES], hop[VX_MRSTFT_MAXRES];
    double tau_short_ms[VX_LDR_PAIRS], tau_long_ms[VX_LDR_PAIRS];
    vx_loss_weights w;
} vx_loss_config;

vx_loss_config vx_loss_config_diffvox(void);

/* Loss values: the four parts (unweighted), the weighted total, and mss_lr's value at each
 * resolution (SC + LM of that resolution alone). */
typedef struct {
    double mss_lr, mss_ms, mldr_lr, mldr_ms, total;
    double mss_lr_res[VX_MRSTFT_MAXRES];
} vx_loss_parts;

typedef struct vx_loss vx_loss;
typedef struct vx_loss_target vx_loss_target;
typedef struct vx_loss_work vx_loss_work;

/* Combined batch: the loss and the batch-global factors every item's backward needs. */
typedef struct {
    vx_loss_parts parts;
    vx_mrstft_coefs k;         /* dL/dX factors of the spectral terms */
    double k_ldr[2];           /* dL/d(level-difference sum) of the L/R and mid/side rows */
} vx_loss_batch;

/* Loss for items of len samples per channel (len >= 1025 for the DiffVox resolutions:
 * reflect padding needs more than nfft/2 samples). cfg NULL means DiffVox's. Designs the
 * A-weighting filter. Returns NULL on a bad length or configuration or out of memory. */
vx_loss *vx_loss_create(size_t len, const vx_loss_config *cfg);
void vx_loss_free(vx_loss *L);
/* Bytes a target and a work of L hold. */
size_t vx_loss_target_bytes(const vx_loss *L);
size_t vx_loss_work_bytes(const vx_loss *L);
size_t vx_loss_len(const vx_loss *L);

/* A target item (yl, yr: len samples each, copied from) with everything about it that the
 * loss reuses: A-weighted magnitude spectrograms, sums of squares, level ratios.
 * NULL when out of memory. Read-only once made: items in several threads may share it. */
vx_loss_target *vx_loss_target_create(const vx_loss *L, const float *yl, const float *yr);
/* Refills target t with another item of the same length (no allocation). */
void vx_loss_target_set(vx_loss_target *t, const float *yl, const float *yr);
void vx_loss_target_free(vx_loss_target *t);

/* Per-item state kept from forward to backward; make one per item of a batch and reuse it
 * every step. NULL when out of memory. */
vx_loss_work *vx_loss_work_create(const vx_loss *L);
void vx_loss_work_free(vx_loss_work *w);

/* Forward pass of prediction (pl, pr: len samples each) against target t: partial sums
 * into w, plus the level-difference gradient (it needs no batch-global value). Returns 0,
 * or -1 if w and t belong to different losses or w is a streaming work. */
int vx_loss_forward(vx_loss_work *w, const vx_loss_target *t, const float *pl, const float *pr);

/* What one item's forward adds to its batch: partial sums, a few hundred bytes. */
typedef struct {
    vx_mrstft_sums sums; /* den: the target's */
    double ldr[2];       /* level-difference sums: L/R, mid/side */
} vx_loss_item;

/* The sums of w's last forward. Returns 0, or -1 if w has not run forward. */
int vx_loss_item_get(const vx_loss_work *w, vx_loss_item *item);
/* The batch of items[0..n) (n >= 1), summed in order. */
void vx_loss_combine_items(const vx_loss *L, const vx_loss_item *items, size_t n, vx_loss_batch *b);

/* Combines the forwards of items[0..n) into the batch loss and backward factors.
 * Returns 0, or -1 if n is 0, an item has not run forward, or items mix losses. */
int vx_loss_combine(const vx_loss *L, vx_loss_work *const *items, size_t n, vx_loss_batch *b);

/* dL/dpl, dL/dpr (len samples each, overwritten) of the batch total b for the item whose
 * forward w holds. Returns 0, or -1 if w has not run forward. */
int vx_loss_backward(vx_loss_work *w, const vx_loss_batch *b, float *gl, float *gr);

/* Streaming use, for a caller that cannot keep each item's state (targets, spectra) until
 * the batch is combined, e.g. a fit of a song in chunks: every item runs twice a step,
 *     vx_loss_spectral_sums(w, pl_j, pr_j, yl_j, yr_j, &s[j])         for every item
 *     vx_loss_factors(L, s, B, &batch)                                 the factors
 *     vx_loss_forward_backward(w, &batch, pl_j, pr_j, yl_j, yr_j, gl_j, gr_j, &item[j])
 *     vx_loss_combine_items(L, item, B, &parts)                        parts.parts = the loss
 * The first pass is what the factors need (the spectral sums; the level terms' factors
 * depend on B alone), the second forward and backward at once. Items, factors, loss and
 * gradients are the values the kept-state calls above give, bit for bit. Neither pass
 * keeps a target: it is A-weighted and transformed from (yl, yr) each time.
 * A streaming work holds 20 MB at len = 308700 (7 s): scratch for 16 signals, of which a
 * thread of a parallel region touches 12. */
vx_loss_work *vx_loss_stream_create(const vx_loss *L);
size_t vx_loss_stream_bytes(const vx_loss *L);
/* The spectral sums of prediction (pl, pr) against target (yl, yr), len samples each:
 * num and den (lm is 0: the factors do not need it). Returns 0, or -1 if w is not a
 * streaming work. */
int vx_loss_spectral_sums(vx_loss_work *w, const float *pl, const float *pr, const float *yl,
                          const float *yr, vx_mrstft_sums *s);
/* The backward factors (b->k, b->k_ldr) of a batch of n items from their spectral sums,
 * summed in order; b->parts is zeroed (its level terms need the second pass). */
void vx_loss_factors(const vx_loss *L, const vx_mrstft_sums *s, size_t n, vx_loss_batch *b);
/* Forward and backward of one item at once with the batch's factors b: its sums into
 * item, dL/dpl and dL/dpr into gl, gr (len samples each, overwritten; they may be pl, pr).
 * Returns 0, or -1 if w is not a streaming work. */
int vx_loss_forward_backward(vx_loss_work *w, const vx_loss_batch *b, const float *pl,
                             const float *pr, const float *yl, const float *yr, float *gl,
                             float *gr, vx_loss_item *item);

/* One prediction against one target (B = 1), for evaluation of whole tracks: pred and
 * target are interleaved float audio (frames x channels). Streams frame by frame: memory
 * is about six times one channel, no spectrogram is stored. cfg NULL means DiffVox's.
 * Returns 0 with *out set, or -1 with e filled when either is not stereo, their lengths
 * differ, they are too short for the resolutions, or memory runs out. */
int vx_loss_eval(const float *pred, size_t pred_frames, int pred_channels, const float *target,
                 size_t target_frames, int target_channels, const vx_loss_config *cfg,
                 vx_loss_parts *out, vx_err *e);

#endif
