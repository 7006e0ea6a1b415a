/* The Gaussian prior log-density of spec/pipeline.md §8.2:
 * log p(x) = -1/2 [(x - mu)^T Sigma^-1 (x - mu) + ln det Sigma + d ln 2 pi],
 * through a Cholesky factor (a linear solve, no explicit inverse). */
#ifndef VX_STATS_PRIOR_H
#define VX_STATS_PRIOR_H

#include "err.h"
#include "stats/gauss.h"

typedef struct vx_prior vx_prior;

/* Factors g's covariance; fails when it is not positive definite (fewer presets than
 * dimensions, e.g. MedleyDB's 70 for 130 values). g must outlive the prior. */
vx_prior *vx_prior_create(const vx_gauss *g, vx_err *e);
void vx_prior_free(vx_prior *p);

/* ln det Sigma. */
double vx_prior_logdet(const vx_prior *p);
/* log p(x) for x[dim] masked values (nats); *d2 (if not NULL) receives the squared
 * Mahalanobis distance (x - mu)^T Sigma^-1 (x - mu). Thread-safe. */
double vx_prior_logpdf(const vx_prior *p, const double *x, double *d2);
/* log p(x) as above, and its gradient g[dim] = -Sigma^-1 (x - mu) (two triangular solves
 * with the factor). Thread-safe. */
double vx_prior_logpdf_grad(const vx_prior *p, const double *x, double *g);

#endif
