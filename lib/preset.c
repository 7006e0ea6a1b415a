/* Preset records: parsing, validation, readable fx object, loading from files (see preset.h). */
#include "preset.h"
#include "io/ndjson.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Matrix parameters keep their shape in the readable record; the rest are flat. */
static int columns_of(const vx_param_def *d)
{
    if (!strcmp(d->group, "fdn") && !strcmp(d->name, "b"))
        return 2;
    if (!strcmp(d->group, "fdn") && (!strcmp(d->name, "c") || !strcmp(d->name, "w")))
        return VX_FDN_LINES;
    return 0;
}

static const char *describe(int k, char *buf, size_t n)
{
    const vx_param_def *d = vx_param_by_raw_index(k);
    if (d->count > 1)
        snprintf(buf, n, "raw[%d] (fx.%s.%s[%d])", k, d->group, d->name, k - d->raw_index);
    else
        snprintf(buf, n, "raw[%d] (fx.%s.%s)", k, d->group, d->name);
    return buf;
}

int vx_preset_validate(const double *raw, const char *where, vx_err *e)
{
    char name[96];
    for (int k = 0; k < VX_NRAW; k++) {
        const vx_param_def *d = vx_param_by_raw_index(k);
        if (!isfinite(raw[k]))
            return vx_err_set(e, "%s: %s is not a finite number", where, describe(k, name, sizeof name));
        if (d->map == VX_MAP_SIGMOID || d->map == VX_MAP_MINMAX) {
            /* A saturated sigmoid puts the value on its range's edge, where the compressor
             * and the delay are undefined. */
            double y = vx_map_forward(d, raw[k]), hi = d->map == VX_MAP_SIGMOID ? 1 : d->hi;
            if (d->hi < 0)
                hi = vx_fdn_gamma_max();
            if (!(y > d->lo && y < hi))
                return vx_err_set(e, "%s: %s = %g saturates its map; it must map inside (%g, %g)",
                                  where, describe(k, name, sizeof name), raw[k], d->lo, hi);
        }
    }
    return 0;
}

/* fx object -> raw, through vx_fx and the inverse maps. */
static int parse_fx(const cJSON *fxj, const char *where, double *raw, vx_err *e)
{
    vx_fx fx;
    vx_params_to_fx(raw, 0, &fx); /* defaults for fields the object leaves out */
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(fxj, d->group);
        const cJSON *v = g ? cJSON_GetObjectItemCaseSensitive(g, d->name) : NULL;
        if (!v)
            continue;
        double *slot = (double *)((char *)&fx + d->offset);
        double vals[VX_FDN_GAMMAS]; /* the longest parameter */
        int cols = columns_of(d);
        if (d->count == 1) {
            if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
                return vx_err_set(e, "%s: fx.%s.%s is not a finite number", where, d->group, d->name);
            vals[0] = v->valuedouble;
        } else {
            int k = 0;
            for (const cJSON *row = cJSON_IsArray(v) ? v->child : NULL; row; row = row->next) {
                const cJSON *x = cols ? (cJSON_IsArray(row) && cJSON_GetArraySize(row) == cols ? row->child : NULL) : row;
                for (int c = 0; c < (cols ? cols : 1); c++, x = x ? x->next : NULL) {
                    if (k >= d->count || !cJSON_IsNumber(x) || !isfinite(x->valuedouble))
                        return vx_err_set(e, "%s: fx.%s.%s must be %s of %d finite numbers", where,
                                          d->group, d->name, cols ? "a matrix" : "an array", d->count);
                    vals[k++] = x->valuedouble;
                }
            }
            if (k != d->count)
                return vx_err_set(e, "%s: fx.%s.%s must hold %d numbers, got %d", where, d->group,
                                  d->name, d->count, k);
        }
        for (int j = 0; j < d->count; j++) {
            double y = vx_display_to_phys(d->display, vals[j]);
            if (!isfinite(vx_map_inverse(d, y))) {
                double lo = vx_display_from_phys(d->display, d->lo);
                double hi = vx_display_from_phys(d->display, d->hi < 0 ? vx_fdn_gamma_max() : d->hi);
                if (d->display == VX_SHOW_COEF_MS)
                    lo = 0, hi = INFINITY;
                return vx_err_set(e, "%s: fx.%s.%s%s must be in (%g, %g), got %g", where, d->group,
                                  d->name, d->count > 1 ? "[]" : "", lo, hi, vals[j]);
            }
            slot[j] = y;
        }
    }
    int bad = vx_params_from_fx(&fx, raw);
    char name[96];
    return bad ? vx_err_set(e, "%s: %s is outside its range", where, describe(bad - 1, name, sizeof name)) : 0;
}

int vx_preset_parse(const cJSON *rec, const char *where, double *raw, vx_err *e)
{
    const cJSON *fxj = cJSON_GetObjectItemCaseSensitive(rec, "fx");
    const cJSON *rawj = cJSON_GetObjectItemCaseSensitive(rec, "raw");
    if (rawj) {
        int n = cJSON_IsArray(rawj) ? cJSON_GetArraySize(rawj) : -1;
        if (n != VX_NRAW)
            return vx_err_set(e, "%s: raw has %d values, expected %d", where, n < 0 ? 0 : n, VX_NRAW);
        int k = 0;
        char name[96];
        for (const cJSON *x = rawj->child; x; x = x->next, k++) {
            if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
                return vx_err_set(e, "%s: %s is not a finite number", where, describe(k, name, sizeof name));
            raw[k] = x->valuedouble;
        }
    } else if (cJSON_IsObject(fxj)) {
        vx_params_init(raw);
        if (parse_fx(fxj, where, raw, e))
            return -1;
    } else {
        return vx_err_set(e, "%s: not a preset: no \"raw\" array or \"fx\" object", where);
    }
    return vx_preset_validate(raw, where, e);
}

cJSON *vx_preset_fx_json(const double *raw, int clip_q)
{
    vx_fx fx;
    vx_params_to_fx(raw, clip_q, &fx);
    cJSON *root = cJSON_CreateObject();
    for (int i = 0; root && i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        cJSON *g = cJSON_GetObjectItemCaseSensitive(root, d->group);
        if (!g)
            g = cJSON_AddObjectToObject(root, d->group);
        const double *v = (const double *)((const char *)&fx + d->offset);
        int cols = columns_of(d);
        if (d->count == 1) {
            cJSON_AddItemToObject(g, d->name, vx_json_double(vx_display_from_phys(d->display, v[0])));
        } else if (!cols) {
            cJSON_AddItemToObject(g, d->name, vx_json_array(v, d->count, 0));
        } else {
            cJSON *m = cJSON_AddArrayToObject(g, d->name);
            for (int r = 0; r < d->count / cols; r++)
                cJSON_AddItemToArray(m, vx_json_array(v + r * cols, cols, 0));
        }
    }
    return root;
}

int vx_preset_put(cJSON *rec, const double *raw, int raw_float32)
{
    cJSON *type = cJSON_CreateString("preset"), *r = vx_json_array(raw, VX_NRAW, raw_float32);
    cJSON *fx = vx_preset_fx_json(raw, 0);
    if (!type || !r || !fx) {
        cJSON_Delete(type), cJSON_Delete(r), cJSON_Delete(fx);
        return -1;
    }
    static const char *keys[] = {"type", "raw", "fx"};
    cJSON *vals[] = {type, r, fx};
    for (int i = 0; i < 3; i++) {
        if (cJSON_GetObjectItemCaseSensitive(rec, keys[i]))
            cJSON_ReplaceItemInObjectCaseSensitive(rec, keys[i], vals[i]);
        else
            cJSON_AddItemToObject(rec, keys[i], vals[i]);
    }
    return 0;
}

/* Does the record's track (or id) name `which`, with or without an extension? */
static int names_track(const cJSON *rec, const char *which)
{
    static const char *keys[] = {"track", "id"};
    for (int i = 0; i < 2; i++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, keys[i]);
        if (!cJSON_IsString(t))
            continue;
        const char *s = t->valuestring, *dot = strrchr(s, '.');
        size_t n = strlen(which);
        if (!strcmp(s, which) || (dot && (size_t)(dot - s) == n && !strncmp(s, which, n)))
            return 1;
    }
    return 0;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

int vx_preset_load(const char *path, const char *which, double *raw, cJSON **out, vx_err *e)
{
    if (!which) {
        /* A lone preset, pretty-printed or on one line. */
        cJSON *doc = vx_json_read_document(path, e);
        if (!doc) {
            vx_ndjson_reader *r = vx_ndjson_open(path, e);
            cJSON *rec = NULL, *extra = NULL;
            int got = r ? vx_ndjson_next(r, &rec, e) : -1;
            int more = got == 1 ? vx_ndjson_next(r, &extra, e) : 0;
            vx_ndjson_close(r);
            cJSON_Delete(extra);
            if (got <= 0 || more) {
                cJSON_Delete(rec);
                if (got == 0)
                    return vx_err_set(e, "%s: no preset in the file", path);
                if (more == 1)
                    return vx_err_set(e, "%s: holds several presets: choose one with an index or a track name", path);
                return -1;
            }
            doc = rec;
        }
        if (!cJSON_IsObject(doc)) {
            cJSON_Delete(doc);
            return vx_err_set(e, "%s: a preset must be a JSON object", path);
        }
        char where[4200];
        snprintf(where, sizeof where, "%s:1", path);
        int rc = vx_preset_parse(doc, where, raw, e);
        if (rc == 0 && out)
            *out = doc;
        else
            cJSON_Delete(doc);
        return rc;
    }
    vx_ndjson_reader *r = vx_ndjson_open(path, e);
    if (!r)
        return -1;
    long index = all_digits(which) ? strtol(which, NULL, 10) : -1;
    cJSON *rec;
    int got, rc = -1;
    for (long i = 0; (got = vx_ndjson_next(r, &rec, e)) == 1; i++) {
        if (i == index || (index < 0 && names_track(rec, which))) {
            rc = vx_preset_parse(rec, vx_ndjson_where(r), raw, e);
            if (rc == 0 && out)
                *out = rec;
            else
                cJSON_Delete(rec);
            break;
        }
        cJSON_Delete(rec);
    }
    if (got == 0)
        vx_err_set(e, "%s: no preset %s %s in the set", path, index >= 0 ? "at index" : "named", which);
    vx_ndjson_close(r);
    return rc;
}
