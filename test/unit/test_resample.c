/* Resampling (libsoxr, high quality) against the analytic signal: a sine sampled at one
 * rate and resampled to another must be the same sine sampled at the new rate, away from
 * the edges, to soxr HQ's 20-bit precision (-120 dB); lengths are round(n * out / in);
 * the streaming form and the audio reader give the whole-signal result. */
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsp/resample.h"
#include "harness.h"
#include "io/audio.h"

/* ch channels of sines (1 kHz, then 3.1 kHz), amplitude 0.5, at rate fs: x[n * ch]. */
static float *sines(size_t n, int ch, double fs)
{
    float *x = malloc(n * (size_t)ch * sizeof *x);
    for (size_t t = 0; t < n; t++)
        for (int c = 0; c < ch; c++)
            x[t * (size_t)ch + (size_t)c] =
                (float)(0.5 * sin(2 * M_PI * (c ? 3100.0 : 1000.0) * (double)t / fs));
    return x;
}

/* Error energy of y against the analytic sines at fs, relative to their energy, dB,
 * over frames [edge, frames - edge). */
static double err_db(const float *y, size_t frames, int ch, double fs, size_t edge)
{
    float *ref = sines(frames, ch, fs);
    double e = 0, r = 0;
    for (size_t i = edge * (size_t)ch; i < (frames - edge) * (size_t)ch; i++)
        e += (y[i] - (double)ref[i]) * (y[i] - (double)ref[i]), r += (double)ref[i] * ref[i];
    free(ref);
    return 10 * log10(e / r);
}

static void whole(double in_rate, double out_rate, size_t n, int ch, const char *name)
{
    float *x = sines(n, ch, in_rate), *y;
    size_t m;
    vx_err e;
    char what[160];
    CHECK(vx_resample(x, n, ch, in_rate, out_rate, &y, &m, &e) == 0, name);
    snprintf(what, sizeof what, "%s: length round(n * out / in)", name);
    CHECK_NEAR((double)m, round((double)n * out_rate / in_rate), 0, what);
    snprintf(what, sizeof what, "%s: the analytic sine to -120 dB off the edges", name);
    double db = err_db(y, m, ch, out_rate, 2000);
    CHECK(db < -120, what);
    if (getenv("VX_TEST_VERBOSE"))
        printf("     %s: error %.1f dB\n", name, db);
    free(x), free(y);
}

/* Block by block with uneven blocks, then flushed: the whole-signal result exactly. */
static void streamed(void)
{
    size_t n = 48007, m;
    float *x = sines(n, 2, 48000), *y, *z = malloc((n + 16) * 2 * sizeof *z);
    vx_err e;
    vx_resample(x, n, 2, 48000, 44100, &y, &m, &e);
    vx_resampler *r = vx_resampler_new(48000, 44100, 2, &e);
    size_t pos = 0, got = 0, used, k, step = 1;
    while (pos < n) {
        size_t len = n - pos < step ? n - pos : step;
        got += vx_resampler_process(r, x + 2 * pos, len, &used, z + 2 * got, 333);
        pos += used, step = step * 3 % 1021 + 1;
    }
    while ((k = vx_resampler_process(r, NULL, 0, NULL, z + 2 * got, 333)) > 0)
        got += k;
    vx_resampler_free(r);
    CHECK_NEAR((double)got, (double)m, 0, "streamed: as many frames as the whole signal");
    CHECK(got == m && !memcmp(y, z, 2 * m * sizeof *y), "streamed: the whole signal's samples");
    free(x), free(y), free(z);
}

/* A 48 kHz file read through vx_audio_read at 44.1 kHz: the whole-signal resampling. */
static void reader(void)
{
    char path[] = "/tmp/vx-test-resample-XXXXXX.wav";
    int fd = mkstemps(path, 4);
    size_t n = 100003, m;
    float *x = sines(n, 1, 48000), *y;
    SF_INFO info = {.samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
    SNDFILE *sf = sf_open_fd(fd, SFM_WRITE, &info, 1);
    sf_writef_float(sf, x, (sf_count_t)n);
    sf_close(sf);
    vx_audio a;
    vx_err e;
    vx_resample(x, n, 1, 48000, 44100, &y, &m, &e);
    CHECK(vx_audio_read(path, NULL, 44100, &a, &e) == 0, "reader: a 48 kHz file reads");
    CHECK(a.rate == 44100 && a.source_rate == 48000, "reader: rates stated");
    CHECK(a.frames == m && !memcmp(a.data, y, m * sizeof *y), "reader: the whole-signal result");
    vx_audio_free(&a);
    unlink(path);
    free(x), free(y);
}

int main(void)
{
    whole(48000, 44100, 48007, 1, "48k to 44.1k mono");
    whole(48000, 44100, 96001, 2, "48k to 44.1k stereo");
    whole(22050, 44100, 30011, 1, "22.05k to 44.1k");
    whole(96000, 44100, 96000, 1, "96k to 44.1k");
    whole(44100, 48000, 44101, 2, "44.1k to 48k");
    streamed();
    reader();
    printf("%d passed, %d failed\n", vx_test_passed, vx_test_failed);
    return vx_test_failed != 0;
}
