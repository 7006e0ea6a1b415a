/* A dry/wet pair made ready for fitting or scoring: crop, alignment, roll, mono dry,
 * loudness normalisation (spec/pipeline.md §2.1 steps 2-7 and §5). Shared by vx-pair,
 * vx-fit and vx-loss. */
#ifndef VX_PAIR_H
#define VX_PAIR_H

#include <stddef.h>

#include "err.h"
#include "io/audio.h"

#define VX_PAIR_TARGET_LUFS (-18.0) /* DiffVox's loudness target, LUFS */
#define VX_PAIR_SIDE_MAX_DB (-10.0) /* §2.1 step 2: skip a dry whose side energy is above */

typedef struct {
    size_t frames;     /* T0 = min(dry frames, wet frames) */
    int rate;          /* Hz, of both */
    long shift;        /* samples the dry was rolled right by; > 0: the wet lags the dry */
    double lufs_dry;   /* integrated loudness of the rolled mono dry, LUFS */
    double lufs_wet;   /* of the cropped stereo wet, LUFS */
    double gain_dry_db, gain_wet_db; /* gains applied: target - lufs, dB */
    float *dry;        /* [frames]: mono dry, rolled and normalised (owned) */
    float *wet;        /* [2 * frames]: planar stereo wet, left then right, normalised (owned) */
} vx_pair;

/* Prepare a pair from whole signals (any channel counts for the dry; the wet must be
 * stereo). Both are cropped to their common length; the dry is downmixed to mono (mean
 * of its channels, float32) and rolled circularly right by the shift: the given *shift
 * (loss evaluation, §5), or with shift NULL the alignment of the mono dry with the mono
 * wet (vx_align_shift). Then both are normalised to target_lufs, the dry measured as one
 * channel and the wet as two (pyloudnorm, §2.2); samples are scaled in double and
 * stored as float32. No side-energy check here (vx_pair_side_db is the caller's).
 * Errors: sample rates differ, the wet is not stereo ("wet is mono; DiffVox targets are
 * stereo"), the common length is under one 0.4 s loudness block, a signal is silent
 * (-inf LUFS), out of memory. Returns 0, or -1 with e set and p empty. */
int vx_pair_prepare(const vx_audio *dry, const vx_audio *wet, const long *shift,
                    double target_lufs, vx_pair *p, vx_err *e);
void vx_pair_free(vx_pair *p);

/* §2.1 step 2 on the whole dry: channels 0 and 1 each divided by their signed maximum,
 * side = 0.707·(L' - R'), result 20·log10(max |side|) in dB. -INFINITY for a mono dry;
 * NAN when a channel's maximum is 0 (the reference divides 0 by 0 and keeps the pair). */
double vx_pair_side_db(const vx_audio *dry);

#endif
