/* MedleyDB metadata YAML (lib/medleydb.c), read from a song folder made once in /tmp. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medleydb.h"

static char song[64], yaml[128];

static void remove_folder(void)
{
    unlink(yaml);
    rmdir(song);
    *strrchr(song, '/') = 0;
    rmdir(song);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!*song) {
        char top[] = "/tmp/vx-fuzz-medleydb.XXXXXX";
        if (!mkdtemp(top))
            abort();
        snprintf(song, sizeof song, "%s/Song", top);
        snprintf(yaml, sizeof yaml, "%s/Song_METADATA.yaml", song);
        if (mkdir(song, 0700))
            abort();
        atexit(remove_folder);
    }
    FILE *fp = fopen(yaml, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp))
        abort();
    vx_medley_song s;
    vx_err e;
    if (vx_medley_read(song, &s, &e) == 0)
        vx_medley_free(&s);
    return 0;
}
