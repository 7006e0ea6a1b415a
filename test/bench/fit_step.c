/* Seconds per vx-fit step, wall and CPU (all threads: on a shared machine the steadier
 * figure): one 12 s chunk, a 60 s pair (7 chunks) and a 4-minute pair (33 chunks, all in
 * every batch: the full default fit is 2000 such steps). The pairs are the bundled 14 s
 * speech, looped, against its render by MedleyDB preset 5. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <omp.h>

#include "chain.h"
#include "dsp/fft.h"
#include "looped_pair.h"
#include "timing.h"
#include "fit.h"
#include "io/audio.h"
#include "preset.h"

#define STEPS 5
#define LONG_S 240 /* seconds of the long pair */



/* Median wall and CPU seconds per step over STEPS steps after one warm-up step. */
static void seconds_per_step(const float *dry, const float *wl, const float *wr, size_t n,
                             double *wall, double *cpu)
{
    vx_err e;
    vx_fit_settings s = vx_fit_defaults();
    vx_fit *f = vx_fit_create(dry, wl, wr, n, &s, &e);
    if (!f) {
        fprintf(stderr, "fit_step: %s\n", e.msg);
        exit(1);
    }
    double raw[VX_NRAW], w[STEPS], c[STEPS];
    vx_fit_initial(0, raw);
    vx_fit_start(f, raw, VX_ETA_RAW_INIT);
    vx_fit_progress p;
    vx_fit_step(f, &p, &e);
    for (int i = 0; i < STEPS; i++) {
        double w0 = bench_seconds(CLOCK_MONOTONIC), c0 = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
        vx_fit_step(f, &p, &e);
        w[i] = bench_seconds(CLOCK_MONOTONIC) - w0;
        c[i] = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    }
    printf("    (%zu chunks, loss %.4f after %d steps)\n", vx_fit_chunks_active(f), p.loss, STEPS + 1);
    vx_fit_free(f);
    *wall = bench_median(w, STEPS), *cpu = bench_median(c, STEPS);
}

int main(void)
{
    vx_err e;
    size_t n = LONG_S * 44100;
    bench_pair pair;
    if (bench_looped_pair(n, &pair, &e)) {
        fprintf(stderr, "fit_step: %s\n", e.msg);
        return 1;
    }
    const float *dry = pair.dry, *wl = pair.wl, *wr = pair.wr;
    printf("  vx-fit step (%s, %d threads): wall and CPU seconds per step\n", vx_fft_backend(),
           omp_get_max_threads());
    const struct {
        const char *what;
        size_t len;
    } pairs[] = {{"one 12 s chunk:      ", 12 * 44100}, {"60 s pair (7 chunks):", 60 * 44100}, {"4-minute pair:       ", n}};
    for (int i = 0; i < 3; i++) {
        double wall, cpu;
        seconds_per_step(dry, wl, wr, pairs[i].len, &wall, &cpu);
        printf("  %s %.3f s/step wall, %.3f s/step CPU", pairs[i].what, wall, cpu);
        if (pairs[i].len == n)
            printf(": a default fit (2000 steps) takes %.0f min", 2000 * wall / 60);
        printf("\n");
    }
    bench_pair_free(&pair);
    return 0;
}
