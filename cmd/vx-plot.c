/* vx-plot: figures of vx records drawn by gnuplot (presets' effects, fit losses, the
 * preset space on principal components, parameter histograms, rank correlations), or
 * the numbers behind them as TSV. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "io/cli.h"
#include "io/ndjson.h"
#include "plot/figure.h"
#include "plot/gnuplot.h"

static const char usage[] = "vx-plot response|fit|space|dist|corr [OPTIONS] [FILE...]";
static const char help[] =
    "Draw vx records with gnuplot: SVG on standard output, or -o FILE.svg|.png|.pdf.\n"
    "Records come from the FILEs (each one a set, overlaid), else standard input.\n\n"
    "  vx-plot response [PRESETS...]       EQ, compressor curve, delay, FDN T60 and EQ\n"
    "  vx-plot fit [FITS...]               loss curves, lowest loss marked\n"
    "  vx-plot space -g GAUSSIAN [--pc A,B] [-m FILE] [SETS...]\n"
    "                                      presets on two principal components\n"
    "  vx-plot dist --param LIST [SETS...] histograms of parameters\n"
    "  vx-plot corr [SET]                  effect-wise mean |Spearman rho|\n\n"
    "  -o, --output FILE      write to FILE; its extension picks the format\n"
    "      --data             print the numbers behind the figure as TSV instead\n"
    "  -g, --gaussian FILE    space: the gaussian record whose components are used\n"
    "      --pc A,B           space: the two components, 1 = largest (default 1,2)\n"
    "      --unwhitened       space: scores (x - mu) . u instead of whitened ones\n"
    "  -m, --mark FILE        space: records drawn large with their names (repeatable)\n"
    "  -p, --param LIST       dist: parameters, e.g. delay.time_ms,delay.feedback\n"
    "  -b, --bins N           dist, space: histogram bins (default 20)\n"
    "  -r, --rows LIST        only records at these 0-based positions of each FILE\n"
    "  -x, --exclude PATTERN  drop records whose dry path contains PATTERN\n"
    "  -t, --train            drop records marked \"train\": false\n"
    "  -s, --size WxH         figure size in pixels (default: by kind)\n"
    "      --help, --version\n";

enum kind { RESPONSE, FIT, SPACE, DIST, CORR, NKINDS };
static const char *const kind_names[NKINDS] = {"response", "fit", "space", "dist", "corr"};
static const int default_size[NKINDS][2] = {{1200, 1150}, {900, 550}, {850, 850}, {0, 0}, {760, 640}};

#define MAX_MARKS 16

typedef struct {
    enum kind kind;
    const char *output, *param;
    int data, bins, width, height, trained_only;
    vx_fig_space_opts space;
    const char *marks[MAX_MARKS];
    int nmarks;
    vx_rowsel sel;
    const char *const *inputs;
    int ninputs;
} settings;

static void parse_pc(const char *arg, settings *s)
{
    char *end;
    long a = strtol(arg, &end, 10), b = *end == ',' ? strtol(end + 1, &end, 10) : 0;
    if (*end || a < 1 || b < 1 || a > 130 || b > 130 || a == b)
        vx_usage_error(usage, "--pc: '%s' is not two different components like 1,2", arg);
    s->space.pc_a = (int)a, s->space.pc_b = (int)b;
}

static void parse_size(const char *arg, settings *s)
{
    char *end;
    long w = strtol(arg, &end, 10), h = *end == 'x' ? strtol(end + 1, &end, 10) : 0;
    if (*end || w < 100 || h < 100 || w > 10000 || h > 10000)
        vx_usage_error(usage, "--size: '%s' is not WIDTHxHEIGHT in pixels (100 to 10000)", arg);
    s->width = (int)w, s->height = (int)h;
}

/* Which options each kind takes (short letters; D = --data, P = --pc, U = --unwhitened). */
static const char *const kind_options[NKINDS] = {"oDrxts", "oDs", "oDgPUmbrxts", "oDpbrxts", "oDrxts"};

static settings parse(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"data", no_argument, 0, 'D'},
        {"gaussian", required_argument, 0, 'g'}, {"pc", required_argument, 0, 'P'},
        {"unwhitened", no_argument, 0, 'U'},   {"mark", required_argument, 0, 'm'},
        {"param", required_argument, 0, 'p'},  {"bins", required_argument, 0, 'b'},
        {"rows", required_argument, 0, 'r'},   {"exclude", required_argument, 0, 'x'},
        {"train", no_argument, 0, 't'},        {"size", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    settings s = {.output = "-", .bins = 20, .space = {.pc_a = 1, .pc_b = 2, .whiten = 1}};
    if (argc > 1)
        vx_cli_common(argv[1], usage, help);
    if (argc < 2)
        vx_usage_error(usage, "which figure? response, fit, space, dist or corr");
    s.kind = NKINDS;
    for (int k = 0; k < NKINDS; k++)
        if (!strcmp(argv[1], kind_names[k]))
            s.kind = (enum kind)k;
    if (s.kind == NKINDS)
        vx_usage_error(usage, "unknown kind '%s': response, fit, space, dist or corr", argv[1]);
    argc--, argv++;
    opterr = 0;
    vx_err e;
    int c;
    while ((c = getopt_long(argc, argv, "o:g:m:p:b:r:x:ts:", opts, NULL)) != -1) {
        if (c == 'h' || c == 'V')
            vx_cli_common(c == 'h' ? "--help" : "--version", usage, help);
        if (c == '?')
            vx_usage_error(usage, "unknown option or missing argument: %s", argv[optind - 1]);
        if (!strchr(kind_options[s.kind], c)) {
            const char *name = "";
            for (const struct option *o = opts; o->name; o++)
                if (o->val == c)
                    name = o->name;
            vx_usage_error(usage, "--%s does not apply to %s", name, kind_names[s.kind]);
        }
        switch (c) {
        case 'o': s.output = optarg; break;
        case 'D': s.data = 1; break;
        case 'g': s.space.gaussian_path = optarg; break;
        case 'P': parse_pc(optarg, &s); break;
        case 'U': s.space.whiten = 0; break;
        case 'm':
            if (s.nmarks == MAX_MARKS)
                vx_usage_error(usage, "at most %d --mark files", MAX_MARKS);
            s.marks[s.nmarks++] = optarg;
            break;
        case 'p':
            if (vx_fig_dist_check(optarg, &e))
                vx_usage_error(usage, "--param: %s", e.msg);
            s.param = optarg;
            break;
        case 'b': s.bins = (int)vx_cli_long("--bins", optarg, 1, 1000, usage); break;
        case 'r':
            if (vx_rowsel_check(optarg, &e))
                vx_usage_error(usage, "--rows: %s", e.msg);
            s.sel.list = optarg;
            break;
        case 'x': s.sel.exclude = optarg; break;
        case 't': s.trained_only = 1; break;
        case 's': parse_size(optarg, &s); break;
        }
    }
    s.inputs = (const char *const *)argv + optind;
    s.ninputs = argc - optind;
    if (s.kind == SPACE && !s.space.gaussian_path)
        vx_usage_error(usage, "space needs the gaussian record: -g FILE");
    if (s.kind == DIST && !s.param)
        vx_usage_error(usage, "dist needs the parameters: --param LIST");
    if (s.kind == CORR && s.ninputs > 1)
        vx_usage_error(usage, "corr takes one set");
    vx_plot_format f;
    if (!s.data && strcmp(s.output, "-") && vx_plot_format_of(s.output, &f))
        vx_usage_error(usage, "%s: the format comes from the extension: .svg, .png or .pdf", s.output);
    return s;
}

/* Every input file as a set (standard input when there is none). */
static vx_fig_set *read_sets(const settings *s, const char *const *paths, int n, const vx_rowsel *sel)
{
    static const char *const stdin_only[] = {"-"};
    if (n == 0)
        paths = stdin_only, n = 1;
    vx_fig_set *sets = calloc((size_t)n, sizeof *sets);
    if (!sets)
        vx_die(VX_EXIT_DATA, "out of memory");
    vx_err e;
    for (int i = 0; i < n; i++)
        if (vx_fig_set_read(paths[i], sel, s->trained_only, &sets[i], &e))
            vx_die_err(&e);
    return sets;
}

static void free_sets(vx_fig_set *sets, int n)
{
    for (int i = 0; i < (n ? n : 1); i++)
        vx_fig_set_free(&sets[i]);
    free(sets);
}

/* fit: every record of the inputs, each a "fit" record. */
static int fit_figure(const settings *s, FILE *tsv, FILE *gp, vx_err *e)
{
    static const char *const stdin_only[] = {"-"};
    const char *const *paths = s->ninputs ? s->inputs : stdin_only;
    cJSON **recs = NULL;
    char **labels = NULL;
    int n = 0, rc;
    for (int i = 0; i < (s->ninputs ? s->ninputs : 1); i++) {
        vx_ndjson_reader *r = vx_ndjson_open(paths[i], e);
        if (!r)
            vx_die_err(e);
        cJSON *rec;
        while ((rc = vx_ndjson_next(r, &rec, e)) == 1) {
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(rec, "type");
            if (!cJSON_IsString(type) || strcmp(type->valuestring, "fit"))
                vx_die(VX_EXIT_DATA, "%s: a %s record, not a fit record", vx_ndjson_where(r),
                       cJSON_IsString(type) ? type->valuestring : "untyped");
            recs = realloc(recs, sizeof *recs * (size_t)(n + 1));
            labels = realloc(labels, sizeof *labels * (size_t)(n + 1));
            if (!recs || !labels)
                vx_die(VX_EXIT_DATA, "out of memory");
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "track");
            if (!cJSON_IsString(t))
                t = cJSON_GetObjectItemCaseSensitive(rec, "id");
            labels[n] = strdup(cJSON_IsString(t) ? t->valuestring : vx_ndjson_where(r));
            recs[n++] = rec;
        }
        if (rc < 0)
            vx_die_err(e);
        vx_ndjson_close(r);
    }
    rc = vx_fig_fit((const cJSON *const *)recs, (const char *const *)labels, n, tsv, gp, e);
    for (int i = 0; i < n; i++)
        cJSON_Delete(recs[i]), free(labels[i]);
    free(recs), free(labels);
    return rc;
}

static int figure(const settings *s, FILE *tsv, FILE *gp, vx_err *e)
{
    if (s->kind == FIT)
        return fit_figure(s, tsv, gp, e);
    vx_fig_set *sets = read_sets(s, s->inputs, s->ninputs, &s->sel);
    int nsets = s->ninputs ? s->ninputs : 1, rc = -1;
    switch (s->kind) {
    case RESPONSE: rc = vx_fig_response(sets, nsets, tsv, gp, e); break;
    case SPACE: {
        vx_fig_set *marks = s->nmarks ? read_sets(s, s->marks, s->nmarks, NULL) : NULL;
        vx_fig_space_opts o = s->space;
        o.bins = s->bins;
        rc = vx_fig_space(&o, sets, nsets, marks, s->nmarks, tsv, gp, e);
        if (marks)
            free_sets(marks, s->nmarks);
        break;
    }
    case DIST: rc = vx_fig_dist(s->param, s->bins, sets, nsets, tsv, gp, e); break;
    case CORR: rc = vx_fig_corr(&sets[0], tsv, gp, e); break;
    default: break;
    }
    free_sets(sets, s->ninputs);
    return rc;
}

/* The gnuplot script: terminal, the TSV rows (header left out) as $DATA, the commands. */
static char *script(const settings *s, const char *tsv, const char *commands, size_t *len)
{
    vx_plot_format f = VX_PLOT_SVG;
    if (strcmp(s->output, "-"))
        vx_plot_format_of(s->output, &f);
    int w = s->width ? s->width : default_size[s->kind][0];
    int h = s->height ? s->height : default_size[s->kind][1];
    if (!w) { /* dist: two columns of 420 x 330 panels, one per parameter */
        int panels = 1;
        for (const char *c = s->param; *c; c++)
            panels += *c == ',';
        w = panels > 1 ? 840 : 480, h = 330 * ((panels + 1) / 2) + 40;
    }
    char term[256], *buf;
    vx_plot_terminal(f, w, h, term, sizeof term);
    FILE *sc = open_memstream(&buf, len);
    if (!sc)
        vx_die(VX_EXIT_DATA, "out of memory");
    const char *body = strchr(tsv, '\n');
    fprintf(sc, "%s$DATA << EOD\n%sEOD\n%s", term, body ? body + 1 : "", commands);
    if (fclose(sc))
        vx_die(VX_EXIT_DATA, "out of memory");
    return buf;
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, NULL);
    settings s = parse(argc, argv);
    char *tsv, *commands;
    size_t tsv_len, commands_len;
    FILE *t = open_memstream(&tsv, &tsv_len), *g = open_memstream(&commands, &commands_len);
    if (!t || !g)
        vx_die(VX_EXIT_DATA, "out of memory");
    vx_err e;
    if (figure(&s, t, g, &e))
        vx_die_err(&e);
    if (fclose(t) || fclose(g))
        vx_die(VX_EXIT_DATA, "out of memory");
    FILE *out = vx_out_open(s.output);
    if (s.data) {
        fwrite(tsv, 1, tsv_len, out);
    } else {
        size_t len;
        char *sc = script(&s, tsv, commands, &len);
        if (vx_gnuplot_run(sc, len, out, &e))
            vx_die_err(&e);
        free(sc);
    }
    vx_out_close(out);
    free(tsv), free(commands);
    return 0;
}
