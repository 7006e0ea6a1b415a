/* Chunks for style transfer (spec/pipeline.md §8.1): non-overlapping chunks of a signal
 * (the tail that does not fill one is dropped), the activity test on each, and which
 * chunks are references and which are queries. */
#ifndef VX_STYLE_CHUNKS_H
#define VX_STYLE_CHUNKS_H

#include <stddef.h>

#include "err.h"

#define VX_STYLE_CHUNK_S 11.0       /* default chunk length, s (485100 samples) */
#define VX_STYLE_ENVELOPE 2205      /* sliding-maximum window of the activity test, samples */
#define VX_STYLE_ACTIVE_LEVEL 0.001 /* a chunk is active when its envelope's median is above */

/* The median (linearly interpolated 0.5 quantile, as torch.quantile) of the sliding
 * maximum, over VX_STYLE_ENVELOPE samples with stride 1 and no padding, of |(l + r) / 2|
 * over n >= VX_STYLE_ENVELOPE samples (r NULL: |l|, a mono signal). *median receives it.
 * Returns 0, or -1 with e set (n too short, out of memory). */
int vx_style_activity(const float *l, const float *r, size_t n, double *median, vx_err *e);

/* Which of the frames / len whole chunks of a signal are active (activity above
 * VX_STYLE_ACTIVE_LEVEL): starts[] receives the first sample of each active chunk in
 * order (room for frames / len), *count their number. Returns 0, or -1 with e set. */
int vx_style_active_chunks(const float *l, const float *r, size_t frames, size_t len,
                           size_t *starts, size_t *count, vx_err *e);

#endif
