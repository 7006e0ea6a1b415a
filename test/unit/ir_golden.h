/* Helpers shared by the delay and FDN tests: a preset fixture's physical values, stereo
 * WAV fixtures, error energy in dB, a wall clock, and a seedable uniform RNG. */
#ifndef VX_TEST_IR_GOLDEN_H
#define VX_TEST_IR_GOLDEN_H

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fixtures.h"
#include "params.h"

/* fx from a preset fixture (no Q clip). 0 on success. */
static inline int golden_preset_fx(const char *path, vx_fx *fx) { return fixture_preset_fx(path, fx); }

/* First n frames of a WAV with `channels` channels, de-interleaved into ch[0..channels-1].
 * Returns the frames read, or -1 when the file cannot be read or has another channel count. */
static inline long golden_read(const char *path, size_t n, int channels, float *const *ch)
{
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf || info.channels != channels) {
        if (sf)
            sf_close(sf);
        return -1;
    }
    float *buf = malloc((size_t)channels * n * sizeof *buf);
    long got = (long)sf_readf_float(sf, buf, (sf_count_t)n);
    for (long t = 0; t < got; t++)
        for (int c = 0; c < channels; c++)
            ch[c][t] = buf[(size_t)channels * t + c];
    free(buf);
    sf_close(sf);
    return got;
}

static inline long golden_read_stereo(const char *path, size_t n, float *l, float *r)
{
    float *ch[2] = {l, r};
    return golden_read(path, n, 2, ch);
}

/* 10 log10(sum (x - ref)^2 / sum ref^2) over two channels of n samples. */
static inline double golden_err_db(const float *xl, const float *xr, const float *refl,
                                   const float *refr, size_t n)
{
    double e = 0, s = 0;
    for (size_t t = 0; t < n; t++) {
        double dl = (double)xl[t] - refl[t], dr = (double)xr[t] - refr[t];
        e += dl * dl + dr * dr;
        s += (double)refl[t] * refl[t] + (double)refr[t] * refr[t];
    }
    return 10.0 * log10(e / s);
}

static inline double golden_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static inline double golden_urand(unsigned long long *state) /* uniform in [-1, 1) */
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*state >> 11) / 4503599627370496.0 - 1.0;
}

#endif
