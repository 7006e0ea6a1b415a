/* Gaussian fit of preset sets and its JSON record (see gauss.h). */
#include "stats/gauss.h"
#include "io/ndjson.h"
#include "stats/moments.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

vx_gauss *vx_gauss_create(const unsigned char *mask)
{
    vx_gauss *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    if (mask)
        memcpy(g->mask, mask, sizeof g->mask);
    else
        vx_params_mask(g->mask);
    g->dim = vx_mask_count(g->mask);
    g->mean = calloc((size_t)(g->dim ? g->dim : 1), sizeof *g->mean);
    g->cov = calloc((size_t)(g->dim ? g->dim * g->dim : 1), sizeof *g->cov);
    if (!g->mean || !g->cov) {
        vx_gauss_free(g);
        return NULL;
    }
    return g;
}

void vx_gauss_free(vx_gauss *g)
{
    if (!g)
        return;
    free(g->mean);
    free(g->cov);
    free(g);
}

int vx_gauss_fit(vx_gauss *g, const double *x, long n, vx_err *e)
{
    if (n < 2)
        return vx_err_set(e, "%ld preset%s selected; a covariance needs at least 2", n,
                          n == 1 ? "" : "s");
    vx_moments_mean_cov(x, n, g->dim, g->mean, g->cov);
    g->n = n;
    return 0;
}

cJSON *vx_gauss_to_json(const vx_gauss *g)
{
    cJSON *r = cJSON_CreateObject();
    if (!r)
        return NULL;
    cJSON_AddStringToObject(r, "type", "gaussian");
    cJSON_AddStringToObject(r, "dataset", g->dataset);
    cJSON_AddNumberToObject(r, "n", (double)g->n);
    cJSON_AddItemToObject(r, "mask", vx_mask_json(g->mask));
    cJSON_AddItemToObject(r, "mean", vx_json_array(g->mean, g->dim, 0));
    cJSON *cov = cJSON_AddArrayToObject(r, "cov");
    for (int i = 0; cov && i < g->dim; i++)
        cJSON_AddItemToArray(cov, vx_json_array(g->cov + (size_t)i * g->dim, g->dim, 0));
    return r;
}

static int read_mask(const cJSON *rec, const char *where, unsigned char *mask, vx_err *e)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(rec, "mask");
    if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) != VX_NRAW)
        return vx_err_set(e, "%s: mask must be an array of %d booleans", where, VX_NRAW);
    int i = 0;
    for (const cJSON *b = m->child; b; b = b->next, i++) {
        if (!cJSON_IsBool(b))
            return vx_err_set(e, "%s: mask[%d] is not a boolean", where, i);
        mask[i] = cJSON_IsTrue(b);
    }
    return 0;
}

static int read_cov(const cJSON *rec, const char *where, vx_gauss *g, vx_err *e)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(rec, "cov");
    int d = g->dim;
    if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) != d)
        return vx_err_set(e, "%s: cov must be an array of %d rows (one per kept value)", where, d);
    int i = 0;
    for (const cJSON *row = c->child; row; row = row->next, i++) {
        if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != d)
            return vx_err_set(e, "%s: cov[%d] must be an array of %d numbers", where, i, d);
        int j = 0;
        for (const cJSON *v = row->child; v; v = v->next, j++) {
            if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
                return vx_err_set(e, "%s: cov[%d][%d] is not a finite number", where, i, j);
            g->cov[(size_t)i * d + j] = v->valuedouble;
        }
    }
    for (i = 0; i < d; i++) {
        if (!(g->cov[i * d + i] >= 0))
            return vx_err_set(e, "%s: cov[%d][%d] is a variance and must not be negative", where, i, i);
        for (int j = 0; j < i; j++) {
            double a = g->cov[i * d + j], b = g->cov[j * d + i];
            if (fabs(a - b) > 1e-9 * sqrt(g->cov[i * d + i] * g->cov[j * d + j]))
                return vx_err_set(e, "%s: cov is not symmetric: [%d][%d] = %g, [%d][%d] = %g",
                                  where, i, j, a, j, i, b);
        }
    }
    return 0;
}

/* Presets lie in the box of the raw limits (vx_param_raw_range), so their mean does too,
 * and a value confined to [lo, hi] has a variance of at most ((hi - lo) / 2)^2. */
static int check_bounds(const vx_gauss *g, const char *where, vx_err *e)
{
    for (int k = 0, i = 0; k < VX_NRAW; k++) {
        if (!g->mask[k])
            continue;
        double lo, hi, half;
        vx_param_raw_range(vx_param_by_raw_index(k), &lo, &hi);
        half = (hi - lo) / 2;
        if (!(g->mean[i] >= lo && g->mean[i] <= hi))
            return vx_err_set(e, "%s: mean[%d] (raw[%d]) must be in [%g, %g], got %g", where, i, k,
                              lo, hi, g->mean[i]);
        if (!(g->cov[(size_t)i * g->dim + i] <= half * half))
            return vx_err_set(e, "%s: cov[%d][%d] (raw[%d]) is a variance of at most %g, got %g",
                              where, i, i, k, half * half, g->cov[(size_t)i * g->dim + i]);
        i++;
    }
    return 0;
}

/* A covariance is positive semi-definite. Its smallest eigenvalue may fall below 0 by
 * rounding: published ones are stored as float32, which moves eigenvalues by up to
 * d FLT_EPSILON e_max (the 2-norm of a d x d matrix of relative errors FLT_EPSILON). */
static int check_psd(const vx_gauss *g, const char *where, vx_err *e)
{
    int d = g->dim;
    double *a = malloc(sizeof *a * (size_t)d * d), *w = malloc(sizeof *w * (size_t)d);
    if (!a || !w) {
        free(a), free(w);
        return vx_err_set(e, "out of memory");
    }
    memcpy(a, g->cov, sizeof *a * (size_t)d * d);
    lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', d, a, d, w); /* ascending */
    double lowest = w[0], highest = w[d - 1];
    free(a), free(w);
    if (info != 0)
        return vx_err_set(e, "%s: cov: the eigenvalues did not converge (LAPACK dsyev info %d)",
                          where, (int)info);
    if (lowest < -d * FLT_EPSILON * fmax(highest, 0))
        return vx_err_set(e, "%s: cov is not positive semi-definite: eigenvalue %g (largest %g)",
                          where, lowest, highest);
    return 0;
}

vx_gauss *vx_gauss_from_json(const cJSON *rec, const char *where, vx_err *e)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(rec, "type");
    if (type && !(cJSON_IsString(type) && !strcmp(type->valuestring, "gaussian"))) {
        vx_err_set(e, "%s: not a gaussian record (type %s)", where,
                   cJSON_IsString(type) ? type->valuestring : "is not a string");
        return NULL;
    }
    unsigned char mask[VX_NRAW];
    if (read_mask(rec, where, mask, e))
        return NULL;
    vx_gauss *g = vx_gauss_create(mask);
    if (!g) {
        vx_err_set(e, "out of memory");
        return NULL;
    }
    double n = 0;
    const cJSON *ds = cJSON_GetObjectItemCaseSensitive(rec, "dataset");
    int rc = g->dim < 1 ? vx_err_set(e, "%s: mask keeps no value", where) : 0;
    if (!rc && vx_json_get_number(rec, "n", &n, where, e) < 0)
        rc = -1;
    else if (!rc && (n < 0 || n > 1e15 || n != floor(n)))
        rc = vx_err_set(e, "%s: n must be a count of presets, got %g", where, n);
    if (!rc && ds && !cJSON_IsString(ds))
        rc = vx_err_set(e, "%s: dataset must be a string", where);
    if (!rc)
        rc = vx_json_get_array(rec, "mean", g->mean, g->dim, where, e);
    if (!rc)
        rc = read_cov(rec, where, g, e);
    if (!rc)
        rc = check_bounds(g, where, e);
    if (!rc)
        rc = check_psd(g, where, e);
    if (rc) {
        vx_gauss_free(g);
        return NULL;
    }
    g->n = (long)n;
    snprintf(g->dataset, sizeof g->dataset, "%s", ds ? ds->valuestring : "");
    return g;
}

vx_gauss *vx_gauss_load(const char *path, vx_err *e)
{
    cJSON *doc = vx_json_read_document(path, e);
    if (!doc)
        return NULL;
    const char *name = strcmp(path, "-") ? path : "stdin";
    vx_gauss *g = NULL;
    if (!cJSON_IsObject(doc))
        vx_err_set(e, "%s: a gaussian record must be a JSON object", name);
    else if (!vx_json_check_unique_keys(doc, name, e))
        g = vx_gauss_from_json(doc, name, e);
    cJSON_Delete(doc);
    return g;
}
