/* Sample-rate conversion with libsoxr (see resample.h). */
#include "dsp/resample.h"

#include <math.h>
#include <soxr.h>
#include <stdlib.h>

struct vx_resampler {
    soxr_t soxr;
};

vx_resampler *vx_resampler_new(double in_rate, double out_rate, int channels, vx_err *e)
{
    vx_resampler *r = malloc(sizeof *r);
    if (!r) {
        vx_err_set(e, "out of memory");
        return NULL;
    }
    soxr_error_t why = NULL;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    soxr_runtime_spec_t rt = soxr_runtime_spec(1); /* callers run their own threads */
    r->soxr = soxr_create(in_rate, out_rate, (unsigned)channels, &why, &io, &q, &rt);
    if (!r->soxr) {
        vx_err_set(e, "cannot resample %g Hz to %g Hz: %s", in_rate, out_rate,
                   why ? why : "libsoxr failed");
        free(r);
        return NULL;
    }
    return r;
}

size_t vx_resampler_process(vx_resampler *r, const float *in, size_t n, size_t *used, float *out,
                            size_t cap)
{
    size_t idone = 0, odone = 0;
    soxr_process(r->soxr, in, in ? n : 0, &idone, out, cap, &odone);
    if (used)
        *used = idone;
    return odone;
}

void vx_resampler_free(vx_resampler *r)
{
    if (!r)
        return;
    soxr_delete(r->soxr);
    free(r);
}

int vx_resample(const float *in, size_t frames, int channels, double in_rate, double out_rate,
                float **out, size_t *out_frames, vx_err *e)
{
    *out = NULL, *out_frames = 0;
    size_t ch = (size_t)channels;
    /* soxr gives round(frames * ratio); room for one frame more guards the rounding */
    size_t cap = (size_t)ceil((double)frames * out_rate / in_rate) + 1;
    float *y = malloc(cap * ch * sizeof *y);
    vx_resampler *r = y ? vx_resampler_new(in_rate, out_rate, channels, e) : NULL;
    if (!r) {
        free(y);
        if (!y)
            vx_err_set(e, "out of memory for %zu frames", cap);
        return -1;
    }
    size_t pos = 0, n = 0, used;
    while (pos < frames && n < cap) {
        n += vx_resampler_process(r, in + pos * ch, frames - pos, &used, y + n * ch, cap - n);
        pos += used;
    }
    size_t got;
    while (n < cap && (got = vx_resampler_process(r, NULL, 0, NULL, y + n * ch, cap - n)) > 0)
        n += got;
    vx_resampler_free(r);
    *out = y, *out_frames = n;
    return 0;
}
