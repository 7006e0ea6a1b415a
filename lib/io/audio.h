/* Audio in and out: files through libsndfile, and "-" as a raw little-endian float32
 * interleaved stream (like `sox -t f32`) whose rate and channel count come from options.
 * Inputs at another rate than the one asked for are resampled (dsp/resample.h); outputs
 * may be written at another rate than the frames given. */
#ifndef VX_IO_AUDIO_H
#define VX_IO_AUDIO_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* Whole signal in memory: frames x channels, interleaved float32. */
typedef struct {
    float *data;
    size_t frames;
    int channels;
    int rate;        /* Hz */
    int source_rate; /* Hz of the file or stream read, before resampling (0: rate) */
} vx_audio;

/* The rates an input may have to be resampled from, Hz: below, a few frames would make
 * hours; above, no converter or recorder goes. */
#define VX_AUDIO_RATE_MIN 1000
#define VX_AUDIO_RATE_MAX 768000

/* What a raw stream ("-") is declared to be. rate 0 means VX_FS. */
typedef struct {
    int rate, channels;
} vx_stream_fmt;

typedef struct vx_audio_reader vx_audio_reader;
typedef struct vx_audio_writer vx_audio_writer;

/* Open a file, or "-" for standard input as raw float32 described by fmt. With
 * want_rate > 0, frames are read resampled to want_rate when the input's rate differs.
 * Returns NULL with e set on failure (unreadable, not audio, no channels, a rate to
 * resample outside VX_AUDIO_RATE_MIN..MAX). */
vx_audio_reader *vx_audio_reader_open(const char *path, const vx_stream_fmt *fmt, int want_rate,
                                      vx_err *e);
int vx_audio_reader_channels(const vx_audio_reader *r);
/* The rate of the frames read (want_rate, or the input's when it was 0). */
int vx_audio_reader_rate(const vx_audio_reader *r);
/* The input's own rate. */
int vx_audio_reader_source_rate(const vx_audio_reader *r);
/* Reads up to max frames into buf (interleaved). Returns frames read (0 at the end),
 * or -1 with e set on: a read error; a non-finite sample (named by its frame); a file
 * holding fewer frames than its header says ("truncated: header says N frames, file
 * holds M"); a raw stream ending in a partial frame, or starting like an audio file. */
long vx_audio_reader_read(vx_audio_reader *r, float *buf, size_t max, vx_err *e);
void vx_audio_reader_close(vx_audio_reader *r);

/* Read a whole input (resampled to want_rate if > 0). Empty input is an error. Frees
 * nothing on failure (a is zeroed). */
int vx_audio_read(const char *path, const vx_stream_fmt *fmt, int want_rate, vx_audio *a,
                  vx_err *e);
void vx_audio_free(vx_audio *a);

/* Sample formats of an output; bits 0 means the container's default. */
#define VX_AUDIO_FLOAT (-32) /* 32-bit float samples */

/* How an output is written. */
typedef struct {
    int rate;     /* Hz of the frames given to vx_audio_writer_write */
    int out_rate; /* Hz written (0: rate); resampled when they differ */
    int channels;
    int bits;     /* 16, 24, 32, VX_AUDIO_FLOAT, or 0 for the default */
} vx_audio_out;

/* The containers an output file name may end in, for messages: ".wav, .flac, ...". */
const char *vx_audio_extensions(void);
/* Checks that path's extension names a container this libsndfile writes and that it
 * takes bits (0: any). Returns 0, or -1 with e set (naming the extensions known). */
int vx_audio_format_check(const char *path, int bits, vx_err *e);

/* Open an output: a file, its container chosen by the extension (vx_audio_format_check;
 * defaults: float for .wav/.aif/.aiff/.caf/.w64/.rf64, 24-bit for .flac), written under
 * a temporary name and renamed by vx_audio_writer_commit; or "-" for raw float32 on
 * standard output. Integer and lossy outputs clip at full scale (never wrap around). */
vx_audio_writer *vx_audio_writer_open_as(const char *path, const vx_audio_out *o, vx_err *e);
/* The same with the frames' rate kept and the container's default sample format. */
vx_audio_writer *vx_audio_writer_open(const char *path, int rate, int channels, vx_err *e);
/* Writes frames; refuses (-1, e set, nothing of buf written) a buffer holding a NaN or
 * an infinity. */
int vx_audio_writer_write(vx_audio_writer *w, const float *buf, size_t frames, vx_err *e);

/* What was written beyond full scale (|sample| > 1), so far. */
typedef struct {
    size_t over;   /* samples beyond full scale */
    double peak;   /* largest |sample| */
    int clipped;   /* 1: they were clipped to full scale (integer or lossy output) */
} vx_audio_level;
void vx_audio_writer_level(const vx_audio_writer *w, vx_audio_level *l);
/* A sox-like note on l ("out.flac: 478 samples clipped, peak 1.40 (+2.9 dBFS)") into
 * msg[n]; returns 0 when nothing went beyond full scale (msg left empty). */
int vx_audio_level_note(const char *path, const vx_audio_level *l, char *msg, size_t n);

/* Finish: flush and rename into place. Returns -1 with e set on failure (the
 * temporary file is removed). */
int vx_audio_writer_commit(vx_audio_writer *w, vx_err *e);
/* Abandon: the temporary file is removed, the target is left as it was. */
void vx_audio_writer_abort(vx_audio_writer *w);

int vx_audio_write(const char *path, const vx_audio *a, vx_err *e);

/* Mean of the channels into out[frames] (DiffVox's mono downmix); out may be a->data. */
void vx_audio_mixdown(const vx_audio *a, float *out);

#endif
