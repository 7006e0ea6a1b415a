/* The benchmarks' long pair: the bundled 14 s speech looped to n samples (the dry), and
 * its render by MedleyDB preset 5 split into left and right (the wet). */
#ifndef VX_BENCH_LOOPED_PAIR_H
#define VX_BENCH_LOOPED_PAIR_H

#include <stdlib.h>

#include "chain.h"
#include "io/audio.h"
#include "preset.h"

typedef struct {
    float *dry, *wl, *wr;
    size_t n;
} bench_pair;

/* Fills p with n samples (run from the source tree); -1 with e on failure. */
static inline int bench_looped_pair(size_t n, bench_pair *p, vx_err *e)
{
    vx_audio in;
    double raw[VX_NRAW];
    vx_fx fx;
    if (vx_audio_read("test/fixtures/input_14s.wav", NULL, 44100, &in, e))
        return -1;
    if (vx_preset_load("presets/medleydb.ndjson", "5", 0, raw, NULL, e)) {
        vx_audio_free(&in);
        return -1;
    }
    float *y = malloc(2 * n * sizeof *y);
    *p = (bench_pair){malloc(n * sizeof(float)), malloc(n * sizeof(float)),
                      malloc(n * sizeof(float)), n};
    for (size_t t = 0; t < n; t++)
        p->dry[t] = in.data[t % in.frames];
    vx_audio_free(&in);
    vx_params_to_fx(raw, 0, &fx);
    int bad = vx_chain_render(&fx, p->dry, n, y, e);
    for (size_t t = 0; !bad && t < n; t++)
        p->wl[t] = y[2 * t], p->wr[t] = y[2 * t + 1];
    free(y);
    return bad;
}

static inline void bench_pair_free(bench_pair *p)
{
    free(p->dry), free(p->wl), free(p->wr);
}

#endif
