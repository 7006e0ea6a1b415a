/* The objective of inference-time optimisation with the Gaussian prior (spec/pipeline.md
 * §8.2) and its gradient with respect to the 130 masked values through DiffVox's eval-mode
 * chain (hard delay): render each query chunk, scale it by the references' peak scale,
 * embed its mid and side, and compare with every reference chunk's embeddings by angle.
 *   loglik = -1 - ln 2 pi - ln sigma_mid - ln sigma_side,
 *   sigma = sqrt(mean over (query i, reference j) of theta_ij^2),
 *   theta_ij = arccos <e(query i), e(reference j)>,
 *   objective = -loglik - alpha log p(x)   (log p: the prior, stats/prior.h). */
#ifndef VX_STYLE_OBJECTIVE_H
#define VX_STYLE_OBJECTIVE_H

#include <stddef.h>

#include "err.h"
#include "params.h"
#include "stats/gauss.h"
#include "style/embed.h"

typedef struct vx_objective vx_objective;

/* The chunks: nref references, stereo (ref_l[j], ref_r[j]), and nquery mono dry queries
 * (query[i]), `len` samples each (len >= 2048), prepared as §8.1 says (-18 LUFS); the
 * arrays must outlive the objective. The prior (a vx-gauss Gaussian) must be over
 * DiffVox's mask (130 values) with a positive definite covariance; it is factored here. The references' embeddings and the peak
 * scale g = 1 / max |reference| are computed here. One lane of work memory per thread
 * (about 130 MB each for 11 s chunks); MIR renders in double (style/render.h): 520 MB in
 * all for 11 s chunks on two threads, against 320 MB for MFCC.
 * Errors: no reference or query, a silent reference (peak 0), a prior over another mask
 * or with a singular covariance, out of memory. */
vx_objective *vx_objective_create(vx_encoder enc, size_t len, const float *const *ref_l,
                                  const float *const *ref_r, size_t nref,
                                  const float *const *query, size_t nquery,
                                  const vx_gauss *prior, double alpha, vx_err *e);
void vx_objective_free(vx_objective *o);

double vx_objective_peak_scale(const vx_objective *o);
size_t vx_objective_queries(const vx_objective *o);

typedef struct {
    double objective;      /* -loglik - alpha logp */
    double loglik, logp;   /* the two parts, nats */
    double sigma[2];       /* RMS angle, mid and side, radians */
    double grad[VX_NMASK]; /* d(objective)/dx, when asked for */
} vx_objective_eval;

/* The objective at x[130] (masked values: raw via the mask, FDN W's lower triangle 0)
 * over the queries listed in which[n] (NULL: all of them), and with grad != 0 its
 * gradient. Deterministic for a thread count. Returns 0, or -1 with e set when x cannot
 * be rendered (a value out of range) or the result is not finite. */
int vx_objective_evaluate(vx_objective *o, const double *x, const size_t *which, size_t n,
                          int grad, vx_objective_eval *out, vx_err *e);

/* Embeddings of the references, [nref][2][dim] (mid then side; owned by o), and of the
 * queries of the last evaluate, [n][2][dim]. */
const double *vx_objective_ref_embeddings(const vx_objective *o);
const double *vx_objective_query_embeddings(const vx_objective *o);

#endif
