/* Audio files (lib/io/audio.c through libsndfile): whatever the header claims, the
 * reader's checks (rate, channels, frames, finite samples) must hold. Read in small
 * blocks so that an execution costs what the input costs. */
#include <stdint.h>

#include "io/audio.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vx_err e;
    vx_audio_reader *r = vx_audio_reader_open(memfile(data, size), NULL, 0, &e);
    if (!r)
        return 0;
    size_t channels = (size_t)vx_audio_reader_channels(r);
    float *buf = channels <= 1024 ? malloc(64 * channels * sizeof *buf) : NULL;
    while (buf && vx_audio_reader_read(r, buf, 64, &e) > 0)
        ;
    free(buf);
    vx_audio_reader_close(r);
    return 0;
}
