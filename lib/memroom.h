/* Whether a process can still allocate a given amount: its limits and the system's free
 * memory, checked before a long job rather than discovered in the middle of it. */
#ifndef VX_MEMROOM_H
#define VX_MEMROOM_H

#include <stddef.h>

#include "err.h"

/* Returns 0 when `need` more bytes fit under RLIMIT_AS (with the address space already
 * mapped), RLIMIT_DATA (with the data already mapped) and the system's available memory;
 * otherwise -1 with e saying which limit leaves how many MB. Limits it cannot read
 * (no /proc) are not checked. */
int vx_memroom(size_t need, vx_err *e);

#endif
