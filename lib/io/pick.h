/* One record of an NDJSON set, chosen by its index or its name (vx-render -k, vx-fit -k
 * and --init-pick). */
#ifndef VX_IO_PICK_H
#define VX_IO_PICK_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "err.h"

/* The record of the set at path that `which` names: a 0-based record index (all digits),
 * or a name equal to a record's "track" or "id", with or without its extension. A name
 * that several records carry is an error that lists their indices; which NULL: the set
 * must hold one record. `noun` ("preset", "pair") words the messages. Returns 0 with *rec
 * (the caller deletes it) and, if where is not NULL, its "file:line" in where[n], or -1
 * with e set. */
int vx_ndjson_pick(const char *path, const char *which, const char *noun, cJSON **rec,
                   char *where, size_t n, vx_err *e);

#endif
