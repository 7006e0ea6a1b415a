/* Audio files via libsndfile and raw float32 streams (see audio.h). */
#include "io/audio.h"
#include "io/tmpfile.h"
#include "params.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct vx_audio_reader {
    const char *name;
    SNDFILE *sf;  /* NULL for a raw stream */
    FILE *raw;
    int rate, channels;
    size_t frames_read;
};

struct vx_audio_writer {
    SNDFILE *sf;
    FILE *raw;
    int channels;
    vx_tmpfile out;
    FILE *spool; /* a special file's bytes until commit: libsndfile seeks back to headers */
};

vx_audio_reader *vx_audio_reader_open(const char *path, const vx_stream_fmt *fmt, int want_rate,
                                      vx_err *e)
{
    vx_audio_reader *r = calloc(1, sizeof *r);
    if (!r) {
        vx_err_set(e, "%s: out of memory", path);
        return NULL;
    }
    r->name = strcmp(path, "-") ? path : "stdin";
    if (!strcmp(path, "-")) {
        r->raw = stdin;
        r->rate = fmt && fmt->rate > 0 ? fmt->rate : (int)VX_FS;
        r->channels = fmt && fmt->channels > 0 ? fmt->channels : 1;
    } else {
        SF_INFO info = {0};
        r->sf = sf_open(path, SFM_READ, &info);
        if (!r->sf) {
            vx_err_set(e, "%s: cannot read audio: %s", path, sf_strerror(NULL));
            free(r);
            return NULL;
        }
        r->rate = info.samplerate;
        r->channels = info.channels;
    }
    if (want_rate > 0 && r->rate != want_rate) {
        vx_err_set(e, "%s: sample rate is %d Hz; vx works at %d Hz (resample first, e.g. sox IN -r %d OUT)",
                   r->name, r->rate, want_rate, want_rate);
        vx_audio_reader_close(r);
        return NULL;
    }
    return r;
}

int vx_audio_reader_channels(const vx_audio_reader *r) { return r->channels; }
int vx_audio_reader_rate(const vx_audio_reader *r) { return r->rate; }

long vx_audio_reader_read(vx_audio_reader *r, float *buf, size_t max, vx_err *e)
{
    size_t got;
    if (r->sf) {
        sf_count_t n = sf_readf_float(r->sf, buf, (sf_count_t)max);
        if (n < 0 || sf_error(r->sf))
            return vx_err_set(e, "%s: read error: %s", r->name, sf_strerror(r->sf));
        got = (size_t)n;
    } else {
        got = fread(buf, sizeof(float) * (size_t)r->channels, max, r->raw);
        if (got < max && ferror(r->raw))
            return vx_err_set(e, "%s: read error: %s", r->name, strerror(errno));
    }
    size_t ns = got * (size_t)r->channels;
    for (size_t i = 0; i < ns; i++)
        if (!isfinite(buf[i]))
            return vx_err_set(e, "%s: frame %zu: sample is not a finite number", r->name,
                              r->frames_read + i / (size_t)r->channels);
    r->frames_read += got;
    return (long)got;
}

void vx_audio_reader_close(vx_audio_reader *r)
{
    if (!r)
        return;
    if (r->sf)
        sf_close(r->sf);
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
        rc = vx_err_set(e, "%s: no audio (empty input)", strcmp(path, "-") ? path : "stdin");
    if (rc == 0) {
        a->data = data, a->frames = n, a->channels = r->channels, a->rate = r->rate;
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

static int format_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *ext = dot ? dot + 1 : "";
    if (!strcasecmp(ext, "flac"))
        return SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
    if (!strcasecmp(ext, "aif") || !strcasecmp(ext, "aiff"))
        return SF_FORMAT_AIFF | SF_FORMAT_FLOAT;
    if (!strcasecmp(ext, "caf"))
        return SF_FORMAT_CAF | SF_FORMAT_FLOAT;
    return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
}

vx_audio_writer *vx_audio_writer_open(const char *path, int rate, int channels, vx_err *e)
{
    vx_audio_writer *w = calloc(1, sizeof *w);
    if (!w) {
        vx_err_set(e, "%s: out of memory", path);
        return NULL;
    }
    w->channels = channels;
    if (!strcmp(path, "-")) {
        w->raw = stdout;
        return w;
    }
    if (vx_tmpfile_reserve(path, &w->out, e)) {
        free(w);
        return NULL;
    }
    SF_INFO info = {.samplerate = rate, .channels = channels, .format = format_for(path)};
    if (w->out.direct && !(w->spool = tmpfile())) {
        vx_err_set(e, "%s: cannot make a temporary file: %s", path, strerror(errno));
        free(w);
        return NULL;
    }
    w->sf = w->spool ? sf_open_fd(fileno(w->spool), SFM_WRITE, &info, SF_FALSE)
                     : sf_open(w->out.path, SFM_WRITE, &info);
    if (!w->sf) {
        vx_err_set(e, "%s: cannot write: %s", path, sf_strerror(NULL));
        vx_tmpfile_discard(&w->out);
        if (w->spool)
            fclose(w->spool);
        free(w);
        return NULL;
    }
    /* Float WAV samples may exceed 1; only integer formats need clipping. No PEAK chunk:
     * it carries a time stamp, and the same audio should make the same file. */
    sf_command(w->sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    sf_command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    return w;
}

int vx_audio_writer_write(vx_audio_writer *w, const float *buf, size_t frames, vx_err *e)
{
    if (w->raw) {
        if (fwrite(buf, sizeof(float) * (size_t)w->channels, frames, w->raw) != frames)
            return vx_err_set(e, "stdout: write error: %s", strerror(errno));
        return 0;
    }
    if (sf_writef_float(w->sf, buf, (sf_count_t)frames) != (sf_count_t)frames)
        return vx_err_set(e, "%s: write error: %s", w->out.target, sf_strerror(w->sf));
    return 0;
}

int vx_audio_writer_commit(vx_audio_writer *w, vx_err *e)
{
    int rc = 0;
    if (w->raw) {
        if (fflush(w->raw))
            rc = vx_err_set(e, "stdout: write error: %s", strerror(errno));
    } else {
        if (sf_close(w->sf)) {
            rc = vx_err_set(e, "%s: write error", w->out.target);
            vx_tmpfile_discard(&w->out);
        } else {
            rc = w->spool ? vx_tmpfile_copy_out(&w->out, w->spool, e) : vx_tmpfile_commit(&w->out, e);
        }
    }
    if (w->spool)
        fclose(w->spool);
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
