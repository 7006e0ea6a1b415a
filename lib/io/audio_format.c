/* Output containers by file extension (see audio_format.h). */
#include "io/audio.h"
#include "io/audio_format.h"

#include <sndfile.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct {
    const char *ext;
    int major;
    int deflt;      /* the sample format when no --bits is given */
    int bits_taken; /* 0: a codec of its own (no --bits) */
} container;

/* Float by default where the container holds float, as vx always wrote; FLAC holds
 * integers only and 24 bits keeps the model's float32 precision within hearing. */
static const container containers[] = {
    {"wav", SF_FORMAT_WAV, SF_FORMAT_FLOAT, 1},   {"flac", SF_FORMAT_FLAC, SF_FORMAT_PCM_24, 1},
    {"aif", SF_FORMAT_AIFF, SF_FORMAT_FLOAT, 1},  {"aiff", SF_FORMAT_AIFF, SF_FORMAT_FLOAT, 1},
    {"caf", SF_FORMAT_CAF, SF_FORMAT_FLOAT, 1},   {"w64", SF_FORMAT_W64, SF_FORMAT_FLOAT, 1},
    {"rf64", SF_FORMAT_RF64, SF_FORMAT_FLOAT, 1}, {"ogg", SF_FORMAT_OGG, SF_FORMAT_VORBIS, 0},
    {"oga", SF_FORMAT_OGG, SF_FORMAT_VORBIS, 0},  {"opus", SF_FORMAT_OGG, SF_FORMAT_OPUS, 0},
    {"mp3", SF_FORMAT_MPEG, SF_FORMAT_MPEG_LAYER_III, 0},
};
#define NCONTAINERS (sizeof containers / sizeof *containers)

/* A rate c accepts: Opus has rates of its own (48 kHz among them). */
static int any_rate(const container *c) { return c->deflt == SF_FORMAT_OPUS ? 48000 : 44100; }

/* Whether this libsndfile writes c at all (MP3 needs a libsndfile built with LAME). */
static int writable(const container *c)
{
    SF_INFO probe = {.samplerate = any_rate(c), .channels = 2, .format = c->major | c->deflt};
    return sf_format_check(&probe);
}

const char *vx_audio_extensions(void)
{
    static char list[160];
    if (!list[0])
        for (size_t i = 0; i < NCONTAINERS; i++)
            if (writable(&containers[i])) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s.%s", len ? ", " : "",
                         containers[i].ext);
            }
    return list;
}

static int subformat(const container *c, int bits)
{
    switch (bits) {
    case 0: return c->deflt;
    case 16: return SF_FORMAT_PCM_16;
    case 24: return SF_FORMAT_PCM_24;
    case 32: return SF_FORMAT_PCM_32;
    default: return SF_FORMAT_FLOAT;
    }
}

/* Opus codes these rates only (libsndfile's check passes any). */
static int opus_rate(int rate)
{
    return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
}

static const char *bits_name(int bits)
{
    return bits == 16 ? "16-bit" : bits == 24 ? "24-bit" : bits == 32 ? "32-bit" : "float";
}

int vx_audio_format_for(const char *path, int bits, int rate, int channels, int *clips, vx_err *e)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    const container *c = NULL;
    for (size_t i = 0; dot && i < NCONTAINERS && !c; i++)
        if (!strcasecmp(dot + 1, containers[i].ext))
            c = &containers[i];
    struct stat st; /* an existing device, FIFO, link or file without one: WAV, as before */
    if (!dot && stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
        c = &containers[0];
    if (!c || !writable(c))
        return vx_err_set(e, "%s: %s: vx writes %s (or - for raw float32)", path,
                          !dot ? "no extension to choose the format by"
                          : c  ? "this libsndfile cannot write that format"
                               : "unknown output format",
                          vx_audio_extensions()),
               0;
    if (bits && !c->bits_taken)
        return vx_err_set(e, "%s: .%s is a lossy codec: --bits does not apply", path, c->ext), 0;
    if (c->deflt == SF_FORMAT_OPUS && rate && !opus_rate(rate))
        return vx_err_set(e, "%s: Opus is written at 8000, 12000, 16000, 24000 or 48000 Hz, "
                             "not %d: give --rate 48000", path, rate), 0;
    SF_INFO info = {.samplerate = rate ? rate : any_rate(c), .channels = channels,
                    .format = c->major | subformat(c, bits)};
    if (!sf_format_check(&info)) {
        if (bits)
            return vx_err_set(e, "%s: .%s cannot hold %s samples", path, c->ext,
                              bits_name(bits)), 0;
        return vx_err_set(e, "%s: .%s cannot hold %d channels at %d Hz", path, c->ext, channels,
                          info.samplerate), 0;
    }
    *clips = subformat(c, bits) != SF_FORMAT_FLOAT;
    return info.format;
}

int vx_audio_format_check(const char *path, int bits, vx_err *e)
{
    int clips;
    return vx_audio_format_for(path, bits, 0, 2, &clips, e) ? 0 : -1;
}
