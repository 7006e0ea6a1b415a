/* Frequency-sampled FDN (spec/effects.md §7a): per bin k, H_k = c (D_k^-1 - U Gamma_k)^-1 b
 * solved in double with partial-pivot LU, four inverse FFTs, then the 4-band EQ along time.
 * The backward pass recomputes each bin's factorisation: storing them would take 150 MB.
 * A forward-only workspace (renders) keeps nothing for a backward pass: 16 len bytes.
 * Responses, spectra and transforms in vx_real: compiled again in double by fdn_d.c
 * (dsp/real.h); forward-only workspaces (renders) in float only. */
/* Fused multiply-adds where the ISA has them (the AVX2 clones): -std=c11 turns contraction
 * off, and the per-bin solves are mostly multiply-adds. */
#pragma GCC optimize("fp-contract=fast")
#include "fx/fdn.h"

#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/expm.h"
#include "dsp/fft.h"
#include "dsp/simd4.h"
#include "fx/peq.h"

#define NL VX_FDN_LINES
#define NG VX_FDN_GAMMAS
#define NIR 4     /* responses, index 2 o + i */
#define VW VX_V4  /* bins per vector: one lane per bin */
#define CHUNK 128 /* bins per exact phase restart; the rotation recurrence drifts ~1e-16/step */
/* per-thread gradient accumulators: U, gamma, b, c */
#define ACC_U 0
#define ACC_G (ACC_U + NL * NL)
#define ACC_B (ACC_G + NG)
#define ACC_C (ACC_B + NL * 2)
#define NACC (ACC_C + 2 * NL)

#ifndef VX_REAL_DOUBLE /* one definition */
const int vx_fdn_delays[NL] = {997, 1153, 1327, 1559, 1801, 2099};
#endif

struct VX_R(vx_fdn) {
    size_t len, nbins;
    size_t stride;                 /* bins from one spectrum in spec[] to the next */
    const vx_fft *plan;
    int nthreads;
    int f32_grid;                  /* see vx_fdn_set_f32_grid */
    double rot_re[NL], rot_im[NL]; /* e^{j 2 pi VW d_i / len}: one vector step of line i */
    float (*f32_phase)[NL][2][VW]; /* per vector of bins: cos, sin of the float32 grid's
                                      phases, which do not depend on the parameters (NULL
                                      forward-only: computed where used) */
    double expo[NL];               /* d_i / 997 (spec §7a step 2) */
    vx_cpxr *spec[NIR];            /* nbins each: H / len before the inverse FFT, then the
                                      spectra of the gradients in the backward pass */
    vx_real *pre[NIR];             /* len each: responses before the EQ, then their gradients
                                      (NULL forward-only: the outputs hold them) */
#ifdef VX_REAL_DOUBLE
    vx_peq_d *eq[NIR];             /* the 4-band EQ of each response (eq_create) */
#else
    vx_peq *eq;                    /* the 4-band EQ of the four responses, one per lane,
                                      with its saved signals (NULL forward-only) */
#endif
    double *acc;                   /* nthreads x NACC partial gradients */
    /* parameters of the last forward; ready says there was one */
    int ready;
    double s[NL * NL], u[NL * NL];
    double b[NL][2], c[2][NL], gamma[NG];
    vx_band bands[VX_FDNEQ_BANDS];
};

/* The per-bin work runs on VW bins at once, one per vector lane (dsp/simd4.h), with
 * per-lane pivoting by masks; short names for its types. */
typedef vx_v4d vd;
typedef vx_v4m vm;
#define VSEL VX_V4SEL
#define VABS VX_V4ABS

/* The per-bin loops are short with constant trip counts: fully unrolled, the compiler
 * keeps more in registers and schedules across them (a quarter less time than -O2's
 * choice, for ten times the code). */
#define UNROLL _Pragma("GCC unroll 8")

static VX_INLINE void vswap(const vm *m, vd *a, vd *b)
{
    vd t = *a;
    *a = VSEL(*m, *b, t);
    *b = VSEL(*m, t, *b);
}

/* (xr + j xi) -= (ar + j ai)(br + j bi), and with conj(a): two fused multiply-adds each
 * part (written as one difference of products, GCC forms a product, a fused one and a
 * subtraction). */
static VX_INLINE void cmsub(vd *xr, vd *xi, vd ar, vd ai, vd br, vd bi)
{
    *xr = *xr - ar * br + ai * bi;
    *xi = *xi - ar * bi - ai * br;
}

static VX_INLINE void cmsub_conj(vd *xr, vd *xi, vd ar, vd ai, vd br, vd bi)
{
    *xr = *xr - ar * br - ai * bi;
    *xi = *xi - ar * bi + ai * br;
}

/* The bins of one vector: k (the last bin repeated past the end, those lanes discarded),
 * and gamma-bar with the two gammas it mixes (i0, i0 + 1, weights 1 - lam, lam). */
typedef struct {
    size_t k[VW];
    int n;
    int i0[VW];
    double lam[VW];
    vd gbar;
} fdn_lanes;

/* The solves of VW bins: LU factors of M = D^-1 - U Gamma (LAPACK layout: unit-lower L
 * below the diagonal, rows swapped as piv says), 1/U_jj, Gamma and X = M^-1 b. */
typedef struct {
    vd mr[NL][NL], mi[NL][NL];
    vd dr[NL], di[NL];
    vm piv[NL];
    vd g[NL];
    vd xr[NL][2], xi[NL][2];
} fdn_bins;

/* Vectors of VW bins that cover the spectrum. */
static size_t nvectors(const VX_R(vx_fdn) *f) { return (f->nbins + VW - 1) / VW; }

/* The float32 grid as torch computes it, arange(F) / L * 2 * pi, times d_i, and the cos
 * and sin of that float phase, for the bins of vector v (the last one repeated past the
 * end). */
static float f32_omega(const VX_R(vx_fdn) *f, size_t k)
{
    float w = (float)k / (float)f->len;
    w = w * 2.0f;
    return w * (float)M_PI;
}

static void f32_phase_of(const VX_R(vx_fdn) *f, size_t v, float z[NL][2][VW])
{
    for (int l = 0; l < VW; l++) {
        size_t k = v * VW + l < f->nbins ? v * VW + l : f->nbins - 1;
        float w = f32_omega(f, k);
        for (int i = 0; i < NL; i++) {
            float ph = w * (float)vx_fdn_delays[i];
            z[i][0][l] = cosf(ph);
            z[i][1][l] = sinf(ph);
        }
    }
}

static void fill_f32_phase(VX_R(vx_fdn) *f)
{
    const size_t nv = nvectors(f);
#pragma omp parallel for schedule(static) num_threads(f->nthreads)
    for (size_t v = 0; v < nv; v++)
        f32_phase_of(f, v, f->f32_phase[v]);
}

/* The 4-band EQ of the four responses: a four-lane float cascade, or in the double build
 * four double ones (vx_peq_d filters one signal at a time). */
static int eq_create(VX_R(vx_fdn) *f)
{
#ifdef VX_REAL_DOUBLE
    int ok = 1;
    for (int j = 0; j < NIR; j++)
        ok &= (f->eq[j] = vx_peq_create_d(vx_peq_fdn_kinds, VX_FDNEQ_BANDS, f->len)) != NULL;
    return ok;
#else
    return (f->eq = vx_peq_create4(vx_peq_fdn_kinds, VX_FDNEQ_BANDS, f->len)) != NULL;
#endif
}

static void eq_free(VX_R(vx_fdn) *f)
{
#ifdef VX_REAL_DOUBLE
    for (int j = 0; j < NIR; j++)
        vx_peq_free_d(f->eq[j]);
#else
    vx_peq_free(f->eq);
#endif
}

/* 1 for a full workspace, 0 for a forward-only one (which has no EQ object). */
static int has_backward(const VX_R(vx_fdn) *f)
{
#ifdef VX_REAL_DOUBLE
    return f->eq[0] != NULL;
#else
    return f->eq != NULL;
#endif
}

/* ir = the EQ of pre (cannot fail: len is its capacity). */
static void eq_forward(VX_R(vx_fdn) *f, vx_real *const ir[NIR])
{
#ifdef VX_REAL_DOUBLE
#pragma omp parallel for schedule(static) num_threads(f->nthreads)
    for (int j = 0; j < NIR; j++)
        (void)vx_peq_forward_d(f->eq[j], f->bands, f->pre[j], ir[j], f->len, NULL);
#else
    (void)vx_peq_forward4(f->eq, f->bands, (const float *const *)f->pre, ir, f->len, NULL);
#endif
}

/* pre = dL/d(pre) from g = dL/d(ir); the band gradients ADDED to gb. */
static void eq_backward(VX_R(vx_fdn) *f, const vx_real *const g[NIR], vx_band *gb)
{
#ifdef VX_REAL_DOUBLE
    vx_band part[NIR][VX_FDNEQ_BANDS];
    memset(part, 0, sizeof part);
#pragma omp parallel for schedule(static) num_threads(f->nthreads)
    for (int j = 0; j < NIR; j++)
        vx_peq_backward_d(f->eq[j], g[j], f->pre[j], part[j]);
    for (int j = 0; j < NIR; j++) /* in a fixed order */
        for (int q = 0; q < VX_FDNEQ_BANDS; q++)
            gb[q].gain_db += part[j][q].gain_db, gb[q].freq_hz += part[j][q].freq_hz,
                gb[q].q += part[j][q].q;
#else
    vx_peq_backward4(f->eq, g, f->pre, gb);
#endif
}

static VX_R(vx_fdn) *create(size_t len, int forward_only)
{
    if (len < 4 || len % 2)
        return NULL;
    VX_R(vx_fdn) *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->len = len;
    f->f32_grid = sizeof(vx_real) == sizeof(float); /* see vx_fdn_set_f32_grid */
    f->nbins = len / 2 + 1;
    /* Forward-only, every spectrum starts at a vector boundary, so that the four inverse
     * transforms take FFTW's aligned plan (spectra 1 and 3 of an odd bin count would need
     * a second plan, unaligned: planned for as long as a transform, run 2.5 times slower).
     * The full workspace keeps the layout that the fits' figures were measured with. */
    f->stride = forward_only ? (f->nbins + 7) / 8 * 8 : f->nbins;
    f->plan = VX_R(vx_fft_get)(len);
    f->nthreads = omp_get_max_threads();
    /* the four spectra in one block: forward-only, it is the EQ's work memory afterwards */
    vx_cpxr *spec = vx_fft_alloc(NIR * f->stride * sizeof *spec);
    int ok = f->plan && spec;
    for (int j = 0; ok && j < NIR; j++)
        f->spec[j] = spec + j * f->stride;
    if (!forward_only) {
        f->acc = malloc((size_t)f->nthreads * NACC * sizeof *f->acc);
        if (f->f32_grid)
            f->f32_phase = vx_fft_alloc(nvectors(f) * sizeof *f->f32_phase);
        ok = ok && f->acc && (f->f32_phase || !f->f32_grid) && eq_create(f);
        for (int j = 0; ok && j < NIR; j++)
            ok = (f->pre[j] = vx_fft_alloc(len * sizeof *f->pre[j])) != NULL;
    }
    if (!ok) {
        free(spec);
        f->spec[0] = NULL;
        VX_R(vx_fdn_free)(f);
        return NULL;
    }
    for (int i = 0; i < NL; i++) {
        double ph = 2.0 * M_PI * VW * (double)vx_fdn_delays[i] / (double)len;
        f->rot_re[i] = cos(ph);
        f->rot_im[i] = sin(ph);
        f->expo[i] = vx_fdn_delays[i] / (double)vx_fdn_delays[0];
    }
    if (f->f32_phase)
        fill_f32_phase(f);
    return f;
}

VX_R(vx_fdn) *VX_R(vx_fdn_create)(size_t len) { return create(len, 0); }

#ifndef VX_REAL_DOUBLE /* renders: float */
vx_fdn *vx_fdn_create_forward(size_t len) { return create(len, 1); }
#endif

void VX_R(vx_fdn_free)(VX_R(vx_fdn) *f)
{
    if (!f)
        return;
    free(f->spec[0]);
    for (int j = 0; j < NIR; j++)
        free(f->pre[j]);
    eq_free(f);
    free(f->acc), free(f->f32_phase);
    free(f);
}

size_t VX_R(vx_fdn_len)(const VX_R(vx_fdn) *f) { return f->len; }

void VX_R(vx_fdn_set_f32_grid)(VX_R(vx_fdn) *f, int on) { f->f32_grid = on != 0; }

/* Lanes for bins k0 .. k0 + VW - 1. gamma-bar is the linear interpolation with
 * align_corners (spec §7a step 1) as torch computes it: u = k (48 / (F - 1)). */
static VX_INLINE void lanes_at(const VX_R(vx_fdn) *f, size_t k0, fdn_lanes *b)
{
    const double scale = (double)(NG - 1) / (double)(f->nbins - 1);
    b->n = 0;
    for (int l = 0; l < VW; l++) {
        size_t k = k0 + l < f->nbins ? k0 + l : f->nbins - 1;
        b->n += k0 + l < f->nbins;
        double u = (double)k * scale;
        int i = (int)u;
        if (i > NG - 2)
            i = NG - 2;
        double lam = u - i;
        b->k[l] = k, b->i0[l] = i, b->lam[l] = lam;
        b->gbar[l] = (1.0 - lam) * f->gamma[i] + lam * f->gamma[i + 1];
    }
}

/* The float32 grid's z_i for the lanes' bins without the table (forward-only workspaces):
 * the float phases as f32_phase_of forms them, their cos and sin in double rounded to
 * float, which is libm's cosf and sinf to a float ulp at a sixth of the time. */
static VX_INLINE void f32_phase_lanes(const VX_R(vx_fdn) *f, const fdn_lanes *b, vd *zr, vd *zi)
{
    vx_v4f w;
    for (int l = 0; l < VW; l++)
        w[l] = f32_omega(f, b->k[l]);
    for (int i = 0; i < NL; i++) {
        vx_v4f ph = w * (float)vx_fdn_delays[i];
        vd x = __builtin_convertvector(ph, vd), sn, cs;
        vx_v4_sincos(&sn, &cs, &x);
        zr[i] = __builtin_convertvector(__builtin_convertvector(cs, vx_v4f), vd);
        zi[i] = __builtin_convertvector(__builtin_convertvector(sn, vx_v4f), vd);
    }
}

/* z_i = e^{+j omega_k d_i}, omega_k = 2 pi k / len, for the lanes' bins. The float32 grid
 * comes from the table, or without one from f32_phase_lanes. On the exact grid, at the
 * start of a chunk each phase is reduced exactly, (k d_i) mod len; later vectors rotate the
 * previous one by VW bins. */
static VX_INLINE void phases(const VX_R(vx_fdn) *f, const fdn_lanes *b, int first, vd *zr, vd *zi)
{
    if (f->f32_grid && !f->f32_phase) {
        f32_phase_lanes(f, b, zr, zi);
        return;
    }
    for (int i = 0; i < NL; i++) {
        if (f->f32_grid) {
            const float(*z)[VW] = f->f32_phase[b->k[0] / VW][i];
            zr[i] = __builtin_convertvector(*(const vx_v4f *)z[0], vd);
            zi[i] = __builtin_convertvector(*(const vx_v4f *)z[1], vd);
        } else if (first) {
            for (int l = 0; l < VW; l++) {
                size_t m = (b->k[l] * (size_t)vx_fdn_delays[i]) % f->len;
                double ph = 2.0 * M_PI * (double)m / (double)f->len;
                zr[i][l] = cos(ph), zi[i][l] = sin(ph);
            }
        } else {
            vd r = zr[i] * f->rot_re[i] - zi[i] * f->rot_im[i];
            zi[i] = zr[i] * f->rot_im[i] + zi[i] * f->rot_re[i];
            zr[i] = r;
        }
    }
}

/* Gamma_i = gbar^(d_i/997), M = diag(z) - U diag(Gamma), LU with partial pivoting
 * (pivot by |re| + |im| as LAPACK's izamax, first maximum wins), then X = M^-1 b. */
static VX_INLINE void bins_solve(const VX_R(vx_fdn) *restrict f, const vd *gbar, const vd *zr,
                                 const vd *zi, fdn_bins *restrict w)
{
    /* below the smallest normal double every power d_i/997 > 1 of gbar rounds to 0 */
    vm tiny = (vm)(*gbar < DBL_MIN);
    vd lg;
    vx_v4_log(&lg, gbar);
    w->g[0] = *gbar;
    UNROLL
    for (int i = 1; i < NL; i++) {
        vd x = f->expo[i] * lg;
        vx_v4_exp(&w->g[i], &x);
        w->g[i] = VSEL(tiny, (vd){0}, w->g[i]);
    }
    UNROLL
    for (int a = 0; a < NL; a++) {
        UNROLL
        for (int c = 0; c < NL; c++) {
            w->mr[a][c] = -f->u[a * NL + c] * w->g[c];
            w->mi[a][c] = (vd){0};
        }
        w->mr[a][a] += zr[a];
        w->mi[a][a] = zi[a];
    }
    UNROLL
    for (int j = 0; j < NL; j++) {
        vm p = (vm){0} + j;
        vd best = VABS(w->mr[j][j]) + VABS(w->mi[j][j]);
        UNROLL
        for (int r = j + 1; r < NL; r++) {
            vd v = VABS(w->mr[r][j]) + VABS(w->mi[r][j]);
            vm gt = (vm)(v > best);
            best = VSEL(gt, v, best);
            p = (p & ~gt) | (gt & r);
        }
        w->piv[j] = p;
        UNROLL
        for (int r = j + 1; r < NL; r++) {
            vm m = (vm)(p == r);
            if (vx_v4_any(&m))
                UNROLL
                for (int c = 0; c < NL; c++) {
                    vswap(&m, &w->mr[j][c], &w->mr[r][c]);
                    vswap(&m, &w->mi[j][c], &w->mi[r][c]);
                }
        }
        vd pr = w->mr[j][j], pi = w->mi[j][j], n2 = pr * pr + pi * pi;
        vd ir = pr / n2, ii = -pi / n2;
        w->dr[j] = ir, w->di[j] = ii;
        UNROLL
        for (int r = j + 1; r < NL; r++) {
            vd lr = w->mr[r][j] * ir - w->mi[r][j] * ii;
            vd li = w->mr[r][j] * ii + w->mi[r][j] * ir;
            w->mr[r][j] = lr, w->mi[r][j] = li;
        }
        UNROLL
        for (int c = j + 1; c < NL; c++) { /* column by column: the pivot row's entry once */
            vd ar = w->mr[j][c], ai = w->mi[j][c];
            UNROLL
            for (int r = j + 1; r < NL; r++)
                cmsub(&w->mr[r][c], &w->mi[r][c], w->mr[r][j], w->mi[r][j], ar, ai);
        }
    }
    UNROLL
    for (int r = 0; r < NL; r++)
        UNROLL
        for (int i = 0; i < 2; i++)
            w->xr[r][i] = (vd){0} + f->b[r][i], w->xi[r][i] = (vd){0};
    UNROLL
    for (int j = 0; j < NL; j++) /* P b: b is real, the imaginary parts are still 0 */
        UNROLL
        for (int r = j + 1; r < NL; r++) {
            vm m = (vm)(w->piv[j] == r);
            if (vx_v4_any(&m))
                UNROLL
                for (int i = 0; i < 2; i++)
                    vswap(&m, &w->xr[j][i], &w->xr[r][i]);
        }
    UNROLL
    for (int r = 1; r < NL; r++) /* L y = P b */
        UNROLL
        for (int c = 0; c < r; c++)
            UNROLL
            for (int i = 0; i < 2; i++)
                cmsub(&w->xr[r][i], &w->xi[r][i], w->mr[r][c], w->mi[r][c], w->xr[c][i],
                      w->xi[c][i]);
    UNROLL
    for (int r = NL - 1; r >= 0; r--) /* U x = y */
        UNROLL
        for (int i = 0; i < 2; i++) {
            vd sr = w->xr[r][i], si = w->xi[r][i];
            UNROLL
            for (int c = r + 1; c < NL; c++)
                cmsub(&sr, &si, w->mr[r][c], w->mi[r][c], w->xr[c][i], w->xi[c][i]);
            w->xr[r][i] = sr * w->dr[r] - si * w->di[r];
            w->xi[r][i] = sr * w->di[r] + si * w->dr[r];
        }
}

/* lr + j li = M^-H (lr + j li) in place, both NL x 2, from the factors in w:
 * M = P^T L U, so U^H y = g, L^H z = y, lambda = P^T z. */
static VX_INLINE void bins_solve_adjoint(const fdn_bins *w, vd lr[NL][2], vd li[NL][2])
{
    UNROLL
    for (int r = 0; r < NL; r++) /* U^H is lower triangular */
        UNROLL
        for (int i = 0; i < 2; i++) {
            vd sr = lr[r][i], si = li[r][i];
            UNROLL
            for (int c = 0; c < r; c++) /* conj(U[c][r]) y[c] */
                cmsub_conj(&sr, &si, w->mr[c][r], w->mi[c][r], lr[c][i], li[c][i]);
            lr[r][i] = sr * w->dr[r] + si * w->di[r]; /* times conj(1/U_rr) */
            li[r][i] = si * w->dr[r] - sr * w->di[r];
        }
    UNROLL
    for (int r = NL - 2; r >= 0; r--) /* L^H is unit upper triangular */
        UNROLL
        for (int c = r + 1; c < NL; c++)
            UNROLL
            for (int i = 0; i < 2; i++)
                cmsub_conj(&lr[r][i], &li[r][i], w->mr[c][r], w->mi[c][r], lr[c][i], li[c][i]);
    UNROLL
    for (int j = NL - 1; j >= 0; j--)
        UNROLL
        for (int r = NL - 1; r > j; r--) {
            vm m = (vm)(w->piv[j] == r);
            if (vx_v4_any(&m))
                UNROLL
                for (int i = 0; i < 2; i++) {
                    vswap(&m, &lr[j][i], &lr[r][i]);
                    vswap(&m, &li[j][i], &li[r][i]);
                }
        }
}

/* U = expm(triu1(W) - triu1(W)^T) (spec §2 UniLossLess); the rest is copied. */
static int set_params(VX_R(vx_fdn) *f, const vx_fx *fx)
{
    for (int i = 0; i < NL; i++)
        for (int j = 0; j < NL; j++)
            f->s[i * NL + j] = i < j ? fx->fdn.w[i][j] : (i > j ? -fx->fdn.w[j][i] : 0.0);
    if (vx_expm(NL, f->s, f->u) != 0)
        return -1;
    memcpy(f->b, fx->fdn.b, sizeof f->b);
    memcpy(f->c, fx->fdn.c, sizeof f->c);
    memcpy(f->gamma, fx->fdn.gamma, sizeof f->gamma);
    memcpy(f->bands, fx->fdn.eq, sizeof f->bands);
    return 0;
}

/* One past the last bin of the chunk that starts at k0. */
static size_t chunk_end(const VX_R(vx_fdn) *f, size_t k0)
{
    return k0 + CHUNK < f->nbins ? k0 + CHUNK : f->nbins;
}

/* H_k / len of the bins of chunk ch into spec[]. */
VX_CLONES static void forward_chunk(VX_R(vx_fdn) *f, size_t ch)
{
    const double inv_len = 1.0 / (double)f->len; /* irfft normalisation (spec §7a step 4) */
    fdn_bins w;
    fdn_lanes b;
    vd zr[NL], zi[NL];
    for (size_t k0 = ch * CHUNK, k1 = chunk_end(f, k0); k0 < k1; k0 += VW) {
        lanes_at(f, k0, &b);
        phases(f, &b, k0 == ch * CHUNK, zr, zi);
        bins_solve(f, &b.gbar, zr, zi, &w);
        UNROLL
        for (int o = 0; o < 2; o++)
            UNROLL
            for (int i = 0; i < 2; i++) {
                vd hr = (vd){0}, hi = (vd){0};
                UNROLL
                for (int l = 0; l < NL; l++)
                    hr += f->c[o][l] * w.xr[l][i], hi += f->c[o][l] * w.xi[l][i];
                for (int l = 0; l < b.n; l++)
                    f->spec[2 * o + i][k0 + l] =
                        (vx_cpxr){(vx_real)(hr[l] * inv_len), (vx_real)(hi[l] * inv_len)};
            }
    }
}

/* The parameters of fx, then the spectra H_k / len of all bins into spec[]. */
static int spectra(VX_R(vx_fdn) *f, const vx_fx *fx, vx_err *e)
{
    f->ready = 0;
    if (set_params(f, fx) != 0)
        return vx_err_set(e, "FDN: the feedback matrix exp(W - W^T) cannot be formed from "
                             "these values");
    const size_t nch = (f->nbins + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) num_threads(f->nthreads)
    for (size_t ch = 0; ch < nch; ch++)
        forward_chunk(f, ch);
    return 0;
}

int VX_R(vx_fdn_forward)(VX_R(vx_fdn) *f, const vx_fx *fx, vx_real *const ir[NIR], vx_err *e)
{
#ifndef VX_REAL_DOUBLE
    if (!has_backward(f))
        return vx_fdn_forward_head(f, fx, ir, f->len, e);
#endif
    if (spectra(f, fx, e))
        return -1;
#pragma omp parallel for schedule(static) num_threads(f->nthreads)
    for (int j = 0; j < NIR; j++)
        VX_R(vx_fft_inverse)(f->plan, f->spec[j], f->pre[j]);
    eq_forward(f, ir);
    f->ready = 1;
    return 0;
}

#ifndef VX_REAL_DOUBLE /* renders: float */
int vx_fdn_forward_head(vx_fdn *f, const vx_fx *fx, float *const ir[NIR], size_t n,
                        vx_err *e)
{
    if (has_backward(f))
        return vx_err_set(e, "FDN: the first samples alone come from a forward-only workspace");
    if (n > f->len)
        return vx_err_set(e, "FDN: %zu samples asked of responses of %zu", n, f->len);
    if (spectra(f, fx, e))
        return -1;
    /* Shorter than len: each thread's transforms go through a buffer of its own, of which
     * the first n samples are kept. */
    int nbuf = n < f->len ? (f->nthreads < NIR ? f->nthreads : NIR) : 0;
    float *buf = nbuf ? vx_fft_alloc((size_t)nbuf * f->len * sizeof *buf) : NULL;
    if (nbuf && !buf)
        return vx_err_set(e, "out of memory for the FDN");
#pragma omp parallel for schedule(static) num_threads(nbuf ? nbuf : f->nthreads)
    for (int j = 0; j < NIR; j++) {
        float *t = buf ? buf + (size_t)omp_get_thread_num() * f->len : ir[j];
        vx_fft_inverse(f->plan, f->spec[j], t);
        if (t != ir[j])
            memcpy(ir[j], t, n * sizeof *t);
    }
    free(buf);
    /* The EQ is causal: its first n samples need only the first n of its input. It runs in
     * place, the spent spectra as the work memory of its sections (4 n floats). */
    vx_biquad coef[VX_FDNEQ_BANDS];
    float *sig[VX_FDNEQ_BANDS + 1];
    for (int q = 0; q < VX_FDNEQ_BANDS; q++)
        coef[q] = vx_biquad_design(vx_peq_fdn_kinds[q], f->bands[q].gain_db, f->bands[q].freq_hz,
                                   f->bands[q].q, VX_FS);
    for (int q = 0; q <= VX_FDNEQ_BANDS; q++)
        sig[q] = (float *)f->spec[0];
    vx_biquad_cascade4(coef, VX_FDNEQ_BANDS, (const float *const *)ir, sig, ir, n);
    return 0;
}
#endif

/* Vector accumulators of the backward pass: U, b, c (gamma goes lane by lane). */
#define VACC_U 0
#define VACC_B (VACC_U + NL * NL)
#define VACC_C (VACC_B + NL * 2)
#define NVACC (VACC_C + 2 * NL)

/* Gradients of VW bins, added to acc: gh = dL/dH_k as a complex gradient
 * (dL = Re sum conj(gh) dH), w their solves. With Lambda = M^-H c^T gh:
 * dL/db = Re Lambda, dL/dc = Re gh X^H, dL/dU = Re conj(Lambda) (Gamma X)^T,
 * dL/dGamma_j = Re sum_a,i conj(Lambda_ai) U_aj X_ji. Writes dL/d(gamma-bar) to *dgbar. */
static VX_INLINE void bins_backward(const VX_R(vx_fdn) *restrict f, const fdn_bins *restrict w,
                                    const vd *ghr, const vd *ghi, const vd *gbar,
                                    vd *restrict acc, vd *dgbar)
{
    vd lr[NL][2], li[NL][2];
    for (int l = 0; l < NL; l++)
        for (int i = 0; i < 2; i++) {
            lr[l][i] = f->c[0][l] * ghr[i] + f->c[1][l] * ghr[2 + i];
            li[l][i] = f->c[0][l] * ghi[i] + f->c[1][l] * ghi[2 + i];
        }
    for (int o = 0; o < 2; o++)
        for (int l = 0; l < NL; l++)
            for (int i = 0; i < 2; i++)
                acc[VACC_C + o * NL + l] +=
                    ghr[2 * o + i] * w->xr[l][i] + ghi[2 * o + i] * w->xi[l][i];
    bins_solve_adjoint(w, lr, li);
    for (int l = 0; l < NL; l++)
        for (int i = 0; i < 2; i++)
            acc[VACC_B + 2 * l + i] += lr[l][i];
    vm pos = (vm)(*gbar > 0);
    vd inv_gbar = 1.0 / *gbar;
    *dgbar = (vd){0};
    for (int j = 0; j < NL; j++) {
        vd dg = (vd){0};
        for (int a = 0; a < NL; a++) {
            vd r = lr[a][0] * w->xr[j][0] + li[a][0] * w->xi[j][0] + lr[a][1] * w->xr[j][1] +
                   li[a][1] * w->xi[j][1];
            acc[VACC_U + a * NL + j] += w->g[j] * r;
            dg += f->u[a * NL + j] * r;
        }
        /* d Gamma_j / d gbar = (d_j/997) gbar^(d_j/997 - 1); at gbar = 0 only j = 0 has one */
        vd dgam = VSEL(pos, f->expo[j] * w->g[j] * inv_gbar, (vd){0} + (j == 0 ? 1.0 : 0.0));
        *dgbar += dg * dgam;
    }
}

/* Gradients of the bins of chunk ch, from the spectra of dL/dh in spec[]: U, b, c into
 * the vector accumulators vacc, gamma into acc. The adjoint of h = irfft(H) / len is
 * dL/dH_k = (w_k / len) rfft(dL/dh)_k with w_k = 2 for the bins that stand for a conjugate
 * pair, 1 at DC and Nyquist (whose imaginary parts the irfft ignores). */
VX_CLONES static void backward_chunk(const VX_R(vx_fdn) *f, size_t ch, double *acc, vd *vacc)
{
    const double inv_len = 1.0 / (double)f->len;
    fdn_bins w;
    fdn_lanes b;
    vd zr[NL], zi[NL], ghr[NIR], ghi[NIR];
    for (size_t k0 = ch * CHUNK, k1 = chunk_end(f, k0); k0 < k1; k0 += VW) {
        lanes_at(f, k0, &b);
        for (int l = 0; l < VW; l++) {
            size_t k = b.k[l];
            int edge = k == 0 || k == f->nbins - 1;
            double wk = l < b.n ? (edge ? 1.0 : 2.0) * inv_len : 0.0;
            for (int j = 0; j < NIR; j++) {
                ghr[j][l] = wk * f->spec[j][k].re;
                ghi[j][l] = edge ? 0.0 : wk * f->spec[j][k].im;
            }
        }
        phases(f, &b, k0 == ch * CHUNK, zr, zi);
        bins_solve(f, &b.gbar, zr, zi, &w);
        vd dgbar;
        bins_backward(f, &w, ghr, ghi, &b.gbar, vacc, &dgbar);
        for (int l = 0; l < b.n; l++) {
            acc[ACC_G + b.i0[l]] += (1.0 - b.lam[l]) * dgbar[l];
            acc[ACC_G + b.i0[l] + 1] += b.lam[l] * dgbar[l];
        }
    }
}

int VX_R(vx_fdn_backward)(VX_R(vx_fdn) *f, const vx_real *const g[NIR], vx_fx *grad, vx_err *e)
{
    if (!has_backward(f))
        return vx_err_set(e, "FDN: no backward pass on a forward-only workspace");
    if (!f->ready)
        return vx_err_set(e, "FDN: backward pass before a forward one");
    vx_band gb[VX_FDNEQ_BANDS];
    memset(gb, 0, sizeof gb);
    eq_backward(f, g, gb); /* EQ adjoint, then the spectra of dL/dh */
#pragma omp parallel for schedule(static) num_threads(f->nthreads)
    for (int j = 0; j < NIR; j++)
        VX_R(vx_fft_forward)(f->plan, f->pre[j], f->spec[j]);
    memset(f->acc, 0, (size_t)f->nthreads * NACC * sizeof *f->acc);
    const size_t nch = (f->nbins + CHUNK - 1) / CHUNK;
#pragma omp parallel num_threads(f->nthreads)
    {
        double *acc = f->acc + (size_t)omp_get_thread_num() * NACC;
        vd vacc[NVACC];
        for (int q = 0; q < NVACC; q++)
            vacc[q] = (vd){0};
#pragma omp for schedule(static)
        for (size_t ch = 0; ch < nch; ch++)
            backward_chunk(f, ch, acc, vacc);
        for (int l = 0; l < VW; l++) {
            for (int q = 0; q < NL * NL; q++)
                acc[ACC_U + q] += vacc[VACC_U + q][l];
            for (int q = 0; q < 2 * NL; q++)
                acc[ACC_B + q] += vacc[VACC_B + q][l], acc[ACC_C + q] += vacc[VACC_C + q][l];
        }
    }
    /* Sum the partials in thread order so the result does not depend on timing. */
    double tot[NACC] = {0};
    for (int t = 0; t < f->nthreads; t++)
        for (int q = 0; q < NACC; q++)
            tot[q] += f->acc[(size_t)t * NACC + q];
    /* U = expm(S): dL/dS = L(S^T, dL/dU); S = triu1(W) - triu1(W)^T. */
    double gs[NL * NL];
    if (vx_expm_frechet_adjoint(NL, f->s, tot + ACC_U, gs) != 0)
        return vx_err_set(e, "FDN: the derivative of the matrix exponential cannot be formed");
    for (int i = 0; i < NL; i++)
        for (int j = i + 1; j < NL; j++)
            grad->fdn.w[i][j] += gs[i * NL + j] - gs[j * NL + i];
    for (int l = 0; l < NL; l++)
        for (int i = 0; i < 2; i++) {
            grad->fdn.b[l][i] += tot[ACC_B + 2 * l + i];
            grad->fdn.c[i][l] += tot[ACC_C + i * NL + l];
        }
    for (int m = 0; m < NG; m++)
        grad->fdn.gamma[m] += tot[ACC_G + m];
    for (int q = 0; q < VX_FDNEQ_BANDS; q++) {
        grad->fdn.eq[q].gain_db += gb[q].gain_db;
        grad->fdn.eq[q].freq_hz += gb[q].freq_hz;
        if (vx_peq_fdn_kinds[q] == VX_BQ_PEAK) /* shelf Q is fixed */
            grad->fdn.eq[q].q += gb[q].q;
    }
    return 0;
}
