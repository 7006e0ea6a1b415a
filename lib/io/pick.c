/* Choosing one record of an NDJSON set by index or name (see pick.h). */
#include "io/pick.h"
#include "io/ndjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does the record's track (or id) name `which`, with or without an extension? */
static int names_record(const cJSON *rec, const char *which)
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

/* Ascending indices idx[n] as runs, "0-384" or "3, 17, 40-41", cut short with "..." when
 * the buffer fills. */
static void format_indices(const long *idx, long n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (long i = 0; i < n; i++) {
        long j = i;
        while (j + 1 < n && idx[j + 1] == idx[j] + 1)
            j++;
        if (used + 48 > size) {
            snprintf(buf + used, size - used, ", ...");
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%ld", i ? ", " : "", idx[i]);
        if (j > i)
            used += (size_t)snprintf(buf + used, size - used, "-%ld", idx[j]);
        i = j;
    }
}

static int all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

int vx_ndjson_pick(const char *path, const char *which, const char *noun, cJSON **out,
                   char *where, size_t n, vx_err *e)
{
    vx_ndjson_reader *r = vx_ndjson_open(path, e);
    if (!r)
        return -1;
    long index = which && all_digits(which) ? strtol(which, NULL, 10) : -1;
    long count = 0, matches = 0, *idx = NULL;
    cJSON *rec, *found = NULL;
    int got;
    while ((got = vx_ndjson_next(r, &rec, e)) == 1) {
        long i = count++;
        int match = !which || i == index || (index < 0 && names_record(rec, which));
        if (!match) {
            cJSON_Delete(rec);
            continue;
        }
        long *grown = realloc(idx, (size_t)(matches + 1) * sizeof *idx);
        if (!grown) {
            cJSON_Delete(rec);
            got = vx_err_set(e, "%s: out of memory", path);
            break;
        }
        (idx = grown)[matches++] = i;
        if (found) {
            cJSON_Delete(rec);
        } else {
            found = rec;
            if (where)
                snprintf(where, n, "%s", vx_ndjson_where(r));
        }
        if (index >= 0)
            break;
    }
    vx_ndjson_close(r);
    const char *name = strcmp(path, "-") ? path : "stdin";
    char list[256];
    format_indices(idx, matches, list, sizeof list);
    free(idx);
    int rc = -1;
    if (got < 0)
        ;
    else if (!found && which)
        vx_err_set(e, "%s: no %s %s %s in the set", name, noun, index >= 0 ? "at index" : "named", which);
    else if (!found)
        vx_err_set(e, "%s: no %s in the file", name, noun);
    else if (!which && matches > 1)
        vx_err_set(e, "%s: holds several %ss (%ld): choose one by its index or its track name",
                   name, noun, matches);
    else if (matches > 1)
        vx_err_set(e, "%s: %s matches %ld %ss (indices %s): choose one by its index", name, which,
                   matches, noun, list);
    else
        rc = 0;
    if (rc)
        cJSON_Delete(found);
    else
        *out = found;
    return rc;
}
