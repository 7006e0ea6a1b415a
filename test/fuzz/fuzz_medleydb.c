/* MedleyDB metadata YAML (lib/medleydb.c): a song folder made once in /tmp whose
 * Song_METADATA.yaml is a symbolic link to the in-memory input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medleydb.h"
#include "memfile.h"

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
    const char *path = memfile(data, size);
    if (!*song) {
        char top[] = "/tmp/vx-fuzz-medleydb.XXXXXX";
        if (!mkdtemp(top))
            abort();
        snprintf(song, sizeof song, "%s/Song", top);
        snprintf(yaml, sizeof yaml, "%s/Song_METADATA.yaml", song);
        if (mkdir(song, 0700) || symlink(path, yaml))
            abort();
        atexit(remove_folder);
    }
    vx_medley_song s;
    vx_err e;
    if (vx_medley_read(song, &s, &e) == 0)
        vx_medley_free(&s);
    return 0;
}
