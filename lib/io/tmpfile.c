/* Registry of pending temporary outputs (see tmpfile.h). */
#include "io/tmpfile.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_PENDING 16
#define MAX_PATH 4096

/* Process-wide by necessity: the exit and signal handlers must find the names. */
static char pending[MAX_PENDING][MAX_PATH];

int vx_tmpfile_reserve(const char *target, char *tmp, size_t n)
{
    const char *slash = strrchr(target, '/');
    int dirlen = slash ? (int)(slash - target + 1) : 0;
    int len = snprintf(tmp, n, "%.*s.%s.%ld.tmp", dirlen, target, target + dirlen, (long)getpid());
    if (len < 0 || (size_t)len >= n || (size_t)len >= MAX_PATH)
        return -1;
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending[i][0]) {
            memcpy(pending[i], tmp, (size_t)len + 1);
            return 0;
        }
    return -1;
}

static void forget(const char *tmp)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (!strcmp(pending[i], tmp))
            pending[i][0] = 0;
}

int vx_tmpfile_commit(const char *tmp, const char *target)
{
    int rc = rename(tmp, target);
    if (rc)
        unlink(tmp);
    forget(tmp);
    return rc;
}

void vx_tmpfile_discard(const char *tmp)
{
    unlink(tmp);
    forget(tmp);
}

void vx_tmpfile_discard_all(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i][0]) {
            unlink(pending[i]);
            pending[i][0] = 0;
        }
}
