/* In-memory files for harnesses whose parser takes a path: one memfd per process,
 * refilled with each input and named through /proc/self/fd. */
#ifndef VX_FUZZ_MEMFILE_H
#define VX_FUZZ_MEMFILE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The memfd's path, now holding exactly data[0..size). Aborts if the memfd fails
 * (the harness cannot test anything then). */
static const char *memfile(const unsigned char *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("vx-fuzz", 0);
        if (fd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    return path;
}

#endif
