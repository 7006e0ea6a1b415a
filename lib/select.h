/* Which finished fits become presets (spec/pipeline.md §4.2): the four criteria of
 * DiffVox's get_params.py, checked in order, the first failing one classifying a fit. */
#ifndef VX_SELECT_H
#define VX_SELECT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "err.h"
#include "params.h"

typedef enum {
    VX_SELECT_KEPT = 0,
    VX_SELECT_TERMINATED,    /* terminated_by is not null */
    VX_SELECT_LOSS_ABOVE,    /* min(losses) > loss threshold */
    VX_SELECT_NOT_CONVERGED, /* losses[0] < min(losses[1:]) */
    VX_SELECT_FLUCTUATING,   /* median |losses[t+1] - losses[t]| > fluctuation threshold */
    VX_SELECT_NREASONS
} vx_select_reason;

typedef struct {
    double loss_thresh; /* default 4.0 */
    double fluc_thresh; /* default +inf (never) */
} vx_select_limits;

/* What selection reads from a fit record. */
typedef struct {
    const char *track;         /* the record's "track" (borrowed from the record) */
    const char *terminated_by; /* NULL when the fit ran to the end (borrowed) */
    double *losses;            /* [n_losses], one per step (owned) */
    size_t n_losses;
    double finished;           /* "finished", seconds since 1970 UTC */
    double raw[VX_NRAW];         /* the fitted preset, validated like any preset */
} vx_select_fit;

/* Read and check a fit record: "track" a string, "terminated_by" null or a string,
 * "losses" an array of finite numbers (non-empty unless terminated), "finished" an ISO
 * 8601 time, "raw"/"fx" a valid preset. Errors start with `where` ("file:line").
 * Returns 0, or -1 with e set (f is then empty). Free with vx_select_fit_free. */
int vx_select_fit_read(const cJSON *rec, const char *where, vx_select_fit *f, vx_err *e);
void vx_select_fit_free(vx_select_fit *f);

/* The first criterion the fit fails, or VX_SELECT_KEPT. value[0] receives the figure
 * behind the verdict (min loss, losses[0], median |diff|) and, for not converged,
 * value[1] = min(losses[1:]). The last two criteria need at least two losses. */
vx_select_reason vx_select_classify(const vx_select_fit *f, const vx_select_limits *lim,
                                    double value[2]);

/* "kept", "terminated", "loss_above", "not_converged", "fluctuating". */
const char *vx_select_reason_name(vx_select_reason r);

#endif
