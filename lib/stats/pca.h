/* Principal components of a Gaussian (spec/pipeline.md §7.3): eigendecomposition of
 * the covariance, whitened scores, and points on the components (sampling, traversal). */
#ifndef VX_STATS_PCA_H
#define VX_STATS_PCA_H

#include <cjson/cJSON.h>

#include "err.h"
#include "rng.h"
#include "stats/gauss.h"

typedef struct {
    const vx_gauss *g;    /* the decomposed Gaussian, not owned: must outlive the pca */
    int dim;              /* d = g->dim */
    int rank;             /* usable components: eigenvalues above d * eps * e_max (numpy's
                             matrix_rank), and at most n - 1 when g->n is known */
    double *eigenvalues;  /* [d], descending */
    double *components;   /* [d * d], row k = unit eigenvector of eigenvalue k, its
                             largest-magnitude entry positive (a fixed sign, as sklearn) */
} vx_pca;

/* Symmetric eigendecomposition of g->cov (LAPACK dsyevd). NULL with e on failure. */
vx_pca *vx_pca_create(const vx_gauss *g, vx_err *e);
void vx_pca_free(vx_pca *p);

/* Whitened scores z[k] of x[d]: z_j = (x - mu) . u_j / sqrt(e_j), 1 <= k <= rank. */
void vx_pca_whiten(const vx_pca *p, const double *x, int k, double *z);
/* The point x[d] = mu + sum_{j<k} z_j sqrt(e_j) u_j (negative rounding-level eigenvalues
 * count as 0). With k = d and z ~ N(0, I) this samples the Gaussian. */
void vx_pca_point(const vx_pca *p, const double *z, int k, double *x);
/* One draw x[d] from N(mu, Sigma): z[d] receives d standard normals from rng, then
 * x = vx_pca_point(z, d), i.e. x = mu + U diag(sqrt(e)) z (an eigen factor works for a
 * singular covariance, where Cholesky would not). */
void vx_pca_sample(const vx_pca *p, vx_rng *rng, double *z, double *x);

/* The pca record for the first k components: {"type":"pca","dataset","n","dim","rank",
 * "eigenvalues","explained","cumulative","components","names","mean","mask"}, where explained
 * ratios divide by the sum of all d eigenvalues. Caller deletes; NULL if out of memory. */
cJSON *vx_pca_to_json(const vx_pca *p, int k);

#endif
