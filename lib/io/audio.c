/* Audio files via libsndfile and raw float32 streams (see audio.h). */
#include "io/audio.h"
#include "dsp/resample.h"
#include "io/audio_format.h"
#include "io/tmpfile.h"
#include "params.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PENDING 4096 /* input frames read ahead of a resampler */
#define W64_CHUNK_HEADER 24 /* bytes: GUID and 64-bit size */

struct vx_audio_reader {
    const char *name;
    SNDFILE *sf;  /* NULL for a raw stream */
    FILE *raw;
    int rate, source_rate, channels;
    size_t frames_read;   /* at the source rate */
    long long promised;   /* frames the header says the file holds; -1: unknown */
    vx_resampler *rs;     /* NULL when no resampling is needed */
    float *pend;          /* [PENDING * channels] source frames waiting for rs */
    size_t pend_n, pend_used;
    int ended;            /* the source has no more frames */
};

/* Bytes per frame of an uncompressed libsndfile subformat; 0 for a codec. */
static int frame_bytes(const SF_INFO *info)
{
    switch (info->format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: case SF_FORMAT_ULAW: case SF_FORMAT_ALAW:
        return info->channels;
    case SF_FORMAT_PCM_16: return 2 * info->channels;
    case SF_FORMAT_PCM_24: return 3 * info->channels;
    case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT: return 4 * info->channels;
    case SF_FORMAT_DOUBLE: return 8 * info->channels;
    default: return 0;
    }
}

/* The frame count the file's header promises. libsndfile trims info.frames to what the
 * file holds and keeps the header's own figure only in its log: WAV and W64 "data : N"
 * (bytes), AIFF's COMM frame count, RF64's ds64 frame count. Data sizes of 0 or from
 * 0x7FFFF000 up are the "length unknown" marks streaming writers (sox, ffmpeg) leave:
 * no promise. Codecs with frame counts of their own (FLAC) give info.frames. */
static long long promised_frames(SNDFILE *sf, const SF_INFO *info)
{
    char log[8192] = "";
    sf_command(sf, SFC_GET_LOG_INFO, log, sizeof log);
    long long frames = info->frames;
    unsigned long long n;
    const char *at;
    int bpf = frame_bytes(info);
    if ((at = strstr(log, "\ndata : ")) && bpf && sscanf(at, "\ndata : %llu", &n) == 1 &&
        n > 0 && n < 0x7FFFF000ULL) {
        if ((info->format & SF_FORMAT_TYPEMASK) == SF_FORMAT_W64)
            n -= n > W64_CHUNK_HEADER ? W64_CHUNK_HEADER : n; /* W64 sizes count their header */
        if ((long long)(n / (unsigned)bpf) > frames)
            frames = (long long)(n / (unsigned)bpf);
    }
    if ((at = strstr(log, "Frame count read from 'COMM' chunk (")) &&
        sscanf(at, "Frame count read from 'COMM' chunk (%llu)", &n) == 1 && (long long)n > frames)
        frames = (long long)n;
    if ((at = strstr(log, "does not match value from 'ds64' chunk of ")) &&
        sscanf(at, "does not match value from 'ds64' chunk of %llu", &n) == 1 &&
        (long long)n > frames)
        frames = (long long)n;
    return frames;
}

static vx_audio_reader *open_file(vx_audio_reader *r, const char *path, vx_err *e)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        vx_err_set(e, "%s: is a directory, not an audio file", path);
        return NULL;
    }
    SF_INFO info = {0};
    r->sf = sf_open(path, SFM_READ, &info);
    if (!r->sf) {
        const char *why = sf_strerror(NULL);
        if (stat(path, &st))
            vx_err_set(e, "%s: cannot read audio: %s", path, strerror(errno));
        else if (st.st_size == 0)
            vx_err_set(e, "%s: empty file (0 bytes), not audio", path);
        else
            vx_err_set(e, "%s: cannot read audio: %s", path, why);
        return NULL;
    }
    if (info.channels < 1) {
        vx_err_set(e, "%s: the header says %d channels", path, info.channels);
        return NULL;
    }
    r->source_rate = info.samplerate;
    r->channels = info.channels;
    r->promised = promised_frames(r->sf, &info);
    return r;
}

vx_audio_reader *vx_audio_reader_open(const char *path, const vx_stream_fmt *fmt, int want_rate,
                                      vx_err *e)
{
    vx_audio_reader *r = calloc(1, sizeof *r);
    if (!r) {
        vx_err_set(e, "%s: out of memory", path);
        return NULL;
    }
    r->name = strcmp(path, "-") ? path : "stdin";
    r->promised = -1;
    if (!strcmp(path, "-")) {
        r->raw = stdin;
        r->source_rate = fmt && fmt->rate > 0 ? fmt->rate : (int)VX_FS;
        r->channels = fmt && fmt->channels > 0 ? fmt->channels : 1;
    } else if (!open_file(r, path, e)) {
        vx_audio_reader_close(r);
        return NULL;
    }
    r->rate = want_rate > 0 ? want_rate : r->source_rate;
    if (r->rate != r->source_rate &&
        (r->source_rate < VX_AUDIO_RATE_MIN || r->source_rate > VX_AUDIO_RATE_MAX)) {
        vx_err_set(e, "%s: sample rate %d Hz: vx resamples from %d to %d Hz only", r->name,
                   r->source_rate, VX_AUDIO_RATE_MIN, VX_AUDIO_RATE_MAX);
        vx_audio_reader_close(r);
        return NULL;
    }
    if (r->rate != r->source_rate) {
        vx_err why;
        r->rs = vx_resampler_new(r->source_rate, r->rate, r->channels, &why);
        r->pend = malloc(PENDING * (size_t)r->channels * sizeof *r->pend);
        if (!r->rs || !r->pend) {
            vx_err_set(e, "%s: %s", r->name, r->rs ? "out of memory" : why.msg);
            vx_audio_reader_close(r);
            return NULL;
        }
    }
    return r;
}

int vx_audio_reader_channels(const vx_audio_reader *r) { return r->channels; }
int vx_audio_reader_rate(const vx_audio_reader *r) { return r->rate; }
int vx_audio_reader_source_rate(const vx_audio_reader *r) { return r->source_rate; }

/* The name of the file format a raw stream's first bytes give away, or NULL. Read as
 * float32 these bytes are far beyond full scale, never plausible samples. */
static const char *file_magic(const unsigned char *b)
{
    static const struct { const char magic[5], *name; } known[] = {
        {"RIFF", "WAV"}, {"RIFX", "WAV"}, {"RF64", "RF64 WAV"}, {"riff", "W64"},
        {"fLaC", "FLAC"}, {"FORM", "AIFF"}, {"OggS", "Ogg"}, {"caff", "CAF"}, {"ID3", "MP3"}};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!memcmp(b, known[i].magic, strlen(known[i].magic)))
            return known[i].name;
    return NULL;
}

/* Frames of a raw float32 stream. fread returns short only at the end or on an error. */
static long read_raw(vx_audio_reader *r, float *buf, size_t max, vx_err *e)
{
    size_t fb = sizeof(float) * (size_t)r->channels;
    size_t bytes = fread(buf, 1, max * fb, r->raw);
    if (bytes < max * fb && ferror(r->raw))
        return vx_err_set(e, "%s: read error: %s", r->name, strerror(errno));
    const char *kind = r->frames_read == 0 && bytes >= 4 ? file_magic((unsigned char *)buf) : NULL;
    if (kind)
        return vx_err_set(e, "%s: raw float32 samples were expected, but the input looks like a %s "
                             "file (it starts with \"%.4s\"): give the file's name instead of -, "
                             "or convert it (sox FILE -t f32 -)", r->name, kind, (char *)buf);
    if (bytes % fb)
        return vx_err_set(e, "%s: the raw stream ends in a partial frame: %zu bytes left over "
                             "after frame %zu (a frame is %d channel%s x 4 bytes)", r->name,
                          bytes % fb, r->frames_read + bytes / fb, r->channels,
                          r->channels > 1 ? "s" : "");
    return (long)(bytes / fb);
}

/* Frames at the input's own rate, checked. */
static long read_source(vx_audio_reader *r, float *buf, size_t max, vx_err *e)
{
    long got;
    if (r->sf) {
        sf_count_t n = sf_readf_float(r->sf, buf, (sf_count_t)max);
        int failed = n < 0 || sf_error(r->sf);
        got = n < 0 ? 0 : (long)n;
        size_t holds = r->frames_read + (size_t)got;
        if ((failed || got == 0) && r->promised > (long long)holds)
            return vx_err_set(e, "%s: truncated: header says %lld frames, file holds %zu%s%s%s",
                              r->name, r->promised, holds, failed ? " (" : "",
                              failed ? sf_strerror(r->sf) : "", failed ? ")" : "");
        if (failed)
            return vx_err_set(e, "%s: read error: %s", r->name, sf_strerror(r->sf));
    } else if ((got = read_raw(r, buf, max, e)) < 0) {
        return -1;
    }
    size_t ns = (size_t)got * (size_t)r->channels;
    for (size_t i = 0; i < ns; i++)
        if (!isfinite(buf[i]))
            return vx_err_set(e, "%s: frame %zu: sample is not a finite number", r->name,
                              r->frames_read + i / (size_t)r->channels);
    r->frames_read += (size_t)got;
    return got;
}

long vx_audio_reader_read(vx_audio_reader *r, float *buf, size_t max, vx_err *e)
{
    if (!r->rs)
        return read_source(r, buf, max, e);
    size_t done = 0, ch = (size_t)r->channels;
    while (done < max) {
        if (r->pend_used == r->pend_n && !r->ended) {
            long got = read_source(r, r->pend, PENDING, e);
            if (got < 0)
                return -1;
            r->pend_n = (size_t)got, r->pend_used = 0, r->ended = got == 0;
        }
        size_t used = 0, out = vx_resampler_process(
            r->rs, r->ended ? NULL : r->pend + r->pend_used * ch, r->pend_n - r->pend_used, &used,
            buf + done * ch, max - done);
        r->pend_used += used, done += out;
        if (r->ended && out == 0)
            break;
    }
    return (long)done;
}

void vx_audio_reader_close(vx_audio_reader *r)
{
    if (!r)
        return;
    if (r->sf)
        sf_close(r->sf);
    vx_resampler_free(r->rs);
    free(r->pend);
    free(r);
}

int vx_audio_read(const char *path, const vx_stream_fmt *fmt, int want_rate, vx_audio *a, vx_err *e)
{
    memset(a, 0, sizeof *a);
    vx_audio_reader *r = vx_audio_reader_open(path, fmt, want_rate, e);
    if (!r)
        return -1;
    size_t cap = 1 << 16, n = 0, ch = (size_t)r->channels;
    float *data = malloc(cap * ch * sizeof *data);
    long got;
    while (data && (got = vx_audio_reader_read(r, data + n * ch, cap - n, e)) > 0) {
        n += (size_t)got;
        if (n == cap) {
            float *grown = realloc(data, 2 * cap * ch * sizeof *data);
            if (!grown) {
                free(data);
                data = NULL;
                break;
            }
            data = grown, cap *= 2;
        }
    }
    int rc = 0;
    if (!data)
        rc = vx_err_set(e, "%s: out of memory", path);
    else if (got < 0)
        rc = -1;
    else if (n == 0)
        rc = vx_err_set(e, "%s: no audio (empty input)", r->name);
    if (rc == 0) {
        a->data = data, a->frames = n, a->channels = r->channels, a->rate = r->rate;
        a->source_rate = r->source_rate;
    } else {
        free(data);
    }
    vx_audio_reader_close(r);
    return rc;
}

void vx_audio_free(vx_audio *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

#define CHUNK 8192 /* frames resampled or clipped at a time */

struct vx_audio_writer {
    SNDFILE *sf;
    FILE *raw;
    int channels, clips;
    vx_resampler *rs;     /* NULL when written at the frames' rate */
    float *scratch;       /* [CHUNK * channels]: resampled or clipped frames */
    vx_audio_level level;
    vx_tmpfile out;
    FILE *spool; /* a special file's bytes until commit: libsndfile seeks back to headers */
};

vx_audio_writer *vx_audio_writer_open_as(const char *path, const vx_audio_out *o, vx_err *e)
{
    vx_audio_writer *w = calloc(1, sizeof *w);
    int out_rate = o->out_rate > 0 ? o->out_rate : o->rate;
    int format = 0;
    if (!w) {
        vx_err_set(e, "%s: out of memory", path);
        return NULL;
    }
    w->channels = o->channels;
    if (strcmp(path, "-") && !(format = vx_audio_format_for(path, o->bits, out_rate, o->channels,
                                                            &w->clips, e))) {
        free(w);
        return NULL;
    }
    w->scratch = malloc(CHUNK * (size_t)o->channels * sizeof *w->scratch);
    vx_err why;
    if (w->scratch && out_rate != o->rate)
        w->rs = vx_resampler_new(o->rate, out_rate, o->channels, &why);
    if (!w->scratch || (out_rate != o->rate && !w->rs)) {
        vx_err_set(e, "%s: %s", path, w->scratch ? why.msg : "out of memory");
        vx_audio_writer_abort(w);
        return NULL;
    }
    if (!strcmp(path, "-")) {
        w->raw = stdout;
        return w;
    }
    if (vx_tmpfile_reserve(path, &w->out, e)) {
        vx_audio_writer_abort(w);
        return NULL;
    }
    SF_INFO info = {.samplerate = out_rate, .channels = o->channels, .format = format};
    if (w->out.direct && !(w->spool = tmpfile())) {
        vx_err_set(e, "%s: cannot make a temporary file: %s", path, strerror(errno));
        vx_audio_writer_abort(w);
        return NULL;
    }
    w->sf = w->spool ? sf_open_fd(fileno(w->spool), SFM_WRITE, &info, SF_FALSE)
                     : sf_open(w->out.path, SFM_WRITE, &info);
    if (!w->sf) {
        const char *slash = strrchr(path, '/');
        struct stat st;
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 2, slash ? path : "./");
        if (stat(dir, &st))
            vx_err_set(e, "%s: cannot write: folder %s: %s", path, dir, strerror(errno));
        else
            vx_err_set(e, "%s: cannot write: %s", path, sf_strerror(NULL));
        vx_tmpfile_discard(&w->out);
        vx_audio_writer_abort(w);
        return NULL;
    }
    /* Integer formats saturate instead of wrapping around. No PEAK chunk: it carries a
     * time stamp, and the same audio should make the same file. */
    sf_command(w->sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    sf_command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    return w;
}

vx_audio_writer *vx_audio_writer_open(const char *path, int rate, int channels, vx_err *e)
{
    vx_audio_out o = {.rate = rate, .channels = channels};
    return vx_audio_writer_open_as(path, &o, e);
}

/* Frames as written: level measured, clipped for an integer or lossy output. */
static int put(vx_audio_writer *w, const float *buf, size_t frames, vx_err *e)
{
    size_t ns = frames * (size_t)w->channels;
    const float *out = buf;
    size_t over = 0;
    for (size_t i = 0; i < ns; i++) {
        double a = fabs(buf[i]);
        if (a > w->level.peak)
            w->level.peak = a;
        over += a > 1;
    }
    w->level.over += over;
    if (w->clips && over) {
        float *c = buf == w->scratch ? w->scratch : memcpy(w->scratch, buf, ns * sizeof *buf);
        for (size_t i = 0; i < ns; i++)
            c[i] = c[i] > 1 ? 1 : c[i] < -1 ? -1 : c[i];
        out = c;
    }
    if (w->raw) {
        if (fwrite(out, sizeof(float) * (size_t)w->channels, frames, w->raw) != frames)
            return vx_err_set(e, "stdout: write error: %s", strerror(errno));
        return 0;
    }
    if (sf_writef_float(w->sf, out, (sf_count_t)frames) != (sf_count_t)frames)
        return vx_err_set(e, "%s: write error: %s", w->out.target, sf_strerror(w->sf));
    return 0;
}

/* The resampler's output for in (NULL: its end), put in chunks. */
static int put_resampled(vx_audio_writer *w, const float *in, size_t frames, vx_err *e)
{
    size_t ch = (size_t)w->channels, pos = 0, used, out;
    do {
        const float *at = in ? in + pos * ch : NULL;
        out = vx_resampler_process(w->rs, at, frames - pos, &used, w->scratch, CHUNK);
        pos += in ? used : 0;
        if (out && put(w, w->scratch, out, e))
            return -1;
    } while (in ? pos < frames : out > 0);
    return 0;
}

int vx_audio_writer_write(vx_audio_writer *w, const float *buf, size_t frames, vx_err *e)
{
    size_t ch = (size_t)w->channels, ns = frames * ch;
    for (size_t i = 0; i < ns; i++)
        if (!isfinite(buf[i]))
            return vx_err_set(e, "%s: frame %zu of the output is %s: nothing written (a preset "
                                 "value or the input's level is beyond any sane range)",
                              w->raw ? "stdout" : w->out.target, i / ch,
                              isnan(buf[i]) ? "not a number" : "infinite");
    if (w->rs)
        return put_resampled(w, buf, frames, e);
    for (size_t pos = 0; pos < frames; pos += CHUNK)
        if (put(w, buf + pos * ch, frames - pos < CHUNK ? frames - pos : CHUNK, e))
            return -1;
    return 0;
}

void vx_audio_writer_level(const vx_audio_writer *w, vx_audio_level *l)
{
    *l = w->level;
    l->clipped = w->clips;
}

int vx_audio_level_note(const char *path, const vx_audio_level *l, char *msg, size_t n)
{
    if (!l->over)
        return 0;
    snprintf(msg, n, l->clipped ? "%s: %zu samples clipped, peak %.2f (%+.1f dBFS)"
                                : "%s: %zu samples exceed full scale, peak %.2f (%+.1f dBFS): "
                                  "kept in this float output, they clip in any integer copy",
             strcmp(path, "-") ? path : "stdout", l->over, l->peak, 20 * log10(l->peak));
    return 1;
}

int vx_audio_writer_commit(vx_audio_writer *w, vx_err *e)
{
    int rc = w->rs ? put_resampled(w, NULL, 0, e) : 0;
    if (w->raw) {
        if (!rc && fflush(w->raw))
            rc = vx_err_set(e, "stdout: write error: %s", strerror(errno));
    } else if (rc) {
        sf_close(w->sf);
        vx_tmpfile_discard(&w->out);
    } else if (sf_close(w->sf)) {
        rc = vx_err_set(e, "%s: write error", w->out.target);
        vx_tmpfile_discard(&w->out);
    } else {
        rc = w->spool ? vx_tmpfile_copy_out(&w->out, w->spool, e) : vx_tmpfile_commit(&w->out, e);
    }
    if (w->spool)
        fclose(w->spool);
    vx_resampler_free(w->rs);
    free(w->scratch);
    free(w);
    return rc;
}

void vx_audio_writer_abort(vx_audio_writer *w)
{
    if (!w)
        return;
    if (w->sf) {
        sf_close(w->sf);
        vx_tmpfile_discard(&w->out);
    }
    if (w->spool)
        fclose(w->spool);
    vx_resampler_free(w->rs);
    free(w->scratch);
    free(w);
}

int vx_audio_write(const char *path, const vx_audio *a, vx_err *e)
{
    vx_audio_writer *w = vx_audio_writer_open(path, a->rate, a->channels, e);
    if (!w)
        return -1;
    if (vx_audio_writer_write(w, a->data, a->frames, e)) {
        vx_audio_writer_abort(w);
        return -1;
    }
    return vx_audio_writer_commit(w, e);
}

void vx_audio_mixdown(const vx_audio *a, float *out)
{
    size_t ch = (size_t)a->channels;
    for (size_t t = 0; t < a->frames; t++) {
        float s = 0;
        for (size_t c = 0; c < ch; c++)
            s += a->data[t * ch + c];
        out[t] = s / (float)ch;
    }
}
