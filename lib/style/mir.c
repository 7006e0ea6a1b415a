/* MIR frame features of DiffVox's style encoder (modules/encoder.py, spec/pipeline.md §8.5),
 * forward and the backward pass autograd takes. EPS is the 1e-8 that every feature adds
 * before its log and that clamps the spectrum's sum and magnitudes. */
#include "style/encoder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-8

enum { F_RMS, F_CREST, F_SPREAD, F_CENTROID, F_BANDWIDTH, F_FLATNESS };

/* What a frame's backward pass needs of its features. */
typedef struct {
    double rms, peak; /* sqrt(mean x^2) and max |x| of the frame */
    int peak_count;   /* samples at the peak */
    double sum;      /* sum_k |X_k| */
    double centroid; /* sum_k p_k f_k with p_k = |X_k| / max(sum, EPS), f_k = k / 1024 */
    double centre;   /* exp(log(centroid + EPS)), the bandwidth's centre */
    double spread2;  /* sum_k p_k (f_k - centre)^2 */
    double mean_pow; /* mean_k max(|X_k|, EPS)^2 */
} frame_info;

struct vx_mir {
    size_t n, frames;
    const vx_fft *fft;
    vx_cpxd *X;     /* [frames][VX_STFT_STRIDE] spectra */
    double *x;      /* copy of the input */
    frame_info *info; /* [frames] */
    double *feat;     /* [VX_MIR_FEATURES][frames], during vx_mir_features */
    const double *g_feat;
};

vx_mir *vx_mir_new(size_t n)
{
    struct vx_mir *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n = n, m->frames = vx_frames(n);
    m->fft = vx_fft_get_d(VX_FRAME_LEN);
    m->X = vx_fft_alloc(m->frames * VX_STFT_STRIDE * sizeof *m->X);
    m->x = malloc(n * sizeof *m->x);
    m->info = malloc(m->frames * sizeof *m->info);
    if (!m->frames || !m->fft || !m->X || !m->x || !m->info) {
        vx_mir_free(m);
        return NULL;
    }
    return m;
}

void vx_mir_free(vx_mir *m)
{
    if (m)
        free(m->X), free(m->x), free(m->info), free(m);
}

static double bin_freq(int k) { return (double)k / (VX_FRAME_BINS - 1); } /* linspace(0, 1, 1025) */

static double max2(double a, double b) { return a > b ? a : b; } /* fmax is a call in libm */

/* sum_i log v_i of positive v[n] with one log per call: products of 8 (v_i >= 1e-8 keeps
 * them above 1e-64) renormalised by frexp, as accurate as the sum of the logs. */
static double sum_log(const double *v, int n)
{
    double prod = 1;
    long exponent = 0;
    for (int i = 0; i < n; i += 8) {
        for (int j = i; j < i + 8 && j < n; j++)
            prod *= v[j];
        int e;
        prod = frexp(prod, &e);
        exponent += e;
    }
    return log(prod) + (double)exponent * M_LN2;
}

/* |X_k| of a frame's spectrum. */
static void magnitudes(const vx_cpxd *X, double *mag)
{
#pragma omp simd
    for (int k = 0; k < VX_FRAME_BINS; k++)
        mag[k] = sqrt(X[k].re * X[k].re + X[k].im * X[k].im);
}

/* log RMS, log crest and log spread of one frame (unwindowed). */
static void time_features(const double *x, frame_info *f, double *rms, double *crest, double *spread)
{
    double s2 = 0, peak = 0, shifted[VX_FRAME_LEN];
#pragma omp simd reduction(+ : s2) reduction(max : peak)
    for (int i = 0; i < VX_FRAME_LEN; i++) {
        double a = fabs(x[i]);
        s2 += x[i] * x[i];
        peak = max2(peak, a);
        shifted[i] = a + EPS;
    }
    int count = 0;
#pragma omp simd reduction(+ : count)
    for (int i = 0; i < VX_FRAME_LEN; i++)
        count += fabs(x[i]) == peak;
    f->rms = sqrt(s2 / VX_FRAME_LEN), f->peak = peak, f->peak_count = count;
    double log_rms = log(f->rms + EPS);
    *rms = log_rms;
    *crest = log(peak + EPS) - log_rms;
    *spread = sum_log(shifted, VX_FRAME_LEN) / VX_FRAME_LEN - log_rms;
}

static void spectral_features(const vx_cpxd *X, frame_info *f, double *centroid, double *bandwidth,
                              double *flatness)
{
    double mag[VX_FRAME_BINS], floored[VX_FRAME_BINS], sum = 0, pow_sum = 0;
    magnitudes(X, mag);
#pragma omp simd reduction(+ : sum, pow_sum)
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        sum += mag[k];
        floored[k] = max2(mag[k], EPS);
        pow_sum += floored[k] * floored[k];
    }
    double inv_norm = 1 / max2(sum, EPS), c = 0; /* p_k = |X_k| inv_norm */
#pragma omp simd reduction(+ : c)
    for (int k = 0; k < VX_FRAME_BINS; k++)
        c += mag[k] * inv_norm * bin_freq(k);
    double log_c = log(c + EPS), centre = exp(log_c), spread2 = 0;
#pragma omp simd reduction(+ : spread2)
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        double d = bin_freq(k) - centre;
        spread2 += mag[k] * inv_norm * d * d;
    }
    f->sum = sum, f->centroid = c, f->centre = centre, f->spread2 = spread2;
    f->mean_pow = pow_sum / VX_FRAME_BINS;
    *centroid = log_c;
    *bandwidth = 0.5 * log(spread2 + EPS);
    *flatness = 2 * sum_log(floored, VX_FRAME_BINS) / VX_FRAME_BINS - log(f->mean_pow);
}

static void mir_frame(void *ctx, size_t t, const vx_cpxd *X)
{
    struct vx_mir *m = ctx;
    double *feat = m->feat;
    size_t T = m->frames;
    time_features(m->x + t * VX_FRAME_HOP, &m->info[t], &feat[F_RMS * T + t], &feat[F_CREST * T + t],
                  &feat[F_SPREAD * T + t]);
    spectral_features(X, &m->info[t], &feat[F_CENTROID * T + t], &feat[F_BANDWIDTH * T + t],
                      &feat[F_FLATNESS * T + t]);
}

void vx_mir_features(vx_mir *m, const double *x, double *feat)
{
    memcpy(m->x, x, m->n * sizeof *x);
    m->feat = feat;
    vx_stft_each(m->fft, m->x, m->frames, m->X, mir_frame, m);
}

/* g = d(loss)/d(frame samples) of the time features. A frame of zeros has no RMS gradient
 * (autograd's sqrt gives 0 * inf = NaN there); the peak's gradient is shared among the
 * samples that reach it, as amax's is; |x| has no gradient at 0, as autograd's abs. */
static void time_grad(const double *x, const frame_info *f, double g_rms, double g_crest, double g_spread,
                      double *g)
{
    double g_log_rms = g_rms - g_crest - g_spread;
    double per_x = f->rms > 0 ? g_log_rms / (f->rms + EPS) / (VX_FRAME_LEN * f->rms) : 0;
    double per_log = g_spread / VX_FRAME_LEN;
#pragma omp simd
    for (int i = 0; i < VX_FRAME_LEN; i++) {
        double d = per_log / (fabs(x[i]) + EPS);
        g[i] = per_x * x[i] + (x[i] > 0 ? d : x[i] < 0 ? -d : 0.0);
    }
    double g_peak = g_crest / (f->peak + EPS) / f->peak_count;
    for (int i = 0; i < VX_FRAME_LEN; i++)
        if (fabs(x[i]) == f->peak && x[i] != 0)
            g[i] += x[i] > 0 ? g_peak : -g_peak;
}

/* (d loss/d Re X_k, d loss/d Im X_k) of the spectral features. */
static void spectral_grad(const vx_cpxd *X, const frame_info *s, double g_centroid, double g_bandwidth,
                          double g_flatness, vx_cpxd *G)
{
    double mag[VX_FRAME_BINS], g_p[VX_FRAME_BINS], inv_norm = 1 / max2(s->sum, EPS);
    double g_spread2 = 0.5 * g_bandwidth / (s->spread2 + EPS), moment = 0;
    magnitudes(X, mag);
#pragma omp simd reduction(+ : moment)
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        double d = bin_freq(k) - s->centre;
        g_p[k] = g_spread2 * d * d;
        moment += mag[k] * d;
    }
    /* centre = exp(log(centroid + EPS)) */
    double g_centre = -2 * g_spread2 * inv_norm * moment;
    double g_c = (g_centroid + g_centre * s->centre) / (s->centroid + EPS), weighted = 0;
#pragma omp simd reduction(+ : weighted)
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        g_p[k] += g_c * bin_freq(k);
        weighted += g_p[k] * mag[k];
    }
    /* through the normaliser, unless its clamp holds */
    double g_norm = s->sum < EPS ? 0 : -weighted * inv_norm * inv_norm;
    /* flatness, mean log q - log mean q with q = max(|X|, EPS)^2, divided by |X| below */
    double flat = 2 * g_flatness / VX_FRAME_BINS, inv_mean_pow = 1 / s->mean_pow;
#pragma omp simd
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        double r = mag[k] > 0 ? 1 / mag[k] : 0;
        double u = (g_p[k] * inv_norm + g_norm) * r + (mag[k] >= EPS ? flat * (r * r - inv_mean_pow) : 0);
        G[k].re = u * X[k].re, G[k].im = u * X[k].im; /* d|X|/dX = X / |X| */
    }
}

static int mir_frame_grad(void *ctx, size_t t, const vx_cpxd *X, vx_cpxd *G, double *g_frame)
{
    const struct vx_mir *m = ctx;
    const double *g = m->g_feat;
    size_t T = m->frames;
    time_grad(m->x + t * VX_FRAME_HOP, &m->info[t], g[F_RMS * T + t], g[F_CREST * T + t], g[F_SPREAD * T + t],
              g_frame);
    spectral_grad(X, &m->info[t], g[F_CENTROID * T + t], g[F_BANDWIDTH * T + t], g[F_FLATNESS * T + t], G);
    return 1;
}

void vx_mir_backward(vx_mir *m, const double *g_feat, double *g_x)
{
    m->g_feat = g_feat;
    vx_stft_backward(m->fft, m->X, m->frames, mir_frame_grad, m, g_x);
}
