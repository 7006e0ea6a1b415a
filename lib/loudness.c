/* BS.1770 integrated loudness with pyloudnorm's filter constants and block arithmetic
 * (spec/pipeline.md §2.2), so -18 LUFS means what it meant for the published presets. */
#include "loudness.h"

#include "fx/biquad.h"

#include <math.h>
#include <stdlib.h>

#define BLOCK_S 0.4         /* gating block, s */
#define STEP 0.25           /* block hop as a fraction of the block (75 % overlap) */
#define ABS_GATE (-70.0)    /* LUFS */
#define REL_GATE (-10.0)    /* LU below the absolutely gated loudness */

static const double channel_weight[VX_LOUDNESS_MAX_CHANNELS] = {1.0, 1.0, 1.0, 1.41, 1.41};

/* -0.691 + 10 log10(sum_c G_c z_c): BS.1770 loudness of channel mean squares z. */
static double block_lufs(const double *z, size_t nchan)
{
    double s = 0;
    for (size_t c = 0; c < nchan; c++)
        s += channel_weight[c] * z[c];
    return -0.691 + 10.0 * log10(s);
}

/* Mean over the blocks j with keep(l_j) of each channel's z (NaN when none is kept,
 * as numpy's mean of an empty list). */
static void gated_mean(const double *z, const double *l, size_t nblocks, size_t nchan,
                       double gate, int strict, double *mean)
{
    size_t kept = 0;
    for (size_t c = 0; c < nchan; c++)
        mean[c] = 0;
    for (size_t j = 0; j < nblocks; j++) {
        int keep = strict ? l[j] > gate && l[j] > ABS_GATE : l[j] >= ABS_GATE;
        if (!keep)
            continue;
        kept++;
        for (size_t c = 0; c < nchan; c++)
            mean[c] += z[j * nchan + c];
    }
    for (size_t c = 0; c < nchan; c++)
        mean[c] = kept ? mean[c] / kept : NAN;
}

int vx_loudness_integrated(const float *x, size_t nchan, size_t nframes, double fs,
                           double *lufs, vx_err *e)
{
    if (nchan < 1 || nchan > VX_LOUDNESS_MAX_CHANNELS)
        return vx_err_set(e, "loudness: %zu channels (1 to %d supported)", nchan,
                          VX_LOUDNESS_MAX_CHANNELS);
    if (!(fs > 0))
        return vx_err_set(e, "loudness: sample rate %g Hz is not positive", fs);
    if ((double)nframes < BLOCK_S * fs)
        return vx_err_set(e, "loudness: %zu samples is shorter than one 0.4 s block",
                          nframes);
    /* pyloudnorm: n_blocks = round((T - 0.4) / 0.1) + 1, round half to even */
    double dur = (double)nframes / fs;
    size_t nblocks = (size_t)nearbyint((dur - BLOCK_S) / (BLOCK_S * STEP)) + 1;
    float *buf = malloc(nframes * sizeof *buf);
    double *z = calloc(nblocks * nchan, sizeof *z), *l = malloc(nblocks * sizeof *l);
    if (!buf || !z || !l) {
        free(buf), free(z), free(l);
        return vx_err_set(e, "loudness: out of memory");
    }
    const vx_biquad shelf = vx_biquad_design(VX_BQ_HIGHSHELF, 4.0, 1500.0, 1.0 / sqrt(2.0), fs);
    const vx_biquad hpf = vx_biquad_design(VX_BQ_HIGHPASS, 0.0, 38.0, 0.5, fs);
    for (size_t c = 0; c < nchan; c++) {
        for (size_t t = 0; t < nframes; t++)
            buf[t] = x[t * nchan + c];
        /* each stage's output is stored as float32, as pyloudnorm does */
        vx_biquad_filter(&shelf, buf, buf, nframes);
        vx_biquad_filter(&hpf, buf, buf, nframes);
        for (size_t j = 0; j < nblocks; j++) {
            /* block bounds exactly as pyloudnorm evaluates them (truncated at the end) */
            size_t lo = (size_t)(BLOCK_S * (j * STEP) * fs);
            size_t hi = (size_t)(BLOCK_S * (j * STEP + 1) * fs);
            double s = 0;
            for (size_t t = lo; t < hi && t < nframes; t++)
                s += (double)buf[t] * buf[t];
            z[j * nchan + c] = s / (BLOCK_S * fs); /* always the full block length */
        }
    }
    for (size_t j = 0; j < nblocks; j++)
        l[j] = block_lufs(z + j * nchan, nchan);
    double mean[VX_LOUDNESS_MAX_CHANNELS];
    gated_mean(z, l, nblocks, nchan, ABS_GATE, 0, mean);
    double rel_gate = block_lufs(mean, nchan) + REL_GATE; /* NaN if nothing passed */
    gated_mean(z, l, nblocks, nchan, rel_gate, 1, mean);
    for (size_t c = 0; c < nchan; c++)
        if (isnan(mean[c]))
            mean[c] = 0; /* numpy nan_to_num: an empty gate gives -inf LUFS */
    *lufs = block_lufs(mean, nchan);
    free(buf), free(z), free(l);
    return 0;
}

int vx_loudness_gain(double lufs, double target_lufs, double *gain, vx_err *e)
{
    if (!isfinite(lufs) || !isfinite(target_lufs))
        return vx_err_set(e, "loudness: cannot normalise a loudness of %g LUFS to %g LUFS",
                          lufs, target_lufs);
    *gain = pow(10.0, (target_lufs - lufs) / 20.0);
    return 0;
}
