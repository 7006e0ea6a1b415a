/* vx-fit: retrieve the DiffVox preset of one dry/wet pair by gradient descent. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <omp.h>

#include "fit.h"
#include "fit_schedule.h"
#include "fit_warm.h"
#include "io/audio.h"
#include "io/cli.h"
#include "io/logdir.h"
#include "io/ndjson.h"
#include "io/pick.h"
#include "io/shipped.h"
#include "io/tmpfile.h"
#include "memroom.h"
#include "pair.h"
#include "pair_record.h"
#include "preset.h"

#define FAST_STEPS 500    /* --fast's budget in steps, its search included: a quarter of 2000 */
#define FAST_LR 0.04      /* --fast's peak learning rate, 4 times DiffVox's */
#define FAST_WARMUP_PCT 5 /* per cent of --fast's steps in its warm-up */
#define FAST_DECAY_PCT 10 /* ... and in its decay */
#define FAST_LEVELS 10    /* --fast's factor on the rate of the levels in dB (vx_lr_scale_levels) */
#define FAST_MIN_STEPS 100 /* --fast's fewest default steps, whatever its search costs */
/* CPU of a loss alone on one chunk (the search's unit) over that of a one-chunk step
 * (measured: 0.094 s and 0.207 s, 3 s chunks, FFTW, one thread) */
#define SEARCH_STEP_COST 0.46
#define MAX_POOLS 16       /* --pool files */
#define PATIENCE_REL 1e-4 /* --patience: the relative improvement that counts */
/* The pair's audio at the fit's peak, bytes per frame at 44.1 kHz: the files as read (a
 * stereo dry at most, the stereo wet) and the prepared pair (mono dry, stereo wet), float. */
#define PAIR_BYTES_PER_FRAME (7 * sizeof(float))

static const char usage[] = "vx-fit [options] PAIRS\n"
                            "       vx-fit [options] --dry DRY --wet WET";
static const char help[] =
    "Fit the DiffVox effects chain to a dry/wet pair: Adam on the training loss (multi-\n"
    "resolution STFT, sum/difference, level differences) with exact gradients, keeping the\n"
    "parameters of the lowest loss. PAIRS is a pair record file from vx-pair (- for stdin);\n"
    "with several records, -k picks one. The fit record goes to standard output.\n\n"
    "  -k, --pick WHICH      the pair of PAIRS: 0-based index, or its id or track\n"
    "      --dry FILE        dry (mono or stereo) recording, instead of PAIRS\n"
    "      --wet FILE        processed stereo recording, instead of PAIRS\n"
    "      --shift N         alignment shift for --dry/--wet (default: computed)\n"
    "      --as-is           use the audio exactly as given: no alignment, no loudness\n"
    "                        normalisation (it must already be prepared)\n"
    "  -n, --steps N         optimisation steps (default 2000; with --fast, 500 less its\n"
    "                        search's cost)\n"
    "      --fast            start from the preset of the lowest loss among the published\n"
    "                        ones (unless --init), then a schedule instead of DiffVox's\n"
    "                        constant learning rate: a warm-up, a cosine decay, and 10\n"
    "                        times the rate for the levels in dB (vx-fit(1))\n"
    "      --pool FILE       --fast's presets to start from (repeatable; default:\n"
    "                        presets/medleydb.ndjson and presets/internal.ndjson)\n"
    "      --patience N      stop when the best loss has not improved by 1e-4 relative in\n"
    "                        N steps\n"
    "      --lr X            Adam learning rate (default 0.01; with --fast, the peak: 0.04)\n"
    "  -b, --batch N         most chunks per step (default 35)\n"
    "  -s, --seed N          seed of the FDN's initial values and the batch draws (default 0)\n"
    "      --chunk S         chunk length in seconds (default 12)\n"
    "      --overlap S       leading part of each chunk left out of the loss (default 5)\n"
    "  -j, --threads N       threads (default: all cores)\n"
    "  -i, --init PRESET     start from this preset instead of DiffVox's initial values\n"
    "      --init-pick WHICH the preset of an --init set\n"
    "      --fx-defaults     an --init preset given as fx may leave fields out: DiffVox's\n"
    "                        initial values\n"
    "      --grad            print the loss, its parts and its gradient at the start, and exit\n"
    "      --memory          print the MB the fit needs (for a scheduler's request), and exit\n"
    "  -o, --output FILE     write the record to FILE\n"
    "      --log-dir DIR     also write DIR/<track>/run_N/fit.json (N = 0, 1, ...)\n"
    "  -q, --quiet           no progress line\n"
    "      --help, --version\n";

enum { OPT_DRY = 256, OPT_WET, OPT_SHIFT, OPT_ASIS, OPT_LR, OPT_CHUNK, OPT_OVERLAP, OPT_INITPICK,
       OPT_GRAD, OPT_LOGDIR, OPT_FXDEF, OPT_FAST, OPT_PATIENCE, OPT_MEMORY, OPT_POOL };

typedef struct {
    const char *pairs, *pick, *dry, *wet, *init, *init_pick, *output, *log_dir;
    const char *pool[MAX_POOLS];
    int npool;
    char pool_buf[2][4096]; /* the shipped sets' paths */
    long shift;
    int has_shift, as_is, grad, memory, quiet, threads, fast, patience, has_steps, has_lr;
    int preset_flags; /* vx_preset_load's, for --init */
    vx_fit_settings set;
} options;

static options parse(int argc, char **argv)
{
    static const struct option opts[] = {
        {"pick", required_argument, 0, 'k'}, {"dry", required_argument, 0, OPT_DRY},
        {"wet", required_argument, 0, OPT_WET}, {"shift", required_argument, 0, OPT_SHIFT},
        {"as-is", no_argument, 0, OPT_ASIS}, {"steps", required_argument, 0, 'n'},
        {"lr", required_argument, 0, OPT_LR}, {"batch", required_argument, 0, 'b'},
        {"seed", required_argument, 0, 's'}, {"chunk", required_argument, 0, OPT_CHUNK},
        {"overlap", required_argument, 0, OPT_OVERLAP}, {"threads", required_argument, 0, 'j'},
        {"init", required_argument, 0, 'i'}, {"init-pick", required_argument, 0, OPT_INITPICK},
        {"fx-defaults", no_argument, 0, OPT_FXDEF},
        {"grad", no_argument, 0, OPT_GRAD}, {"memory", no_argument, 0, OPT_MEMORY},
        {"output", required_argument, 0, 'o'},
        {"log-dir", required_argument, 0, OPT_LOGDIR}, {"quiet", no_argument, 0, 'q'},
        {"fast", no_argument, 0, OPT_FAST}, {"patience", required_argument, 0, OPT_PATIENCE},
        {"pool", required_argument, 0, OPT_POOL},
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    options o = {.set = vx_fit_defaults(), .output = "-"};
    int c;
    while ((c = getopt_long(argc, argv, "k:n:b:s:j:i:o:q", opts, NULL)) != -1) {
        switch (c) {
        case 'k': o.pick = optarg; break;
        case OPT_DRY: o.dry = optarg; break;
        case OPT_WET: o.wet = optarg; break;
        case OPT_SHIFT: o.shift = vx_cli_long("--shift", optarg, -100000000L, 100000000L, usage), o.has_shift = 1; break;
        case OPT_ASIS: o.as_is = 1; break;
        case 'n': o.set.steps = (int)vx_cli_long("--steps", optarg, 0, 10000000, usage), o.has_steps = 1; break;
        case OPT_FAST: o.fast = 1; break;
        case OPT_POOL:
            if (o.npool == MAX_POOLS)
                vx_usage_error(usage, "at most %d --pool files", MAX_POOLS);
            o.pool[o.npool++] = optarg;
            break;
        case OPT_PATIENCE: o.patience = (int)vx_cli_long("--patience", optarg, 1, 10000000, usage); break;
        case OPT_LR: o.set.lr = vx_cli_double("--lr", optarg, 1e-9, 10, usage), o.has_lr = 1; break;
        case 'b': o.set.batch = (int)vx_cli_long("--batch", optarg, 1, 10000, usage); break;
        case 's': o.set.seed = (uint64_t)vx_cli_long("--seed", optarg, 0, 0x7fffffffffffffffL, usage); break;
        case OPT_CHUNK: o.set.chunk_s = vx_cli_double("--chunk", optarg, 0.1, 3600, usage); break;
        case OPT_OVERLAP: o.set.overlap_s = vx_cli_double("--overlap", optarg, 0, 3600, usage); break;
        case 'j': o.threads = (int)vx_cli_long("--threads", optarg, 1, 1024, usage); break;
        case 'i': o.init = optarg; break;
        case OPT_INITPICK: o.init_pick = optarg; break;
        case OPT_FXDEF: o.preset_flags = VX_PRESET_FX_DEFAULTS; break;
        case OPT_GRAD: o.grad = 1; break;
        case OPT_MEMORY: o.memory = 1; break;
        case 'o': o.output = optarg; break;
        case OPT_LOGDIR: o.log_dir = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': vx_cli_common("--help", usage, help); break;
        case 'V': vx_cli_common("--version", usage, help); break;
        default: vx_cli_bad_option(argv, opts, usage);
        }
    }
    if (o.dry || o.wet) {
        if (!o.dry || !o.wet || optind != argc)
            vx_usage_error(usage, "--dry and --wet go together, without PAIRS");
    } else if (argc - optind != 1) {
        vx_usage_error(usage, "expected PAIRS, or --dry and --wet");
    } else {
        o.pairs = argv[optind];
    }
    if (o.fast && !o.has_steps)
        o.set.steps = FAST_STEPS; /* less the search's cost, once it is known (warm_start) */
    if (o.fast && !o.has_lr)
        o.set.lr = FAST_LR;
    if (o.npool && (!o.fast || o.init))
        vx_usage_error(usage, "--pool goes with --fast, without --init");
    if (o.set.overlap_s >= o.set.chunk_s)
        vx_usage_error(usage, "--overlap must be shorter than --chunk");
    return o;
}

/* The pair record to fit: from PAIRS, or made from --dry/--wet. */
static cJSON *pair_record(const options *o)
{
    vx_err e;
    if (o->dry) {
        cJSON *rec = cJSON_CreateObject();
        const char *base = strrchr(o->wet, '/');
        char track[4096];
        snprintf(track, sizeof track, "%s", base ? base + 1 : o->wet);
        char *dot = strrchr(track, '.');
        if (dot)
            *dot = 0;
        cJSON_AddStringToObject(rec, "type", "pair");
        cJSON_AddStringToObject(rec, "id", track);
        cJSON_AddStringToObject(rec, "track", track);
        cJSON_AddStringToObject(rec, "dry", o->dry);
        cJSON_AddStringToObject(rec, "wet", o->wet);
        if (o->has_shift)
            cJSON_AddNumberToObject(rec, "shift", (double)o->shift);
        return rec;
    }
    cJSON *rec;
    if (vx_ndjson_pick(o->pairs, o->pick, "pair", &rec, NULL, 0, &e))
        vx_die_err(&e);
    return rec;
}

static const char *str_field(const cJSON *rec, const char *key, const char *src)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);
    if (!cJSON_IsString(v))
        vx_die(VX_EXIT_DATA, "%s: the pair record has no \"%s\" path", src, key);
    return v->valuestring;
}

/* Loads and prepares the audio of the pair record; fills the record's measured fields. */
static void load_pair(const options *o, cJSON *rec, vx_pair *p)
{
    vx_err e;
    const char *src = o->pairs ? o->pairs : "--dry/--wet";
    vx_audio dry, wet;
    if (vx_audio_read(str_field(rec, "dry", src), NULL, (int)VX_FS, &dry, &e) ||
        vx_audio_read(str_field(rec, "wet", src), NULL, (int)VX_FS, &wet, &e))
        vx_die_err(&e);
    long shift = 0;
    int has_shift = vx_json_get_samples(rec, "shift", &shift, src, &e);
    if (has_shift < 0)
        vx_die_err(&e);
    int given = has_shift == 0 || o->as_is;
    vx_pair_crop crop;
    int has_crop = vx_pair_crop_read(rec, src, &crop, &e), recorded = has_crop;
    if (has_crop < 0)
        vx_die_err(&e);
    if (o->dry && given && vx_pair_crops(shift, (int)VX_FS)) /* --shift past the roll's margin */
        crop = vx_pair_overlap(dry.frames, wet.frames, shift), has_crop = 1;
    if (o->as_is) {
        /* audio as given: crop, mono dry, stereo wet, no roll, no gain */
        if (wet.channels != 2)
            vx_die(VX_EXIT_DATA, "%s: wet is %s; DiffVox targets are stereo", str_field(rec, "wet", src),
                   wet.channels == 1 ? "mono" : "not stereo");
        memset(p, 0, sizeof *p);
        p->frames = dry.frames < wet.frames ? dry.frames : wet.frames;
        p->rate = (int)VX_FS;
        p->dry = malloc(dry.frames * sizeof *p->dry);
        p->wet = malloc(2 * p->frames * sizeof *p->wet);
        if (!p->dry || !p->wet)
            vx_die(VX_EXIT_DATA, "out of memory");
        vx_audio_mixdown(&dry, p->dry);
        for (size_t t = 0; t < p->frames; t++)
            p->wet[t] = wet.data[2 * t], p->wet[p->frames + t] = wet.data[2 * t + 1];
    } else if (vx_pair_prepare(&dry, &wet, given ? &shift : NULL, has_crop ? &crop : NULL, -18.0,
                               p, &e)) {
        vx_die(VX_EXIT_DATA, "dry %s, wet %s: %s", str_field(rec, "dry", src),
               str_field(rec, "wet", src), e.msg);
    } else {
        cJSON_DeleteItemFromObjectCaseSensitive(rec, "shift");
        cJSON_AddNumberToObject(rec, "shift", (double)p->shift);
        cJSON_DeleteItemFromObjectCaseSensitive(rec, "crop");
        if (p->cropped)
            cJSON_AddItemToObject(rec, "crop", vx_pair_crop_json(&p->crop));
        char note[300];
        if (p->cropped && !recorded && !o->quiet && vx_pair_crop_note(p, note, sizeof note))
            fprintf(stderr, "%s: %s\n", vx_cli_name(), note);
        cJSON_DeleteItemFromObjectCaseSensitive(rec, "gain_dry_db");
        cJSON_AddNumberToObject(rec, "gain_dry_db", p->gain_dry_db);
        cJSON_DeleteItemFromObjectCaseSensitive(rec, "gain_wet_db");
        cJSON_AddNumberToObject(rec, "gain_wet_db", p->gain_wet_db);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(rec, "frames");
    cJSON_AddNumberToObject(rec, "frames", (double)p->frames);
    cJSON_DeleteItemFromObjectCaseSensitive(rec, "rate"); /* the rate fitted at: inputs resampled */
    cJSON_AddNumberToObject(rec, "rate", p->rate);
    vx_audio_free(&dry);
    vx_audio_free(&wet);
}

static void iso_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static cJSON *parts_json(const double *parts)
{
    static const char *names[VX_PARTS] = {"mss_lr", "mss_ms", "mldr_lr", "mldr_ms", "delay_reg"};
    cJSON *j = cJSON_CreateObject();
    for (int i = 0; i < VX_PARTS; i++)
        cJSON_AddItemToObject(j, names[i], vx_json_double(parts[i]));
    return j;
}

/* Where the record goes: -o (stdout for "-") and, with --log-dir, the run's fit.json. Both
 * are made before any work, so that a path that cannot be written costs nothing. */
typedef struct {
    FILE *main, *log;
} outputs;

static outputs open_outputs(const options *o, const cJSON *rec, int with_log)
{
    outputs out = {.main = vx_out_open(o->output)};
    if (!o->log_dir || !with_log)
        return out;
    vx_err e;
    char dir[4096], path[4200];
    const cJSON *track = cJSON_GetObjectItemCaseSensitive(rec, "track");
    if (!cJSON_IsString(track))
        track = cJSON_GetObjectItemCaseSensitive(rec, "id");
    if (vx_logdir_new_run(o->log_dir, cJSON_IsString(track) ? track->valuestring : "pair", dir,
                          sizeof dir, &e))
        vx_die_err(&e);
    vx_tmpfile_reserve_dir(dir); /* removed again if the fit fails */
    snprintf(path, sizeof path, "%s/fit.json", dir);
    out.log = vx_out_open(path);
    return out;
}

static void write_out(FILE *fp, const cJSON *rec)
{
    vx_out_record(fp, rec);
    vx_out_close(fp);
}

/* --grad: the loss and gradient at the starting point, one record. */
static void print_gradient(FILE *out, vx_fit *fit, const double *raw, cJSON *rec)
{
    vx_err e;
    vx_fit_eval ev;
    size_t *which;
    size_t n = vx_fit_draw_batch(fit, &which); /* more chunks than a batch: step 0's batch */
    if (vx_fit_evaluate(fit, raw, VX_ETA_RAW_INIT, which, n, &ev, &e))
        vx_die_err(&e);
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "type", "gradient");
    cJSON_AddItemToObject(g, "pair", rec);
    cJSON_AddItemToObject(g, "loss", vx_json_double(ev.loss));
    cJSON_AddItemToObject(g, "parts", parts_json(ev.parts));
    cJSON_AddItemToObject(g, "grad_raw", vx_json_array(ev.graw, VX_NRAW, 0));
    cJSON_AddItemToObject(g, "grad_eta", vx_json_double(ev.geta));
    cJSON_AddItemToObject(g, "raw", vx_json_array(raw, VX_NRAW, 0));
    cJSON_AddItemToObject(g, "eta_raw", vx_json_double(VX_ETA_RAW_INIT));
    cJSON_AddNumberToObject(g, "chunks", (double)n);
    if (which) { /* the batch's chunks, 0-based among the active ones */
        cJSON *b = cJSON_AddArrayToObject(g, "batch");
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(b, cJSON_CreateNumber((double)which[i]));
    }
    write_out(out, g);
    cJSON_Delete(g);
}

/* Stops before the fit starts when its memory (vx-fit(1): the memory model) will not fit. */
static void check_memory(const options *o)
{
    int threads = omp_get_max_threads();
    size_t need = vx_fit_memory(&o->set, threads);
    vx_err e;
    if (need && vx_memroom(need, &e))
        vx_die(VX_EXIT_DATA,
               "a fit with %d thread%s and %g s chunks needs about %.0f MB, but %s: "
               "use fewer threads (-j 1: about %.0f MB) or a shorter --chunk",
               threads, threads == 1 ? "" : "s", o->set.chunk_s, need / 1048576.0, e.msg,
               vx_fit_memory(&o->set, 1) / 1048576.0);
}

/* --memory: the fit's memory (vx_fit_memory) and its pair's audio, in MB rounded up. The
 * length is the record's "frames" (vx-pair writes it); without it the pair is loaded. */
static void print_memory(const options *o, cJSON *rec)
{
    vx_err e;
    long frames = -1;
    if (vx_json_get_samples(rec, "frames", &frames, o->pairs ? o->pairs : "--dry/--wet", &e) < 0)
        vx_die_err(&e);
    if (frames < 0) {
        vx_pair pair;
        load_pair(o, rec, &pair);
        frames = (long)pair.frames;
        vx_pair_free(&pair);
    }
    size_t need = vx_fit_memory(&o->set, omp_get_max_threads());
    if (!need)
        vx_die(VX_EXIT_DATA, "the chunk must be longer than the overlap by at least 2048 samples");
    printf("%.0f\n", ceil((double)(need + PAIR_BYTES_PER_FRAME * (size_t)frames) / 1048576.0));
}

/* --fast's start: the preset of --pool (the shipped sets) of the lowest loss on the
 * pair's middle chunk, screened with a fit of batch 1 (freed before the fit's own). */
static void warm_start(options *o, const vx_pair *p, double *raw, vx_warm_pick *pick)
{
    vx_err e;
    static const char *const shipped[] = {"medleydb.ndjson", "internal.ndjson"};
    for (int i = 0; !o->npool && i < 2; i++) {
        if (vx_shipped_path(shipped[i], o->pool_buf[i], sizeof o->pool_buf[i], &e))
            vx_die_err(&e);
        o->pool[i] = o->pool_buf[i];
    }
    if (!o->npool)
        o->npool = 2;
    vx_fit_settings one = o->set;
    one.batch = 1, one.steps = 0;
    vx_fit *screen = vx_fit_create(p->dry, p->wet, p->wet + p->frames, p->frames, &one, &e);
    if (!screen)
        vx_die(VX_EXIT_DATA, "%s: %s", o->pairs ? o->pairs : o->wet, e.msg);
    vx_progress("--fast: the loss of every preset of --pool on one chunk");
    if (vx_warm_pick_best(screen, o->pool, (size_t)o->npool, pick, &e))
        vx_die_err(&e);
    vx_progress_done();
    /* The search in steps: a step's work grows with its chunks, the search's does not. */
    size_t active = vx_fit_chunks_active(screen);
    size_t batch = active < (size_t)o->set.batch ? active : (size_t)o->set.batch;
    vx_fit_free(screen);
    if (!o->has_steps) {
        int cost = (int)ceil(SEARCH_STEP_COST * (double)pick->screened / (double)batch);
        o->set.steps = FAST_STEPS - cost > FAST_MIN_STEPS ? FAST_STEPS - cost : FAST_MIN_STEPS;
    }
    memcpy(raw, pick->raw, sizeof pick->raw);
}

static volatile sig_atomic_t stop_signal;

/* What watches the steps of a fit: progress line, signals, patience. */
typedef struct {
    const options *o;
    double t0, mark; /* start time; the best loss that --patience last counted as better */
    int mark_step;
    char reason[600];
    int normal; /* the reason is a normal end (patience), not a fault or a signal */
} watch;

/* After each step: the progress line; 1 (with w->reason) when the fit should end. */
static int watch_step(const vx_fit_progress *p, void *ctx)
{
    watch *w = ctx;
    const options *o = w->o;
    /* From here on there is a best state to write: a first SIGINT/SIGTERM stops the fit
     * after this step; before, and for a second signal, it ends the run at once. */
    vx_cli_stop_softly(1);
    double el = now_s() - w->t0, rate = p->step / el, left = (o->set.steps - p->step) / rate;
    /* steps are named 0-based, as lowest_step and DiffVox's losses[0] (the initial state) */
    vx_progress("step %d/%d  loss %.4f  best %.4f (step %d)  %.2f steps/s  %d:%02d left",
                p->step - 1, o->set.steps, p->loss, p->best_loss, p->best_step, rate,
                (int)left / 60, (int)left % 60);
    if (stop_signal) {
        snprintf(w->reason, sizeof w->reason, "interrupted by %s at step %d",
                 stop_signal == SIGINT ? "SIGINT" : "SIGTERM", p->step);
        return 1;
    }
    if (p->best_loss < w->mark * (1 - PATIENCE_REL) || w->mark_step < 0)
        w->mark = p->best_loss, w->mark_step = p->step;
    if (o->patience && p->step - w->mark_step >= o->patience) {
        snprintf(w->reason, sizeof w->reason,
                 "patience: the best loss did not improve by 1e-4 relative in %d steps (step %d)",
                 o->patience, p->step - 1);
        w->normal = 1;
        return 1;
    }
    return 0;
}

/* The optimisation: Adam steps, at --fast's schedule of learning rates or DiffVox's
 * constant one; returns the termination reason or NULL (*normal: the reason is not a
 * fault). */
static char *run(const options *o, vx_fit *fit, const double *raw, int *normal)
{
    vx_fit_start(fit, raw, VX_ETA_RAW_INIT);
    if (o->fast) {
        double scale[VX_NRAW + 1];
        vx_lr_scale_levels(FAST_LEVELS, scale);
        vx_fit_set_lr_scale(fit, scale);
    }
    watch w = {.o = o, .t0 = now_s(), .mark = INFINITY, .mark_step = -1};
    char *reason = NULL;
    vx_err e;
    vx_lr_schedule fast = {.peak = o->set.lr, .floor = 0,
                           .warmup = o->set.steps * FAST_WARMUP_PCT / 100,
                           .decay = o->set.steps * FAST_DECAY_PCT / 100, .steps = o->set.steps};
    for (int step = 0; step < o->set.steps && !stop_signal; step++) {
        vx_fit_progress p;
        if (o->fast)
            vx_fit_set_lr(fit, vx_lr_at(&fast, step));
        if (vx_fit_step(fit, &p, &e)) {
            snprintf(w.reason, sizeof w.reason, "stopped at step %d: %s", step, e.msg);
            reason = w.reason;
            break;
        }
        if (watch_step(&p, &w)) {
            reason = w.reason;
            break;
        }
    }
    if (!reason && stop_signal) {
        size_t n;
        vx_fit_losses(fit, &n);
        snprintf(w.reason, sizeof w.reason, "interrupted by %s at step %zu",
                 stop_signal == SIGINT ? "SIGINT" : "SIGTERM", n);
        reason = w.reason;
    }
    vx_cli_stop_softly(0);
    vx_progress_done();
    *normal = w.normal;
    return reason ? strdup(reason) : NULL;
}

/* settings.warm_start: which preset --fast started from, and its loss. */
static cJSON *warm_json(const options *o, const vx_warm_pick *w)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "pool", o->pool[w->set]);
    cJSON_AddNumberToObject(j, "index", (double)w->index);
    if (w->track[0])
        cJSON_AddStringToObject(j, "track", w->track);
    cJSON_AddItemToObject(j, "loss", vx_json_double(w->loss));
    cJSON_AddNumberToObject(j, "screened", (double)w->screened);
    cJSON_AddNumberToObject(j, "chunk", (double)w->chunk);
    return j;
}

static cJSON *settings_json(const options *o, const vx_fit *fit, const vx_warm_pick *warm)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "steps", o->set.steps);
    cJSON_AddNumberToObject(s, "lr", o->set.lr);
    cJSON_AddStringToObject(s, "method", o->fast ? "adam-warmup-cosine" : "adam");
    if (o->fast)
        cJSON_AddNumberToObject(s, "lr_levels", FAST_LEVELS * o->set.lr);
    if (o->patience)
        cJSON_AddNumberToObject(s, "patience", o->patience);
    cJSON_AddNumberToObject(s, "batch", o->set.batch);
    cJSON_AddNumberToObject(s, "seed", (double)o->set.seed);
    cJSON_AddNumberToObject(s, "chunk", o->set.chunk_s);
    cJSON_AddNumberToObject(s, "overlap", o->set.overlap_s);
    cJSON_AddNumberToObject(s, "threads", o->threads ? o->threads : omp_get_max_threads());
    cJSON_AddNumberToObject(s, "chunks", (double)vx_fit_chunks_total(fit));
    cJSON_AddNumberToObject(s, "active_chunks", (double)vx_fit_chunks_active(fit));
    cJSON_AddBoolToObject(s, "as_is", o->as_is);
    if (o->init)
        cJSON_AddStringToObject(s, "init", o->init);
    if (warm)
        cJSON_AddItemToObject(s, "warm_start", warm_json(o, warm));
    return s;
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, &stop_signal);
    options o = parse(argc, argv);
    vx_progress_quiet(o.quiet);
    if (o.threads)
        omp_set_num_threads(o.threads);
    vx_err e;
    double raw[VX_NRAW];
    if (o.init) {
        if (vx_preset_load(o.init, o.init_pick, o.preset_flags, raw, NULL, &e))
            vx_die_err(&e);
    } else {
        vx_fit_initial(o.set.seed, raw);
    }
    if (o.memory) {
        cJSON *rec = pair_record(&o);
        print_memory(&o, rec);
        cJSON_Delete(rec);
        return 0;
    }
    check_memory(&o); /* before any work, and again with the audio loaded */
    cJSON *rec = pair_record(&o);
    outputs out = open_outputs(&o, rec, !o.grad);
    vx_pair pair;
    load_pair(&o, rec, &pair);
    check_memory(&o);
    vx_warm_pick warm;
    int warmed = o.fast && !o.init;
    if (warmed)
        warm_start(&o, &pair, raw, &warm);
    vx_fit *fit = vx_fit_create(pair.dry, pair.wet, pair.wet + pair.frames, pair.frames, &o.set, &e);
    if (!fit)
        vx_die(VX_EXIT_DATA, "%s: %s", o.pairs ? o.pairs : o.wet, e.msg);
    if (o.grad) {
        print_gradient(out.main, fit, raw, rec); /* the gradient record takes over rec */
        vx_fit_free(fit);
        vx_pair_free(&pair);
        return 0;
    }
    char started[32], finished[32];
    iso_now(started, sizeof started);
    int normal;
    char *reason = run(&o, fit, raw, &normal);
    iso_now(finished, sizeof finished);

    double eta_raw;
    const double *best = vx_fit_best(fit, &eta_raw);
    size_t nloss;
    const double *losses = vx_fit_losses(fit, &nloss);
    vx_preset_put(rec, nloss ? best : raw, 0); /* "raw" and "fx" as a preset has them */
    cJSON_ReplaceItemInObjectCaseSensitive(rec, "type", cJSON_CreateString("fit"));
    cJSON_AddItemToObject(rec, "eta", vx_json_double(-log1p(exp(eta_raw))));
    cJSON_AddItemToObject(rec, "losses", vx_json_array(losses, (int)nloss, 0));
    double lowest = INFINITY;
    int lowest_step = -1;
    for (size_t i = 0; i < nloss; i++)
        if (losses[i] < lowest)
            lowest = losses[i], lowest_step = (int)i;
    cJSON_AddItemToObject(rec, "lowest_loss", nloss ? vx_json_double(lowest) : cJSON_CreateNull());
    cJSON_AddNumberToObject(rec, "lowest_step", lowest_step);
    cJSON_AddItemToObject(rec, "terminated_by", reason ? cJSON_CreateString(reason) : cJSON_CreateNull());
    cJSON_AddStringToObject(rec, "started", started);
    cJSON_AddStringToObject(rec, "finished", finished);
    cJSON_AddItemToObject(rec, "settings", settings_json(&o, fit, warmed ? &warm : NULL));
    if (out.log)
        write_out(out.log, rec);
    write_out(out.main, rec);
    int status = VX_EXIT_OK;
    if (reason && !normal) {
        fprintf(stderr, "%s: %s: wrote the best state (step %d, loss %.6g)\n", vx_cli_name(), reason,
                lowest_step, lowest);
        status = stop_signal ? 128 + stop_signal : VX_EXIT_DATA;
    }
    free(reason);
    cJSON_Delete(rec);
    vx_fit_free(fit);
    vx_pair_free(&pair);
    return status;
}
