/* Matrix exponential by Pade(13) scaling and squaring, and its Frechet derivative
 * by the block-triangular identity expm([[A, E], [0, A]]) = [[e^A, L(A, E)], [0, e^A]]
 * (Higham, Functions of Matrices, 2008, §3.1 and §10.3). */
#include "dsp/expm.h"
#include "dsp/solve.h"

#include <math.h>
#include <string.h>

#define MAXN (2 * VX_EXPM_MAXN)

/* c = a b, all n x n row-major; c must not alias a or b. */
static void matmul(int n, const double *a, const double *b, double *c)
{
    for (int i = 0; i < n; i++) {
        double *ci = c + i * n;
        memset(ci, 0, (size_t)n * sizeof *ci);
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            const double *bk = b + k * n;
            for (int j = 0; j < n; j++)
                ci[j] += aik * bk[j];
        }
    }
}

static double norm1(int n, const double *a)
{
    double m = 0;
    for (int j = 0; j < n; j++) {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += fabs(a[i * n + j]);
        m = fmax(m, s);
    }
    return m;
}

/* r = x6 (p[0] x6 + p[1] x4 + p[2] x2) + p[3] x6 + p[4] x4 + p[5] x2 + p[6] I,
 * the two halves of the degree-13 Pade numerator/denominator. */
static void pade_half(int n, const double *x2, const double *x4, const double *x6,
                      const double p[7], double *tmp, double *r)
{
    int nn = n * n;
    for (int i = 0; i < nn; i++)
        tmp[i] = p[0] * x6[i] + p[1] * x4[i] + p[2] * x2[i];
    matmul(n, x6, tmp, r);
    for (int i = 0; i < nn; i++)
        r[i] += p[3] * x6[i] + p[4] * x4[i] + p[5] * x2[i];
    for (int i = 0; i < n; i++)
        r[i * n + i] += p[6];
}

int vx_expm(int n, const double *a, double *e)
{
    /* Pade(13) coefficients b_0..b_13 and theta_13 (Higham 2005, Table 2.3). */
    static const double b[14] = {64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
                                 1187353796428800.0, 129060195264000.0, 10559470521600.0,
                                 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0,
                                 960960.0, 16380.0, 182.0, 1.0};
    static const double theta13 = 5.371920351148152;
    if (n < 1 || n > MAXN)
        return -1;
    int nn = n * n;
    double x[MAXN * MAXN], x2[MAXN * MAXN], x4[MAXN * MAXN], x6[MAXN * MAXN];
    double u[MAXN * MAXN], v[MAXN * MAXN], tmp[MAXN * MAXN];
    double nrm = norm1(n, a);
    if (!isfinite(nrm))
        return -1;
    int s = nrm > theta13 ? (int)ceil(log2(nrm / theta13)) : 0;
    double scale = ldexp(1.0, -s);
    for (int i = 0; i < nn; i++)
        x[i] = a[i] * scale;
    matmul(n, x, x, x2);
    matmul(n, x2, x2, x4);
    matmul(n, x4, x2, x6);
    /* U = x (odd part), V = even part; expm(x) ~ (V - U)^-1 (V + U). */
    const double podd[7] = {b[13], b[11], b[9], b[7], b[5], b[3], b[1]};
    const double peven[7] = {b[12], b[10], b[8], b[6], b[4], b[2], b[0]};
    pade_half(n, x2, x4, x6, podd, tmp, v);
    matmul(n, x, v, u);
    pade_half(n, x2, x4, x6, peven, tmp, v);
    for (int i = 0; i < nn; i++) {
        double p = v[i] + u[i], q = v[i] - u[i];
        e[i] = p, tmp[i] = q;
    }
    if (vx_solve_general(n, tmp, e, n) != 0)
        return -1;
    for (int k = 0; k < s; k++) {
        matmul(n, e, e, tmp);
        memcpy(e, tmp, (size_t)nn * sizeof *e);
    }
    return 0;
}

int vx_expm_frechet(int n, const double *a, const double *e, double *l)
{
    if (n < 1 || n > VX_EXPM_MAXN)
        return -1;
    int m = 2 * n;
    double ne = norm1(n, e), na = norm1(n, a);
    if (ne == 0) {
        memset(l, 0, (size_t)(n * n) * sizeof *l);
        return isfinite(na) ? 0 : -1;
    }
    /* L is linear in E: scale E to the size of A so that it does not drive the
     * number of squarings (Higham 2008, §10.3). */
    double c = (na > 0 ? na : 1.0) / ne;
    double blk[MAXN * MAXN], eb[MAXN * MAXN];
    memset(blk, 0, sizeof blk);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            blk[i * m + j] = blk[(i + n) * m + j + n] = a[i * n + j];
            blk[i * m + j + n] = c * e[i * n + j];
        }
    if (vx_expm(m, blk, eb) != 0)
        return -1;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            l[i * n + j] = eb[i * m + j + n] / c;
    return 0;
}

int vx_expm_frechet_adjoint(int n, const double *a, const double *g, double *ga)
{
    if (n < 1 || n > VX_EXPM_MAXN)
        return -1;
    double at[VX_EXPM_MAXN * VX_EXPM_MAXN];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            at[i * n + j] = a[j * n + i];
    /* <G, L(A, E)> = <L(A^T, G), E> for the Frobenius inner product. */
    return vx_expm_frechet(n, at, g, ga);
}
