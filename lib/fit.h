/* Preset retrieval (spec/pipeline.md §2): the DiffVox training loss of a dry/wet pair over
 * chunks, its exact gradient with respect to the 151 raw values and the delay surrogate's
 * eta, and the Adam loop with best-state tracking. */
#ifndef VX_FIT_H
#define VX_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "params.h"

/* eta's raw value at DiffVox's initialisation: eta = -softplus(raw) = -0.01. */
#define VX_ETA_RAW_INIT -4.600166

typedef struct {
    int steps;         /* Adam steps (2000) */
    double lr;         /* learning rate (0.01) */
    int batch;         /* most chunks per step (35) */
    uint64_t seed;     /* FDN initial values and batch draws */
    double chunk_s;    /* chunk length, s (12) */
    double overlap_s;  /* leading part of each chunk the loss ignores, s (5) */
} vx_fit_settings;

vx_fit_settings vx_fit_defaults(void);

/* The loss parts of spec §1.7, unweighted, and the regulariser. */
enum { VX_PART_MSS_LR, VX_PART_MSS_MS, VX_PART_MLDR_LR, VX_PART_MLDR_MS, VX_PART_DELAY_REG,
       VX_PARTS };

typedef struct {
    double loss;             /* weighted total + delay regulariser */
    double parts[VX_PARTS];
    double graw[VX_NRAW];    /* d(loss)/d(raw) */
    double geta;             /* d(loss)/d(eta's raw value) */
} vx_fit_eval;

typedef struct vx_fit vx_fit;

/* A fit of dry (mono) against wet (left, right), `frames` samples each, prepared as
 * spec §2.1 says (aligned, -18 LUFS); the arrays must outlive the fit. Chunks of chunk_s with overlap_s; a chunk whose wet
 * peak after the overlap is at or below -60 dB is dropped (§2.3). Errors: fewer frames than
 * one chunk, no chunk above -60 dB, bad settings, out of memory. */
vx_fit *vx_fit_create(const float *dry, const float *wet_l, const float *wet_r, size_t frames,
                      const vx_fit_settings *s, vx_err *e);
void vx_fit_free(vx_fit *f);
/* Bytes a fit with settings s and `threads` threads will hold (the pair's audio, which the
 * caller holds, aside): about 165 MB a thread and 150 MB shared for 12 s chunks with 5 s
 * of overlap (340 MB with one thread, whose batches of one chunk keep their state), whatever
 * the length of the pair. 0 for settings vx_fit_create refuses. */
size_t vx_fit_memory(const vx_fit_settings *s, int threads);
/* Chunks in the pair, and those kept (the ones batches are drawn from). */
size_t vx_fit_chunks_total(const vx_fit *f);
size_t vx_fit_chunks_active(const vx_fit *f);

/* DiffVox's initial raw values (the config's), with the FDN's W ~ N(0, 1/6) and gamma ~
 * U(0.4, 0.6) drawn from seed (the original draws them from an unseeded torch RNG). */
void vx_fit_initial(uint64_t seed, double *raw);

/* Loss and gradient at (raw, eta_raw) over the active chunks listed in which[n] (chunk
 * indices among the active ones; NULL: all of them). Returns 0, or -1 with e set when the
 * parameters cannot be rendered (e.g. the FDN matrix) or the result is not finite. */
int vx_fit_evaluate(vx_fit *f, const double *raw, double eta_raw, const size_t *which, size_t n,
                    vx_fit_eval *out, vx_err *e);

/* The loss alone (no gradient, none of the backward's work) at (raw, eta_raw) on active
 * chunk `chunk`, for a fit whose batch is one chunk (settings.batch 1, or a pair of one
 * chunk): the value vx_fit_evaluate gives there. Returns 0, or -1 with e set as
 * vx_fit_evaluate, or for a fit of larger batches. */
int vx_fit_loss(vx_fit *f, const double *raw, double eta_raw, size_t chunk, double *loss, vx_err *e);

/* The chunks of the next batch, drawn from the seeded RNG as a step draws them (so the
 * first draw of a fit is its first step's batch): their count, and in *which their indices
 * among the active chunks (owned by f, valid until the next draw), or NULL when the batch
 * holds every active chunk. */
size_t vx_fit_draw_batch(vx_fit *f, size_t **which);

/* The optimiser, from (raw, eta_raw). */
void vx_fit_start(vx_fit *f, const double *raw, double eta_raw);

typedef struct {
    int step;          /* steps taken, 1-based after vx_fit_step */
    double loss;       /* loss of the parameters before this step's update */
    double parts[VX_PARTS];
    double best_loss;  /* lowest loss so far, and the 0-based step it came from */
    int best_step;
    int rejected;      /* this step's loss or gradient was not finite: no update made,
                          the parameters went back to the best state */
} vx_fit_progress;

/* One Adam step on a batch drawn from the seeded RNG. Returns 0, or -1 with e set when
 * three steps in a row were rejected (the fit should end). */
int vx_fit_step(vx_fit *f, vx_fit_progress *p, vx_err *e);

/* The learning rate of the next steps (a schedule's). */
void vx_fit_set_lr(vx_fit *f, double lr);
/* Each value's factor on that learning rate: scale[k] for raw value k, eta's raw value
 * last (VX_NRAW + 1 values), or NULL for 1 throughout (Adam's, and the default). */
void vx_fit_set_lr_scale(vx_fit *f, const double *scale);

/* The best state so far (the parameters that gave the lowest loss) and its eta. */
const double *vx_fit_best(const vx_fit *f, double *eta_raw);
/* The loss of every accepted step, in order. */
const double *vx_fit_losses(const vx_fit *f, size_t *n);

#endif
