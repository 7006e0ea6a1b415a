/* vx-loss: DiffVox's loss between a prediction and a target, or DiffVox's loss_eval over a
 * set of presets that name their dry and wet tracks (spec/pipeline.md §1, §5). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/audio.h"
#include "io/cli.h"
#include "io/ndjson.h"
#include "pair.h"
#include "pair_record.h"
#include "preset.h"
#include "score.h"

static const char usage[] = "vx-loss [options] PRED TARGET\n"
                            "       vx-loss [options] --eval PRESETS";
static const char help[] =
    "Score a prediction against a target with DiffVox's losses: mss_lr (A-weighted\n"
    "multi-resolution STFT of left and right), mss_ms (the same of L+R and L-R), mldr_lr and\n"
    "mldr_ms (level differences of L/R and of mid/side), and total = mss_lr + 0.5 mss_ms\n"
    "+ 0.5 mldr_lr + 0.25 mldr_ms. PRED and TARGET are stereo audio of the same length:\n"
    "files, or - for a raw float32 stream. Inputs at another rate are resampled to 44.1 kHz,\n"
    "the rate every score is made at (its \"rate\" field). One score record is written.\n\n"
    "With --eval, DiffVox's loss_eval: PRESETS holds records naming a track's \"dry\" and\n"
    "\"wet\" files and the alignment \"shift\" (presets, or pair records with --no-process).\n"
    "Each track is cropped to the common length, the dry rolled by the shift and mixed to\n"
    "mono, both normalised to -18 LUFS, the dry rendered with the preset, and the whole\n"
    "track scored: one record (or CSV row) per track. A track that fails is reported and\n"
    "left out; the exit status is then 1.\n\n"
    "  -e, --eval PRESETS    score every track of a record set (NDJSON; - for stdin)\n"
    "      --root DIR        find the dry and wet files under DIR: DIR/PATH, or DIR/PATH\n"
    "                        without its leading folders, the first that exists\n"
    "      --no-process      predict with the mono dry in both channels (no preset needed)\n"
    "      --clip-q          cap the delay low-pass Q at 0.707 (loss_eval's --clip-Q)\n"
    "      --fx-defaults     presets given as fx may leave fields out: DiffVox's initial values\n"
    "      --csv             loss_eval's CSV: track_id,stem_id,mss_lr,mss_ms,mldr_lr,mldr_ms\n"
    "  -r, --rate HZ         sample rate of a raw input stream (default 44100)\n"
    "  -c, --channels N      channels of a raw input stream (default 2)\n"
    "  -o, --output FILE     write to FILE (default: standard output)\n"
    "  -q, --quiet           no progress, notes or summary\n"
    "      --help, --version\n";

enum { OPT_ROOT = 256, OPT_NOPROC, OPT_CLIPQ, OPT_CSV, OPT_FXDEF };

typedef struct {
    const char *eval, *root, *out, *pred, *target;
    vx_stream_fmt fmt;
    int no_process, clip_q, csv, quiet;
    int preset_flags; /* vx_preset_parse's */
} options;

/* One track of --eval: its record and what scoring it needs. */
typedef struct {
    cJSON *rec;
    char *where;          /* "file:line" */
    const char *dry, *wet; /* paths, inside rec */
    long shift;
    int align;            /* no stored shift: align afresh, as vx-pair does */
    int has_crop;         /* the record's "crop": cut to it instead of the roll */
    vx_pair_crop crop;
    vx_fx fx;             /* the preset, unless --no-process */
} track;

static options parse(int argc, char **argv)
{
    static const struct option opts[] = {
        {"eval", required_argument, 0, 'e'}, {"root", required_argument, 0, OPT_ROOT},
        {"no-process", no_argument, 0, OPT_NOPROC}, {"clip-q", no_argument, 0, OPT_CLIPQ},
        {"csv", no_argument, 0, OPT_CSV}, {"rate", required_argument, 0, 'r'},
        {"fx-defaults", no_argument, 0, OPT_FXDEF},
        {"channels", required_argument, 0, 'c'}, {"output", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    options o = {.out = "-", .fmt = {44100, 2}};
    int c, raw_opts = 0;
    while ((c = getopt_long(argc, argv, "e:r:c:o:q", opts, NULL)) != -1) {
        switch (c) {
        case 'e': o.eval = optarg; break;
        case OPT_ROOT: o.root = optarg; break;
        case OPT_NOPROC: o.no_process = 1; break;
        case OPT_CLIPQ: o.clip_q = 1; break;
        case OPT_CSV: o.csv = 1; break;
        case OPT_FXDEF: o.preset_flags = VX_PRESET_FX_DEFAULTS; break;
        case 'r':
            o.fmt.rate = (int)vx_cli_long("--rate", optarg, 1, 1000000, usage);
            raw_opts = 1;
            break;
        case 'c':
            o.fmt.channels = (int)vx_cli_long("--channels", optarg, 1, 64, usage);
            raw_opts = 1;
            break;
        case 'o': o.out = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': vx_cli_common("--help", usage, help); break;
        case 'V': vx_cli_common("--version", usage, help); break;
        default: vx_cli_bad_option(argv, opts, usage);
        }
    }
    if (o.eval) {
        if (argc != optind)
            vx_usage_error(usage, "--eval takes no PRED or TARGET");
        if (raw_opts)
            vx_usage_error(usage, "--rate and --channels describe raw PRED and TARGET streams, "
                                  "not --eval tracks");
        if (o.no_process && o.clip_q)
            vx_usage_error(usage, "--clip-q changes the preset, which --no-process does not use");
        return o;
    }
    if (o.root || o.no_process || o.clip_q || o.csv)
        vx_usage_error(usage, "--root, --no-process, --clip-q and --csv go with --eval");
    if (argc - optind != 2)
        vx_usage_error(usage, "expected PRED and TARGET (or --eval PRESETS)");
    o.pred = argv[optind], o.target = argv[optind + 1];
    if (!strcmp(o.pred, "-") && !strcmp(o.target, "-"))
        vx_usage_error(usage, "PRED and TARGET cannot both be standard input");
    return o;
}

static const char *shown(const char *path) { return strcmp(path, "-") ? path : "stdin"; }

/* A score record: the source record's id, dataset, index and track (if any), loss_eval's
 * names (if any), the four losses and the total. */
static cJSON *score_record(const cJSON *src, const char *track_id, const char *stem_id,
                           const vx_loss_parts *s)
{
    static const char *const kept[] = {"id", "dataset", "index", "track"};
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "type", "score");
    for (size_t i = 0; src && i < sizeof kept / sizeof *kept; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, kept[i]);
        if (v)
            cJSON_AddItemToObject(r, kept[i], cJSON_Duplicate(v, 1));
    }
    if (track_id) {
        cJSON_AddStringToObject(r, "track_id", track_id);
        cJSON_AddStringToObject(r, "stem_id", stem_id);
    }
    cJSON_AddItemToObject(r, "mss_lr", vx_json_double(s->mss_lr));
    cJSON_AddItemToObject(r, "mss_ms", vx_json_double(s->mss_ms));
    cJSON_AddItemToObject(r, "mldr_lr", vx_json_double(s->mldr_lr));
    cJSON_AddItemToObject(r, "mldr_ms", vx_json_double(s->mldr_ms));
    cJSON_AddItemToObject(r, "total", vx_json_double(s->total));
    cJSON_AddNumberToObject(r, "rate", VX_FS); /* every input is scored resampled to it */
    return r;
}

/* A message that does not stop the program. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vx_progress_done();
    fprintf(stderr, "%s: ", vx_cli_name());
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* PRED TARGET: both stereo and as long, one record. */
static void score_files(const options *o)
{
    vx_audio p, t;
    vx_err e;
    if (vx_audio_read(o->pred, &o->fmt, (int)VX_FS, &p, &e) ||
        vx_audio_read(o->target, &o->fmt, (int)VX_FS, &t, &e))
        vx_die_err(&e);
    const char *pn = shown(o->pred), *tn = shown(o->target);
    if (p.channels != t.channels)
        vx_die(VX_EXIT_DATA, "%s: %d channel%s, but the target %s has %d: both must be stereo", pn,
               p.channels, p.channels > 1 ? "s" : "", tn, t.channels);
    if (p.channels != 2)
        vx_die(VX_EXIT_DATA, "%s and %s: %d channel%s; the loss compares stereo signals", pn, tn,
               p.channels, p.channels > 1 ? "s" : "");
    if (p.frames != t.frames)
        vx_die(VX_EXIT_DATA, "%s: %zu frames, but the target %s has %zu: both must be as long", pn,
               p.frames, tn, t.frames);
    vx_score_target kind = vx_score_target_kind(t.data, t.frames);
    if (kind == VX_SCORE_TARGET_SILENT && !o->quiet)
        say("%s: the target is silent: the spectral terms divide by the magnitude floor and are "
            "huge", tn);
    if (kind == VX_SCORE_TARGET_MONO && !o->quiet)
        say("%s: the target is mono (L = R): mss_ms divides by a silent difference channel and is "
            "huge", tn);
    vx_loss_parts s;
    if (vx_loss_eval(p.data, p.frames, 2, t.data, t.frames, 2, NULL, &s, &e))
        vx_die(VX_EXIT_DATA, "%s: %s", pn, e.msg);
    cJSON *r = score_record(NULL, NULL, NULL, &s);
    FILE *out = vx_out_open(o->out);
    vx_out_record(out, r);
    vx_out_close(out);
    cJSON_Delete(r);
    vx_audio_free(&p);
    vx_audio_free(&t);
}

/* A record's string field, or exit naming the record. */
static const char *path_field(const cJSON *rec, const char *key, const char *where)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);
    if (!cJSON_IsString(v) || !*v->valuestring)
        vx_die(VX_EXIT_DATA, "%s: %s is %s; --eval needs records that name their dry and wet files",
               where, key, v ? "not a file name" : "missing");
    return v->valuestring;
}

/* Every record of the set, checked before any audio is read: a bad record stops the run. */
static track *load_tracks(const options *o, size_t *n)
{
    vx_err e;
    vx_ndjson_reader *r = vx_ndjson_open(o->eval, &e);
    if (!r)
        vx_die_err(&e);
    track *ts = NULL;
    size_t cap = 0;
    cJSON *rec;
    int rc;
    *n = 0;
    while ((rc = vx_ndjson_next(r, &rec, &e)) == 1) {
        if (*n == cap && !(ts = realloc(ts, (cap = cap ? 2 * cap : 64) * sizeof *ts)))
            vx_die(VX_EXIT_DATA, "out of memory");
        track *t = memset(&ts[(*n)++], 0, sizeof *t);
        t->rec = rec;
        if (!(t->where = strdup(vx_ndjson_where(r))))
            vx_die(VX_EXIT_DATA, "out of memory");
        t->dry = path_field(rec, "dry", t->where);
        t->wet = path_field(rec, "wet", t->where);
        int has_shift = vx_json_get_samples(rec, "shift", &t->shift, t->where, &e);
        if (has_shift < 0)
            vx_die_err(&e);
        t->align = has_shift == 1;
        if ((t->has_crop = vx_pair_crop_read(rec, t->where, &t->crop, &e)) < 0)
            vx_die_err(&e);
        double raw[VX_NRAW];
        if (!o->no_process) {
            if (!cJSON_HasObjectItem(rec, "raw") && !cJSON_HasObjectItem(rec, "fx"))
                vx_die(VX_EXIT_DATA, "%s: no preset (\"raw\" or \"fx\"); --no-process scores "
                                     "the dry itself", t->where);
            if (vx_preset_parse(rec, t->where, o->preset_flags, raw, &e))
                vx_die_err(&e);
            vx_params_to_fx(raw, o->clip_q, &t->fx);
        }
    }
    if (rc < 0)
        vx_die_err(&e);
    vx_ndjson_close(r);
    if (*n == 0)
        vx_die(VX_EXIT_DATA, "%s: no records", shown(o->eval));
    return ts;
}

/* The file a record names: itself, or with --root the first of DIR/PATH, DIR/PATH without
 * its first folder, ... DIR/its file name that exists. NULL with e set if none does. */
static char *locate(const char *root, const char *path, vx_err *e)
{
    char *found = NULL;
    if (!root) {
        found = strdup(path);
    } else {
        for (const char *s = path + strspn(path, "/"); *s && !found;) {
            if (asprintf(&found, "%s/%s", root, s) < 0)
                found = NULL;
            else if (access(found, F_OK))
                free(found), found = NULL;
            const char *slash = strchr(s, '/');
            s = slash ? slash + strspn(slash, "/") : "";
        }
        if (!found) {
            vx_err_set(e, "%s: not found under --root %s, nor with any leading folders removed",
                       path, root);
            return NULL;
        }
    }
    if (!found)
        vx_err_set(e, "out of memory");
    return found;
}

/* loss_eval on one track: locate, read, prepare (§5), render or not, score. */
static int score_track(const options *o, const track *t, vx_loss_parts *s, vx_err *e)
{
    char *dry = locate(o->root, t->dry, e), *wet = dry ? locate(o->root, t->wet, e) : NULL;
    vx_audio d = {0}, w = {0};
    vx_pair p = {0};
    int rc = !wet || vx_audio_read(dry, NULL, (int)VX_FS, &d, e) ||
             vx_audio_read(wet, NULL, (int)VX_FS, &w, e);
    if (!rc && vx_pair_prepare(&d, &w, t->align ? NULL : &t->shift, t->has_crop ? &t->crop : NULL,
                                VX_PAIR_TARGET_LUFS, &p, e)) {
        vx_err why = *e;
        rc = vx_err_set(e, "dry %s, wet %s: %s", dry, wet, why.msg);
    }
    vx_audio_free(&d);
    vx_audio_free(&w);
    if (!rc)
        rc = vx_score_pair(&p, o->no_process ? NULL : &t->fx, s, e);
    vx_pair_free(&p);
    free(dry);
    free(wet);
    return rc ? -1 : 0;
}

static void csv_field(FILE *fp, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp); /* doubled */
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void csv_row(FILE *fp, const char *track_id, const char *stem_id, const vx_loss_parts *s)
{
    const double v[4] = {s->mss_lr, s->mss_ms, s->mldr_lr, s->mldr_ms};
    char num[40];
    csv_field(fp, track_id);
    fputc(',', fp);
    csv_field(fp, stem_id);
    for (int i = 0; i < 4; i++) {
        vx_score_format(v[i], num, sizeof num);
        fprintf(fp, ",%s", num);
    }
    fputc('\n', fp);
}

/* What names a track's record in progress: its "id", else its "track" (a preset's), else
 * where it is in the set. */
static const char *record_name(const track *t)
{
    static const char *const keys[] = {"id", "track"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(t->rec, keys[i]);
        if (cJSON_IsString(v) && *v->valuestring)
            return v->valuestring;
    }
    return t->where;
}

/* --eval: every track in input order, each row written as soon as it is scored. Returns the
 * number of tracks that failed. */
static size_t eval_tracks(const options *o)
{
    size_t n, failed = 0;
    track *ts = load_tracks(o, &n);
    FILE *out = vx_out_open(o->out);
    if (o->csv)
        fputs("track_id,stem_id,mss_lr,mss_ms,mldr_lr,mldr_ms\n", out);
    for (size_t i = 0; i < n; i++) {
        char track_id[1024], stem_id[1024];
        vx_score_names(ts[i].dry, track_id, sizeof track_id, stem_id, sizeof stem_id);
        vx_progress("track %zu of %zu: %s", i + 1, n, record_name(&ts[i]));
        vx_loss_parts s;
        vx_err e;
        if (score_track(o, &ts[i], &s, &e)) {
            say("%s: %s (track skipped)", ts[i].where, e.msg);
            failed++;
        } else if (o->csv) {
            csv_row(out, track_id, stem_id, &s);
        } else {
            cJSON *r = score_record(ts[i].rec, track_id, stem_id, &s);
            vx_out_record(out, r);
            cJSON_Delete(r);
        }
        if (fflush(out) || ferror(out))
            vx_die(VX_EXIT_DATA, "%s: write error: %s", shown(o->out), strerror(errno));
        cJSON_Delete(ts[i].rec);
        free(ts[i].where);
    }
    vx_progress_done();
    vx_out_close(out);
    if (!o->quiet)
        say("%zu of %zu tracks scored, %zu failed", n - failed, n, failed);
    free(ts);
    return failed;
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, NULL);
    options o = parse(argc, argv);
    vx_progress_quiet(o.quiet);
    if (!o.eval) {
        score_files(&o);
        return VX_EXIT_OK;
    }
    return eval_tracks(&o) ? VX_EXIT_DATA : VX_EXIT_OK;
}
