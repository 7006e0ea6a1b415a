/* Reading a preset set for a figure, and gnuplot string quoting (see figure.h). */
#include "plot/figure.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* The legend label of a record: "track", else "id", else where it was read; then " #N"
 * with its "index" in a published set (Internal's tracks are anonymised to a few names). */
static void record_label(const cJSON *rec, const char *where, char *label)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "track");
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(rec, "index");
    if (!cJSON_IsString(t))
        t = cJSON_GetObjectItemCaseSensitive(rec, "id");
    int n = snprintf(label, VX_FIG_LABEL, "%s", cJSON_IsString(t) ? t->valuestring : where);
    if (cJSON_IsNumber(index) && n >= 0 && n < VX_FIG_LABEL)
        snprintf(label + n, VX_FIG_LABEL - (size_t)n, " #%g", index->valuedouble);
}

static void add_dataset(vx_fig_set *set, const cJSON *rec)
{
    const cJSON *ds = cJSON_GetObjectItemCaseSensitive(rec, "dataset");
    if (!cJSON_IsString(ds) || strstr(set->name, ds->valuestring))
        return;
    size_t used = strlen(set->name);
    snprintf(set->name + used, sizeof set->name - used, "%s%s", used ? "+" : "", ds->valuestring);
}

static int grow(vx_fig_set *set, long *cap, vx_err *e)
{
    long c = *cap ? 2 * *cap : 64;
    double *raw = realloc(set->raw, sizeof *raw * VX_NRAW * (size_t)c);
    if (raw)
        set->raw = raw;
    char(*labels)[VX_FIG_LABEL] = raw ? realloc(set->labels, sizeof *labels * (size_t)c) : NULL;
    if (!labels)
        return vx_err_set(e, "out of memory");
    set->labels = labels;
    *cap = c;
    return 0;
}

int vx_fig_set_read(const char *path, const vx_rowsel *sel, int trained_only, vx_fig_set *set,
                    vx_err *e)
{
    memset(set, 0, sizeof *set);
    vx_rows *rows = vx_rows_open(&path, 1, sel, e);
    if (!rows)
        return -1;
    long cap = 0;
    double raw[VX_NRAW];
    cJSON *rec;
    int got;
    while ((got = vx_rows_next(rows, &rec, raw, e)) == 1) {
        if (trained_only && cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(rec, "train"))) {
            cJSON_Delete(rec);
            continue;
        }
        if (set->n == cap && grow(set, &cap, e)) {
            cJSON_Delete(rec);
            got = -1;
            break;
        }
        memcpy(set->raw + (size_t)set->n * VX_NRAW, raw, sizeof raw);
        record_label(rec, vx_rows_where(rows), set->labels[set->n++]);
        add_dataset(set, rec);
        cJSON_Delete(rec);
    }
    vx_rows_close(rows);
    if (got < 0) {
        vx_fig_set_free(set);
        return -1;
    }
    if (!set->name[0]) {
        const char *slash = strrchr(path, '/');
        snprintf(set->name, sizeof set->name, "%s", !strcmp(path, "-") ? "stdin" : slash ? slash + 1 : path);
    }
    return 0;
}

void vx_fig_set_free(vx_fig_set *set)
{
    free(set->raw);
    free(set->labels);
    set->raw = NULL, set->labels = NULL, set->n = 0;
}

void vx_fig_quote(FILE *gp, const char *s)
{
    fputc('\'', gp);
    for (; *s; s++)
        fputs(*s == '\'' ? "''" : (char[]){*s, 0}, gp);
    fputc('\'', gp);
}
