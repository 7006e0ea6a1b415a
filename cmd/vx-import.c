/* vx-import: convert a DiffVox analysis folder (raw_params.npy, info.json, optional
 * train_index.npy, feature_mask.npy and gaussian.npz) into vx preset or gaussian records. */
#include <getopt.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/ndjson.h"
#include "io/npy.h"
#include "params.h"
#include "preset.h"

static const char usage[] = "vx-import [-g] [-d NAME] [-o FILE] DIR";
static const char help[] =
    "Convert a DiffVox preset folder (scripts/get_params.py output) to vx records:\n"
    "one preset record per row of DIR/raw_params.npy, in order, or with -g the Gaussian\n"
    "of DIR/gaussian.npz as one gaussian record.\n\n"
    "  -g, --gaussian      write the gaussian record instead of presets\n"
    "  -d, --dataset NAME  dataset name written into records (default: DIR's name)\n"
    "  -o, --output FILE   write to FILE (default: standard output)\n"
    "  -q, --quiet         no messages\n"
    "      --help, --version\n";

static const char *str_at(const cJSON *info, const char *key, size_t i)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(info, key);
    const cJSON *s = cJSON_GetArrayItem(a, (int)i);
    return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* Track name as DiffVox's logs name runs: the wet file's stem. */
static char *wet_stem(const char *wet)
{
    const char *base = strrchr(wet, '/');
    char *s = strdup(base ? base + 1 : wet);
    char *dot = s ? strrchr(s, '.') : NULL;
    if (dot)
        *dot = 0;
    return s;
}

static void read_npy(const char *dir, const char *file, int ndim, vx_npy *a)
{
    char path[4096];
    vx_err e;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (vx_npy_read(path, ndim, a, &e))
        vx_die_err(&e);
}

/* raw_params.npy: (N, 151) */
static void read_raw(const char *dir, vx_npy *raw)
{
    read_npy(dir, "raw_params.npy", 2, raw);
    if (raw->shape[1] != VX_NRAW)
        vx_die(VX_EXIT_DATA, "%s/raw_params.npy: shape (%zu, %zu), expected (N, %d)", dir, raw->shape[0],
               raw->shape[1], VX_NRAW);
}

/* train_index.npy: indices of raw_params rows, each an integer in [0, rows). */
static void read_train(const char *dir, size_t rows, vx_npy *train)
{
    read_npy(dir, "train_index.npy", 1, train);
    for (size_t k = 0; k < train->count; k++)
        if (!(train->data[k] >= 0 && train->data[k] < (double)rows) || train->data[k] != (size_t)train->data[k])
            vx_die(VX_EXIT_DATA, "%s/train_index.npy: element %zu (%g) is not a row of raw_params.npy (0..%zu)",
                   dir, k, train->data[k], rows - 1);
}

static void write_presets(FILE *out, const char *dir, const char *dataset)
{
    char path[4096];
    vx_err e;
    vx_npy raw, train = {0};
    read_raw(dir, &raw);
    snprintf(path, sizeof path, "%s/train_index.npy", dir);
    int has_train = access(path, R_OK) == 0;
    if (has_train)
        read_train(dir, raw.shape[0], &train);
    snprintf(path, sizeof path, "%s/info.json", dir);
    cJSON *info = vx_json_read_document(path, &e);
    if (!info)
        vx_die_err(&e);
    for (size_t i = 0; i < raw.shape[0]; i++) {
        const double *r = raw.data + i * VX_NRAW;
        char where[4200];
        snprintf(where, sizeof where, "%s/raw_params.npy:row %zu", dir, i);
        if (vx_preset_validate(r, where, &e))
            vx_die_err(&e);
        cJSON *rec = cJSON_CreateObject();
        cJSON_AddStringToObject(rec, "type", "preset");
        cJSON_AddStringToObject(rec, "dataset", dataset);
        cJSON_AddNumberToObject(rec, "index", (double)i);
        const char *dry = str_at(info, "dry_files", i), *wet = str_at(info, "wet_files", i);
        if (wet) {
            char *stem = wet_stem(wet);
            cJSON_AddStringToObject(rec, "track", stem);
            free(stem);
        }
        if (dry)
            cJSON_AddStringToObject(rec, "dry", dry);
        if (wet)
            cJSON_AddStringToObject(rec, "wet", wet);
        const cJSON *shift = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(info, "alignment_shifts"), (int)i);
        if (cJSON_IsNumber(shift))
            cJSON_AddNumberToObject(rec, "shift", shift->valuedouble);
        if (has_train) {
            int in = 0;
            for (size_t k = 0; k < train.count; k++)
                in |= (size_t)train.data[k] == i;
            cJSON_AddBoolToObject(rec, "train", in);
        }
        if (vx_preset_put(rec, r, 1))
            vx_die(VX_EXIT_DATA, "out of memory");
        vx_out_record(out, rec);
        cJSON_Delete(rec);
    }
    cJSON_Delete(info);
    vx_npy_free(&raw);
    vx_npy_free(&train);
}

static void write_gaussian(FILE *out, const char *dir, const char *dataset)
{
    char path[4096];
    vx_err e;
    vx_npy mean, cov, mask, raw, train = {0};
    snprintf(path, sizeof path, "%s/gaussian.npz", dir);
    if (vx_npz_read(path, "mean", 1, &mean, &e) || vx_npz_read(path, "cov", 2, &cov, &e))
        vx_die_err(&e);
    read_npy(dir, "feature_mask.npy", 1, &mask);
    read_raw(dir, &raw);
    size_t kept = 0;
    for (size_t i = 0; i < mask.count; i++)
        kept += mask.data[i] != 0;
    if (mean.count != VX_NMASK || cov.shape[0] != VX_NMASK || cov.shape[1] != VX_NMASK ||
        mask.count != VX_NRAW || kept != VX_NMASK)
        vx_die(VX_EXIT_DATA, "%s: expected mean (%d), cov (%d, %d) and a mask of %d with %d set; "
               "got (%zu), (%zu, %zu) and %zu with %zu set", dir, VX_NMASK, VX_NMASK, VX_NMASK, VX_NRAW,
               VX_NMASK, mean.count, cov.shape[0], cov.shape[1], mask.count, kept);
    snprintf(path, sizeof path, "%s/train_index.npy", dir);
    size_t n = raw.shape[0];
    if (access(path, R_OK) == 0) {
        read_train(dir, raw.shape[0], &train);
        n = train.count;
    }
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddStringToObject(rec, "type", "gaussian");
    cJSON_AddStringToObject(rec, "dataset", dataset);
    cJSON_AddNumberToObject(rec, "n", (double)n);
    cJSON *m = cJSON_AddArrayToObject(rec, "mask");
    for (int i = 0; i < VX_NRAW; i++)
        cJSON_AddItemToArray(m, cJSON_CreateBool(mask.data[i] != 0));
    cJSON_AddItemToObject(rec, "mean", vx_json_array(mean.data, VX_NMASK, 1));
    cJSON *c = cJSON_AddArrayToObject(rec, "cov");
    for (int r = 0; r < VX_NMASK; r++)
        cJSON_AddItemToArray(c, vx_json_array(cov.data + r * VX_NMASK, VX_NMASK, 1));
    vx_out_record(out, rec);
    cJSON_Delete(rec);
    vx_npy_free(&mean), vx_npy_free(&cov), vx_npy_free(&mask), vx_npy_free(&raw), vx_npy_free(&train);
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, NULL);
    static const struct option opts[] = {
        {"gaussian", no_argument, 0, 'g'}, {"dataset", required_argument, 0, 'd'},
        {"output", required_argument, 0, 'o'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    int gaussian = 0, c;
    const char *dataset = NULL, *output = "-";
    while ((c = getopt_long(argc, argv, "gd:o:q", opts, NULL)) != -1) {
        switch (c) {
        case 'g': gaussian = 1; break;
        case 'd': dataset = optarg; break;
        case 'o': output = optarg; break;
        case 'q': break;
        case 'h': vx_cli_common("--help", usage, help); break;
        case 'V': vx_cli_common("--version", usage, help); break;
        default: vx_cli_bad_option(argv, opts, usage);
        }
    }
    if (argc - optind != 1)
        vx_usage_error(usage, "expected one DIR");
    const char *dir = argv[optind];
    char name[256];
    if (!dataset) {
        const char *end = dir + strlen(dir);
        while (end > dir && end[-1] == '/')
            end--;
        const char *start = end;
        while (start > dir && start[-1] != '/')
            start--;
        snprintf(name, sizeof name, "%.*s", (int)(end - start), start);
        dataset = name;
    }
    FILE *out = vx_out_open(output);
    if (gaussian)
        write_gaussian(out, dir, dataset);
    else
        write_presets(out, dir, dataset);
    vx_out_close(out);
    return 0;
}
