/* Selected preset records from NDJSON inputs (see rows.h). */
#include "stats/rows.h"
#include "io/ndjson.h"
#include "preset.h"
#include "stats/mask.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct vx_rows {
    const char *const *paths;
    int npaths, next_path;
    vx_rowsel sel;
    vx_ndjson_reader *in;
    long position; /* records read so far over all inputs */
    long last;     /* largest position sel.list names, -1 if no list */
};

/* One "N" or "N-M" item of a list at *s; advances past it. -1 when malformed. */
static int parse_item(const char **s, long *lo, long *hi)
{
    char *end;
    if (!isdigit((unsigned char)**s))
        return -1;
    errno = 0;
    *lo = *hi = strtol(*s, &end, 10);
    if (*end == '-') {
        if (!isdigit((unsigned char)end[1]))
            return -1;
        *hi = strtol(end + 1, &end, 10);
    }
    if (errno || *hi < *lo || (*end && *end != ',') || (*end == ',' && !end[1]))
        return -1;
    *s = *end ? end + 1 : end;
    return 0;
}

int vx_rowsel_check(const char *list, vx_err *e)
{
    long lo, hi;
    const char *s = list;
    do {
        if (parse_item(&s, &lo, &hi))
            return vx_err_set(e, "'%s' is not a list of positions like 0-9,12", list);
    } while (*s);
    return 0;
}

static int listed(const char *list, long i)
{
    long lo, hi;
    const char *s = list;
    while (*s && !parse_item(&s, &lo, &hi))
        if (i >= lo && i <= hi)
            return 1;
    return 0;
}

static long last_listed(const char *list)
{
    long lo, hi, last = -1;
    const char *s = list;
    while (*s && !parse_item(&s, &lo, &hi))
        last = hi > last ? hi : last;
    return last;
}

vx_rows *vx_rows_open(const char *const *paths, int npaths, const vx_rowsel *sel, vx_err *e)
{
    static const char *const stdin_only[] = {"-"};
    if (sel && sel->list && vx_rowsel_check(sel->list, e))
        return NULL;
    vx_rows *r = calloc(1, sizeof *r);
    if (!r) {
        vx_err_set(e, "out of memory");
        return NULL;
    }
    r->paths = npaths ? paths : stdin_only;
    r->npaths = npaths ? npaths : 1;
    if (sel)
        r->sel = *sel;
    r->last = r->sel.list ? last_listed(r->sel.list) : -1;
    return r;
}

static int selected(const vx_rows *r, const cJSON *rec)
{
    if (r->sel.list && !listed(r->sel.list, r->position))
        return 0;
    const cJSON *dry = cJSON_GetObjectItemCaseSensitive(rec, "dry");
    if (r->sel.exclude && cJSON_IsString(dry) && strstr(dry->valuestring, r->sel.exclude))
        return 0;
    return !r->sel.train || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "train"));
}

int vx_rows_next(vx_rows *r, cJSON **rec, double *raw, vx_err *e)
{
    for (;;) {
        if (!r->in) {
            if (r->next_path == r->npaths) {
                if (r->last >= r->position)
                    return vx_err_set(e, "%s: --rows: position %ld is past the last record (%ld read)",
                                      r->paths[r->npaths - 1], r->last, r->position);
                return 0;
            }
            if (!(r->in = vx_ndjson_open(r->paths[r->next_path++], e)))
                return -1;
        }
        int got = vx_ndjson_next(r->in, rec, e);
        if (got < 0)
            return -1;
        if (got == 0) {
            vx_ndjson_close(r->in);
            r->in = NULL;
            continue;
        }
        int keep = selected(r, *rec);
        r->position++;
        if (keep) {
            if (vx_preset_parse(*rec, vx_ndjson_where(r->in), r->sel.preset_flags, raw, e)) {
                cJSON_Delete(*rec);
                return -1;
            }
            return 1;
        }
        cJSON_Delete(*rec);
    }
}

const char *vx_rows_where(const vx_rows *r) { return r->in ? vx_ndjson_where(r->in) : ""; }

void vx_rows_close(vx_rows *r)
{
    if (!r)
        return;
    vx_ndjson_close(r->in);
    free(r);
}

/* Appends name to the "+"-joined list in buf unless it is already there. */
static void add_name(char *buf, size_t size, const char *name)
{
    size_t len = strlen(name);
    for (const char *s = buf; *s;) {
        const char *plus = strchr(s, '+'), *end = plus ? plus : s + strlen(s);
        if ((size_t)(end - s) == len && !strncmp(s, name, len))
            return;
        s = plus ? plus + 1 : end;
    }
    size_t used = strlen(buf);
    if (used + len + 2 <= size)
        snprintf(buf + used, size - used, "%s%s", used ? "+" : "", name);
}

int vx_rows_read_all(const char *const *paths, int npaths, const vx_rowsel *sel,
                     const unsigned char *mask, double **x, long *n, char *dataset,
                     size_t size, vx_err *e)
{
    int d = vx_mask_count(mask);
    *x = NULL;
    *n = 0;
    dataset[0] = 0;
    vx_rows *r = vx_rows_open(paths, npaths, sel, e);
    if (!r)
        return -1;
    long cap = 0;
    double raw[VX_NRAW];
    cJSON *rec;
    int got;
    while ((got = vx_rows_next(r, &rec, raw, e)) == 1) {
        const cJSON *ds = cJSON_GetObjectItemCaseSensitive(rec, "dataset");
        if (cJSON_IsString(ds))
            add_name(dataset, size, ds->valuestring);
        cJSON_Delete(rec);
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            double *grown = realloc(*x, sizeof **x * (size_t)cap * d);
            if (!grown) {
                got = vx_err_set(e, "out of memory");
                break;
            }
            *x = grown;
        }
        vx_mask_pick(mask, raw, *x + (size_t)*n * d);
        (*n)++;
    }
    vx_rows_close(r);
    if (got < 0) {
        free(*x);
        *x = NULL;
        *n = 0;
    }
    return got < 0 ? -1 : 0;
}
