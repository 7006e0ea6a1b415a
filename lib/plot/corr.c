/* vx-plot corr: the effect-wise mean |Spearman rho| of a preset set (paper Fig. 5,
 * without its dendrogram: gnuplot draws no trees; see figure.h). TSV columns: i, j
 * (0-based group positions), row, col (group names), mean_abs_rho; the SEND diagonal,
 * a single value, has no cell. */
#include <math.h>
#include <stdlib.h>

#include "plot/figure.h"
#include "stats/corr.h"
#include "stats/mask.h"

static void script(FILE *gp, const vx_fig_set *set)
{
    fputs("set datafile separator '\\t'\nset title ", gp);
    char title[VX_FIG_LABEL + 96];
    snprintf(title, sizeof title, "Mean |Spearman rho| within and between effects, %s (%ld presets)",
             set->name, set->n);
    vx_fig_quote(gp, title);
    fprintf(gp, "\nset xrange [-0.5:%d.5]\nset yrange [%d.5:-0.5]\nset size ratio -1\n"
                "set cbrange [0:*]\nset cblabel 'mean |rho|'\nset palette defined (0 'white', 1 '#f4a582', 2 '#b2182b')\n"
                "unset key\nset tics scale 0\nset xtics (",
            VX_CORR_GROUPS - 1, VX_CORR_GROUPS - 1);
    for (int g = 0; g < VX_CORR_GROUPS; g++)
        fprintf(gp, "%s'%s' %d", g ? ", " : "", vx_corr_group_names[g], g);
    fputs(")\nset ytics (", gp);
    for (int g = 0; g < VX_CORR_GROUPS; g++)
        fprintf(gp, "%s'%s' %d", g ? ", " : "", vx_corr_group_names[g], g);
    fputs(")\nplot $DATA using 1:2:(0.5):(0.5):5 with boxxyerror fs solid 1 noborder fc palette, "
          "$DATA using 1:2:(sprintf('%.3f', $5)) with labels font ',9'\n", gp);
}

int vx_fig_corr(const vx_fig_set *set, FILE *tsv, FILE *gp, vx_err *e)
{
    if (set->n < 2)
        return vx_err_set(e, "%s: %ld preset%s; corr needs at least 2", set->name, set->n,
                          set->n == 1 ? "" : "s");
    unsigned char mask[VX_NRAW];
    vx_params_mask(mask);
    double *x = malloc(sizeof *x * (size_t)set->n * VX_NMASK);
    double *rho = malloc(sizeof *rho * VX_NMASK * VX_NMASK), sum[VX_CORR_GROUPS * VX_CORR_GROUPS];
    if (!x || !rho) {
        free(x), free(rho);
        return vx_err_set(e, "out of memory");
    }
    for (long i = 0; i < set->n; i++)
        vx_mask_pick(mask, set->raw + (size_t)i * VX_NRAW, x + (size_t)i * VX_NMASK);
    int rc = vx_corr_spearman(x, set->n, VX_NMASK, rho, e);
    if (!rc) {
        vx_corr_groups(rho, sum);
        fputs("i\tj\trow\tcol\tmean_abs_rho\n", tsv);
        for (int i = 0; i < VX_CORR_GROUPS; i++)
            for (int j = 0; j < VX_CORR_GROUPS; j++)
                if (isfinite(sum[i * VX_CORR_GROUPS + j]))
                    fprintf(tsv, "%d\t%d\t%s\t%s\t%.9g\n", i, j, vx_corr_group_names[i],
                            vx_corr_group_names[j], sum[i * VX_CORR_GROUPS + j]);
        script(gp, set);
    }
    free(x), free(rho);
    return rc;
}
