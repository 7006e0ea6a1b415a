/* Reading test fixtures: mono WAV files, preset records mapped to physical values, and
 * the error energy of a signal against a reference. */
#ifndef VX_TEST_FIXTURES_H
#define VX_TEST_FIXTURES_H

#include <math.h>
#include <sndfile.h>
#include <stdlib.h>

#include "params.h"
#include "preset.h"

/* Mono float WAV from test/fixtures; *n gets the frame count. Caller frees; NULL if the
 * file is missing or not mono. */
static inline float *fixture_read_mono(const char *path, size_t *n)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f || info.channels != 1) {
        if (f)
            sf_close(f);
        return NULL;
    }
    float *x = malloc((size_t)info.frames * sizeof *x);
    *n = (size_t)sf_readf_float(f, x, info.frames);
    sf_close(f);
    return x;
}

/* A preset fixture (its "raw" values) mapped to physical values. 0 on success. */
static inline int fixture_preset_fx(const char *path, vx_fx *fx)
{
    double raw[VX_NRAW];
    vx_err e;
    return vx_preset_load(path, NULL, 0, raw, NULL, &e) ? -1 : vx_params_to_fx(raw, 0, fx);
}

/* 10 log10(sum (y - ref)^2 / sum ref^2) over n samples. */
static inline double fixture_error_db(const float *y, const float *ref, size_t n)
{
    double e = 0, r = 0;
    for (size_t i = 0; i < n; i++)
        e += ((double)y[i] - ref[i]) * ((double)y[i] - ref[i]), r += (double)ref[i] * ref[i];
    return 10 * log10(e / r);
}

#endif
