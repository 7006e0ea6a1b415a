/* vx-plot space: preset sets on two principal components of a Gaussian with marginal
 * histograms, marked records drawn large and named (paper Fig. 6; see figure.h). TSV
 * columns: set, name, what, label, x, y; what is "point" (a record's scores), or
 * "hist_a" / "hist_b" (bin centre on component A / B, share of the set in the bin). */
#include <math.h>
#include <stdlib.h>

#include "plot/figure.h"
#include "plot/hist.h"
#include "plot/range.h"
#include "stats/gauss.h"
#include "stats/mask.h"
#include "stats/pca.h"

typedef struct {
    const vx_fig_set *set;
    double *a, *b; /* scores of each record on the two components */
} group;

/* Scores of every record of set on components pc_a, pc_b (whitened, or scaled back by
 * sqrt(e_k)): vx_pca_whiten, as vx-pca project computes them. */
static int score(const vx_pca *p, const vx_fig_space_opts *o, const vx_fig_set *set, group *g,
                 vx_err *e)
{
    int k = o->pc_a > o->pc_b ? o->pc_a : o->pc_b;
    double x[VX_NMASK], z[VX_NMASK];
    g->set = set;
    g->a = malloc(sizeof *g->a * (size_t)(set->n + 1));
    g->b = malloc(sizeof *g->b * (size_t)(set->n + 1));
    if (!g->a || !g->b)
        return vx_err_set(e, "out of memory");
    double sa = o->whiten ? 1 : sqrt(fmax(p->eigenvalues[o->pc_a - 1], 0));
    double sb = o->whiten ? 1 : sqrt(fmax(p->eigenvalues[o->pc_b - 1], 0));
    for (long i = 0; i < set->n; i++) {
        vx_mask_pick(p->g->mask, set->raw + (size_t)i * VX_NRAW, x);
        vx_pca_whiten(p, x, k, z);
        g->a[i] = z[o->pc_a - 1] * sa, g->b[i] = z[o->pc_b - 1] * sb;
    }
    return 0;
}

static void hist_rows(FILE *tsv, int s, const char *name, const char *what, const double *v,
                      long n, vx_range r, int bins, double *peak)
{
    double frac[1000];
    vx_hist(v, n, 1, r.lo, r.hi, bins, frac);
    for (int b = 0; b < bins; b++) {
        fprintf(tsv, "%d\t%s\t%s\t\t%.9g\t%.9g\n", s, name, what, r.lo + (b + 0.5) * (r.hi - r.lo) / bins, frac[b]);
        *peak = fmax(*peak, frac[b]);
    }
}

static void axis_label(FILE *gp, const char *axis, const vx_pca *p, int pc, int whiten)
{
    double total = 0;
    for (int j = 0; j < p->dim; j++)
        total += fmax(p->eigenvalues[j], 0);
    fprintf(gp, "set %slabel 'PC%d, %s (%.1f %% of the variance)'\n", axis, pc,
            whiten ? "whitened" : "unwhitened", 100 * p->eigenvalues[pc - 1] / total);
}

static void script(FILE *gp, const group *gr, int nsets, int ngroups, const vx_pca *p,
                   const vx_fig_space_opts *o, vx_range ra, vx_range rb, double peak_a, double peak_b)
{
    double wa = (ra.hi - ra.lo) / o->bins, wb = (rb.hi - rb.lo) / o->bins;
    char title[400];
    snprintf(title, sizeof title, "Presets on the principal components of the %s Gaussian",
             *p->g->dataset ? p->g->dataset : o->gaussian_path);
    fputs("set datafile separator '\\t'\nset multiplot title ", gp);
    vx_fig_quote(gp, title);
    fputs("\n", gp);
    fputs("set lmargin at screen 0.1\nset rmargin at screen 0.74\nset bmargin at screen 0.08\n"
          "set tmargin at screen 0.72\nset grid\nset key top left box opaque font ',9'\n", gp);
    fprintf(gp, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", ra.lo, ra.hi, rb.lo, rb.hi);
    axis_label(gp, "x", p, o->pc_a, o->whiten);
    axis_label(gp, "y", p, o->pc_b, o->whiten);
    const char *sep = "plot ";
    for (int s = 0; s < ngroups; s++) {
        char title[VX_FIG_LABEL + 32];
        if (gr[s].set->n == 0)
            continue;
        snprintf(title, sizeof title, "%s (%ld)", gr[s].set->name, gr[s].set->n);
        fprintf(gp, "%s$DATA using ($1 == %d && strcol(3) eq 'point' ? $5 : NaN):6 with points %s lc %d title ",
                sep, s, s < nsets ? "pt 7 ps 0.5" : "pt 9 ps 2.2", s + 1);
        vx_fig_quote(gp, title);
        if (s >= nsets)
            fprintf(gp, ", $DATA using ($1 == %d && strcol(3) eq 'point' ? $5 : NaN):6:4 with labels "
                        "left offset 1.2,0.6 font ',9' tc lt %d notitle", s, s + 1);
        sep = ", ";
    }
    fputs("\nunset key\nunset title\nset format x ''\nunset xlabel\nset ylabel 'share of set'\n"
          "set bmargin at screen 0.72\nset tmargin at screen 0.94\n", gp);
    fprintf(gp, "set yrange [0:%.9g]\n", peak_a * 1.1);
    sep = "plot ";
    for (int s = 0; s < nsets; s++, sep = ", ")
        if (gr[s].set->n)
            fprintf(gp, "%s$DATA using ($1 == %d && strcol(3) eq 'hist_a' ? $5 : NaN):6:(%.9g) with boxes "
                        "fs transparent solid 0.35 lc %d", sep, s, wa, s + 1);
    fputs("\nset format x '%g'\nset format y ''\nunset ylabel\nset xlabel 'share of set'\n"
          "set lmargin at screen 0.74\nset rmargin at screen 0.95\nset bmargin at screen 0.08\n"
          "set tmargin at screen 0.72\n", gp);
    /* no tic at 0, where it would run into the main panel's last one */
    fprintf(gp, "set xrange [0:%.9g]\nset yrange [%.9g:%.9g]\nset xtics (%.2g, %.2g)\n", peak_b * 1.1,
            rb.lo, rb.hi, peak_b / 2, peak_b);
    sep = "plot ";
    for (int s = 0; s < nsets; s++, sep = ", ")
        if (gr[s].set->n)
            fprintf(gp, "%s$DATA using ($1 == %d && strcol(3) eq 'hist_b' ? $6 / 2 : NaN):5:($6 / 2):(%.9g) "
                        "with boxxyerror fs transparent solid 0.35 lc %d", sep, s, wb / 2, s + 1);
    fputs("\nunset multiplot\n", gp);
}

static int draw(const vx_pca *p, const vx_fig_space_opts *o, group *gr, int nsets, int ngroups,
                FILE *tsv, FILE *gp, vx_err *e)
{
    vx_range ra = VX_RANGE_EMPTY, rb = VX_RANGE_EMPTY;
    long points = 0;
    fputs("set\tname\twhat\tlabel\tx\ty\n", tsv);
    for (int s = 0; s < ngroups; s++)
        for (long i = 0; i < gr[s].set->n; i++, points += s < nsets) {
            fprintf(tsv, "%d\t%s\tpoint\t%s\t%.9g\t%.9g\n", s, gr[s].set->name, gr[s].set->labels[i],
                    gr[s].a[i], gr[s].b[i]);
            vx_range_add(&ra, gr[s].a[i]), vx_range_add(&rb, gr[s].b[i]);
        }
    if (points == 0)
        return vx_err_set(e, "no preset to draw");
    /* histogram bins over the points' span and 5 % beyond, which is also the axes' */
    double ma = 0.05 * (ra.hi - ra.lo) + 1e-9, mb = 0.05 * (rb.hi - rb.lo) + 1e-9;
    ra.lo -= ma, ra.hi += ma, rb.lo -= mb, rb.hi += mb;
    double peak_a = 0, peak_b = 0;
    for (int s = 0; s < nsets; s++) {
        hist_rows(tsv, s, gr[s].set->name, "hist_a", gr[s].a, gr[s].set->n, ra, o->bins, &peak_a);
        hist_rows(tsv, s, gr[s].set->name, "hist_b", gr[s].b, gr[s].set->n, rb, o->bins, &peak_b);
    }
    script(gp, gr, nsets, ngroups, p, o, ra, rb, peak_a, peak_b);
    return 0;
}

int vx_fig_space(const vx_fig_space_opts *o, const vx_fig_set *sets, int nsets,
                 const vx_fig_set *marks, int nmarks, FILE *tsv, FILE *gp, vx_err *e)
{
    vx_gauss *g = vx_gauss_load(o->gaussian_path, e);
    if (!g)
        return -1;
    vx_pca *p = vx_pca_create(g, e);
    int ngroups = nsets + nmarks, rc = -1;
    group *gr = calloc((size_t)ngroups, sizeof *gr);
    int k = o->pc_a > o->pc_b ? o->pc_a : o->pc_b;
    if (!p || !gr) {
        if (p)
            vx_err_set(e, "out of memory");
    } else if (k > p->rank) {
        vx_err_set(e, "%s: --pc %d,%d: the Gaussian has %d usable components", o->gaussian_path,
                   o->pc_a, o->pc_b, p->rank);
    } else if (o->bins > 1000) {
        vx_err_set(e, "at most 1000 bins");
    } else {
        rc = 0;
        for (int s = 0; s < ngroups && !rc; s++)
            rc = score(p, o, s < nsets ? &sets[s] : &marks[s - nsets], &gr[s], e);
        if (!rc)
            rc = draw(p, o, gr, nsets, ngroups, tsv, gp, e);
    }
    for (int s = 0; gr && s < ngroups; s++)
        free(gr[s].a), free(gr[s].b);
    free(gr);
    vx_pca_free(p);
    vx_gauss_free(g);
    return rc;
}
