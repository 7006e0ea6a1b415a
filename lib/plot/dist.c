/* vx-plot dist: histograms of chosen parameters for one or more preset sets, in the
 * units of a preset's "fx" object (paper Fig. 4; see figure.h). TSV columns: set, name,
 * param, lo, hi (the bin's edges), count, share (count over the set's size). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot/figure.h"
#include "plot/hist.h"
#include "plot/range.h"

#define MAX_PARAMS 24
#define MAX_BINS 1000

typedef struct {
    const vx_param_def *d;
    int k;                  /* index within a vector parameter */
    char name[96];          /* as given, without "fx." */
} param;

/* One name of the list: [fx.]GROUP.NAME or [fx.]GROUP.NAME[K], as in a preset's fx object. */
static int parse_one(const char *s, size_t len, param *p, vx_err *e)
{
    char buf[96], *dot, *bracket;
    if (len >= sizeof buf)
        return vx_err_set(e, "'%.*s': name too long", (int)len, s);
    memcpy(buf, s, len), buf[len] = 0;
    char *name = strncmp(buf, "fx.", 3) ? buf : buf + 3;
    snprintf(p->name, sizeof p->name, "%s", name);
    p->k = 0;
    if ((bracket = strchr(name, '['))) {
        char *end;
        p->k = (int)strtol(bracket + 1, &end, 10);
        if (end == bracket + 1 || strcmp(end, "]"))
            return vx_err_set(e, "'%s': an index is written [K]", p->name);
        *bracket = 0;
    }
    if (!(dot = strchr(name, '.')))
        return vx_err_set(e, "'%s': a parameter is GROUP.NAME as in a preset's fx object, e.g. delay.time_ms", p->name);
    *dot = 0;
    if (!(p->d = vx_param_find(name, dot + 1)))
        return vx_err_set(e, "unknown parameter '%s' (names as in a preset's fx object, e.g. delay.time_ms)", p->name);
    if (p->k < 0 || p->k >= p->d->count || (bracket && p->d->count == 1))
        return vx_err_set(e, "'%s': index out of range (%d value%s)", p->name, p->d->count,
                          p->d->count == 1 ? "" : "s");
    return 0;
}

static int parse_list(const char *list, param *ps, int *n, vx_err *e)
{
    *n = 0;
    for (const char *s = list;; s++) {
        size_t len = strcspn(s, ",");
        if (len == 0)
            return vx_err_set(e, "'%s': an empty name", list);
        if (*n == MAX_PARAMS)
            return vx_err_set(e, "at most %d parameters", MAX_PARAMS);
        if (parse_one(s, len, &ps[(*n)++], e))
            return -1;
        s += len;
        if (!*s)
            return 0;
    }
}

int vx_fig_dist_check(const char *params, vx_err *e)
{
    param ps[MAX_PARAMS];
    int n;
    return parse_list(params, ps, &n, e);
}

/* The parameter's value in a raw vector, in the fx object's units. */
static double value(const param *p, const double *raw)
{
    double phys = vx_map_forward(p->d, raw[p->d->raw_index + p->k]);
    return vx_display_from_phys(p->d->display, phys);
}

static void panel(FILE *gp, const param *p, vx_range r, double peak, int nsets,
                  const vx_fig_set *sets, int first)
{
    double init = vx_display_from_phys(p->d->display, p->d->init);
    fprintf(gp, "set title '%s'\nset xrange [%.9g:%.9g]\nset yrange [0:%.9g]\n", p->name, r.lo, r.hi,
            peak * 1.15);
    fputs(first ? "set key top right box opaque font ',9'\n" : "unset key\n", gp);
    fputs("unset arrow\n", gp);
    if (init >= r.lo && init <= r.hi)
        fprintf(gp, "set arrow from %.9g, graph 0 to %.9g, graph 1 nohead dt 2 lc 'black'\n", init, init);
    const char *sep = "plot ";
    for (int s = 0; s < nsets; s++, sep = ", ") {
        fprintf(gp, "%s$DATA using ($1 == %d && strcol(3) eq '%s' ? ($4 + $5) / 2 : NaN):7:($5 - $4) "
                    "with boxes fs transparent solid 0.4 lc %d title ", sep, s, p->name, s + 1);
        char title[VX_FIG_LABEL + 32];
        snprintf(title, sizeof title, "%s (%ld)", sets[s].name, sets[s].n);
        vx_fig_quote(gp, title);
    }
    if (first && init >= r.lo && init <= r.hi)
        fputs(", NaN with lines dt 2 lc 'black' title 'initial value'", gp);
    fputs("\n", gp);
}

int vx_fig_dist(const char *params, int bins, const vx_fig_set *sets, int nsets, FILE *tsv,
                FILE *gp, vx_err *e)
{
    param ps[MAX_PARAMS];
    int np;
    if (parse_list(params, ps, &np, e))
        return -1;
    if (bins > MAX_BINS)
        return vx_err_set(e, "at most %d bins", MAX_BINS);
    long total = 0;
    for (int s = 0; s < nsets; s++)
        total += sets[s].n;
    double *v = malloc(sizeof *v * (size_t)(total + 1)), frac[MAX_BINS];
    if (!v)
        return vx_err_set(e, "out of memory");
    if (total == 0) {
        free(v);
        return vx_err_set(e, "no preset to draw");
    }
    fputs("set\tname\tparam\tlo\thi\tcount\tshare\n", tsv);
    fprintf(gp, "set datafile separator '\\t'\nset grid\nset format x '%%g'\nset ylabel 'share of set'\n"
                "set multiplot layout %d,%d title 'Parameter distributions'\n",
            (np + 1) / 2, np > 1 ? 2 : 1);
    for (int i = 0; i < np; i++) {
        vx_range r = VX_RANGE_EMPTY;
        for (int s = 0; s < nsets; s++)
            for (long j = 0; j < sets[s].n; j++)
                vx_range_add(&r, value(&ps[i], sets[s].raw + (size_t)j * VX_NRAW));
        if (r.hi - r.lo < 1e-9 * fmax(1, fabs(r.lo)))
            r.lo -= 0.5, r.hi += 0.5; /* a constant: one bin around it */
        double peak = 0, w = (r.hi - r.lo) / bins;
        for (int s = 0; s < nsets; s++) {
            double *x = v;
            for (long j = 0; j < sets[s].n; j++)
                x[j] = value(&ps[i], sets[s].raw + (size_t)j * VX_NRAW);
            vx_hist(x, sets[s].n, 1, r.lo, r.hi, bins, frac);
            for (int b = 0; b < bins; b++) {
                fprintf(tsv, "%d\t%s\t%s\t%.9g\t%.9g\t%.0f\t%.9g\n", s, sets[s].name, ps[i].name,
                        r.lo + b * w, r.lo + (b + 1) * w, round(frac[b] * sets[s].n), frac[b]);
                peak = fmax(peak, frac[b]);
            }
        }
        panel(gp, &ps[i], r, peak > 0 ? peak : 1, nsets, sets, i == 0);
    }
    fputs("unset multiplot\n", gp);
    free(v);
    return 0;
}
