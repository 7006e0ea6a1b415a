/* Pair preparation (see pair.h; spec/pipeline.md §2.1 and §5). */
#include "pair.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "loudness.h"

double vx_pair_side_db(const vx_audio *dry)
{
    if (dry->channels < 2)
        return -INFINITY;
    size_t ch = (size_t)dry->channels;
    double max[2] = {-INFINITY, -INFINITY};
    for (size_t t = 0; t < dry->frames; t++)
        for (size_t c = 0; c < 2; c++)
            if (dry->data[t * ch + c] > max[c])
                max[c] = dry->data[t * ch + c];
    if (max[0] == 0.0 || max[1] == 0.0)
        return NAN; /* 0/0 in the reference: its NaN side passes the check */
    double peak = 0.0;
    for (size_t t = 0; t < dry->frames; t++) {
        double side = 0.707 * (dry->data[t * ch] / max[0] - dry->data[t * ch + 1] / max[1]);
        peak = fmax(peak, fabs(side));
    }
    return 20.0 * log10(peak);
}

/* out[n] = in[(n - shift) mod n_frames] (torch.roll to the right). */
static void roll_right(const float *in, float *out, size_t n, long shift)
{
    size_t s = (size_t)(((shift % (long)n) + (long)n) % (long)n);
    memcpy(out + s, in, (n - s) * sizeof *out);
    memcpy(out, in + (n - s), s * sizeof *out);
}

/* Loudness of x (interleaved, nchan) and the gain to target; `what` names it in errors. */
static int normalise_gain(const char *what, const float *x, size_t nchan, size_t n, int rate,
                          double target, double *lufs, double *gain, vx_err *e)
{
    vx_err le;
    if (vx_loudness_integrated(x, nchan, n, rate, lufs, &le))
        return vx_err_set(e, "%s: %s", what, le.msg);
    if (!isfinite(*lufs))
        return vx_err_set(e, "%s is silent (loudness -inf LUFS); nothing to normalise", what);
    return vx_loudness_gain(*lufs, target, gain, e);
}

static void scale(float *x, size_t n, double gain)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (float)((double)x[i] * gain);
}

int vx_pair_crops(long shift, int rate)
{
    return fabs((double)shift) > VX_PAIR_ROLL_MAX_S * rate;
}

vx_pair_crop vx_pair_overlap(size_t dry_frames, size_t wet_frames, long shift)
{
    size_t lag = (size_t)labs(shift);
    vx_pair_crop c = {.dry = shift < 0 ? lag : 0, .wet = shift > 0 ? lag : 0};
    if (c.dry < dry_frames && c.wet < wet_frames)
        c.frames = dry_frames - c.dry < wet_frames - c.wet ? dry_frames - c.dry
                                                           : wet_frames - c.wet;
    return c;
}

/* Frames [start, start + n) of a (a view, sharing the samples). */
static vx_audio frames_view(const vx_audio *a, size_t start, size_t n)
{
    vx_audio v = *a;
    v.data = a->data + start * (size_t)a->channels;
    v.frames = n;
    return v;
}

/* The shift between the whole mono dry and wet, each zero-padded to the longer length: the
 * alignment at the common length sees only part of a pair whose shift is long. */
static int align_whole(const vx_audio *dry, const vx_audio *wet, long *shift, vx_err *e)
{
    size_t n = dry->frames > wet->frames ? dry->frames : wet->frames;
    float *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y);
    int rc = x && y ? 0 : vx_err_set(e, "out of memory (%zu frames)", n);
    if (!rc) {
        vx_audio_mixdown(dry, x);
        vx_audio_mixdown(wet, y);
        rc = vx_align_shift(x, y, n, shift, e);
    }
    free(x);
    free(y);
    return rc;
}

int vx_pair_prepare(const vx_audio *dry, const vx_audio *wet, const long *shift,
                    const vx_pair_crop *crop, double target_lufs, vx_pair *p, vx_err *e)
{
    memset(p, 0, sizeof *p);
    if (dry->rate != wet->rate)
        return vx_err_set(e, "sample rates differ: dry %d Hz, wet %d Hz", dry->rate, wet->rate);
    if (wet->channels != 2)
        return wet->channels == 1
                   ? vx_err_set(e, "wet is mono; DiffVox targets are stereo")
                   : vx_err_set(e, "wet has %d channels; DiffVox targets are stereo",
                                wet->channels);
    if (crop && (crop->dry > dry->frames || crop->frames > dry->frames - crop->dry ||
                 crop->wet > wet->frames || crop->frames > wet->frames - crop->wet))
        return vx_err_set(e, "crop (dry from %zu, wet from %zu, %zu frames) lies outside the "
                             "files (dry %zu frames, wet %zu)",
                          crop->dry, crop->wet, crop->frames, dry->frames, wet->frames);
    size_t n = crop ? crop->frames : dry->frames < wet->frames ? dry->frames : wet->frames;
    if ((double)n < 0.4 * dry->rate)
        return vx_err_set(e, "%s %zu samples is shorter than one 0.4 s loudness block",
                          crop ? "the crop's length" : "common length", n);
    /* Views of the signals used: the crop, or the common length (interleaved prefixes). */
    vx_audio d = frames_view(dry, crop ? crop->dry : 0, n);
    vx_audio w = frames_view(wet, crop ? crop->wet : 0, n);
    float *mono = malloc(n * sizeof *mono);
    p->dry = malloc(n * sizeof *p->dry);
    p->wet = malloc(2 * n * sizeof *p->wet);
    if (!mono || !p->dry || !p->wet) {
        free(mono);
        vx_pair_free(p);
        return vx_err_set(e, "out of memory (%zu frames)", n);
    }
    p->frames = n, p->rate = dry->rate;
    vx_audio_mixdown(&d, mono);
    int rc = 0;
    if (crop) {
        p->shift = (long)crop->wet - (long)crop->dry;
        p->cropped = 1, p->crop = *crop;
    } else if (shift) {
        p->shift = *shift;
    } else {
        vx_audio_mixdown(&w, p->dry); /* the mono wet, in p->dry until the roll */
        rc = vx_align_shift(mono, p->dry, n, &p->shift, e);
        if (!rc && vx_pair_crops(p->shift, p->rate)) {
            /* cut to the overlap in the whole files, aligned on them: prepare again with
             * that crop */
            free(mono);
            vx_pair_free(p);
            long whole;
            if (align_whole(dry, wet, &whole, e))
                return -1;
            vx_pair_crop c = vx_pair_overlap(dry->frames, wet->frames, whole);
            return vx_pair_prepare(dry, wet, NULL, &c, target_lufs, p, e);
        }
    }
    if (!rc && p->cropped)
        memcpy(p->dry, mono, n * sizeof *mono);
    else if (!rc)
        roll_right(mono, p->dry, n, p->shift);
    free(mono);
    for (size_t t = 0; t < n && !rc; t++)
        p->wet[t] = w.data[2 * t], p->wet[n + t] = w.data[2 * t + 1];
    double g_dry, g_wet;
    if (rc || normalise_gain("dry", p->dry, 1, n, p->rate, target_lufs, &p->lufs_dry, &g_dry, e) ||
        normalise_gain("wet", w.data, 2, n, p->rate, target_lufs, &p->lufs_wet, &g_wet, e)) {
        vx_pair_free(p);
        return -1;
    }
    p->gain_dry_db = target_lufs - p->lufs_dry;
    p->gain_wet_db = target_lufs - p->lufs_wet;
    scale(p->dry, n, g_dry);
    scale(p->wet, 2 * n, g_wet);
    return 0;
}

void vx_pair_free(vx_pair *p)
{
    free(p->dry);
    free(p->wet);
    memset(p, 0, sizeof *p);
}
