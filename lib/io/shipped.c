/* Finding shipped files (see shipped.h). */
#include "io/shipped.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int vx_shipped_path(const char *name, char *buf, size_t n, vx_err *e)
{
    const char *env = getenv("VX_PRESETS");
    if (env && *env) {
        snprintf(buf, n, "%s/%s", env, name);
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
        return vx_err_set(e, "cannot find presets/%s (set VX_PRESETS to its folder)", name);
    exe[k] = 0;
    char *slash = strrchr(exe, '/');
    *slash = 0;
    static const char *const rel[] = {"../share/vx/presets", "../../../presets"};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        char path[PATH_MAX + 64], real[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s/%s", exe, rel[i], name);
        if (access(path, R_OK) == 0) {
            snprintf(buf, n, "%s", realpath(path, real) ? real : path);
            return 0;
        }
    }
    return vx_err_set(e, "cannot find presets/%s in %s/../share/vx/presets or the build tree "
                         "(set VX_PRESETS to its folder)", name, exe);
}
