/* CPU and wall seconds of a fit step's response part: the build of the post-compressor
 * response (FDN, delay, six transforms on the grid of a 12 s chunk with 5 s overlap) and
 * its backward pass, and inside them the FDN's forward and backward alone. The raw values
 * are vx-fit's initial ones (seed 0); the gradient is a fixed pseudo-random spectrum. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fit.h"
#include "fx/fdn.h"
#include "response.h"
#include "rng.h"
#include "timing.h"

#define REPS 5

typedef struct {
    double wall[REPS], cpu[REPS];
} stage;

static void tic(double *w, double *c)
{
    *w = bench_seconds(CLOCK_MONOTONIC), *c = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static void toc(stage *s, int i, double w, double c)
{
    s->wall[i] = bench_seconds(CLOCK_MONOTONIC) - w;
    s->cpu[i] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c;
}

static void report(const char *what, stage *s)
{
    printf("  %-34s %.4f s wall, %.4f s CPU\n", what, bench_median(s->wall, REPS),
           bench_median(s->cpu, REPS));
}

static void die(const vx_err *e)
{
    fprintf(stderr, "response: %s\n", e->msg);
    exit(1);
}

int main(void)
{
    vx_err e;
    vx_fit_settings set = vx_fit_defaults();
    size_t T = (size_t)(set.chunk_s * VX_FS), O = (size_t)(set.overlap_s * VX_FS);
    double raw[VX_NRAW];
    vx_fx fx, grad;
    vx_fit_initial(0, raw);
    vx_params_to_fx(raw, 0, &fx);
    vx_response *r = vx_response_create(T, O);
    vx_fdn *fdn = vx_fdn_create(VX_FDN_LEN);
    size_t bins = vx_response_bins(r);
    vx_cpx *acc[2] = {vx_fft_alloc(bins * sizeof(vx_cpx)), vx_fft_alloc(bins * sizeof(vx_cpx))};
    float *ir = vx_fft_alloc(8 * (size_t)VX_FDN_LEN * sizeof *ir);
    if (!r || !fdn || !acc[0] || !acc[1] || !ir) {
        fprintf(stderr, "response: out of memory\n");
        return 1;
    }
    float *h[4], *g[4];
    for (int j = 0; j < 4; j++)
        h[j] = ir + j * (size_t)VX_FDN_LEN, g[j] = ir + (4 + j) * (size_t)VX_FDN_LEN;
    vx_rng rng;
    vx_rng_seed(&rng, 1);
    for (int o = 0; o < 2; o++)
        for (size_t k = 0; k < bins; k++)
            acc[o][k] = (vx_cpx){(float)vx_rng_normal(&rng), (float)vx_rng_normal(&rng)};
    for (size_t t = 0; t < 4 * (size_t)VX_FDN_LEN; t++)
        g[0][t] = (float)vx_rng_normal(&rng);
    stage build, back, ffwd, fback;
    double w, c, g_eta, eta = -log1p(exp(VX_ETA_RAW_INIT)); /* as vx-fit maps it */
    if (vx_response_build(r, &fx, eta, &e) || vx_fdn_forward(fdn, &fx, h, &e))
        die(&e); /* warm-up: plans, tables, pages */
    for (int i = 0; i < REPS; i++) {
        tic(&w, &c);
        if (vx_response_build(r, &fx, eta, &e))
            die(&e);
        toc(&build, i, w, c);
        tic(&w, &c);
        if (vx_response_backward(r, acc, &grad, &g_eta, &e))
            die(&e);
        toc(&back, i, w, c);
        tic(&w, &c);
        if (vx_fdn_forward(fdn, &fx, h, &e))
            die(&e);
        toc(&ffwd, i, w, c);
        tic(&w, &c);
        if (vx_fdn_backward(fdn, (const float *const *)g, &grad, &e))
            die(&e);
        toc(&fback, i, w, c);
    }
    printf("  (grid %zu points, %s, median of %d)\n", 2 * (bins - 1), vx_fft_backend(), REPS);
    report("response build", &build);
    report("response backward", &back);
    report("of which FDN forward", &ffwd);
    report("of which FDN backward", &fback);
    vx_response_free(r);
    vx_fdn_free(fdn);
    free(acc[0]), free(acc[1]), free(ir);
    return 0;
}
