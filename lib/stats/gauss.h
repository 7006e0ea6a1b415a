/* The Gaussian of a preset set (spec/pipeline.md §6): mean and unbiased covariance of
 * the masked logits, and its "gaussian" record. */
#ifndef VX_STATS_GAUSS_H
#define VX_STATS_GAUSS_H

#include <cjson/cJSON.h>

#include "err.h"
#include "params.h"
#include "stats/mask.h"

typedef struct {
    int dim;                       /* kept values d: the number of 1s in mask (130) */
    long n;                        /* rows of the fit; 0 when the record does not say */
    unsigned char mask[VX_NRAW];   /* 1 = raw value kept */
    double *mean;                  /* [dim], owned */
    double *cov;                   /* [dim * dim], row-major, symmetric, owned */
    char dataset[256];             /* name written into the record; "" if none */
} vx_gauss;

/* A zero Gaussian over the values mask keeps (NULL: the DiffVox mask, vx_params_mask).
 * NULL when out of memory. Free with vx_gauss_free. */
vx_gauss *vx_gauss_create(const unsigned char *mask);
void vx_gauss_free(vx_gauss *g);

/* Fit g to x: n rows of g->dim masked values (row-major), n >= 2 (§6: column mean,
 * covariance C^T C / (n - 1)). Sets g->n. */
int vx_gauss_fit(vx_gauss *g, const double *x, long n, vx_err *e);

/* The gaussian record {"type":"gaussian","dataset","n","mask","mean","cov"}, numbers as
 * round-trip doubles. Caller deletes. NULL when out of memory. */
cJSON *vx_gauss_to_json(const vx_gauss *g);
/* From a gaussian record (a "type" other than "gaussian" is refused; "n" and "dataset"
 * may be absent): mask of 151 booleans, mean and symmetric cov of matching size, all
 * finite. `where` prefixes messages. */
vx_gauss *vx_gauss_from_json(const cJSON *rec, const char *where, vx_err *e);
/* A gaussian record from a file holding one JSON document (one line or pretty-printed);
 * "-" is standard input. */
vx_gauss *vx_gauss_load(const char *path, vx_err *e);

#endif
