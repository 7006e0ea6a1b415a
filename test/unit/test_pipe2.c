/* Two-stage pipeline (dsp/pipe2.h): stage 1 sees every block stage 0 finished, in order,
 * stage 0 never runs a ring ahead, and one thread makes it decline. */
#include "dsp/pipe2.h"
#include "harness.h"

#include <omp.h>
#include <string.h>

#define NB 2000
#define RING 3

typedef struct {
    int slot[RING];         /* ring: stage 0 puts block b's number in slot b % RING, stage 1
                               takes it out (-1: empty) */
    int seen[NB], order_ok, ring_ok;
    size_t next[2];         /* next block each stage expects */
    long work;              /* stage 0 busy-work, to vary the timing */
} job;

static void job_init(job *j)
{
    memset(j, 0, sizeof *j);
    for (int r = 0; r < RING; r++)
        j->slot[r] = -1;
    j->order_ok = j->ring_ok = 1;
}

static void stage(void *ctx, int st, size_t b)
{
    job *j = ctx;
    if (b != j->next[st])
        j->order_ok = 0;
    j->next[st] = b + 1;
    if (st == 0) {
        for (long i = 0; i < (long)(b % 7) * 200; i++)
            j->work += i ^ (long)b;
        if (j->slot[b % RING] != -1) /* stage 1 has not taken block b - RING yet */
            j->ring_ok = 0;
        j->slot[b % RING] = (int)b;
    } else {
        j->seen[b] = j->slot[b % RING];
        j->slot[b % RING] = -1;
    }
}

int main(void)
{
    static job j;
    job_init(&j);
    int rc = vx_pipe2_run(NB, RING, stage, &j);
    if (omp_get_max_threads() >= 2) {
        CHECK(rc == 0, "two threads: the pipeline runs");
        int all = 1;
        for (int b = 0; b < NB; b++)
            all = all && j.seen[b] == b;
        CHECK(all, "stage 1 sees each block stage 0 handed over");
        CHECK(j.ring_ok, "stage 0 stays within the ring");
        CHECK(j.order_ok, "both stages go through the blocks in order");
        CHECK(j.next[0] == NB && j.next[1] == NB, "every block ran in both stages");
    }
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    job_init(&j);
    CHECK(vx_pipe2_run(NB, RING, stage, &j) == -1 && j.next[0] == 0,
          "one thread: declines and runs nothing");
    omp_set_num_threads(saved);
    omp_set_max_active_levels(1);
#pragma omp parallel num_threads(2)
#pragma omp single
    {
        job_init(&j);
        CHECK(vx_pipe2_run(NB, RING, stage, &j) == -1 && j.next[0] == 0,
              "nested in a parallel region: declines");
    }
    return vx_test_summary();
}
