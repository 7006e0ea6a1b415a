/* Room for an allocation under the process's limits (see memroom.h). */
#include "memroom.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#define MB (1024.0 * 1024.0)

/* Bytes mapped in total and as data (+ stack), from /proc/self/statm; 0 when unknown. */
static void mapped(size_t *total, size_t *data)
{
    unsigned long size = 0, resident, shared, text, lib, d = 0;
    FILE *fp = fopen("/proc/self/statm", "r");
    if (fp) {
        if (fscanf(fp, "%lu %lu %lu %lu %lu %lu", &size, &resident, &shared, &text, &lib, &d) != 6)
            size = d = 0;
        fclose(fp);
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    *total = size * page, *data = d * page;
}

/* MemAvailable of /proc/meminfo in bytes; 0 when unknown. */
static size_t available(void)
{
    char line[256];
    unsigned long kb = 0;
    FILE *fp = fopen("/proc/meminfo", "r");
    if (!fp)
        return 0;
    while (fgets(line, sizeof line, fp))
        if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
            break;
    fclose(fp);
    return (size_t)kb * 1024;
}

/* -1 with e set when `need` does not fit in what `limit` leaves after `used`. */
static int fits(size_t need, rlim_t limit, size_t used, const char *what, vx_err *e)
{
    if (limit == RLIM_INFINITY)
        return 0;
    size_t room = (size_t)limit > used ? (size_t)limit - used : 0;
    if (need <= room)
        return 0;
    return vx_err_set(e, "%s leaves %.0f MB", what, room / MB);
}

int vx_memroom(size_t need, vx_err *e)
{
    size_t total, data;
    mapped(&total, &data);
    struct rlimit as, ds;
    if ((getrlimit(RLIMIT_AS, &as) == 0 && fits(need, as.rlim_cur, total, "the address-space limit (ulimit -v)", e)) ||
        (getrlimit(RLIMIT_DATA, &ds) == 0 && fits(need, ds.rlim_cur, data, "the data limit (ulimit -d)", e)))
        return -1;
    size_t avail = available();
    if (avail && need > avail)
        return vx_err_set(e, "the system has %.0f MB available", avail / MB);
    return 0;
}
