/* Gaussian elimination with partial pivoting and the Cholesky solve (Golub and Van Loan,
 * Matrix Computations, 4th ed., algorithms 3.4.1 and 4.2.1), row-major and in place. */
#include "dsp/solve.h"

#include <math.h>

int vx_solve_general(int n, double *a, double *b, int nrhs)
{
    for (int k = 0; k < n; k++) {
        int p = k;
        for (int i = k + 1; i < n; i++)
            if (fabs(a[i * n + k]) > fabs(a[p * n + k]))
                p = i;
        double pivot = a[p * n + k];
        if (pivot == 0 || !isfinite(pivot))
            return -1;
        if (p != k) {
            for (int j = 0; j < n; j++) {
                double t = a[k * n + j];
                a[k * n + j] = a[p * n + j], a[p * n + j] = t;
            }
            for (int j = 0; j < nrhs; j++) {
                double t = b[k * nrhs + j];
                b[k * nrhs + j] = b[p * nrhs + j], b[p * nrhs + j] = t;
            }
        }
        for (int i = k + 1; i < n; i++) {
            double m = a[i * n + k] / pivot;
            for (int j = k + 1; j < n; j++)
                a[i * n + j] -= m * a[k * n + j];
            for (int j = 0; j < nrhs; j++)
                b[i * nrhs + j] -= m * b[k * nrhs + j];
        }
    }
    for (int i = n - 1; i >= 0; i--)
        for (int j = 0; j < nrhs; j++) {
            double s = b[i * nrhs + j];
            for (int k = i + 1; k < n; k++)
                s -= a[i * n + k] * b[k * nrhs + j];
            b[i * nrhs + j] = s / a[i * n + i];
        }
    return 0;
}

int vx_cholesky(int n, double *a)
{
    /* a = L L^T, L in the lower triangle */
    for (int j = 0; j < n; j++) {
        double d = a[j * n + j];
        for (int k = 0; k < j; k++)
            d -= a[j * n + k] * a[j * n + k];
        if (!(d > 0) || !isfinite(d))
            return j + 1;
        double ljj = sqrt(d);
        a[j * n + j] = ljj;
        for (int i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (int k = 0; k < j; k++)
                s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / ljj;
        }
    }
    return 0;
}

int vx_solve_spd(int n, double *a, double *b)
{
    if (vx_cholesky(n, a))
        return -1;
    for (int i = 0; i < n; i++) { /* L y = b */
        double s = b[i];
        for (int k = 0; k < i; k++)
            s -= a[i * n + k] * b[k];
        b[i] = s / a[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) { /* L^T x = y */
        double s = b[i];
        for (int k = i + 1; k < n; k++)
            s -= a[k * n + i] * b[k];
        b[i] = s / a[i * n + i];
    }
    return 0;
}
