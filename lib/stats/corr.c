/* Spearman rank correlation and its effect-group summary (see corr.h). */
#include "stats/corr.h"
#include "params.h"
#include "stats/moments.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    double v;
    long i;
} keyed;

static int by_value(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v ? 1 : (x->i > y->i) - (x->i < y->i);
}

int vx_corr_rank(const double *x, long n, int stride, double *rank, vx_err *e)
{
    keyed *k = malloc(sizeof *k * (size_t)(n > 0 ? n : 1));
    if (!k)
        return vx_err_set(e, "out of memory");
    for (long i = 0; i < n; i++)
        k[i] = (keyed){x[i * stride], i};
    qsort(k, (size_t)n, sizeof *k, by_value);
    for (long a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && k[b].v == k[a].v; b++)
            ;
        double r = 0.5 * (double)(a + 1 + b); /* mean of positions a+1 .. b */
        for (long j = a; j < b; j++)
            rank[k[j].i * stride] = r;
    }
    free(k);
    return 0;
}

int vx_corr_spearman(const double *x, long n, int d, double *rho, vx_err *e)
{
    double *r = malloc(sizeof *r * (size_t)(n * d)), *mean = malloc(sizeof *mean * (size_t)d);
    int rc = r && mean ? 0 : vx_err_set(e, "out of memory");
    for (int j = 0; !rc && j < d; j++)
        rc = vx_corr_rank(x + j, n, d, r + j, e);
    if (!rc) {
        vx_moments_mean_cov(r, n, d, mean, rho);
        vx_moments_cov_to_corr(rho, d);
    }
    free(r);
    free(mean);
    return rc;
}

const char *const vx_corr_group_names[VX_CORR_GROUPS] = {"PK1", "PK2", "LS", "HS", "LP",
                                                         "HP", "COMP", "DLY", "FDN", "SEND"};

/* First and one-past-last masked index of each group (spec §7.2). */
static const int group_span[VX_CORR_GROUPS][2] = {{0, 3},   {3, 6},   {6, 8},   {8, 10},
                                                  {10, 12}, {12, 14}, {14, 23}, {24, 31},
                                                  {31, 129}, {23, 24}};

void vx_corr_groups(const double *rho, double *summary)
{
    for (int g = 0; g < VX_CORR_GROUPS; g++)
        for (int h = 0; h < VX_CORR_GROUPS; h++) {
            double s = 0;
            long count = 0;
            for (int i = group_span[g][0]; i < group_span[g][1]; i++)
                for (int j = group_span[h][0]; j < group_span[h][1]; j++)
                    if (g != h || i < j) {
                        s += fabs(rho[i * VX_NMASK + j]);
                        count++;
                    }
            summary[g * VX_CORR_GROUPS + h] = count ? s / (double)count : NAN;
        }
}
