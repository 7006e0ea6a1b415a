/* Audio in and out: files through libsndfile, and "-" as a raw little-endian float32
 * interleaved stream (like `sox -t f32`) whose rate and channel count come from options. */
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
    int rate; /* Hz */
} vx_audio;

/* What a raw stream ("-") is declared to be. rate 0 means VX_FS. */
typedef struct {
    int rate, channels;
} vx_stream_fmt;

typedef struct vx_audio_reader vx_audio_reader;
typedef struct vx_audio_writer vx_audio_writer;

/* Open a file, or "-" for standard input as raw float32 described by fmt.
 * Checks the rate equals want_rate (if > 0). Returns NULL with e set on failure. */
vx_audio_reader *vx_audio_reader_open(const char *path, const vx_stream_fmt *fmt, int want_rate,
                                      vx_err *e);
int vx_audio_reader_channels(const vx_audio_reader *r);
int vx_audio_reader_rate(const vx_audio_reader *r);
/* Reads up to max frames into buf (interleaved). Returns frames read (0 at the end),
 * or -1 with e set on a read error or a non-finite sample (named by its frame). */
long vx_audio_reader_read(vx_audio_reader *r, float *buf, size_t max, vx_err *e);
void vx_audio_reader_close(vx_audio_reader *r);

/* Read a whole input. Empty input is an error. Frees nothing on failure (a is zeroed). */
int vx_audio_read(const char *path, const vx_stream_fmt *fmt, int want_rate, vx_audio *a,
                  vx_err *e);
void vx_audio_free(vx_audio *a);

/* Open an output: a file (format from the extension: .wav/.aif/.aiff/.caf float, .flac
 * 24-bit, others as float WAV) written under a temporary name and renamed by
 * vx_audio_writer_commit; or "-" for raw float32 on standard output. */
vx_audio_writer *vx_audio_writer_open(const char *path, int rate, int channels, vx_err *e);
int vx_audio_writer_write(vx_audio_writer *w, const float *buf, size_t frames, vx_err *e);
/* Finish: flush and rename into place. Returns -1 with e set on failure (the
 * temporary file is removed). */
int vx_audio_writer_commit(vx_audio_writer *w, vx_err *e);
/* Abandon: the temporary file is removed, the target is left as it was. */
void vx_audio_writer_abort(vx_audio_writer *w);

int vx_audio_write(const char *path, const vx_audio *a, vx_err *e);

/* Mean of the channels into out[frames] (DiffVox's mono downmix). */
void vx_audio_mixdown(const vx_audio *a, float *out);

#endif
