/* Frequency-sampled ping-pong delay (spec/effects.md §6a) and its reverse mode, with the
 * delay-time and eta gradients taken through the damped-pulse surrogate (§6b). Signals,
 * transforms and spectra in vx_real: compiled again in double by delay_d.c (dsp/real.h). */
#include "fx/delay.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/fft.h"
#include "dsp/psum.h"
#include "fx/biquad.h"

/* per-thread partial sums of the backward pass */
enum { PART_FB, PART_D, PART_ETA, NPART };

typedef struct {
    double re, im;
} cplx;

struct VX_R(vx_delay) {
    size_t len, nbins;
    const vx_fft *plan;
    int nthreads;
    double *pulse;     /* len: p, the forward's pulse */
    double *shaped;    /* len: LPF(p) */
    double *gbuf;      /* len: gradients in double */
    vx_real *fbuf[2];  /* len: signals for the FFTs */
    vx_cpxr *cbuf[2];  /* nbins: spectra for the FFTs */
    cplx *p;           /* nbins: P = rfft(LPF(p)) */
    vx_real *h[2];     /* len: irfft(O) / len and irfft(E) / len, before gain and pans */
    double *part;      /* nthreads x NPART */
    /* the last forward */
    int ready, n_echo;
    vx_delay_pulse kind;
    double dly, fb, gain, th[2], eta;
    vx_band band;
    vx_biquad lpf;
};

VX_R(vx_delay) *VX_R(vx_delay_create)(size_t len)
{
    if (len < 4 || len % 2)
        return NULL;
    VX_R(vx_delay) *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->len = len;
    d->nbins = len / 2 + 1;
    d->plan = VX_R(vx_fft_get)(len);
    d->nthreads = omp_get_max_threads();
    d->pulse = vx_fft_alloc(len * sizeof *d->pulse);
    d->shaped = vx_fft_alloc(len * sizeof *d->shaped);
    d->gbuf = vx_fft_alloc(len * sizeof *d->gbuf);
    d->p = vx_fft_alloc(d->nbins * sizeof *d->p);
    d->part = vx_fft_alloc((size_t)d->nthreads * NPART * sizeof *d->part);
    int ok = d->plan && d->pulse && d->shaped && d->gbuf && d->p && d->part;
    for (int j = 0; j < 2; j++) {
        d->fbuf[j] = vx_fft_alloc(len * sizeof *d->fbuf[j]);
        d->h[j] = vx_fft_alloc(len * sizeof *d->h[j]);
        d->cbuf[j] = vx_fft_alloc(d->nbins * sizeof *d->cbuf[j]);
        ok = ok && d->fbuf[j] && d->h[j] && d->cbuf[j];
    }
    if (!ok) {
        VX_R(vx_delay_free)(d);
        return NULL;
    }
    return d;
}

void VX_R(vx_delay_free)(VX_R(vx_delay) *d)
{
    if (!d)
        return;
    for (int j = 0; j < 2; j++)
        free(d->fbuf[j]), free(d->h[j]), free(d->cbuf[j]);
    free(d->pulse), free(d->shaped), free(d->gbuf), free(d->p), free(d->part);
    free(d);
}

size_t VX_R(vx_delay_len)(const VX_R(vx_delay) *d) { return d->len; }

#ifndef VX_REAL_DOUBLE /* one definition of what does not depend on the precision */
double vx_delay_eta_penalty(double eta, double *d_eta)
{
    double e = exp(eta);
    *d_eta = -2.0 * (1.0 - e) * e;
    return (1.0 - e) * (1.0 - e);
}

int vx_delay_echo_count(const vx_fx *fx, size_t len)
{
    double dly = VX_FS * fx->delay.time_ms * 0.001; /* spec §12: in this order */
    if (!(dly >= 0) || floor(dly + 1) > (double)len)
        return -1;
    return (int)(len / (size_t)floor(dly + 1));
}
#endif

static cplx cmul(cplx a, cplx b) { return (cplx){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }

/* conj(a) b */
static cplx cjmul(cplx a, cplx b) { return (cplx){a.re * b.re + a.im * b.im, a.re * b.im - a.im * b.re}; }

/* Bin k of the surrogate's spectrum, S_k = exp(eta k - j 2 pi D k / L) (spec §6b); the
 * phase is reduced as (k D) mod L before scaling, so high bins keep their accuracy. */
static cplx surrogate_bin(const VX_R(vx_delay) *d, size_t k)
{
    double mag = exp(d->eta * (double)k);
    double ph = -2.0 * M_PI * fmod((double)k * d->dly, (double)d->len) / (double)d->len;
    return (cplx){mag * cos(ph), mag * sin(ph)};
}

/* Bins per run of the surrogate: S is geometric, S_(k+1) = S_k S_1, so a run starts exact
 * and the rest are products (relative error about one ulp per step: 1e-14 at the end). */
#define SUR_RUN 64

/* s[i] = S_(k0 + i) for the run of bins from k0 (up to SUR_RUN, not past the last bin);
 * returns their count. */
static size_t surrogate_run(const VX_R(vx_delay) *d, size_t k0, cplx s[SUR_RUN])
{
    size_t m = d->nbins - k0 < SUR_RUN ? d->nbins - k0 : SUR_RUN;
    cplx z = surrogate_bin(d, 1);
    s[0] = surrogate_bin(d, k0);
    for (size_t i = 1; i < m; i++)
        s[i] = cmul(s[i - 1], z);
    return m;
}

/* The echo sums at one bin: o = sum over odd m <= n of fb^(m-1) P^m, e over even m, and
 * (when d_dp is not NULL) their derivatives in P (holomorphic) and in fb. */
static void echo_sums(cplx p, double fb, int n, cplx oe[2], cplx *d_dp, cplx *d_dfb)
{
    cplx pm = {1, 0};         /* P^(m-1), then P^m */
    double fm = 1, dfm = 0;   /* fb^(m-1) and (m-1) fb^(m-2) */
    oe[0] = oe[1] = (cplx){0, 0};
    if (d_dp)
        d_dp[0] = d_dp[1] = d_dfb[0] = d_dfb[1] = (cplx){0, 0};
    for (int m = 1; m <= n; m++) {
        int par = (m + 1) % 2; /* 0: odd echo, 1: even echo */
        if (d_dp) {
            d_dp[par].re += m * fm * pm.re, d_dp[par].im += m * fm * pm.im;
        }
        pm = cmul(pm, p);
        oe[par].re += fm * pm.re, oe[par].im += fm * pm.im;
        if (d_dp) {
            d_dfb[par].re += dfm * pm.re, d_dfb[par].im += dfm * pm.im;
        }
        dfm = m * fm;
        fm *= fb;
    }
}

/* sin and cos of pi (n - D) at every sample n from those of pi D: sin(pi n - pi D) =
 * -(-1)^n sin(pi D), cos(pi n - pi D) = (-1)^n cos(pi D). Two libm calls instead of one
 * or two a sample, and no rounding of pi (n - D) (1e-10 at the last samples). */
typedef struct {
    double s, c;
} sinpi_delay;

static sinpi_delay sinpi_of(const VX_R(vx_delay) *d)
{
    return (sinpi_delay){sin(M_PI * d->dly), cos(M_PI * d->dly)};
}

static inline double sin_at(sinpi_delay t, size_t n) { return n % 2 ? t.s : -t.s; }
static inline double cos_at(sinpi_delay t, size_t n) { return n % 2 ? -t.c : t.c; }

/* The pulse of spec §6a (hard sinc, as torch.sinc) or §6b (damped surrogate) into d->pulse. */
static void make_pulse(VX_R(vx_delay) *d, vx_delay_pulse kind)
{
    if (kind != VX_DELAY_PULSE_DAMPED) {
        const sinpi_delay t = sinpi_of(d);
#pragma omp parallel for schedule(static) num_threads(d->nthreads)
        for (size_t n = 0; n < d->len; n++) {
            double x = (double)n - d->dly;
            d->pulse[n] = x == 0 ? 1.0 : sin_at(t, n) / (M_PI * x);
        }
        return;
    }
    const double inv_len = 1.0 / (double)d->len;
#pragma omp parallel for schedule(static) num_threads(d->nthreads)
    for (size_t k0 = 0; k0 < d->nbins; k0 += SUR_RUN) {
        cplx s[SUR_RUN];
        for (size_t i = 0, m = surrogate_run(d, k0, s); i < m; i++)
            d->cbuf[0][k0 + i] = (vx_cpxr){(vx_real)(s[i].re * inv_len), (vx_real)(s[i].im * inv_len)};
    }
    VX_R(vx_fft_inverse)(d->plan, d->cbuf[0], d->fbuf[0]);
    for (size_t n = 0; n < d->len; n++)
        d->pulse[n] = d->fbuf[0][n];
}

/* Real spectrum of a double signal (through the vx_real FFT) into cbuf[j]. */
static void spectrum(VX_R(vx_delay) *d, const double *x, int j)
{
    for (size_t n = 0; n < d->len; n++)
        d->fbuf[j][n] = (vx_real)x[n];
    VX_R(vx_fft_forward)(d->plan, d->fbuf[j], d->cbuf[j]);
}

int VX_R(vx_delay_forward)(VX_R(vx_delay) *d, const vx_fx *fx, double eta, vx_delay_pulse pulse,
                     vx_real *left, vx_real *right, vx_err *e)
{
    d->ready = 0;
    d->dly = VX_FS * fx->delay.time_ms * 0.001;
    if ((d->n_echo = vx_delay_echo_count(fx, d->len)) < 0)
        return vx_err_set(e, "delay: time %g ms is outside [0, %g) ms", fx->delay.time_ms,
                          1000.0 * (double)d->len / VX_FS);
    d->fb = fx->delay.feedback;
    d->gain = fx->delay.gain;
    d->th[0] = fx->delay.odd_pan * M_PI / 2;
    d->th[1] = fx->delay.even_pan * M_PI / 2;
    d->eta = eta;
    d->kind = pulse;
    d->band = fx->delay.lpf;
    d->lpf = vx_biquad_design(VX_BQ_LOWPASS, 0, d->band.freq_hz, d->band.q, VX_FS);

    make_pulse(d, pulse);
    vx_biquad_filter_d(&d->lpf, d->pulse, d->shaped, d->len);
    spectrum(d, d->shaped, 0);
    const double inv_len = 1.0 / (double)d->len;
#pragma omp parallel for schedule(static) num_threads(d->nthreads)
    for (size_t k = 0; k < d->nbins; k++) {
        cplx oe[2];
        d->p[k] = (cplx){d->cbuf[0][k].re, d->cbuf[0][k].im};
        echo_sums(d->p[k], d->fb, d->n_echo, oe, NULL, NULL);
        for (int j = 0; j < 2; j++)
            d->cbuf[j][k] = (vx_cpxr){(vx_real)(oe[j].re * inv_len), (vx_real)(oe[j].im * inv_len)};
    }
#pragma omp parallel for num_threads(d->nthreads)
    for (int j = 0; j < 2; j++)
        VX_R(vx_fft_inverse)(d->plan, d->cbuf[j], d->h[j]);
    const double gl[2] = {M_SQRT2 * d->gain * cos(d->th[0]), M_SQRT2 * d->gain * cos(d->th[1])};
    const double gr[2] = {M_SQRT2 * d->gain * sin(d->th[0]), M_SQRT2 * d->gain * sin(d->th[1])};
    for (size_t n = 0; n < d->len; n++) {
        double o = d->h[0][n], e = d->h[1][n];
        left[n] = (vx_real)(gl[0] * o + gl[1] * e);
        right[n] = (vx_real)(gr[0] * o + gr[1] * e);
    }
    d->ready = 1;
    return 0;
}

/* dL/dD through p[n] = sinc(n - D) itself, from gbuf = dL/dp: sum_n gbuf[n] (-sinc'(n - D)),
 * sinc'(x) = (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 at x = 0 (torch.sinc's backward). */
static double sinc_time_grad(const VX_R(vx_delay) *d)
{
    const sinpi_delay t = sinpi_of(d);
    double s = 0;
    for (size_t n = 0; n < d->len; n++) {
        double x = (double)n - d->dly;
        if (x != 0)
            s -= d->gbuf[n] * (M_PI * x * cos_at(t, n) - sin_at(t, n)) / (M_PI * x * x);
    }
    return s;
}

/* Sum of the per-thread partials q, in thread order (deterministic for a thread count). */
static double part_sum(const VX_R(vx_delay) *d, int q)
{
    double s = 0;
    for (int t = 0; t < d->nthreads; t++)
        s += d->part[(size_t)t * NPART + q];
    return s;
}

/* Through the pans and the gain, for samples [t0, t1): fbuf[j] = dL/dh_j and the tile's
 * terms of dL/d(gain), dL/d(theta_odd), dL/d(theta_even) into out[0..2] (vx_psum_fn). */
typedef struct {
    VX_R(vx_delay) *d;
    const vx_real *gl, *gr;
} pan_grad_job;

static void pan_grad_tile(void *ctx, size_t t0, size_t t1, double *out)
{
    pan_grad_job *j = ctx;
    VX_R(vx_delay) *d = j->d;
    const vx_real *gl = j->gl, *gr = j->gr;
    const double c[2] = {cos(d->th[0]), cos(d->th[1])}, s[2] = {sin(d->th[0]), sin(d->th[1])};
    double dgain = 0, dth[2] = {0, 0};
    for (size_t n = t0; n < t1; n++)
        for (int k = 0; k < 2; k++) {
            double h = d->h[k][n], a = c[k] * gl[n] + s[k] * gr[n];
            dgain += M_SQRT2 * h * a;
            dth[k] += M_SQRT2 * d->gain * h * (c[k] * gr[n] - s[k] * gl[n]);
            d->fbuf[k][n] = (vx_real)(M_SQRT2 * d->gain * a);
        }
    out[0] += dgain, out[1] += dth[0], out[2] += dth[1];
}

int VX_R(vx_delay_backward)(VX_R(vx_delay) *d, const vx_real *gl, const vx_real *gr, vx_fx *grad,
                      double *g_eta, vx_err *e)
{
    if (!d->ready)
        return vx_err_set(e, "delay: backward pass before a forward one");
    /* pans and gain: dL/dh_j = sqrt2 g (cos th_j gl + sin th_j gr) */
    pan_grad_job job = {d, gl, gr};
    double sums[3]; /* gain, odd pan angle, even pan angle */
    vx_psum(d->len, 3, pan_grad_tile, &job, sums);
    grad->delay.gain += sums[0];
    grad->delay.odd_pan += sums[1] * M_PI / 2;
    grad->delay.even_pan += sums[2] * M_PI / 2;

    /* h_j = irfft(X_j) / len: dL/dX_j = (w_k / len) rfft(dL/dh_j), w_k = 2 inside, 1 at
     * DC and Nyquist. Then through the echo sums to dL/dP, and dL/dP to dL/d(LPF(p)):
     * the adjoint of the rfft is an unnormalised irfft of (dL/dP) / 2 inside, Re at the ends. */
#pragma omp parallel for num_threads(d->nthreads)
    for (int j = 0; j < 2; j++)
        VX_R(vx_fft_forward)(d->plan, d->fbuf[j], d->cbuf[j]);
    memset(d->part, 0, (size_t)d->nthreads * NPART * sizeof *d->part);
    const double inv_len = 1.0 / (double)d->len;
#pragma omp parallel num_threads(d->nthreads)
    {
        double *part = d->part + (size_t)omp_get_thread_num() * NPART;
#pragma omp for schedule(static)
        for (size_t k = 0; k < d->nbins; k++) {
            int edge = k == 0 || k == d->nbins - 1;
            double wk = (edge ? 1.0 : 2.0) * inv_len;
            cplx oe[2], d_dp[2], d_dfb[2], gp = {0, 0};
            echo_sums(d->p[k], d->fb, d->n_echo, oe, d_dp, d_dfb);
            for (int j = 0; j < 2; j++) {
                cplx gx = {wk * d->cbuf[j][k].re, edge ? 0.0 : wk * d->cbuf[j][k].im};
                cplx t = cjmul(d_dp[j], gx);
                gp.re += t.re, gp.im += t.im;
                part[PART_FB] += cjmul(gx, d_dfb[j]).re;
            }
            double half = edge ? 1.0 : 0.5;
            d->cbuf[0][k] = (vx_cpxr){(vx_real)(half * gp.re), edge ? 0 : (vx_real)(half * gp.im)};
        }
    }
    grad->delay.feedback += part_sum(d, PART_FB);
    VX_R(vx_fft_inverse)(d->plan, d->cbuf[0], d->fbuf[0]);
    for (size_t n = 0; n < d->len; n++)
        d->gbuf[n] = d->fbuf[0][n];

    /* the feedback low-pass (spec §6a: applied to the pulse before the powers) */
    vx_biquad gc = {0, 0, 0, 0, 0};
    vx_band gband = {0, 0, 0};
    vx_biquad_backward_d(&d->lpf, d->pulse, d->shaped, d->gbuf, d->gbuf, d->len, &gc);
    vx_biquad_grad_band(VX_BQ_LOWPASS, &d->band, VX_FS, &gc, &gband);
    grad->delay.lpf.freq_hz += gband.freq_hz;
    grad->delay.lpf.q += gband.q;

    if (d->kind == VX_DELAY_PULSE_SINC_EVAL) {
        grad->delay.time_ms += sinc_time_grad(d) * VX_FS * 0.001;
        return 0;
    }
    /* straight-through (spec §6b): dL/dp flows into p_s = irfft(S) / len, so
     * dL/dD = Re sum conj(G_k) (-j 2 pi k / L) S_k and dL/deta = Re sum conj(G_k) k S_k
     * with G = (w_k / len) rfft(dL/dp). */
    spectrum(d, d->gbuf, 0);
    memset(d->part, 0, (size_t)d->nthreads * NPART * sizeof *d->part);
#pragma omp parallel num_threads(d->nthreads)
    {
        double *part = d->part + (size_t)omp_get_thread_num() * NPART;
#pragma omp for schedule(static)
        for (size_t k0 = 0; k0 < d->nbins; k0 += SUR_RUN) {
            cplx sk[SUR_RUN];
            for (size_t i = 0, m = surrogate_run(d, k0, sk); i < m; i++) {
                size_t k = k0 + i; /* k = 0 adds nothing: S_0 = 1 depends on neither */
                int edge = k == d->nbins - 1;
                double wk = (edge ? 1.0 : 2.0) * inv_len;
                cplx g = {wk * d->cbuf[0][k].re, edge ? 0.0 : wk * d->cbuf[0][k].im};
                cplx t = cjmul(g, sk[i]);
                part[PART_D] += t.im * 2.0 * M_PI * (double)k * inv_len; /* Re(-j w t) = w Im t */
                part[PART_ETA] += t.re * (double)k;
            }
        }
    }
    grad->delay.time_ms += part_sum(d, PART_D) * VX_FS * 0.001;
    *g_eta += part_sum(d, PART_ETA);
    return 0;
}
