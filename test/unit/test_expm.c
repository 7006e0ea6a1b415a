/* expm: orthogonality and determinant for skew matrices, agreement with a long-double
 * Taylor series, the Frechet derivative against central differences, and its adjoint. */
#include "dsp/expm.h"
#include "harness.h"

#include <float.h>
#include <string.h>

#define N 6

static unsigned long long rng_state = 12345;

static double urand(void) /* uniform in [-1, 1) */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 4503599627370496.0 - 1.0;
}

static void random_matrix(int n, double amp, double *a)
{
    for (int i = 0; i < n * n; i++)
        a[i] = amp * urand();
}

static void skew_from(int n, const double *w, double *s) /* triu1(W) - triu1(W)^T */
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            s[i * n + j] = i < j ? w[i * n + j] : (i > j ? -w[j * n + i] : 0.0);
}

/* Reference: Taylor series in long double after scaling by 2^-s to norm < 1/8, then squaring. */
static void expm_taylor(int n, const double *a, double *e)
{
    long double x[N * N], t[N * N], r[N * N], tmp[N * N];
    double nrm = 0;
    for (int i = 0; i < n * n; i++)
        nrm += fabs(a[i]);
    int s = 0;
    while (ldexp(nrm, -s) > 0.125)
        s++;
    for (int i = 0; i < n * n; i++)
        x[i] = ldexpl((long double)a[i], -s), t[i] = r[i] = (i % (n + 1) == 0);
    for (int k = 1; k < 30; k++) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                long double acc = 0;
                for (int m = 0; m < n; m++)
                    acc += t[i * n + m] * x[m * n + j];
                tmp[i * n + j] = acc / k;
            }
        for (int i = 0; i < n * n; i++)
            t[i] = tmp[i], r[i] += t[i];
    }
    for (int q = 0; q < s; q++) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                long double acc = 0;
                for (int m = 0; m < n; m++)
                    acc += r[i * n + m] * r[m * n + j];
                tmp[i * n + j] = acc;
            }
        memcpy(r, tmp, sizeof r);
    }
    for (int i = 0; i < n * n; i++)
        e[i] = (double)r[i];
}

static double max_abs_diff(int n, const double *a, const double *b)
{
    double m = 0;
    for (int i = 0; i < n * n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

static double det(int n, const double *a) /* Gaussian elimination with partial pivoting */
{
    long double m[N * N], d = 1;
    for (int i = 0; i < n * n; i++)
        m[i] = a[i];
    for (int j = 0; j < n; j++) {
        int p = j;
        for (int i = j + 1; i < n; i++)
            if (fabsl(m[i * n + j]) > fabsl(m[p * n + j]))
                p = i;
        if (p != j) {
            for (int k = 0; k < n; k++) {
                long double t = m[j * n + k];
                m[j * n + k] = m[p * n + k], m[p * n + k] = t;
            }
            d = -d;
        }
        d *= m[j * n + j];
        for (int i = j + 1; i < n; i++) {
            long double f = m[i * n + j] / m[j * n + j];
            for (int k = j; k < n; k++)
                m[i * n + k] -= f * m[j * n + k];
        }
    }
    return (double)d;
}

static void test_skew(void)
{
    double worst_orth = 0, worst_det = 0, worst_ref = 0;
    const double amps[] = {1e-3, 0.4, 1.0, 3.0};
    for (int t = 0; t < 40; t++) {
        double w[N * N], s[N * N], u[N * N], ref[N * N];
        random_matrix(N, amps[t % 4], w);
        skew_from(N, w, s);
        CHECK(vx_expm(N, s, u) == 0, "expm skew returns 0");
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double acc = 0;
                for (int k = 0; k < N; k++)
                    acc += u[i * N + k] * u[j * N + k];
                worst_orth = fmax(worst_orth, fabs(acc - (i == j)));
            }
        worst_det = fmax(worst_det, fabs(det(N, u) - 1.0));
        expm_taylor(N, s, ref);
        worst_ref = fmax(worst_ref, max_abs_diff(N, u, ref));
    }
    CHECK_LE(worst_orth, 1e-14, "expm skew: max |U U^T - I|");
    CHECK_LE(worst_det, 1e-14, "expm skew: |det U - 1|");
    CHECK_LE(worst_ref, 1e-14, "expm skew: max |U - Taylor(long double)|");
}

static void test_general(void)
{
    /* Non-normal matrices with norms that need several squarings. */
    double worst = 0;
    for (int t = 0; t < 20; t++) {
        double a[N * N], e[N * N], ref[N * N];
        random_matrix(N, 0.5 + t * 0.4, a);
        CHECK(vx_expm(N, a, e) == 0, "expm general returns 0");
        expm_taylor(N, a, ref);
        double scale = 0;
        for (int i = 0; i < N * N; i++)
            scale = fmax(scale, fabs(ref[i]));
        worst = fmax(worst, max_abs_diff(N, e, ref) / scale);
    }
    CHECK_LE(worst, 1e-12, "expm general: max error / max |expm|");
    double z[N * N] = {0}, e[N * N], eye[N * N] = {0};
    for (int i = 0; i < N; i++)
        eye[i * N + i] = 1;
    vx_expm(N, z, e);
    /* Not exact: the Pade solve (V - U) X = V + U is b0 I X = b0 I, and LAPACK providers
     * differ in how they divide by the pivot b0: reference LAPACK divides (exact), OpenBLAS
     * multiplies by 1/b0 (one rounding more: 1 - 2^-53). Two ulps of 1 allow either. */
    CHECK_LE(max_abs_diff(N, e, eye), 2 * DBL_EPSILON, "expm(0) = I within 2 ulps");
    double bad[N * N] = {NAN};
    CHECK(vx_expm(N, bad, e) == -1, "expm rejects NaN");
    CHECK(vx_expm(0, z, e) == -1, "expm rejects n = 0");
}

static void test_frechet(void)
{
    double worst = 0, worst_adj = 0;
    for (int t = 0; t < 12; t++) {
        double w[N * N], a[N * N], e[N * N], l[N * N], ap[N * N], am[N * N], ep[N * N],
            em[N * N], g[N * N], ga[N * N];
        random_matrix(N, 1.0, w);
        if (t % 2)
            skew_from(N, w, a);
        else
            memcpy(a, w, sizeof a);
        random_matrix(N, 1.0, e);
        CHECK(vx_expm_frechet(N, a, e, l) == 0, "frechet returns 0");
        const double h = 1e-5;
        for (int i = 0; i < N * N; i++)
            ap[i] = a[i] + h * e[i], am[i] = a[i] - h * e[i];
        vx_expm(N, ap, ep);
        vx_expm(N, am, em);
        double scale = 0, err = 0;
        for (int i = 0; i < N * N; i++) {
            double fd = (ep[i] - em[i]) / (2 * h);
            scale = fmax(scale, fabs(fd));
            err = fmax(err, fabs(fd - l[i]));
        }
        worst = fmax(worst, err / scale);
        /* adjoint: <G, L(A, E)> = <L(A^T, G), E> */
        random_matrix(N, 1.0, g);
        CHECK(vx_expm_frechet_adjoint(N, a, g, ga) == 0, "frechet adjoint returns 0");
        double lhs = 0, rhs = 0, mag = 0;
        for (int i = 0; i < N * N; i++) {
            lhs += g[i] * l[i], rhs += ga[i] * e[i];
            mag += fabs(g[i] * l[i]);
        }
        worst_adj = fmax(worst_adj, fabs(lhs - rhs) / mag);
    }
    CHECK_LE(worst, 1e-8, "frechet vs central differences (relative)");
    CHECK_LE(worst_adj, 1e-13, "frechet adjoint identity (relative)");
    printf("expm: frechet central-difference rel err %.3g, adjoint %.3g\n", worst, worst_adj);
}

int main(void)
{
    test_skew();
    test_general();
    test_frechet();
    return vx_test_summary();
}
