/* The post-compressor response (lib/response.c) on the smaller FFT grid that a fit's
 * overlap allows: outputs from `from` on, the input gradient and every gradient of the
 * response's construction must equal those of the full grid, whose circular products
 * never wrap. Signals shorter than the delay and FDN responses (1.5 s), and a 12 s chunk
 * with DiffVox's 5 s overlap; Internal preset 11, whose delay loop gain of 1.22 gives the
 * longest responses, so that wrap-around into used outputs would show. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"
#include "response.h"

typedef struct {
    float *yl, *yr, *gc;
    vx_fx grad;
    double g_eta;
} outcome;

/* Apply, backward of the apply with gradient g (zero before from), and the response's
 * backward, on a response made for (n, from). */
static int run(const vx_fx *fx, const float *c, float *const g[2], size_t n, size_t from, outcome *o)
{
    vx_response *r = vx_response_create(n, from);
    vx_response_work *w = r ? vx_response_work_create(r) : NULL;
    size_t bins = r ? vx_response_bins(r) : 0;
    vx_cpx *C = vx_fft_alloc(bins * sizeof *C);
    vx_cpx *acc[2] = {vx_fft_alloc(bins * sizeof(vx_cpx)), vx_fft_alloc(bins * sizeof(vx_cpx))};
    o->yl = malloc(n * sizeof *o->yl), o->yr = malloc(n * sizeof *o->yr), o->gc = malloc(n * sizeof *o->gc);
    memset(&o->grad, 0, sizeof o->grad);
    o->g_eta = 0;
    int rc = -1;
    if (w && C && acc[0] && acc[1] && o->yl && o->yr && o->gc && vx_response_build(r, fx, -0.01, NULL) == 0) {
        memset(acc[0], 0, bins * sizeof(vx_cpx)), memset(acc[1], 0, bins * sizeof(vx_cpx));
        vx_response_apply(r, w, c, n, C, o->yl, o->yr);
        vx_response_apply_backward(r, w, C, g[0], g[1], n, o->gc, acc);
        rc = vx_response_backward(r, acc, &o->grad, &o->g_eta, NULL);
    }
    free(C), free(acc[0]), free(acc[1]);
    vx_response_work_free(w);
    vx_response_free(r);
    return rc;
}

/* Largest |a - b| over n values, relative to the largest |b|. */
static double rel_diff(const double *a, const double *b, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        d = fmax(d, fabs(a[i] - b[i])), m = fmax(m, fabs(b[i]));
    return d / m;
}

static double rel_diff_f(const float *a, const float *b, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        d = fmax(d, fabs((double)a[i] - b[i])), m = fmax(m, fabs((double)b[i]));
    return d / m;
}

static void check_window(const vx_fx *fx, const float *x, size_t n, size_t from)
{
    float *g[2] = {calloc(n, sizeof(float)), calloc(n, sizeof(float))};
    for (size_t t = from; t < n; t++) /* a smooth, made-up dL/dy */
        g[0][t] = 0.01f * sinf(0.0011f * (float)t), g[1][t] = 0.01f * cosf(0.0007f * (float)t);
    outcome full, part;
    int ok = run(fx, x, g, n, 0, &full) == 0 && run(fx, x, g, n, from, &part) == 0;
    char what[96];
    snprintf(what, sizeof what, "%.1f s from %.1f s: both grids run", n / 44100.0, from / 44100.0);
    CHECK(ok, what);
    if (ok) {
        double dy = fmax(rel_diff_f(part.yl + from, full.yl + from, n - from),
                         rel_diff_f(part.yr + from, full.yr + from, n - from));
        double dc = rel_diff_f(part.gc, full.gc, n);
        double dp = rel_diff((const double *)&part.grad, (const double *)&full.grad, VX_FX_NVALUES);
        double de = fabs(part.g_eta - full.g_eta) / fabs(full.g_eta);
        printf("  %.1f s from %.1f s: outputs %.1e, input gradient %.1e, parameter gradients %.1e, "
               "eta %.1e\n", n / 44100.0, from / 44100.0, dy, dc, dp, de);
        snprintf(what, sizeof what, "%.1f s from %.1f s: the same outputs", n / 44100.0, from / 44100.0);
        CHECK(dy < 2e-6, what);
        snprintf(what, sizeof what, "%.1f s from %.1f s: the same gradients", n / 44100.0, from / 44100.0);
        CHECK(dc < 2e-6 && dp < 2e-6 && de < 2e-6, what);
    }
    free(full.yl), free(full.yr), free(full.gc), free(part.yl), free(part.yr), free(part.gc);
    free(g[0]), free(g[1]);
}

int main(void)
{
    size_t n;
    float *x = fixture_read_mono("test/fixtures/input_14s.wav", &n);
    vx_fx fx;
    CHECK(x && fixture_preset_fx("test/fixtures/preset_internal11.json", &fx) == 0, "fixtures read");
    if (!x)
        return vx_test_summary();
    check_window(&fx, x, 66150, 22050);
    check_window(&fx, x, 529200, 220500);
    CHECK(vx_response_create(1000, 1000) == NULL, "no response when no output is used");
    free(x);
    return vx_test_summary();
}
