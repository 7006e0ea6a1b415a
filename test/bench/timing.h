/* The benchmarks' clock and statistic: seconds on a given clock (CLOCK_MONOTONIC for
 * wall time, CLOCK_PROCESS_CPUTIME_ID for CPU time), and the median of repeated runs. */
#ifndef VX_BENCH_TIMING_H
#define VX_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

static inline double bench_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v[n] and returns its middle value. */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp);
    return v[n / 2];
}

#endif
