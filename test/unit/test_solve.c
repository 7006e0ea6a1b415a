/* The small dense solves against LAPACK (dgesv, dposv, dpotrf) and against their
 * residuals, on random systems of the sizes vx uses (6 and 12 for the FDN's Pade step, 51
 * for the A-weighting design, 130 for the preset prior), and the refusals: singular,
 * indefinite, not finite. */
#include "dsp/solve.h"
#include "harness.h"

#include <lapacke.h>
#include <string.h>

#define MAXN 130

static unsigned long long rng_state = 2024;

static double urand(void) /* uniform in [-1, 1) */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 4503599627370496.0 - 1.0;
}

/* max_i |(a x - b)_i| / (||a||_inf ||x||_inf + ||b||_inf): a backward-error measure
 * whose bound for a stable solver is a small multiple of n DBL_EPSILON */
static double residual(int n, const double *a, const double *x, const double *b, int nrhs)
{
    double worst = 0, na = 0, nx = 0, nb = 0;
    for (int i = 0; i < n; i++) {
        double row = 0;
        for (int k = 0; k < n; k++)
            row += fabs(a[i * n + k]);
        na = fmax(na, row);
        for (int j = 0; j < nrhs; j++)
            nx = fmax(nx, fabs(x[i * nrhs + j])), nb = fmax(nb, fabs(b[i * nrhs + j]));
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < nrhs; j++) {
            double r = -b[i * nrhs + j];
            for (int k = 0; k < n; k++)
                r += a[i * n + k] * x[k * nrhs + j];
            worst = fmax(worst, fabs(r));
        }
    return worst / (na * nx + nb);
}

static double max_rel_diff(int len, const double *x, const double *y)
{
    double d = 0, s = 0;
    for (int i = 0; i < len; i++)
        d = fmax(d, fabs(x[i] - y[i])), s = fmax(s, fabs(y[i]));
    return d / s;
}

static void test_general(int n, int nrhs)
{
    double a[MAXN * MAXN], lu[MAXN * MAXN], b[MAXN * MAXN], x[MAXN * MAXN], ref[MAXN * MAXN];
    for (int i = 0; i < n * n; i++)
        a[i] = urand();
    for (int i = 0; i < n * nrhs; i++)
        b[i] = urand();
    memcpy(lu, a, sizeof(double) * (size_t)(n * n));
    memcpy(x, b, sizeof(double) * (size_t)(n * nrhs));
    CHECK(vx_solve_general(n, lu, x, nrhs) == 0, "general: solved");
    CHECK(residual(n, a, x, b, nrhs) < 10 * n * 2.2e-16, "general: backward error < 10 n eps");

    lapack_int ipiv[MAXN];
    memcpy(lu, a, sizeof(double) * (size_t)(n * n));
    memcpy(ref, b, sizeof(double) * (size_t)(n * nrhs));
    CHECK(LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, nrhs, lu, n, ipiv, ref, nrhs) == 0, "dgesv");
    /* random matrices of these sizes have condition numbers below 1e4 */
    CHECK(max_rel_diff(n * nrhs, x, ref) < 1e-10, "general: agrees with dgesv");
}

static void test_spd(int n)
{
    double m[MAXN * MAXN], a[MAXN * MAXN], f[MAXN * MAXN], b[MAXN], x[MAXN], ref[MAXN];
    for (int i = 0; i < n * n; i++)
        m[i] = urand();
    for (int i = 0; i < n; i++) /* a = m m^T + n I */
        for (int j = 0; j < n; j++) {
            double s = i == j ? n : 0;
            for (int k = 0; k < n; k++)
                s += m[i * n + k] * m[j * n + k];
            a[i * n + j] = s;
        }
    for (int i = 0; i < n; i++)
        b[i] = urand();
    memcpy(f, a, sizeof(double) * (size_t)(n * n));
    memcpy(x, b, sizeof(double) * (size_t)n);
    CHECK(vx_solve_spd(n, f, x) == 0, "spd: solved");
    CHECK(residual(n, a, x, b, 1) < 10 * n * 2.2e-16, "spd: backward error < 10 n eps");

    memcpy(f, a, sizeof(double) * (size_t)(n * n));
    memcpy(ref, b, sizeof(double) * (size_t)n);
    CHECK(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', n, 1, f, n, ref, 1) == 0, "dposv");
    CHECK(max_rel_diff(n, x, ref) < 1e-12, "spd: agrees with dposv");

    /* the factor itself, as the prior keeps it, against dpotrf's */
    memcpy(f, a, sizeof(double) * (size_t)(n * n));
    memcpy(m, a, sizeof(double) * (size_t)(n * n));
    CHECK(vx_cholesky(n, f) == 0, "cholesky: factored");
    CHECK(LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, m, n) == 0, "dpotrf");
    double worst = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            worst = fmax(worst, fabs(f[i * n + j] - m[i * n + j]) / fabs(m[i * n + i]));
    CHECK(worst < 1e-13, "cholesky: agrees with dpotrf");
}

static void test_refusals(void)
{
    double sing[9] = {1, 2, 3, 2, 4, 6, 0, 1, 1}, b[3] = {1, 2, 3};
    CHECK(vx_solve_general(3, sing, b, 1) == -1, "general: a singular matrix is refused");
    double nan_a[4] = {1, 0, 0, NAN}, b2[2] = {1, 1};
    CHECK(vx_solve_general(2, nan_a, b2, 1) == -1, "general: a NaN pivot is refused");
    double indef[4] = {1, 2, 2, 1}, b3[2] = {1, 1}; /* eigenvalues 3 and -1 */
    CHECK(vx_solve_spd(2, indef, b3) == -1, "spd: an indefinite matrix is refused");
    double third[9] = {4, 2, 2, 2, 5, 3, 2, 3, 2}; /* leading minors 4, 16, 0 */
    CHECK(vx_cholesky(3, third) == 3, "cholesky: names the first leading minor that fails");
    double nan_s[4] = {NAN, 0, 0, 1}, b4[2] = {1, 1};
    CHECK(vx_solve_spd(2, nan_s, b4) == -1, "spd: NaN is refused");
    /* pivoting is needed: a zero in the first pivot position */
    double perm[4] = {0, 1, 1, 0}, b5[2] = {2, 3};
    CHECK(vx_solve_general(2, perm, b5, 1) == 0 && b5[0] == 3 && b5[1] == 2,
          "general: a row exchange gives the exact answer");
}

int main(void)
{
    const int sizes[] = {1, 2, 6, 12, 24, 51, 64, 130};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        test_general(sizes[i], 1);
        test_general(sizes[i], sizes[i]);
        test_spd(sizes[i]);
    }
    test_refusals();
    return vx_test_summary();
}
