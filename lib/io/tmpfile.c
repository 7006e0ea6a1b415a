/* Where outputs are written, and the registry of pending temporaries (see tmpfile.h). */
#include "io/tmpfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define MAX_PENDING 16
#define MAX_LINKS 40 /* as the kernel's own limit on links followed (ELOOP) */

/* Process-wide by necessity: the exit and signal handlers must find the names. */
static struct {
    char path[VX_PATH_MAX];
    int is_dir;
} pending[MAX_PENDING];

/* The folder part of path ("." for none) into dir (VX_PATH_MAX), and the name after it. */
static const char *split(const char *path, char *dir)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        strcpy(dir, ".");
        return path;
    }
    int len = slash == path ? 1 : (int)(slash - path);
    snprintf(dir, VX_PATH_MAX, "%.*s", len, path);
    return slash + 1;
}

/* In procfs: /proc/self/fd/N and its kind name open files, not places to rename into. */
static int in_proc(const char *path)
{
    char dir[VX_PATH_MAX];
    struct statfs fs;
    split(path, dir);
    return statfs(dir, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

/* Follows path through symbolic links to what it names; fills t->target and t->direct. */
static int resolve(const char *path, vx_tmpfile *t, vx_err *e)
{
    char cur[VX_PATH_MAX], link[VX_PATH_MAX], dir[VX_PATH_MAX];
    if ((size_t)snprintf(cur, sizeof cur, "%s", path) >= sizeof cur)
        return vx_err_set(e, "%s: path too long", path);
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(cur, &st)) {
            if (errno != ENOENT)
                return vx_err_set(e, "%s: cannot write: %s", path, strerror(errno));
            st.st_mode = S_IFREG; /* nothing there yet: a new regular file */
        } else if (in_proc(cur)) {
            st.st_mode = S_IFIFO; /* written as a special file */
        }
        if (S_ISLNK(st.st_mode)) {
            ssize_t k = readlink(cur, link, sizeof link - 1);
            if (k < 0 || hops == MAX_LINKS)
                return vx_err_set(e, "%s: cannot write: %s", path, strerror(k < 0 ? errno : ELOOP));
            link[k] = 0;
            const char *name = split(cur, dir);
            int len = link[0] == '/' || name == cur
                          ? snprintf(cur, sizeof cur, "%s", link)
                          : snprintf(cur, sizeof cur, "%s/%s", dir, link);
            if (len < 0 || (size_t)len >= sizeof cur)
                return vx_err_set(e, "%s: path too long", path);
            continue;
        }
        if (S_ISDIR(st.st_mode))
            return vx_err_set(e, "%s: cannot write: %s", path, strerror(EISDIR));
        memcpy(t->target, cur, sizeof cur);
        t->direct = !S_ISREG(st.st_mode);
        return 0;
    }
}

/* Removes .NAME.PID.tmp beside target for every PID that is not a running process. */
static void remove_stale(const char *target)
{
    char dir[VX_PATH_MAX];
    const char *name = split(target, dir);
    size_t len = strlen(name);
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *de; (de = readdir(d));) {
        const char *n = de->d_name, *num = n + len + 2;
        if (n[0] != '.' || strncmp(n + 1, name, len) || n[len + 1] != '.' ||
            !isdigit((unsigned char)*num))
            continue;
        char *end;
        long pid = strtol(num, &end, 10);
        if (strcmp(end, ".tmp") || pid == (long)getpid() || pid > (long)0x7fffffff)
            continue;
        if (kill((pid_t)pid, 0) && errno == ESRCH)
            unlinkat(dirfd(d), n, 0);
    }
    closedir(d);
}

static int add_pending(const char *path, int is_dir)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending[i].path[0]) {
            snprintf(pending[i].path, sizeof pending[i].path, "%s", path);
            pending[i].is_dir = is_dir;
            return 0;
        }
    return -1;
}

static void forget(const char *path)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (!strcmp(pending[i].path, path))
            pending[i].path[0] = 0;
}

int vx_tmpfile_reserve(const char *path, vx_tmpfile *t, vx_err *e)
{
    if (resolve(path, t, e))
        return -1;
    if (t->direct) {
        memcpy(t->path, t->target, sizeof t->path);
        return 0;
    }
    char dir[VX_PATH_MAX];
    const char *name = split(t->target, dir);
    int len = name == t->target
                  ? snprintf(t->path, sizeof t->path, ".%s.%ld.tmp", name, (long)getpid())
                  : snprintf(t->path, sizeof t->path, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
    if (len < 0 || (size_t)len >= sizeof t->path)
        return vx_err_set(e, "%s: path too long", path);
    remove_stale(t->target);
    if (add_pending(t->path, 0))
        return vx_err_set(e, "%s: too many outputs at once", path);
    return 0;
}

int vx_tmpfile_commit(vx_tmpfile *t, vx_err *e)
{
    if (t->direct)
        return 0;
    int rc = 0;
    if (rename(t->path, t->target)) {
        rc = vx_err_set(e, "%s: cannot rename into place: %s", t->target, strerror(errno));
        unlink(t->path);
    }
    forget(t->path);
    return rc;
}

int vx_tmpfile_copy_out(const vx_tmpfile *t, FILE *spool, vx_err *e)
{
    int fd = open(t->target, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return vx_err_set(e, "%s: cannot write: %s", t->target, strerror(errno));
    char buf[65536];
    size_t got;
    int rc = fseek(spool, 0, SEEK_SET) ? -1 : 0;
    while (!rc && (got = fread(buf, 1, sizeof buf, spool)) > 0)
        for (size_t done = 0; !rc && done < got;) {
            ssize_t k = write(fd, buf + done, got - done);
            if (k < 0 && errno != EINTR)
                rc = -1;
            done += k > 0 ? (size_t)k : 0;
        }
    if (ferror(spool))
        rc = -1;
    int err = errno;
    if (close(fd) && !rc)
        rc = -1, err = errno;
    if (rc)
        return vx_err_set(e, "%s: write error: %s", t->target, strerror(err ? err : EIO));
    return 0;
}

void vx_tmpfile_discard(vx_tmpfile *t)
{
    if (t->direct)
        return;
    unlink(t->path);
    forget(t->path);
}

int vx_tmpfile_reserve_dir(const char *dir) { return add_pending(dir, 1); }

void vx_tmpfile_discard_all(void)
{
    for (int pass = 0; pass < 2; pass++) /* files first: they may be in the folders */
        for (int i = MAX_PENDING - 1; i >= 0; i--)
            if (pending[i].path[0] && pending[i].is_dir == pass) {
                if (pass)
                    rmdir(pending[i].path);
                else
                    unlink(pending[i].path);
                pending[i].path[0] = 0;
            }
}
