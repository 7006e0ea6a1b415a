/* Audition (vx-render --each): the presets of a set chosen by a list of indices and
 * ranges, and the file name of each render from a pattern. */
#ifndef VX_AUDITION_H
#define VX_AUDITION_H

#include <stddef.h>

#include "err.h"

/* Checks an output pattern: text with exactly one %d for the preset's 0-based index (a
 * zero flag and a width allowed: %02d), at most one %s for its track name, and %% for a
 * percent sign. Returns 0, or -1 with e saying what is wrong. */
int vx_audition_pattern_check(const char *pattern, vx_err *e);

/* The file name of preset `index` with track name `track` (NULL: "preset"; a '/' in it
 * becomes '_', so that a name cannot leave the pattern's directory) from a checked
 * pattern into out[size]. Returns 0, or -1 when it does not fit. */
int vx_audition_name(const char *pattern, long index, const char *track, char *out,
                     size_t size);

#define VX_AUDITION_MAX_RANGES 256

/* Presets chosen by "-k 0-9,12": closed ranges of 0-based indices. */
typedef struct {
    long lo[VX_AUDITION_MAX_RANGES], hi[VX_AUDITION_MAX_RANGES];
    int n;
    long last; /* the largest index chosen */
} vx_audition_pick;

/* Parses a comma-separated list of indices N and ranges N-M (N <= M). Returns 0, or -1
 * with e naming the item that is not one. */
int vx_audition_pick_parse(const char *list, vx_audition_pick *p, vx_err *e);
/* Is index chosen? */
int vx_audition_picked(const vx_audition_pick *p, long index);

#endif
