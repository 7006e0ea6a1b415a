/* vx-plot's figures. Each kind writes the numbers behind its figure as TSV (a header
 * line, then one row per point; the columns are in vx-plot(1)) and the gnuplot commands
 * that draw them from a `$DATA` block holding those same rows, so the figure shows
 * exactly what --data prints. Records come in as preset sets read from NDJSON. */
#ifndef VX_PLOT_FIGURE_H
#define VX_PLOT_FIGURE_H

#include <stdio.h>

#include "err.h"
#include "params.h"
#include "stats/rows.h"

#define VX_FIG_LABEL 128

/* The selected records of one input file: their raw vectors and legend labels (the
 * record's "track", else "id", else "file:line"). name is the set's label: its records'
 * "dataset" (joined by "+" when several), else the file's name. */
typedef struct {
    char name[VX_FIG_LABEL];
    long n;
    double *raw;                 /* [n][VX_NRAW], owned */
    char (*labels)[VX_FIG_LABEL];/* [n], owned */
} vx_fig_set;

/* Reads path ("-": standard input) through vx_rows with the selection sel (may be NULL):
 * preset or fit records, each parsed and validated as a preset. With trained_only,
 * records marked "train": false are left out (records without the mark are kept, so
 * one option serves Internal, which marks DiffVox's training index, and MedleyDB,
 * which uses every preset). 0, or -1 with e. */
int vx_fig_set_read(const char *path, const vx_rowsel *sel, int trained_only, vx_fig_set *set,
                    vx_err *e);
void vx_fig_set_free(vx_fig_set *set);

/* s as a gnuplot single-quoted string (a quote doubled). */
void vx_fig_quote(FILE *gp, const char *s);

/* response: every record of every set, overlaid (record numbers run on across sets). */
int vx_fig_response(const vx_fig_set *sets, int nsets, FILE *tsv, FILE *gp, vx_err *e);

/* fit: the loss curves of fit records (objects with a "losses" array, optional
 * "lowest_step"); labels[n] name them. */
int vx_fig_fit(const struct cJSON *const *recs, const char *const *labels, int n, FILE *tsv,
               FILE *gp, vx_err *e);

/* space: sets[0..nsets-1] and marked sets (drawn large and labelled) on components
 * pc_a, pc_b (1-based) of the Gaussian read from gaussian_path, whitened or not, with
 * marginal histograms of bins bins. */
typedef struct {
    const char *gaussian_path;
    int pc_a, pc_b, whiten, bins;
} vx_fig_space_opts;
int vx_fig_space(const vx_fig_space_opts *o, const vx_fig_set *sets, int nsets,
                 const vx_fig_set *marks, int nmarks, FILE *tsv, FILE *gp, vx_err *e);

/* dist: histograms (bins bins over the values' range across the sets, as fractions of
 * each set) of the parameters named in the comma-separated list params ("fx." prefix
 * optional: "delay.time_ms", "fdn.gamma[3]"), in display units, the config's initial
 * value marked. -1 with e naming an unknown parameter (check first with
 * vx_fig_dist_check). */
int vx_fig_dist_check(const char *params, vx_err *e);
int vx_fig_dist(const char *params, int bins, const vx_fig_set *sets, int nsets, FILE *tsv,
                FILE *gp, vx_err *e);

/* corr: the effect-wise mean |Spearman rho| matrix of one set (paper Fig. 5). */
int vx_fig_corr(const vx_fig_set *set, FILE *tsv, FILE *gp, vx_err *e);

#endif
