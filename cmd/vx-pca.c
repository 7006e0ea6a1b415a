/* vx-pca: principal components of a gaussian record and their uses (spec/pipeline.md
 * §7.2-§8.2): the pca record, whitened scores, samples and traversals as presets,
 * Spearman correlations, Royston's normality test, the prior log-density. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/ndjson.h"
#include "preset.h"
#include "rng.h"
#include "stats/corr.h"
#include "stats/gauss.h"
#include "stats/nearest.h"
#include "stats/normality.h"
#include "stats/pca.h"
#include "stats/prior.h"
#include "stats/rows.h"

static const char usage[] =
    "vx-pca [project|sample|traverse|spearman|royston|logpdf|nearest] [OPTIONS] [FILE...]";
static const char help[] =
    "Principal components of a gaussian record (vx-gauss) and what they are for. Every\n"
    "output is NDJSON with a \"type\". GAUSSIAN is -g FILE, else the FILE operand or\n"
    "standard input; PRESETS are the FILE operands, else standard input.\n\n"
    "  vx-pca [-k K] [GAUSSIAN]              pca record: eigenvalues (descending),\n"
    "                                        explained ratios, components as rows\n"
    "  vx-pca project -g GAUSSIAN [-k K] [PRESETS]\n"
    "                                        whitened scores of each preset\n"
    "  vx-pca sample [-n COUNT] [--seed S] [GAUSSIAN]\n"
    "                                        presets drawn from the Gaussian\n"
    "  vx-pca traverse [-c K] [-s LIST] [GAUSSIAN]\n"
    "                                        presets mu + s sqrt(e_K) u_K\n"
    "  vx-pca spearman [--groups] [PRESETS]  rank correlation of the 130 values\n"
    "  vx-pca royston [-g GAUSSIAN] [-p P] [PRESETS]\n"
    "                                        Royston's test on P whitened components\n"
    "  vx-pca logpdf -g GAUSSIAN [PRESETS]   Gaussian log-density of each preset\n"
    "  vx-pca nearest [-n COUNT] --set SET [-g GAUSSIAN] [RECORDS]\n"
    "                                        the presets of SET nearest to each record\n"
    "                                        (Mahalanobis distance; GAUSSIAN default:\n"
    "                                        standard input)\n\n"
    "  -g, --gaussian FILE    the gaussian record\n"
    "  -k, --components K     components to write or score (default: all usable)\n"
    "  -n, --count COUNT      presets to draw (default 1), or to list (nearest: 5)\n"
    "      --set FILE         nearest: the preset set searched\n"
    "      --seed S           random seed of sample (default 0)\n"
    "  -c, --component K      component to traverse, 1 = largest (default 1)\n"
    "  -s, --sigmas LIST      standard deviations to visit (default -3,-1,0,1,3)\n"
    "      --groups           spearman: mean |rho| per pair of effects instead\n"
    "  -p, --variables P      royston: whitened components tested (default: all usable)\n"
    "  -r, --rows LIST        only preset records at these 0-based positions, e.g. 0-9,12\n"
    "                         (nearest: of the set; so -x and -t)\n"
    "  -x, --exclude PATTERN  drop presets whose dry path contains PATTERN\n"
    "  -t, --train            only presets marked \"train\": true\n"
    "      --fx-defaults      presets given as fx may leave fields out: DiffVox's initial\n"
    "                         values\n"
    "  -o, --output FILE      write to FILE (default: standard output)\n"
    "      --help, --version\n";

enum mode { PCA, PROJECT, SAMPLE, TRAVERSE, SPEARMAN, ROYSTON, LOGPDF, NEAREST, NMODES };

/* Each mode's name and the options it takes (short letters; S = --seed, G = --groups,
 * E = --set, F = --fx-defaults). */
static const struct {
    const char *name, *options;
} modes[NMODES] = {{"", "gko"},          {"project", "gkorxtF"}, {"sample", "gnSo"},
                   {"traverse", "gcso"},  {"spearman", "GorxtF"}, {"royston", "gporxtF"},
                   {"logpdf", "gorxtF"},  {"nearest", "gnEorxtF"}};

typedef struct {
    enum mode mode;
    const char *gaussian, *output, *sigmas, *set;
    long k, count, component, variables;
    unsigned long long seed;
    int groups;
    vx_rowsel sel;
    const char *const *inputs;
    int ninputs;
} settings;

static vx_gauss *load_gaussian(const char *path)
{
    vx_err e;
    vx_gauss *g = vx_gauss_load(path, &e);
    if (!g)
        vx_die_err(&e);
    return g;
}

static vx_pca *decompose(const vx_gauss *g, const char *path)
{
    vx_err e;
    vx_pca *p = vx_pca_create(g, &e);
    if (!p)
        vx_die(VX_EXIT_DATA, "%s: %s", path, e.msg);
    return p;
}

/* A count of components asked for (0 = default: all usable), checked against the rank. */
static int components(long asked, const vx_pca *p, const char *opt, const char *path)
{
    if (asked > p->rank)
        vx_die(VX_EXIT_DATA, "%s: %s %ld: the Gaussian has only %d usable components", path, opt,
               asked, p->rank);
    if (p->rank < 1)
        vx_die(VX_EXIT_DATA, "%s: the covariance is zero: no component to use", path);
    return asked ? (int)asked : p->rank;
}

/* A preset record passed on as another record type: "type" first, source fields kept,
 * raw and fx dropped. Consumes rec. */
static cJSON *retype(cJSON *rec, const char *type)
{
    cJSON *r = cJSON_CreateObject();
    if (!r)
        vx_die(VX_EXIT_DATA, "out of memory");
    cJSON_AddStringToObject(r, "type", type);
    for (cJSON *it = rec->child, *next; it; it = next) {
        next = it->next;
        if (strcmp(it->string, "type") && strcmp(it->string, "raw") && strcmp(it->string, "fx"))
            cJSON_AddItemToObject(r, it->string, cJSON_DetachItemViaPointer(rec, it));
    }
    cJSON_Delete(rec);
    return r;
}

static void emit(FILE *out, cJSON *rec)
{
    if (!rec)
        vx_die(VX_EXIT_DATA, "out of memory");
    vx_out_record(out, rec);
    cJSON_Delete(rec);
}

/* Streams the selected presets: whitened scores (project) or log-density (logpdf). */
static void per_preset(const settings *s, FILE *out)
{
    vx_gauss *g = load_gaussian(s->gaussian);
    vx_pca *p = NULL;
    vx_prior *prior = NULL;
    vx_err e;
    int k = 0;
    if (s->mode == PROJECT) {
        p = decompose(g, s->gaussian);
        k = components(s->k, p, "-k", s->gaussian);
    } else if (!(prior = vx_prior_create(g, &e))) {
        vx_die(VX_EXIT_DATA, "%s: %s", s->gaussian, e.msg);
    }
    vx_rows *rows = vx_rows_open(s->inputs, s->ninputs, &s->sel, &e);
    if (!rows)
        vx_die_err(&e);
    double raw[VX_NRAW], *x = malloc(sizeof *x * g->dim), *z = malloc(sizeof *z * (k ? k : 1));
    if (!x || !z)
        vx_die(VX_EXIT_DATA, "out of memory");
    cJSON *rec;
    int got;
    while ((got = vx_rows_next(rows, &rec, raw, &e)) == 1) {
        vx_mask_pick(g->mask, raw, x);
        if (s->mode == PROJECT) {
            vx_pca_whiten(p, x, k, z);
            rec = retype(rec, "projection");
            cJSON_AddItemToObject(rec, "scores", vx_json_array(z, k, 0));
        } else {
            double d2, lp = vx_prior_logpdf(prior, x, &d2);
            rec = retype(rec, "logpdf");
            cJSON_AddNumberToObject(rec, "logpdf", lp);
            cJSON_AddNumberToObject(rec, "d2", d2);
        }
        emit(out, rec);
    }
    if (got < 0)
        vx_die_err(&e);
    vx_rows_close(rows);
    free(x), free(z);
    vx_prior_free(prior);
    vx_pca_free(p);
    vx_gauss_free(g);
}

/* A preset at masked values x: spread to the 151-vector, checked, written. */
static void emit_preset(FILE *out, cJSON *rec, const vx_gauss *g, const double *x, const char *where)
{
    double raw[VX_NRAW];
    vx_err e;
    vx_mask_spread(g->mask, x, raw);
    if (vx_preset_validate(raw, where, &e))
        vx_die_err(&e);
    if (vx_preset_put(rec, raw, 0))
        vx_die(VX_EXIT_DATA, "out of memory");
    emit(out, rec);
}

static void sample(const settings *s, FILE *out)
{
    vx_gauss *g = load_gaussian(s->gaussian);
    vx_pca *p = decompose(g, s->gaussian);
    double *x = malloc(sizeof *x * g->dim), *z = malloc(sizeof *z * g->dim);
    if (!x || !z)
        vx_die(VX_EXIT_DATA, "out of memory");
    vx_rng rng;
    vx_rng_seed(&rng, s->seed);
    for (long i = 0; i < s->count; i++) {
        char where[64];
        vx_pca_sample(p, &rng, z, x);
        cJSON *rec = cJSON_CreateObject();
        cJSON_AddStringToObject(rec, "type", "preset");
        cJSON_AddStringToObject(rec, "dataset", g->dataset);
        cJSON_AddNumberToObject(rec, "sample", (double)i);
        cJSON_AddNumberToObject(rec, "seed", (double)s->seed);
        snprintf(where, sizeof where, "sample %ld", i);
        emit_preset(out, rec, g, x, where);
    }
    free(x), free(z);
    vx_pca_free(p);
    vx_gauss_free(g);
}

static void traverse(const settings *s, FILE *out)
{
    vx_gauss *g = load_gaussian(s->gaussian);
    vx_pca *p = decompose(g, s->gaussian);
    int c = components(s->component, p, "-c", s->gaussian);
    double *x = malloc(sizeof *x * g->dim), *z = calloc((size_t)c, sizeof *z);
    if (!x || !z)
        vx_die(VX_EXIT_DATA, "out of memory");
    for (const char *l = s->sigmas; *l; l += *l == ',') {
        char *end, where[64];
        z[c - 1] = strtod(l, &end);
        l = end;
        vx_pca_point(p, z, c, x);
        cJSON *rec = cJSON_CreateObject();
        cJSON_AddStringToObject(rec, "type", "preset");
        cJSON_AddStringToObject(rec, "dataset", g->dataset);
        cJSON_AddNumberToObject(rec, "component", c);
        cJSON_AddNumberToObject(rec, "sigma", z[c - 1]);
        snprintf(where, sizeof where, "component %d at %g sigma", c, z[c - 1]);
        emit_preset(out, rec, g, x, where);
    }
    free(x), free(z);
    vx_pca_free(p);
    vx_gauss_free(g);
}

/* The selected presets' masked values (n >= need). */
static double *read_presets(const settings *s, const unsigned char *mask, long need, long *n,
                            char *dataset, size_t size)
{
    vx_err e;
    double *x;
    if (vx_rows_read_all(s->inputs, s->ninputs, &s->sel, mask, &x, n, dataset, size, &e))
        vx_die_err(&e);
    if (*n < need)
        vx_die(VX_EXIT_DATA, "%s: %ld preset%s selected; %s needs at least %ld",
               s->ninputs ? s->inputs[s->ninputs - 1] : "stdin", *n, *n == 1 ? "" : "s",
               modes[s->mode].name, need);
    return x;
}

static cJSON *matrix_json(const double *m, int rows, int cols)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < rows; i++)
        cJSON_AddItemToArray(a, vx_json_array(m + (size_t)i * cols, cols, 0));
    return a;
}

static void spearman(const settings *s, FILE *out)
{
    unsigned char mask[VX_NRAW];
    char dataset[256];
    long n;
    vx_err e;
    vx_params_mask(mask);
    double *x = read_presets(s, mask, 2, &n, dataset, sizeof dataset);
    double *rho = malloc(sizeof *rho * VX_NMASK * VX_NMASK);
    if (!rho || vx_corr_spearman(x, n, VX_NMASK, rho, &e))
        vx_die(VX_EXIT_DATA, "out of memory");
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddStringToObject(rec, "type", s->groups ? "spearman_groups" : "spearman");
    cJSON_AddStringToObject(rec, "dataset", dataset);
    cJSON_AddNumberToObject(rec, "n", (double)n);
    if (s->groups) {
        double sum[VX_CORR_GROUPS * VX_CORR_GROUPS];
        vx_corr_groups(rho, sum);
        cJSON_AddItemToObject(rec, "groups", cJSON_CreateStringArray(vx_corr_group_names, VX_CORR_GROUPS));
        cJSON_AddItemToObject(rec, "mean_abs_rho", matrix_json(sum, VX_CORR_GROUPS, VX_CORR_GROUPS));
    } else {
        cJSON_AddItemToObject(rec, "names", vx_mask_names(mask));
        cJSON_AddItemToObject(rec, "rho", matrix_json(rho, VX_NMASK, VX_NMASK));
    }
    emit(out, rec);
    free(rho);
    free(x);
}

static void royston(const settings *s, FILE *out)
{
    vx_gauss *g = s->gaussian ? load_gaussian(s->gaussian) : vx_gauss_create(NULL);
    char dataset[256];
    long n;
    vx_err e;
    if (!g)
        vx_die(VX_EXIT_DATA, "out of memory");
    double *x = read_presets(s, g->mask, 4, &n, dataset, sizeof dataset);
    const char *source = s->gaussian ? s->gaussian : "the presets";
    if (!s->gaussian && vx_gauss_fit(g, x, n, &e))
        vx_die_err(&e);
    vx_pca *p = decompose(g, source);
    int k = components(s->variables, p, "-p", source);
    double *z = malloc(sizeof *z * (size_t)n * k), *w = malloc(sizeof *w * k);
    double *wp = malloc(sizeof *wp * k);
    if (!z || !w || !wp)
        vx_die(VX_EXIT_DATA, "out of memory");
    for (long i = 0; i < n; i++)
        vx_pca_whiten(p, x + (size_t)i * g->dim, k, z + (size_t)i * k);
    vx_royston t;
    if (vx_royston_test(z, n, k, w, wp, &t, &e))
        vx_die(VX_EXIT_DATA, "%s", e.msg);
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddStringToObject(rec, "type", "royston");
    cJSON_AddStringToObject(rec, "dataset", dataset);
    cJSON_AddNumberToObject(rec, "n", (double)n);
    cJSON_AddNumberToObject(rec, "p", k);
    cJSON_AddNumberToObject(rec, "h", t.h);
    cJSON_AddNumberToObject(rec, "e", t.edf);
    cJSON_AddNumberToObject(rec, "pvalue", t.pvalue);
    cJSON_AddItemToObject(rec, "w", vx_json_array(w, k, 0));
    cJSON_AddItemToObject(rec, "w_pvalue", vx_json_array(wp, k, 0));
    emit(out, rec);
    free(z), free(w), free(wp), free(x);
    vx_pca_free(p);
    vx_gauss_free(g);
}

/* The name of a query record in the output: its "track", else "id", else where it was. */
static cJSON *query_name(const cJSON *rec, const char *where)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "track");
    if (!cJSON_IsString(t))
        t = cJSON_GetObjectItemCaseSensitive(rec, "id");
    return cJSON_CreateString(cJSON_IsString(t) ? t->valuestring : where);
}

/* For each query record, the count presets of the set nearest to it: "nearest" records
 * with the set preset's fields, the query's name, rank (1 = nearest) and distance. */
static void nearest(const settings *s, FILE *out)
{
    vx_gauss *g = load_gaussian(s->gaussian);
    vx_pca *p = decompose(g, s->gaussian);
    vx_err e;
    vx_rows *set = vx_rows_open(&s->set, 1, &s->sel, &e);
    if (!set)
        vx_die_err(&e);
    long n = 0, cap = 0;
    double raw[VX_NRAW], *x = NULL, *q = malloc(sizeof *q * g->dim);
    cJSON **recs = NULL, *rec;
    int got;
    while ((got = vx_rows_next(set, &rec, raw, &e)) == 1) {
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            x = realloc(x, sizeof *x * (size_t)cap * g->dim);
            recs = realloc(recs, sizeof *recs * (size_t)cap);
            if (!x || !recs)
                vx_die(VX_EXIT_DATA, "out of memory");
        }
        vx_mask_pick(g->mask, raw, x + (size_t)n * g->dim);
        recs[n++] = rec;
    }
    if (got < 0)
        vx_die_err(&e);
    vx_rows_close(set);
    if (n == 0)
        vx_die(VX_EXIT_DATA, "%s: no preset selected to search", s->set);
    long *index = malloc(sizeof *index * (size_t)s->count);
    double *dist = malloc(sizeof *dist * (size_t)s->count);
    vx_rowsel every = {.preset_flags = s->sel.preset_flags}; /* -r, -x, -t pick the set */
    vx_rows *queries = vx_rows_open(s->inputs, s->ninputs, &every, &e);
    if (!q || !index || !dist || !queries)
        vx_die(VX_EXIT_DATA, "%s", queries ? "out of memory" : e.msg);
    while ((got = vx_rows_next(queries, &rec, raw, &e)) == 1) {
        vx_mask_pick(g->mask, raw, q);
        long m = vx_nearest(p, q, x, n, s->count, index, dist, &e);
        if (m < 0)
            vx_die_err(&e);
        for (long i = 0; i < m; i++) {
            cJSON *hit = retype(cJSON_Duplicate(recs[index[i]], 1), "nearest");
            cJSON_AddItemToObject(hit, "query", query_name(rec, vx_rows_where(queries)));
            cJSON_AddNumberToObject(hit, "rank", (double)(i + 1));
            cJSON_AddNumberToObject(hit, "distance", dist[i]);
            emit(out, hit);
        }
        cJSON_Delete(rec);
    }
    if (got < 0)
        vx_die_err(&e);
    vx_rows_close(queries);
    for (long i = 0; i < n; i++)
        cJSON_Delete(recs[i]);
    free(recs), free(x), free(q), free(index), free(dist);
    vx_pca_free(p);
    vx_gauss_free(g);
}

static void components_record(const settings *s, FILE *out)
{
    vx_gauss *g = load_gaussian(s->gaussian);
    vx_pca *p = decompose(g, s->gaussian);
    if (s->k > p->dim)
        vx_die(VX_EXIT_DATA, "%s: -k %ld: the Gaussian has %d dimensions", s->gaussian, s->k, p->dim);
    emit(out, vx_pca_to_json(p, s->k ? (int)s->k : p->rank));
    vx_pca_free(p);
    vx_gauss_free(g);
}

/* "-3,-1,0,1,3": finite numbers separated by commas. */
static void check_sigmas(const char *list)
{
    const char *l = list;
    for (;;) {
        char *end;
        double v = strtod(l, &end);
        if (end == l || !isfinite(v) || (*end && *end != ',') || (*end == ',' && !end[1]))
            vx_usage_error(usage, "--sigmas: '%s' is not a list of numbers like -3,-1,0,1,3", list);
        if (!*end)
            return;
        l = end + 1;
    }
}

/* nearest: the gaussian is -g or standard input, the queries the operands or standard
 * input, the set --set; at most one of them from standard input. */
static settings nearest_inputs(settings s)
{
    if (!s.set)
        vx_usage_error(usage, "nearest needs the preset set to search: --set FILE");
    if (s.count < 1)
        vx_usage_error(usage, "-n: nearest lists at least 1 preset");
    if (!s.gaussian)
        s.gaussian = "-";
    int stdin_users = !strcmp(s.gaussian, "-") + !strcmp(s.set, "-") + (s.ninputs == 0);
    for (int i = 0; i < s.ninputs; i++)
        stdin_users += !strcmp(s.inputs[i], "-");
    if (stdin_users > 1)
        vx_usage_error(usage, "nearest: only one of the gaussian (-g), the set (--set) and the "
                              "records may come from standard input");
    return s;
}

static settings parse(int argc, char **argv)
{
    static const struct option opts[] = {
        {"gaussian", required_argument, 0, 'g'},  {"components", required_argument, 0, 'k'},
        {"count", required_argument, 0, 'n'},     {"seed", required_argument, 0, 'S'},
        {"component", required_argument, 0, 'c'}, {"sigmas", required_argument, 0, 's'},
        {"groups", no_argument, 0, 'G'},          {"variables", required_argument, 0, 'p'},
        {"rows", required_argument, 0, 'r'},      {"exclude", required_argument, 0, 'x'},
        {"train", no_argument, 0, 't'},           {"output", required_argument, 0, 'o'},
        {"set", required_argument, 0, 'E'},
        {"help", no_argument, 0, 'h'},            {"version", no_argument, 0, 'V'},
        {"fx-defaults", no_argument, 0, 'F'},     {0, 0, 0, 0}};
    settings s = {.output = "-", .sigmas = "-3,-1,0,1,3", .count = -1, .component = 1};
    int shift = 0;
    for (int m = 1; m < NMODES && argc > 1; m++)
        if (!strcmp(argv[1], modes[m].name))
            s.mode = (enum mode)m, shift = 1;
    argc -= shift, argv += shift;
    vx_err e;
    int c;
    while ((c = getopt_long(argc, argv, "g:k:n:c:s:p:r:x:to:", opts, NULL)) != -1) {
        if (c == 'h' || c == 'V')
            vx_cli_common(c == 'h' ? "--help" : "--version", usage, help);
        if (c == '?')
            vx_cli_bad_option(argv, opts, usage);
        if (!strchr(modes[s.mode].options, c)) {
            const char *name = "";
            for (const struct option *o = opts; o->name; o++)
                if (o->val == c)
                    name = o->name;
            vx_usage_error(usage, "--%s does not apply to %s%s", name,
                           s.mode ? "mode " : "the pca record", modes[s.mode].name);
        }
        switch (c) {
        case 'g': s.gaussian = optarg; break;
        case 'k': s.k = vx_cli_long("-k", optarg, 1, 100000, usage); break;
        case 'n': s.count = vx_cli_long("-n", optarg, 0, 1000000000L, usage); break;
        case 'E': s.set = optarg; break;
        case 'S': s.seed = (unsigned long long)vx_cli_long("--seed", optarg, 0, 0x7fffffffffffffffL, usage); break;
        case 'c': s.component = vx_cli_long("-c", optarg, 1, 100000, usage); break;
        case 's': check_sigmas(optarg), s.sigmas = optarg; break;
        case 'G': s.groups = 1; break;
        case 'p': s.variables = vx_cli_long("-p", optarg, 1, 100000, usage); break;
        case 'r':
            if (vx_rowsel_check(optarg, &e))
                vx_usage_error(usage, "--rows: %s", e.msg);
            s.sel.list = optarg;
            break;
        case 'x': s.sel.exclude = optarg; break;
        case 't': s.sel.train = 1; break;
        case 'F': s.sel.preset_flags = VX_PRESET_FX_DEFAULTS; break;
        case 'o': s.output = optarg; break;
        }
    }
    s.inputs = (const char *const *)argv + optind;
    s.ninputs = argc - optind;
    if (s.count < 0)
        s.count = s.mode == NEAREST ? 5 : 1;
    if (s.mode == NEAREST)
        return nearest_inputs(s);
    int reads_presets = s.mode == PROJECT || s.mode == SPEARMAN || s.mode == ROYSTON || s.mode == LOGPDF;
    if (!reads_presets) {
        /* the gaussian is -g or the one operand */
        if (s.ninputs > 1 || (s.ninputs == 1 && s.gaussian))
            vx_usage_error(usage, "expected one gaussian record (-g FILE or a FILE operand)");
        if (!s.gaussian)
            s.gaussian = s.ninputs ? s.inputs[0] : "-";
    } else if (!s.gaussian && (s.mode == PROJECT || s.mode == LOGPDF)) {
        vx_usage_error(usage, "%s needs the gaussian record: -g FILE", modes[s.mode].name);
    }
    int presets_on_stdin = s.ninputs == 0;
    for (int i = 0; i < s.ninputs; i++)
        presets_on_stdin |= !strcmp(s.inputs[i], "-");
    if (reads_presets && s.gaussian && !strcmp(s.gaussian, "-") && presets_on_stdin)
        vx_usage_error(usage, "the gaussian and the presets cannot both come from standard input");
    return s;
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, NULL);
    settings s = parse(argc, argv);
    FILE *out = vx_out_open(s.output);
    switch (s.mode) {
    case PCA: components_record(&s, out); break;
    case PROJECT:
    case LOGPDF: per_preset(&s, out); break;
    case SAMPLE: sample(&s, out); break;
    case TRAVERSE: traverse(&s, out); break;
    case SPEARMAN: spearman(&s, out); break;
    case ROYSTON: royston(&s, out); break;
    case NEAREST: nearest(&s, out); break;
    case NMODES: break;
    }
    vx_out_close(out);
    return 0;
}
