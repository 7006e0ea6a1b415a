/* The post-compressor response for rendering (see impulse.h): with q the delay's and f the
 * FDN's responses, h_o = dry_o delta + q_o + sum_i f_oi (delta + s q_i) as in response.c. */
#include "impulse.h"
#include "dsp/fft.h"
#include "fx/delay.h"
#include "fx/fdn.h"
#include "response.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The delay surrogate's damping does not affect a render; this is its initial value. */
#define RENDER_ETA -0.01

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

size_t vx_impulse_len(size_t n) { return n ? min_sz(n, vx_response_len()) : vx_response_len(); }

/* The support of a product of two segments of lq samples: no wrap-around. */
size_t vx_impulse_grid(size_t n)
{
    size_t lq = min_sz(VX_DELAY_LEN, vx_impulse_len(n));
    return vx_fft_fast_len(2 * lq - 1);
}

/* The products s f_oi * q_i by overlap-add: f in segments of lq samples, each segment's
 * product on a grid of about 2 lq points (a 16 s grid would need four times the memory and
 * its FFT tables, for 20 % fewer transform points). */
typedef struct {
    const vx_fft *plan;
    size_t grid, bins, seg;
    int threads;
    vx_cpx *Q[2];              /* spectra of q_i, times s / grid */
    float *time[2];            /* per thread: a zero-padded signal */
    vx_cpx *A[2][2];           /* per thread: the spectra of two segments */
} grid;

static void grid_free(grid *g)
{
    for (int i = 0; i < 2; i++)
        free(g->Q[i]), free(g->time[i]), free(g->A[i][0]), free(g->A[i][1]);
}

/* Spectrum of x[len] zero-padded to the grid, with thread t's time buffer. */
static void transform(const grid *g, int t, const float *x, size_t len, vx_cpx *out)
{
    memcpy(g->time[t], x, len * sizeof *x);
    memset(g->time[t] + len, 0, (g->grid - len) * sizeof(float));
    vx_fft_forward(g->plan, g->time[t], out);
}

/* h_o[t] for t < len: dry_o delta + q_o + f_o0 + f_o1, summed in time, then the products. */
static void output(const grid *g, int t, int o, double dry, float *const q[2],
                   float *const f[4], size_t lq, size_t lf, size_t len, float *h)
{
    for (size_t k = 0; k < len; k++)
        h[k] = (k < lq ? q[o][k] : 0.0f) + (k < lf ? f[2 * o][k] + f[2 * o + 1][k] : 0.0f);
    h[0] += (float)dry;
    for (size_t start = 0; start < lf && start < len; start += g->seg) {
        size_t m = lf - start < g->seg ? lf - start : g->seg;
        vx_cpx *A0 = g->A[t][0], *A1 = g->A[t][1];
        transform(g, t, f[2 * o] + start, m, A0);
        transform(g, t, f[2 * o + 1] + start, m, A1);
        for (size_t k = 0; k < g->bins; k++) { /* A0 Q0 + A1 Q1 */
            vx_cpx a = A0[k], b = A1[k], p = g->Q[0][k], r = g->Q[1][k];
            A0[k] = (vx_cpx){a.re * p.re - a.im * p.im + b.re * r.re - b.im * r.im,
                             a.re * p.im + a.im * p.re + b.re * r.im + b.im * r.re};
        }
        vx_fft_inverse(g->plan, A0, g->time[t]);
        size_t end = m + lq - 1 < len - start ? m + lq - 1 : len - start;
        for (size_t k = 0; k < end; k++)
            h[start + k] += g->time[t][k];
    }
}

/* Combines the stage responses q[i] (lq samples reach the outputs) and f[2 o + i] (lf)
 * into h[o][0..len). */
static int combine(const vx_fx *fx, float *const q[2], float *const f[4], size_t lq,
                   size_t lf, size_t len, vx_impulse_tables tables, float *const h[2])
{
    grid g = {0};
    g.seg = lq;
    g.grid = vx_impulse_grid(len);
    g.bins = g.grid / 2 + 1;
    g.plan = vx_fft_get(g.grid);
    g.threads = tables == VX_IMPULSE_RELEASE ? 1 : 2;
    int ok = g.plan != NULL;
    for (int i = 0; i < 2; i++)
        ok = ok && (g.Q[i] = vx_fft_alloc(g.bins * sizeof(vx_cpx)));
    for (int t = 0; t < g.threads; t++)
        ok = ok && (g.time[t] = vx_fft_alloc(g.grid * sizeof(float))) &&
             (g.A[t][0] = vx_fft_alloc(g.bins * sizeof(vx_cpx))) &&
             (g.A[t][1] = vx_fft_alloc(g.bins * sizeof(vx_cpx)));
    if (!ok) {
        grid_free(&g);
        return -1;
    }
    const float scale = (float)fx->send / (float)g.grid; /* the inverse FFT's 1/N folded in */
#pragma omp parallel for num_threads(g.threads)
    for (int i = 0; i < 2; i++) {
        transform(&g, g.threads > 1 ? i : 0, q[i], lq, g.Q[i]);
        for (size_t k = 0; k < g.bins; k++)
            g.Q[i][k].re *= scale, g.Q[i][k].im *= scale;
    }
    const double theta = fx->pan * M_PI / 2;
    const double dry[2] = {M_SQRT2 * cos(theta), M_SQRT2 * sin(theta)};
#pragma omp parallel for num_threads(g.threads)
    for (int o = 0; o < 2; o++)
        output(&g, g.threads > 1 ? o : 0, o, dry[o], q, f, lq, lf, len, h[o]);
    grid_free(&g);
    return 0;
}

float *vx_impulse_build(const vx_fx *fx, size_t n, vx_impulse_tables tables, float *h[2],
                        vx_err *e)
{
    size_t len = vx_impulse_len(n);
    size_t lq = min_sz(VX_DELAY_LEN, len), lf = min_sz(VX_FDN_LEN, len);
    /* The FDN's responses as far as they are heard (lf), then h_o after them; one output
     * at a time (tables released), h_R goes where f_L0 and f_L1 were, which h_L no longer
     * needs (len <= 2 lf). */
    int serial = tables == VX_IMPULSE_RELEASE;
    float *fmem = vx_fft_alloc((4 * lf + (serial ? 1 : 2) * len) * sizeof *fmem);
    float *qmem = vx_fft_alloc(2 * VX_DELAY_LEN * sizeof *qmem);
    float *f[4], *q[2];
    int rc = 0;
    if (!fmem || !qmem) {
        rc = vx_err_set(e, "out of memory for the delay and FDN responses");
        goto done;
    }
    for (int j = 0; j < 4; j++)
        f[j] = fmem + j * lf;
    h[0] = fmem + 4 * lf, h[1] = serial ? fmem : h[0] + len;
    for (int i = 0; i < 2; i++)
        q[i] = qmem + i * VX_DELAY_LEN;
    vx_fdn *fdn = vx_fdn_create_forward(VX_FDN_LEN);
    rc = fdn ? vx_fdn_forward_head(fdn, fx, f, lf, e)
             : vx_err_set(e, "out of memory for the FDN");
    vx_fdn_free(fdn);
    if (rc)
        goto done;
    vx_delay *delay = vx_delay_create(VX_DELAY_LEN);
    rc = delay ? vx_delay_forward(delay, fx, RENDER_ETA, VX_DELAY_PULSE_SINC, q[0], q[1], e)
               : vx_err_set(e, "out of memory for the delay");
    vx_delay_free(delay);
    if (rc)
        goto done;
    if (tables == VX_IMPULSE_RELEASE) { /* the grid's stay for the caller (impulse.h) */
        vx_fft_release(VX_FDN_LEN);
        if (vx_impulse_grid(n) != VX_DELAY_LEN)
            vx_fft_release(VX_DELAY_LEN);
    }
    if (combine(fx, q, f, lq, lf, len, tables, h)) {
        rc = vx_err_set(e, "out of memory for the response");
        goto done;
    }
    /* h_R, then h_L, at the start of the block; the rest is given back */
    if (!serial)
        memmove(fmem, h[1], len * sizeof *fmem);
    memmove(fmem + len, h[0], len * sizeof *fmem);
    float *shrunk = realloc(fmem, 2 * len * sizeof *fmem);
    fmem = shrunk ? shrunk : fmem;
    h[0] = fmem + len, h[1] = fmem;
done:
    free(qmem);
    if (rc) {
        free(fmem);
        return NULL;
    }
    return fmem;
}
