/* RBJ-cookbook biquads as DiffVox's modules/functional.py designs them (spec/effects.md §4),
 * their filtering, and the exact reverse-mode gradients of filtering and design. */
#include "fx/biquad.h"

#include <math.h>

/* Unnormalised coefficients p = (b0, b1, b2, a0, a1, a2) of a "low side" prototype (peak,
 * low shelf, low-pass) as functions of A = 10^(G/40), c = cos w0 and alpha = sin w0 / 2Q,
 * and, when d is not NULL, their partials d[i] = (dp_i/dA, dp_i/dc, dp_i/dalpha).
 * The high shelf and high-pass are these at c = -cos w0 with b1, a1 negated (z -> -z);
 * that mirror is exact in floating point, so the values equal the cookbook's formulas. */
static void rbj_prototype(vx_bq_kind kind, double A, double c, double alpha, double p[6],
                          double d[6][3])
{
    if (kind == VX_BQ_PEAK) {
        p[0] = 1 + alpha * A, p[1] = -2 * c, p[2] = 1 - alpha * A;
        p[3] = 1 + alpha / A, p[4] = -2 * c, p[5] = 1 - alpha / A;
        if (d) {
            double ia2 = alpha / (A * A);
            const double j[6][3] = {{alpha, 0, A},  {0, -2, 0}, {-alpha, 0, -A},
                                    {-ia2, 0, 1 / A}, {0, -2, 0}, {ia2, 0, -1 / A}};
            for (int i = 0; i < 6; i++)
                d[i][0] = j[i][0], d[i][1] = j[i][1], d[i][2] = j[i][2];
        }
    } else if (kind == VX_BQ_LOWSHELF) {
        double sA = sqrt(A);
        double P0 = (A + 1) - (A - 1) * c + 2 * sA * alpha;
        double P1 = (A - 1) - (A + 1) * c;
        double P2 = (A + 1) - (A - 1) * c - 2 * sA * alpha;
        p[0] = A * P0, p[1] = 2 * A * P1, p[2] = A * P2;
        p[3] = (A + 1) + (A - 1) * c + 2 * sA * alpha;
        p[4] = -2 * ((A - 1) + (A + 1) * c);
        p[5] = (A + 1) + (A - 1) * c - 2 * sA * alpha;
        if (d) {
            double as = alpha / sA; /* d(2 sqrt(A) alpha)/dA */
            const double j[6][3] = {
                {P0 + A * (1 - c + as), -A * (A - 1), 2 * A * sA},
                {2 * P1 + 2 * A * (1 - c), -2 * A * (A + 1), 0},
                {P2 + A * (1 - c - as), -A * (A - 1), -2 * A * sA},
                {1 + c + as, A - 1, 2 * sA},
                {-2 * (1 + c), -2 * (A + 1), 0},
                {1 + c - as, A - 1, -2 * sA}};
            for (int i = 0; i < 6; i++)
                d[i][0] = j[i][0], d[i][1] = j[i][1], d[i][2] = j[i][2];
        }
    } else { /* VX_BQ_LOWPASS */
        p[0] = (1 - c) / 2, p[1] = 1 - c, p[2] = (1 - c) / 2;
        p[3] = 1 + alpha, p[4] = -2 * c, p[5] = 1 - alpha;
        if (d) {
            const double j[6][3] = {{0, -0.5, 0}, {0, -1, 0}, {0, -0.5, 0},
                                    {0, 0, 1},    {0, -2, 0}, {0, 0, -1}};
            for (int i = 0; i < 6; i++)
                d[i][0] = j[i][0], d[i][1] = j[i][1], d[i][2] = j[i][2];
        }
    }
}

/* Unnormalised coefficients p[6] of any kind and, when dp is not NULL, their partials
 * dp[i] = (dp_i/dG, dp_i/df0, dp_i/dQ) through w0 = 2 pi f0 / fs, alpha, A (spec §4). */
static void rbj(vx_bq_kind kind, double gain_db, double freq_hz, double q, double fs,
                double p[6], double dp[6][3])
{
    double w0 = 2.0 * M_PI * freq_hz / fs;
    double cw = cos(w0), alpha = sin(w0) / (2.0 * q);
    double A = pow(10.0, gain_db / 40.0);
    int mirror = kind == VX_BQ_HIGHSHELF || kind == VX_BQ_HIGHPASS;
    vx_bq_kind proto = kind == VX_BQ_HIGHSHELF ? VX_BQ_LOWSHELF
                       : kind == VX_BQ_HIGHPASS ? VX_BQ_LOWPASS
                                                : kind;
    double d[6][3];
    rbj_prototype(proto, A, mirror ? -cw : cw, alpha, p, dp ? d : NULL);
    double sgn = mirror ? -1.0 : 1.0;
    if (mirror)
        p[1] = -p[1], p[4] = -p[4];
    if (!dp)
        return;
    double dw0 = 2.0 * M_PI / fs;
    double dA_dG = A * M_LN10 / 40.0;
    double dc_df = -sgn * sin(w0) * dw0;
    double dal_df = cos(w0) * dw0 / (2.0 * q), dal_dq = -alpha / q;
    for (int i = 0; i < 6; i++) {
        double s = (mirror && (i == 1 || i == 4)) ? -1.0 : 1.0;
        dp[i][0] = s * d[i][0] * dA_dG;
        dp[i][1] = s * (d[i][1] * dc_df + d[i][2] * dal_df);
        dp[i][2] = s * d[i][2] * dal_dq;
    }
}

vx_biquad vx_biquad_design(vx_bq_kind kind, double gain_db, double freq_hz, double q, double fs)
{
    double p[6];
    rbj(kind, gain_db, freq_hz, q, fs, p, NULL);
    return (vx_biquad){p[0] / p[3], p[1] / p[3], p[2] / p[3], p[4] / p[3], p[5] / p[3]};
}

void vx_biquad_design_jacobian(vx_bq_kind kind, double gain_db, double freq_hz, double q,
                               double fs, vx_biquad jac[3])
{
    double p[6], dp[6][3];
    rbj(kind, gain_db, freq_hz, q, fs, p, dp);
    /* d(p_i / a0) = (dp_i - (p_i / a0) da0) / a0 */
    for (int j = 0; j < 3; j++) {
        double da0 = dp[3][j];
        double c[5];
        const int row[5] = {0, 1, 2, 4, 5};
        for (int i = 0; i < 5; i++)
            c[i] = (dp[row[i]][j] - p[row[i]] / p[3] * da0) / p[3];
        jac[j] = (vx_biquad){c[0], c[1], c[2], c[3], c[4]};
    }
}

static double dot5(const vx_biquad *a, const vx_biquad *b)
{
    return a->b0 * b->b0 + a->b1 * b->b1 + a->b2 * b->b2 + a->a1 * b->a1 + a->a2 * b->a2;
}

void vx_biquad_grad_band(vx_bq_kind kind, const vx_band *band, double fs, const vx_biquad *gc,
                         vx_band *gband)
{
    vx_biquad jac[3];
    vx_biquad_design_jacobian(kind, band->gain_db, band->freq_hz, band->q, fs, jac);
    gband->gain_db += dot5(gc, &jac[0]);
    gband->freq_hz += dot5(gc, &jac[1]);
    gband->q += dot5(gc, &jac[2]);
}

/* One step of transposed direct form II; s[2] is the state. */
static inline double tdf2_step(const vx_biquad *f, double s[2], double in)
{
    double out = f->b0 * in + s[0];
    s[0] = f->b1 * in - f->a1 * out + s[1];
    s[1] = f->b2 * in - f->a2 * out;
    return out;
}

/* State of the adjoint recursion run backwards in time: u1, u2 hold u[i+1], u[i+2] (zero
 * past the end), so dL/db_j = sum_i u[i+j] x[i] and dL/da_j = -sum_i u[i+j] y[i] need no
 * edge cases; g* and h* are those sums. */
typedef struct {
    double u1, u2, g0, g1, g2, h1, h2;
} adjoint;

/* One adjoint step at time i, given dL/dy[i] and the forward x[i], y[i]; returns dL/dx[i].
 * u[i] = (gy[i] - a2 u[i+2]) - a1 u[i+1]: the a2 term is off the critical path. */
static inline double adjoint_step(const vx_biquad *f, adjoint *a, double gy, double x, double y)
{
    double u = (gy - f->a2 * a->u2) - f->a1 * a->u1;
    double gx = f->b0 * u + f->b1 * a->u1 + f->b2 * a->u2;
    a->g0 += u * x, a->g1 += a->u1 * x, a->g2 += a->u2 * x;
    a->h1 += a->u1 * y, a->h2 += a->u2 * y;
    a->u2 = a->u1, a->u1 = u;
    return gx;
}

static void adjoint_add(const adjoint *a, vx_biquad *gc)
{
    gc->b0 += a->g0, gc->b1 += a->g1, gc->b2 += a->g2;
    gc->a1 -= a->h1, gc->a2 -= a->h2;
}

/* The float and double versions differ only in the element type. */
#define BIQUAD_LOOP(f, x, y, n)                                                     \
    do {                                                                            \
        double s_[2] = {0, 0};                                                      \
        for (size_t i = 0; i < (n); i++)                                            \
            (y)[i] = tdf2_step((f), s_, (x)[i]);                                    \
    } while (0)

#define BIQUAD_BACKWARD_LOOP(f, x, y, gy, gx, n, gc)                                \
    do {                                                                            \
        adjoint a_ = {0, 0, 0, 0, 0, 0, 0};                                         \
        for (size_t i = (n); i-- > 0;)                                              \
            (gx)[i] = adjoint_step((f), &a_, (gy)[i], (x)[i], (y)[i]);              \
        adjoint_add(&a_, (gc));                                                     \
    } while (0)

void vx_biquad_filter(const vx_biquad *f, const float *x, float *y, size_t n)
{
    BIQUAD_LOOP(f, x, y, n);
}

void vx_biquad_filter_d(const vx_biquad *f, const double *x, double *y, size_t n)
{
    BIQUAD_LOOP(f, x, y, n);
}

void vx_biquad_backward(const vx_biquad *f, const float *x, const float *y, const float *gy,
                        float *gx, size_t n, vx_biquad *gc)
{
    BIQUAD_BACKWARD_LOOP(f, x, y, gy, gx, n, gc);
}

void vx_biquad_backward_d(const vx_biquad *f, const double *x, const double *y,
                          const double *gy, double *gx, size_t n, vx_biquad *gc)
{
    BIQUAD_BACKWARD_LOOP(f, x, y, gy, gx, n, gc);
}

void vx_biquad_cascade(const vx_biquad *f, int nf, float *const *sig, size_t n)
{
    double s[VX_BIQUAD_MAX_CASCADE][2] = {{0, 0}};
    for (size_t i = 0; i < n; i++) {
        double v = sig[0][i];
        for (int k = 0; k < nf; k++) {
            v = tdf2_step(&f[k], s[k], v);
            sig[k + 1][i] = (float)v;
        }
    }
}

void vx_biquad_cascade_run(const vx_biquad *f, int nf, double (*state)[2], const float *x,
                           float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        for (int k = 0; k < nf; k++)
            v = tdf2_step(&f[k], state[k], v);
        y[i] = (float)v;
    }
}

/* Per time step, sections last to first: the input gradient of section k+1 is the output
 * gradient of section k. */
void vx_biquad_cascade_backward(const vx_biquad *f, int nf, const float *const *sig,
                                const float *gy, float *gx, size_t n, vx_biquad *gc)
{
    adjoint a[VX_BIQUAD_MAX_CASCADE] = {{0, 0, 0, 0, 0, 0, 0}};
    for (size_t i = n; i-- > 0;) {
        double g = gy[i];
        for (int k = nf - 1; k >= 0; k--)
            g = adjoint_step(&f[k], &a[k], g, sig[k][i], sig[k + 1][i]);
        gx[i] = (float)g;
    }
    for (int k = 0; k < nf; k++)
        adjoint_add(&a[k], &gc[k]);
}
