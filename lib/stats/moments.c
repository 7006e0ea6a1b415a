/* Mean, covariance and correlation of columns (see moments.h). */
#include "stats/moments.h"

#include <math.h>
#include <string.h>

void vx_moments_mean_cov(const double *x, long n, int d, double *mean, double *cov)
{
    memset(mean, 0, sizeof *mean * (size_t)d);
    for (long r = 0; r < n; r++)
        for (int i = 0; i < d; i++)
            mean[i] += x[r * d + i];
    for (int i = 0; i < d; i++)
        mean[i] /= (double)n;
    /* Upper triangle, one row of the matrix per thread: every entry has one writer. */
#pragma omp parallel for schedule(dynamic, 8) if ((double)n * d * d > 4e6)
    for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
            double s = 0;
            for (long r = 0; r < n; r++)
                s += (x[r * d + i] - mean[i]) * (x[r * d + j] - mean[j]);
            cov[i * d + j] = s / (double)(n - 1);
        }
    }
    for (int i = 0; i < d; i++)
        for (int j = 0; j < i; j++)
            cov[i * d + j] = cov[j * d + i];
}

void vx_moments_cov_to_corr(double *cov, int d)
{
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++) {
            if (i == j)
                continue;
            double c = cov[i * d + j] / sqrt(cov[i * d + i] * cov[j * d + j]);
            cov[i * d + j] = c > 1 ? 1 : c < -1 ? -1 : c; /* NaN stays NaN */
        }
    for (int i = 0; i < d; i++)
        cov[i * d + i] = cov[i * d + i] > 0 ? 1.0 : NAN;
}
