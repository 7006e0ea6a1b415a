/* NumPy .npy arrays (v1/v2 headers, little-endian f4, f8, i8, b1, C order) and members
 * of uncompressed .npz archives (what numpy.savez writes). */
#ifndef VX_IO_NPY_H
#define VX_IO_NPY_H

#include <stddef.h>

#include "err.h"

typedef struct {
    int ndim;          /* 0..2 */
    size_t shape[2];   /* unused dimensions are 1 */
    size_t count;      /* number of elements */
    double *data;      /* converted to double, C order; owned, free with vx_npy_free */
} vx_npy;

int vx_npy_read(const char *path, vx_npy *a, vx_err *e);
/* member is the array name without ".npy", e.g. "cov". */
int vx_npz_read(const char *path, const char *member, vx_npy *a, vx_err *e);
void vx_npy_free(vx_npy *a);

#endif
