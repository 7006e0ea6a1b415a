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

/* Above this |shift| a pair is cut to its overlap instead of rolled, in seconds. DiffVox
 * rolls the dry by the shift, which lays the dry's last |shift| samples over the wet's
 * start: harmless for the latencies of processing (56 of the 70 published MedleyDB pairs
 * are within 50 ms; 0.1 s is under 1 % of a 12 s fitting chunk), but a dry with seconds
 * of leading silence or a late start gets seconds of its end laid over the wet (3 s
 * doubled the losses). 0.1 s keeps the roll for every latency-sized shift and cuts every
 * editing offset. */
#define VX_PAIR_ROLL_MAX_S 0.1

/* Where a cropped pair lies in its files: dry[dry + n] pairs with wet[wet + n] for n in
 * 0..frames-1 (so wet - dry is the shift). */
typedef struct {
    size_t dry, wet, frames;
} vx_pair_crop;

typedef struct {
    size_t frames;     /* T0 = min(dry frames, wet frames), or the overlap when cropped */
    int rate;          /* Hz, of both */
    long shift;        /* samples the dry was rolled right by; > 0: the wet lags the dry */
    int cropped;       /* 1: cut to crop (the overlap) instead of rolled */
    vx_pair_crop crop; /* when cropped */
    double lufs_dry;   /* integrated loudness of the rolled mono dry, LUFS */
    double lufs_wet;   /* of the cropped stereo wet, LUFS */
    double gain_dry_db, gain_wet_db; /* gains applied: target - lufs, dB */
    float *dry;        /* [frames]: mono dry, rolled and normalised (owned) */
    float *wet;        /* [2 * frames]: planar stereo wet, left then right, normalised (owned) */
} vx_pair;

/* Prepare a pair from whole signals (any channel counts for the dry; the wet must be
 * stereo). The dry is downmixed to mono (mean of its channels, float32) and aligned with
 * the wet in one of three ways:
 * - crop given: both are cut to it (a pair record's "crop"); *shift is then crop's.
 * - shift given, crop NULL: DiffVox's way (§2.1 steps 3-5, loss evaluation §5): both
 *   cropped to their common length, the dry rolled circularly right by *shift.
 * - shift NULL: the alignment of the mono dry with the mono wet at their common length
 *   (vx_align_shift); rolled as DiffVox when |shift| <= VX_PAIR_ROLL_MAX_S, else aligned
 *   again on the whole files (zero-padded to the longer: the common length holds only
 *   part of the overlap), both cut to their overlap there (vx_pair_overlap) and
 *   p->cropped set.
 * Then both are normalised to target_lufs, the dry measured as one channel and the wet
 * as two (pyloudnorm, §2.2); samples are scaled in double and stored as float32. No
 * side-energy check here (vx_pair_side_db is the caller's).
 * Errors: sample rates differ, the wet is not stereo ("wet is mono; DiffVox targets are
 * stereo"), a crop outside the files, the length used is under one 0.4 s loudness
 * block, a signal is silent (-inf LUFS), out of memory. Returns 0, or -1 with e set and
 * p empty. */
int vx_pair_prepare(const vx_audio *dry, const vx_audio *wet, const long *shift,
                    const vx_pair_crop *crop, double target_lufs, vx_pair *p, vx_err *e);

/* 1 when a shift of that many samples at rate Hz is cut rather than rolled. */
int vx_pair_crops(long shift, int rate);

/* The overlap of a dry of dry_frames and a wet of wet_frames when the wet lags the dry by
 * shift samples (frames 0 when they do not overlap). */
vx_pair_crop vx_pair_overlap(size_t dry_frames, size_t wet_frames, long shift);
void vx_pair_free(vx_pair *p);

/* §2.1 step 2 on the whole dry: channels 0 and 1 each divided by their signed maximum,
 * side = 0.707·(L' - R'), result 20·log10(max |side|) in dB. -INFINITY for a mono dry;
 * NAN when a channel's maximum is 0 (the reference divides 0 by 0 and keeps the pair). */
double vx_pair_side_db(const vx_audio *dry);

#endif
