/* vx-pair: find the dry/wet vocal pairs of MedleyDB song folders (or one explicit pair),
 * align and measure them, and write one pair record per accepted stem. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/audio.h"
#include "io/cli.h"
#include "io/ndjson.h"
#include "medleydb.h"
#include "pair.h"
#include "pair_record.h"
#include "params.h"

static const char usage[] = "vx-pair [options] SONG_DIR...\n"
                            "       vx-pair [options] --list FILE\n"
                            "       vx-pair [options] --dry DRY --wet WET [--id NAME]";
static const char help[] =
    "Pair the raw vocal recordings of MedleyDB songs with their processed stems: each\n"
    "SONG_DIR holds SONG_DIR/<name>_METADATA.yaml; a stem is a pair if its instrument names\n"
    "a voice and it has exactly one raw track. Each pair is aligned (cross-correlation) and\n"
    "measured (loudness, gains to -18 LUFS); one pair record a line is written.\n\n"
    "  -l, --list FILE       song folders, one a line (# comments, - for stdin)\n"
    "      --dry FILE        an explicit pair: the dry recording ...\n"
    "      --wet FILE        ... and its processed (stereo) version\n"
    "      --id NAME         id of the explicit pair (default: the wet file's stem)\n"
    "      --side-max DB     skip stereo dry tracks whose side energy is above DB\n"
    "                        (default -10; inf keeps all)\n"
    "  -o, --output FILE     write the records to FILE (default: standard output)\n"
    "  -q, --quiet           no progress or notes\n"
    "      --help, --version\n";

enum { OPT_DRY = 256, OPT_WET, OPT_ID, OPT_SIDE };

typedef struct {
    const char *list, *dry, *wet, *id, *out;
    double side_max;
    int quiet;
    char **dirs;
    int n_dirs;
} options;

/* One candidate pair and what became of it. */
typedef struct {
    char *id, *song, *track; /* song NULL for an explicit pair */
    const char *dry, *wet;   /* owned by the song list or argv */
    cJSON *rec;              /* the record, or NULL when skipped or failed */
    char note[600];          /* why it was skipped */
    vx_err err;              /* set when it failed */
    int failed;
} job;

typedef struct {
    vx_medley_song *songs;
    int n_songs, cap_songs;
    job *jobs;
    int n_jobs, cap_jobs;
} worklist;

static options parse(int argc, char **argv)
{
    static const struct option opts[] = {
        {"list", required_argument, 0, 'l'}, {"dry", required_argument, 0, OPT_DRY},
        {"wet", required_argument, 0, OPT_WET}, {"id", required_argument, 0, OPT_ID},
        {"side-max", required_argument, 0, OPT_SIDE}, {"output", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    options o = {.out = "-", .side_max = VX_PAIR_SIDE_MAX_DB};
    int c;
    while ((c = getopt_long(argc, argv, "l:o:q", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o.list = optarg; break;
        case OPT_DRY: o.dry = optarg; break;
        case OPT_WET: o.wet = optarg; break;
        case OPT_ID: o.id = optarg; break;
        case OPT_SIDE:
            o.side_max = !strcmp(optarg, "inf") ? INFINITY
                                                : vx_cli_double("--side-max", optarg, -400, 400, usage);
            break;
        case 'o': o.out = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': vx_cli_common("--help", usage, help); break;
        case 'V': vx_cli_common("--version", usage, help); break;
        default: vx_cli_bad_option(argv, opts, usage);
        }
    }
    o.dirs = argv + optind, o.n_dirs = argc - optind;
    int explicit = o.dry || o.wet;
    if (explicit && (!o.dry || !o.wet))
        vx_usage_error(usage, "an explicit pair needs both --dry and --wet");
    if (explicit && (o.n_dirs || o.list))
        vx_usage_error(usage, "give either --dry/--wet or song folders, not both");
    if (o.id && !explicit)
        vx_usage_error(usage, "--id names an explicit pair (--dry/--wet)");
    if (!explicit && !o.n_dirs && !o.list)
        vx_usage_error(usage, "no input: give song folders, --list FILE or --dry/--wet");
    return o;
}

static void *grow(void *p, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return p;
    *cap = need < 16 ? 16 : 2 * need;
    p = realloc(p, (size_t)*cap * size);
    if (!p)
        vx_die(VX_EXIT_DATA, "out of memory");
    return p;
}

/* Track name as vx-fit names runs: the wet file's stem. */
static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    char *s = strdup(base ? base + 1 : path);
    char *dot = s ? strrchr(s, '.') : NULL;
    if (dot && dot != s)
        *dot = 0;
    return s;
}

static void add_job(worklist *w, const char *song, const char *dry, const char *wet,
                    const char *id)
{
    w->jobs = grow(w->jobs, &w->cap_jobs, w->n_jobs + 1, sizeof *w->jobs);
    job *j = memset(&w->jobs[w->n_jobs++], 0, sizeof *j);
    j->dry = dry, j->wet = wet;
    j->track = file_stem(wet);
    j->song = song ? strdup(song) : NULL;
    size_t n = strlen(song ? song : "") + strlen(id ? id : j->track) + 2;
    if ((j->id = malloc(n)))
        snprintf(j->id, n, "%s%s%s", song ? song : "", song ? "/" : "", id ? id : j->track);
    if (!j->track || !j->id || (song && !j->song))
        vx_die(VX_EXIT_DATA, "out of memory");
}

/* Read a song's metadata; its accepted stems become jobs, the rest notes. */
static void add_song(worklist *w, const char *dir, int quiet)
{
    vx_err e;
    w->songs = grow(w->songs, &w->cap_songs, w->n_songs + 1, sizeof *w->songs);
    vx_medley_song *s = &w->songs[w->n_songs++];
    if (vx_medley_read(dir, s, &e))
        vx_die_err(&e);
    if (s->instrumental && !quiet)
        fprintf(stderr, "%s: %s: instrumental, no pairs\n", vx_cli_name(), s->song);
    for (int i = 0; i < s->n_stems; i++) {
        const vx_medley_stem *st = &s->stems[i];
        if (st->dry)
            add_job(w, s->song, st->dry, st->wet, NULL);
        else if (st->vocal && !quiet)
            fprintf(stderr, "%s: %s:%ld: %s (%s) has %d raw tracks, not 1: skipped\n",
                    vx_cli_name(), s->yaml, st->line, st->key, st->instrument, st->n_raw);
    }
}

static void add_list(worklist *w, const char *path, int quiet)
{
    FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!fp)
        vx_die(VX_EXIT_DATA, "%s: cannot read the song list", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        while (n > 0 && strchr(" \t\r\n", line[n - 1]))
            line[--n] = 0;
        char *s = line + strspn(line, " \t");
        if (*s && *s != '#')
            add_song(w, s, quiet);
    }
    if (ferror(fp))
        vx_die(VX_EXIT_DATA, "%s: read error", path);
    free(line);
    if (fp != stdin)
        fclose(fp);
}

static cJSON *pair_record(const job *j, const vx_pair *p, double side_db)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "type", "pair");
    cJSON_AddStringToObject(r, "id", j->id);
    if (j->song)
        cJSON_AddStringToObject(r, "song", j->song);
    else
        cJSON_AddNullToObject(r, "song");
    cJSON_AddStringToObject(r, "track", j->track);
    cJSON_AddStringToObject(r, "dry", j->dry);
    cJSON_AddStringToObject(r, "wet", j->wet);
    cJSON_AddNumberToObject(r, "rate", p->rate);
    cJSON_AddNumberToObject(r, "shift", (double)p->shift);
    if (p->cropped)
        cJSON_AddItemToObject(r, "crop", vx_pair_crop_json(&p->crop));
    cJSON_AddNumberToObject(r, "frames", (double)p->frames);
    cJSON_AddNumberToObject(r, "lufs_dry", p->lufs_dry);
    cJSON_AddNumberToObject(r, "lufs_wet", p->lufs_wet);
    cJSON_AddNumberToObject(r, "gain_dry_db", p->gain_dry_db);
    cJSON_AddNumberToObject(r, "gain_wet_db", p->gain_wet_db);
    if (isfinite(side_db))
        cJSON_AddNumberToObject(r, "side_db", side_db);
    else
        cJSON_AddNullToObject(r, "side_db");
    return r;
}

/* Load, check and measure one pair (§2.1): sets j->rec, or j->note, or j->failed. */
static void run_job(job *j, double side_max)
{
    vx_audio d = {0}, w = {0};
    vx_pair p;
    if (vx_audio_read(j->dry, NULL, (int)VX_FS, &d, &j->err)) {
        j->failed = 1;
        return;
    }
    double side = vx_pair_side_db(&d);
    if (side > side_max) {
        snprintf(j->note, sizeof j->note, "%s: stereo dry with side energy %.1f dB > %g dB: skipped",
                 j->id, side, side_max);
    } else if (vx_audio_read(j->wet, NULL, (int)VX_FS, &w, &j->err)) {
        j->failed = 1;
    } else if (vx_pair_prepare(&d, &w, NULL, NULL, VX_PAIR_TARGET_LUFS, &p, &j->err)) {
        j->failed = 1;
        vx_err msg = j->err;
        vx_err_set(&j->err, "%s (dry %s, wet %s): %s", j->id, j->dry, j->wet, msg.msg);
    } else {
        char crop_note[300] = "";
        if (p.cropped)
            vx_pair_crop_note(&p, crop_note, sizeof crop_note);
        if (isnan(side) || p.cropped)
            snprintf(j->note, sizeof j->note, "%s: %s%s%s", j->id,
                     isnan(side) ? "a dry channel's maximum is 0, side energy undefined: kept" : "",
                     isnan(side) && p.cropped ? "; " : "", crop_note);
        j->rec = pair_record(j, &p, side);
        vx_pair_free(&p);
    }
    vx_audio_free(&d);
    vx_audio_free(&w);
}

/* Every job, two at a time (OpenMP); stops starting new ones after a failure. */
static void run_all(worklist *w, double side_max)
{
    int done = 0, failed = 0;
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < w->n_jobs; i++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop)
            continue;
        run_job(&w->jobs[i], side_max);
#pragma omp critical(vx_pair_progress)
        {
            failed |= w->jobs[i].failed;
            vx_progress("%d/%d pairs (%s)", ++done, w->n_jobs, w->jobs[i].id);
        }
    }
    vx_progress_done();
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, NULL);
    options o = parse(argc, argv);
    vx_progress_quiet(o.quiet);
    worklist w = {0};
    /* All metadata first: a malformed file stops the run before any audio is read. */
    if (o.dry)
        add_job(&w, NULL, o.dry, o.wet, o.id);
    for (int i = 0; i < o.n_dirs; i++)
        add_song(&w, o.dirs[i], o.quiet);
    if (o.list)
        add_list(&w, o.list, o.quiet);
    run_all(&w, o.side_max);
    int kept = 0, skipped = 0;
    for (int i = 0; i < w.n_jobs; i++) {
        if (w.jobs[i].failed)
            vx_die_err(&w.jobs[i].err); /* the first failure in input order; nothing written */
        if (w.jobs[i].note[0] && !o.quiet)
            fprintf(stderr, "%s: %s\n", vx_cli_name(), w.jobs[i].note);
        kept += w.jobs[i].rec != NULL, skipped += w.jobs[i].rec == NULL;
    }
    FILE *out = vx_out_open(o.out);
    for (int i = 0; i < w.n_jobs; i++)
        if (w.jobs[i].rec)
            vx_out_record(out, w.jobs[i].rec);
    vx_out_close(out);
    if (!o.quiet)
        fprintf(stderr, w.n_songs ? "%s: pairs: %d written, %d skipped, from %d song folders\n"
                                  : "%s: pairs: %d written, %d skipped\n",
                vx_cli_name(), kept, skipped, w.n_songs);
    for (int i = 0; i < w.n_jobs; i++) {
        cJSON_Delete(w.jobs[i].rec);
        free(w.jobs[i].id), free(w.jobs[i].song), free(w.jobs[i].track);
    }
    for (int i = 0; i < w.n_songs; i++)
        vx_medley_free(&w.songs[i]);
    free(w.songs), free(w.jobs);
    return 0;
}
