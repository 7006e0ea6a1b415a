/* Preset records <-> the 151-value raw vector (DESIGN.md "Contracts": a preset carries
 * `raw`, canonical, and a readable `fx` object in units; `fx` alone is accepted). */
#ifndef VX_PRESET_H
#define VX_PRESET_H

#include <cjson/cJSON.h>

#include "err.h"
#include "params.h"

/* flags of vx_preset_parse and vx_preset_load */
#define VX_PRESET_FX_DEFAULTS 1 /* fx fields left out take DiffVox's initial values */

/* raw[151] from a record: its "raw" array, or else its "fx" object through the inverse
 * maps. Checked: raw is an array of 151 numbers, each inside its limits
 * (vx_param_raw_range); fx is an object of the known sections, each an object of known
 * fields with values in range; a record with both has an fx that agrees with raw; fx
 * alone must give every field unless flags has VX_PRESET_FX_DEFAULTS. Other keys of the
 * record are not looked at. `where` ("file:line") prefixes messages, which name the field. */
int vx_preset_parse(const cJSON *rec, const char *where, int flags, double *raw, vx_err *e);

/* Checks a raw vector as vx_preset_parse does. */
int vx_preset_validate(const double *raw, const char *where, vx_err *e);

/* Sets rec's "type" to "preset" and its "raw" (printed as float32 if raw_float32) and
 * "fx" fields, replacing earlier ones and keeping every other field. 0 or -1 (memory). */
int vx_preset_put(cJSON *rec, const double *raw, int raw_float32);

/* The readable object of physical values in units (pans -100..100, attack/release ms). */
cJSON *vx_preset_fx_json(const double *raw, int clip_q);

/* One preset from a file: a single JSON object (pretty-printed or not), or a record of
 * an NDJSON set chosen by `which` as vx_ndjson_pick does (an index, or a track name that
 * only one record carries). which NULL: the file must hold one preset. flags as for
 * vx_preset_parse. If rec is not NULL it receives the record (caller deletes). */
int vx_preset_load(const char *path, const char *which, int flags, double *raw, cJSON **rec,
                   vx_err *e);

#endif
