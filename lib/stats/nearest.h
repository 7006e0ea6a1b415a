/* Nearest presets in a Gaussian's metric (vx-pca nearest): the Mahalanobis distance
 * sqrt((x - y)^T Sigma^+ (x - y)) over the Gaussian's usable principal components, i.e.
 * the Euclidean distance of the whitened scores. For a full-rank covariance (Internal)
 * this is the Mahalanobis distance itself; for a singular one (MedleyDB: 69 usable
 * components for 130 values) differences outside the presets' span do not count. */
#ifndef VX_STATS_NEAREST_H
#define VX_STATS_NEAREST_H

#include "err.h"
#include "stats/pca.h"

/* The count rows of x (n rows of p->dim masked values, row-major) nearest to q[p->dim]:
 * index[] (0-based rows, nearest first; equal distances in row order) and dist[]
 * (caller-owned, count entries). Returns the number written, min(count, n), or -1
 * with e (out of memory). */
long vx_nearest(const vx_pca *p, const double *q, const double *x, long n, long count,
                long *index, double *dist, vx_err *e);

#endif
