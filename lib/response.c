/* The post-compressor stereo response from the delay and FDN stages (see response.h).
 * All convolutions are products on one FFT grid of N points; the 1/N of the
 * unnormalised inverse FFT is applied once. The grid is as small as the outputs that
 * are used allow: circular wrap-around may land only on output samples before `from`,
 * which nobody reads. Signals, spectra and transforms in vx_real: compiled again in
 * double by response_d.c (dsp/real.h). */
#include "response.h"
#include "fx/delay.h"
#include "fx/fdn.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

enum { NJOBS = 6 }; /* the six stage responses are transformed side by side */

struct VX_R(vx_response) {
    size_t grid, bins;
    size_t from;          /* first output sample that is used */
    size_t lq, lf;        /* delay and FDN response samples that reach the outputs */
    const vx_fft *plan;
    VX_R(vx_delay) *delay;
    VX_R(vx_fdn) *fdn;
    double dry[2], send;
    vx_real *q[2], *f[4]; /* time-domain stage responses, f[2 o + i] */
    vx_cpxr *Q[2], *F[4]; /* their spectra on the grid */
    vx_cpxr *H[2];        /* the output responses */
    vx_real *gq[2], *gf[4]; /* d(loss)/d(stage responses) */
    int threads;          /* of the parallel loops below (at most NJOBS), one scratch each: */
    vx_real *time[NJOBS]; /* zero-padded time buffers */
    vx_cpxr *spec[NJOBS]; /* spectra */
};

struct VX_R(vx_response_work) {
    vx_real *time[2];
    vx_cpxr *spec[3];
};

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

void VX_R(vx_response_free)(VX_R(vx_response) *r)
{
    if (!r)
        return;
    VX_R(vx_delay_free)(r->delay);
    VX_R(vx_fdn_free)(r->fdn);
    for (int i = 0; i < 2; i++)
        free(r->q[i]), free(r->Q[i]), free(r->H[i]), free(r->gq[i]);
    for (int i = 0; i < 4; i++)
        free(r->f[i]), free(r->F[i]), free(r->gf[i]);
    for (int i = 0; i < NJOBS; i++)
        free(r->time[i]), free(r->spec[i]);
    free(r);
}

/* The threads a response's parallel loops use (one scratch pair each). */
static int scratch_threads(void)
{
    int threads = omp_get_max_threads();
    return threads < NJOBS ? threads : NJOBS;
}

#ifndef VX_REAL_DOUBLE /* one definition of what does not depend on the precision */
size_t vx_response_len(void) { return VX_DELAY_LEN + VX_FDN_LEN - 1; }

size_t vx_response_grid(size_t n, size_t from)
{
    size_t lq = n ? min_sz(VX_DELAY_LEN, n) : VX_DELAY_LEN, lf = n ? min_sz(VX_FDN_LEN, n) : VX_FDN_LEN;
    size_t lh = lq + lf - 1; /* support of h_o: the build's products never wrap */
    /* A linear convolution of n samples with lh is n + lh - 1 long: its wrap-around
     * stays below `from` (and the correlations of the backward pass stay clear of the
     * lags and samples they need, by the same margin). Cutting h_o to n samples would
     * shorten it further (0.84 M instead of 1.02 M points for a 12 s chunk with 5 s of
     * overlap) but takes two more transform pairs per build and per backward: no faster
     * for a one-chunk step, and more float rounding in the FDN gradients. The grid's
     * factors are 2, 3 and 5 only: FFTW transforms them faster at these lengths (fft.h). */
    return vx_fft_fast_len_235(n ? n + lh - 1 - from : lh);
}

size_t vx_response_bytes(size_t n, size_t from, int threads)
{
    size_t bins = vx_response_grid(n, from) / 2 + 1, cpx = bins * sizeof(vx_cpx);
    size_t t = (size_t)(threads < NJOBS ? threads : NJOBS);
    /* Q, H (2 each), F (4); delay and FDN responses and their gradients; scratch */
    return 8 * cpx + 4 * (VX_DELAY_LEN + 2 * VX_FDN_LEN) * sizeof(float) + t * (cpx + 2 * bins * sizeof(float));
}

size_t vx_response_work_bytes(size_t n, size_t from)
{
    size_t bins = vx_response_grid(n, from) / 2 + 1;
    return 3 * bins * sizeof(vx_cpx) + 2 * 2 * bins * sizeof(float);
}
#endif

/* n: the longest signal to convolve (0: none, only vx_response_impulse); outputs before
 * sample `from` are not used. */
static VX_R(vx_response) *create(size_t n, size_t from)
{
    VX_R(vx_response) *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    /* Outputs t < n see only h[0..n), so only q[0..n) and f[0..n) matter: a short
     * signal needs a small grid whatever the responses' lengths. */
    r->from = from;
    r->lq = n ? min_sz(VX_DELAY_LEN, n) : VX_DELAY_LEN;
    r->lf = n ? min_sz(VX_FDN_LEN, n) : VX_FDN_LEN;
    size_t grid = vx_response_grid(n, from);
    r->grid = grid;
    r->bins = grid / 2 + 1;
    r->plan = VX_R(vx_fft_get)(grid);
    r->delay = VX_R(vx_delay_create)(VX_DELAY_LEN);
    r->fdn = VX_R(vx_fdn_create)(VX_FDN_LEN);
    size_t qb = VX_DELAY_LEN * sizeof(vx_real), fb = VX_FDN_LEN * sizeof(vx_real);
    size_t sb = r->bins * sizeof(vx_cpxr), tb = grid * sizeof(vx_real);
    int ok = 1;
    for (int i = 0; i < 2; i++)
        ok &= (r->q[i] = vx_fft_alloc(qb)) && (r->gq[i] = calloc(1, qb)) &&
              (r->Q[i] = vx_fft_alloc(sb)) && (r->H[i] = vx_fft_alloc(sb));
    for (int i = 0; i < 4; i++)
        ok &= (r->f[i] = vx_fft_alloc(fb)) && (r->gf[i] = calloc(1, fb)) && (r->F[i] = vx_fft_alloc(sb));
    r->threads = scratch_threads();
    for (int i = 0; i < r->threads; i++)
        ok &= (r->time[i] = vx_fft_alloc(tb)) && (r->spec[i] = vx_fft_alloc(sb));
    if (!ok || !r->plan || !r->delay || !r->fdn) {
        VX_R(vx_response_free)(r);
        return NULL;
    }
    return r;
}

VX_R(vx_response) *VX_R(vx_response_create)(size_t n, size_t from)
{
    return n && from < n ? create(n, from) : NULL;
}

VX_R(vx_response) *VX_R(vx_response_create_impulse)(void) { return create(0, 0); }

size_t VX_R(vx_response_bins)(const VX_R(vx_response) *r) { return r->bins; }

/* Spectrum of x[n] zero-padded to the grid. */
static void transform(const VX_R(vx_response) *r, vx_real *buf, const vx_real *x, size_t n,
                      vx_cpxr *out)
{
    memcpy(buf, x, n * sizeof *buf);
    memset(buf + n, 0, (r->grid - n) * sizeof *buf);
    VX_R(vx_fft_forward)(r->plan, buf, out);
}

/* 1/N, the normalisation of the unnormalised inverse FFT: folded into the loop that forms
 * each spectrum before its inverse transform, not a pass of its own. */
static vx_real inverse_scale(const VX_R(vx_response) *r) { return (vx_real)1 / (vx_real)r->grid; }

/* The build with the delay's pulse (its backward: through the surrogate, or the sinc). */
static int build(VX_R(vx_response) *r, const vx_fx *fx, double eta, vx_delay_pulse pulse,
                 vx_err *e)
{
    vx_real *fir[4] = {r->f[0], r->f[1], r->f[2], r->f[3]};
    if (VX_R(vx_fdn_forward)(r->fdn, fx, fir, e) ||
        VX_R(vx_delay_forward)(r->delay, fx, eta, pulse, r->q[0], r->q[1], e))
        return -1;
#pragma omp parallel for schedule(dynamic) num_threads(r->threads)
    for (int j = 0; j < 6; j++) {
        vx_real *buf = r->time[omp_get_thread_num()];
        if (j < 2)
            transform(r, buf, r->q[j], r->lq, r->Q[j]);
        else
            transform(r, buf, r->f[j - 2], r->lf, r->F[j - 2]);
    }
    double theta = fx->pan * M_PI / 2;
    r->dry[0] = M_SQRT2 * cos(theta), r->dry[1] = M_SQRT2 * sin(theta);
    r->send = fx->send;
    vx_real s = (vx_real)r->send;
    /* H_o = dry_o + Q_o + sum_i F_oi (1 + s Q_i) */
#pragma omp parallel for schedule(static)
    for (size_t k = 0; k < r->bins; k++) {
        for (int o = 0; o < 2; o++) {
            vx_real re = (vx_real)r->dry[o] + r->Q[o][k].re, im = r->Q[o][k].im;
            for (int i = 0; i < 2; i++) {
                vx_cpxr F = r->F[2 * o + i][k], Q = r->Q[i][k];
                vx_real are = 1 + s * Q.re, aim = s * Q.im;
                re += F.re * are - F.im * aim;
                im += F.re * aim + F.im * are;
            }
            r->H[o][k] = (vx_cpxr){re, im};
        }
    }
    return 0;
}

int VX_R(vx_response_build)(VX_R(vx_response) *r, const vx_fx *fx, double eta, vx_err *e)
{
    return build(r, fx, eta, VX_DELAY_PULSE_SINC, e);
}

int VX_R(vx_response_build_eval)(VX_R(vx_response) *r, const vx_fx *fx, vx_err *e)
{
    return build(r, fx, -1.0 /* unused */, VX_DELAY_PULSE_SINC_EVAL, e);
}

void VX_R(vx_response_impulse)(VX_R(vx_response) *r, vx_real *h_left, vx_real *h_right)
{
    vx_real *h[2] = {h_left, h_right};
#pragma omp parallel for num_threads(r->threads)
    for (int o = 0; o < 2; o++) {
        int t = omp_get_thread_num();
        const vx_real scale = inverse_scale(r);
        for (size_t k = 0; k < r->bins; k++)
            r->spec[t][k] = (vx_cpxr){r->H[o][k].re * scale, r->H[o][k].im * scale};
        VX_R(vx_fft_inverse)(r->plan, r->spec[t], r->time[t]);
        memcpy(h[o], r->time[t], (r->lq + r->lf - 1) * sizeof(vx_real));
    }
}

VX_R(vx_response_work) *VX_R(vx_response_work_create)(const VX_R(vx_response) *r)
{
    VX_R(vx_response_work) *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    int ok = 1;
    for (int i = 0; i < 2; i++)
        ok &= (w->time[i] = vx_fft_alloc(r->grid * sizeof(vx_real))) != NULL;
    for (int i = 0; i < 3; i++)
        ok &= (w->spec[i] = vx_fft_alloc(r->bins * sizeof(vx_cpxr))) != NULL;
    if (!ok) {
        VX_R(vx_response_work_free)(w);
        return NULL;
    }
    return w;
}

void VX_R(vx_response_work_free)(VX_R(vx_response_work) *w)
{
    if (!w)
        return;
    for (int i = 0; i < 2; i++)
        free(w->time[i]);
    for (int i = 0; i < 3; i++)
        free(w->spec[i]);
    free(w);
}

/* out = a * b or a * conj(b), with add set out + that, times scale, elementwise over the
 * bins. */
static void multiply(const vx_cpxr *a, const vx_cpxr *b, int conj_b, int add, vx_real scale,
                     vx_cpxr *out, size_t bins)
{
    vx_real sgn = conj_b ? -1 : 1;
    for (size_t k = 0; k < bins; k++) {
        vx_real bre = b[k].re, bim = sgn * b[k].im;
        vx_real re = a[k].re * bre - a[k].im * bim, im = a[k].re * bim + a[k].im * bre;
        if (add)
            re += out[k].re, im += out[k].im;
        out[k] = (vx_cpxr){re * scale, im * scale};
    }
}

void VX_R(vx_response_apply)(const VX_R(vx_response) *r, VX_R(vx_response_work) *w,
                             const vx_real *c, size_t n, vx_cpxr *C, vx_real *yl,
                             vx_real *yr)
{
    vx_cpxr *X = C ? C : w->spec[2];
    transform(r, w->time[0], c, n, X);
#pragma omp parallel for
    for (int o = 0; o < 2; o++) {
        multiply(X, r->H[o], 0, 0, inverse_scale(r), w->spec[o], r->bins);
        VX_R(vx_fft_inverse)(r->plan, w->spec[o], w->time[o]);
        memset(w->time[o], 0, r->from * sizeof(vx_real)); /* wrapped around: not outputs */
        if (yr)
            memcpy(o ? yr : yl, w->time[o], n * sizeof(vx_real));
        else
            for (size_t t = 0; t < n; t++)
                yl[2 * t + o] = w->time[o][t];
    }
}

void VX_R(vx_response_apply_backward)(const VX_R(vx_response) *r, VX_R(vx_response_work) *w,
                                      const vx_cpxr *C, const vx_real *gl, const vx_real *gr,
                                      size_t n, vx_real *gc, vx_cpxr *const acc[2])
{
    const vx_real *g[2] = {gl, gr};
#pragma omp parallel for
    for (int o = 0; o < 2; o++) {
        transform(r, w->time[o], g[o], n, w->spec[o]);
        multiply(w->spec[o], C, 1, 1, 1, acc[o], r->bins); /* dh_o = corr(g_o, c) */
    }
    /* dc = sum_o corr(g_o, h_o) */
    multiply(w->spec[0], r->H[0], 1, 0, 1, w->spec[2], r->bins);
    multiply(w->spec[1], r->H[1], 1, 1, inverse_scale(r), w->spec[2], r->bins);
    VX_R(vx_fft_inverse)(r->plan, w->spec[2], w->time[0]);
    memcpy(gc, w->time[0], n * sizeof(vx_real));
}

/* Weight of bin k in a sum over the full (Hermitian) spectrum: the inner product of two
 * real signals with spectra a and b is sum_k w_k Re(a_k conj b_k) / N (Parseval). */
static double hermitian_weight(const VX_R(vx_response) *r, size_t k)
{
    return k == 0 || k == r->bins - 1 ? 1.0 : 2.0;
}

int VX_R(vx_response_backward)(VX_R(vx_response) *r, vx_cpxr *const acc[2], vx_fx *grad,
                               double *g_eta, vx_err *e)
{
    const vx_cpxr *G[2] = {acc[0], acc[1]}; /* spectra of dL/dh_o */
    vx_real s = (vx_real)r->send;
    const vx_real scale = inverse_scale(r);
    /* dry_o multiplies a unit impulse: its gradient is dh_o[0]; the send's is the inner
     * product sum_o,i <dh_o, f_oi * q_i> = sum_i <Y_i, Q_i> with Y_i = sum_o conj(F_oi) G_o.
     * The job of q_i, which reads G_o and forms Y_i anyway, sums both (dh_i[0] for dry_i)
     * in double, each in a fixed order. */
    double gdry[2], gsend[2];
    /* df_oi = dh_o + s corr(dh_o, q_i);  dq_i = dh_i + s sum_o corr(dh_o, f_oi) */
#pragma omp parallel for schedule(dynamic) num_threads(r->threads)
    for (int j = 0; j < NJOBS; j++) {
        vx_cpxr *X = r->spec[omp_get_thread_num()];
        vx_real *buf = r->time[omp_get_thread_num()];
        if (j < 4) {
            int o = j / 2, i = j % 2;
            for (size_t k = 0; k < r->bins; k++) {
                vx_cpxr q = r->Q[i][k];
                vx_real are = 1 + s * q.re, aim = -s * q.im;
                X[k] = (vx_cpxr){(G[o][k].re * are - G[o][k].im * aim) * scale,
                                 (G[o][k].re * aim + G[o][k].im * are) * scale};
            }
            VX_R(vx_fft_inverse)(r->plan, X, buf);
            memcpy(r->gf[j], buf, r->lf * sizeof(vx_real)); /* the rest stays 0 */
        } else {
            int i = j - 4;
            double send = 0, dry = 0;
            for (size_t k = 0; k < r->bins; k++) {
                vx_cpxr x = G[i][k];
                double yre = 0, yim = 0;
                for (int o = 0; o < 2; o++) {
                    vx_cpxr a = G[o][k], f = r->F[2 * o + i][k];
                    x.re += s * (a.re * f.re + a.im * f.im);
                    x.im += s * (a.im * f.re - a.re * f.im);
                    yre += (double)a.re * f.re + (double)a.im * f.im;
                    yim += (double)a.im * f.re - (double)a.re * f.im;
                }
                double w = hermitian_weight(r, k);
                send += w * (yre * r->Q[i][k].re + yim * r->Q[i][k].im);
                dry += w * G[i][k].re;
                X[k] = (vx_cpxr){x.re * scale, x.im * scale};
            }
            gsend[i] = send / (double)r->grid, gdry[i] = dry / (double)r->grid;
            VX_R(vx_fft_inverse)(r->plan, X, buf);
            memcpy(r->gq[i], buf, r->lq * sizeof(vx_real));
        }
    }
    double theta = atan2(r->dry[1], r->dry[0]);
    grad->pan += M_PI / 2 * M_SQRT2 * (-sin(theta) * gdry[0] + cos(theta) * gdry[1]);
    grad->send += gsend[0] + gsend[1];
    const vx_real *gf[4] = {r->gf[0], r->gf[1], r->gf[2], r->gf[3]};
    if (VX_R(vx_fdn_backward)(r->fdn, gf, grad, e) ||
        VX_R(vx_delay_backward)(r->delay, r->gq[0], r->gq[1], grad, g_eta, e))
        return -1;
    return 0;
}
