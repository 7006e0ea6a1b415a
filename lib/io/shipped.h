/* Files shipped in presets/ (the published preset sets and their Gaussians), found for
 * options whose default is one of them. */
#ifndef VX_IO_SHIPPED_H
#define VX_IO_SHIPPED_H

#include <stddef.h>

#include "err.h"

/* The path of presets/NAME: $VX_PRESETS/NAME when VX_PRESETS is set; else the first that
 * exists of <program dir>/../share/vx/presets/NAME (installed under PREFIX) and
 * <program dir>/../../../presets/NAME (the build tree, build/<fft>/bin). Returns 0 with
 * buf filled, or -1 with e set naming the places looked in. */
int vx_shipped_path(const char *name, char *buf, size_t n, vx_err *e);

#endif
