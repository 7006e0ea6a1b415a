/* The preset rows a statistic uses: preset records read from NDJSON files in order,
 * selected by position, dry path and the training flag (pca_trsfm.py's --exclude,
 * DiffVox's train_index; spec/pipeline.md §6). */
#ifndef VX_STATS_ROWS_H
#define VX_STATS_ROWS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "err.h"

typedef struct {
    const char *list;    /* "0-9,12": 0-based positions over all records read; NULL = all */
    const char *exclude; /* drop records whose "dry" contains this string; NULL = none */
    int train;           /* keep only records with "train": true */
    int preset_flags;    /* vx_preset_parse's flags for each record */
} vx_rowsel;

/* Checks the syntax of a position list ("N" or "N-M", comma-separated, N <= M). */
int vx_rowsel_check(const char *list, vx_err *e);

typedef struct vx_rows vx_rows;

/* Reads paths[0..npaths-1] one after another ("-" is standard input; npaths 0 means
 * standard input). sel may be NULL (every record). */
vx_rows *vx_rows_open(const char *const *paths, int npaths, const vx_rowsel *sel, vx_err *e);
/* The next selected record: 1 with *rec (caller deletes) and raw[151] (parsed and
 * validated, vx_preset_parse), 0 at the end, -1 with e ("file:line: ..."). At the end,
 * positions of sel->list that were never reached are an error. */
int vx_rows_next(vx_rows *r, cJSON **rec, double *raw, vx_err *e);
/* "file:line" of the record last returned. */
const char *vx_rows_where(const vx_rows *r);
void vx_rows_close(vx_rows *r);

/* Every selected record's masked values (vx_mask_pick): *x = n rows of popcount(mask)
 * (caller frees), *n rows. dataset[size] receives the records' distinct "dataset"
 * names joined by "+" ("" if none). */
int vx_rows_read_all(const char *const *paths, int npaths, const vx_rowsel *sel,
                     const unsigned char *mask, double **x, long *n, char *dataset,
                     size_t size, vx_err *e);

#endif
