/* Preset lists and file-name patterns of an audition (see audition.h). */
#include "audition.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the conversion at p (just after a '%'): flags '0', a width, then d or s.
 * Returns its length and kind ('d', 's', '%'), or 0 for anything else. */
static size_t conversion(const char *p, char *kind)
{
    if (*p == '%') {
        *kind = '%';
        return 1;
    }
    size_t n = 0;
    while (p[n] == '0')
        n++;
    while (isdigit((unsigned char)p[n]))
        n++;
    if (n > 3) /* a width of more than 99 digits is not a file name */
        return 0;
    if (p[n] == 'd' || (p[n] == 's' && n == 0)) {
        *kind = p[n];
        return n + 1;
    }
    return 0;
}

int vx_audition_pattern_check(const char *pattern, vx_err *e)
{
    int nd = 0, ns = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p != '%')
            continue;
        char kind;
        size_t len = conversion(p + 1, &kind);
        if (!len)
            return vx_err_set(e, "pattern %s: only %%d (the index, e.g. %%02d), %%s (the track) "
                                 "and %%%% may follow a %%", pattern);
        nd += kind == 'd', ns += kind == 's';
        p += len;
    }
    if (nd != 1)
        return vx_err_set(e, "pattern %s: needs exactly one %%d for the preset's index", pattern);
    if (ns > 1)
        return vx_err_set(e, "pattern %s: at most one %%s for the track name", pattern);
    return 0;
}

int vx_audition_name(const char *pattern, long index, const char *track, char *out,
                     size_t size)
{
    size_t o = 0;
    for (const char *p = pattern; *p; p++) {
        char piece[4096];
        const char *add = piece;
        char kind = 0;
        size_t len = *p == '%' ? conversion(p + 1, &kind) : 0;
        if (kind == 'd') {
            char fmt[8];
            snprintf(fmt, sizeof fmt, "%%%.*s", (int)len, p + 1);
            snprintf(piece, sizeof piece, fmt, index);
        } else if (kind == 's') {
            snprintf(piece, sizeof piece, "%s", track ? track : "preset");
            for (char *c = piece; *c; c++)
                if (*c == '/')
                    *c = '_';
        } else {
            piece[0] = kind == '%' ? '%' : *p, piece[1] = 0;
        }
        p += len;
        size_t n = strlen(add);
        if (o + n >= size)
            return -1;
        memcpy(out + o, add, n);
        o += n;
    }
    out[o] = 0;
    return 0;
}

/* A non-negative decimal index at *s, which moves past it; -1 if there is none. */
static long index_at(const char **s)
{
    if (!isdigit((unsigned char)**s))
        return -1;
    char *end;
    long v = strtol(*s, &end, 10);
    *s = end;
    return v;
}

int vx_audition_pick_parse(const char *list, vx_audition_pick *p, vx_err *e)
{
    p->n = 0;
    p->last = -1;
    const char *s = list;
    for (;;) {
        const char *item = s;
        long lo = index_at(&s), hi = lo;
        if (lo >= 0 && *s == '-')
            s++, hi = index_at(&s);
        if (lo < 0 || hi < lo || (*s && *s != ',')) {
            size_t n = strcspn(item, ",");
            return vx_err_set(e, "-k %s: '%.*s' is not an index or a range N-M", list, (int)n, item);
        }
        if (p->n == VX_AUDITION_MAX_RANGES)
            return vx_err_set(e, "-k %s: more than %d items", list, VX_AUDITION_MAX_RANGES);
        p->lo[p->n] = lo, p->hi[p->n] = hi, p->n++;
        if (hi > p->last)
            p->last = hi;
        if (!*s++)
            return 0;
    }
}

int vx_audition_picked(const vx_audition_pick *p, long index)
{
    for (int i = 0; i < p->n; i++)
        if (index >= p->lo[i] && index <= p->hi[i])
            return 1;
    return 0;
}
