/* .npz archives (lib/io/npy.c): end record, central directory, ZIP64 extra fields,
 * local headers, CRC, then the member's .npy image; the two members vx-import reads. */
#include <stdint.h>

#include "io/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vx_npy a;
    vx_err e;
    if (vx_npz_parse(data, size, "fuzz.npz", "mean", 1, &a, &e) == 0)
        vx_npy_free(&a);
    if (vx_npz_parse(data, size, "fuzz.npz", "cov", 2, &a, &e) == 0)
        vx_npy_free(&a);
    return 0;
}
