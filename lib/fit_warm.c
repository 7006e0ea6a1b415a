/* The warm start's screening (see fit_warm.h). */
#include "fit_warm.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/ndjson.h"
#include "preset.h"

/* Screens one set into out (out->loss: the lowest so far). */
static int screen_set(vx_fit *f, const char *path, size_t set, vx_warm_pick *out, vx_err *e)
{
    vx_ndjson_reader *r = vx_ndjson_open(path, e);
    if (!r)
        return -1;
    cJSON *rec;
    int rc;
    for (long index = 0; (rc = vx_ndjson_next(r, &rec, e)) > 0; index++) {
        double raw[VX_NRAW], loss;
        vx_err skip;
        if (vx_preset_parse(rec, vx_ndjson_where(r), 0, raw, e)) {
            cJSON_Delete(rec);
            rc = -1;
            break;
        }
        if (vx_fit_loss(f, raw, VX_ETA_RAW_INIT, out->chunk, &loss, &skip) == 0) {
            out->screened++;
            if (loss < out->loss) {
                const cJSON *track = cJSON_GetObjectItemCaseSensitive(rec, "track");
                memcpy(out->raw, raw, sizeof raw);
                out->loss = loss, out->set = set, out->index = index;
                snprintf(out->track, sizeof out->track, "%s",
                         cJSON_IsString(track) ? track->valuestring : "");
            }
        }
        cJSON_Delete(rec);
    }
    vx_ndjson_close(r);
    return rc < 0 ? -1 : 0;
}

int vx_warm_pick_best(vx_fit *f, const char *const *sets, size_t nsets, vx_warm_pick *out, vx_err *e)
{
    memset(out, 0, sizeof *out);
    out->loss = INFINITY;
    out->chunk = vx_fit_chunks_active(f) / 2;
    for (size_t i = 0; i < nsets; i++)
        if (screen_set(f, sets[i], i, out, e))
            return -1;
    if (!out->screened)
        return vx_err_set(e, "no preset of the warm start's sets could be evaluated on the pair");
    return 0;
}
