/* NumPy .npy arrays (v1-v3 headers, little-endian f4, f8, i8, b1, C order) and members
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

/* Each reader takes the number of dimensions the caller expects (0..2): an array with
 * another number is refused, as is a header that is not exactly NumPy's dictionary, a
 * negative shape, and data shorter or longer than the shape. Errors name the file (and
 * member) and what is wrong; a is zeroed on failure. */
int vx_npy_read(const char *path, int ndim, vx_npy *a, vx_err *e);
/* The same from a .npy image of len bytes in memory; name is used in messages. */
int vx_npy_parse(const unsigned char *buf, size_t len, const char *name, int ndim, vx_npy *a,
                 vx_err *e);

/* member is the array name without ".npy", e.g. "cov". The archive's central directory
 * is authoritative; the member's local header must agree with it and its CRC-32 hold. */
int vx_npz_read(const char *path, const char *member, int ndim, vx_npy *a, vx_err *e);
int vx_npz_parse(const unsigned char *buf, size_t len, const char *name, const char *member,
                 int ndim, vx_npy *a, vx_err *e);

void vx_npy_free(vx_npy *a);

#endif
