/* Milliseconds of the training loss on one 7 s stereo chunk (308700 samples): forward,
 * combine and backward (the per-step cost inside vx-fit), and the once-per-chunk target
 * set-up. Prediction: MedleyDB preset 0's reference render of the bundled speech; target:
 * preset 1's. Median of RUNS after one warm-up. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dsp/fft.h"
#include "timing.h"
#include "io/audio.h"
#include "loss/total.h"

#define LEN 308700
#define RUNS 9




/* The first LEN frames of a stereo fixture as two planar channels. */
static void load(const char *path, float *l, float *r)
{
    vx_err e;
    vx_audio a;
    if (vx_audio_read(path, NULL, 44100, &a, &e) || a.channels != 2 || a.frames < LEN) {
        fprintf(stderr, "loss bench: %s: %s\n", path, a.channels != 2 ? "not stereo" : e.msg);
        exit(1);
    }
    for (size_t t = 0; t < LEN; t++)
        l[t] = a.data[2 * t], r[t] = a.data[2 * t + 1];
    vx_audio_free(&a);
}

int main(void)
{
    float *buf = malloc(6 * (size_t)LEN * sizeof *buf);
    if (!buf)
        return 1;
    float *pl = buf, *pr = buf + LEN, *yl = buf + 2 * LEN, *yr = buf + 3 * LEN;
    float *gl = buf + 4 * LEN, *gr = buf + 5 * LEN;
    load("test/fixtures/render64_medleydb0_14s.wav", pl, pr);
    load("test/fixtures/train_target_medleydb1_12s.wav", yl, yr);

    vx_loss *L = vx_loss_create(LEN, NULL);
    vx_loss_work *w = L ? vx_loss_work_create(L) : NULL;
    if (!w)
        return 1;
    double target_ms[RUNS], step_ms[RUNS];
    vx_loss_batch b;
    for (int i = -1; i < RUNS; i++) { /* i = -1: warm-up (FFT plans, first touch) */
        double t0 = 1e3 * bench_seconds(CLOCK_MONOTONIC);
        vx_loss_target *t = vx_loss_target_create(L, yl, yr);
        double t1 = 1e3 * bench_seconds(CLOCK_MONOTONIC);
        if (!t || vx_loss_forward(w, t, pl, pr) || vx_loss_combine(L, &w, 1, &b) ||
            vx_loss_backward(w, &b, gl, gr))
            return 1;
        double t2 = 1e3 * bench_seconds(CLOCK_MONOTONIC);
        if (i >= 0)
            target_ms[i] = t1 - t0, step_ms[i] = t2 - t1;
        vx_loss_target_free(t);
    }
    printf("  loss, one 7 s stereo chunk (%d samples), %s, %d threads (median of %d):\n", LEN,
           vx_fft_backend(), omp_get_max_threads(), RUNS);
    printf("    forward + combine + backward: %7.1f ms   (total %.4f)\n", bench_median(step_ms, RUNS),
           b.parts.total);
    printf("    target set-up (once a chunk): %7.1f ms\n", bench_median(target_ms, RUNS));
    vx_loss_work_free(w);
    vx_loss_free(L);
    free(buf);
    return 0;
}
