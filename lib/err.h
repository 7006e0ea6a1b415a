/* Error messages from library functions: they fill a vx_err and return -1; the
 * program decides how to report (STYLE.md: library code never prints or exits). */
#ifndef VX_ERR_H
#define VX_ERR_H

#include <stddef.h>

typedef struct {
    char msg[512]; /* "where: what", e.g. "preset.json:3: raw[24] is not a number" */
} vx_err;

/* Formats into e (if not NULL) and returns -1, so callers can `return vx_err_set(...)`. */
int vx_err_set(vx_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
