/* Pair record alignment fields (see pair_record.h). */
#include "pair_record.h"

#include <math.h>
#include <stdio.h>

cJSON *vx_pair_crop_json(const vx_pair_crop *c)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "dry", (double)c->dry);
    cJSON_AddNumberToObject(j, "wet", (double)c->wet);
    cJSON_AddNumberToObject(j, "frames", (double)c->frames);
    return j;
}

int vx_pair_crop_note(const vx_pair *p, char *buf, size_t n)
{
    return snprintf(buf, n,
                    "shift %ld samples (%.2f s) is more than %g s: cut to the overlap (dry from "
                    "frame %zu, wet from %zu, %zu frames) instead of rolled",
                    p->shift, (double)p->shift / p->rate, VX_PAIR_ROLL_MAX_S, p->crop.dry,
                    p->crop.wet, p->crop.frames);
}

/* A whole number of frames in 0..2^53 at obj[key]. */
static int frame_count(const cJSON *obj, const char *key, size_t *out)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0) || x->valuedouble > 9007199254740992.0 ||
        x->valuedouble != floor(x->valuedouble))
        return -1;
    *out = (size_t)x->valuedouble;
    return 0;
}

int vx_pair_crop_read(const cJSON *rec, const char *where, vx_pair_crop *c, vx_err *e)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(rec, "crop");
    if (!j || cJSON_IsNull(j))
        return 0;
    if (!cJSON_IsObject(j) || cJSON_GetArraySize(j) != 3 || frame_count(j, "dry", &c->dry) ||
        frame_count(j, "wet", &c->wet) || frame_count(j, "frames", &c->frames))
        return vx_err_set(e, "%s: crop must be {\"dry\": N, \"wet\": N, \"frames\": N} "
                             "(whole numbers of frames)", where);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(rec, "shift");
    double lag = (double)c->wet - (double)c->dry;
    if (!cJSON_IsNumber(s))
        return vx_err_set(e, "%s: crop without a shift", where);
    if (s->valuedouble != lag)
        return vx_err_set(e, "%s: crop starts the wet %.0f frames after the dry, but shift is %.17g",
                          where, lag, s->valuedouble);
    return 1;
}
