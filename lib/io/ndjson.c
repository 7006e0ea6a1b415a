/* NDJSON reading and writing over cJSON (see ndjson.h). */
#include "io/ndjson.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct vx_ndjson_reader {
    FILE *fp;
    const char *name;
    long line;
    char *buf;
    size_t cap;
    char where[4200];
};

vx_ndjson_reader *vx_ndjson_open(const char *path, vx_err *e)
{
    vx_ndjson_reader *r = calloc(1, sizeof *r);
    if (!r) {
        vx_err_set(e, "%s: out of memory", path);
        return NULL;
    }
    if (!strcmp(path, "-")) {
        r->fp = stdin;
        r->name = "stdin";
    } else {
        r->fp = fopen(path, "r");
        r->name = path;
        if (!r->fp) {
            vx_err_set(e, "%s: %s", path, strerror(errno));
            free(r);
            return NULL;
        }
    }
    return r;
}

/* Appends to path[n] the dotted path of the first key that appears twice in one object
 * of v, at any depth, and returns 1; 0 if there is none. */
static int find_duplicate_key(const cJSON *v, char *path, size_t n)
{
    size_t used = strlen(path);
    int index = 0;
    for (const cJSON *c = v->child; c; c = c->next, index++) {
        if (cJSON_IsObject(v)) {
            for (const cJSON *d = v->child; d != c; d = d->next)
                if (!strcmp(d->string, c->string)) {
                    snprintf(path + used, n - used, "%s%s", used ? "." : "", c->string);
                    return 1;
                }
            snprintf(path + used, n - used, "%s%s", used ? "." : "", c->string);
        } else {
            snprintf(path + used, n - used, "[%d]", index);
        }
        if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && find_duplicate_key(c, path, n))
            return 1;
        path[used] = 0;
    }
    return 0;
}

int vx_json_check_unique_keys(const cJSON *j, const char *where, vx_err *e)
{
    char path[1024] = "";
    if (find_duplicate_key(j, path, sizeof path))
        return vx_err_set(e, "%s: duplicate key %s (each key may appear once)", where, path);
    return 0;
}

int vx_ndjson_next(vx_ndjson_reader *r, cJSON **rec, vx_err *e)
{
    ssize_t n;
    while ((n = getline(&r->buf, &r->cap, r->fp)) >= 0) {
        r->line++;
        snprintf(r->where, sizeof r->where, "%s:%ld", r->name, r->line);
        if (strspn(r->buf, " \t\r\n") == (size_t)n)
            continue;
        /* cJSON stops at a NUL, so whatever follows it would go unread */
        const char *nul = memchr(r->buf, 0, (size_t)n);
        if (nul)
            return vx_err_set(e, "%s: a NUL byte at column %ld (not text)", r->where,
                              (long)(nul - r->buf) + 1);
        const char *end;
        cJSON *j = cJSON_ParseWithOpts(r->buf, &end, 0);
        if (!j)
            return vx_err_set(e, "%s: malformed JSON near column %ld", r->where,
                              (long)(cJSON_GetErrorPtr() - r->buf) + 1);
        if (end[strspn(end, " \t\r\n")]) {
            cJSON_Delete(j);
            return vx_err_set(e, "%s: more than one JSON value on the line", r->where);
        }
        if (!cJSON_IsObject(j)) {
            cJSON_Delete(j);
            return vx_err_set(e, "%s: expected a JSON object (one record a line)", r->where);
        }
        if (vx_json_check_unique_keys(j, r->where, e)) {
            cJSON_Delete(j);
            return -1;
        }
        *rec = j;
        return 1;
    }
    if (ferror(r->fp))
        return vx_err_set(e, "%s: read error: %s", r->name, strerror(errno));
    return 0;
}

const char *vx_ndjson_where(const vx_ndjson_reader *r) { return r->where; }

void vx_ndjson_close(vx_ndjson_reader *r)
{
    if (!r)
        return;
    if (r->fp != stdin)
        fclose(r->fp);
    free(r->buf);
    free(r);
}

cJSON *vx_json_read_document(const char *path, vx_err *e)
{
    FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!fp) {
        vx_err_set(e, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    char chunk[65536];
    size_t got;
    while (mem && (got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        fwrite(chunk, 1, got, mem);
    int bad = ferror(fp);
    if (fp != stdin)
        fclose(fp);
    if (mem)
        fclose(mem);
    cJSON *j = NULL;
    const char *nul = text ? memchr(text, 0, len) : NULL; /* cJSON would stop there */
    if (fp == stdin)
        path = "stdin";
    if (bad || !text)
        vx_err_set(e, "%s: read error", path);
    else if (nul)
        vx_err_set(e, "%s: a NUL byte at offset %ld (not text)", path, (long)(nul - text));
    else if (!(j = cJSON_ParseWithOpts(text, NULL, 1)))
        vx_err_set(e, "%s: not a single JSON document", path);

    free(text);
    return j;
}

/* Shortest decimal that reads back exactly: 6 to 9 digits for a value that is exactly a
 * float32 (DESIGN.md: %.9g for float32), 15 to 17 for any other double. cJSON's own
 * printing can lose the last unit of a double. */
void vx_json_format_number(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "null");
        return;
    }
    int is_float = (double)(float)v == v;
    for (int digits = is_float ? 6 : 15; digits <= 17; digits++) {
        snprintf(buf, n, "%.*g", digits, v);
        double back = strtod(buf, NULL);
        if (is_float ? (float)back == (float)v : back == v)
            return;
    }
}

static void print_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\r': fputs("\\r", fp); break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

static void print_value(FILE *fp, const cJSON *v)
{
    char num[40];
    if (cJSON_IsNumber(v)) {
        vx_json_format_number(v->valuedouble, num, sizeof num);
        fputs(num, fp);
    } else if (cJSON_IsString(v)) {
        print_string(fp, v->valuestring);
    } else if (cJSON_IsRaw(v)) {
        fputs(v->valuestring, fp);
    } else if (cJSON_IsBool(v)) {
        fputs(cJSON_IsTrue(v) ? "true" : "false", fp);
    } else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        int obj = cJSON_IsObject(v);
        fputc(obj ? '{' : '[', fp);
        for (const cJSON *c = v->child; c; c = c->next) {
            if (obj) {
                print_string(fp, c->string);
                fputc(':', fp);
            }
            print_value(fp, c);
            if (c->next)
                fputc(',', fp);
        }
        fputc(obj ? '}' : ']', fp);
    } else {
        fputs("null", fp);
    }
}

int vx_ndjson_write(FILE *fp, const cJSON *rec)
{
    print_value(fp, rec);
    return fputc('\n', fp) == EOF || ferror(fp) ? -1 : 0;
}

const char *vx_json_type_name(const cJSON *j)
{
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsBool(j))
        return cJSON_IsTrue(j) ? "true" : "false";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "null";
}

cJSON *vx_json_float32(double v) { return cJSON_CreateNumber((double)(float)v); }

cJSON *vx_json_double(double v) { return cJSON_CreateNumber(v); }

cJSON *vx_json_array(const double *v, int n, int as_float32)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, as_float32 ? vx_json_float32(v[i]) : vx_json_double(v[i]));
    return a;
}

int vx_json_get_array(const cJSON *obj, const char *key, double *out, int n, const char *where,
                      vx_err *e)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsArray(a))
        return vx_err_set(e, "%s: %s must be an array of %d numbers", where, key, n);
    int len = cJSON_GetArraySize(a);
    if (len != n)
        return vx_err_set(e, "%s: %s has %d values, expected %d", where, key, len, n);
    int i = 0;
    for (const cJSON *x = a->child; x; x = x->next, i++) {
        if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
            return vx_err_set(e, "%s: %s[%d] is not a finite number", where, key, i);
        out[i] = x->valuedouble;
    }
    return 0;
}

int vx_json_get_number(const cJSON *obj, const char *key, double *out, const char *where,
                       vx_err *e)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!x)
        return 1;
    if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
        return vx_err_set(e, "%s: %s is not a finite number", where, key);
    *out = x->valuedouble;
    return 0;
}

int vx_json_get_samples(const cJSON *obj, const char *key, long *out, const char *where,
                        vx_err *e)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!x || cJSON_IsNull(x))
        return 1;
    /* the range test comes first: casting a double outside long's range is undefined */
    if (!cJSON_IsNumber(x) || !(fabs(x->valuedouble) <= 0x1p53) || x->valuedouble != floor(x->valuedouble))
        return vx_err_set(e, "%s: %s must be a whole number of samples", where, key);
    *out = (long)x->valuedouble;
    return 0;
}
