/* vx-plot fit: loss curves of fit records on a log scale, the lowest loss marked (see
 * figure.h; the TSV columns are record, label, curve, step, loss). */
#include <cjson/cJSON.h>
#include <math.h>

#include "plot/figure.h"
#include "plot/range.h"

int vx_fig_fit(const cJSON *const *recs, const char *const *labels, int n, FILE *tsv, FILE *gp,
               vx_err *e)
{
    if (n == 0)
        return vx_err_set(e, "no fit record to draw");
    vx_range x = VX_RANGE_EMPTY, y = VX_RANGE_EMPTY;
    fputs("record\tlabel\tcurve\tstep\tloss\n", tsv);
    for (int r = 0; r < n; r++) {
        const cJSON *losses = cJSON_GetObjectItemCaseSensitive(recs[r], "losses"), *v;
        if (!cJSON_IsArray(losses) || cJSON_GetArraySize(losses) == 0)
            return vx_err_set(e, "%s: the fit record has no \"losses\"", labels[r]);
        int step = 0, best = 0;
        double lowest = INFINITY;
        cJSON_ArrayForEach(v, losses) {
            step++;
            if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) || !isfinite(v->valuedouble))
                return vx_err_set(e, "%s: losses[%d] is not a positive number", labels[r], step - 1);
            fprintf(tsv, "%d\t%s\ttotal\t%d\t%.9g\n", r, labels[r], step, v->valuedouble);
            if (v->valuedouble < lowest)
                lowest = v->valuedouble, best = step;
            vx_range_add(&y, log10(v->valuedouble));
        }
        vx_range_add(&x, 1), vx_range_add(&x, step);
        fprintf(tsv, "%d\t%s\tlowest\t%d\t%.9g\n", r, labels[r], best, lowest);
    }
    fputs("set datafile separator '\\t'\nset grid\nset logscale y\nset key outside right top box\n"
          "set title 'Fit loss per step (o: lowest)'\nset xlabel 'step'\nset ylabel 'loss'\n", gp);
    vx_range_set(gp, "x", x, 2);
    double lo = y.lo - 0.05 * (y.hi - y.lo) - 0.02, hi = y.hi + 0.05 * (y.hi - y.lo) + 0.02;
    fprintf(gp, "set yrange [%.9g:%.9g]\nset ytics (", pow(10, lo), pow(10, hi));
    /* seven tics evenly spaced on the log axis: a range within one decade has no
     * decade tic to label */
    for (int t = 0; t < 7; t++)
        fprintf(gp, "%s%.2g", t ? ", " : "", pow(10, lo + (hi - lo) * (t + 0.5) / 7));
    fputs(")\n", gp);
    for (int r = 0; r < n; r++) {
        fprintf(gp, "%s$DATA using ($1 == %d && strcol(3) eq 'total' ? $4 : NaN):5 with lines lw 1.5 lc %d title ",
                r ? ", " : "plot ", r, r + 1);
        vx_fig_quote(gp, labels[r]);
        fprintf(gp, ", $DATA using ($1 == %d && strcol(3) eq 'lowest' ? $4 : NaN):5 with points pt 6 ps 2 lw 2 lc %d notitle",
                r, r + 1);
    }
    fputs("\n", gp);
    return 0;
}
