/* Milliseconds of the style embeddings on one 11 s chunk (485100 samples, 472 frames):
 * mid and side of the ITO setting's first reference chunk, each encoder, forward alone and
 * forward + backward (the per-step cost inside vx-match), with OpenMP's threads and with
 * one. Median of RUNS after one warm-up; also CPU milliseconds (all threads). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/fft.h"
#include "timing.h"
#include "io/audio.h"
#include "style/embed.h"

#define LEN 485100
#define RUNS 9




int main(void)
{
    vx_err e;
    vx_audio a;
    if (vx_audio_read("test/fixtures/ito_wet_chunk0_11s.wav", NULL, 44100, &a, &e) || a.channels != 2 ||
        a.frames < LEN) {
        fprintf(stderr, "embed bench: %s\n", a.channels != 2 ? "not stereo" : e.msg);
        return 1;
    }
    double *x = malloc(4 * (size_t)LEN * sizeof *x), *mid = x, *side = x + LEN;
    double *g_mid = x + 2 * LEN, *g_side = x + 3 * LEN;
    for (size_t t = 0; t < LEN; t++)
        mid[t] = (a.data[2 * t] + a.data[2 * t + 1]) / 1.4142135623730951,
        side[t] = (a.data[2 * t] - a.data[2 * t + 1]) / 1.4142135623730951;
    vx_audio_free(&a);
    int threads = omp_get_max_threads();
    printf("  style embeddings, one 11 s chunk (%d samples), %s, per channel (median of %d):\n", LEN,
           vx_fft_backend(), RUNS);
    for (vx_encoder enc = VX_ENCODER_MFCC; enc <= VX_ENCODER_MIR; enc++) {
        vx_embedder *em = vx_embedder_create(enc, LEN, &e), *es = vx_embedder_create(enc, LEN, &e);
        if (!em || !es)
            return 1;
        double eg[100], emb_m[100], emb_s[100];
        for (int i = 0; i < 100; i++)
            eg[i] = 1e-2 * (i % 7 - 3);
        for (int nt = threads; nt >= 1; nt = nt > 1 ? 1 : 0) {
            omp_set_num_threads(nt);
            double fwd[RUNS], both[RUNS], cpu[RUNS];
            for (int i = -1; i < RUNS; i++) {
                double t0 = 1e3 * bench_seconds(CLOCK_MONOTONIC), c0 = 1e3 * bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
                vx_embed_ms(em, es, mid, side, emb_m, emb_s, &e);
                double t1 = 1e3 * bench_seconds(CLOCK_MONOTONIC);
                memset(g_mid, 0, 2 * LEN * sizeof *g_mid);
                vx_embed_ms_backward(em, es, eg, eg, g_mid, g_side, &e);
                double t2 = 1e3 * bench_seconds(CLOCK_MONOTONIC), c2 = 1e3 * bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
                if (i >= 0)
                    fwd[i] = (t1 - t0) / 2, both[i] = (t2 - t0) / 2, cpu[i] = (c2 - c0) / 2;
            }
            printf("    %-4s %d thread%s: forward %6.1f ms, forward + backward %6.1f ms (CPU %6.1f ms)\n",
                   vx_encoder_name(enc), nt, nt > 1 ? "s" : " ", bench_median(fwd, RUNS), bench_median(both, RUNS),
                   bench_median(cpu, RUNS));
        }
        vx_embedder_free(em), vx_embedder_free(es);
    }
    free(x);
    return 0;
}
