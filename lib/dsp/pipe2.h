/* A two-stage pipeline on two OpenMP threads, for recursions along time that are split in
 * two halves (a filter cascade's first and last sections): each stage runs over the same
 * blocks in order, the second on a block only once the first has finished it. */
#ifndef VX_DSP_PIPE2_H
#define VX_DSP_PIPE2_H

#include <stddef.h>

/* Runs stage 0 or 1 on block b (the caller decides what a block is). */
typedef void vx_pipe2_fn(void *ctx, int stage, size_t b);

/* Calls fn(ctx, 0, b) and fn(ctx, 1, b) for every b < nblocks, stage 0 on one thread and
 * stage 1 on another, fn(ctx, 1, b) after fn(ctx, 0, b) has returned (its writes are then
 * visible). Stage 0 stays less than ring >= 1 blocks ahead of stage 1, so the blocks it hands
 * over can live in ring slots b % ring. Returns 0; or -1, having called nothing, when
 * OpenMP gives the region one thread only (one thread allowed, or nested in an active
 * parallel region): the caller then runs the recursion on one thread its own way. */
int vx_pipe2_run(size_t nblocks, size_t ring, vx_pipe2_fn *fn, void *ctx);

#endif
