/* ISO 8601 parsing (see isotime.h). */
#include "isotime.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

/* Exactly n digits at *p, advancing it; -1 if not. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = 10 * v + (**p - '0');
    }
    return v;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

/* Zone offset east of UTC in seconds from "Z", "+HH", "+HHMM", "+HH:MM" or ""; -1 bad. */
static int zone(const char *p, long *off)
{
    *off = 0;
    if (!*p || !strcmp(p, "Z"))
        return 0;
    if (*p != '+' && *p != '-')
        return -1;
    int sign = *p++ == '-' ? -1 : 1, h = digits(&p, 2), m = 0;
    if (*p == ':')
        p++;
    if (*p)
        m = digits(&p, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59 || *p)
        return -1;
    *off = sign * (3600L * h + 60L * m);
    return 0;
}

int vx_isotime_parse(const char *s, const char *what, double *t, vx_err *e)
{
    const char *p = s;
    struct tm tm = {0};
    double frac = 0;
    long off;
    int y = digits(&p, 4), mo = *p == '-' ? (p++, digits(&p, 2)) : -1;
    int d = *p == '-' ? (p++, digits(&p, 2)) : -1, h = 0, mi = 0, sec = 0;
    int ok = y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= days_in(y, mo);
    if (ok && (*p == 'T' || *p == ' ')) {
        p++;
        h = digits(&p, 2);
        mi = *p == ':' ? (p++, digits(&p, 2)) : -1;
        if (*p == ':') {
            p++;
            sec = digits(&p, 2);
            if (*p == '.' && isdigit((unsigned char)p[1]))
                for (double unit = 0.1; isdigit((unsigned char)*++p); unit /= 10)
                    frac += unit * (*p - '0');
        }
        ok = h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 60;
    }
    if (!ok || zone(p, &off))
        return vx_err_set(e, "%s: '%s' is not an ISO 8601 date-time (e.g. 2025-05-01T12:00:00Z)",
                          what, s);
    tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
    tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
    *t = (double)timegm(&tm) - (double)off + frac;
    return 0;
}
