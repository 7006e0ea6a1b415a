/* .npy images (lib/io/npy.c): header, dtype, shape and data length checks, read as
 * 0-, 1- and 2-dimensional arrays. */
#include <stdint.h>

#include "io/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int ndim = 0; ndim <= 2; ndim++) {
        vx_npy a;
        vx_err e;
        if (vx_npy_parse(data, size, "fuzz.npy", ndim, &a, &e) == 0)
            vx_npy_free(&a);
    }
    return 0;
}
