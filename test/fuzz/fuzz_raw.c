/* Raw float32 streams on standard input (lib/io/audio.c, "-"): the first byte picks the
 * declared channel count (1-8), the rest is the stream, read in small blocks as the
 * tools read it. Standard input is a memfd. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/audio.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static int ready;
    const char *path = memfile(data + 1, size - 1);
    if (!ready) {
        if (!freopen(path, "rb", stdin))
            abort();
        ready = 1;
    }
    clearerr(stdin);
    if (fseek(stdin, 0, SEEK_SET))
        abort();
    vx_stream_fmt fmt = {44100, 1 + data[0] % 8};
    vx_err e;
    vx_audio_reader *r = vx_audio_reader_open("-", &fmt, 44100, &e);
    if (!r)
        return 0;
    float buf[16 * 8];
    while (vx_audio_reader_read(r, buf, 16, &e) > 0)
        ;
    vx_audio_reader_close(r);
    return 0;
}
