/* The feature mask of spec/pipeline.md §6: which of the 151 raw values a statistic keeps
 * (DiffVox drops W's lower triangle and diagonal: 130 kept), and moving between the
 * 151-value vector and the kept values. */
#ifndef VX_STATS_MASK_H
#define VX_STATS_MASK_H

#include <cjson/cJSON.h>

/* mask[151]: 1 = kept. The number of kept values. */
int vx_mask_count(const unsigned char *mask);
/* The mask as a JSON array of 151 booleans (caller deletes). */
cJSON *vx_mask_json(const unsigned char *mask);
/* The readable names of the kept values, "group.name" or "group.name[k]" as in a
 * preset's fx object (k: row-major index within the parameter), e.g. "fdn.w[1]". */
cJSON *vx_mask_names(const unsigned char *mask);
/* The masked values of raw[151] in raw order: x[popcount(mask)]. */
void vx_mask_pick(const unsigned char *mask, const double *raw, double *x);
/* raw[151] from x: kept positions in order, 0 elsewhere (FDN W's lower triangle and
 * diagonal, which the chain ignores; DiffVox's modules/utils.vec2statedict). */
void vx_mask_spread(const unsigned char *mask, const double *x, double *raw);

#endif
