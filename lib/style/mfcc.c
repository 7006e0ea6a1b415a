/* MFCC frames of torchaudio.transforms.MFCC as DiffVox's style encoder configures it
 * (spec/pipeline.md §8.5), forward and the backward pass autograd takes. */
#include "style/encoder.h"

#include <math.h>
#include <stdlib.h>

#define TOP_DB 80.0   /* AmplitudeToDB's top_db: dB below the maximum where it clamps */
#define AMIN 1e-10    /* power floor before the log */
#define SAMPLE_RATE 44100.0

struct vx_mfcc {
    size_t n, frames;
    const vx_fft *fft;
    vx_cpxd *X;       /* [frames][VX_STFT_STRIDE] spectra */
    double *mel;      /* [frames][VX_MFCC_MELS] power */
    double *db;       /* [frames][VX_MFCC_MELS] 10 log10 max(mel, AMIN) */
    double *g_db;     /* d(loss)/d(db), from vx_mfcc_coeffs_backward */
    double floor_db, max_db, g_max_each;
    size_t max_count;
    int lo[VX_MFCC_MELS], hi[VX_MFCC_MELS]; /* bins [lo, hi] where a band's weight is > 0 */
    double *fb;       /* [VX_MFCC_MELS][VX_FRAME_BINS] weights */
    double dct[VX_MFCC_COEFFS][VX_MFCC_MELS];
};

static double hz_to_mel(double f) { return 2595.0 * log10(1.0 + f / 700.0); }
static double mel_to_hz(double m) { return 700.0 * (pow(10.0, m / 2595.0) - 1.0); }

/* torchaudio.functional.melscale_fbanks(1025, 0, sr/2, 128, sr, norm=None, mel_scale="htk"):
 * triangles between band edges equally spaced in HTK mel, bins at k sr / 2048. */
static void mel_filterbank(struct vx_mfcc *m)
{
    double f_pts[VX_MFCC_MELS + 2], m_max = hz_to_mel(SAMPLE_RATE / 2);
    for (int i = 0; i < VX_MFCC_MELS + 2; i++)
        f_pts[i] = mel_to_hz(m_max * i / (VX_MFCC_MELS + 1));
    for (int b = 0; b < VX_MFCC_MELS; b++) {
        m->lo[b] = VX_FRAME_BINS, m->hi[b] = -1;
        for (int k = 0; k < VX_FRAME_BINS; k++) {
            double f = k * (SAMPLE_RATE / 2) / (VX_FRAME_BINS - 1);
            double down = (f - f_pts[b]) / (f_pts[b + 1] - f_pts[b]);
            double up = (f_pts[b + 2] - f) / (f_pts[b + 2] - f_pts[b + 1]);
            double wgt = fmax(0.0, fmin(down, up));
            m->fb[b * VX_FRAME_BINS + k] = wgt;
            if (wgt > 0) {
                if (k < m->lo[b])
                    m->lo[b] = k;
                m->hi[b] = k;
            }
        }
    }
}

/* torchaudio.functional.create_dct(25, 128, "ortho"): DCT-II, rows of unit length. */
static void dct_ortho(double dct[VX_MFCC_COEFFS][VX_MFCC_MELS])
{
    for (int k = 0; k < VX_MFCC_COEFFS; k++)
        for (int i = 0; i < VX_MFCC_MELS; i++)
            dct[k][i] = cos(M_PI / VX_MFCC_MELS * (i + 0.5) * k) * sqrt(2.0 / VX_MFCC_MELS) *
                        (k == 0 ? M_SQRT1_2 : 1.0);
}

vx_mfcc *vx_mfcc_new(size_t n)
{
    struct vx_mfcc *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n = n, m->frames = vx_frames(n);
    size_t cells = m->frames * VX_MFCC_MELS;
    m->fft = vx_fft_get_d(VX_FRAME_LEN);
    m->X = vx_fft_alloc(m->frames * VX_STFT_STRIDE * sizeof *m->X);
    m->mel = malloc(cells * sizeof *m->mel);
    m->db = malloc(cells * sizeof *m->db);
    m->g_db = malloc(cells * sizeof *m->g_db);
    m->fb = malloc(VX_MFCC_MELS * VX_FRAME_BINS * sizeof *m->fb);
    if (!m->frames || !m->fft || !m->X || !m->mel || !m->db || !m->g_db || !m->fb) {
        vx_mfcc_free(m);
        return NULL;
    }
    mel_filterbank(m);
    dct_ortho(m->dct);
    return m;
}

void vx_mfcc_free(vx_mfcc *m)
{
    if (m)
        free(m->X), free(m->mel), free(m->db), free(m->g_db), free(m->fb), free(m);
}

static void mfcc_frame(void *ctx, size_t t, const vx_cpxd *X)
{
    struct vx_mfcc *m = ctx;
    double power[VX_FRAME_BINS];
#pragma omp simd
    for (int k = 0; k < VX_FRAME_BINS; k++)
        power[k] = X[k].re * X[k].re + X[k].im * X[k].im;
    for (int b = 0; b < VX_MFCC_MELS; b++) {
        const double *w = m->fb + b * VX_FRAME_BINS;
        double s = 0;
        for (int k = m->lo[b]; k <= m->hi[b]; k++)
            s += w[k] * power[k];
        m->mel[t * VX_MFCC_MELS + b] = s;
        m->db[t * VX_MFCC_MELS + b] = 10.0 * log10(s > AMIN ? s : AMIN);
    }
}

double vx_mfcc_db(vx_mfcc *m, const double *x)
{
    vx_stft_each(m->fft, x, m->frames, m->X, mfcc_frame, m);
    size_t cells = m->frames * VX_MFCC_MELS;
    m->max_db = m->db[0], m->max_count = 0;
    for (size_t i = 0; i < cells; i++)
        m->max_db = fmax(m->max_db, m->db[i]);
    for (size_t i = 0; i < cells; i++)
        m->max_count += m->db[i] == m->max_db;
    return m->max_db;
}

double vx_mfcc_weight(const vx_mfcc *m, int band, int bin) { return m->fb[band * VX_FRAME_BINS + bin]; }

double vx_mfcc_dct(const vx_mfcc *m, int coeff, int band) { return m->dct[coeff][band]; }

double vx_mfcc_max_db(const vx_mfcc *m) { return m->max_db; }

size_t vx_mfcc_max_count(const vx_mfcc *m) { return m->max_count; }

void vx_mfcc_coeffs(vx_mfcc *m, double floor_db, double *c)
{
    m->floor_db = floor_db;
#pragma omp parallel for schedule(static)
    for (size_t t = 0; t < m->frames; t++) {
        const double *db = m->db + t * VX_MFCC_MELS;
        double clamped[VX_MFCC_MELS];
        for (int b = 0; b < VX_MFCC_MELS; b++)
            clamped[b] = db[b] > floor_db ? db[b] : floor_db;
        for (int k = 0; k < VX_MFCC_COEFFS; k++) {
            double s = 0;
            for (int b = 0; b < VX_MFCC_MELS; b++)
                s += m->dct[k][b] * clamped[b];
            c[k * m->frames + t] = s;
        }
    }
}

/* torch.max(db, floor) passes the gradient to the larger, half to each on a tie. */
double vx_mfcc_coeffs_backward(vx_mfcc *m, const double *g_c)
{
    double g_floor = 0;
#pragma omp parallel for schedule(static) reduction(+ : g_floor)
    for (size_t t = 0; t < m->frames; t++) {
        const double *db = m->db + t * VX_MFCC_MELS;
        double *g_db = m->g_db + t * VX_MFCC_MELS;
        double g[VX_MFCC_MELS] = {0};
        for (int k = 0; k < VX_MFCC_COEFFS; k++) { /* rows of the DCT, so the inner loop is contiguous */
            double gk = g_c[k * m->frames + t];
            for (int b = 0; b < VX_MFCC_MELS; b++)
                g[b] += m->dct[k][b] * gk;
        }
        for (int b = 0; b < VX_MFCC_MELS; b++) {
            double to_db = db[b] > m->floor_db ? 1 : db[b] == m->floor_db ? 0.5 : 0;
            g_db[b] = to_db * g[b];
            g_floor += (1 - to_db) * g[b];
        }
    }
    return g_floor;
}

/* Frame t's spectral gradient: dB -> mel power (none where the AMIN clamp holds) -> bins. */
static int mfcc_frame_grad(void *ctx, size_t t, const vx_cpxd *X, vx_cpxd *G, double *g_frame)
{
    (void)g_frame;
    const struct vx_mfcc *m = ctx;
    const double *db = m->db + t * VX_MFCC_MELS, *mel = m->mel + t * VX_MFCC_MELS;
    const double *g_db = m->g_db + t * VX_MFCC_MELS;
    double g_power[VX_FRAME_BINS] = {0};
    for (int b = 0; b < VX_MFCC_MELS; b++) {
        if (mel[b] < AMIN)
            continue;
        double g = g_db[b] + (db[b] == m->max_db ? m->g_max_each : 0);
        double g_mel = g * 10.0 / (M_LN10 * mel[b]);
        const double *w = m->fb + b * VX_FRAME_BINS;
        for (int k = m->lo[b]; k <= m->hi[b]; k++)
            g_power[k] += w[k] * g_mel;
    }
#pragma omp simd
    for (int k = 0; k < VX_FRAME_BINS; k++) /* |X|^2 */
        G[k].re = 2 * X[k].re * g_power[k], G[k].im = 2 * X[k].im * g_power[k];
    return 0;
}

void vx_mfcc_db_backward(vx_mfcc *m, double g_max, double *g_x)
{
    m->g_max_each = g_max / (double)m->max_count;
    vx_stft_backward(m->fft, m->X, m->frames, mfcc_frame_grad, m, g_x);
}
