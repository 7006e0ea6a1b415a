/* Two-stage pipeline over blocks on two threads (see pipe2.h): each stage publishes how
 * many blocks it has finished; the other waits on that count by spinning, since a block
 * takes microseconds and sleeping would cost more, and after a while also yields the CPU
 * (when the machine is oversubscribed the other stage may be waiting for it). */
#include "dsp/pipe2.h"

#include <omp.h>
#include <sched.h>
#include <stdatomic.h>

#define SPINS 256 /* pauses before a wait starts yielding: some microseconds */

/* Waits until *count >= want; acquire pairs with the release in vx_pipe2_run. */
static void wait_for(atomic_size_t *count, size_t want)
{
    for (long spins = 0; atomic_load_explicit(count, memory_order_acquire) < want; spins++) {
        if (spins >= SPINS)
            sched_yield();
#if defined(__x86_64__) || defined(__i386__)
        else
            __builtin_ia32_pause(); /* polite to a sibling hyperthread */
#endif
    }
}

int vx_pipe2_run(size_t nblocks, size_t ring, vx_pipe2_fn *fn, void *ctx)
{
    if (omp_get_max_threads() < 2) /* num_threads(2) alone would override that */
        return -1;
    atomic_size_t done[2];
    atomic_init(&done[0], 0);
    atomic_init(&done[1], 0);
    int ran = 0;
#pragma omp parallel num_threads(2)
    if (omp_get_num_threads() == 2) {
        int stage = omp_get_thread_num();
        if (stage == 0)
            ran = 1;
        for (size_t b = 0; b < nblocks; b++) {
            if (stage == 1)
                wait_for(&done[0], b + 1);
            else if (b >= ring) /* slot b % ring is free once stage 1 is past block b - ring */
                wait_for(&done[1], b - ring + 1);
            fn(ctx, stage, b);
            atomic_store_explicit(&done[stage], b + 1, memory_order_release);
        }
    }
    return ran ? 0 : -1;
}
