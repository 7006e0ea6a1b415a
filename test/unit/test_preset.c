/* Preset records as bad data: the limits of every raw value (and that the chain stays
 * finite anywhere inside them), strict fx objects, duplicate keys, picking a record of a
 * set by an ambiguous name. */
#include "harness.h"

#include <string.h>
#include <unistd.h>

#include "chain.h"
#include "io/audio.h"
#include "io/ndjson.h"
#include "io/pick.h"
#include "preset.h"
#include "rng.h"
#include "spell.h"

/* MedleyDB preset 0, the base the crafted records edit. */
static cJSON *published(void)
{
    vx_err e;
    cJSON *rec = NULL;
    double raw[VX_NRAW];
    if (vx_preset_load("presets/medleydb.ndjson", "0", 0, raw, &rec, &e))
        printf("  %s\n", e.msg);
    return rec;
}

/* vx_preset_parse of the record given as JSON text: 0, or -1 with the message in msg. */
static int parse_text(const char *json, int flags, char *msg, size_t n)
{
    vx_err e = {""};
    double raw[VX_NRAW];
    cJSON *rec = cJSON_Parse(json);
    int rc = rec ? vx_preset_parse(rec, "p.json:1", flags, raw, &e) : -2;
    snprintf(msg, n, "%s", e.msg);
    cJSON_Delete(rec);
    return rc;
}

/* Parses rec and checks that it fails with a message containing want. */
static void check_refused(const cJSON *rec, int flags, const char *want, const char *name)
{
    vx_err e = {""};
    double raw[VX_NRAW];
    int rc = vx_preset_parse(rec, "p.json:1", flags, raw, &e);
    vx_test_record(rc == -1 && strstr(e.msg, want), name, __FILE__, __LINE__, e.msg);
}

static void check_raw_limits(void)
{
    double raw[VX_NRAW];
    vx_err e;
    int inside = 0, beyond = 0, strict = 0;
    for (int k = 0; k < VX_NRAW; k++) {
        const vx_param_def *d = vx_param_by_raw_index(k);
        double lo, hi;
        vx_param_raw_range(d, &lo, &hi);
        for (int side = 0; side < 2; side++) {
            double edge = side ? hi : lo, step = fmax(1e-9, 1e-9 * fabs(edge));
            vx_params_init(raw);
            raw[k] = edge;
            inside += vx_preset_validate(raw, "t", &e) == 0;
            raw[k] = side ? edge + step : edge - step;
            beyond += vx_preset_validate(raw, "t", &e) == -1;
            /* the limit keeps every mapped value strictly inside its map's range */
            double y = vx_map_forward(d, edge);
            double top = d->map == VX_MAP_SIGMOID ? 1 : d->hi < 0 ? vx_fdn_gamma_max() : d->hi;
            strict += d->map == VX_MAP_IDENTITY || d->map == VX_MAP_WRAP || (y > d->lo && y < top);
        }
    }
    CHECK(inside == 2 * VX_NRAW, "every raw value may sit on its limits");
    CHECK(beyond == 2 * VX_NRAW, "every raw value just beyond its limits is refused");
    CHECK(strict == 2 * VX_NRAW, "at the raw limits every map is strictly inside its range");
    vx_params_init(raw);
    raw[0] = 1e308;
    CHECK(vx_preset_validate(raw, "p.json:1", &e) == -1 &&
              strstr(e.msg, "raw[0] (fx.peak1.gain_db) must be in [-60, 60], got 1e+308"),
          "raw 1e308 names the value and its limits");
    raw[0] = NAN;
    CHECK(vx_preset_validate(raw, "p.json:1", &e) == -1 && strstr(e.msg, "not a finite number"),
          "NaN raw value is refused");
}

/* Renders 1 s of the voice with raw; 1 if every sample is finite. */
static int renders_finite(const double *raw, const float *x, size_t len)
{
    vx_fx fx;
    vx_err e;
    float *y = malloc(2 * len * sizeof *y);
    int ok = y && vx_params_to_fx(raw, 0, &fx) == 0 && vx_chain_render(&fx, x, len, y, &e) == 0;
    for (size_t i = 0; ok && i < 2 * len; i++)
        ok = isfinite(y[i]);
    free(y);
    return ok;
}

/* Corners of the allowed box: every value at one of its limits, drawn at random, and
 * the two all-low and all-high corners. The chain must stay finite in all of them. */
static void check_corners_render_finite(void)
{
    vx_err e;
    vx_audio in;
    if (vx_audio_read("test/fixtures/input_6s.wav", NULL, 44100, &in, &e)) {
        printf("  %s\n", e.msg);
        CHECK(0, "voice fixture");
        return;
    }
    size_t len = 44100;
    /* loud input too: 20 dB over the fixture's level */
    float *loud = malloc(len * sizeof *loud);
    for (size_t i = 0; loud && i < len; i++)
        loud[i] = 10 * in.data[i];
    vx_rng rng;
    vx_rng_seed(&rng, 13);
    int finite = 0, tried = 0;
    for (int c = 0; c < 10; c++) {
        double raw[VX_NRAW];
        for (int k = 0; k < VX_NRAW; k++) {
            double lo, hi;
            vx_param_raw_range(vx_param_by_raw_index(k), &lo, &hi);
            int high = c == 0 ? 0 : c == 1 ? 1 : vx_rng_uniform(&rng) < 0.5;
            raw[k] = high ? hi : lo;
        }
        tried += 2;
        finite += renders_finite(raw, in.data, len) + renders_finite(raw, loud, len);
    }
    CHECK(loud && finite == tried, "every corner of the raw limits renders finite");
    printf("  %d of %d corner renders finite\n", finite, tried);
    free(loud);
    vx_audio_free(&in);
}

static void check_fx_strict(void)
{
    cJSON *rec = published();
    char msg[512];
    if (!rec) {
        CHECK(0, "published preset");
        return;
    }
    cJSON_DeleteItemFromObject(rec, "raw");
    cJSON *fx = cJSON_GetObjectItem(rec, "fx");
    char *text = cJSON_PrintUnformatted(rec);
    CHECK(parse_text(text, 0, msg, sizeof msg) == 0, "a full fx object is a preset");
    free(text);

    cJSON *gain = cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "peak1"), "gain_db");
    double kept = gain->valuedouble;
    cJSON_SetNumberValue(gain, 2000);
    check_refused(rec, 0, "p.json:1: fx.peak1.gain_db must be in [-60, 60], got 2000",
                  "fx gain 2000 dB names the field and its range");
    cJSON_SetNumberValue(gain, kept);
    cJSON *freq = cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "peak1"), "freq_hz");
    kept = freq->valuedouble;
    cJSON_SetNumberValue(freq, 33 + 1e-12);
    check_refused(rec, 0, "fx.peak1.freq_hz = 33.000000000001 is too close to an end of its range: "
                  "its raw value -36.2", "a value a hair above its range's end is named as such");
    cJSON_SetNumberValue(freq, 33);
    check_refused(rec, 0, "fx.peak1.freq_hz must be in (33, 5400), got 33", "a range's end is outside");
    cJSON_SetNumberValue(freq, kept);

    cJSON *comp = cJSON_GetObjectItem(fx, "comp");
    cJSON *attack = cJSON_DetachItemFromObject(comp, "attack_ms");
    check_refused(rec, 0, "fx.comp.attack_ms is missing", "a missing fx field is refused");
    text = cJSON_PrintUnformatted(rec);
    CHECK(parse_text(text, VX_PRESET_FX_DEFAULTS, msg, sizeof msg) == 0,
          "a missing fx field takes DiffVox's initial value when asked");
    free(text);
    cJSON_AddItemToObject(comp, "atack_ms", attack);
    check_refused(rec, VX_PRESET_FX_DEFAULTS,
                  "fx.comp.atack_ms is not a field of fx.comp (did you mean attack_ms?)",
                  "a misspelt field is refused, even with defaults, and the right name given");
    cJSON_AddItemToObject(comp, "attack_ms", cJSON_DetachItemFromObject(comp, "atack_ms"));

    cJSON_AddItemToObject(fx, "peek1", cJSON_CreateObject());
    check_refused(rec, 0, "fx.peek1 is not a section of fx (did you mean peak1?)",
                  "a misspelt section is refused");
    cJSON_DeleteItemFromObject(fx, "peek1");

    cJSON_ReplaceItemInObject(fx, "send", cJSON_CreateNumber(5));
    check_refused(rec, 0, "fx.send must be an object of fields, got a number",
                  "a section that is not an object is refused");
    cJSON_ReplaceItemInObject(fx, "send", cJSON_Parse("{\"gain\":\"0.5\"}"));
    check_refused(rec, 0, "fx.send.gain must be a number, got a string",
                  "a field that is not a number is refused");
    cJSON_ReplaceItemInObject(fx, "send", cJSON_Parse("{\"gain\":null}"));
    check_refused(rec, 0, "fx.send.gain must be a number, got null", "a null field is refused");
    cJSON_ReplaceItemInObject(fx, "send", cJSON_Parse("{\"gain\":1e999}"));
    check_refused(rec, 0, "fx.send.gain is not a finite number", "an infinite field is refused");
    cJSON_ReplaceItemInObject(fx, "send", cJSON_Parse("{\"gain\":0.5}"));

    cJSON *gamma = cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "fdn"), "gamma");
    cJSON_SetNumberValue(cJSON_GetArrayItem(gamma, 4), 1.2);
    check_refused(rec, 0, "fx.fdn.gamma[4] must be in (0, 0.982798), got 1.2",
                  "a vector element out of range is named by its index");
    cJSON_SetNumberValue(cJSON_GetArrayItem(gamma, 4), 0.9);
    cJSON *b = cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "fdn"), "b");
    cJSON_ReplaceItemInArray(cJSON_GetArrayItem(b, 2), 1, cJSON_CreateString("x"));
    check_refused(rec, 0, "fx.fdn.b[2][1] must be a number, got a string",
                  "a matrix element is named by row and column");
    cJSON_ReplaceItemInArray(b, 2, cJSON_CreateNumber(1));
    check_refused(rec, 0, "fx.fdn.b must be 6 rows of 2 numbers", "a matrix row that is a number");

    cJSON_ReplaceItemInObject(rec, "fx", cJSON_CreateArray());
    check_refused(rec, 0, "fx must be an object, got an array", "fx that is not an object");
    cJSON_Delete(rec);
}

static void check_raw_strict(void)
{
    cJSON *rec = published();
    if (!rec) {
        CHECK(0, "published preset");
        return;
    }
    cJSON *raw = cJSON_DetachItemFromObject(rec, "raw");
    cJSON_AddStringToObject(rec, "raw", "abc");
    check_refused(rec, 0, "p.json:1: raw must be an array of 151 numbers, got a string",
                  "raw that is a string");
    cJSON_DeleteItemFromObject(rec, "raw");
    cJSON_AddItemToObject(rec, "raw", raw);
    cJSON_ReplaceItemInArray(raw, 3, cJSON_CreateNull());
    check_refused(rec, 0, "raw[3] (fx.peak2.gain_db) must be a number, got null", "null in raw");
    cJSON_ReplaceItemInArray(raw, 3, cJSON_CreateNumber(6.9956207));

    /* fx is what people read and edit: an edit that raw overrode would go unheard */
    cJSON *fx = cJSON_GetObjectItem(rec, "fx");
    cJSON_SetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "delay"), "time_ms"), 500);
    check_refused(rec, 0, "fx.delay.time_ms = 500 disagrees with raw[24]",
                  "a record whose raw and fx disagree is refused");
    cJSON_DeleteItemFromObject(rec, "fx");
    cJSON_AddItemToObject(rec, "fx", cJSON_Parse("{\"delay\":{\"time_ms\":262.74945}}"));
    char *text = cJSON_PrintUnformatted(rec), msg[512];
    CHECK(parse_text(text, 0, msg, sizeof msg) == 0,
          "with raw, fx may give some fields (those it gives agree)");
    free(text);
    cJSON_Delete(rec);
}

/* A temporary file holding text; its name in path[n]. */
static int write_temp(const char *text, char *path, size_t n)
{
    snprintf(path, n, "/tmp/test_preset.%d.ndjson", (int)getpid());
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

static void check_duplicate_keys(void)
{
    char path[256];
    vx_err e;
    cJSON *rec = NULL;
    write_temp("{\"type\":\"preset\"}\n{\"raw\":[1],\"fx\":{\"a\":{\"x\":1,\"x\":2}},\"raw\":[2]}\n",
               path, sizeof path);
    vx_ndjson_reader *r = vx_ndjson_open(path, &e);
    int first = r ? vx_ndjson_next(r, &rec, &e) : -1;
    cJSON_Delete(rec);
    int second = r ? vx_ndjson_next(r, &rec, &e) : 0;
    vx_ndjson_close(r);
    CHECK(first == 1 && second == -1 && strstr(e.msg, ":2: duplicate key fx.a.x"),
          "a key twice in a nested object is named by its path, with the line");
    write_temp("{\"cov\":[[1,2],[{\"a\":1,\"b\":2,\"a\":3}]]}\n", path, sizeof path);
    CHECK(vx_ndjson_pick(path, NULL, "record", &rec, NULL, 0, &e) == -1 &&
              strstr(e.msg, "duplicate key cov[1][0].a"),
          "duplicates are found inside arrays too");
    unlink(path);
}

static void check_pick(void)
{
    char path[256], where[300];
    vx_err e;
    cJSON *rec = NULL;
    write_temp("{\"track\":\"a.wav\"}\n{\"track\":\"b\"}\n{\"track\":\"a\"}\n{\"id\":\"a\"}\n"
               "{\"track\":\"c\"}\n{\"track\":\"a\"}\n", path, sizeof path);
    CHECK(vx_ndjson_pick(path, "a", "preset", &rec, where, sizeof where, &e) == -1 &&
              strstr(e.msg, "a matches 4 presets (indices 0, 2-3, 5): choose one by its index"),
          "a name several records carry is ambiguous, and their indices are listed");
    CHECK(vx_ndjson_pick(path, "b", "preset", &rec, where, sizeof where, &e) == 0 &&
              strstr(where, ":2"),
          "a name one record carries picks it");
    cJSON_Delete(rec);
    CHECK(vx_ndjson_pick(path, "3", "preset", &rec, where, sizeof where, &e) == 0 &&
              cJSON_GetObjectItem(rec, "id"),
          "an index picks the record at that position");
    cJSON_Delete(rec);
    CHECK(vx_ndjson_pick(path, NULL, "preset", &rec, where, sizeof where, &e) == -1 &&
              strstr(e.msg, "holds several presets (6)"),
          "no choice in a set of several is an error");
    unlink(path);
}

static void check_edit_distance(void)
{
    CHECK(vx_edit_distance("atack_ms", "attack_ms") == 1, "one insertion");
    CHECK(vx_edit_distance("peek1", "peak1") == 1, "one substitution");
    CHECK(vx_edit_distance("", "gain") == 4 && vx_edit_distance("gain", "") == 4, "empty strings");
    CHECK(vx_edit_distance("kitten", "sitting") == 3, "kitten/sitting");
}

int main(void)
{
    check_raw_limits();
    check_fx_strict();
    check_raw_strict();
    check_duplicate_keys();
    check_pick();
    check_edit_distance();
    check_corners_render_finite();
    return vx_test_summary();
}
