/* NDJSON record streams (lib/io/ndjson.c) and the record readers built on them: preset
 * rows with a selection (lib/stats/rows.c), fit records (lib/select.c) and gaussian
 * records (lib/stats/gauss.c); each record is also written back. */
#include <stdint.h>
#include <stdio.h>

#include "io/ndjson.h"
#include "memfile.h"
#include "params.h"
#include "select.h"
#include "stats/gauss.h"
#include "stats/rows.h"

static FILE *sink;

static void each_record(const char *path)
{
    vx_err e;
    vx_ndjson_reader *r = vx_ndjson_open(path, &e);
    if (!r)
        return;
    cJSON *rec;
    while (vx_ndjson_next(r, &rec, &e) == 1) {
        vx_select_fit f;
        if (vx_select_fit_read(rec, vx_ndjson_where(r), &f, &e) == 0) {
            double value[2];
            vx_select_classify(&f, &(vx_select_limits){4.0, 1.0}, value);
            vx_select_fit_free(&f);
        }
        vx_gauss_free(vx_gauss_from_json(rec, vx_ndjson_where(r), &e));
        vx_ndjson_write(sink, rec);
        cJSON_Delete(rec);
    }
    vx_ndjson_close(r);
}

static void preset_rows(const char *path)
{
    vx_err e;
    const char *paths[] = {path};
    vx_rows *rows = vx_rows_open(paths, 1, &(vx_rowsel){"0-2,4", "RAW", 1}, &e);
    if (!rows)
        return;
    cJSON *rec;
    double raw[VX_NRAW];
    while (vx_rows_next(rows, &rec, raw, &e) == 1)
        cJSON_Delete(rec);
    vx_rows_close(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sink && !(sink = fopen("/dev/null", "w")))
        return 0;
    const char *path = memfile(data, size);
    each_record(path);
    preset_rows(path);
    return 0;
}
