/* Double-precision reference of the DiffVox loss for the loss unit tests: plain code for
 * spec/pipeline.md §1.2-1.7 (its own radix-2 FFT, direct FIR, envelopes), sharing nothing
 * with lib/loss but the A-weighting taps, whose values test_aweight checks. */
#ifndef VX_TEST_LOSS_REF_H
#define VX_TEST_LOSS_REF_H

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REF_MAXRES 4

/* In-place forward DFT of a[0..n), n a power of two: A[k] = sum a[t] e^{-2 pi i k t / n}. */
static inline void ref_fft(double complex *a, int n)
{
    for (int i = 1, j = 0; i < n; i++) {
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double complex t = a[i];
            a[i] = a[j], a[j] = t;
        }
    }
    for (int len = 2; len <= n; len <<= 1) {
        double complex w = cexp(-2.0 * M_PI * I / len);
        for (int i = 0; i < n; i += len) {
            double complex wk = 1;
            for (int k = 0; k < len / 2; k++, wk *= w) {
                double complex u = a[i + k], v = a[i + k + len / 2] * wk;
                a[i + k] = u + v, a[i + k + len / 2] = u - v;
            }
        }
    }
}

/* Sample t of x under centred reflect padding by n/2 (§1.3), frame m, offset j. */
static inline int ref_frame_index(int T, int n, int hop, int m, int j)
{
    int i = m * hop + j - n / 2;
    return i < 0 ? -i : (i >= T ? 2 * (T - 1) - i : i);
}

/* Spectrum (n/2 + 1 bins) of frame m of x with the periodic Hann window. */
static inline void ref_frame(const double *x, int T, int n, int hop, int m, double complex *z)
{
    double complex *a = malloc(n * sizeof *a);
    for (int j = 0; j < n; j++)
        a[j] = (0.5 - 0.5 * cos(2 * M_PI * j / n)) * x[ref_frame_index(T, n, hop, m, j)];
    ref_fft(a, n);
    memcpy(z, a, (n / 2 + 1) * sizeof *z);
    free(a);
}

static inline double ref_mag(double complex z)
{
    double p = creal(z) * creal(z) + cimag(z) * cimag(z);
    return sqrt(p < 1e-8 ? 1e-8 : p);
}

/* Sums of frame m for groups 0 = L and R, 1 = L+R, 2 = L-R: s[0..2] = sum (Y - X)^2,
 * s[3..5] = sum Y^2, s[6..8] = sum |ln X - ln Y|. */
static inline void ref_frame_sums(const double *pl, const double *pr, const double *yl,
                           const double *yr, int T, int n, int hop, int m, double s[9])
{
    int nb = n / 2 + 1;
    double complex *z = malloc(4 * nb * sizeof *z);
    ref_frame(pl, T, n, hop, m, z);
    ref_frame(pr, T, n, hop, m, z + nb);
    ref_frame(yl, T, n, hop, m, z + 2 * nb);
    ref_frame(yr, T, n, hop, m, z + 3 * nb);
    memset(s, 0, 9 * sizeof *s);
    for (int k = 0; k < nb; k++) {
        double complex xl = z[k], xr = z[nb + k], tl = z[2 * nb + k], tr = z[3 * nb + k];
        double complex xs[4] = {xl, xr, xl + xr, xl - xr}, ys[4] = {tl, tr, tl + tr, tl - tr};
        for (int b = 0; b < 4; b++) {
            int g = b < 2 ? 0 : b - 1;
            double X = ref_mag(xs[b]), Y = ref_mag(ys[b]);
            s[g] += (Y - X) * (Y - X);
            s[3 + g] += Y * Y;
            s[6 + g] += fabs(log(X) - log(Y));
        }
    }
    free(z);
}

static inline int ref_frames(int T, int hop) { return 1 + T / hop; }

/* Centred 101-tap FIR in double with the given taps (§1.2). */
static inline void ref_aweight(const float *h, const double *x, int T, double *y)
{
    for (int t = 0; t < T; t++) {
        double acc = 0;
        for (int k = 0; k < 101; k++) {
            int s = t + k - 50;
            if (s >= 0 && s < T)
                acc += h[k] * x[s];
        }
        y[t] = acc;
    }
}

/* Coefficients of one MLDR pair with the float32 rounding the reference has (§1.6). */
typedef struct {
    double cs, fs, cl, fl;
    int shift;
} ref_pair;

static inline ref_pair ref_pair_make(double ts, double tl)
{
    float cs = 1.0f - expf(-2200.0f / (float)ts / 44100.0f);
    float cl = 1.0f - expf(-2200.0f / (float)tl / 44100.0f);
    return (ref_pair){cs, 1.0f - cs, cl, 1.0f - cl, (int)(44100.0 * (tl - ts) * 0.0005)};
}

/* d[n] = ln a_s[n] - ln a_l[(n + s) mod T] of x, the per-signal roll (DESIGN.md 4). */
static inline void ref_ldr_d(const ref_pair *p, const double *x, int T, double *d)
{
    double *as = malloc(T * sizeof *as), *al = malloc(T * sizeof *al), s = 0, l = 0;
    for (int n = 0; n < T; n++) {
        double pw = x[n] * x[n] < 1e-8 ? 1e-8 : x[n] * x[n];
        as[n] = s = p->cs * pw + p->fs * s;
        al[n] = l = p->cl * pw + p->fl * l;
    }
    for (int n = 0; n < T; n++)
        d[n] = log(as[n]) - log(al[(n + p->shift) % T]);
    free(as), free(al);
}

/* sum_n |d_x[n] - d_y[n]| of one pair. */
static inline double ref_ldr_sum(const ref_pair *p, const double *x, const double *y, int T)
{
    double *dx = malloc(T * sizeof *dx), *dy = malloc(T * sizeof *dy), s = 0;
    ref_ldr_d(p, x, T, dx);
    ref_ldr_d(p, y, T, dy);
    for (int n = 0; n < T; n++)
        s += fabs(dx[n] - dy[n]);
    free(dx), free(dy);
    return s;
}

/* The loss configuration a reference computation uses. */
typedef struct {
    int nres, nfft[REF_MAXRES], hop[REF_MAXRES];
    double ts[2], tl[2];
    double w[4]; /* mss_lr, mss_ms, mldr_lr, mldr_ms */
} ref_cfg;

typedef struct {
    double mss_lr, mss_ms, mldr_lr, mldr_ms, total, res[REF_MAXRES];
} ref_parts;

/* The loss of a batch of B stereo items (§1.3-1.7): p[2i], p[2i+1] are item i's L and R
 * (T samples each), y likewise; h the A-weighting taps. */
static inline ref_parts ref_loss(const ref_cfg *c, const float *h, double *const *p,
                                 double *const *y, int B, int T)
{
    ref_parts out = {0};
    double *aw = malloc(4 * T * sizeof *aw);
    double sums[REF_MAXRES][9] = {{0}};
    for (int i = 0; i < B; i++) {
        ref_aweight(h, p[2 * i], T, aw);
        ref_aweight(h, p[2 * i + 1], T, aw + T);
        ref_aweight(h, y[2 * i], T, aw + 2 * T);
        ref_aweight(h, y[2 * i + 1], T, aw + 3 * T);
        for (int r = 0; r < c->nres; r++)
            for (int m = 0; m < ref_frames(T, c->hop[r]); m++) {
                double s[9];
                ref_frame_sums(aw, aw + T, aw + 2 * T, aw + 3 * T, T, c->nfft[r], c->hop[r], m, s);
                for (int k = 0; k < 9; k++)
                    sums[r][k] += s[k];
            }
    }
    for (int r = 0; r < c->nres; r++) {
        double cells = (double)(c->nfft[r] / 2 + 1) * ref_frames(T, c->hop[r]);
        double term[3];
        for (int g = 0; g < 3; g++)
            term[g] = sqrt(sums[r][g]) / sqrt(sums[r][3 + g]) +
                      sums[r][6 + g] / (B * (g ? 1 : 2) * cells);
        out.res[r] = term[0];
        out.mss_lr += term[0] / c->nres;
        out.mss_ms += (term[1] + term[2]) / (2.0 * c->nres);
    }
    double *xr = malloc(2 * T * sizeof *xr), *yr = xr + T;
    for (int i = 0; i < B; i++)
        for (int row = 0; row < 4; row++) {
            double a = row == 0 ? 1 : row == 1 ? 0 : M_SQRT1_2;
            double b = row == 0 ? 0 : row == 1 ? 1 : row == 2 ? M_SQRT1_2 : -M_SQRT1_2;
            for (int n = 0; n < T; n++) {
                xr[n] = a * p[2 * i][n] + b * p[2 * i + 1][n];
                yr[n] = a * y[2 * i][n] + b * y[2 * i + 1][n];
            }
            for (int k = 0; k < 2; k++) {
                ref_pair pr = ref_pair_make(c->ts[k], c->tl[k]);
                double s = ref_ldr_sum(&pr, xr, yr, T) / (2.0 * B * T);
                if (row < 2)
                    out.mldr_lr += s;
                else
                    out.mldr_ms += s;
            }
        }
    free(xr);
    free(aw);
    out.total = c->w[0] * out.mss_lr + c->w[1] * out.mss_ms + c->w[2] * out.mldr_lr +
                c->w[3] * out.mldr_ms;
    return out;
}

/* A fixed-seed generator for test signals: uniform in [-1, 1). */
static inline double ref_urand(unsigned long long *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*state >> 11) / 4503599627370496.0 - 1.0;
}

#endif
