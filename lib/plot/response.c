/* vx-plot response: one page of panels per figure showing what presets do, overlaid
 * (see figure.h; the TSV columns are record, label, curve, x, y). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fx/delay.h"
#include "plot/curves.h"
#include "plot/figure.h"
#include "plot/range.h"

#define FREQS 200        /* log-spaced 20 Hz .. 20 kHz */
#define T60_PER_GAMMA 8  /* T60 points per interval of the 49 gammas */
#define COMP_STEP 0.5    /* dB between input levels of the static curve */
#define MAX_ECHOES 64    /* N is at most 39 (100 ms) */

enum { P_EQ, P_COMP, P_ECHO, P_LPF, P_T60, P_FDNEQ, PANELS };

/* The rows of one curve of one record: they are consecutive, so a plot clause reads
 * them with `every ::first::last` instead of testing every row of $DATA. */
typedef struct {
    int record;
    const char *curve;
    long first, last; /* 0-based data rows (the TSV header is not in $DATA) */
} span;

typedef struct {
    FILE *tsv;
    int record;
    const char *label;
    vx_range y[PANELS];
    vx_range echo_peaks; /* each echo curve's highest level: all must stay in view */
    long rows;
    span *spans;
    int nspans, cap;
    int failed; /* out of memory */
} writer;

static void row(writer *w, int panel, const char *curve, double x, double y)
{
    fprintf(w->tsv, "%d\t%s\t%s\t%.9g\t%.9g\n", w->record, w->label, curve, x, y);
    vx_range_add(&w->y[panel], y);
    span *last = w->nspans ? &w->spans[w->nspans - 1] : NULL;
    if (last && last->record == w->record && !strcmp(last->curve, curve)) {
        last->last = w->rows++;
        return;
    }
    if (w->nspans == w->cap) {
        span *grown = realloc(w->spans, sizeof *grown * (size_t)(w->cap = w->cap ? 2 * w->cap : 64));
        if (!grown) {
            w->failed = 1, w->nspans = 0;
            return;
        }
        w->spans = grown;
    }
    w->spans[w->nspans++] = (span){w->record, curve, w->rows, w->rows};
    w->rows++;
}

static double log_freq(int i) { return 20.0 * pow(1000.0, (double)i / (FREQS - 1)); }

static const char *const peq_names[VX_PEQ_BANDS] = {"eq.peak1", "eq.peak2", "eq.lowshelf",
                                                    "eq.highshelf", "eq.lowpass", "eq.highpass"};

static void eq_rows(writer *w, const vx_fx *fx)
{
    for (int i = 0; i < FREQS; i++)
        row(w, P_EQ, "eq", log_freq(i), vx_curve_peq_db(fx, -1, log_freq(i)));
    for (int b = 0; b < VX_PEQ_BANDS; b++)
        for (int i = 0; i < FREQS; i++)
            row(w, P_EQ, peq_names[b], log_freq(i), vx_curve_peq_db(fx, b, log_freq(i)));
}

/* The static curve over [lo, hi] dB in and the two thresholds on it. */
static void comp_rows(writer *w, const vx_fx *fx, double lo, double hi)
{
    for (double in = lo; in <= hi + 1e-9; in += COMP_STEP)
        row(w, P_COMP, "comp", in, vx_curve_comp_out_db(fx, in));
    row(w, P_COMP, "comp.cmp_th", fx->comp.cmp_th_db, vx_curve_comp_out_db(fx, fx->comp.cmp_th_db));
    row(w, P_COMP, "comp.exp_th", fx->comp.exp_th_db, vx_curve_comp_out_db(fx, fx->comp.exp_th_db));
}

static void delay_rows(writer *w, const vx_fx *fx)
{
    double t[MAX_ECHOES], l[MAX_ECHOES], r[MAX_ECHOES];
    int n = vx_curve_delay_echoes(fx, MAX_ECHOES, t, l, r);
    for (int m = 0; m < n && m < MAX_ECHOES; m++)
        row(w, P_ECHO, "delay.left", t[m], l[m]);
    for (int m = 0; m < n && m < MAX_ECHOES; m++)
        row(w, P_ECHO, "delay.right", t[m], r[m]);
    vx_range_add(&w->echo_peaks, fmax(l[0], n > 1 ? l[1] : l[0]));
    vx_range_add(&w->echo_peaks, fmax(r[0], n > 1 ? r[1] : r[0]));
    for (int i = 0; i < FREQS; i++)
        row(w, P_LPF, "delay.lpf", log_freq(i), vx_curve_delay_lpf_db(fx, log_freq(i)));
}

static void fdn_rows(writer *w, const vx_fx *fx)
{
    int n = (VX_FDN_GAMMAS - 1) * T60_PER_GAMMA;
    for (int i = 0; i <= n; i++) {
        double f = VX_FS / 2 * i / n;
        row(w, P_T60, "fdn.t60", f, vx_curve_fdn_t60(fx, f));
    }
    for (int i = 0; i < FREQS; i++)
        row(w, P_FDNEQ, "fdn.eq", log_freq(i), vx_curve_fdn_eq_db(fx, -1, log_freq(i)));
}

/* One clause of a plot command: the rows of curve for record r, in record r's colour,
 * with title (NULL: none). Every curve has rows. */
static void clause(FILE *gp, const writer *w, int first, int r, const char *curve,
                   const char *style, const char *title)
{
    const span *sp = w->spans;
    while (sp->record != r || strcmp(sp->curve, curve))
        sp++;
    fprintf(gp, "%s$DATA every ::%ld::%ld using 4:5 %s lc %d ", first ? "plot " : ", ",
            sp->first, sp->last, style, r + 1);
    if (title) {
        fputs("title ", gp);
        vx_fig_quote(gp, title);
    } else {
        fputs("notitle", gp);
    }
}

/* A plot command of one curve for each of n records, untitled. */
static void every_record(FILE *gp, const writer *w, int n, const char *curve)
{
    for (int r = 0; r < n; r++)
        clause(gp, w, r == 0, r, curve, "with lines lw 2", NULL);
    fputs("\n", gp);
}

static void panel(FILE *gp, const char *title, const char *xlabel, const char *ylabel, int logx)
{
    fprintf(gp, "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\n%s", title, xlabel, ylabel,
            logx ? "set logscale x\nset xrange [20:20000]\n" : "unset logscale x\n");
}

/* The panels' commands for n records with labels; y ranges from the rows; comp_x the
 * static curve's input span. */
static void script(FILE *gp, const writer *w, const char *const *labels, const vx_fx *fxs,
                   int n, double comp_lo, double comp_hi)
{
    const vx_range *y = w->y;
    fputs("set datafile separator '\\t'\nset grid\nset key top left box opaque font ',8'\n"
          "set multiplot layout 3,2 title 'What the presets do'\n", gp);
    panel(gp, "EQ: the six bands (dashed) and their sum", "frequency (Hz)", "gain (dB)", 1);
    vx_range_set(gp, "y", y[P_EQ], 6);
    for (int r = 0; r < n; r++) {
        clause(gp, w, r == 0, r, "eq", "with lines lw 2", labels[r]);
        for (int b = 0; b < VX_PEQ_BANDS; b++)
            clause(gp, w, 0, r, peq_names[b], "with lines dt 2 lw 1", NULL);
    }
    fputs("\nset key bottom right\n", gp);
    panel(gp, "Compressor/expander static curve (thresholds: o compressor, x expander)",
          "input level (dB)", "output level (dB, make-up included)", 0);
    fprintf(gp, "set xrange [%g:%g]\n", comp_lo, comp_hi);
    vx_range_set(gp, "y", y[P_COMP], 6);
    for (int r = 0; r < n; r++) {
        clause(gp, w, r == 0, r, "comp", "with lines lw 2", NULL);
        clause(gp, w, 0, r, "comp.cmp_th", "with points pt 6 ps 1.5", NULL);
        clause(gp, w, 0, r, "comp.exp_th", "with points pt 2 ps 1.5", NULL);
    }
    fputs(", x with lines dt 2 lc 'gray' title 'output = input'\nset key bottom left\n", gp);
    panel(gp, "Delay echoes where the low-pass passes (solid left, dashed right)", "time (ms)", "level (dB)", 0);
    vx_range set_x = VX_RANGE_EMPTY;
    vx_range_add(&set_x, 0), vx_range_add(&set_x, VX_DELAY_LEN / VX_FS * 1000);
    vx_range_set(gp, "x", set_x, 1);
    /* echoes fall geometrically: show 100 dB under the top, or down to the weakest
     * curve's first echoes */
    vx_range echo = y[P_ECHO];
    echo.lo = fmax(echo.lo, fmin(echo.hi - 100, w->echo_peaks.lo - 10));
    vx_range_set(gp, "y", echo, 6);
    for (int r = 0; r < n; r++) {
        const vx_fx *fx = &fxs[r];
        char title[128];
        snprintf(title, sizeof title, "%.0f ms, feedback %.2f, gain %.3g, pans %+.0f/%+.0f",
                 fx->delay.time_ms, fx->delay.feedback, fx->delay.gain,
                 200 * fx->delay.odd_pan - 100, 200 * fx->delay.even_pan - 100);
        clause(gp, w, r == 0, r, "delay.left", "with linespoints pt 7 ps 0.6", title);
        clause(gp, w, 0, r, "delay.right", "with linespoints dt 2 pt 6 ps 0.6", NULL);
    }
    fputs("\nunset key\n", gp);
    panel(gp, "Delay feedback low-pass (one pass)", "frequency (Hz)", "gain (dB)", 1);
    vx_range_set(gp, "y", y[P_LPF], 6);
    every_record(gp, w, n, "delay.lpf");
    panel(gp, "FDN reverb time", "frequency (Hz)", "T60 (s)", 0);
    fprintf(gp, "set xrange [0:%g]\n", VX_FS / 2);
    vx_range lo_t60 = y[P_T60];
    vx_range_add(&lo_t60, 0);
    vx_range_set(gp, "y", lo_t60, 1);
    every_record(gp, w, n, "fdn.t60");
    panel(gp, "FDN output EQ", "frequency (Hz)", "gain (dB)", 1);
    vx_range_set(gp, "y", y[P_FDNEQ], 6);
    every_record(gp, w, n, "fdn.eq");
    fputs("unset multiplot\n", gp);
}

int vx_fig_response(const vx_fig_set *sets, int nsets, FILE *tsv, FILE *gp, vx_err *e)
{
    int n = 0;
    for (int s = 0; s < nsets; s++)
        n += (int)sets[s].n;
    if (n == 0)
        return vx_err_set(e, "no preset to draw");
    vx_fx *fxs = malloc(sizeof *fxs * (size_t)n);
    const char **labels = malloc(sizeof *labels * (size_t)n);
    if (!fxs || !labels) {
        free(fxs), free(labels);
        return vx_err_set(e, "out of memory");
    }
    vx_range th = VX_RANGE_EMPTY;
    for (int s = 0, r = 0; s < nsets; s++)
        for (long i = 0; i < sets[s].n; i++, r++) {
            vx_params_to_fx(sets[s].raw + (size_t)i * VX_NRAW, 0, &fxs[r]);
            labels[r] = sets[s].labels[i];
            vx_range_add(&th, fxs[r].comp.cmp_th_db);
            vx_range_add(&th, fxs[r].comp.exp_th_db);
        }
    /* the static curve from 10 dB below the lowest threshold (at least -90 dB) to 0 dBFS
     * or 10 dB past the highest threshold, on the COMP_STEP grid */
    double lo = floor(fmin(-90, th.lo - 10)), hi = ceil(fmax(0, th.hi + 10));
    writer w = {.tsv = tsv, .echo_peaks = VX_RANGE_EMPTY};
    for (int p = 0; p < PANELS; p++)
        w.y[p] = VX_RANGE_EMPTY;
    fputs("record\tlabel\tcurve\tx\ty\n", tsv);
    for (int r = 0; r < n; r++) {
        w.record = r, w.label = labels[r];
        eq_rows(&w, &fxs[r]);
        comp_rows(&w, &fxs[r], lo, hi);
        delay_rows(&w, &fxs[r]);
        fdn_rows(&w, &fxs[r]);
    }
    if (!w.failed)
        script(gp, &w, labels, fxs, n, lo, hi);
    free(fxs), free(labels), free(w.spans);
    return w.failed ? vx_err_set(e, "out of memory") : 0;
}
