/* Audio files (lib/io/audio.c through libsndfile): whatever the header claims, the
 * reader's checks (rate, channels, frames, finite samples) must hold. */
#include <stdint.h>

#include "io/audio.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vx_audio a;
    vx_err e;
    if (vx_audio_read(memfile(data, size), NULL, 0, &a, &e) == 0) {
        float *mono = malloc(a.frames * sizeof *mono);
        if (mono)
            vx_audio_mixdown(&a, mono);
        free(mono);
        vx_audio_free(&a);
    }
    return 0;
}
