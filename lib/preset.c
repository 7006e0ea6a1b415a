/* Preset records: parsing, validation, readable fx object, loading from files (see preset.h). */
#include "preset.h"
#include "io/ndjson.h"
#include "io/pick.h"
#include "spell.h"

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

/* One raw value: finite and inside its limits (vx_param_raw_range). */
static int check_raw(int k, double x, const char *where, vx_err *e)
{
    char name[96];
    double lo, hi;
    vx_param_raw_range(vx_param_by_raw_index(k), &lo, &hi);
    if (!isfinite(x))
        return vx_err_set(e, "%s: %s is not a finite number", where, describe(k, name, sizeof name));
    if (!(x >= lo && x <= hi))
        return vx_err_set(e, "%s: %s must be in [%g, %g], got %g", where,
                          describe(k, name, sizeof name), lo, hi, x);
    return 0;
}

int vx_preset_validate(const double *raw, const char *where, vx_err *e)
{
    for (int k = 0; k < VX_NRAW; k++)
        if (check_raw(k, raw[k], where, e))
            return -1;
    return 0;
}

static int parse_raw(const cJSON *rawj, const char *where, double *raw, vx_err *e)
{
    if (!cJSON_IsArray(rawj))
        return vx_err_set(e, "%s: raw must be an array of %d numbers, got %s", where, VX_NRAW,
                          vx_json_type_name(rawj));
    int n = cJSON_GetArraySize(rawj), k = 0;
    if (n != VX_NRAW)
        return vx_err_set(e, "%s: raw has %d values, expected %d", where, n, VX_NRAW);
    char name[96];
    for (const cJSON *x = rawj->child; x; x = x->next, k++) {
        if (!cJSON_IsNumber(x))
            return vx_err_set(e, "%s: %s must be a number, got %s", where,
                              describe(k, name, sizeof name), vx_json_type_name(x));
        raw[k] = x->valuedouble;
    }
    return vx_preset_validate(raw, where, e);
}

/* "fx.comp.attack_ms", with "[j]" or "[r][c]" for value j of a vector or matrix. */
static const char *field_name(const vx_param_def *d, int j, char *buf, size_t n)
{
    int cols = columns_of(d);
    int len = snprintf(buf, n, "fx.%s.%s", d->group, d->name);
    if (d->count > 1 && cols)
        snprintf(buf + len, n - len, "[%d][%d]", j / cols, j % cols);
    else if (d->count > 1)
        snprintf(buf + len, n - len, "[%d]", j);
    return buf;
}

/* The values of one fx field, row-major, into vals[d->count]. */
static int read_field(const vx_param_def *d, const cJSON *v, const char *where, double *vals,
                      vx_err *e)
{
    char name[96];
    field_name(d, 0, name, sizeof name);
    if (d->count == 1) {
        if (!cJSON_IsNumber(v))
            return vx_err_set(e, "%s: %s must be a number, got %s", where, name, vx_json_type_name(v));
        vals[0] = v->valuedouble;
        return 0;
    }
    int cols = columns_of(d), k = 0;
    const char *shape = cols ? "a matrix" : "an array";
    *strchr(name, '[') = 0;
    if (!cJSON_IsArray(v))
        return vx_err_set(e, "%s: %s must be %s of %d numbers, got %s", where, name, shape,
                          d->count, vx_json_type_name(v));
    for (const cJSON *row = v->child; row; row = row->next) {
        if (cols && !(cJSON_IsArray(row) && cJSON_GetArraySize(row) == cols))
            return vx_err_set(e, "%s: %s must be %d rows of %d numbers", where, name,
                              d->count / cols, cols);
        for (const cJSON *x = cols ? row->child : row; x; x = cols ? x->next : NULL) {
            if (k >= d->count)
                return vx_err_set(e, "%s: %s must hold %d numbers, got more", where, name, d->count);
            if (!cJSON_IsNumber(x))
                return vx_err_set(e, "%s: %s must be a number, got %s", where,
                                  field_name(d, k, name, sizeof name), vx_json_type_name(x));
            vals[k++] = x->valuedouble;
        }
    }
    if (k != d->count)
        return vx_err_set(e, "%s: %s must hold %d numbers, got %d", where, name, d->count, k);
    return 0;
}

/* The physical value of fx value `shown` of d, checked against the range its raw value
 * may map to: the map's open range, within the raw limits (VX_RAW_LIMIT). */
static int shown_to_phys(const vx_param_def *d, int j, double shown, const char *where,
                         double *phys, vx_err *e)
{
    char name[96];
    double lo, hi, y = vx_display_to_phys(d->display, shown);
    vx_param_raw_range(d, &lo, &hi);
    field_name(d, j, name, sizeof name);
    if (!isfinite(shown))
        return vx_err_set(e, "%s: %s is not a finite number", where, name);
    if (d->map == VX_MAP_IDENTITY) {
        if (!(y >= lo && y <= hi))
            return vx_err_set(e, "%s: %s must be in [%g, %g], got %g", where, name, lo, hi, shown);
    } else {
        double x = vx_map_inverse(d, y);
        if (!isfinite(x)) {
            double a = vx_display_from_phys(d->display, d->map == VX_MAP_SIGMOID ? 0 : d->lo);
            double b = vx_display_from_phys(d->display, d->map == VX_MAP_WRAP ? d->hi
                                                                              : vx_map_forward(d, INFINITY));
            if (d->display == VX_SHOW_COEF_MS)
                a = 0, b = INFINITY;
            return vx_err_set(e, "%s: %s must be in %c%g, %g), got %g", where, name,
                              d->map == VX_MAP_WRAP ? '[' : '(', a, b, shown);
        }
        char exact[40];
        vx_json_format_number(shown, exact, sizeof exact);
        if (!(x >= lo && x <= hi))
            return vx_err_set(e, "%s: %s = %s is too close to an end of its range: its raw "
                              "value %g must be in [%g, %g]", where, name, exact, x, lo, hi);
    }
    *phys = y;
    return 0;
}

/* The table entry of fx section `group`'s field `field`; NULL, with the section's field
 * closest to it in *closest, when there is none. */
static const vx_param_def *find_field(const char *group, const char *field, const char **closest)
{
    size_t best = (size_t)-1;
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        if (strcmp(d->group, group))
            continue;
        if (!strcmp(d->name, field))
            return d;
        size_t dist = vx_edit_distance(field, d->name);
        if (dist < best)
            best = dist, *closest = d->name;
    }
    return NULL;
}

static const char *closest_group(const char *group)
{
    const char *closest = NULL;
    size_t best = (size_t)-1;
    for (int i = 0; i < vx_param_table_len; i++) {
        size_t dist = vx_edit_distance(group, vx_param_table[i].group);
        if (dist < best)
            best = dist, closest = vx_param_table[i].group;
    }
    return closest;
}

static int known_group(const char *group)
{
    for (int i = 0; i < vx_param_table_len; i++)
        if (!strcmp(vx_param_table[i].group, group))
            return 1;
    return 0;
}

/* The fields an fx object gives, checked, as physical values in fx; given[i] marks the
 * table entries it has. Unknown sections and fields are errors. */
static int read_fx(const cJSON *fxj, const char *where, vx_fx *fx, unsigned char *given, vx_err *e)
{
    if (!cJSON_IsObject(fxj))
        return vx_err_set(e, "%s: fx must be an object, got %s", where, vx_json_type_name(fxj));
    for (const cJSON *g = fxj->child; g; g = g->next) {
        if (!known_group(g->string))
            return vx_err_set(e, "%s: fx.%s is not a section of fx (did you mean %s?)", where,
                              g->string, closest_group(g->string));
        if (!cJSON_IsObject(g))
            return vx_err_set(e, "%s: fx.%s must be an object of fields, got %s", where,
                              g->string, vx_json_type_name(g));
        for (const cJSON *v = g->child; v; v = v->next) {
            const char *closest = NULL;
            const vx_param_def *d = find_field(g->string, v->string, &closest);
            if (!d)
                return vx_err_set(e, "%s: fx.%s.%s is not a field of fx.%s (did you mean %s?)",
                                  where, g->string, v->string, g->string, closest);
            double vals[VX_FDN_GAMMAS]; /* the longest parameter */
            double *slot = (double *)((char *)fx + d->offset);
            if (read_field(d, v, where, vals, e))
                return -1;
            for (int j = 0; j < d->count; j++)
                if (shown_to_phys(d, j, vals[j], where, &slot[j], e))
                    return -1;
            given[d - vx_param_table] = 1;
        }
    }
    return 0;
}

/* A record with both keeps them equal: fx is what people read and edit, and an edit
 * that raw silently overrode would render something else than it says. */
static int check_agreement(const vx_fx *fx, const unsigned char *given, const double *raw,
                           const char *where, vx_err *e)
{
    vx_fx from_raw;
    vx_params_to_fx(raw, 0, &from_raw);
    char name[96], rname[96];
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        const double *a = (const double *)((const char *)fx + d->offset);
        const double *b = (const double *)((const char *)&from_raw + d->offset);
        for (int j = 0; given[i] && j < d->count; j++) {
            double sa = vx_display_from_phys(d->display, a[j]);
            double sb = vx_display_from_phys(d->display, b[j]);
            if (fabs(sa - sb) > 1e-6 * fmax(fabs(sa), fabs(sb)) + 1e-9)
                return vx_err_set(e, "%s: %s = %g disagrees with %s, which gives %g: edit one "
                                  "and remove the other", where, field_name(d, j, name, sizeof name),
                                  sa, describe(d->raw_index + j, rname, sizeof rname), sb);
        }
    }
    return 0;
}

int vx_preset_parse(const cJSON *rec, const char *where, int flags, double *raw, vx_err *e)
{
    const cJSON *fxj = cJSON_GetObjectItemCaseSensitive(rec, "fx");
    const cJSON *rawj = cJSON_GetObjectItemCaseSensitive(rec, "raw");
    if (!rawj && !fxj)
        return vx_err_set(e, "%s: not a preset: no \"raw\" array or \"fx\" object", where);
    if (rawj && parse_raw(rawj, where, raw, e))
        return -1;
    if (!fxj)
        return 0;
    vx_fx fx;
    unsigned char given[64] = {0};
    double init[VX_NRAW];
    vx_params_init(init);
    vx_params_to_fx(init, 0, &fx); /* DiffVox's initial values where fx leaves a field out */
    if (read_fx(fxj, where, &fx, given, e))
        return -1;
    if (rawj)
        return check_agreement(&fx, given, raw, where, e);
    for (int i = 0; i < vx_param_table_len && !(flags & VX_PRESET_FX_DEFAULTS); i++)
        if (!given[i])
            return vx_err_set(e, "%s: fx.%s.%s is missing (--fx-defaults gives missing fields "
                              "DiffVox's initial values)", where, vx_param_table[i].group,
                              vx_param_table[i].name);
    vx_params_from_fx(&fx, raw); /* every value was checked by read_fx */
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

int vx_preset_load(const char *path, const char *which, int flags, double *raw, cJSON **out,
                   vx_err *e)
{
    char where[4200];
    cJSON *rec = NULL;
    /* A lone preset may be pretty-printed: one JSON document, not one record a line. */
    cJSON *doc = which ? NULL : vx_json_read_document(path, e);
    if (!which && !doc && !strcmp(path, "-")) { /* read once: no second look as a set */
        char why[sizeof e->msg];
        snprintf(why, sizeof why, "%s", e->msg);
        return vx_err_set(e, "%s; a set on standard input needs a pick of one preset", why);
    }
    if (doc) {
        snprintf(where, sizeof where, "%s:1", strcmp(path, "-") ? path : "stdin");
        if (!cJSON_IsObject(doc)) {
            cJSON_Delete(doc);
            return vx_err_set(e, "%s: a preset must be a JSON object", path);
        }
        if (vx_json_check_unique_keys(doc, where, e)) {
            cJSON_Delete(doc);
            return -1;
        }
        rec = doc;
    } else if (vx_ndjson_pick(path, which, "preset", &rec, where, sizeof where, e)) {
        return -1;
    }
    int rc = vx_preset_parse(rec, where, flags, raw, e);
    if (rc == 0 && out)
        *out = rec;
    else
        cJSON_Delete(rec);
    return rc;
}
