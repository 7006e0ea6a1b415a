/* Deterministic parallel sums (see psum.h). */
#include "dsp/psum.h"

#include <string.h>

#define TILES 64 /* enough to balance two to a few dozen threads */

void vx_psum(size_t n, int k, vx_psum_fn *fn, void *ctx, double *sums)
{
    double part[TILES][VX_PSUM_MAX];
    memset(part, 0, sizeof part);
    size_t step = (n + TILES - 1) / TILES;
#pragma omp parallel for schedule(static)
    for (int q = 0; q < TILES; q++) {
        size_t t0 = (size_t)q * step, t1 = t0 + step < n ? t0 + step : n;
        if (t0 < t1)
            fn(ctx, t0, t1, part[q]);
    }
    for (int j = 0; j < k; j++) {
        sums[j] = 0;
        for (int q = 0; q < TILES; q++)
            sums[j] += part[q][j];
    }
}
