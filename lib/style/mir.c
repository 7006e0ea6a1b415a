/* MIR frame features of DiffVox's style encoder (modules/encoder.py, spec/pipeline.md §8.5),
 * forward and the backward pass autograd takes. EPS is the 1e-8 that every feature adds
 * before its log and that clamps the spectrum's sum and magnitudes. */
#include "style/encoder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-8

enum { F_RMS, F_CREST, F_SPREAD, F_CENTROID, F_BANDWIDTH, F_FLATNESS };

/* What a frame's backward pass needs of its spectral features. */
typedef struct {
    double sum;      /* sum_k |X_k| */
    double centroid; /* sum_k p_k f_k with p_k = |X_k| / max(sum, EPS), f_k = k / 1024 */
    double centre;   /* exp(log(centroid + EPS)), the bandwidth's centre */
    double spread2;  /* sum_k p_k (f_k - centre)^2 */
    double mean_pow; /* mean_k max(|X_k|, EPS)^2 */
} spectral;

struct vx_mir {
    size_t n, frames;
    const vx_fft *fft;
    vx_cpxd *X;     /* [frames][VX_STFT_STRIDE] */
    double *x;      /* copy of the input */
    spectral *spec; /* [frames] */
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
    m->spec = malloc(m->frames * sizeof *m->spec);
    if (!m->frames || !m->fft || !m->X || !m->x || !m->spec) {
        vx_mir_free(m);
        return NULL;
    }
    return m;
}

void vx_mir_free(vx_mir *m)
{
    if (m)
        free(m->X), free(m->x), free(m->spec), free(m);
}

static double bin_freq(int k) { return (double)k / (VX_FRAME_BINS - 1); } /* linspace(0, 1, 1025) */

/* log RMS, log crest and log spread of one frame (unwindowed). */
static void time_features(const double *x, double *rms, double *crest, double *spread)
{
    double s2 = 0, peak = 0, logs = 0;
    for (int i = 0; i < VX_FRAME_LEN; i++) {
        s2 += x[i] * x[i];
        peak = fmax(peak, fabs(x[i]));
        logs += log(fabs(x[i]) + EPS);
    }
    double log_rms = log(sqrt(s2 / VX_FRAME_LEN) + EPS);
    *rms = log_rms;
    *crest = log(peak + EPS) - log_rms;
    *spread = logs / VX_FRAME_LEN - log_rms;
}

static void spectral_features(const vx_cpxd *X, spectral *s, double *centroid, double *bandwidth,
                              double *flatness)
{
    double mag[VX_FRAME_BINS], sum = 0, logpow = 0, pow_sum = 0;
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        mag[k] = hypot(X[k].re, X[k].im);
        sum += mag[k];
        double q = fmax(mag[k], EPS);
        logpow += log(q * q), pow_sum += q * q;
    }
    double norm = fmax(sum, EPS), c = 0;
    for (int k = 0; k < VX_FRAME_BINS; k++)
        c += mag[k] / norm * bin_freq(k);
    double log_c = log(c + EPS), centre = exp(log_c), spread2 = 0;
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        double d = bin_freq(k) - centre;
        spread2 += mag[k] / norm * d * d;
    }
    *s = (spectral){sum, c, centre, spread2, pow_sum / VX_FRAME_BINS};
    *centroid = log_c;
    *bandwidth = 0.5 * log(spread2 + EPS);
    *flatness = logpow / VX_FRAME_BINS - log(s->mean_pow);
}

void vx_mir_features(vx_mir *m, const double *x, double *feat)
{
    size_t T = m->frames;
    memcpy(m->x, x, m->n * sizeof *x);
    vx_stft(m->fft, x, T, m->X);
#pragma omp parallel for schedule(static)
    for (size_t t = 0; t < T; t++) {
        time_features(x + t * VX_FRAME_HOP, &feat[F_RMS * T + t], &feat[F_CREST * T + t],
                      &feat[F_SPREAD * T + t]);
        spectral_features(m->X + t * VX_STFT_STRIDE, &m->spec[t], &feat[F_CENTROID * T + t],
                          &feat[F_BANDWIDTH * T + t], &feat[F_FLATNESS * T + t]);
    }
}

static double sign(double v) { return (v > 0) - (v < 0); }

/* d(loss)/d(frame samples) of the time features. A frame of zeros has no RMS gradient
 * (autograd's sqrt gives 0 * inf = NaN there); the peak's gradient is shared among the
 * samples that reach it, as amax's is. */
static void time_grad(const double *x, double g_rms, double g_crest, double g_spread, double *g)
{
    double s2 = 0, peak = 0;
    for (int i = 0; i < VX_FRAME_LEN; i++)
        s2 += x[i] * x[i], peak = fmax(peak, fabs(x[i]));
    double r = sqrt(s2 / VX_FRAME_LEN), g_log_rms = g_rms - g_crest - g_spread;
    double per_x = r > 0 ? g_log_rms / (r + EPS) / (VX_FRAME_LEN * r) : 0;
    int ties = 0;
    for (int i = 0; i < VX_FRAME_LEN; i++)
        ties += fabs(x[i]) == peak;
    double g_peak = g_crest / (peak + EPS) / ties;
    for (int i = 0; i < VX_FRAME_LEN; i++) {
        double a = fabs(x[i]);
        g[i] += per_x * x[i] + sign(x[i]) * (g_spread / VX_FRAME_LEN / (a + EPS) + (a == peak ? g_peak : 0));
    }
}

/* (d loss/d Re X_k, d loss/d Im X_k) of the spectral features. */
static void spectral_grad(const vx_cpxd *X, const spectral *s, double g_centroid, double g_bandwidth,
                          double g_flatness, vx_cpxd *G)
{
    double mag[VX_FRAME_BINS], g_p[VX_FRAME_BINS], norm = fmax(s->sum, EPS);
    double g_spread2 = 0.5 * g_bandwidth / (s->spread2 + EPS), g_centre = 0;
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        mag[k] = hypot(X[k].re, X[k].im);
        double d = bin_freq(k) - s->centre;
        g_p[k] = g_spread2 * d * d;
        g_centre -= 2 * g_spread2 * mag[k] / norm * d;
    }
    /* centre = exp(log(centroid + EPS)) */
    double g_c = (g_centroid + g_centre * s->centre) / (s->centroid + EPS), g_norm = 0;
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        g_p[k] += g_c * bin_freq(k);
        g_norm -= g_p[k] * mag[k] / (norm * norm);
    }
    if (s->sum < EPS) /* the clamp holds the normaliser */
        g_norm = 0;
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        double g_mag = g_p[k] / norm + g_norm;
        if (mag[k] >= EPS) { /* flatness: mean log q - log mean q, q = max(|X|, EPS)^2 */
            double q = mag[k] * mag[k];
            g_mag += g_flatness / VX_FRAME_BINS * (1 / q - 1 / s->mean_pow) * 2 * mag[k];
        }
        double u = mag[k] > 0 ? g_mag / mag[k] : 0; /* |X| */
        G[k] = (vx_cpxd){u * X[k].re, u * X[k].im};
    }
}

static void mir_frame_grad(void *ctx, size_t t, vx_cpxd *G, double *g_frame)
{
    const struct vx_mir *m = ctx;
    const double *g = m->g_feat;
    size_t T = m->frames;
    time_grad(m->x + t * VX_FRAME_HOP, g[F_RMS * T + t], g[F_CREST * T + t], g[F_SPREAD * T + t], g_frame);
    spectral_grad(m->X + t * VX_STFT_STRIDE, &m->spec[t], g[F_CENTROID * T + t], g[F_BANDWIDTH * T + t],
                  g[F_FLATNESS * T + t], G);
}

void vx_mir_backward(vx_mir *m, const double *g_feat, double *g_x)
{
    m->g_feat = g_feat;
    vx_stft_backward(m->fft, m->frames, mir_frame_grad, m, g_x);
}
