/* L-BFGS on the full-batch training loss (see fit_lbfgs.h), with liblbfgs. */
#include "fit_lbfgs.h"

#include <lbfgs.h>
#include <math.h>
#include <string.h>

#define NTHETA (VX_NRAW + 1)
#define MAX_FRUITLESS 2 /* restarts in a row that found no new best */

typedef struct {
    vx_fit *f;
    int evals, max_evals, stopped, failed;
    vx_fit_stop_fn *stop;
    void *ctx;
    vx_err *e;
} run;

/* One evaluation for liblbfgs. Past the budget, after a stop, or where the loss cannot be
 * made, a huge loss: the line search backs off and gives up, which ends lbfgs(). */
static lbfgsfloatval_t evaluate(void *instance, const lbfgsfloatval_t *x, lbfgsfloatval_t *g, int n,
                                lbfgsfloatval_t step)
{
    (void)step;
    run *r = instance;
    memset(g, 0, (size_t)n * sizeof *g);
    if (r->stopped || r->evals >= r->max_evals)
        return HUGE_VAL;
    vx_fit_eval ev;
    vx_fit_progress p;
    r->evals++;
    if (vx_fit_evaluate(r->f, x, x[VX_NRAW], NULL, 0, &ev, r->e)) {
        r->failed = 1;
        return HUGE_VAL;
    }
    vx_fit_record(r->f, x, &ev, &p);
    if (r->stop && r->stop(&p, r->ctx))
        r->stopped = 1;
    memcpy(g, ev.graw, VX_NRAW * sizeof *g);
    g[VX_NRAW] = ev.geta;
    return ev.loss;
}

static int progress(void *instance, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g, lbfgsfloatval_t fx,
                    lbfgsfloatval_t xnorm, lbfgsfloatval_t gnorm, lbfgsfloatval_t step, int n, int k, int ls)
{
    (void)x, (void)g, (void)fx, (void)xnorm, (void)gnorm, (void)step, (void)n, (void)k, (void)ls;
    const run *r = instance;
    return r->stopped || r->evals >= r->max_evals;
}

/* The lowest loss recorded so far (infinite before the first). */
static double lowest(const vx_fit *f)
{
    size_t n;
    const double *losses = vx_fit_losses(f, &n);
    double low = INFINITY;
    for (size_t i = 0; i < n; i++)
        low = fmin(low, losses[i]);
    return low;
}

int vx_fit_lbfgs(vx_fit *f, int max_evals, vx_fit_stop_fn *stop, void *ctx, const char **why, vx_err *e)
{
    run r = {f, 0, max_evals, 0, 0, stop, ctx, e};
    lbfgs_parameter_t param;
    lbfgs_parameter_init(&param);
    param.epsilon = 0;   /* no gradient-norm test: the budget, a stop or the line search ends it */
    param.max_linesearch = 20;
    int fruitless = 0;
    *why = NULL;
    while (r.evals < max_evals && !r.stopped) {
        double eta, lowest_before = lowest(f);
        lbfgsfloatval_t x[NTHETA], fx;
        const double *best = vx_fit_best(f, &eta);
        memcpy(x, best, VX_NRAW * sizeof *x);
        x[VX_NRAW] = eta;
        r.failed = 0;
        lbfgs(NTHETA, x, &fx, evaluate, progress, &r, &param);
        size_t n;
        vx_fit_losses(f, &n);
        if (r.failed && n == 0)
            return -1; /* not even the starting point: e says why */
        fruitless = lowest(f) < lowest_before ? 0 : fruitless + 1;
        if (fruitless >= MAX_FRUITLESS) {
            *why = "the line search found no lower loss from the best state";
            break;
        }
    }
    return 0;
}
