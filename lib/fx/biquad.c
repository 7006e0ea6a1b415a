/* RBJ-cookbook biquads as DiffVox's modules/functional.py designs them (spec/effects.md §4),
 * their filtering, and the exact reverse-mode gradients of filtering and design. */
#include "fx/biquad.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/fft.h"
#include "dsp/pipe2.h"
#include "dsp/simd4.h"

_Static_assert(VX_V4 == VX_BIQUAD_LANES, "one signal per vector lane");

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

double vx_biquad_mag_db(const vx_biquad *f, double freq_hz, double fs)
{
    /* B(z) = b0 + b1 z^-1 + b2 z^-2 with z^-k = cos(k w) - j sin(k w); A likewise */
    double w = 2 * M_PI * freq_hz / fs, c1 = cos(w), s1 = sin(w), c2 = cos(2 * w), s2 = sin(2 * w);
    double br = f->b0 + f->b1 * c1 + f->b2 * c2, bi = -(f->b1 * s1 + f->b2 * s2);
    double ar = 1 + f->a1 * c1 + f->a2 * c2, ai = -(f->a1 * s1 + f->a2 * s2);
    return 10 * log10((br * br + bi * bi) / (ar * ar + ai * ai));
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

/* One step of transposed direct form II: out from in, with the state s[2] updated. The
 * macro serves double and vector (one signal per lane) states alike. */
#define TDF2_STEP(f, s, in, out)                                                    \
    ((out) = (f)->b0 * (in) + (s)[0], (s)[0] = (f)->b1 * (in) - (f)->a1 * (out) + (s)[1], \
     (s)[1] = (f)->b2 * (in) - (f)->a2 * (out))

static inline double tdf2_step(const vx_biquad *f, double s[2], double in)
{
    double out;
    TDF2_STEP(f, s, in, out);
    return out;
}

/* State of the adjoint recursion run backwards in time: u1, u2 hold u[i+1], u[i+2] (zero
 * past the end), so dL/db_j = sum_i u[i+j] x[i] and dL/da_j = -sum_i u[i+j] y[i] need no
 * edge cases; g* and h* are those sums. */
typedef struct {
    double u1, u2, g0, g1, g2, h1, h2;
} adjoint;

/* The same for four signals, one per lane. */
typedef struct {
    vx_v4d u1, u2, g0, g1, g2, h1, h2;
} adjoint4;

/* The adjoint at time i, for doubles and vectors alike: u = u[i] from gy = dL/dy[i] and
 * u1, u2 = u[i+1], u[i+2], and gx = dL/dx[i]. u[i] = (gy[i] - a2 u[i+2]) - a1 u[i+1]: the
 * a2 term is off the critical path. ADJOINT_SHIFT then moves u1, u2 on to time i-1. */
#define ADJOINT_U(f, u1, u2, gy, u, gx)                                             \
    ((u) = ((gy) - (f)->a2 * (u2)) - (f)->a1 * (u1),                                \
     (gx) = (f)->b0 * (u) + (f)->b1 * (u1) + (f)->b2 * (u2))
#define ADJOINT_SHIFT(u1, u2, u) ((u2) = (u1), (u1) = (u))

/* Time i's terms of the coefficient gradients into the sums g0, g1, g2, h1, h2 (doubles or
 * vectors), from u[i], u[i+1], u[i+2] and the forward x[i], y[i]. */
#define ADJOINT_SUMS(g0, g1, g2, h1, h2, u, u1, u2, x, y)                           \
    ((g0) += (u) * (x), (g1) += (u1) * (x), (g2) += (u2) * (x), (h1) += (u1) * (y),  \
     (h2) += (u2) * (y))

static inline double adjoint_step(const vx_biquad *f, adjoint *a, double gy, double x, double y)
{
    double u, gx;
    ADJOINT_U(f, a->u1, a->u2, gy, u, gx);
    ADJOINT_SUMS(a->g0, a->g1, a->g2, a->h1, a->h2, u, a->u1, a->u2, x, y);
    ADJOINT_SHIFT(a->u1, a->u2, u);
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

/* ---- cascades ----
 * The loops take the number of sections as a constant where they are instantiated for the
 * model's EQs (4 and 6 bands, or their halves): the section loop is then unrolled and every
 * recursion state stays in a register. On two threads a cascade runs as a pipeline
 * (dsp/pipe2.h): one thread takes the first half of the sections, the other the second
 * half one block behind, the signal (or gradient) between them handed over in double
 * through a ring of blocks, so the result is the same as on one thread. Unlike fdn.c and
 * comp.c this file keeps unfused multiply-adds: fusion would round each instantiation of
 * the loops its own way, and the original's rounding is kept bit for bit (the FDN's
 * smallest W gradients are sensitive to the float rounding of its EQ). */
#define WITH_NK(nk, call)                                                           \
    do {                                                                            \
        switch (nk) {                                                               \
        case 2: call(2); break;                                                     \
        case 3: call(3); break;                                                     \
        case 4: call(4); break;                                                     \
        case 6: call(6); break;                                                     \
        default: call(nk);                                                          \
        }                                                                           \
    } while (0)

#define PIPE_BLOCK 1024 /* samples per pipeline block */
#define PIPE_RING 4     /* blocks in flight between the two halves */

/* Forward of sections f[0..nk) over samples [t0, t1): the input is rin[i - t0] (from the
 * other half) if rin, else sig[0][i]; sig[k + 1] receives section k's output; rout, if
 * not NULL, the last output in double. s[nk][2] is the state, carried between blocks. */
static VX_INLINE void run_fwd(const vx_biquad *f, int nk, double (*s)[2], float *const *sig,
                              const double *rin, double *rout, size_t t0, size_t t1)
{
    double st[VX_BIQUAD_MAX_CASCADE][2];
    for (int k = 0; k < nk; k++)
        st[k][0] = s[k][0], st[k][1] = s[k][1];
    for (size_t i = t0; i < t1; i++) {
        double v = rin ? rin[i - t0] : sig[0][i];
#pragma GCC unroll 8
        for (int k = 0; k < nk; k++) {
            v = tdf2_step(&f[k], st[k], v);
            sig[k + 1][i] = (float)v;
        }
        if (rout)
            rout[i - t0] = v;
    }
    for (int k = 0; k < nk; k++)
        s[k][0] = st[k][0], s[k][1] = st[k][1];
}

/* Adjoint of sections f[0..nk) over samples [t0, t1), backwards in time: the gradient of
 * the last output is rin[i - t0] if rin, else gy[i]; the input gradient goes to rout[i - t0]
 * if rout, else gx[i]. sig[k], sig[k + 1] are section k's input and output; a[nk] carry
 * the adjoint states and coefficient sums between blocks. */
static VX_INLINE void run_bwd(const vx_biquad *f, int nk, adjoint *a, const float *const *sig,
                              const float *gy, const double *rin, float *gx, double *rout,
                              size_t t0, size_t t1)
{
    adjoint st[VX_BIQUAD_MAX_CASCADE];
    for (int k = 0; k < nk; k++)
        st[k] = a[k];
    for (size_t i = t1; i-- > t0;) {
        double g = rin ? rin[i - t0] : gy[i];
#pragma GCC unroll 8
        for (int k = nk - 1; k >= 0; k--)
            g = adjoint_step(&f[k], &st[k], g, sig[k][i], sig[k + 1][i]);
        if (rout)
            rout[i - t0] = g;
        else
            gx[i] = (float)g;
    }
    for (int k = 0; k < nk; k++)
        a[k] = st[k];
}

/* *v = sample t of the interleaved signal s (4 lanes), and back; sample t starts at float
 * 4 t, so the vector access is aligned when s is. */
static VX_INLINE void load4(vx_v4d *v, const float *s, size_t t)
{
    *v = __builtin_convertvector(*(const vx_v4f *)(s + VX_V4 * t), vx_v4d);
}

static VX_INLINE void store4(float *s, size_t t, const vx_v4d *v)
{
    *(vx_v4f *)(s + VX_V4 * t) = __builtin_convertvector(*v, vx_v4f);
}

/* run_fwd on four signals, one per lane, sig[] interleaved: the input is gathered from
 * x[4] (and kept in sig[0]) if x, else rin[i - t0]; y[4], if not NULL, receives the last
 * output. */
static VX_INLINE void run_fwd4(const vx_biquad *f, int nk, vx_v4d (*s)[2],
                               const float *const *x, float *const *sig, const vx_v4d *rin,
                               vx_v4d *rout, float *const *y, size_t t0, size_t t1)
{
    vx_v4d st[VX_BIQUAD_MAX_CASCADE][2];
    for (int k = 0; k < nk; k++)
        st[k][0] = s[k][0], st[k][1] = s[k][1];
    for (size_t i = t0; i < t1; i++) {
        vx_v4d v, out;
        if (x) {
            vx_v4_gather(&v, x, i);
            store4(sig[0], i, &v);
        } else {
            v = rin[i - t0];
        }
#pragma GCC unroll 8
        for (int k = 0; k < nk; k++) {
            TDF2_STEP(&f[k], st[k], v, out);
            v = out;
            store4(sig[k + 1], i, &v);
        }
        if (rout)
            rout[i - t0] = v;
        if (y)
            vx_v4_scatter(y, i, &v);
    }
    for (int k = 0; k < nk; k++)
        s[k][0] = st[k][0], s[k][1] = st[k][1];
}

/* run_bwd on four signals: gradients from gy[4] or rin, to gx[4] or rout. */
static VX_INLINE void run_bwd4(const vx_biquad *f, int nk, adjoint4 *a, const float *const *sig,
                               const float *const *gy, const vx_v4d *rin, float *const *gx,
                               vx_v4d *rout, size_t t0, size_t t1)
{
    adjoint4 st[VX_BIQUAD_MAX_CASCADE];
    for (int k = 0; k < nk; k++)
        st[k] = a[k];
    for (size_t i = t1; i-- > t0;) {
        vx_v4d g, x, y, u;
        if (rin)
            g = rin[i - t0];
        else
            vx_v4_gather(&g, gy, i);
        load4(&y, sig[nk], i);
#pragma GCC unroll 8
        for (int k = nk - 1; k >= 0; k--) {
            load4(&x, sig[k], i);
            ADJOINT_U(&f[k], st[k].u1, st[k].u2, g, u, g);
            ADJOINT_SUMS(st[k].g0, st[k].g1, st[k].g2, st[k].h1, st[k].h2, u, st[k].u1,
                         st[k].u2, x, y);
            ADJOINT_SHIFT(st[k].u1, st[k].u2, u);
            y = x;
        }
        if (rout)
            rout[i - t0] = g;
        else
            vx_v4_scatter(gx, i, &g);
    }
    for (int k = 0; k < nk; k++)
        a[k] = st[k];
}

/* Everything one cascade call needs, on one thread or in the two pipeline stages. Stage 0
 * runs the sections [0, half) forward, [half, nf) backward; stage 1 the others. */
typedef struct {
    const vx_biquad *f;
    int nf, half;
    size_t n;
    float *const *sig;
    const float *const *x;  /* 4-lane forward input; the mono input is sig[0] */
    float *const *y;        /* 4-lane forward output; the mono output is sig[nf] */
    const float *gy;        /* mono backward */
    float *gx;
    const float *const *gy4; /* 4-lane backward */
    float *const *gx4;
    double s[VX_BIQUAD_MAX_CASCADE][2]; /* forward states */
    vx_v4d s4[VX_BIQUAD_MAX_CASCADE][2];
    adjoint a[VX_BIQUAD_MAX_CASCADE]; /* backward states and sums */
    adjoint4 a4[VX_BIQUAD_MAX_CASCADE];
    double (*ring)[PIPE_BLOCK];  /* PIPE_RING blocks handed between the stages */
    vx_v4d (*ring4)[PIPE_BLOCK];
    int backward, lanes4;        /* which pass the pipeline runs */
} cascade_job;

/* Block b in processing order: forward from the start, backward from the end. */
static void block_range(const cascade_job *j, size_t b, int backward, size_t *t0, size_t *t1)
{
    size_t a = b * PIPE_BLOCK, e = a + PIPE_BLOCK < j->n ? a + PIPE_BLOCK : j->n;
    *t0 = backward ? j->n - e : a;
    *t1 = backward ? j->n - a : e;
}

/* The sections [k0, k0 + nk) as one call of a run_* body with nk a constant. */
VX_CLONES static void fwd_part(cascade_job *j, int k0, int nk, const double *rin,
                               double *rout, size_t t0, size_t t1)
{
#define RUN(nk_) run_fwd(j->f + k0, nk_, j->s + k0, j->sig + k0, rin, rout, t0, t1)
    WITH_NK(nk, RUN);
#undef RUN
}

VX_CLONES static void bwd_part(cascade_job *j, int k0, int nk, const double *rin,
                               double *rout, size_t t0, size_t t1)
{
#define RUN(nk_)                                                                     \
    run_bwd(j->f + k0, nk_, j->a + k0, (const float *const *)j->sig + k0, j->gy, rin, j->gx, \
            rout, t0, t1)
    WITH_NK(nk, RUN);
#undef RUN
}

VX_CLONES static void fwd4_part(cascade_job *j, int k0, int nk, const vx_v4d *rin,
                                vx_v4d *rout, size_t t0, size_t t1)
{
    const float *const *x = k0 == 0 ? j->x : NULL;
    float *const *y = k0 + nk == j->nf ? j->y : NULL;
#define RUN(nk_) run_fwd4(j->f + k0, nk_, j->s4 + k0, x, j->sig + k0, rin, rout, y, t0, t1)
    WITH_NK(nk, RUN);
#undef RUN
}

VX_CLONES static void bwd4_part(cascade_job *j, int k0, int nk, const vx_v4d *rin,
                                vx_v4d *rout, size_t t0, size_t t1)
{
#define RUN(nk_)                                                                     \
    run_bwd4(j->f + k0, nk_, j->a4 + k0, (const float *const *)j->sig + k0, j->gy4, rin, \
             j->gx4, rout, t0, t1)
    WITH_NK(nk, RUN);
#undef RUN
}

/* The pipeline stage (vx_pipe2_fn) of every job kind: stage 0 runs the sections met first
 * (the first half forward, the second half backward) and writes block b's hand-over into
 * ring slot b % PIPE_RING; stage 1 reads it and runs the other half. */
static void stage_run(void *ctx, int stage, size_t b)
{
    cascade_job *j = ctx;
    size_t t0, t1, slot = b % PIPE_RING;
    block_range(j, b, j->backward, &t0, &t1);
    int low = (stage == 0) != j->backward; /* this stage runs sections [0, half) */
    int k0 = low ? 0 : j->half, nk = low ? j->half : j->nf - j->half;
    int out = stage == 0;
    if (j->lanes4) {
        vx_v4d *r = j->ring4[slot];
        (j->backward ? bwd4_part : fwd4_part)(j, k0, nk, out ? NULL : r, out ? r : NULL, t0, t1);
    } else {
        double *r = j->ring[slot];
        (j->backward ? bwd_part : fwd_part)(j, k0, nk, out ? NULL : r, out ? r : NULL, t0, t1);
    }
}

/* Runs the job's stages on two threads when the cascade splits and two threads are there;
 * returns 0, or -1 having done nothing (the caller then runs it whole on this thread). */
static int pipelined(cascade_job *j)
{
    if (j->nf < 2 || j->n == 0)
        return -1;
    size_t lanes = j->lanes4 ? VX_V4 : 1;
    void *ring = vx_fft_alloc(PIPE_RING * PIPE_BLOCK * lanes * sizeof(double)); /* aligned */
    if (!ring)
        return -1;
    j->ring = ring, j->ring4 = ring;
    int rc = vx_pipe2_run((j->n + PIPE_BLOCK - 1) / PIPE_BLOCK, PIPE_RING, stage_run, j);
    free(ring);
    return rc;
}

void vx_biquad_cascade(const vx_biquad *f, int nf, float *const *sig, size_t n)
{
    cascade_job j = {.f = f, .nf = nf, .half = nf / 2, .n = n, .sig = sig};
    if (pipelined(&j) != 0)
        fwd_part(&j, 0, nf, NULL, NULL, 0, n);
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

void vx_biquad_cascade_backward(const vx_biquad *f, int nf, const float *const *sig,
                                const float *gy, float *gx, size_t n, vx_biquad *gc)
{
    cascade_job j = {.f = f, .nf = nf, .half = nf / 2, .n = n, .sig = (float *const *)sig,
                     .gy = gy, .gx = gx, .backward = 1};
    if (pipelined(&j) != 0)
        bwd_part(&j, 0, nf, NULL, NULL, 0, n);
    for (int k = 0; k < nf; k++)
        adjoint_add(&j.a[k], &gc[k]);
}

void vx_biquad_cascade4(const vx_biquad *f, int nf, const float *const x[VX_V4],
                        float *const *sig, float *const y[VX_V4], size_t n)
{
    cascade_job j = {.f = f, .nf = nf, .half = nf / 2, .n = n, .sig = sig, .x = x, .y = y,
                     .lanes4 = 1};
    if (pipelined(&j) != 0)
        fwd4_part(&j, 0, nf, NULL, NULL, 0, n);
}

void vx_biquad_cascade4_backward(const vx_biquad *f, int nf, const float *const *sig,
                                 const float *const gy[VX_V4], float *const gx[VX_V4],
                                 size_t n, vx_biquad *gc)
{
    cascade_job j = {.f = f, .nf = nf, .half = nf / 2, .n = n, .sig = (float *const *)sig,
                     .gy4 = gy, .gx4 = gx, .backward = 1, .lanes4 = 1};
    if (pipelined(&j) != 0)
        bwd4_part(&j, 0, nf, NULL, NULL, 0, n);
    for (int k = 0; k < nf; k++) /* the lanes share the coefficients: their sum */
        for (int l = 0; l < VX_V4; l++) {
            adjoint s = {0, 0, j.a4[k].g0[l], j.a4[k].g1[l], j.a4[k].g2[l], j.a4[k].h1[l],
                         j.a4[k].h2[l]};
            adjoint_add(&s, &gc[k]);
        }
}
