/* The fit's batch loss and gradient (lib/fit.c) on a pair of several chunks: the chunks'
 * shared four-lane EQ, the lanes' accumulators and the response built once per batch,
 * checked against central differences of the loss, and the same gradient for one thread
 * and for two (which group the chunks differently).
 * The chunks have no overlap here. With DiffVox's overlap the log-magnitude term
 * (|ln X - ln Y| over millions of cells, with kinks where X = Y and at the magnitude
 * floor) is rough at the scale of central differences for the small FDN gradients: for
 * FDN c[0][1] of that term alone, 2 s chunk, 0.5 s overlap (analytic 2.5e-4, 1e-4 of the
 * largest) steps of 1e-4, 1e-3, 1e-2 and 5e-2 gave +1.4e-3, +6.0e-3, -3.4e-3, +3.0e-2. The
 * overlap's path is checked by test_response (the smaller grid gives the full grid's
 * gradients) and by the golden gradient of test/vx-fit.bats. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "fit.h"
#include "fixtures.h"
#include "harness.h"

#define STEP 2e-3 /* raw units: the loss is float32, so not too small */

typedef struct {
    const char *what;
    int index; /* raw index; -1: eta */
} probe;

/* A fit of 6 s of voice against its render by MedleyDB preset 5: 1.2 s chunks, no
 * overlap, so five chunks in every batch. */
static vx_fit *make_fit(const float *dry, const float *wl, const float *wr, size_t n, int batch)
{
    vx_fit_settings s = vx_fit_defaults();
    s.chunk_s = 1.2, s.overlap_s = 0, s.batch = batch;
    vx_err e;
    vx_fit *f = vx_fit_create(dry, wl, wr, n, &s, &e);
    if (!f)
        fprintf(stderr, "test_fit: %s\n", e.msg);
    return f;
}

static double loss_at(vx_fit *f, const double *raw, double eta_raw)
{
    vx_fit_eval ev;
    vx_err e;
    return vx_fit_evaluate(f, raw, eta_raw, NULL, 0, &ev, &e) ? NAN : ev.loss;
}

int main(void)
{
    size_t n;
    float *dry = fixture_read_mono("test/fixtures/input_6s.wav", &n);
    double raw[VX_NRAW];
    vx_fx target;
    vx_err e;
    CHECK(dry && fixture_preset_fx("test/fixtures/preset_medleydb5.json", &target) == 0 &&
              vx_preset_load("test/fixtures/preset_medleydb0.json", NULL, 0, raw, NULL, &e) == 0,
          "fixtures read");
    if (!dry)
        return vx_test_summary();
    float *y = malloc(2 * n * sizeof *y), *wl = malloc(n * sizeof *wl), *wr = malloc(n * sizeof *wr);
    CHECK(vx_chain_render(&target, dry, n, y, &e) == 0, "target rendered");
    for (size_t t = 0; t < n; t++)
        wl[t] = y[2 * t], wr[t] = y[2 * t + 1];

    vx_fit *f = make_fit(dry, wl, wr, n, 35);
    CHECK(f && vx_fit_chunks_active(f) == 5, "five chunks");
    if (!f)
        return vx_test_summary();
    vx_fit_eval g;
    CHECK(vx_fit_evaluate(f, raw, VX_ETA_RAW_INIT, NULL, 0, &g, &e) == 0, "gradient evaluated");
    double big = fabs(g.geta);
    for (int k = 0; k < VX_NRAW; k++)
        big = fmax(big, fabs(g.graw[k]));

    /* one value of every stage: EQ, compressor, send, delay, FDN (b, c, gamma, W, EQ),
     * pan, and the delay surrogate's eta */
    const probe probes[] = {{"EQ peak 1 gain", 0},     {"EQ peak 1 freq", 1},
                            {"low-pass freq", 10},     {"compressor threshold", 14},
                            {"compressor ratio", 21},  {"send", 23},
                            {"delay feedback", 25},    {"delay gain", 26},
                            {"FDN b[0][0]", 31},       {"FDN c[0][1]", 44},
                            {"FDN gamma[3]", 58},      {"FDN W[0][1]", 105},
                            {"FDN EQ peak 1 gain", 140}, {"pan", VX_NRAW - 1},
                            {"eta", -1}};
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        const probe *p = &probes[i];
        double lo[VX_NRAW], hi[VX_NRAW], eta_lo = VX_ETA_RAW_INIT, eta_hi = VX_ETA_RAW_INIT;
        memcpy(lo, raw, sizeof lo), memcpy(hi, raw, sizeof hi);
        if (p->index < 0)
            eta_lo -= STEP, eta_hi += STEP;
        else
            lo[p->index] -= STEP, hi[p->index] += STEP;
        double fd = (loss_at(f, hi, eta_hi) - loss_at(f, lo, eta_lo)) / (2 * STEP);
        double an = p->index < 0 ? g.geta : g.graw[p->index];
        printf("  %-22s analytic %+.6e  central difference %+.6e\n", p->what, an, fd);
        char what[96];
        snprintf(what, sizeof what, "d(loss)/d(%s) against central differences", p->what);
        CHECK(fabs(fd - an) <= 1e-2 * fabs(an) + 1e-3 * big, what);
    }

    /* One thread puts the five chunks through one EQ group of four and one of one; two
     * threads, groups of two and of three. The sums differ only in their order. */
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    vx_fit *f1 = make_fit(dry, wl, wr, n, 35);
    omp_set_num_threads(threads);
    vx_fit_eval g1;
    CHECK(f1 && vx_fit_evaluate(f1, raw, VX_ETA_RAW_INIT, NULL, 0, &g1, &e) == 0, "one-thread gradient");
    double worst = fabs(g1.geta - g.geta);
    for (int k = 0; k < VX_NRAW; k++)
        worst = fmax(worst, fabs(g1.graw[k] - g.graw[k]));
    printf("  one thread against %d: loss %.3e, gradient %.3e of the largest\n", threads,
           fabs(g1.loss - g.loss) / g.loss, worst / big);
    CHECK(fabs(g1.loss - g.loss) <= 1e-6 * g.loss && worst <= 1e-5 * big,
          "the same loss and gradient for one thread and for two");

    /* Batches of one chunk keep a forward's state for its backward, and the chunk's target
     * from one step to the next while the chunk is the same: chunk 3 after chunk 0 and
     * after itself gives what the fit of batches of five gives for chunk 3 alone. */
    vx_fit *fb = make_fit(dry, wl, wr, n, 1);
    const size_t order[3] = {0, 3, 3};
    vx_fit_eval one[3], alone;
    int ok = fb && vx_fit_evaluate(f, raw, VX_ETA_RAW_INIT, &order[2], 1, &alone, &e) == 0;
    for (int i = 0; ok && i < 3; i++)
        ok = vx_fit_evaluate(fb, raw, VX_ETA_RAW_INIT, &order[i], 1, &one[i], &e) == 0;
    CHECK(ok, "batches of one chunk evaluated");
    for (int i = 1; ok && i < 3; i++) {
        double gw = 0, gb = 0;
        for (int k = 0; k < VX_NRAW; k++)
            gw = fmax(gw, fabs(one[i].graw[k] - alone.graw[k])), gb = fmax(gb, fabs(alone.graw[k]));
        printf("  batch of chunk 3 alone, evaluation %d: loss %.3e, gradient %.3e of the largest\n",
               i + 1, fabs(one[i].loss - alone.loss) / alone.loss, gw / gb);
        CHECK(fabs(one[i].loss - alone.loss) <= 1e-6 * alone.loss && gw <= 1e-5 * gb &&
                  fabs(one[0].loss - alone.loss) > 1e-3 * alone.loss,
              "a batch of one chunk scores that chunk, whichever came before");
    }

    vx_fit_free(fb);
    vx_fit_free(f1);
    vx_fit_free(f);
    free(dry), free(y), free(wl), free(wr);
    return vx_test_summary();
}
