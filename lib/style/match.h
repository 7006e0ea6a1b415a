/* Style transfer by inference-time optimisation (spec/pipeline.md §8): which chunks are
 * references and which are queries, Adam on the objective of style/objective.h from the
 * prior's mean, and the two baselines (the mean, the nearest preset in embedding space). */
#ifndef VX_STYLE_MATCH_H
#define VX_STYLE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "stats/gauss.h"
#include "style/objective.h"

typedef struct {
    vx_encoder enc;  /* mfcc */
    double alpha;    /* prior weight (0.01) */
    int steps;       /* Adam steps (1000) */
    double lr;       /* learning rate (0.01) */
    double chunk_s;  /* chunk length, s (11) */
    int batch;       /* most queries per step; 0: all of them (as the original) */
    uint64_t seed;   /* draws of the queries of a step when batch < queries */
} vx_match_settings;

vx_match_settings vx_match_defaults(void);

/* Where references and queries come from:
 * VX_MATCH_TRANSFER  references = the reference's active chunks, queries = the dry's
 *                    active chunks (activity of |dry|): two different recordings;
 * VX_MATCH_EVAL      the paper's protocol on one dry/wet pair of equal length: among the
 *                    chunks active in the wet, references = the wet's at even positions
 *                    (0, 2, ...), queries = the dry's at odd positions (1, 3, ...). */
typedef enum { VX_MATCH_TRANSFER, VX_MATCH_EVAL } vx_match_split;

typedef struct vx_match vx_match;

/* dry[dry_frames] mono, ref_l/ref_r[ref_frames] stereo, both prepared (-18 LUFS; for
 * EVAL aligned, and ref_frames = dry_frames); they must outlive the match. g: the prior.
 * Errors (messages name "dry" or "reference"/"wet"): shorter than one chunk, no active
 * chunk, for EVAL fewer than two active chunks (the original skips such a track: "Too
 * few active frames"), a silent reference, the objective's errors. */
vx_match *vx_match_create(const float *dry, size_t dry_frames, const float *ref_l,
                          const float *ref_r, size_t ref_frames, vx_match_split split,
                          const vx_gauss *g, const vx_match_settings *s, vx_err *e);
void vx_match_free(vx_match *m);

size_t vx_match_references(const vx_match *m);
size_t vx_match_queries(const vx_match *m);
vx_objective *vx_match_objective(vx_match *m);

/* Adam from x0[130] (torch.optim.Adam's defaults). */
void vx_match_start(vx_match *m, const double *x0);
typedef struct {
    int step;          /* steps taken */
    double objective;  /* over this step's queries, before its update */
    double loglik, logp;
} vx_match_progress;
/* One step on the queries drawn for it; -1 with e set when the objective or its gradient
 * cannot be computed (x stays the last good one). */
int vx_match_step(vx_match *m, vx_match_progress *p, vx_err *e);
/* The current x[130] (after the last step: the original returns the final x, not the
 * best), and the objective before each step. */
const double *vx_match_x(const vx_match *m);
const double *vx_match_losses(const vx_match *m, size_t *n);

/* nn_emb (§8.4): of n candidates x[n][130], the one whose log-likelihood over all queries
 * is highest (ties: the later one). Returns its index, or -1 with e set. *ll receives it. */
long vx_match_nearest(vx_match *m, const double *x, size_t n, double *ll, vx_err *e);

#endif
