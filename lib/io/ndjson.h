/* Newline-delimited JSON records (cJSON): reading with file:line positions for errors,
 * writing one compact record a line, numbers that round-trip. */
#ifndef VX_IO_NDJSON_H
#define VX_IO_NDJSON_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "err.h"

typedef struct vx_ndjson_reader vx_ndjson_reader;

/* "-" is standard input. Returns NULL with e set when the file cannot be opened. */
vx_ndjson_reader *vx_ndjson_open(const char *path, vx_err *e);
/* Next record (blank lines are skipped): 1 and *rec (the caller cJSON_Deletes it),
 * 0 at the end, -1 with e = "file:line: ..." for malformed JSON, a non-object or a key
 * that appears twice in one object. */
int vx_ndjson_next(vx_ndjson_reader *r, cJSON **rec, vx_err *e);
/* "file:line" of the record last returned, for messages about its content. */
const char *vx_ndjson_where(const vx_ndjson_reader *r);
void vx_ndjson_close(vx_ndjson_reader *r);

/* Whole file as one JSON value if it is one (pretty-printed is fine); NULL otherwise.
 * Keys are not checked: see vx_json_check_unique_keys. */
cJSON *vx_json_read_document(const char *path, vx_err *e);

/* 0, or -1 with e = "where: duplicate key a.b" when an object of j (at any depth) has a
 * key twice: cJSON keeps both and its look-ups return the first, so a second "raw" would
 * be silently ignored. */
int vx_json_check_unique_keys(const cJSON *j, const char *where, vx_err *e);

/* A phrase for j's JSON type, for messages: "a number", "a string", "null", ... */
const char *vx_json_type_name(const cJSON *j);

/* Write rec compactly and a newline. Numbers are printed with the fewest digits that read
 * back exactly: at most 9 for values that are exactly float32 (%.9g), at most 17 for other
 * doubles; non-finite numbers as null. Returns 0 or -1 (a write error). */
int vx_ndjson_write(FILE *fp, const cJSON *rec);

/* v as vx_ndjson_write prints it (the fewest digits that read back exactly; "null" if
 * not finite), into buf[n] (40 bytes are enough). */
void vx_json_format_number(double v, char *buf, size_t n);

/* v rounded to float32, so that it prints with at most 9 digits. */
cJSON *vx_json_float32(double v);
/* v as a double (printed exactly by vx_ndjson_write). */
cJSON *vx_json_double(double v);
/* Arrays of n numbers, as float32 (%.9g) or as doubles (round-trip %.17g). */
cJSON *vx_json_array(const double *v, int n, int as_float32);

/* Read a numeric array of exactly n finite values from obj[key] into out.
 * Returns 0, or -1 with e = "where: key ..." naming the problem. */
int vx_json_get_array(const cJSON *obj, const char *key, double *out, int n, const char *where,
                      vx_err *e);
/* A finite number at obj[key]: 0, 1 if absent (out untouched), -1 if not a finite number. */
int vx_json_get_number(const cJSON *obj, const char *key, double *out, const char *where,
                       vx_err *e);
/* A whole number of samples at obj[key] (|v| <= 2^53, exact in a double): 0, 1 if absent
 * or null (out untouched), -1 with e = "where: key must be a whole number of samples". */
int vx_json_get_samples(const cJSON *obj, const char *key, long *out, const char *where,
                        vx_err *e);

#endif
