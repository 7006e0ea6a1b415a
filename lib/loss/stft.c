/* STFT loss terms (spec/pipeline.md §1.3-1.5) with their exact backward pass. Frames are
 * processed in a fixed number of lanes and summed in lane order, and the overlap-add of
 * the backward pass runs in phases of non-overlapping frames, so results do not depend
 * on the thread count. */
#include "loss/stft.h"
#include "loss/vmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define POWER_FLOOR 1e-8f /* |Z|^2 floor: magnitudes never go below 1e-4 (§1.3) */
#define NLANES 64         /* frame ranges summed separately, then in order */
#define ALIGN 64          /* bytes: transformed buffers get FFTW's SIMD plans */
#define MAXBINS (VX_MRSTFT_MAXN / 2 + 1)

typedef struct {
    size_t n, hop, bins, frames;
    size_t stride; /* complex values per stored spectrum: bins rounded up to ALIGN bytes */
    const vx_fft *plan;
    float *win;                  /* periodic Hann, n */
    size_t cache_off, store_off; /* this resolution's part of the caller's buffers */
} res_t;

struct vx_mrstft {
    size_t len, nres, maxn, cache_floats, store_cpx;
    res_t res[VX_MRSTFT_MAXRES];
};

/* A frame of the target cache holds the magnitudes of L, R, L+R, L-R, one row each. */
#define ROWS 4

vx_mrstft *vx_mrstft_create(size_t len, size_t nres, const size_t *nfft, const size_t *hop)
{
    if (nres < 1 || nres > VX_MRSTFT_MAXRES)
        return NULL;
    vx_mrstft *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->len = len;
    m->nres = nres;
    for (size_t r = 0; r < nres; r++) {
        res_t *q = &m->res[r];
        size_t n = nfft[r];
        if (n < 2 || n % 2 || n > VX_MRSTFT_MAXN || hop[r] == 0 || len <= n / 2 ||
            !(q->plan = vx_fft_get(n)) || !(q->win = malloc(n * sizeof *q->win))) {
            vx_mrstft_free(m);
            return NULL;
        }
        q->n = n, q->hop = hop[r], q->bins = n / 2 + 1, q->frames = 1 + len / hop[r];
        const size_t per = ALIGN / sizeof(vx_cpx);
        q->stride = (q->bins + per - 1) / per * per;
        for (size_t j = 0; j < n; j++)
            q->win[j] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * (double)j / (double)n));
        q->cache_off = m->cache_floats;
        q->store_off = m->store_cpx;
        m->cache_floats += ROWS * q->bins * q->frames;
        m->store_cpx += 2 * q->stride * q->frames;
        if (n > m->maxn)
            m->maxn = n;
    }
    return m;
}

void vx_mrstft_free(vx_mrstft *m)
{
    if (!m)
        return;
    for (size_t r = 0; r < m->nres; r++)
        free(m->res[r].win);
    free(m);
}

size_t vx_mrstft_cells(const vx_mrstft *m, size_t r) { return m->res[r].bins * m->res[r].frames; }
size_t vx_mrstft_cache_floats(const vx_mrstft *m) { return m->cache_floats; }
size_t vx_mrstft_store_cpx(const vx_mrstft *m) { return m->store_cpx; }
size_t vx_mrstft_scratch_floats(const vx_mrstft *m) { return 2 * (m->len + m->maxn); }

/* Centred reflect padding (§1.3): x[-i] = x[i], x[len-1+i] = x[len-1-i]. */
static inline size_t reflect(ptrdiff_t i, size_t len)
{
    return i < 0 ? (size_t)-i : (size_t)i >= len ? 2 * (len - 1) - (size_t)i : (size_t)i;
}

/* Spectrum Z (bins) of windowed frame f of x; buf holds n floats. */
static void frame_fft(const res_t *q, const float *x, size_t len, size_t f, float *buf,
                      vx_cpx *z)
{
    ptrdiff_t start = (ptrdiff_t)(f * q->hop) - (ptrdiff_t)(q->n / 2);
    const float *restrict win = q->win;
    if (start >= 0 && (size_t)start + q->n <= len) {
        const float *restrict src = x + start;
#pragma omp simd /* -O2 leaves it scalar (unknown trip count): a fifth of a frame's cost */
        for (size_t j = 0; j < q->n; j++)
            buf[j] = win[j] * src[j];
    } else
        for (size_t j = 0; j < q->n; j++)
            buf[j] = win[j] * x[reflect(start + (ptrdiff_t)j, len)];
    vx_fft_forward(q->plan, buf, z);
}

/* Adjoint of frame_fft: adds the windowed inverse transform of gradient spectrum g
 * (destroyed) to the padded-domain accumulator pad at the frame's position. */
static void frame_adjoint(const res_t *q, size_t f, vx_cpx *g, float *buf, float *pad)
{
    vx_fft_inverse(q->plan, g, buf);
    float *restrict dst = pad + f * q->hop;
    const float *restrict win = q->win, *restrict src = buf;
#pragma omp simd
    for (size_t j = 0; j < q->n; j++)
        dst[j] += win[j] * src[j];
}

/* Adjoint of the reflect padding: padded index p holds sample p - n/2. */
static void fold_padding(const res_t *q, const float *pad, size_t len, float *g)
{
    size_t h = q->n / 2;
    for (size_t t = 0; t < len; t++)
        g[t] += pad[t + h];
    for (size_t p = 0; p < h; p++)
        g[h - p] += pad[p];
    for (size_t p = len + h; p < len + q->n; p++)
        g[2 * (len - 1) - (p - h)] += pad[p];
}

/* max(p, 1e-8) for p >= 0, as a max of bit patterns (non-negative floats order like
 * their bits): a float select here would stop the bin loops from vectorising. */
static inline float floored(float p)
{
    vx_f32bits v = {p}, f = {POWER_FLOOR};
    v.u = v.u < f.u ? f.u : v.u;
    return v.f;
}

/* Powers |Z|^2 of the four rows L, R, L+R, L-R of bin k, written out one by one (no loop
 * over rows) so that the bin loops below vectorise. */
static inline void row_powers(const vx_cpx *zl, const vx_cpx *zr, size_t k, float *pl, float *pr,
                              float *ps, float *pd)
{
    float lr = zl[k].re, li = zl[k].im, rr = zr[k].re, ri = zr[k].im;
    float sr = lr + rr, si = li + ri, dr = lr - rr, di = li - ri;
    *pl = lr * lr + li * li, *pr = rr * rr + ri * ri;
    *ps = sr * sr + si * si, *pd = dr * dr + di * di;
}

/* Floored magnitude sqrt(max(p, 1e-8)) (§1.3). */
static inline float magnitude(float p)
{
    float pf = floored(p);
    return pf * vx_rsqrtf(pf);
}

/* Target magnitudes of one frame into y (ROWS x bins) and their sums of squares into
 * den (the frame's part of each group's sum). */
VX_SIMD_CLONES static void frame_target(size_t nb, const vx_cpx *zl, const vx_cpx *zr, float *y,
                                        float den[3])
{
    float d0 = 0, d1 = 0, d2 = 0;
#pragma omp simd reduction(+ : d0, d1, d2)
    for (size_t k = 0; k < nb; k++) {
        float pl, pr, ps, pd;
        row_powers(zl, zr, k, &pl, &pr, &ps, &pd);
        float ml = magnitude(pl), mr = magnitude(pr), ms = magnitude(ps), md = magnitude(pd);
        y[k] = ml, y[nb + k] = mr, y[2 * nb + k] = ms, y[3 * nb + k] = md;
        d0 += ml * ml + mr * mr, d1 += ms * ms, d2 += md * md;
    }
    den[VX_MRSTFT_LR] = d0, den[VX_MRSTFT_SUM] = d1, den[VX_MRSTFT_DIFF] = d2;
}

/* (Y - X)^2 of one element with power p and target magnitude y. X is rounded exactly as
 * the target's magnitudes are, so a prediction equal to its target scores exactly 0. */
static inline float error_sq(float p, float y)
{
    float e = y - magnitude(p);
    return e * e;
}

/* (Y - X)^2 and |ln X - ln Y| of one element added to sq and lg. */
static inline void element(float p, float y, float *sq, float *lg)
{
    *sq += error_sq(p, y);
    *lg += fabsf(vx_logf(magnitude(p) / y));
}

/* num and lm of one frame (§1.3) against target magnitudes y (ROWS x bins): the frame's
 * part of each group's sums. */
VX_SIMD_CLONES static void frame_sums(size_t nb, const vx_cpx *zl, const vx_cpx *zr,
                                      const float *y, float num[3], float lm[3])
{
    const float *yl = y, *yr = y + nb, *ys = y + 2 * nb, *yd = y + 3 * nb;
    float n0 = 0, n1 = 0, n2 = 0, l0 = 0, l1 = 0, l2 = 0;
#pragma omp simd reduction(+ : n0, n1, n2, l0, l1, l2)
    for (size_t k = 0; k < nb; k++) {
        float pl, pr, ps, pd;
        row_powers(zl, zr, k, &pl, &pr, &ps, &pd);
        element(pl, yl[k], &n0, &l0);
        element(pr, yr[k], &n0, &l0);
        element(ps, ys[k], &n1, &l1);
        element(pd, yd[k], &n2, &l2);
    }
    num[VX_MRSTFT_LR] = n0, num[VX_MRSTFT_SUM] = n1, num[VX_MRSTFT_DIFF] = n2;
    lm[VX_MRSTFT_LR] = l0, lm[VX_MRSTFT_SUM] = l1, lm[VX_MRSTFT_DIFF] = l2;
}

/* num alone of one frame (the first pass of a fit needs no log-magnitude sums): the
 * values frame_sums gives, without its logarithms. */
VX_SIMD_CLONES static void frame_num(size_t nb, const vx_cpx *zl, const vx_cpx *zr,
                                     const float *y, float num[3])
{
    const float *yl = y, *yr = y + nb, *ys = y + 2 * nb, *yd = y + 3 * nb;
    float n0 = 0, n1 = 0, n2 = 0;
#pragma omp simd reduction(+ : n0, n1, n2)
    for (size_t k = 0; k < nb; k++) {
        float pl, pr, ps, pd;
        row_powers(zl, zr, k, &pl, &pr, &ps, &pd);
        n0 += error_sq(pl, yl[k]);
        n0 += error_sq(pr, yr[k]);
        n1 += error_sq(ps, ys[k]), n2 += error_sq(pd, yd[k]);
    }
    num[VX_MRSTFT_LR] = n0, num[VX_MRSTFT_SUM] = n1, num[VX_MRSTFT_DIFF] = n2;
}

/* (dL/dX) / X for one element: sc (1 - Y/X) + lm sign(X - Y) / X^2, and 0 where the
 * power floor holds (the clamp passes no gradient). Sign and gate are integer masks:
 * float selects here would stop the bin loop from vectorising. */
static inline float grad_coef(float p, float y, float sc, float lm)
{
    float r = vx_rsqrtf(floored(p)), x = p * r;
    int32_t sgn = (x > y) - (x < y); /* sign(ln X - ln Y), 0 when equal */
    vx_f32bits c = {sc * (1.0f - y * r) + lm * (float)sgn * r * r};
    c.u &= 0u - (uint32_t)(p >= POWER_FLOOR);
    return c.f;
}

/* Gradient of bin k from its rows' coefficients c: dL/dZ = (dL/dX / X) Z per row, rows
 * L+R and L-R sent back to L and R, halved: G_L = c_L Z_L + c_S (Z_L + Z_R) + c_D (Z_L -
 * Z_R) and G_R = c_R Z_R + c_S (Z_L + Z_R) - c_D (Z_L - Z_R), both cross terms (c_S - c_D). */
static inline void bin_grad(const vx_cpx *zl, const vx_cpx *zr, size_t k, float cl, float cr,
                            float cs, float cd, vx_cpx *gl, vx_cpx *gr)
{
    float al = 0.5f * (cl + cs + cd), ar = 0.5f * (cr + cs + cd), ax = 0.5f * (cs - cd);
    float lr = zl[k].re, li = zl[k].im, rr = zr[k].re, ri = zr[k].im;
    gl[k].re = al * lr + ax * rr, gl[k].im = al * li + ax * ri;
    gr[k].re = ar * rr + ax * lr, gr[k].im = ar * ri + ax * li;
}

/* DC and Nyquist un-halved: the adjoint of a one-sided real FFT, whose unnormalised
 * inverse counts the interior bins twice. */
static void edges_twice(size_t nb, vx_cpx *gl, vx_cpx *gr)
{
    const size_t once[2] = {0, nb - 1};
    for (int i = 0; i < 2; i++) {
        size_t k = once[i];
        gl[k].re *= 2, gl[k].im *= 2, gr[k].re *= 2, gr[k].im *= 2;
    }
}

/* The coefficients of frame_grad and frame_sums_grad: float, per group. */
typedef struct {
    float sc[3], lm[3];
} grad_factors;

/* Gradient spectra gl, gr of one frame (bin_grad at every bin). */
VX_SIMD_CLONES static void frame_grad(size_t nb, const vx_cpx *zl, const vx_cpx *zr,
                                      const float *y, const grad_factors *c, vx_cpx *gl,
                                      vx_cpx *gr)
{
    const float *yl = y, *yr = y + nb, *ys = y + 2 * nb, *yd = y + 3 * nb;
    const float sc_lr = c->sc[VX_MRSTFT_LR], sc_s = c->sc[VX_MRSTFT_SUM], sc_d = c->sc[VX_MRSTFT_DIFF];
    const float lm_lr = c->lm[VX_MRSTFT_LR], lm_s = c->lm[VX_MRSTFT_SUM], lm_d = c->lm[VX_MRSTFT_DIFF];
#pragma omp simd
    for (size_t k = 0; k < nb; k++) {
        float pl, pr, ps, pd;
        row_powers(zl, zr, k, &pl, &pr, &ps, &pd);
        bin_grad(zl, zr, k, grad_coef(pl, yl[k], sc_lr, lm_lr), grad_coef(pr, yr[k], sc_lr, lm_lr),
                 grad_coef(ps, ys[k], sc_s, lm_s), grad_coef(pd, yd[k], sc_d, lm_d), gl, gr);
    }
    edges_twice(nb, gl, gr);
}

/* frame_sums and frame_grad in one pass over the bins (the powers formed once), the same
 * values: the second pass of a fit, whose factors are known before its forward. */
VX_SIMD_CLONES static void frame_sums_grad(size_t nb, const vx_cpx *zl, const vx_cpx *zr,
                                           const float *y, const grad_factors *c,
                                           float num[3], float lm[3], vx_cpx *gl, vx_cpx *gr)
{
    const float *yl = y, *yr = y + nb, *ys = y + 2 * nb, *yd = y + 3 * nb;
    const float sc_lr = c->sc[VX_MRSTFT_LR], sc_s = c->sc[VX_MRSTFT_SUM], sc_d = c->sc[VX_MRSTFT_DIFF];
    const float lm_lr = c->lm[VX_MRSTFT_LR], lm_s = c->lm[VX_MRSTFT_SUM], lm_d = c->lm[VX_MRSTFT_DIFF];
    float n0 = 0, n1 = 0, n2 = 0, l0 = 0, l1 = 0, l2 = 0;
#pragma omp simd reduction(+ : n0, n1, n2, l0, l1, l2)
    for (size_t k = 0; k < nb; k++) {
        float pl, pr, ps, pd;
        row_powers(zl, zr, k, &pl, &pr, &ps, &pd);
        element(pl, yl[k], &n0, &l0);
        element(pr, yr[k], &n0, &l0);
        element(ps, ys[k], &n1, &l1);
        element(pd, yd[k], &n2, &l2);
        bin_grad(zl, zr, k, grad_coef(pl, yl[k], sc_lr, lm_lr), grad_coef(pr, yr[k], sc_lr, lm_lr),
                 grad_coef(ps, ys[k], sc_s, lm_s), grad_coef(pd, yd[k], sc_d, lm_d), gl, gr);
    }
    num[VX_MRSTFT_LR] = n0, num[VX_MRSTFT_SUM] = n1, num[VX_MRSTFT_DIFF] = n2;
    lm[VX_MRSTFT_LR] = l0, lm[VX_MRSTFT_SUM] = l1, lm[VX_MRSTFT_DIFF] = l2;
    edges_twice(nb, gl, gr);
}

/* Frames [first, end) of lane `lane` out of NLANES. */
static void lane_frames(size_t frames, size_t lane, size_t *first, size_t *end)
{
    *first = frames * lane / NLANES;
    *end = frames * (lane + 1) / NLANES;
}

/* out = the per-lane sums of each group added in lane order. */
static void sum_lanes(double lane[NLANES][3], double out[3])
{
    for (int g = 0; g < 3; g++) {
        out[g] = 0;
        for (size_t i = 0; i < NLANES; i++)
            out[g] += lane[i][g];
    }
}

/* A frame's parts of the sums of each group. */
typedef struct {
    float den[3], num[3], lm[3];
} frame_part;

/* Per-lane sums of the frame parts of one resolution. */
typedef struct {
    double den[NLANES][3], num[NLANES][3], lm[NLANES][3];
} lane_sums;

static void add_part(lane_sums *ls, size_t lane, const frame_part *p)
{
    for (int g = 0; g < 3; g++) {
        ls->den[lane][g] += p->den[g];
        ls->num[lane][g] += p->num[g];
        ls->lm[lane][g] += p->lm[g];
    }
}

void vx_mrstft_target(const vx_mrstft *m, const float *yl, const float *yr, float *cache,
                      vx_mrstft_sums *s)
{
    for (size_t r = 0; r < m->nres; r++) {
        const res_t *q = &m->res[r];
        lane_sums ls = {0};
#pragma omp parallel for schedule(dynamic)
        for (size_t lane = 0; lane < NLANES; lane++) {
            _Alignas(ALIGN) float buf[VX_MRSTFT_MAXN];
            _Alignas(ALIGN) vx_cpx zl[MAXBINS], zr[MAXBINS];
            size_t f0, f1;
            lane_frames(q->frames, lane, &f0, &f1);
            for (size_t f = f0; f < f1; f++) {
                frame_part p = {0};
                frame_fft(q, yl, m->len, f, buf, zl);
                frame_fft(q, yr, m->len, f, buf, zr);
                frame_target(q->bins, zl, zr, cache + q->cache_off + f * ROWS * q->bins, p.den);
                add_part(&ls, lane, &p);
            }
        }
        sum_lanes(ls.den, s->den[r]);
    }
}

void vx_mrstft_forward(const vx_mrstft *m, const float *xl, const float *xr, const float *cache,
                       vx_cpx *store, vx_mrstft_sums *s)
{
    for (size_t r = 0; r < m->nres; r++) {
        const res_t *q = &m->res[r];
        lane_sums ls = {0};
#pragma omp parallel for schedule(dynamic)
        for (size_t lane = 0; lane < NLANES; lane++) {
            _Alignas(ALIGN) float buf[VX_MRSTFT_MAXN];
            _Alignas(ALIGN) vx_cpx fl[MAXBINS], fr[MAXBINS]; /* without a store */
            size_t f0, f1;
            lane_frames(q->frames, lane, &f0, &f1);
            for (size_t f = f0; f < f1; f++) {
                frame_part p = {0};
                vx_cpx *zl = store ? store + q->store_off + 2 * f * q->stride : fl;
                vx_cpx *zr = store ? zl + q->stride : fr;
                frame_fft(q, xl, m->len, f, buf, zl);
                frame_fft(q, xr, m->len, f, buf, zr);
                frame_sums(q->bins, zl, zr, cache + q->cache_off + f * ROWS * q->bins, p.num, p.lm);
                add_part(&ls, lane, &p);
            }
        }
        sum_lanes(ls.num, s->num[r]);
        sum_lanes(ls.lm, s->lm[r]);
    }
}

/* Target magnitudes y (ROWS x bins) and their sums of squares of frame f at resolution q,
 * then the prediction's spectra in zl, zr: what each frame's sums start from. */
static void frame_both(const res_t *q, const float *xl, const float *xr, const float *yl,
                       const float *yr, size_t len, size_t f, float *buf, vx_cpx *zl,
                       vx_cpx *zr, float *y, frame_part *p)
{
    frame_fft(q, yl, len, f, buf, zl);
    frame_fft(q, yr, len, f, buf, zr);
    frame_target(q->bins, zl, zr, y, p->den);
    frame_fft(q, xl, len, f, buf, zl);
    frame_fft(q, xr, len, f, buf, zr);
}

/* vx_mrstft_compare, and without logs vx_mrstft_norms. */
static void compare(const vx_mrstft *m, const float *xl, const float *xr, const float *yl,
                    const float *yr, vx_mrstft_sums *s, int logs)
{
    for (size_t r = 0; r < m->nres; r++) {
        const res_t *q = &m->res[r];
        lane_sums ls = {0};
#pragma omp parallel for schedule(dynamic)
        for (size_t lane = 0; lane < NLANES; lane++) {
            _Alignas(ALIGN) float buf[VX_MRSTFT_MAXN];
            _Alignas(ALIGN) vx_cpx zl[MAXBINS], zr[MAXBINS];
            float y[ROWS * MAXBINS];
            size_t f0, f1;
            lane_frames(q->frames, lane, &f0, &f1);
            for (size_t f = f0; f < f1; f++) {
                frame_part p = {0};
                frame_both(q, xl, xr, yl, yr, m->len, f, buf, zl, zr, y, &p);
                if (logs)
                    frame_sums(q->bins, zl, zr, y, p.num, p.lm);
                else
                    frame_num(q->bins, zl, zr, y, p.num);
                add_part(&ls, lane, &p);
            }
        }
        sum_lanes(ls.num, s->num[r]);
        sum_lanes(ls.lm, s->lm[r]);
        sum_lanes(ls.den, s->den[r]);
    }
}

void vx_mrstft_compare(const vx_mrstft *m, const float *xl, const float *xr, const float *yl,
                       const float *yr, vx_mrstft_sums *s)
{
    compare(m, xl, xr, yl, yr, s, 1);
}

void vx_mrstft_norms(const vx_mrstft *m, const float *xl, const float *xr, const float *yl,
                     const float *yr, vx_mrstft_sums *s)
{
    compare(m, xl, xr, yl, yr, s, 0);
}

/* The frames of resolution q fall in phases whose frames never overlap: frames phase,
 * phase + stride, ... (what lets each phase's overlap-add run in parallel). */
static size_t phase_stride(const res_t *q) { return (q->n + q->hop - 1) / q->hop; }
static size_t phase_count(const res_t *q, size_t phase, size_t stride)
{
    return q->frames > phase ? (q->frames - phase + stride - 1) / stride : 0;
}

size_t vx_mrstft_stream_floats(const vx_mrstft *m)
{
    size_t frames = 0;
    for (size_t r = 0; r < m->nres; r++)
        frames = m->res[r].frames > frames ? m->res[r].frames : frames;
    return vx_mrstft_scratch_floats(m) + frames * sizeof(frame_part) / sizeof(float);
}

/* A resolution's backward set-up: its factors in float and its zeroed padded gradients. */
static void backward_setup(const vx_mrstft *m, const vx_mrstft_coefs *k, size_t r,
                           grad_factors *c, float *padl, float *padr)
{
    for (int g = 0; g < 3; g++)
        c->sc[g] = (float)k->sc[r][g], c->lm[g] = (float)k->lm[r][g];
    memset(padl, 0, (m->len + m->res[r].n) * sizeof *padl);
    memset(padr, 0, (m->len + m->res[r].n) * sizeof *padr);
}

void vx_mrstft_forward_backward(const vx_mrstft *m, const float *xl, const float *xr,
                                const float *yl, const float *yr, const vx_mrstft_coefs *k,
                                float *scratch, vx_mrstft_sums *s, float *gl, float *gr)
{
    float *padl = scratch, *padr = scratch + m->len + m->maxn;
    frame_part *part = (frame_part *)(padr + m->len + m->maxn);
    memset(gl, 0, m->len * sizeof *gl);
    memset(gr, 0, m->len * sizeof *gr);
    for (size_t r = 0; r < m->nres; r++) {
        const res_t *q = &m->res[r];
        grad_factors c;
        backward_setup(m, k, r, &c, padl, padr);
        size_t stride = phase_stride(q);
        for (size_t phase = 0; phase < stride; phase++) {
            size_t count = phase_count(q, phase, stride);
#pragma omp parallel for schedule(static)
            for (size_t i = 0; i < count; i++) {
                size_t f = phase + i * stride;
                _Alignas(ALIGN) float buf[VX_MRSTFT_MAXN];
                _Alignas(ALIGN) vx_cpx zl[MAXBINS], zr[MAXBINS], dl[MAXBINS], dr[MAXBINS];
                float y[ROWS * MAXBINS];
                frame_part *p = &part[f];
                frame_both(q, xl, xr, yl, yr, m->len, f, buf, zl, zr, y, p);
                frame_sums_grad(q->bins, zl, zr, y, &c, p->num, p->lm, dl, dr);
                frame_adjoint(q, f, dl, buf, padl);
                frame_adjoint(q, f, dr, buf, padr);
            }
        }
        /* the frames' sums in the lanes of vx_mrstft_forward: the same values */
        lane_sums ls = {0};
        for (size_t lane = 0; lane < NLANES; lane++) {
            size_t f0, f1;
            lane_frames(q->frames, lane, &f0, &f1);
            for (size_t f = f0; f < f1; f++)
                add_part(&ls, lane, &part[f]);
        }
        sum_lanes(ls.num, s->num[r]);
        sum_lanes(ls.lm, s->lm[r]);
        sum_lanes(ls.den, s->den[r]);
        fold_padding(q, padl, m->len, gl);
        fold_padding(q, padr, m->len, gr);
    }
}

void vx_mrstft_backward(const vx_mrstft *m, const vx_cpx *store, const float *cache,
                        const vx_mrstft_coefs *k, float *scratch, float *gl, float *gr)
{
    float *padl = scratch, *padr = scratch + m->len + m->maxn;
    memset(gl, 0, m->len * sizeof *gl);
    memset(gr, 0, m->len * sizeof *gr);
    for (size_t r = 0; r < m->nres; r++) {
        const res_t *q = &m->res[r];
        grad_factors c;
        backward_setup(m, k, r, &c, padl, padr);
        size_t stride = phase_stride(q);
        for (size_t phase = 0; phase < stride; phase++) {
            size_t count = phase_count(q, phase, stride);
#pragma omp parallel for schedule(static)
            for (size_t i = 0; i < count; i++) {
                size_t f = phase + i * stride;
                _Alignas(ALIGN) float buf[VX_MRSTFT_MAXN];
                _Alignas(ALIGN) vx_cpx dl[MAXBINS], dr[MAXBINS];
                const vx_cpx *zl = store + q->store_off + 2 * f * q->stride, *zr = zl + q->stride;
                frame_grad(q->bins, zl, zr, cache + q->cache_off + f * ROWS * q->bins, &c, dl,
                           dr);
                frame_adjoint(q, f, dl, buf, padl);
                frame_adjoint(q, f, dr, buf, padr);
            }
        }
        fold_padding(q, padl, m->len, gl);
        fold_padding(q, padr, m->len, gr);
    }
}
