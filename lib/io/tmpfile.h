/* Outputs that appear whole or not at all: written under a temporary name beside the
 * target and renamed when complete. Pending names are removed at exit or on a fatal
 * signal, so an interrupted run leaves nothing half-written. */
#ifndef VX_IO_TMPFILE_H
#define VX_IO_TMPFILE_H

#include <stddef.h>

/* Registers a new temporary path for `target` and copies it to tmp (size n).
 * Returns 0, or -1 if the name is too long or too many outputs are pending. */
int vx_tmpfile_reserve(const char *target, char *tmp, size_t n);
/* Rename tmp to target and forget it. Returns 0 or -1 (errno set). */
int vx_tmpfile_commit(const char *tmp, const char *target);
/* Remove tmp and forget it. */
void vx_tmpfile_discard(const char *tmp);
/* Remove every pending temporary file: async-signal-safe. */
void vx_tmpfile_discard_all(void);

#endif
