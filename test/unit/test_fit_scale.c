/* Adam's per-value factors on the learning rate (vx_fit_set_lr_scale, vx-fit --fast's
 * levels): a factor of 2 everywhere is twice the rate, exactly (NULL: 1 throughout); a
 * factor on the levels alone changes the first update. A 1.2 s noise pair, two steps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "fit_schedule.h"
#include "harness.h"
#include "params.h"

#define STEPS 2

/* The losses of STEPS steps at rate lr with factors scale (NULL: 1), from DiffVox's start. */
static void run(const float *dry, const float *wet, size_t n, double lr, const double *scale,
                double *losses)
{
    vx_fit_settings s = vx_fit_defaults();
    s.chunk_s = 1.2, s.overlap_s = 0.2, s.lr = lr, s.steps = STEPS;
    vx_err e;
    vx_fit *f = vx_fit_create(dry, wet, wet + n, n, &s, &e);
    double raw[VX_NRAW];
    vx_fit_initial(0, raw);
    for (int k = 0; k < STEPS; k++)
        losses[k] = NAN;
    if (!f)
        return;
    vx_fit_start(f, raw, VX_ETA_RAW_INIT);
    vx_fit_set_lr_scale(f, scale);
    vx_fit_progress p;
    for (int k = 0; k < STEPS && vx_fit_step(f, &p, &e) == 0; k++)
        losses[k] = p.loss;
    vx_fit_free(f);
}

int main(void)
{
    size_t n = (size_t)(1.2 * VX_FS);
    float *dry = malloc(n * sizeof *dry), *wet = malloc(2 * n * sizeof *wet);
    if (!dry || !wet)
        return 1;
    srand(1);
    for (size_t t = 0; t < n; t++) { /* noise, and a wet 6 dB louder at the right */
        float x = (float)rand() / (float)RAND_MAX - 0.5f;
        dry[t] = x;
        wet[t] = 0.5f * x, wet[n + t] = x;
    }
    double twice[STEPS], doubled[STEPS], levels[STEPS], twos[VX_NRAW + 1], lv[VX_NRAW + 1];
    for (int k = 0; k <= VX_NRAW; k++)
        twos[k] = 2;
    vx_lr_scale_levels(10, lv);
    run(dry, wet, n, 0.04, NULL, twice);
    run(dry, wet, n, 0.02, twos, doubled);
    run(dry, wet, n, 0.04, lv, levels);
    int finite = 1;
    for (int k = 0; k < STEPS; k++)
        finite &= isfinite(twice[k]) && isfinite(levels[k]);
    CHECK(finite, "the fits ran");
    CHECK(!memcmp(twice, doubled, sizeof twice), "a factor of 2 throughout is twice the rate");
    CHECK(twice[0] == levels[0] && twice[1] != levels[1], "the levels' factor changes the first update");
    free(dry);
    free(wet);
    return vx_test_summary();
}
