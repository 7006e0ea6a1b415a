/* Nearest presets by Mahalanobis distance (see nearest.h). */
#include "stats/nearest.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    double d;
    long row;
} hit;

static int by_distance(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

long vx_nearest(const vx_pca *p, const double *q, const double *x, long n, long count,
                long *index, double *dist, vx_err *e)
{
    int k = p->rank;
    double *zq = malloc(sizeof *zq * (size_t)(k + 1)), *z = malloc(sizeof *z * (size_t)(k + 1));
    hit *h = malloc(sizeof *h * (size_t)(n + 1));
    if (!zq || !z || !h) {
        free(zq), free(z), free(h);
        return vx_err_set(e, "out of memory");
    }
    vx_pca_whiten(p, q, k, zq);
    for (long i = 0; i < n; i++) {
        vx_pca_whiten(p, x + (size_t)i * p->dim, k, z);
        double s = 0;
        for (int j = 0; j < k; j++)
            s += (z[j] - zq[j]) * (z[j] - zq[j]);
        h[i] = (hit){sqrt(s), i};
    }
    qsort(h, (size_t)n, sizeof *h, by_distance);
    long m = count < n ? count : n;
    for (long i = 0; i < m; i++)
        index[i] = h[i].row, dist[i] = h[i].d;
    free(zq), free(z), free(h);
    return m;
}
