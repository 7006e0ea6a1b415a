/* Gaussian log-density through a Cholesky factor (see prior.h). */
#include "stats/prior.h"

#include "dsp/solve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct vx_prior {
    const vx_gauss *g;
    double *chol;   /* lower factor L, Sigma = L L^T, row-major [dim * dim] */
    double logdet;
};

vx_prior *vx_prior_create(const vx_gauss *g, vx_err *e)
{
    int d = g->dim;
    vx_prior *p = calloc(1, sizeof *p);
    if (p)
        p->chol = malloc(sizeof *p->chol * (size_t)d * d);
    if (!p || !p->chol) {
        vx_prior_free(p);
        vx_err_set(e, "out of memory");
        return NULL;
    }
    p->g = g;
    memcpy(p->chol, g->cov, sizeof *p->chol * (size_t)d * d);
    /* vx's own factor rather than LAPACK's: the prior's gradient then has the same
     * rounding under every BLAS/LAPACK provider, and an ITO run (30 Adam steps amplify
     * 1e-16 differences to 2e-2 in the objective) is the same everywhere. */
    int info = vx_cholesky(d, p->chol);
    if (info != 0) {
        vx_prior_free(p);
        vx_err_set(e, "the covariance is not positive definite (leading minor %d); a density "
                      "needs more presets than dimensions", (int)info);
        return NULL;
    }
    for (int i = 0; i < d; i++)
        p->logdet += 2.0 * log(p->chol[i * d + i]);
    return p;
}

void vx_prior_free(vx_prior *p)
{
    if (!p)
        return;
    free(p->chol);
    free(p);
}

double vx_prior_logdet(const vx_prior *p) { return p->logdet; }

/* Forward substitution L y = x - mu into y[dim]; returns |y|^2 = (x - mu)^T Sigma^-1 (x - mu). */
static double whiten(const vx_prior *p, const double *x, double *y)
{
    int d = p->g->dim;
    double q = 0;
    for (int i = 0; i < d; i++) {
        double s = x[i] - p->g->mean[i];
        for (int j = 0; j < i; j++)
            s -= p->chol[i * d + j] * y[j];
        y[i] = s / p->chol[i * d + i];
        q += y[i] * y[i];
    }
    return q;
}

static double logpdf_of(const vx_prior *p, double q)
{
    return -0.5 * (q + p->logdet + p->g->dim * log(2.0 * M_PI));
}

double vx_prior_logpdf(const vx_prior *p, const double *x, double *d2)
{
    double y[VX_NRAW]; /* a mask keeps at most the 151 raw values */
    double q = whiten(p, x, y);
    if (d2)
        *d2 = q;
    return logpdf_of(p, q);
}

double vx_prior_logpdf_grad(const vx_prior *p, const double *x, double *g)
{
    int d = p->g->dim;
    double y[VX_NRAW];
    double q = whiten(p, x, y);
    /* back substitution L^T z = y: z = Sigma^-1 (x - mu) */
    for (int i = d - 1; i >= 0; i--) {
        double s = y[i];
        for (int j = i + 1; j < d; j++)
            s -= p->chol[j * d + i] * g[j];
        g[i] = s / p->chol[i * d + i];
    }
    for (int i = 0; i < d; i++)
        g[i] = -g[i];
    return logpdf_of(p, q);
}
