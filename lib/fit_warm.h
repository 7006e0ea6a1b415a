/* vx-fit --fast's warm start: the training loss of every preset of some sets (the shipped
 * ones: the published MedleyDB and internal presets) on one chunk of the pair, forward
 * only, and the preset of the lowest, where the optimiser then starts. */
#ifndef VX_FIT_WARM_H
#define VX_FIT_WARM_H

#include <stddef.h>

#include "err.h"
#include "fit.h"

typedef struct {
    double raw[VX_NRAW]; /* the preset of the lowest loss */
    double loss;         /* its loss on the chunk */
    size_t set;          /* its set (index into the paths given) */
    long index;          /* its 0-based record index in that set */
    char track[256];     /* its "track", "" when it has none */
    size_t screened;     /* presets evaluated */
    size_t chunk;        /* the active chunk they were evaluated on: the middle one */
} vx_warm_pick;

/* Screens every preset record of the NDJSON files sets[0..nsets) with vx_fit_loss on f (a
 * fit of batch 1; the delay surrogate's eta at its initial value) and fills out with the
 * lowest; ties go to the first. A record that is not a valid preset is an error; a preset
 * whose loss cannot be evaluated (not finite) is passed over. Returns 0, or -1 with e set
 * (a file, a record, or no preset evaluated). */
int vx_warm_pick_best(vx_fit *f, const char *const *sets, size_t nsets, vx_warm_pick *out, vx_err *e);

#endif
