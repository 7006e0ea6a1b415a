/* MLDR level-difference terms (spec/pipeline.md §1.6) and their exact backward pass:
 * envelopes are recursions in double, differentiated by the adjoint recursion run
 * backwards in time; the shift wraps within each signal (DESIGN.md decision 4). The four
 * recursions of a row (short and long of both pairs) run in one loop so that their
 * latency chains overlap. */
#include "loss/mldr.h"
#include "loss/vmath.h"

#include <math.h>
#include <stdlib.h>

#define POWER_FLOOR 1e-8 /* p = max(x^2, 1e-8) */
#define BLOCK 1024       /* samples per vectorised block */
#define CHAINS (2 * VX_LDR_PAIRS) /* envelopes per row: short and long of each pair */

vx_ldr_mix vx_ldr_row_mix(int row)
{
    const float h = (float)M_SQRT1_2;
    static const vx_ldr_mix unit[2] = {{1, 0}, {0, 1}};
    return row < VX_LDR_MID ? unit[row] : (vx_ldr_mix){h, row == VX_LDR_MID ? h : -h};
}

void vx_ldr_init(vx_ldr *p, double tau_short_ms, double tau_long_ms, double fs)
{
    /* torchcomp ms2coef in float32: 1 - exp(-2200 / tau / fs); the recursion's feedback
     * c - 1 is then exact in float32 */
    float cs = 1.0f - expf(-2200.0f / (float)tau_short_ms / (float)fs);
    float cl = 1.0f - expf(-2200.0f / (float)tau_long_ms / (float)fs);
    p->c_short = cs, p->f_short = 1.0f - cs;
    p->c_long = cl, p->f_long = 1.0f - cl;
    p->shift = (size_t)(fs * (tau_long_ms - tau_short_ms) * 0.0005);
}

static inline float row_sample(vx_ldr_mix m, const float *l, const float *r, size_t n)
{
    return m.a * l[n] + m.b * r[n];
}

static inline double power(float x)
{
    double p = (double)x * x;
    return p < POWER_FLOOR ? POWER_FLOOR : p;
}

/* Input gains and feedbacks of the row's envelopes, chain 2i short and 2i+1 long of pair i. */
static void chain_coefs(const vx_ldr *pairs, double c[CHAINS], double f[CHAINS])
{
    for (int i = 0; i < VX_LDR_PAIRS; i++) {
        c[2 * i] = pairs[i].c_short, f[2 * i] = pairs[i].f_short;
        c[2 * i + 1] = pairs[i].c_long, f[2 * i + 1] = pairs[i].f_long;
    }
}

/* The row's envelopes a[n] = c p[n] + f a[n-1] from a[-1] = 0, as float, into env[j]. */
static void envelopes(const vx_ldr *pairs, vx_ldr_mix m, const float *l, const float *r,
                      size_t len, float *const env[CHAINS])
{
    double c[CHAINS], f[CHAINS], st[CHAINS] = {0};
    chain_coefs(pairs, c, f);
    for (size_t n = 0; n < len; n++) {
        double p = power(row_sample(m, l, r, n));
#pragma GCC unroll 4
        for (int j = 0; j < CHAINS; j++)
            env[j][n] = (float)(st[j] = c[j] * p + f[j] * st[j]);
    }
}

/* Block length from n0 that stays clear of the end and of the shifted index's wrap. */
static size_t block_len(size_t n0, size_t s, size_t len)
{
    size_t m0 = (n0 + s) % len, n = len - n0 < BLOCK ? len - n0 : BLOCK;
    return m0 + n > len ? len - m0 : n;
}

void vx_ldr_target(const vx_ldr pairs[VX_LDR_PAIRS], vx_ldr_mix m, const float *l,
                   const float *r, size_t len, float *q, float *work)
{
    float *const env[CHAINS] = {q, work, q + len, work + len};
    envelopes(pairs, m, l, r, len, env);
    for (int i = 0; i < VX_LDR_PAIRS; i++) {
        size_t s = pairs[i].shift % len;
        float *qi = env[2 * i];
        for (size_t n0 = 0, n; n0 < len; n0 += n) {
            n = block_len(n0, s, len);
            const float *al = env[2 * i + 1] + (n0 + s) % len;
#pragma omp simd
            for (size_t k = 0; k < n; k++)
                qi[n0 + k] /= al[k];
        }
    }
}

/* For one pair and a block of n samples: returns sum |ln(q_x / q_y)| and overwrites the
 * envelopes with the adjoint sources of that sum, as[k] <- g / as[k] (d/da_short) and
 * al[k] <- -g / al[k] (d/da_long at the shifted index), g = sign(d_x - d_y). Each al[k]
 * is read once, by the sample it is shifted to, so overwriting it in place is safe. */
VX_SIMD_CLONES static double block_forward(float *as, float *al, const float *qy, size_t n)
{
    float acc = 0;
#pragma omp simd reduction(+ : acc)
    for (size_t k = 0; k < n; k++) {
        float q = as[k] / (al[k] * qy[k]);
        acc += fabsf(vx_logf(q));
        float g = (float)((int32_t)(q > 1.0f) - (int32_t)(q < 1.0f));
        as[k] = g / as[k];
        al[k] = -g / al[k];
    }
    return acc;
}

/* The sum of vx_ldr_forward_backward, leaving in env[] the sources of its adjoint
 * recursions. */
static double forward(const vx_ldr pairs[VX_LDR_PAIRS], vx_ldr_mix m, const float *l,
                      const float *r, const float *qy, size_t len, float *const env[CHAINS])
{
    envelopes(pairs, m, l, r, len, env);
    double sum = 0;
    for (int i = 0; i < VX_LDR_PAIRS; i++) {
        size_t s = pairs[i].shift % len;
        for (size_t n0 = 0, n; n0 < len; n0 += n) {
            n = block_len(n0, s, len);
            sum += block_forward(env[2 * i] + n0, env[2 * i + 1] + (n0 + s) % len,
                                 qy + i * len + n0, n);
        }
    }
    return sum;
}

double vx_ldr_forward_backward(const vx_ldr pairs[VX_LDR_PAIRS], vx_ldr_mix m, const float *l,
                               const float *r, const float *qy, size_t len, float *gx,
                               float *work)
{
    float *const env[CHAINS] = {work, work + len, work + 2 * len, work + 3 * len};
    double sum = forward(pairs, m, l, r, qy, len, env);
    /* adjoint recursions backwards in time: lambda[n] = src[n] + f lambda[n+1], and
     * dL/dp[n] = sum over the envelopes of c lambda[n] */
    double c[CHAINS], f[CHAINS], lam[CHAINS] = {0};
    chain_coefs(pairs, c, f);
    for (size_t n = len; n-- > 0;) {
        double dp = 0;
#pragma GCC unroll 4
        for (int j = 0; j < CHAINS; j++) {
            lam[j] = env[j][n] + f[j] * lam[j];
            dp += c[j] * lam[j];
        }
        float x = row_sample(m, l, r, n);
        if ((double)x * x >= POWER_FLOOR) /* the clamp passes no gradient below the floor */
            gx[n] += (float)(2.0 * x * dp);
    }
    return sum;
}

/* Running envelopes of one signal for vx_ldr_compare: the short one at n, the long one
 * at n + s, with the first s long values kept for the wrap. */
typedef struct {
    double as, al;
    double *head; /* a_long[0..s) */
} stream_t;

static void stream_start(const vx_ldr *p, vx_ldr_mix m, const float *l, const float *r,
                         size_t s, stream_t *st)
{
    st->as = st->al = 0;
    for (size_t k = 0; k < s; k++)
        st->head[k] = st->al = p->c_long * power(row_sample(m, l, r, k)) + p->f_long * st->al;
}

/* Advances to n and returns a_short[n] / a_long[(n + s) mod len]. */
static double stream_ratio(const vx_ldr *p, vx_ldr_mix m, const float *l, const float *r,
                           size_t len, size_t s, size_t n, stream_t *st)
{
    st->as = p->c_short * power(row_sample(m, l, r, n)) + p->f_short * st->as;
    if (n + s >= len)
        return st->as / st->head[n + s - len];
    st->al = p->c_long * power(row_sample(m, l, r, n + s)) + p->f_long * st->al;
    return st->as / st->al;
}

double vx_ldr_compare(const vx_ldr *p, vx_ldr_mix m, const float *xl, const float *xr,
                      const float *yl, const float *yr, size_t len)
{
    size_t s = p->shift % len;
    stream_t sx = {0, 0, malloc((s ? s : 1) * sizeof(double))};
    stream_t sy = {0, 0, malloc((s ? s : 1) * sizeof(double))};
    double sum = NAN;
    if (sx.head && sy.head) {
        stream_start(p, m, xl, xr, s, &sx);
        stream_start(p, m, yl, yr, s, &sy);
        sum = 0;
        float q[BLOCK];
        for (size_t n0 = 0; n0 < len; n0 += BLOCK) {
            size_t n = len - n0 < BLOCK ? len - n0 : BLOCK;
            for (size_t k = 0; k < n; k++)
                q[k] = (float)(stream_ratio(p, m, xl, xr, len, s, n0 + k, &sx) /
                               stream_ratio(p, m, yl, yr, len, s, n0 + k, &sy));
            float acc = 0;
#pragma omp simd reduction(+ : acc)
            for (size_t k = 0; k < n; k++)
                acc += fabsf(vx_logf(q[k]));
            sum += acc;
        }
    }
    free(sx.head), free(sy.head);
    return sum;
}
