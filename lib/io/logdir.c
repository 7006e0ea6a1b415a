/* Listing of run_<N>/fit.json under a log root (see logdir.h). */
#include "io/logdir.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    vx_logdir_run *runs;
    size_t n, cap, without;
    vx_err *e;
} listing;

/* N of a name run_<N>, or -1. */
static long run_number(const char *name)
{
    if (strncmp(name, "run_", 4) || !name[4] || strspn(name + 4, "0123456789") != strlen(name + 4))
        return -1;
    return strlen(name + 4) > 15 ? -1 : strtol(name + 4, NULL, 10);
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", a, b);
    return s;
}

static int add_run(listing *l, const char *dir, const char *rel, long run)
{
    struct stat st;
    char *fit = join(dir, "fit.json");
    if (!fit)
        return vx_err_set(l->e, "%s: out of memory", dir);
    if (stat(fit, &st) || !S_ISREG(st.st_mode)) {
        free(fit);
        l->without++;
        return 0;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        vx_logdir_run *r = realloc(l->runs, cap * sizeof *r);
        if (!r) {
            free(fit);
            return vx_err_set(l->e, "%s: out of memory", dir);
        }
        l->runs = r, l->cap = cap;
    }
    vx_logdir_run *r = &l->runs[l->n];
    if (!(r->track = strdup(rel))) {
        free(fit);
        return vx_err_set(l->e, "%s: out of memory", dir);
    }
    r->fit = fit, r->run = run;
    l->n++;
    return 0;
}

/* Walk dir (rel: its path relative to the root) depth first. */
static int walk(listing *l, const char *dir, const char *rel)
{
    DIR *d = opendir(dir);
    if (!d)
        return vx_err_set(l->e, "%s: %s", dir, strerror(errno));
    int rc = 0;
    struct dirent *ent;
    while (!rc && (ent = readdir(d))) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
            continue;
        char *path = join(dir, ent->d_name);
        char *sub = strcmp(rel, ".") ? join(rel, ent->d_name) : strdup(ent->d_name);
        struct stat st;
        if (!path || !sub)
            rc = vx_err_set(l->e, "%s: out of memory", dir);
        else if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rc = run_number(ent->d_name) >= 0 ? add_run(l, path, rel, run_number(ent->d_name))
                                              : walk(l, path, sub);
        free(path);
        free(sub);
    }
    closedir(d);
    return rc;
}

static int by_track_then_run(const void *a, const void *b)
{
    const vx_logdir_run *x = a, *y = b;
    int c = strcmp(x->track, y->track);
    return c ? c : (x->run > y->run) - (x->run < y->run);
}

int vx_logdir_list(const char *root, vx_logdir_run **runs, size_t *n, size_t *n_without,
                   vx_err *e)
{
    listing l = {.e = e};
    int rc = walk(&l, root, ".");
    if (rc) {
        vx_logdir_free(l.runs, l.n);
        l.runs = NULL, l.n = l.without = 0;
    } else if (l.n) {
        qsort(l.runs, l.n, sizeof *l.runs, by_track_then_run);
    }
    *runs = l.runs, *n = l.n, *n_without = l.without;
    return rc;
}

void vx_logdir_free(vx_logdir_run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(runs[i].fit);
        free(runs[i].track);
    }
    free(runs);
}

static int make_dir(const char *path, vx_err *e)
{
    if (mkdir(path, 0777) && errno != EEXIST)
        return vx_err_set(e, "%s: %s", path, strerror(errno));
    return 0;
}

/* path and the folders above it, as mkdir -p. */
static int make_dirs(const char *path, vx_err *e)
{
    char p[4096];
    if ((size_t)snprintf(p, sizeof p, "%s", path) >= sizeof p)
        return vx_err_set(e, "%s: path too long", path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        int rc = make_dir(p, e);
        *s = '/';
        if (rc)
            return rc;
    }
    return make_dir(p, e);
}

void vx_logdir_folder_name(const char *track, char *name, size_t n)
{
    size_t max = n - 1 < VX_LOGDIR_NAME_MAX ? n - 1 : VX_LOGDIR_NAME_MAX, len = 0;
    int leading = 1; /* still among the leading dots */
    for (; track[len] && len < max; len++) {
        unsigned char u = (unsigned char)track[len];
        leading = leading && u == '.';
        name[len] = u == '/' || u < 0x20 || u == 0x7f || leading ? '_' : (char)u;
    }
    while (len > 0 && ((unsigned char)track[len] & 0xc0) == 0x80)
        len--; /* cut before a UTF-8 character the limit went through, not inside it */
    if (len)
        name[len] = 0;
    else
        snprintf(name, n, "pair");
}

int vx_logdir_new_run(const char *root, const char *track, char *dir, size_t n, vx_err *e)
{
    char parent[4096], name[VX_LOGDIR_NAME_MAX + 1];
    vx_logdir_folder_name(track, name, sizeof name);
    if ((size_t)snprintf(parent, sizeof parent, "%s/%s", root, name) >= sizeof parent)
        return vx_err_set(e, "%s: path too long", root);
    if (make_dirs(root, e) || make_dir(parent, e))
        return -1;
    long next = 0;
    DIR *d = opendir(parent);
    if (!d)
        return vx_err_set(e, "%s: %s", parent, strerror(errno));
    for (struct dirent *de; (de = readdir(d));) {
        char *end;
        if (strncmp(de->d_name, "run_", 4) || !isdigit((unsigned char)de->d_name[4]))
            continue;
        long k = strtol(de->d_name + 4, &end, 10);
        if (!*end && k + 1 > next)
            next = k + 1;
    }
    closedir(d);
    for (;; next++) { /* mkdir is atomic: a folder another fit took is skipped */
        if ((size_t)snprintf(dir, n, "%s/run_%ld", parent, next) >= n)
            return vx_err_set(e, "%s: path too long", parent);
        if (mkdir(dir, 0777) == 0)
            return 0;
        if (errno != EEXIST)
            return vx_err_set(e, "%s: %s", dir, strerror(errno));
    }
}
