/* Preset records (lib/preset.c): one JSON document or an NDJSON set, loaded whole and
 * by track name, then written back as a record. */
#include <stdint.h>

#include "memfile.h"
#include "params.h"
#include "preset.h"

static void load(const char *path, const char *which)
{
    double raw[VX_NRAW];
    cJSON *rec = NULL;
    vx_err e;
    if (vx_preset_load(path, which, 0, raw, &rec, &e) == 0) {
        vx_preset_put(rec, raw, 1);
        cJSON_Delete(rec);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = memfile(data, size);
    load(path, NULL);
    load(path, "a");
    return 0;
}
