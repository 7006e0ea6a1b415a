/* Compressor/expander (spec/effects.md §5), forward and reverse mode.
 *
 * The lookahead is a 706-tap cross-correlation with replicate padding. Done directly it
 * costs 706 multiply-adds per sample, so it is split: the NEAR taps around the sinc's peak
 * (where its weight is) are summed directly in double; the FAR taps (|w| < 1/(pi NEAR))
 * go through float FFTs, overlap-save in blocks of BLOCK samples. The float rounding then
 * only touches the small far part, which keeps the result within about -150 dB of exact
 * double, and short blocks cost less than one transform of the whole signal. Blocks run
 * on the OpenMP threads, the near taps sixteen outputs at a time in vector registers, and
 * the static curve (a log and an exp per sample) with the four-lane exp and log.
 * Input and output signals in vx_real: compiled again in double by comp_d.c (dsp/real.h),
 * the gain's computation the same in both; streaming in float only. */
/* Fused multiply-adds where the ISA has them (the AVX2 clones): -std=c11 turns contraction
 * off, and the lookahead and the static curve are mostly multiply-adds. */
#pragma GCC optimize("fp-contract=fast")
#include "fx/comp.h"
#include "dsp/fft.h"
#include "dsp/psum.h"
#include "dsp/simd4.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAD_RIGHT (VX_COMP_TAPS - VX_COMP_PAD_LEFT - 1) /* 661 */
#define NEAR 16        /* taps on each side of the peak summed directly */
#define SQ_FLOOR 1e-8  /* clamp on e^2 (spec §5.1) */
#define BLOCK 8192     /* FFT length of the far-tap blocks */
#define HOP (BLOCK - (VX_COMP_TAPS - 1)) /* outputs per block */
#define NBIN (BLOCK / 2 + 1)
#define TILE 512       /* samples per task of the parallel per-sample loops */

enum { FLAG_ATTACK = 1, FLAG_COMP = 2, FLAG_EXP = 4 };

struct VX_R(vx_comp) {
    size_t max_len, n;
    /* parameters of the last forward */
    double alpha, at, rt, ct, et, cs, es, cr, er, makeup;
    double w[VX_COMP_TAPS], dw[VX_COMP_TAPS]; /* sinc taps and d/d(lookahead samples) */
    int lo, hi;          /* near taps [lo, hi] */
    vx_real *e;          /* input */
    double *P, *L, *f;   /* detector power, its level in dB, static-curve gain */
    double *gpad;        /* smoothed gain, replicate-padded: gpad[44 + t] = g[t] */
    double *gla, *dgla;  /* lookahead gain and its derivative in l (samples) */
    unsigned char *flag; /* attack/release choice and active static-curve branch */
    double *ggla, *work; /* backward: dL/d(gla), dL/d(gpad) */
    const vx_fft *plan;  /* BLOCK-point real FFT */
    _Alignas(64) vx_cpxr WF[NBIN];  /* spectra of the far taps w, dw (aligned for SIMD */
    _Alignas(64) vx_cpxr DWF[NBIN]; /* transforms, as vx_fft_alloc) */
};

/* Work memory of one far-tap block, one per thread. */
typedef struct {
    _Alignas(64) vx_real fbuf[BLOCK];
    _Alignas(64) vx_cpxr S[NBIN]; /* spectrum of the block */
    _Alignas(64) vx_cpxr X[NBIN]; /* a product of spectra */
} block_work;

VX_R(vx_comp) *VX_R(vx_comp_create)(size_t max_len)
{
    VX_R(vx_comp) *c = vx_fft_alloc(sizeof *c);
    if (!c)
        return NULL;
    memset(c, 0, sizeof *c);
    size_t m = max_len ? max_len : 1, np = m + VX_COMP_TAPS - 1;
    c->max_len = max_len;
    c->plan = VX_R(vx_fft_get)(BLOCK);
    c->e = malloc(m * sizeof *c->e);
    c->P = malloc(m * sizeof *c->P);
    c->L = malloc(m * sizeof *c->L);
    c->f = malloc(m * sizeof *c->f);
    c->gla = malloc(m * sizeof *c->gla);
    c->dgla = malloc(m * sizeof *c->dgla);
    c->flag = malloc(m);
    c->gpad = malloc(np * sizeof *c->gpad);
    c->ggla = malloc(m * sizeof *c->ggla);
    c->work = malloc(np * sizeof *c->work);
    if (!c->plan || !c->e || !c->P || !c->L || !c->f || !c->gla || !c->dgla || !c->flag ||
        !c->gpad || !c->ggla || !c->work) {
        VX_R(vx_comp_free)(c);
        return NULL;
    }
    return c;
}

void VX_R(vx_comp_free)(VX_R(vx_comp) *c)
{
    if (!c)
        return;
    free(c->e), free(c->P), free(c->L), free(c->f), free(c->gla), free(c->flag);
    free(c->dgla), free(c->gpad), free(c->ggla), free(c->work);
    free(c);
}

/* Taps w[k] = sinc(k - 44 - l) as torch.sinc computes them (sin(pi t)/(pi t)), and
 * dw/dl = -sinc'(t) = -(cos(pi t) - sinc(t)) / t (spec §5.4). Near window around the peak. */
static void lookahead_taps(VX_R(vx_comp) *c, double ell)
{
    for (int k = 0; k < VX_COMP_TAPS; k++) {
        double t = (double)(k - VX_COMP_PAD_LEFT) - ell;
        if (t == 0) {
            c->w[k] = 1, c->dw[k] = 0;
        } else {
            double pt = M_PI * t;
            c->w[k] = sin(pt) / pt;
            c->dw[k] = -(cos(pt) - c->w[k]) / t;
        }
    }
    int k0 = VX_COMP_PAD_LEFT + (int)floor(ell + 0.5);
    c->lo = k0 - NEAR < 0 ? 0 : k0 - NEAR;
    c->hi = k0 + NEAR > VX_COMP_TAPS - 1 ? VX_COMP_TAPS - 1 : k0 + NEAR;
    if (c->lo > c->hi) /* l far outside [0, 661.5): everything is "far" */
        c->lo = 1, c->hi = 0;
}

/* out[k] = scale * a[k] * (conj_b ? conj(b[k]) : b[k]) over nb bins, products in double. */
static void spec_mul(const vx_cpxr *a, const vx_cpxr *b, int conj_b, double scale, vx_cpxr *out,
                     size_t nb)
{
    double s = conj_b ? -1.0 : 1.0;
    for (size_t k = 0; k < nb; k++) {
        double ar = a[k].re, ai = a[k].im, br = b[k].re, bi = s * b[k].im;
        out[k].re = (vx_real)(scale * (ar * br - ai * bi));
        out[k].im = (vx_real)(scale * (ar * bi + ai * br));
    }
}

/* Spectrum X of the block x[0..m) - offset, m <= BLOCK, zero-padded (float). */
static void block_spectrum(const VX_R(vx_comp) *c, block_work *bw, const double *x, double offset,
                           size_t m, vx_cpxr *X)
{
    for (size_t j = 0; j < m; j++)
        bw->fbuf[j] = (vx_real)(x[j] - offset);
    memset(bw->fbuf + m, 0, (BLOCK - m) * sizeof *bw->fbuf);
    VX_R(vx_fft_forward)(c->plan, bw->fbuf, X);
}

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

/* One detector step (spec §5.1): the RMS power after sample e, from the previous P. */
static inline double detector_step(double alpha, double P, double e)
{
    double s = e * e;
    if (s < SQ_FLOOR)
        s = SQ_FLOOR;
    return alpha * s - (alpha - 1) * P; /* torchlpc: y = x - a y[-1], a = alpha-1 */
}

/* Static curve (spec §5.2) in dB at level L dB: min(0, cs (ct - L), es (et - L)) with the
 * slopes cs = 1 - 1/CR, es = 1 - 1/ER; *flag (if not NULL) gets the active branch. */
static inline double curve_db(double cs, double ct, double es, double et, double L,
                              unsigned char *flag)
{
    double gc = cs * (ct - L), ge = es * (et - L);
    double m = gc <= ge ? gc : ge;
    if (flag)
        *flag = m < 0 ? (gc <= ge ? FLAG_COMP : FLAG_EXP) : 0;
    return m < 0 ? m : 0.0;
}

/* The static curve for power P: the target gain f, its level L (dB) and which branch is
 * active. */
static inline double curve_gain(const VX_R(vx_comp) *c, double P, double *level, unsigned char *flag)
{
    double L = 20.0 * log10(sqrt(P));
    double m = curve_db(c->cs, c->ct, c->es, c->et, L, flag);
    *level = L;
    return m < 0 ? exp(m * (M_LN10 / 20.0)) : 1.0; /* 10^(g/20) */
}

#ifndef VX_REAL_DOUBLE /* one definition */
double vx_comp_curve_db(const vx_fx *fx, double level_db)
{
    return curve_db(1 - 1 / fx->comp.cmp_ratio, fx->comp.cmp_th_db, 1 - 1 / fx->comp.exp_ratio,
                    fx->comp.exp_th_db, level_db, NULL);
}
#endif

/* Smoothing step (spec §5.3): from gain g towards f, attack when falling. */
static inline double smooth_step(const VX_R(vx_comp) *c, double g, double f, unsigned char *flag)
{
    double k = c->rt;
    if (f < g)
        k = c->at, *flag |= FLAG_ATTACK;
    g *= 1 - k; /* torchcomp's order of operations */
    return g + k * f;
}

/* curve_gain for samples [t0, t1), four at a time with the vector log and exp (the last
 * few, and vectors with a power below the normal range, one by one). */
VX_CLONES static void curve_tile(VX_R(vx_comp) *c, size_t t0, size_t t1)
{
    const double db_per_ln = 10.0 / M_LN10, ln_per_db = M_LN10 / 20.0;
    size_t t = t0;
    for (; t + VX_V4 <= t1; t += VX_V4) {
        vx_v4d P, L, f;
        memcpy(&P, c->P + t, sizeof P);
        vx_v4m tiny = (vx_v4m)(P < DBL_MIN);
        if (vx_v4_any(&tiny))
            break;
        vx_v4_log(&L, &P);
        L *= db_per_ln; /* 20 log10(sqrt P) */
        vx_v4d gc = c->cs * (c->ct - L), ge = c->es * (c->et - L);
        vx_v4m comp = (vx_v4m)(gc <= ge);
        vx_v4d m = VX_V4SEL(comp, gc, ge), x = m * ln_per_db;
        vx_v4m neg = (vx_v4m)(m < 0);
        vx_v4_exp(&f, &x);
        f = VX_V4SEL(neg, f, (vx_v4d){0} + 1.0);
        vx_v4m flag = neg & ((comp & FLAG_COMP) | (~comp & FLAG_EXP)); /* no branches */
        memcpy(c->L + t, &L, sizeof L);
        memcpy(c->f + t, &f, sizeof f);
        for (int l = 0; l < VX_V4; l++)
            c->flag[t + l] = (unsigned char)flag[l];
    }
    for (; t < t1; t++)
        c->f[t] = curve_gain(c, c->P[t], &c->L[t], &c->flag[t]);
}

/* Detector, static curve and smoothing (spec §5.1-3). The two recursions run in time
 * order; the static curve between them (a log and an exp per sample) runs in parallel. */
static void gain_forward(VX_R(vx_comp) *c, size_t n)
{
    double Pp = 0.0;
    for (size_t t = 0; t < n; t++)
        Pp = c->P[t] = detector_step(c->alpha, Pp, c->e[t]);
#pragma omp parallel for schedule(static)
    for (size_t t = 0; t < n; t += TILE)
        curve_tile(c, t, min_sz(n, t + TILE));
    double *gh = c->gpad + VX_COMP_PAD_LEFT, g = 1.0;
    for (size_t t = 0; t < n; t++)
        gh[t] = g = smooth_step(c, g, c->f[t], &c->flag[t]);
    for (int j = 0; j < VX_COMP_PAD_LEFT; j++)
        c->gpad[j] = gh[0];
    for (int j = 0; j < PAD_RIGHT; j++)
        gh[n + j] = gh[n - 1];
}

/* out[t] = (double)fbuf[t] + offset for the first m samples of a block's inverse transform
 * of spectrum S times conj(K). */
static void block_correlate(const VX_R(vx_comp) *c, block_work *bw, const vx_cpxr *K, double offset,
                            double *out, size_t m)
{
    spec_mul(bw->S, K, 1, 1.0 / BLOCK, bw->X, NBIN);
    VX_R(vx_fft_inverse)(c->plan, bw->X, bw->fbuf);
    for (size_t i = 0; i < m; i++)
        out[i] = (double)bw->fbuf[i] + offset;
}

/* y[t] += sum_{k = lo..hi} h[k] x[t + s k] for t < m (s = 1: correlation, s = -1:
 * convolution; every x index read must exist), each sum in k order before it is added, and
 * with h2, y2 (else NULL) the same for taps h2 on the same x. Sixteen outputs at a time,
 * their sums in registers (vector lanes along t). */
static VX_INLINE void near_taps_n(const double *h, const double *h2, int lo, int hi,
                                  const double *x, long s, double *y, double *y2, size_t m,
                                  int nsets)
{
    typedef double vu __attribute__((vector_size(VX_V4 * sizeof(double)), aligned(8)));
    enum { NV = 4, W = NV * VX_V4 };
    size_t t = 0;
    for (; t + W <= m; t += W) {
        vx_v4d a[NV] = {{0}}, a2[NV] = {{0}};
        for (int k = lo; k <= hi; k++) {
            const double *xk = x + t + s * k;
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++) {
                vx_v4d xv = *(const vu *)(xk + VX_V4 * v);
                a[v] += h[k] * xv;
                if (nsets == 2)
                    a2[v] += h2[k] * xv;
            }
        }
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            for (int l = 0; l < VX_V4; l++) {
                y[t + VX_V4 * v + l] += a[v][l];
                if (nsets == 2)
                    y2[t + VX_V4 * v + l] += a2[v][l];
            }
    }
    for (; t < m; t++) {
        double a = 0, a2 = 0;
        for (int k = lo; k <= hi; k++) {
            a += h[k] * x[t + s * k];
            if (nsets == 2)
                a2 += h2[k] * x[t + s * k];
        }
        y[t] += a;
        if (nsets == 2)
            y2[t] += a2;
    }
}

VX_CLONES static void near_taps(const double *h, const double *h2, int lo, int hi,
                                const double *x, long s, double *y, double *y2, size_t m)
{
    if (h2)
        near_taps_n(h, h2, lo, hi, x, s, y, y2, m, 2);
    else
        near_taps_n(h, NULL, lo, hi, x, s, y, NULL, m, 1);
}

/* out[0] += sum of x[t0..t1) (vx_psum_fn on a double array). */
static void sum_tile(void *ctx, size_t t0, size_t t1, double *out)
{
    const double *x = ctx;
    double s = 0;
    for (size_t t = t0; t < t1; t++)
        s += x[t];
    out[0] += s;
}

/* gla[t] = sum_k w[k] gpad[t + k] (spec §5.4) and dgla[t] = d gla[t] / dl, the same with
 * taps dw: far taps by overlap-save blocks (block b reads gpad[b HOP .. b HOP + BLOCK) and
 * yields outputs b HOP .. (b+1) HOP - 1), then the block's near taps directly; blocks run in
 * parallel. dgla is kept so the backward pass gets dL/dl = sum_t dL/dgla[t] dgla[t] with no
 * long correlation of its own. */
static void lookahead_forward(VX_R(vx_comp) *c, size_t n)
{
    size_t np = n + VX_COMP_TAPS - 1, nblk = (n + HOP - 1) / HOP;
    double mean = 0, wsum = 0, dwsum = 0, wf[VX_COMP_TAPS], dwf[VX_COMP_TAPS];
    vx_psum(np, 1, sum_tile, c->gpad, &mean);
    mean /= (double)np;
    for (int k = 0; k < VX_COMP_TAPS; k++) {
        int near = k >= c->lo && k <= c->hi;
        wf[k] = near ? 0.0 : c->w[k], dwf[k] = near ? 0.0 : c->dw[k];
        wsum += wf[k], dwsum += dwf[k];
    }
#pragma omp parallel
    {
        block_work bw;
#pragma omp sections
        {
#pragma omp section
            block_spectrum(c, &bw, wf, 0.0, VX_COMP_TAPS, c->WF);
#pragma omp section
            block_spectrum(c, &bw, dwf, 0.0, VX_COMP_TAPS, c->DWF);
        }
#pragma omp for schedule(static)
        for (size_t b = 0; b < nblk; b++) {
            size_t t0 = b * HOP, m = min_sz(HOP, n - t0);
            block_spectrum(c, &bw, c->gpad + t0, mean, min_sz(BLOCK, np - t0), bw.S);
            block_correlate(c, &bw, c->WF, mean * wsum, c->gla + t0, m);
            block_correlate(c, &bw, c->DWF, mean * dwsum, c->dgla + t0, m);
            near_taps(c->w, c->dw, c->lo, c->hi, c->gpad + t0, 1, c->gla + t0, c->dgla + t0, m);
        }
    }
}

/* The ranges torchcomp asserts (spec §2), NaN excluded. */
static int params_valid(const vx_fx *fx)
{
    const double v[] = {fx->comp.cmp_th_db, fx->comp.exp_th_db, fx->comp.make_up_db,
                        fx->comp.lookahead_ms};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (!isfinite(v[i]))
            return 0;
    return fx->comp.rms_coef > 0 && fx->comp.rms_coef <= 1 && fx->comp.attack > 0 &&
           fx->comp.attack <= 1 && fx->comp.release > 0 && fx->comp.release <= 1 &&
           fx->comp.cmp_ratio >= 1 && isfinite(fx->comp.cmp_ratio) && fx->comp.exp_ratio > 0 &&
           fx->comp.exp_ratio < 1;
}

/* Parameters of fx->comp into c; -1 with err set when outside torchcomp's ranges. */
static int set_params(VX_R(vx_comp) *c, const vx_fx *fx, vx_err *err)
{
    if (!params_valid(fx))
        return vx_err_set(err, "compressor: a value outside torchcomp's ranges (RMS coefficient, "
                               "attack, release in (0, 1], ratio >= 1, expander ratio in (0, 1))");
    c->alpha = fx->comp.rms_coef, c->at = fx->comp.attack, c->rt = fx->comp.release;
    c->ct = fx->comp.cmp_th_db, c->et = fx->comp.exp_th_db;
    c->cr = fx->comp.cmp_ratio, c->er = fx->comp.exp_ratio;
    c->cs = 1 - 1 / c->cr, c->es = 1 - 1 / c->er;
    c->makeup = pow(10.0, fx->comp.make_up_db / 20.0);
    lookahead_taps(c, fx->comp.lookahead_ms * 0.001 * VX_FS);
    return 0;
}

int VX_R(vx_comp_forward)(VX_R(vx_comp) *c, const vx_fx *fx, const vx_real *e, vx_real *y,
                          size_t n, vx_err *err)
{
    if (n > c->max_len)
        return vx_err_set(err, "compressor: made for at most %zu samples, given %zu", c->max_len, n);
    if (set_params(c, fx, err))
        return -1;
    c->n = n;
    if (n == 0)
        return 0;
    memcpy(c->e, e, n * sizeof *e);
    gain_forward(c, n);
    lookahead_forward(c, n);
    for (size_t t = 0; t < n; t++)
        y[t] = (vx_real)((double)c->e[t] * c->gla[t] * c->makeup);
    return 0;
}

#ifndef VX_REAL_DOUBLE /* streaming (renders): float */
/* Streaming: the recursions carry their state across pushes; smoothed gains queue up in
 * gpad until a block of `block` outputs has its 661 samples of lookahead, then the block
 * goes through lookahead_forward exactly as a whole signal would. */
struct vx_comp_stream {
    vx_comp *c;          /* parameters, taps, and gpad/gla/e as block work memory */
    size_t block;
    double P, g;         /* detector and smoother state */
    size_t queued;       /* gains in c->gpad: from 44 before the first input not yet out */
    size_t inputs;       /* inputs in c->e not yet out; c->e[t] pairs with c->gpad[t + 44] */
    int started;
};

/* The most outputs a stream emits at once: four far-tap blocks. Its work memory (about
 * 60 bytes per output) stays near 2 MB whatever block a caller pushes. */
#define STREAM_EMIT (4 * HOP)

vx_comp_stream *vx_comp_stream_create(const vx_fx *fx, size_t block, vx_err *err)
{
    block = block < STREAM_EMIT ? block : STREAM_EMIT;
    vx_comp_stream *s = calloc(1, sizeof *s);
    if (!s || !(s->c = vx_comp_create(2 * block + VX_COMP_TAPS)))
        vx_err_set(err, "compressor: out of memory");
    if (!s || !s->c || set_params(s->c, fx, err)) {
        vx_comp_stream_free(s);
        return NULL;
    }
    s->block = block;
    s->g = 1.0;
    return s;
}

void vx_comp_stream_free(vx_comp_stream *s)
{
    if (!s)
        return;
    vx_comp_free(s->c);
    free(s);
}

/* Outputs for the first m queued inputs, then both queues move on by m. */
static void stream_emit(vx_comp_stream *s, size_t m, float *y)
{
    vx_comp *c = s->c;
    lookahead_forward(c, m);
    for (size_t t = 0; t < m; t++)
        y[t] = (float)((double)c->e[t] * c->gla[t] * c->makeup);
    memmove(c->gpad, c->gpad + m, (s->queued - m) * sizeof *c->gpad);
    memmove(c->e, c->e + m, (s->inputs - m) * sizeof *c->e);
    s->queued -= m;
    s->inputs -= m;
}

size_t vx_comp_stream_push(vx_comp_stream *s, const float *e, size_t n, float *y)
{
    vx_comp *c = s->c;
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char flag;
        double level;
        s->P = detector_step(c->alpha, s->P, e[i]);
        s->g = smooth_step(c, s->g, curve_gain(c, s->P, &level, &flag), &flag);
        if (!s->started) { /* replicate padding on the left (spec §5.4) */
            for (int j = 0; j < VX_COMP_PAD_LEFT; j++)
                c->gpad[s->queued++] = s->g;
            s->started = 1;
        }
        c->e[s->inputs++] = e[i];
        c->gpad[s->queued++] = s->g;
        if (s->queued >= s->block + VX_COMP_TAPS - 1) {
            stream_emit(s, s->block, y + out);
            out += s->block;
        }
    }
    return out;
}

size_t vx_comp_stream_finish(vx_comp_stream *s, float *y)
{
    if (!s->started)
        return 0;
    size_t m = s->inputs;
    for (int j = 0; j < PAD_RIGHT; j++) /* replicate padding on the right */
        s->c->gpad[s->queued++] = s->g;
    stream_emit(s, m, y);
    return m;
}
#endif

/* gp[j] += sum of the near taps w[k] gg[j - k] over 0 <= j - k < n. */
static void near_edge(const VX_R(vx_comp) *c, const double *gg, double *gp, size_t n, size_t j)
{
    long kmin = (long)j - (long)n + 1 > c->lo ? (long)j - (long)n + 1 : c->lo;
    long kmax = (long)j < c->hi ? (long)j : c->hi;
    double a = 0;
    for (long k = kmin; k <= kmax; k++)
        a += c->w[k] * gg[j - k];
    gp[j] += a;
}

/* Transpose of lookahead_forward's gla: gp[j] = sum_k w[k] gg[j - k] over the padded
 * signal, far taps by overlap-add of the same blocks, near taps gathered per j. */
static void lookahead_backward(VX_R(vx_comp) *c, const double *gg, double *gp, size_t n)
{
    size_t np = n + VX_COMP_TAPS - 1, nblk = (n + HOP - 1) / HOP;
    memset(gp, 0, np * sizeof *gp);
    /* Block b adds to gp[b HOP .. b HOP + BLOCK), which overlaps block b + 1's range: the
     * even blocks in parallel, then the odd ones. */
    for (size_t parity = 0; parity < 2; parity++) {
#pragma omp parallel
        {
            block_work bw;
#pragma omp for schedule(static)
            for (size_t b = parity; b < nblk; b += 2) {
                size_t t0 = b * HOP;
                block_spectrum(c, &bw, gg + t0, 0.0, min_sz(HOP, n - t0), bw.S);
                spec_mul(bw.S, c->WF, 0, 1.0 / BLOCK, bw.X, NBIN);
                VX_R(vx_fft_inverse)(c->plan, bw.X, bw.fbuf);
                for (size_t i = 0, m = min_sz(BLOCK, np - t0); i < m; i++)
                    gp[t0 + i] += bw.fbuf[i];
            }
        }
    }
    /* j in [hi, n + lo) sees every near tap: by tiles; near the ends the taps with j - k
     * outside 0..n-1 are skipped */
    size_t j0 = (size_t)c->hi, j1 = n + (size_t)c->lo > j0 ? n + (size_t)c->lo : j0;
#pragma omp parallel for schedule(static)
    for (size_t j = j0; j < j1; j += TILE)
        near_taps(c->w, NULL, c->lo, c->hi, gg + j, -1, gp + j, NULL, min_sz(TILE, j1 - j));
    for (size_t j = 0; j < j0; j++)
        near_edge(c, gg, gp, n, j);
    for (size_t j = j1; j < np; j++)
        near_edge(c, gg, gp, n, j);
}

/* Through y = e gla makeup: ggla[t] = dL/dgla[t] for t in [t0, t1), and the tile's terms of
 * sum dL/dy e gla and sum ggla dgla into out[0], out[1] (vx_psum_fn). */
typedef struct {
    VX_R(vx_comp) *c;
    const vx_real *gy;
} gla_grad_job;

static void gla_grad_tile(void *ctx, size_t t0, size_t t1, double *out)
{
    gla_grad_job *j = ctx;
    const VX_R(vx_comp) *c = j->c;
    double gmk = 0, gl = 0;
    for (size_t t = t0; t < t1; t++) {
        double gyt = j->gy[t];
        c->ggla[t] = gyt * c->e[t] * c->makeup;
        gmk += gyt * c->e[t] * c->gla[t];
        gl += c->ggla[t] * c->dgla[t];
    }
    out[0] += gmk, out[1] += gl;
}

void VX_R(vx_comp_backward)(VX_R(vx_comp) *c, const vx_real *gy, vx_real *ge, vx_fx *gfx)
{
    size_t n = c->n;
    if (n == 0)
        return;
    double *gg = c->ggla, sums[2]; /* dL/d(make-up gain) / makeup, dL/dl */
    gla_grad_job job = {c, gy};
    vx_psum(n, 2, gla_grad_tile, &job, sums);
    double gmk = sums[0], gl = sums[1];
    lookahead_backward(c, gg, c->work, n);

    /* fold the replicate padding back onto the first and last samples */
    double *gh = c->work + VX_COMP_PAD_LEFT;
    for (int j = 0; j < VX_COMP_PAD_LEFT; j++)
        gh[0] += c->work[j];
    for (int j = 0; j < PAD_RIGHT; j++)
        gh[n - 1] += gh[n + j];

    /* Smoothing and detector adjoints, backwards in time (spec §5.1-3): lam for the
     * smoother with the attack/release choice of the forward pass, mu for the detector. */
    const double *g = c->gpad + VX_COMP_PAD_LEFT;
    const double alpha = c->alpha, db = M_LN10 / 20.0, dbp = 10.0 / M_LN10;
    double lam1 = 0, k1 = 0, mu1 = 0;
    double g_at = 0, g_rt = 0, g_ct = 0, g_et = 0, g_cs = 0, g_es = 0, g_alpha = 0;
    for (size_t t = n; t-- > 0;) {
        unsigned char fl = c->flag[t];
        double lam = gh[t] + (1 - k1) * lam1;
        double k = fl & FLAG_ATTACK ? c->at : c->rt;
        double gk = lam * (c->f[t] - (t ? g[t - 1] : 1.0));
        if (fl & FLAG_ATTACK)
            g_at += gk;
        else
            g_rt += gk;
        double ggdb = k * lam * c->f[t] * db, gL = 0; /* f = 10^(gdb/20) */
        if (fl & FLAG_COMP) {
            g_cs += ggdb * (c->ct - c->L[t]), g_ct += ggdb * c->cs, gL = -ggdb * c->cs;
        } else if (fl & FLAG_EXP) {
            g_es += ggdb * (c->et - c->L[t]), g_et += ggdb * c->es, gL = -ggdb * c->es;
        }
        double mu = gL * dbp / c->P[t] + (1 - alpha) * mu1; /* L = 10 log10 P */
        double e = c->e[t], s = e * e, ges = 0;
        if (s >= SQ_FLOOR)
            ges = alpha * mu * 2 * e;
        else
            s = SQ_FLOOR;
        g_alpha += mu * (s - (t ? c->P[t - 1] : 0.0));
        ge[t] = (vx_real)((double)gy[t] * c->gla[t] * c->makeup + ges);
        lam1 = lam, k1 = k, mu1 = mu;
    }
    gfx->comp.cmp_th_db += g_ct;
    gfx->comp.exp_th_db += g_et;
    gfx->comp.make_up_db += gmk * c->makeup * db;
    gfx->comp.lookahead_ms += gl * 0.001 * VX_FS;
    gfx->comp.attack += g_at;
    gfx->comp.release += g_rt;
    gfx->comp.rms_coef += g_alpha;
    gfx->comp.cmp_ratio += g_cs / (c->cr * c->cr);
    gfx->comp.exp_ratio += g_es / (c->er * c->er);
}
