#include "plot/figure.h"
int vx_fig_space(const vx_fig_space_opts *o, const vx_fig_set *sets, int nsets,
                 const vx_fig_set *marks, int nmarks, FILE *tsv, FILE *gp, vx_err *e){(void)o;(void)sets;(void)nsets;(void)marks;(void)nmarks;(void)tsv;(void)gp;return vx_err_set(e,"x");}
int vx_fig_dist_check(const char *params, vx_err *e){(void)params;(void)e;return 0;}
int vx_fig_dist(const char *params, int bins, const vx_fig_set *sets, int nsets, FILE *tsv,
                FILE *gp, vx_err *e){(void)params;(void)bins;(void)sets;(void)nsets;(void)tsv;(void)gp;return vx_err_set(e,"x");}
int vx_fig_corr(const vx_fig_set *set, FILE *tsv, FILE *gp, vx_err *e){(void)set;(void)tsv;(void)gp;return vx_err_set(e,"x");}
