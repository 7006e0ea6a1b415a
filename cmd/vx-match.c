/* vx-match: give a dry vocal the effects of a reference recording (spec/pipeline.md §8):
 * inference-time optimisation of the preset with the Gaussian prior, or its baselines. */
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/audio.h"
#include "io/cli.h"
#include "io/ndjson.h"
#include "io/pick.h"
#include "io/shipped.h"
#include "loudness.h"
#include "pair.h"
#include "pair_record.h"
#include "preset.h"
#include "score.h"
#include "stats/gauss.h"
#include "stats/mask.h"
#include "stats/prior.h"
#include "style/match.h"

static const char usage[] = "vx-match [options] DRY REFERENCE\n"
                            "       vx-match --eval [options] [--truth PRESET] (PAIRS [-k WHICH] | --dry DRY --wet WET)";
static const char help[] =
    "Find the DiffVox preset that gives the dry vocal DRY the effects heard in REFERENCE, a\n"
    "different processed (stereo) vocal: Adam on the angles between style embeddings of the\n"
    "dry rendered through the preset and of the reference, with the Gaussian prior of the\n"
    "published presets pulling towards typical presets (ITO). The preset record goes to\n"
    "standard output; vx-render -p takes it. Files or - (raw float32 at 44.1 kHz: the dry\n"
    "mono, the reference stereo).\n\n"
    "      --method M        ito (default), nn (the preset of --pool nearest in embedding\n"
    "                        space) or mean (the prior's mean)\n"
    "      --prior FILE      gaussian record of the prior (default: presets/internal-gaussian.json)\n"
    "      --pool FILE       presets for --method nn (default: presets/internal.ndjson, its\n"
    "                        training rows)\n"
    "  -a, --alpha X         weight of the prior's log-density (default 0.01)\n"
    "  -e, --encoder E       mfcc (default) or mir\n"
    "  -n, --steps N         Adam steps (default 1000)\n"
    "      --lr X            Adam learning rate (default 0.01)\n"
    "  -b, --batch N         most query chunks per step, drawn with --seed (default 2; --eval:\n"
    "                        every query, as the paper)\n"
    "      --chunk S         chunk length in seconds (default 11)\n"
    "  -s, --seed N          seed of the query draws (default 0)\n"
    "  -j, --threads N       threads (default: all cores)\n"
    "      --eval            the paper's evaluation on one dry/wet pair: references = the wet's\n"
    "                        active chunks 0, 2, ..., queries = the dry's chunks 1, 3, ...;\n"
    "                        adds the losses of the whole track rendered with the result\n"
    "  -k, --pick WHICH      the pair of PAIRS (--eval)\n"
    "      --dry FILE, --wet FILE  the pair, instead of PAIRS (--eval)\n"
    "      --truth PRESET    with --eval: also param_mse to this preset (a set: the record\n"
    "                        of the pair's id or track, or --truth-pick's)\n"
    "      --truth-pick WHICH  the preset of a --truth set: index or track name\n"
    "      --grad            print the objective, its parts and its gradient at the start, and exit\n"
    "  -o, --output FILE     write the record to FILE\n"
    "  -q, --quiet           no progress line\n"
    "      --help, --version\n";

enum { OPT_METHOD = 256, OPT_PRIOR, OPT_POOL, OPT_LR, OPT_CHUNK, OPT_EVAL, OPT_DRY, OPT_WET,
       OPT_TRUTH, OPT_TRUTH_PICK, OPT_GRAD };

typedef enum { METHOD_ITO, METHOD_NN, METHOD_MEAN } method;
static const char *const method_names[] = {"ito", "nn", "mean"};

typedef struct {
    method how;
    const char *prior, *pool, *pick, *dry, *wet, *pairs, *truth, *truth_pick, *output;
    int eval, grad, quiet, threads, has_batch;
    vx_match_settings set;
    char prior_buf[4096], pool_buf[4096];
} options;

static void parse(int argc, char **argv, options *o)
{
    static const struct option opts[] = {
        {"method", required_argument, 0, OPT_METHOD}, {"prior", required_argument, 0, OPT_PRIOR},
        {"pool", required_argument, 0, OPT_POOL}, {"alpha", required_argument, 0, 'a'},
        {"encoder", required_argument, 0, 'e'}, {"steps", required_argument, 0, 'n'},
        {"lr", required_argument, 0, OPT_LR}, {"batch", required_argument, 0, 'b'},
        {"chunk", required_argument, 0, OPT_CHUNK}, {"seed", required_argument, 0, 's'},
        {"threads", required_argument, 0, 'j'}, {"eval", no_argument, 0, OPT_EVAL},
        {"pick", required_argument, 0, 'k'}, {"dry", required_argument, 0, OPT_DRY},
        {"wet", required_argument, 0, OPT_WET}, {"truth", required_argument, 0, OPT_TRUTH},
        {"truth-pick", required_argument, 0, OPT_TRUTH_PICK},
        {"grad", no_argument, 0, OPT_GRAD}, {"output", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->set = vx_match_defaults();
    o->set.batch = 2;
    o->output = "-";
    int c;
    while ((c = getopt_long(argc, argv, "a:e:n:b:s:j:k:o:q", opts, NULL)) != -1) {
        switch (c) {
        case OPT_METHOD: {
            int k = 0;
            while (k < 3 && strcmp(optarg, method_names[k]))
                k++;
            if (k == 3)
                vx_usage_error(usage, "--method must be ito, nn or mean, not '%s'", optarg);
            o->how = (method)k;
            break;
        }
        case OPT_PRIOR: o->prior = optarg; break;
        case OPT_POOL: o->pool = optarg; break;
        case 'a': o->set.alpha = vx_cli_double("--alpha", optarg, 0, 1e6, usage); break;
        case 'e':
            if (vx_encoder_parse(optarg, &o->set.enc))
                vx_usage_error(usage, "--encoder must be mfcc or mir, not '%s'", optarg);
            break;
        case 'n': o->set.steps = (int)vx_cli_long("--steps", optarg, 0, 10000000, usage); break;
        case OPT_LR: o->set.lr = vx_cli_double("--lr", optarg, 1e-9, 10, usage); break;
        case 'b': o->set.batch = (int)vx_cli_long("--batch", optarg, 1, 100000, usage), o->has_batch = 1; break;
        case OPT_CHUNK: o->set.chunk_s = vx_cli_double("--chunk", optarg, 0.1, 3600, usage); break;
        case 's': o->set.seed = (uint64_t)vx_cli_long("--seed", optarg, 0, 0x7fffffffffffffffL, usage); break;
        case 'j': o->threads = (int)vx_cli_long("--threads", optarg, 1, 1024, usage); break;
        case OPT_EVAL: o->eval = 1; break;
        case 'k': o->pick = optarg; break;
        case OPT_DRY: o->dry = optarg; break;
        case OPT_WET: o->wet = optarg; break;
        case OPT_TRUTH: o->truth = optarg; break;
        case OPT_TRUTH_PICK: o->truth_pick = optarg; break;
        case OPT_GRAD: o->grad = 1; break;
        case 'o': o->output = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': vx_cli_common("--help", usage, help); break;
        case 'V': vx_cli_common("--version", usage, help); break;
        default: vx_cli_bad_option(argv, opts, usage);
        }
    }
    int rest = argc - optind;
    if (!o->eval) {
        if (o->pick || o->dry || o->wet || o->truth)
            vx_usage_error(usage, "-k, --dry, --wet and --truth go with --eval");
        if (rest != 2)
            vx_usage_error(usage, "expected DRY and REFERENCE");
        o->dry = argv[optind], o->wet = argv[optind + 1];
        if (!strcmp(o->dry, "-") && !strcmp(o->wet, "-"))
            vx_usage_error(usage, "DRY and REFERENCE cannot both be standard input");
    } else if (o->dry || o->wet) {
        if (!o->dry || !o->wet || rest != 0 || o->pick)
            vx_usage_error(usage, "--dry and --wet go together, without PAIRS or -k");
    } else if (rest != 1) {
        vx_usage_error(usage, "expected PAIRS, or --dry and --wet");
    } else {
        o->pairs = argv[optind];
    }
    if (o->eval && !o->has_batch)
        o->set.batch = 0;
    if (o->truth_pick && !o->truth)
        vx_usage_error(usage, "--truth-pick goes with --truth");
    if (o->pool && o->how != METHOD_NN)
        vx_usage_error(usage, "--pool goes with --method nn");
}

/* A shipped file for an option left out, or the option's value. */
static const char *shipped(const char *given, const char *name, char *buf, size_t n)
{
    vx_err e;
    if (given)
        return given;
    if (vx_shipped_path(name, buf, n, &e))
        vx_die_err(&e);
    return buf;
}

/* The audio a match works on: the dry mono, the reference (wet) planar stereo, at -18 LUFS;
 * for --eval the prepared pair itself (its dry and wet), kept for the scores. */
typedef struct {
    float *dry, *ref_l, *ref_r;
    size_t dry_frames, ref_frames;
    vx_pair pair; /* --eval */
    cJSON *rec;   /* the record the output grows from */
} material;

/* One input at 44.1 kHz with `want` channels for "-"; a wrong rate is an error. */
static void read_input(const char *path, int channels, vx_audio *a)
{
    vx_err e;
    vx_stream_fmt fmt = {(int)VX_FS, channels};
    if (vx_audio_read(path, &fmt, 0, a, &e))
        vx_die_err(&e);
    if (a->rate != (int)VX_FS)
        vx_die(VX_EXIT_DATA, "%s: the sample rate is %d Hz; DiffVox works at 44100 Hz (resample "
               "first, e.g. sox IN -r 44100 OUT)", path, a->rate);
}

/* Scales x (nchan interleaved or planar, the same for loudness) to -18 LUFS. */
static void normalise(const char *path, float *x, size_t nchan, size_t frames, int interleaved_stereo)
{
    vx_err e;
    double lufs = 0, gain;
    float *il = x;
    if (nchan == 2 && !interleaved_stereo) { /* planar: measure on an interleaved copy */
        il = malloc(2 * frames * sizeof *il);
        if (!il)
            vx_die(VX_EXIT_DATA, "out of memory");
        for (size_t t = 0; t < frames; t++)
            il[2 * t] = x[t], il[2 * t + 1] = x[frames + t];
    }
    if (vx_loudness_integrated(il, nchan, frames, VX_FS, &lufs, &e) ||
        vx_loudness_gain(lufs, VX_PAIR_TARGET_LUFS, &gain, &e))
        vx_die(VX_EXIT_DATA, "%s: %s", path, isinf(lufs) ? "the signal is silent" : e.msg);
    if (il != x)
        free(il);
    for (size_t t = 0; t < nchan * frames; t++)
        x[t] = (float)(x[t] * gain);
}

/* DRY REFERENCE: mono dry, stereo reference, each at -18 LUFS (§8.1). */
static void load_transfer(const options *o, material *m)
{
    vx_audio dry, ref;
    read_input(o->dry, 1, &dry);
    read_input(o->wet, 2, &ref);
    if (ref.channels != 2)
        vx_die(VX_EXIT_DATA, "%s: the reference is %s; a style reference must be stereo (its "
               "side channel is half of the style)", o->wet, ref.channels == 1 ? "mono" : "not stereo");
    m->dry_frames = dry.frames, m->ref_frames = ref.frames;
    m->dry = malloc(dry.frames * sizeof *m->dry);
    m->ref_l = malloc(2 * ref.frames * sizeof *m->ref_l);
    if (!m->dry || !m->ref_l)
        vx_die(VX_EXIT_DATA, "out of memory");
    m->ref_r = m->ref_l + ref.frames;
    vx_audio_mixdown(&dry, m->dry);
    for (size_t t = 0; t < ref.frames; t++)
        m->ref_l[t] = ref.data[2 * t], m->ref_r[t] = ref.data[2 * t + 1];
    normalise(o->dry, m->dry, 1, m->dry_frames, 0);
    normalise(o->wet, m->ref_l, 2, m->ref_frames, 0);
    vx_audio_free(&dry);
    vx_audio_free(&ref);
    m->rec = cJSON_CreateObject();
    cJSON_AddStringToObject(m->rec, "dry", o->dry);
    cJSON_AddStringToObject(m->rec, "reference", o->wet);
}

static const char *str_field(const cJSON *rec, const char *key, const char *src)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);
    if (!cJSON_IsString(v))
        vx_die(VX_EXIT_DATA, "%s: the pair record has no \"%s\" path", src, key);
    return v->valuestring;
}

/* --eval: the pair prepared as loss_eval does (stored shift or alignment, mono dry, -18 LUFS). */
static void load_eval(const options *o, material *m)
{
    vx_err e;
    const char *src = o->pairs ? o->pairs : "--dry/--wet";
    if (o->pairs) {
        if (vx_ndjson_pick(o->pairs, o->pick, "pair", &m->rec, NULL, 0, &e))
            vx_die_err(&e);
    } else {
        m->rec = cJSON_CreateObject();
        cJSON_AddStringToObject(m->rec, "dry", o->dry);
        cJSON_AddStringToObject(m->rec, "wet", o->wet);
    }
    vx_audio dry, wet;
    read_input(str_field(m->rec, "dry", src), 1, &dry);
    read_input(str_field(m->rec, "wet", src), 2, &wet);
    long shift = 0;
    int has_shift = vx_json_get_samples(m->rec, "shift", &shift, src, &e);
    vx_pair_crop crop;
    int has_crop = vx_pair_crop_read(m->rec, src, &crop, &e);
    if (has_shift < 0 || has_crop < 0)
        vx_die_err(&e);
    if (vx_pair_prepare(&dry, &wet, has_shift ? &shift : NULL, has_crop ? &crop : NULL,
                        VX_PAIR_TARGET_LUFS, &m->pair, &e))
        vx_die(VX_EXIT_DATA, "dry %s, wet %s: %s", str_field(m->rec, "dry", src),
               str_field(m->rec, "wet", src), e.msg);
    vx_audio_free(&dry);
    vx_audio_free(&wet);
    m->dry = m->pair.dry, m->ref_l = m->pair.wet, m->ref_r = m->pair.wet + m->pair.frames;
    m->dry_frames = m->ref_frames = m->pair.frames;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile sig_atomic_t stop_signal;

/* Adam steps with the progress line; a first SIGINT/SIGTERM ends them after the current
 * step. Returns the termination reason (static) or NULL. */
static const char *run_ito(const options *o, vx_match *m, const double *x0)
{
    static char reason[600];
    vx_match_start(m, x0);
    double t0 = now_s();
    vx_cli_stop_softly(1);
    for (int step = 0; step < o->set.steps; step++) {
        vx_match_progress p;
        vx_err e;
        if (vx_match_step(m, &p, &e)) {
            snprintf(reason, sizeof reason, "stopped at step %d: %s", step, e.msg);
            break;
        }
        double el = now_s() - t0, rate = p.step / el, left = (o->set.steps - p.step) / rate;
        vx_progress("step %d/%d  objective %.4f (loglik %.4f, log prior %.2f)  %.2f steps/s  %d:%02d left",
                    p.step, o->set.steps, p.objective, p.loglik, p.logp, rate, (int)left / 60,
                    (int)left % 60);
        if (stop_signal) {
            snprintf(reason, sizeof reason, "interrupted by %s at step %d",
                     stop_signal == SIGINT ? "SIGINT" : "SIGTERM", p.step);
            break;
        }
    }
    vx_cli_stop_softly(0);
    vx_progress_done();
    return reason[0] ? reason : NULL;
}

/* nn: the pool's presets (masked, W's lower triangle dropped) and the nearest one. */
static void run_nn(const options *o, vx_match *m, double *x, cJSON *match)
{
    vx_err e;
    vx_ndjson_reader *r = vx_ndjson_open(o->pool, &e);
    if (!r)
        vx_die_err(&e);
    unsigned char mask[VX_NRAW];
    vx_params_mask(mask);
    double *cand = NULL;
    cJSON **recs = NULL;
    size_t n = 0;
    cJSON *rec;
    int rc;
    while ((rc = vx_ndjson_next(r, &rec, &e)) > 0) {
        const cJSON *train = cJSON_GetObjectItemCaseSensitive(rec, "train");
        double raw[VX_NRAW];
        if (cJSON_IsFalse(train)) { /* the default pool is the Gaussian's training rows */
            cJSON_Delete(rec);
            continue;
        }
        if (vx_preset_parse(rec, vx_ndjson_where(r), 0, raw, &e))
            vx_die_err(&e);
        cand = realloc(cand, (n + 1) * VX_NMASK * sizeof *cand);
        recs = realloc(recs, (n + 1) * sizeof *recs);
        if (!cand || !recs)
            vx_die(VX_EXIT_DATA, "out of memory");
        vx_mask_pick(mask, raw, cand + n * VX_NMASK);
        recs[n++] = rec;
    }
    if (rc < 0)
        vx_die_err(&e);
    vx_ndjson_close(r);
    if (n == 0)
        vx_die(VX_EXIT_DATA, "%s: no preset in the pool", o->pool);
    double ll;
    long best = vx_match_nearest(m, cand, n, &ll, &e);
    if (best < 0)
        vx_die_err(&e);
    memcpy(x, cand + best * VX_NMASK, VX_NMASK * sizeof *x);
    cJSON_AddStringToObject(match, "pool", o->pool);
    cJSON_AddNumberToObject(match, "pool_size", (double)n);
    const cJSON *track = cJSON_GetObjectItemCaseSensitive(recs[best], "track");
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(recs[best], "index");
    if (cJSON_IsString(track))
        cJSON_AddStringToObject(match, "nearest_track", track->valuestring);
    if (cJSON_IsNumber(index))
        cJSON_AddNumberToObject(match, "nearest_index", index->valuedouble);
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(recs[i]);
    free(recs), free(cand);
}

/* --grad: the objective, its parts and its gradient at x, one record. */
static void print_gradient(FILE *out, vx_match *m, const double *x, const options *o)
{
    vx_err e;
    vx_objective_eval ev;
    if (vx_objective_evaluate(vx_match_objective(m), x, NULL, 0, 1, &ev, &e))
        vx_die_err(&e);
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "type", "gradient");
    cJSON_AddStringToObject(g, "encoder", vx_encoder_name(o->set.enc));
    cJSON_AddItemToObject(g, "alpha", vx_json_double(o->set.alpha));
    cJSON_AddItemToObject(g, "objective", vx_json_double(ev.objective));
    cJSON_AddItemToObject(g, "loglik", vx_json_double(ev.loglik));
    cJSON_AddItemToObject(g, "logp", vx_json_double(ev.logp));
    cJSON_AddItemToObject(g, "rms_angle", vx_json_array(ev.sigma, 2, 0));
    cJSON_AddItemToObject(g, "grad", vx_json_array(ev.grad, VX_NMASK, 0));
    cJSON_AddItemToObject(g, "x", vx_json_array(x, VX_NMASK, 0));
    cJSON_AddNumberToObject(g, "references", (double)vx_match_references(m));
    cJSON_AddNumberToObject(g, "queries", (double)vx_match_queries(m));
    vx_out_record(out, g);
    vx_out_close(out);
    cJSON_Delete(g);
}

/* --truth's masked values: its preset (of a set: --truth-pick's, or the pair's id or track). */
static void load_truth(const options *o, const material *mt, double *tx)
{
    vx_err e;
    double truth[VX_NRAW];
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(mt->rec, "id");
    if (!cJSON_IsString(id))
        id = cJSON_GetObjectItemCaseSensitive(mt->rec, "track");
    const char *which = o->truth_pick ? o->truth_pick : cJSON_IsString(id) ? id->valuestring : NULL;
    if (vx_preset_load(o->truth, which, 0, truth, NULL, &e))
        vx_die(VX_EXIT_DATA, "--truth: %s", e.msg);
    unsigned char mask[VX_NRAW];
    vx_params_mask(mask);
    vx_mask_pick(mask, truth, tx);
}

/* --eval: the four losses of the whole track rendered with raw, and param_mse to tx. */
static void add_eval(const material *mt, const double *raw, const double *x, const double *tx,
                     cJSON *match)
{
    vx_err e;
    vx_fx fx;
    vx_loss_parts parts;
    vx_params_to_fx(raw, 0, &fx);
    if (vx_score_pair(&mt->pair, &fx, &parts, &e))
        vx_die(VX_EXIT_DATA, "scoring the result: %s", e.msg);
    cJSON *s = cJSON_AddObjectToObject(match, "scores");
    cJSON_AddItemToObject(s, "mss_lr", vx_json_double(parts.mss_lr));
    cJSON_AddItemToObject(s, "mss_ms", vx_json_double(parts.mss_ms));
    cJSON_AddItemToObject(s, "mldr_lr", vx_json_double(parts.mldr_lr));
    cJSON_AddItemToObject(s, "mldr_ms", vx_json_double(parts.mldr_ms));
    if (!tx)
        return;
    double mse = 0;
    for (int k = 0; k < VX_NMASK; k++)
        mse += (x[k] - tx[k]) * (x[k] - tx[k]);
    cJSON_AddItemToObject(s, "param_mse", vx_json_double(mse / VX_NMASK));
}

static cJSON *match_json(const options *o, vx_match *m)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "method", method_names[o->how]);
    cJSON_AddStringToObject(j, "encoder", vx_encoder_name(o->set.enc));
    cJSON_AddItemToObject(j, "alpha", vx_json_double(o->set.alpha));
    cJSON_AddStringToObject(j, "prior", o->prior);
    if (o->how == METHOD_ITO) {
        cJSON_AddNumberToObject(j, "steps", o->set.steps);
        cJSON_AddNumberToObject(j, "lr", o->set.lr);
        cJSON_AddNumberToObject(j, "batch", o->set.batch ? o->set.batch : (double)vx_match_queries(m));
        cJSON_AddNumberToObject(j, "seed", (double)o->set.seed);
    }
    cJSON_AddNumberToObject(j, "chunk", o->set.chunk_s);
    cJSON_AddNumberToObject(j, "threads", o->threads ? o->threads : omp_get_max_threads());
    cJSON_AddNumberToObject(j, "references", (double)vx_match_references(m));
    cJSON_AddNumberToObject(j, "queries", (double)vx_match_queries(m));
    cJSON_AddItemToObject(j, "peak_scale", vx_json_double(vx_objective_peak_scale(vx_match_objective(m))));
    cJSON_AddBoolToObject(j, "eval", o->eval);
    return j;
}

/* What main holds at its end, freed (so that make sanitize's leak check sees no leak). */
static void release(const options *o, material *mt, vx_match *m, vx_gauss *g)
{
    cJSON_Delete(mt->rec);
    vx_match_free(m);
    vx_gauss_free(g);
    if (o->eval)
        vx_pair_free(&mt->pair);
    else
        free(mt->dry), free(mt->ref_l);
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, &stop_signal);
    options o;
    parse(argc, argv, &o);
    vx_progress_quiet(o.quiet);
    if (o.threads)
        omp_set_num_threads(o.threads);
    vx_err e;
    o.prior = shipped(o.prior, "internal-gaussian.json", o.prior_buf, sizeof o.prior_buf);
    if (o.how == METHOD_NN)
        o.pool = shipped(o.pool, "internal.ndjson", o.pool_buf, sizeof o.pool_buf);
    vx_gauss *g = vx_gauss_load(o.prior, &e);
    if (!g)
        vx_die(VX_EXIT_DATA, "%s: %s", o.prior, e.msg);
    if (g->dim != VX_NMASK)
        vx_die(VX_EXIT_DATA, "%s: the prior is over %d values; vx-match needs DiffVox's %d masked "
               "values (a vx-gauss record of presets)", o.prior, g->dim, VX_NMASK);
    vx_prior *check = vx_prior_create(g, &e); /* a singular covariance: before any work */
    if (!check)
        vx_die(VX_EXIT_DATA, "%s: %s", o.prior, e.msg);
    vx_prior_free(check);
    material mt = {0};
    double truth[VX_NMASK];
    if (o.eval)
        load_eval(&o, &mt);
    else
        load_transfer(&o, &mt);
    if (o.truth)
        load_truth(&o, &mt, truth);
    FILE *out = vx_out_open(o.output); /* after the inputs, before the work */
    double t0 = now_s();
    vx_match *m = vx_match_create(mt.dry, mt.dry_frames, mt.ref_l, mt.ref_r, mt.ref_frames,
                                  o.eval ? VX_MATCH_EVAL : VX_MATCH_TRANSFER, g, &o.set, &e);
    if (!m)
        vx_die(VX_EXIT_DATA, "%s: %s", o.eval ? (o.pairs ? o.pairs : o.wet) : o.wet, e.msg);
    /* ITO starts where the original does: at the prior's mean as float32 (the shipped
     * Gaussians keep its shortest decimals). MIR's objective is rough at the 1e-8 scale
     * that separates the two, so starting elsewhere moves its first gradient. */
    double start[VX_NMASK];
    for (int k = 0; k < VX_NMASK; k++)
        start[k] = (float)g->mean[k];
    if (o.grad) {
        print_gradient(out, m, start, &o);
        release(&o, &mt, m, g);
        return 0;
    }
    cJSON *match = match_json(&o, m);
    double x[VX_NMASK];
    memcpy(x, g->mean, sizeof x);
    const char *reason = NULL;
    if (o.how == METHOD_ITO) {
        reason = run_ito(&o, m, start);
        memcpy(x, vx_match_x(m), sizeof x);
        size_t n;
        const double *losses = vx_match_losses(m, &n);
        cJSON_AddItemToObject(match, "losses", vx_json_array(losses, (int)n, 0));
    } else if (o.how == METHOD_NN) {
        run_nn(&o, m, x, match);
    }
    vx_objective_eval ev; /* the result over every query */
    if (vx_objective_evaluate(vx_match_objective(m), x, NULL, 0, 0, &ev, &e))
        vx_die_err(&e);
    cJSON_AddItemToObject(match, "objective", vx_json_double(ev.objective));
    cJSON_AddItemToObject(match, "loglik", vx_json_double(ev.loglik));
    cJSON_AddItemToObject(match, "logp", vx_json_double(ev.logp));
    cJSON_AddItemToObject(match, "rms_angle", vx_json_array(ev.sigma, 2, 0));
    double raw[VX_NRAW];
    vx_mask_spread(g->mask, x, raw);
    if (o.eval)
        add_eval(&mt, raw, x, o.truth ? truth : NULL, match);
    cJSON_AddItemToObject(match, "seconds", vx_json_double(now_s() - t0));
    cJSON_AddItemToObject(match, "terminated_by", reason ? cJSON_CreateString(reason) : cJSON_CreateNull());
    cJSON *rec = mt.rec;
    if (vx_preset_put(rec, raw, 0) || vx_preset_validate(raw, "result", &e))
        vx_die(VX_EXIT_DATA, "the result is not a valid preset: %s", e.msg);
    cJSON_AddItemToObject(rec, "match", match);
    vx_out_record(out, rec);
    vx_out_close(out);
    int status = VX_EXIT_OK;
    if (reason) {
        fprintf(stderr, "%s: %s: wrote the state of the last step\n", vx_cli_name(), reason);
        status = stop_signal ? 128 + stop_signal : VX_EXIT_DATA;
    }
    release(&o, &mt, m, g);
    return status;
}
