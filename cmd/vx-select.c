/* vx-select: keep the fits that passed DiffVox's selection criteria and write them as
 * presets (spec/pipeline.md §4: latest run per track, date window, four criteria). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "isotime.h"
#include "io/logdir.h"
#include "io/ndjson.h"
#include "preset.h"
#include "select.h"

static const char usage[] = "vx-select [options] [FITS...]\n"
                            "       vx-select [options] --log-dir DIR";
static const char help[] =
    "Select finished fits as presets. Fit records come from FITS (NDJSON; none or - is\n"
    "standard input) or from DIR/<track>/run_<N>/fit.json at any depth. Per track only\n"
    "the latest run counts (largest N in a log folder, latest \"finished\" in a stream);\n"
    "it becomes a preset unless, in this order, it was terminated, its lowest loss is\n"
    "above --loss-thresh, its first loss beats every later one (not converged), or the\n"
    "median step-to-step change of its loss is above --fluc-thresh.\n\n"
    "  -d, --log-dir DIR        read the runs under DIR\n"
    "      --loss-thresh X      reject fits whose lowest loss is above X (default 4.0)\n"
    "      --fluc-thresh X      reject fits whose median |loss change| is above X\n"
    "                           (default inf: never)\n"
    "      --include-all        keep every latest run, whatever the criteria say\n"
    "      --since DATE         only fits finished at or after DATE (ISO 8601, UTC unless\n"
    "      --until DATE         a zone is given) and strictly before --until DATE\n"
    "      --dataset NAME       write \"dataset\":NAME into the presets\n"
    "      --rejected FILE      write the rejected fits with \"reason\" and \"value\"\n"
    "  -o, --output FILE        write the presets to FILE (default: standard output)\n"
    "  -q, --quiet              no counts on standard error\n"
    "      --help, --version\n";

enum { OPT_LOSS = 256, OPT_FLUC, OPT_ALL, OPT_SINCE, OPT_UNTIL, OPT_DATASET, OPT_REJECTED };

typedef struct {
    const char *log_dir, *dataset, *rejected, *out;
    vx_select_limits lim;
    int include_all, quiet;
    double since, until; /* seconds since 1970 UTC */
    char **files;
    int n_files;
} options;

/* One fit record and where it came from. */
typedef struct {
    cJSON *rec;
    char *where;       /* "file:line" */
    vx_select_fit fit;
    const char *group; /* the track: its log folder, or the record's "track" */
    long run;          /* N from run_<N>, or -1 in a stream */
    size_t order;      /* position in the input */
    int latest;        /* inside the window and the latest of its group */
} entry;

typedef struct {
    entry *e;
    size_t n, cap;
    size_t without_fit; /* run folders with no fit.json */
} entries;

static double parse_time(const char *opt, const char *arg)
{
    double t;
    vx_err e;
    if (vx_isotime_parse(arg, opt, &t, &e))
        vx_usage_error(usage, "%s", e.msg);
    return t;
}

static double parse_thresh(const char *opt, const char *arg)
{
    return !strcmp(arg, "inf") ? INFINITY : vx_cli_double(opt, arg, -INFINITY, INFINITY, usage);
}

static options parse(int argc, char **argv)
{
    static const struct option opts[] = {
        {"log-dir", required_argument, 0, 'd'}, {"loss-thresh", required_argument, 0, OPT_LOSS},
        {"fluc-thresh", required_argument, 0, OPT_FLUC}, {"include-all", no_argument, 0, OPT_ALL},
        {"since", required_argument, 0, OPT_SINCE}, {"until", required_argument, 0, OPT_UNTIL},
        {"dataset", required_argument, 0, OPT_DATASET},
        {"rejected", required_argument, 0, OPT_REJECTED}, {"output", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    options o = {.out = "-", .lim = {4.0, INFINITY}, .since = -INFINITY, .until = INFINITY};
    int c;
    while ((c = getopt_long(argc, argv, "d:o:q", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o.log_dir = optarg; break;
        case OPT_LOSS: o.lim.loss_thresh = parse_thresh("--loss-thresh", optarg); break;
        case OPT_FLUC: o.lim.fluc_thresh = parse_thresh("--fluc-thresh", optarg); break;
        case OPT_ALL: o.include_all = 1; break;
        case OPT_SINCE: o.since = parse_time("--since", optarg); break;
        case OPT_UNTIL: o.until = parse_time("--until", optarg); break;
        case OPT_DATASET: o.dataset = optarg; break;
        case OPT_REJECTED: o.rejected = optarg; break;
        case 'o': o.out = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': vx_cli_common("--help", usage, help); break;
        case 'V': vx_cli_common("--version", usage, help); break;
        default: vx_cli_bad_option(argv, opts, usage);
        }
    }
    o.files = argv + optind, o.n_files = argc - optind;
    if (o.log_dir && o.n_files)
        vx_usage_error(usage, "give either --log-dir or fit files, not both");
    if (o.rejected && !strcmp(o.rejected, o.out))
        vx_usage_error(usage, "--rejected and --output must differ");
    return o;
}

static entry *add_entry(entries *es, cJSON *rec, const char *where, long run, const char *group)
{
    if (es->n == es->cap) {
        es->cap = es->cap ? 2 * es->cap : 64;
        if (!(es->e = realloc(es->e, es->cap * sizeof *es->e)))
            vx_die(VX_EXIT_DATA, "out of memory");
    }
    entry *en = memset(&es->e[es->n], 0, sizeof *es->e);
    vx_err e;
    if (vx_select_fit_read(rec, where, &en->fit, &e))
        vx_die_err(&e);
    en->rec = rec, en->run = run, en->order = es->n++;
    en->group = group ? group : en->fit.track;
    if (!(en->where = strdup(where)))
        vx_die(VX_EXIT_DATA, "out of memory");
    return en;
}

static void read_stream(entries *es, const char *path)
{
    vx_err e;
    vx_ndjson_reader *r = vx_ndjson_open(path, &e);
    if (!r)
        vx_die_err(&e);
    cJSON *rec;
    int rc;
    while ((rc = vx_ndjson_next(r, &rec, &e)) == 1)
        add_entry(es, rec, vx_ndjson_where(r), -1, NULL);
    if (rc < 0)
        vx_die_err(&e);
    vx_ndjson_close(r);
}

/* Each run folder's fit.json holds one record. The listing outlives the entries. */
static void read_log_dir(entries *es, const char *root, vx_logdir_run **runs, size_t *n)
{
    vx_err e;
    if (vx_logdir_list(root, runs, n, &es->without_fit, &e))
        vx_die_err(&e);
    for (size_t i = 0; i < *n; i++) {
        vx_ndjson_reader *r = vx_ndjson_open((*runs)[i].fit, &e);
        cJSON *rec = NULL, *more = NULL;
        if (!r || vx_ndjson_next(r, &rec, &e) < 0)
            vx_die_err(&e);
        if (!rec)
            vx_die(VX_EXIT_DATA, "%s: no fit record", (*runs)[i].fit);
        char where[4200];
        snprintf(where, sizeof where, "%s", vx_ndjson_where(r));
        if (vx_ndjson_next(r, &more, &e) != 0)
            vx_die(VX_EXIT_DATA, "%s: expected one fit record", (*runs)[i].fit);
        vx_ndjson_close(r);
        add_entry(es, rec, where, (*runs)[i].run, (*runs)[i].track);
    }
}

/* Group, then the run to keep last: run number in a log folder, else finish time, then
 * input order. */
static int by_group_then_age(const void *a, const void *b)
{
    const entry *x = *(entry *const *)a, *y = *(entry *const *)b;
    int c = strcmp(x->group, y->group);
    if (c)
        return c;
    if (x->run != y->run)
        return (x->run > y->run) - (x->run < y->run);
    if (x->fit.finished != y->fit.finished)
        return (x->fit.finished > y->fit.finished) - (x->fit.finished < y->fit.finished);
    return (x->order > y->order) - (x->order < y->order);
}

/* Marks the latest run of each track among those inside the window; returns how many
 * fell outside the window. */
static size_t mark_latest(entries *es, double since, double until)
{
    entry **in = malloc((es->n ? es->n : 1) * sizeof *in);
    if (!in)
        vx_die(VX_EXIT_DATA, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < es->n; i++)
        if (es->e[i].fit.finished >= since && es->e[i].fit.finished < until)
            in[m++] = &es->e[i];
    qsort(in, m, sizeof *in, by_group_then_age);
    for (size_t i = 0; i < m; i++)
        in[i]->latest = i + 1 == m || strcmp(in[i]->group, in[i + 1]->group);
    free(in);
    return es->n - m;
}

/* The fields a fit has and a preset does not need: the optimisation's own record. */
static const char *const fit_only[] = {"eta",           "losses",  "lowest_loss", "lowest_step",
                                       "terminated_by", "started", "finished",    "settings"};

static cJSON *preset_record(const entry *en, const char *dataset, size_t index)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "type", "preset");
    if (dataset)
        cJSON_AddStringToObject(p, "dataset", dataset);
    cJSON_AddNumberToObject(p, "index", (double)index);
    for (const cJSON *f = en->rec->child; f; f = f->next) {
        int skip = !strcmp(f->string, "type") || !strcmp(f->string, "dataset") ||
                   !strcmp(f->string, "index");
        for (size_t k = 0; k < sizeof fit_only / sizeof *fit_only; k++)
            skip |= !strcmp(f->string, fit_only[k]);
        if (!skip)
            cJSON_AddItemToObject(p, f->string, cJSON_Duplicate(f, 1));
    }
    if (vx_preset_put(p, en->fit.raw, 0))
        vx_die(VX_EXIT_DATA, "out of memory");
    return p;
}

/* The fit as read, plus where it came from, why it was rejected and the figure. */
static cJSON *rejected_record(const entry *en, vx_select_reason why, const double value[2])
{
    cJSON *r = cJSON_Duplicate(en->rec, 1);
    cJSON_AddStringToObject(r, "source", en->where);
    cJSON_AddStringToObject(r, "reason", vx_select_reason_name(why));
    if (why == VX_SELECT_TERMINATED)
        cJSON_AddStringToObject(r, "value", en->fit.terminated_by);
    else if (why == VX_SELECT_NOT_CONVERGED)
        cJSON_AddItemToObject(r, "value", cJSON_CreateDoubleArray(value, 2));
    else
        cJSON_AddNumberToObject(r, "value", value[0]);
    return r;
}

static void write_all(const char *path, cJSON *const *recs, size_t n)
{
    FILE *fp = vx_out_open(path);
    for (size_t i = 0; i < n; i++)
        vx_out_record(fp, recs[i]);
    vx_out_close(fp);
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, NULL);
    options o = parse(argc, argv);
    entries es = {0};
    vx_logdir_run *runs = NULL;
    size_t n_runs = 0;
    if (o.log_dir)
        read_log_dir(&es, o.log_dir, &runs, &n_runs);
    else if (!o.n_files)
        read_stream(&es, "-");
    for (int i = 0; i < o.n_files; i++)
        read_stream(&es, o.files[i]);

    size_t outside = mark_latest(&es, o.since, o.until);
    size_t count[VX_SELECT_NREASONS] = {0}, n_kept = 0, n_rej = 0;
    cJSON **kept = malloc((es.n + 1) * sizeof *kept), **rej = malloc((es.n + 1) * sizeof *rej);
    if (!kept || !rej)
        vx_die(VX_EXIT_DATA, "out of memory");
    for (size_t i = 0; i < es.n; i++) {
        const entry *en = &es.e[i];
        if (!en->latest)
            continue;
        double value[2];
        vx_select_reason why =
            o.include_all ? VX_SELECT_KEPT : vx_select_classify(&en->fit, &o.lim, value);
        count[why]++;
        if (why == VX_SELECT_KEPT)
            kept[n_kept] = preset_record(en, o.dataset, n_kept), n_kept++;
        else
            rej[n_rej++] = rejected_record(en, why, value);
    }
    size_t superseded = es.n - outside - n_kept - n_rej;
    write_all(o.out, kept, n_kept);
    if (o.rejected)
        write_all(o.rejected, rej, n_rej);

    if (!o.quiet) {
        fprintf(stderr, "%s: %zu fits: %zu selected", vx_cli_name(), es.n, n_kept);
        for (int r = 1; r < VX_SELECT_NREASONS; r++)
            fprintf(stderr, ", %zu %s", count[r], vx_select_reason_name(r));
        fprintf(stderr, "; %zu superseded by a later run, %zu outside the window", superseded,
                outside);
        if (es.without_fit)
            fprintf(stderr, ", %zu run folders without fit.json", es.without_fit);
        fputc('\n', stderr);
    }
    for (size_t i = 0; i < n_kept; i++)
        cJSON_Delete(kept[i]);
    for (size_t i = 0; i < n_rej; i++)
        cJSON_Delete(rej[i]);
    for (size_t i = 0; i < es.n; i++) {
        cJSON_Delete(es.e[i].rec);
        free(es.e[i].where);
        vx_select_fit_free(&es.e[i].fit);
    }
    vx_logdir_free(runs, n_runs);
    free(es.e), free(kept), free(rej);
    return 0;
}
