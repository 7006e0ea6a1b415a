/* Seconds per vx-match (ITO) step: the objective and its gradient for one 11 s query
 * against two references (the golden setting), and a step of vx-match's default on a
 * 4-minute song (2 of its 22 queries drawn, 22 references), with the CPU time it took
 * (all threads). The dry is the bundled 14 s speech looped; the reference its render by
 * MedleyDB preset 5. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "chain.h"
#include "dsp/fft.h"
#include "looped_pair.h"
#include "timing.h"
#include "io/audio.h"
#include "preset.h"
#include "stats/gauss.h"
#include "style/chunks.h"
#include "style/objective.h"

#define REPS 5
#define LEN 485100



static void die(const vx_err *e)
{
    fprintf(stderr, "match_step: %s\n", e->msg);
    exit(1);
}

/* Median seconds (wall, and CPU in *cpu) of an evaluation with gradient of `batch` of nq
 * queries against nref references; queries and references interleave as --eval's (nq 1,
 * nref 2) or are all the chunks of dry and reference. */
static double seconds_per_step(vx_encoder enc, const float *dry, const float *wl, const float *wr,
                               size_t nref, size_t nq, size_t batch, const vx_gauss *g, double *cpu)
{
    const float *rl[64], *rr[64], *q[64];
    int eval = nq == 1;
    for (size_t j = 0; j < nref; j++)
        rl[j] = wl + (eval ? 2 * j : j) * LEN, rr[j] = wr + (eval ? 2 * j : j) * LEN;
    for (size_t i = 0; i < nq; i++)
        q[i] = dry + (eval ? 2 * i + 1 : i) * LEN;
    static const size_t which[2] = {3, 17};
    vx_err e;
    vx_objective *o = vx_objective_create(enc, LEN, rl, rr, nref, q, nq, g, 0.01, &e);
    if (!o)
        die(&e);
    vx_objective_eval ev;
    const size_t *w = batch < nq ? which : NULL;
    double t[REPS], c[REPS];
    if (vx_objective_evaluate(o, g->mean, w, batch, 1, &ev, &e))
        die(&e);
    for (int i = 0; i < REPS; i++) {
        double t0 = bench_seconds(CLOCK_MONOTONIC), c0 = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
        vx_objective_evaluate(o, g->mean, w, batch, 1, &ev, &e);
        t[i] = bench_seconds(CLOCK_MONOTONIC) - t0, c[i] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    }
    vx_objective_free(o);
    *cpu = bench_median(c, REPS);
    return bench_median(t, REPS);
}

int main(void)
{
    vx_err e;
    vx_gauss *g = vx_gauss_load("presets/internal-gaussian.json", &e);
    bench_pair pair;
    if (!g || bench_looped_pair(22 * LEN, &pair, &e)) /* 4 min 2 s: 22 chunks */
        die(&e);
    const float *dry = pair.dry, *wl = pair.wl, *wr = pair.wr;
    printf("  vx-match step (%s)\n", vx_fft_backend());
    for (int k = 0; k < 2; k++) {
        vx_encoder enc = k ? VX_ENCODER_MIR : VX_ENCODER_MFCC;
        double c1, c2;
        double one = seconds_per_step(enc, dry, wl, wr, 2, 1, 1, g, &c1);
        double song = seconds_per_step(enc, dry, wl, wr, 22, 22, 2, g, &c2);
        printf("    %s: one 11 s query, two references: %.3f s/step, CPU %.3f s (target 0.15)\n"
               "    %s: 4-minute song (2 of 22 queries a step, 22 references): %.3f s/step, "
               "CPU %.3f s; 1000 steps %.1f min (target 5)\n",
               vx_encoder_name(enc), one, c1, vx_encoder_name(enc), song, c2, song * 1000 / 60);
    }
    vx_gauss_free(g);
    bench_pair_free(&pair);
    return 0;
}
