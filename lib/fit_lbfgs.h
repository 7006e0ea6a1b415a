/* vx-fit --fast: L-BFGS with a line search on the full-batch training loss. A batch that
 * holds every chunk makes the objective deterministic, which is what L-BFGS's curvature
 * pairs and line search need (Adam's random batches are not). */
#ifndef VX_FIT_LBFGS_H
#define VX_FIT_LBFGS_H

#include "fit.h"

/* Called after every evaluation; a non-zero return ends the run. */
typedef int vx_fit_stop_fn(const vx_fit_progress *p, void *ctx);

/* From the state vx_fit_start set, at most the fit's `steps` evaluations of the loss over
 * every chunk, each recorded as a step (vx_fit_record). When the line search cannot
 * progress (a non-finite loss, or no decrease along the search direction) the run restarts
 * from the best state with its curvature memory cleared; two restarts in a row without a
 * new best end it. Returns 0 (ended by the budget, stop or no further progress: *why then
 * says which, or NULL for the budget), or -1 with e set when the batch does not hold every
 * chunk. */
int vx_fit_lbfgs(vx_fit *f, int max_evals, vx_fit_stop_fn *stop, void *ctx, const char **why, vx_err *e);

#endif
