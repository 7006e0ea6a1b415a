/* Scoring whole tracks as DiffVox's loss_eval does (spec/pipeline.md §5): a preset's render
 * of a prepared dry (or the dry itself) against the prepared wet, the four losses of §1 over
 * the whole track; and loss_eval's track names and number format for its CSV. */
#ifndef VX_SCORE_H
#define VX_SCORE_H

#include <stddef.h>

#include "err.h"
#include "loss/total.h"
#include "pair.h"
#include "params.h"

/* Scores a pair made by vx_pair_prepare: the prediction is vx_chain_render(fx, p->dry), or
 * with fx NULL the mono dry in both channels (loss_eval --no-process); the target is p->wet.
 * Memory: about 10 floats per frame besides p. Returns 0 with *out set, or -1 with e set:
 * out of memory, a render with a NaN or infinite sample (loss_eval skips those tracks),
 * a track too short for the loss. */
int vx_score_pair(const vx_pair *p, const vx_fx *fx, vx_loss_parts *out, vx_err *e);

/* Targets whose loss degenerates (loss/total.h "Edge cases"). */
typedef enum {
    VX_SCORE_TARGET_OK,
    VX_SCORE_TARGET_SILENT, /* every sample is 0: the spectral convergence terms divide by
                               the 1e-4 magnitude floor */
    VX_SCORE_TARGET_MONO    /* L = R everywhere: the same for the difference rows of mss_ms */
} vx_score_target;

/* Which of those a stereo target y (frames x 2, interleaved) is. */
vx_score_target vx_score_target_kind(const float *y, size_t frames);

/* loss_eval's names for a track, from its dry file's path: track_id = the name of the
 * folder holding the file ("" if the path names none; "." components are skipped),
 * stem_id = the file name without its last extension. Truncated to the buffers' sizes. */
void vx_score_names(const char *dry_path, char *track_id, size_t track_cap, char *stem_id,
                    size_t stem_cap);

/* v as Python's repr prints a float (the reference CSV's format): the fewest significant
 * digits that read back exactly, in exponent form below 1e-4 and from 1e16 on, else with a
 * decimal point ("100.0"); "nan", "inf", "-inf". n >= 32. */
void vx_score_format(double v, char *buf, size_t n);

#endif
