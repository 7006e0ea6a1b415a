/* MedleyDB METADATA.yaml reading (see medleydb.h; spec/pipeline.md §3.1). */
#include "medleydb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

static const char *const voice_words[] = {"speaker", "singer", "vocal", "voice", "speech"};
#define N_VOICE_WORDS (sizeof voice_words / sizeof *voice_words)

int vx_medley_is_vocal(const char *instrument)
{
    for (size_t i = 0; i < N_VOICE_WORDS; i++)
        if (strstr(instrument, voice_words[i]))
            return 1;
    return 0;
}

/* What the reader needs while walking one document. */
typedef struct {
    yaml_document_t doc;
    const char *file;
    vx_err *e;
} reader;

static long line_of(const yaml_node_t *n) { return (long)n->start_mark.line + 1; }

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Value of `key` in mapping m, or NULL. */
static yaml_node_t *get(reader *r, const yaml_node_t *m, const char *key)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(&r->doc, p->key));
        if (k && !strcmp(k, key))
            return yaml_document_get_node(&r->doc, p->value);
    }
    return NULL;
}

/* Value of `key` in mapping m that must exist with the given node type; NULL and e set
 * otherwise. `path` names m in messages ("stems.S01"). */
static yaml_node_t *need(reader *r, const yaml_node_t *m, const char *path, const char *key,
                         yaml_node_type_t type)
{
    static const char *const what[] = {[YAML_SCALAR_NODE] = "a scalar",
                                       [YAML_SEQUENCE_NODE] = "a list",
                                       [YAML_MAPPING_NODE] = "a mapping"};
    yaml_node_t *v = get(r, m, key);
    const char *dot = *path ? "." : "";
    if (!v)
        vx_err_set(r->e, "%s:%ld: %s%s%s is missing", r->file, line_of(m), path, dot, key);
    else if (v->type != type)
        vx_err_set(r->e, "%s:%ld: %s%s%s must be %s", r->file, line_of(v), path, dot, key,
                   what[type]);
    return v && v->type == type ? v : NULL;
}

static char *dup_join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s/%s", a, b, c);
    return s;
}

/* The instrument as one string; vocal as Python's `keyword in instrument` decides: a
 * substring of a string, an equal element of a list (a few MedleyDB v2 files list
 * several instruments). */
static char *instrument_of(reader *r, const yaml_node_t *n, int *vocal)
{
    *vocal = 0;
    if (n->type == YAML_SCALAR_NODE) {
        *vocal = vx_medley_is_vocal(scalar(n));
        return strdup(scalar(n));
    }
    size_t len = 1;
    char *s = calloc(1, 1);
    for (yaml_node_item_t *it = n->data.sequence.items.start; s && it < n->data.sequence.items.top;
         it++) {
        const char *v = scalar(yaml_document_get_node(&r->doc, *it));
        if (!v)
            continue;
        for (size_t i = 0; i < N_VOICE_WORDS; i++)
            *vocal |= !strcmp(v, voice_words[i]);
        char *grown = realloc(s, len + strlen(v) + 2);
        if (!grown) {
            free(s);
            return NULL;
        }
        s = grown;
        if (len > 1)
            strcat(s, ", ");
        strcat(s, v);
        len = strlen(s) + 1;
    }
    return s;
}

static int read_stem(reader *r, const vx_medley_song *s, const char *raw_dir,
                     const char *stem_dir, const yaml_node_t *kn, const yaml_node_t *m,
                     vx_medley_stem *st)
{
    const char *key = scalar(kn);
    char path[256];
    snprintf(path, sizeof path, "stems.%s", key);
    st->line = line_of(kn);
    if (!(st->key = strdup(key)))
        return vx_err_set(r->e, "%s: out of memory", r->file);
    if (m->type != YAML_MAPPING_NODE)
        return vx_err_set(r->e, "%s:%ld: %s must be a mapping", r->file, st->line, path);
    yaml_node_t *ins = get(r, m, "instrument");
    if (!ins || ins->type == YAML_MAPPING_NODE)
        return vx_err_set(r->e, "%s:%ld: %s.instrument %s", r->file, line_of(ins ? ins : m),
                          path, ins ? "must be a string or a list" : "is missing");
    yaml_node_t *raw = need(r, m, path, "raw", YAML_MAPPING_NODE);
    if (!raw)
        return -1;
    if (!(st->instrument = instrument_of(r, ins, &st->vocal)))
        return vx_err_set(r->e, "%s: out of memory", r->file);
    st->n_raw = (int)(raw->data.mapping.pairs.top - raw->data.mapping.pairs.start);
    if (!st->vocal || st->n_raw != 1)
        return 0;
    yaml_node_t *wet = need(r, m, path, "filename", YAML_SCALAR_NODE);
    if (!wet)
        return -1;
    yaml_node_pair_t *p = raw->data.mapping.pairs.start;
    const char *raw_key = scalar(yaml_document_get_node(&r->doc, p->key));
    snprintf(path, sizeof path, "stems.%s.raw.%s", key, raw_key ? raw_key : "?");
    yaml_node_t *rm = yaml_document_get_node(&r->doc, p->value);
    if (rm->type != YAML_MAPPING_NODE)
        return vx_err_set(r->e, "%s:%ld: %s must be a mapping", r->file, line_of(rm), path);
    yaml_node_t *dry = need(r, rm, path, "filename", YAML_SCALAR_NODE);
    if (!dry)
        return -1;
    st->dry = dup_join(s->dir, raw_dir, scalar(dry));
    st->wet = dup_join(s->dir, stem_dir, scalar(wet));
    if (!st->dry || !st->wet)
        return vx_err_set(r->e, "%s: out of memory", r->file);
    return 0;
}

static int read_song(reader *r, vx_medley_song *s)
{
    yaml_node_t *root = yaml_document_get_root_node(&r->doc);
    if (!root)
        return vx_err_set(r->e, "%s: empty document", r->file);
    if (root->type != YAML_MAPPING_NODE)
        return vx_err_set(r->e, "%s:%ld: expected a mapping at the top level", r->file,
                          line_of(root));
    yaml_node_t *ins = need(r, root, "", "instrumental", YAML_SCALAR_NODE);
    if (!ins)
        return -1;
    /* The reference compares with the string "yes"; an unquoted yes is the same here. */
    if ((s->instrumental = !strcmp(scalar(ins), "yes")))
        return 0;
    yaml_node_t *rd = need(r, root, "", "raw_dir", YAML_SCALAR_NODE);
    yaml_node_t *sd = rd ? need(r, root, "", "stem_dir", YAML_SCALAR_NODE) : NULL;
    yaml_node_t *stems = sd ? need(r, root, "", "stems", YAML_MAPPING_NODE) : NULL;
    if (!stems)
        return -1;
    int n = (int)(stems->data.mapping.pairs.top - stems->data.mapping.pairs.start);
    if (n > 0 && !(s->stems = calloc((size_t)n, sizeof *s->stems)))
        return vx_err_set(r->e, "%s: out of memory", r->file);
    for (int i = 0; i < n; i++) {
        yaml_node_pair_t *p = stems->data.mapping.pairs.start + i;
        const yaml_node_t *kn = yaml_document_get_node(&r->doc, p->key);
        if (!scalar(kn))
            return vx_err_set(r->e, "%s:%ld: stems: every key must be a name", r->file,
                              line_of(kn));
        s->n_stems = i + 1;
        if (read_stem(r, s, scalar(rd), scalar(sd), kn,
                      yaml_document_get_node(&r->doc, p->value), &s->stems[i]))
            return -1;
    }
    return 0;
}

/* dir without trailing slashes, its last component, and the YAML path. */
static int name_song(const char *dir, vx_medley_song *s)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (!(s->dir = strndup(dir, n)))
        return -1;
    const char *slash = strrchr(s->dir, '/');
    s->song = strdup(slash && slash[1] ? slash + 1 : s->dir);
    size_t m = n + 2 * strlen(s->song ? s->song : "") + 16;
    if (s->song && (s->yaml = malloc(m)))
        snprintf(s->yaml, m, "%s/%s_METADATA.yaml", s->dir, s->song);
    return s->yaml ? 0 : -1;
}

int vx_medley_read(const char *dir, vx_medley_song *s, vx_err *e)
{
    memset(s, 0, sizeof *s);
    if (name_song(dir, s)) {
        vx_medley_free(s);
        return vx_err_set(e, "%s: out of memory", dir);
    }
    struct stat st;
    int found = stat(s->dir, &st) == 0;
    if (!found || !S_ISDIR(st.st_mode)) {
        vx_err_set(e, "%s: %s", s->dir,
                   found ? "not a folder (a song folder holds <name>_METADATA.yaml)"
                   : errno == ENOENT || errno == ENOTDIR ? "no such song folder"
                                                         : strerror(errno));
        vx_medley_free(s);
        return -1;
    }
    FILE *fp = fopen(s->yaml, "rb");
    if (!fp) {
        vx_err_set(e, "%s: %s", s->yaml, strerror(errno));
        vx_medley_free(s);
        return -1;
    }
    reader r = {.file = s->yaml, .e = e};
    yaml_parser_t parser;
    int rc = -1;
    if (!yaml_parser_initialize(&parser)) {
        vx_err_set(e, "%s: out of memory", s->yaml);
    } else {
        yaml_parser_set_input_file(&parser, fp);
        if (!yaml_parser_load(&parser, &r.doc)) {
            vx_err_set(e, "%s:%ld: malformed YAML: %s%s%s", s->yaml,
                       (long)parser.problem_mark.line + 1, parser.problem ? parser.problem : "error",
                       parser.context ? " " : "", parser.context ? parser.context : "");
        } else {
            rc = read_song(&r, s);
            yaml_document_delete(&r.doc);
        }
        yaml_parser_delete(&parser);
    }
    fclose(fp);
    if (rc) {
        /* Keep the message; free what was read. */
        vx_medley_free(s);
    }
    return rc;
}

void vx_medley_free(vx_medley_song *s)
{
    for (int i = 0; i < s->n_stems; i++) {
        free(s->stems[i].key);
        free(s->stems[i].instrument);
        free(s->stems[i].dry);
        free(s->stems[i].wet);
    }
    free(s->stems);
    free(s->dir);
    free(s->song);
    free(s->yaml);
    memset(s, 0, sizeof *s);
}
