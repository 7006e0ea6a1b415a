/* vx-render: apply a preset to dry audio (a file or a raw float32 stream). */
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audition.h"
#include "chain.h"
#include "io/audio.h"
#include "io/cli.h"
#include "io/ndjson.h"
#include "loudness.h"
#include "pair.h"
#include "preset.h"

static const char usage[] = "vx-render -p PRESET [-k INDEX|TRACK] [options] IN OUT\n"
                            "       vx-render -p SET [-k LIST] --each OUTPATTERN [options] IN\n"
                            "       vx-render -p PRESET|SET [-k INDEX|TRACK] --print-params";
static const char help[] =
    "Render dry (mono) audio through a DiffVox preset: EQ, compressor/expander, ping-pong\n"
    "delay and FDN reverb, frequency-sampled exactly as the presets were trained. The output\n"
    "is stereo and as long as the input. IN and OUT are audio files, or - for a raw float32\n"
    "stream (like sox -t f32); a stereo input is mixed to mono. The presets expect a dry at\n"
    "-18 LUFS: give --lufs -18 to bring it there (a warning says when it is 6 LU away). An\n"
    "input at another rate is rendered at 44.1 kHz and written back at its own rate. OUT's\n"
    "extension chooses the format: .wav .aif .aiff .caf .w64 .rf64 (float), .flac (24-bit),\n"
    ".ogg .oga (Vorbis), .opus, .mp3 (where libsndfile writes MP3).\n\n"
    "  -p, --preset FILE     a preset record (JSON), or a set of them (NDJSON)\n"
    "  -k, --pick WHICH      the preset of a set: 0-based line index or track name\n"
    "      --fx-defaults     a preset given as fx may leave fields out: DiffVox's initial values\n"
    "  -r, --in-rate HZ      sample rate of a raw input stream (default 44100)\n"
    "  -c, --channels N      channels of a raw input stream (default 1)\n"
    "      --clip-q          cap the delay low-pass Q at 0.707 (DiffVox loss_eval's --clip-Q)\n"
    "      --tail SECONDS    append this much silence to the input to keep the reverb tail\n"
    "      --lufs L          normalise the input to L LUFS first (the presets expect -18)\n"
    "      --rate HZ         sample rate of OUT (default: the input's)\n"
    "  -b, --bits B          samples of OUT: 16, 24, 32 or float (WAV, AIFF, CAF, W64,\n"
    "                        RF64; FLAC 16 or 24)\n"
    "  -s, --stream          streaming mode: block by block, bounded memory, any length\n"
    "      --block N         streaming block size in samples (default 32768)\n"
    "      --each PATTERN    render every preset of the set (with -k, those of a list of\n"
    "                        indices and ranges, e.g. 0-9,12) to files named by PATTERN:\n"
    "                        %d the index (%02d: two digits), %s the track\n"
    "      --print-params    print the preset's physical values as JSON and exit (a set\n"
    "                        without -k: each preset's, one line each)\n"
    "  -q, --quiet           no progress messages\n"
    "      --help, --version\n";

enum { OPT_CLIPQ = 256, OPT_TAIL, OPT_BLOCK, OPT_PRINT, OPT_LUFS, OPT_RATE, OPT_FXDEF, OPT_EACH };

/* The longest start of a streamed input measured for the loudness warning, s. */
#define STREAM_LEVEL_S 30

typedef struct {
    const char *preset, *pick, *in, *out, *each;
    vx_stream_fmt fmt;
    int clip_q, stream, print, quiet, out_rate, bits, lufs_given;
    int preset_flags; /* vx_preset_load's */
    double tail_s, lufs;
    long block;
} options;

static options parse(int argc, char **argv)
{
    static const struct option opts[] = {
        {"preset", required_argument, 0, 'p'}, {"pick", required_argument, 0, 'k'},
        {"in-rate", required_argument, 0, 'r'}, {"channels", required_argument, 0, 'c'},
        {"rate", required_argument, 0, OPT_RATE}, {"bits", required_argument, 0, 'b'},
        {"lufs", required_argument, 0, OPT_LUFS},
        {"clip-q", no_argument, 0, OPT_CLIPQ}, {"tail", required_argument, 0, OPT_TAIL},
        {"stream", no_argument, 0, 's'}, {"block", required_argument, 0, OPT_BLOCK},
        {"print-params", no_argument, 0, OPT_PRINT}, {"quiet", no_argument, 0, 'q'},
        {"fx-defaults", no_argument, 0, OPT_FXDEF}, {"each", required_argument, 0, OPT_EACH},
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    options o = {.fmt = {44100, 1}, .block = 32768};
    int c;
    while ((c = getopt_long(argc, argv, "p:k:r:c:b:sq", opts, NULL)) != -1) {
        switch (c) {
        case 'p': o.preset = optarg; break;
        case 'k': o.pick = optarg; break;
        case 'r':
            o.fmt.rate =
                (int)vx_cli_long("--in-rate", optarg, VX_AUDIO_RATE_MIN, VX_AUDIO_RATE_MAX, usage);
            break;
        case OPT_RATE:
            o.out_rate =
                (int)vx_cli_long("--rate", optarg, VX_AUDIO_RATE_MIN, VX_AUDIO_RATE_MAX, usage);
            break;
        case 'b':
            o.bits = !strcmp(optarg, "float") ? VX_AUDIO_FLOAT
                                              : (int)vx_cli_long("--bits", optarg, 16, 32, usage);
            if (o.bits != VX_AUDIO_FLOAT && o.bits % 8)
                vx_usage_error(usage, "--bits takes 16, 24, 32 or float, not %s", optarg);
            break;
        case OPT_LUFS:
            o.lufs = vx_cli_double("--lufs", optarg, -70, 0, usage), o.lufs_given = 1;
            break;
        case 'c': o.fmt.channels = (int)vx_cli_long("--channels", optarg, 1, 64, usage); break;
        case OPT_CLIPQ: o.clip_q = 1; break;
        case OPT_TAIL: o.tail_s = vx_cli_double("--tail", optarg, 0, 3600, usage); break;
        case 's': o.stream = 1; break;
        case OPT_BLOCK: o.block = vx_cli_long("--block", optarg, 64, 1 << 22, usage) & ~1L; break;
        case OPT_PRINT: o.print = 1; break;
        case OPT_FXDEF: o.preset_flags = VX_PRESET_FX_DEFAULTS; break;
        case OPT_EACH: o.each = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': vx_cli_common("--help", usage, help); break;
        case 'V': vx_cli_common("--version", usage, help); break;
        default: vx_cli_bad_option(argv, opts, usage);
        }
    }
    if (!o.preset)
        vx_usage_error(usage, "no preset: give -p FILE");
    if (o.stream && o.lufs_given)
        vx_usage_error(usage, "--lufs measures the whole input first: not with -s (render whole, "
                              "or normalise the input beforehand)");
    if (o.each) {
        vx_err e;
        if (o.print || o.stream)
            vx_usage_error(usage, "--each renders whole files: not with %s", o.print ? "--print-params" : "-s");
        if (!strcmp(o.each, "-"))
            vx_usage_error(usage, "--each writes files: give a pattern, not -");
        if (vx_audition_pattern_check(o.each, &e))
            vx_usage_error(usage, "%s", e.msg);
        if (argc - optind != 1)
            vx_usage_error(usage, "--each takes IN only");
        o.in = argv[optind];
        return o;
    }
    if (o.print ? argc != optind : argc - optind != 2)
        vx_usage_error(usage, o.print ? "--print-params takes no IN or OUT" : "expected IN and OUT");
    if (!o.print)
        o.in = argv[optind], o.out = argv[optind + 1];
    vx_err e;
    if (o.out && strcmp(o.out, "-") && vx_audio_format_check(o.out, o.bits, &e))
        vx_usage_error(usage, "%s", e.msg);
    if (o.out && !strcmp(o.out, "-") && o.bits)
        vx_usage_error(usage, "--bits: a raw output stream is float32");
    return o;
}

/* Warns when the input's loudness is more than 6 LU from the -18 LUFS the presets expect
 * (`measured` says over what part of the input). */
static void warn_level(const options *o, double lufs, const char *measured)
{
    const char *name = strcmp(o->in, "-") ? o->in : "stdin";
    vx_progress_done(); /* a streamed render's progress line is open */
    if (!isfinite(lufs)) {
        fprintf(stderr, "%s: %s: the input is digital silence%s\n", vx_cli_name(), name, measured);
    } else if (fabs(lufs - VX_PAIR_TARGET_LUFS) > 6) {
        fprintf(stderr, "%s: %s: input loudness %.1f LUFS%s is %.1f LU %s the %g LUFS the presets "
                        "expect: give --lufs %g to normalise it\n", vx_cli_name(), name, lufs,
                measured, fabs(lufs - VX_PAIR_TARGET_LUFS),
                lufs < VX_PAIR_TARGET_LUFS ? "below" : "above", VX_PAIR_TARGET_LUFS,
                VX_PAIR_TARGET_LUFS);
    }
}

/* Presets expect a dry at -18 LUFS: brings the mono input x[n] to --lufs, or warns. */
static void level_input(const options *o, float *x, size_t n)
{
    const char *name = strcmp(o->in, "-") ? o->in : "stdin";
    double lufs, gain;
    vx_err e;
    if (vx_loudness_integrated(x, 1, n, VX_FS, &lufs, &e)) {
        if (o->lufs_given)
            vx_die(VX_EXIT_DATA, "%s: cannot measure its loudness for --lufs: %s", name, e.msg);
        return; /* shorter than one 0.4 s block: nothing to judge by */
    }
    if (!o->lufs_given) {
        warn_level(o, lufs, "");
        return;
    }
    if (vx_loudness_gain(lufs, o->lufs, &gain, &e))
        vx_die(VX_EXIT_DATA, "%s: cannot normalise to %g LUFS: the input is digital silence",
               name, o->lufs);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(x[i] * gain);
}

/* Opens path at the rate asked for (--rate, or the input's), or exits. */
static vx_audio_writer *open_output(const options *o, const char *path, int source_rate)
{
    vx_err e;
    vx_audio_out f = {.rate = (int)VX_FS, .out_rate = o->out_rate ? o->out_rate : source_rate,
                      .channels = 2, .bits = o->bits};
    vx_audio_writer *w = vx_audio_writer_open_as(path, &f, &e);
    if (!w)
        vx_die_err(&e);
    return w;
}

/* Says what went beyond full scale (as sox does), then renames path into place. */
static void commit_output(const char *path, vx_audio_writer *w)
{
    vx_audio_level l;
    char note[600];
    vx_err e;
    vx_audio_writer_level(w, &l);
    if (vx_audio_writer_commit(w, &e))
        vx_die_err(&e);
    if (vx_audio_level_note(path, &l, note, sizeof note))
        fprintf(stderr, "%s: %s\n", vx_cli_name(), note);
}

/* The input mixed to mono, levelled (level_input), with the requested tail of silence,
 * into *x; its length. *source_rate: the file's own rate. */
static size_t read_mono(const options *o, float **x, int *source_rate)
{
    vx_err e;
    vx_audio in;
    if (vx_audio_read(o->in, &o->fmt, (int)VX_FS, &in, &e))
        vx_die_err(&e);
    size_t tail = (size_t)(o->tail_s * VX_FS + 0.5), n = in.frames + tail;
    /* Mixed down in place (a frame's channels are read before its mono sample is written),
     * then the block resized to the signal and its tail: no second copy of the input. */
    vx_audio_mixdown(&in, in.data);
    if (!(*x = realloc(in.data, (n ? n : 1) * sizeof **x)))
        vx_die(VX_EXIT_DATA, "%s: out of memory for %zu frames", o->in, n);
    memset(*x + in.frames, 0, tail * sizeof **x);
    level_input(o, *x, in.frames);
    *source_rate = in.source_rate;
    return n;
}

/* Renders x[n] through fx into y[2n] and writes it to path at the rate asked for. */
static void render_to(const options *o, const vx_fx *fx, const float *x, size_t n, float *y,
                      const char *path, int source_rate, vx_impulse_tables tables)
{
    vx_err e;
    if (vx_chain_render_tables(fx, x, n, y, tables, &e))
        vx_die_err(&e);
    vx_audio_writer *w = open_output(o, path, source_rate);
    if (vx_audio_writer_write(w, y, n, &e)) {
        vx_audio_writer_abort(w);
        vx_die_err(&e);
    }
    commit_output(path, w);
}

/* The whole input as mono in *x and a stereo output buffer of its length in *y; returns
 * its length in frames. */
static size_t read_whole(const options *o, float **x, float **y, int *source_rate)
{
    size_t n = read_mono(o, x, source_rate);
    if (!(*y = malloc(2 * n * sizeof **y)))
        vx_die(VX_EXIT_DATA, "%s: out of memory for %zu frames", o->in, n);
    return n;
}

/* Whole-signal render: read all, mixdown, FS chain, write. */
static void render_whole(const options *o, const vx_fx *fx)
{
    float *x, *y;
    int source_rate;
    size_t n = read_whole(o, &x, &y, &source_rate);
    if (!o->quiet && n > 30 * VX_FS)
        fprintf(stderr, "%s: rendering %.1f s\n", vx_cli_name(), (double)n / VX_FS);
    render_to(o, fx, x, n, y, o->out, source_rate, VX_IMPULSE_RELEASE);
    free(x);
    free(y);
}

/* One preset of an audition: its raw values and the file it renders to. */
typedef struct {
    double raw[VX_NRAW];
    char *path;
} audition_item;

/* The presets an audition renders, all read and checked (values, -k's indices, file
 * names) before the first render, so that a bad record or index writes no file at all.
 * Returns their number; *items is malloc'd. */
static long audition_items(const options *o, audition_item **items)
{
    vx_err e;
    vx_audition_pick pick = {.n = 0};
    if (o->pick && vx_audition_pick_parse(o->pick, &pick, &e))
        vx_usage_error(usage, "%s", e.msg);
    vx_ndjson_reader *r = vx_ndjson_open(o->preset, &e);
    if (!r)
        vx_die_err(&e);
    audition_item *it = NULL;
    long i, n = 0, cap = 0;
    cJSON *rec;
    int got;
    for (i = 0; (got = vx_ndjson_next(r, &rec, &e)) == 1; i++) {
        if (o->pick && !vx_audition_picked(&pick, i)) {
            cJSON_Delete(rec);
            continue;
        }
        if (n == cap && !(it = realloc(it, (size_t)(cap = cap ? 2 * cap : 64) * sizeof *it)))
            vx_die(VX_EXIT_DATA, "%s: out of memory for %ld presets", o->preset, cap);
        if (vx_preset_parse(rec, vx_ndjson_where(r), o->preset_flags, it[n].raw, &e))
            vx_die_err(&e);
        const cJSON *track = cJSON_GetObjectItemCaseSensitive(rec, "track");
        if (!cJSON_IsString(track))
            track = cJSON_GetObjectItemCaseSensitive(rec, "id");
        char path[4096];
        if (vx_audition_name(o->each, i, cJSON_IsString(track) ? track->valuestring : NULL, path,
                             sizeof path))
            vx_die(VX_EXIT_DATA, "%s: the file name of preset %ld is too long", o->each, i);
        cJSON_Delete(rec);
        if (!(it[n++].path = strdup(path)))
            vx_die(VX_EXIT_DATA, "%s: out of memory", o->preset);
    }
    if (got < 0)
        vx_die_err(&e);
    if (o->pick && pick.last >= i)
        vx_die(VX_EXIT_DATA, "%s: no preset at index %ld in the set (%ld presets)", o->preset,
               pick.last, i);
    vx_ndjson_close(r);
    *items = it;
    return n;
}

/* Audition: every preset of the set, or those -k lists, each to its own file; one input
 * read, one output buffer, and FFT tables kept from one preset to the next. */
static void render_each(const options *o)
{
    audition_item *items;
    long count = audition_items(o, &items);
    float *x, *y;
    int source_rate;
    size_t n = read_whole(o, &x, &y, &source_rate);
    for (long i = 0; i < count; i++) {
        vx_fx fx;
        vx_params_to_fx(items[i].raw, o->clip_q, &fx);
        render_to(o, &fx, x, n, y, items[i].path, source_rate, VX_IMPULSE_KEEP);
        free(items[i].path);
        if (!o->quiet)
            vx_progress("%ld presets rendered", i + 1);
    }
    vx_progress_done();
    free(items);
    free(x);
    free(y);
}

/* Streaming render: bounded memory, block by block. */
static void render_stream(const options *o, const vx_fx *fx)
{
    vx_err e;
    vx_audio_reader *r = vx_audio_reader_open(o->in, &o->fmt, (int)VX_FS, &e);
    if (!r)
        vx_die_err(&e);
    vx_chain_stream *s = vx_chain_stream_new(fx, (size_t)o->block, 0, VX_IMPULSE_RELEASE, &e);
    if (!s)
        vx_die_err(&e);
    vx_audio_writer *w = open_output(o, o->out, vx_audio_reader_source_rate(r));
    size_t B = (size_t)o->block, ch = (size_t)vx_audio_reader_channels(r);
    size_t level_n = 0, level_max = (size_t)(STREAM_LEVEL_S * VX_FS); /* measured start */
    vx_loudness_meter *level = vx_loudness_meter_new(1, VX_FS, &e);
    size_t tail = (size_t)(o->tail_s * VX_FS + 0.5), total = 0;
    float *in = malloc(B * ch * sizeof *in), *mono = malloc(B * sizeof *mono);
    float *y = malloc(2 * vx_chain_stream_max_frames(s) * sizeof *y);
    if (!in || !mono || !y || !level)
        vx_die(VX_EXIT_DATA, "out of memory");
    long got;
    for (;;) {
        got = vx_audio_reader_read(r, in, B, &e);
        if (got < 0) {
            vx_audio_writer_abort(w);
            vx_die_err(&e);
        }
        size_t n = (size_t)got;
        vx_audio mix = {in, n, (int)ch, (int)VX_FS, 0};
        vx_audio_mixdown(&mix, mono);
        if (level_n < level_max) { /* the loudness warning judges the first 30 s */
            size_t k = n < level_max - level_n ? n : level_max - level_n;
            if (vx_loudness_meter_push(level, mono, k, &e))
                vx_die_err(&e);
            level_n += k;
            double lufs;
            if ((level_n == level_max || (n == 0 && level_n)) &&
                vx_loudness_meter_result(level, &lufs, NULL) == 0) /* else under 0.4 s */
                warn_level(o, lufs, level_n == level_max ? " (its first 30 s)" : "");
            if (level_n == level_max || n == 0)
                level_max = 0; /* judged once */
        }
        if (n == 0) { /* the input has ended: the requested tail is silence */
            n = tail < B ? tail : B;
            memset(mono, 0, n * sizeof *mono);
            tail -= n;
        }
        if (n == 0)
            break;
        size_t out = vx_chain_stream_push(s, mono, n, y);
        if (vx_audio_writer_write(w, y, out, &e)) {
            vx_audio_writer_abort(w);
            vx_die_err(&e);
        }
        total += n;
        if (!o->quiet)
            vx_progress("%.1f s rendered", (double)total / VX_FS);
    }
    vx_progress_done();
    if (total == 0) {
        vx_audio_writer_abort(w);
        vx_die(VX_EXIT_DATA, "%s: no audio (empty input)", strcmp(o->in, "-") ? o->in : "stdin");
    }
    size_t out = vx_chain_stream_finish(s, y);
    if (vx_audio_writer_write(w, y, out, &e)) {
        vx_audio_writer_abort(w);
        vx_die_err(&e);
    }
    commit_output(o->out, w);
    vx_chain_stream_free(s);
    vx_audio_reader_close(r);
    free(in), free(mono), free(y);
    vx_loudness_meter_free(level);
}

/* Whether FILE holds several records: a set, not a lone preset (one JSON document, maybe
 * pretty-printed). Standard input is read once, so it is taken as a lone preset. */
static int is_set(const char *path)
{
    if (!strcmp(path, "-"))
        return 0;
    vx_err e;
    cJSON *doc = vx_json_read_document(path, &e);
    cJSON_Delete(doc);
    return doc == NULL;
}

/* --print-params: the physical values of the preset, or, for a set without -k, of each of
 * its presets, one record a line; the whole set is read and checked before the first. */
static void print_params(const options *o)
{
    vx_err e;
    double raw[VX_NRAW];
    if (o->pick || !is_set(o->preset)) {
        if (vx_preset_load(o->preset, o->pick, o->preset_flags, raw, NULL, &e))
            vx_die_err(&e);
        cJSON *fx = vx_preset_fx_json(raw, o->clip_q);
        vx_out_record(stdout, fx);
        cJSON_Delete(fx);
        return;
    }
    vx_ndjson_reader *r = vx_ndjson_open(o->preset, &e);
    if (!r)
        vx_die_err(&e);
    cJSON *all = cJSON_CreateArray(), *rec;
    int got;
    while ((got = vx_ndjson_next(r, &rec, &e)) == 1) {
        int bad = vx_preset_parse(rec, vx_ndjson_where(r), o->preset_flags, raw, &e);
        cJSON_Delete(rec);
        if (bad)
            vx_die_err(&e);
        cJSON_AddItemToArray(all, vx_preset_fx_json(raw, o->clip_q));
    }
    if (got < 0)
        vx_die_err(&e);
    if (!cJSON_GetArraySize(all))
        vx_die(VX_EXIT_DATA, "%s: no preset in the file", o->preset);
    vx_ndjson_close(r);
    const cJSON *fx;
    cJSON_ArrayForEach(fx, all) vx_out_record(stdout, fx);
    cJSON_Delete(all);
}

int main(int argc, char **argv)
{
    vx_cli_start(argv, NULL);
    options o = parse(argc, argv);
    /* A stream: buffers of 128 kB and more straight from the kernel and back to it when
     * freed, as the response's build uses a few MB in each phase, one after another
     * (glibc's adaptive threshold would keep freed pages resident: more at the peak). A
     * whole-signal render: buffers under 8 MB reused from the heap, so that each phase
     * does not fault its pages in again (a third of the faults, for a few MB more at the
     * peak); the signal-sized ones from the kernel. An audition: every buffer kept in the
     * heap for the next preset (a fifth of the time). */
    if (o.each)
        mallopt(M_MMAP_THRESHOLD, 32 << 20), mallopt(M_TRIM_THRESHOLD, 256 << 20);
    else if (!o.stream)
        mallopt(M_MMAP_THRESHOLD, 8 << 20), mallopt(M_TRIM_THRESHOLD, 256 << 20);
    else
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    vx_progress_quiet(o.quiet);
    if (o.each) {
        render_each(&o);
        return 0;
    }
    if (o.print) {
        print_params(&o);
        return 0;
    }
    vx_err e;
    double raw[VX_NRAW];
    if (vx_preset_load(o.preset, o.pick, o.preset_flags, raw, NULL, &e))
        vx_die_err(&e);
    vx_fx fx;
    vx_params_to_fx(raw, o.clip_q, &fx);
    if (o.stream)
        render_stream(&o, &fx);
    else
        render_whole(&o, &fx);
    return 0;
}
