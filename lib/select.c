/* Fit selection criteria (see select.h; spec/pipeline.md §4.2). */
#include "select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "preset.h"

const char *vx_select_reason_name(vx_select_reason r)
{
    static const char *const names[VX_SELECT_NREASONS] = {"kept", "terminated", "loss_above",
                                                          "not_converged", "fluctuating"};
    return r >= 0 && r < VX_SELECT_NREASONS ? names[r] : "?";
}

static int read_losses(const cJSON *a, const char *where, vx_select_fit *f, vx_err *e)
{
    if (!cJSON_IsArray(a))
        return vx_err_set(e, "%s: losses %s", where, a ? "must be an array" : "is missing");
    f->n_losses = (size_t)cJSON_GetArraySize(a);
    f->losses = malloc((f->n_losses ? f->n_losses : 1) * sizeof *f->losses);
    if (!f->losses)
        return vx_err_set(e, "%s: out of memory", where);
    size_t i = 0;
    for (const cJSON *v = a->child; v; v = v->next, i++) {
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            return vx_err_set(e, "%s: losses[%zu] is not a finite number", where, i);
        f->losses[i] = v->valuedouble;
    }
    if (!f->n_losses && !f->terminated_by)
        return vx_err_set(e, "%s: losses is empty, but the fit was not terminated", where);
    return 0;
}

int vx_select_fit_read(const cJSON *rec, const char *where, vx_select_fit *f, vx_err *e)
{
    memset(f, 0, sizeof *f);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(rec, "type");
    const cJSON *track = cJSON_GetObjectItemCaseSensitive(rec, "track");
    const cJSON *term = cJSON_GetObjectItemCaseSensitive(rec, "terminated_by");
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(rec, "finished");
    int rc = 0;
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "fit"))
        rc = vx_err_set(e, "%s: expected a fit record (\"type\":\"fit\")", where);
    else if (!cJSON_IsString(track))
        rc = vx_err_set(e, "%s: track %s", where, track ? "must be a string" : "is missing");
    else if (!term || !(cJSON_IsNull(term) || cJSON_IsString(term)))
        rc = vx_err_set(e, "%s: terminated_by %s", where,
                        term ? "must be null or a string" : "is missing");
    else if (!cJSON_IsString(fin))
        rc = vx_err_set(e, "%s: finished %s", where, fin ? "must be a string" : "is missing");
    if (rc)
        return rc;
    char what[600];
    snprintf(what, sizeof what, "%s: finished", where);
    f->track = track->valuestring;
    f->terminated_by = cJSON_IsString(term) ? term->valuestring : NULL;
    if (vx_isotime_parse(fin->valuestring, what, &f->finished, e) ||
        read_losses(cJSON_GetObjectItemCaseSensitive(rec, "losses"), where, f, e) ||
        vx_preset_parse(rec, where, 0, f->raw, e)) {
        vx_select_fit_free(f);
        return -1;
    }
    return 0;
}

void vx_select_fit_free(vx_select_fit *f)
{
    free(f->losses);
    memset(f, 0, sizeof *f);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy.median of |losses[t+1] - losses[t]| (n >= 2). */
static double median_abs_diff(const double *l, size_t n)
{
    size_t m = n - 1;
    double *d = malloc(m * sizeof *d);
    if (!d)
        return NAN;
    for (size_t t = 0; t < m; t++)
        d[t] = fabs(l[t + 1] - l[t]);
    qsort(d, m, sizeof *d, cmp_double);
    double med = m % 2 ? d[m / 2] : 0.5 * (d[m / 2 - 1] + d[m / 2]);
    free(d);
    return med;
}

static double min_of(const double *v, size_t n)
{
    double m = INFINITY;
    for (size_t i = 0; i < n; i++)
        m = fmin(m, v[i]);
    return m;
}

vx_select_reason vx_select_classify(const vx_select_fit *f, const vx_select_limits *lim,
                                    double value[2])
{
    value[0] = value[1] = NAN;
    if (f->terminated_by)
        return VX_SELECT_TERMINATED;
    const double *l = f->losses;
    size_t n = f->n_losses;
    double lowest = min_of(l, n);
    if (lowest > lim->loss_thresh) {
        value[0] = lowest;
        return VX_SELECT_LOSS_ABOVE;
    }
    if (n < 2)
        return VX_SELECT_KEPT;
    double later = min_of(l + 1, n - 1);
    if (l[0] < later) {
        value[0] = l[0], value[1] = later;
        return VX_SELECT_NOT_CONVERGED;
    }
    double med = median_abs_diff(l, n);
    if (med > lim->fluc_thresh) {
        value[0] = med;
        return VX_SELECT_FLUCTUATING;
    }
    return VX_SELECT_KEPT;
}
