/* Eigendecomposition of a Gaussian's covariance and its uses (see pca.h). */
#include "stats/pca.h"
#include "io/ndjson.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void vx_pca_free(vx_pca *p)
{
    if (!p)
        return;
    free(p->eigenvalues);
    free(p->components);
    free(p);
}

vx_pca *vx_pca_create(const vx_gauss *g, vx_err *e)
{
    int d = g->dim;
    vx_pca *p = calloc(1, sizeof *p);
    double *a = malloc(sizeof *a * (size_t)d * d), *w = malloc(sizeof *w * (size_t)d);
    if (p) {
        p->eigenvalues = malloc(sizeof *p->eigenvalues * (size_t)d);
        p->components = malloc(sizeof *p->components * (size_t)d * d);
    }
    if (!p || !a || !w || !p->eigenvalues || !p->components) {
        vx_err_set(e, "out of memory");
        goto fail;
    }
    p->g = g;
    p->dim = d;
    memcpy(a, g->cov, sizeof *a * (size_t)d * d);
    /* ascending eigenvalues w; column j of a (row-major) is the eigenvector of w[j] */
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', d, a, d, w);
    if (info != 0) {
        vx_err_set(e, "the eigendecomposition did not converge (LAPACK dsyevd info %d)", (int)info);
        goto fail;
    }
    for (int k = 0; k < d; k++) {
        int src = d - 1 - k, big = 0;
        double *u = p->components + (size_t)k * d;
        for (int i = 0; i < d; i++) {
            u[i] = a[(size_t)i * d + src];
            if (fabs(u[i]) > fabs(u[big]))
                big = i;
        }
        if (u[big] < 0)
            for (int i = 0; i < d; i++)
                u[i] = -u[i];
        p->eigenvalues[k] = w[src];
    }
    double tol = d * DBL_EPSILON * p->eigenvalues[0];
    while (p->rank < d && p->eigenvalues[p->rank] > tol)
        p->rank++;
    if (g->n > 0 && p->rank > g->n - 1)
        p->rank = (int)(g->n - 1);
    free(a);
    free(w);
    return p;
fail:
    free(a);
    free(w);
    vx_pca_free(p);
    return NULL;
}

void vx_pca_whiten(const vx_pca *p, const double *x, int k, double *z)
{
    int d = p->dim;
    for (int j = 0; j < k; j++) {
        const double *u = p->components + (size_t)j * d;
        double s = 0;
        for (int i = 0; i < d; i++)
            s += (x[i] - p->g->mean[i]) * u[i];
        z[j] = s / sqrt(p->eigenvalues[j]);
    }
}

void vx_pca_point(const vx_pca *p, const double *z, int k, double *x)
{
    int d = p->dim;
    memcpy(x, p->g->mean, sizeof *x * (size_t)d);
    for (int j = 0; j < k; j++) {
        const double *u = p->components + (size_t)j * d;
        double s = z[j] * sqrt(fmax(p->eigenvalues[j], 0.0));
        for (int i = 0; i < d; i++)
            x[i] += s * u[i];
    }
}

void vx_pca_sample(const vx_pca *p, vx_rng *rng, double *z, double *x)
{
    for (int j = 0; j < p->dim; j++)
        z[j] = vx_rng_normal(rng);
    vx_pca_point(p, z, p->dim, x);
}

cJSON *vx_pca_to_json(const vx_pca *p, int k)
{
    const vx_gauss *g = p->g;
    int d = p->dim;
    double total = 0, run = 0;
    for (int j = 0; j < d; j++)
        total += p->eigenvalues[j];
    cJSON *r = cJSON_CreateObject(), *ev = cJSON_CreateArray(), *cum = cJSON_CreateArray();
    cJSON *comp = cJSON_CreateArray();
    if (!r || !ev || !cum || !comp) {
        cJSON_Delete(r), cJSON_Delete(ev), cJSON_Delete(cum), cJSON_Delete(comp);
        return NULL;
    }
    for (int j = 0; j < k; j++) {
        run += p->eigenvalues[j];
        cJSON_AddItemToArray(ev, cJSON_CreateNumber(p->eigenvalues[j] / total));
        cJSON_AddItemToArray(cum, cJSON_CreateNumber(run / total));
        cJSON_AddItemToArray(comp, vx_json_array(p->components + (size_t)j * d, d, 0));
    }
    cJSON_AddStringToObject(r, "type", "pca");
    cJSON_AddStringToObject(r, "dataset", g->dataset);
    cJSON_AddNumberToObject(r, "n", (double)g->n);
    cJSON_AddNumberToObject(r, "dim", d);
    cJSON_AddNumberToObject(r, "rank", p->rank);
    cJSON_AddItemToObject(r, "eigenvalues", vx_json_array(p->eigenvalues, k, 0));
    cJSON_AddItemToObject(r, "explained", ev);
    cJSON_AddItemToObject(r, "cumulative", cum);
    cJSON_AddItemToObject(r, "components", comp);
    cJSON_AddItemToObject(r, "names", vx_mask_names(g->mask));
    cJSON_AddItemToObject(r, "mean", vx_json_array(g->mean, d, 0));
    cJSON_AddItemToObject(r, "mask", vx_mask_json(g->mask));
    return r;
}
