/* Outputs that appear whole or not at all. A regular file (or a new one) is written under
 * a temporary name beside it and renamed over it when complete; pending names are removed
 * at exit or on a fatal signal, so an interrupted run leaves nothing half-written.
 *
 * What a path names decides how it is written (vx(7), FILES):
 *   - nothing, or a regular file: temporary file beside it, then rename;
 *   - a symbolic link: followed; the file it leads to is replaced (or created), the link
 *     stays a link;
 *   - a FIFO, a character or block device, a socket, or anything in /proc (/dev/stdout,
 *     /dev/fd/N lead there): written directly, in place, never renamed over;
 *   - a directory: an error.
 * Temporaries are named .NAME.PID.tmp; those of processes that no longer run (killed
 * before they could clean up) are removed when an output of the same name is next made. */
#ifndef VX_IO_TMPFILE_H
#define VX_IO_TMPFILE_H

#include <stdio.h>

#include "err.h"

#define VX_PATH_MAX 4096

typedef struct {
    char target[VX_PATH_MAX]; /* the file the output becomes: the path or, through links,
                                 the file they lead to */
    char path[VX_PATH_MAX];   /* what to open and write: the temporary name, or target */
    int direct;               /* 1: a special file written in place (no temporary) */
} vx_tmpfile;

/* Decides where an output to `path` goes (above) and registers its temporary name.
 * Returns 0, or -1 with e set ("PATH: Is a directory", a loop of links, a name too long,
 * too many outputs pending). Nothing is created yet: the caller opens t->path. */
int vx_tmpfile_reserve(const char *path, vx_tmpfile *t, vx_err *e);
/* Renames the temporary file over the target (nothing to do for a direct output) and
 * forgets it. Returns 0, or -1 with e set (the temporary file is removed). */
int vx_tmpfile_commit(vx_tmpfile *t, vx_err *e);
/* Commit of a direct output made through an unnamed temporary file `spool` (for writers
 * that seek back, as libsndfile does to finish a header): copies spool's bytes from its
 * start into the special file. Returns 0, or -1 with e set (a full device, a closed pipe). */
int vx_tmpfile_copy_out(const vx_tmpfile *t, FILE *spool, vx_err *e);
/* Removes the temporary file (not a direct output) and forgets it. */
void vx_tmpfile_discard(vx_tmpfile *t);
/* Registers a folder just made for outputs: it is removed by vx_tmpfile_discard_all if
 * it is still empty then (a run that failed leaves no empty folder). */
int vx_tmpfile_reserve_dir(const char *dir);
/* Removes every pending temporary file, then every registered folder left empty:
 * async-signal-safe. */
void vx_tmpfile_discard_all(void);

#endif
