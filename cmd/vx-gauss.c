/* vx-gauss: fit the Gaussian of a preset set (mean and unbiased covariance of the 130
 * masked logits, spec/pipeline.md §6) and write it as one gaussian record. */
#include <getopt.h>
#include <stdlib.h>

#include "io/cli.h"
#include "preset.h"
#include "stats/gauss.h"
#include "stats/rows.h"

static const char usage[] =
    "vx-gauss [-t] [-r LIST] [-x PATTERN] [-d NAME] [-o FILE] [FILE...]";
static const char help[] =
    "Fit a Gaussian to preset records (FILEs, or standard input): the mean and the\n"
    "covariance (divided by n - 1) of the 130 masked raw values, in double precision,\n"
    "written as one gaussian record.\n\n"
    "  -r, --rows LIST        only records at these 0-based positions, e.g. 0-9,12\n"
    "  -x, --exclude PATTERN  drop records whose dry path contains PATTERN\n"
    "  -t, --train            only records marked \"train\": true\n"
    "  -d, --dataset NAME     dataset name of the record (default: the records' own)\n"
    "      --fx-defaults      presets given as fx may leave fields out: DiffVox's initial\n"
    "                         values\n"
    "  -o, --output FILE      write to FILE (default: standard output)\n"
    "      --help, --version\n";

int main(int argc, char **argv)
{
    vx_cli_start(argv, NULL);
    static const struct option opts[] = {
        {"rows", required_argument, 0, 'r'},    {"exclude", required_argument, 0, 'x'},
        {"train", no_argument, 0, 't'},         {"dataset", required_argument, 0, 'd'},
        {"output", required_argument, 0, 'o'},  {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {"fx-defaults", no_argument, 0, 'F'},
        {0, 0, 0, 0}};
    vx_rowsel sel = {0};
    const char *dataset = NULL, *output = "-";
    vx_err e;
    int c;
    while ((c = getopt_long(argc, argv, "r:x:td:o:", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (vx_rowsel_check(optarg, &e))
                vx_usage_error(usage, "--rows: %s", e.msg);
            sel.list = optarg;
            break;
        case 'x': sel.exclude = optarg; break;
        case 't': sel.train = 1; break;
        case 'F': sel.preset_flags = VX_PRESET_FX_DEFAULTS; break;
        case 'd': dataset = optarg; break;
        case 'o': output = optarg; break;
        case 'h': vx_cli_common("--help", usage, help); break;
        case 'V': vx_cli_common("--version", usage, help); break;
        default: vx_cli_bad_option(argv, opts, usage);
        }
    }
    const char *const *inputs = (const char *const *)argv + optind;
    int ninputs = argc - optind;

    vx_gauss *g = vx_gauss_create(NULL);
    double *x;
    long n;
    if (!g)
        vx_die(VX_EXIT_DATA, "out of memory");
    if (vx_rows_read_all(inputs, ninputs, &sel, g->mask, &x, &n, g->dataset, sizeof g->dataset, &e))
        vx_die_err(&e);
    if (vx_gauss_fit(g, x, n, &e))
        vx_die(VX_EXIT_DATA, "%s: %s", ninputs ? inputs[ninputs - 1] : "stdin", e.msg);
    if (dataset)
        snprintf(g->dataset, sizeof g->dataset, "%s", dataset);

    cJSON *rec = vx_gauss_to_json(g);
    if (!rec)
        vx_die(VX_EXIT_DATA, "out of memory");
    FILE *out = vx_out_open(output);
    vx_out_record(out, rec);
    vx_out_close(out);
    cJSON_Delete(rec);
    free(x);
    vx_gauss_free(g);
    return 0;
}
