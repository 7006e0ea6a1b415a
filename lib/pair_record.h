/* The alignment fields of a pair record ("shift", and "crop" when vx-pair cut the pair to
 * its overlap instead of rolling it): read by vx-fit and vx-loss, written by vx-pair. */
#ifndef VX_PAIR_RECORD_H
#define VX_PAIR_RECORD_H

#include <cjson/cJSON.h>

#include "err.h"
#include "pair.h"

/* "crop": {"dry": first dry frame, "wet": first wet frame, "frames": length}. */
cJSON *vx_pair_crop_json(const vx_pair_crop *c);

/* The note a tool gives when a pair was cut rather than rolled, into buf (snprintf's
 * return). */
int vx_pair_crop_note(const vx_pair *p, char *buf, size_t n);

/* The record's "crop" into *c: 1 when present, 0 when absent (or null), -1 with e set
 * ("where: crop ...") when it is not an object of three whole non-negative numbers, or
 * when it disagrees with the record's "shift" (wet - dry must be the shift). */
int vx_pair_crop_read(const cJSON *rec, const char *where, vx_pair_crop *c, vx_err *e);

#endif
