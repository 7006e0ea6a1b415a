/* Fit log folders: vx-fit --log-dir DIR writes DIR/<track>/run_<N>/fit.json (spec/
 * pipeline.md §2.5); this lists the runs found under a root, at any depth. */
#ifndef VX_IO_LOGDIR_H
#define VX_IO_LOGDIR_H

#include <stddef.h>

#include "err.h"

typedef struct {
    char *fit;   /* <root>/.../run_<N>/fit.json */
    char *track; /* the folder holding run_<N>, relative to root ("." for root itself) */
    long run;    /* N */
} vx_logdir_run;

/* Every folder named run_<N> (N decimal digits) under root holding a fit.json, sorted by
 * track then N. Folders are not followed into a run_<N> folder or through symbolic
 * links. *runs is owned by the caller (vx_logdir_free). Returns 0, or -1 with e set
 * (root unreadable, out of memory); *n_without counts run folders with no fit.json
 * (fits still running or interrupted). */
int vx_logdir_list(const char *root, vx_logdir_run **runs, size_t *n, size_t *n_without,
                   vx_err *e);
void vx_logdir_free(vx_logdir_run *runs, size_t n);

#define VX_LOGDIR_NAME_MAX 100 /* bytes of a track's folder name */

/* The folder name of a track (into name, size n): one path component whatever the record
 * says. Every '/', control character and leading '.' becomes '_' (so no "..", no hidden
 * folder, no folder outside the root); cut to VX_LOGDIR_NAME_MAX bytes at a UTF-8
 * character's boundary; "pair" for an empty track. */
void vx_logdir_folder_name(const char *track, char *name, size_t n);

/* Makes root/<folder>/run_<N> for a new run, folder = vx_logdir_folder_name(track),
 * N = 1 + the largest existing (0 for the first), creating root (with the folders above
 * it) and root/<folder> as needed; safe against fits of the same track starting together. The folder's path goes
 * to dir (size n). Returns 0, or -1 with e set. */
int vx_logdir_new_run(const char *root, const char *track, char *dir, size_t n, vx_err *e);

#endif
