/* MedleyDB song folders: which stems are vocal tracks with one raw recording, read from
 * <SONG>/<SONG>_METADATA.yaml with libyaml (spec/pipeline.md §3.1). */
#ifndef VX_MEDLEYDB_H
#define VX_MEDLEYDB_H

#include "err.h"

typedef struct {
    char *key;        /* the entry's name under `stems`, e.g. "S01" */
    char *instrument; /* as written; a list is joined with ", " */
    int vocal;        /* the instrument names a voice (vx_medley_is_vocal) */
    int n_raw;        /* entries of its `raw` mapping */
    char *dry, *wet;  /* <song>/<raw_dir>/<raw filename>, <song>/<stem_dir>/<filename>;
                         both NULL unless the stem is accepted */
    long line;        /* 1-based line of the entry in the YAML file, for messages */
} vx_medley_stem;

typedef struct {
    char *dir;        /* the song folder as given, without trailing slashes */
    char *song;       /* its last path component, e.g. "LizNelson_Rainfall" */
    char *yaml;       /* <dir>/<song>_METADATA.yaml */
    int instrumental; /* `instrumental: yes` (then stems is empty) */
    int n_stems;
    vx_medley_stem *stems; /* every stem, in YAML order */
} vx_medley_song;

/* Read the metadata of song folder `dir`. A stem is accepted (dry and wet set) iff it is
 * vocal and its `raw` mapping has exactly one entry. Errors name the file and line
 * (libyaml's mark): unreadable or malformed YAML, a missing or mistyped field
 * (instrumental, raw_dir, stem_dir, stems, stems.*.instrument, stems.*.raw, and the
 * filenames of accepted stems). Returns 0, or -1 with e set; s is then empty. */
int vx_medley_read(const char *dir, vx_medley_song *s, vx_err *e);
void vx_medley_free(vx_medley_song *s);

/* §3.1 keyword test on an instrument string: contains (case-sensitive) "speaker",
 * "singer", "vocal", "voice" or "speech". */
int vx_medley_is_vocal(const char *instrument);

#endif
