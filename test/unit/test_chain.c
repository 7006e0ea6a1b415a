/* Whole-chain renders against the original's float64 renders (golden/README.md): error
 * energy relative to the reference energy must be <= -80 dB. A render that cannot be made
 * says why (the effect's own reason, not a guess). */
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "harness.h"
#include "io/audio.h"
#include "preset.h"

static double render_error_db(const char *preset, const char *input, const char *reference, int clip_q)
{
    char path[3][256];
    snprintf(path[0], sizeof path[0], "test/fixtures/%s", preset);
    snprintf(path[1], sizeof path[1], "test/fixtures/%s", input);
    snprintf(path[2], sizeof path[2], "test/fixtures/%s", reference);
    vx_err e;
    double raw[VX_NRAW];
    vx_audio in, ref;
    if (vx_preset_load(path[0], NULL, 0, raw, NULL, &e) || vx_audio_read(path[1], NULL, 44100, &in, &e) ||
        vx_audio_read(path[2], NULL, 44100, &ref, &e)) {
        printf("  %s\n", e.msg);
        return NAN;
    }
    vx_fx fx;
    vx_params_to_fx(raw, clip_q, &fx);
    float *y = malloc(2 * in.frames * sizeof *y);
    double err = 0, energy = 0;
    if (ref.frames == in.frames && ref.channels == 2 && vx_chain_render(&fx, in.data, in.frames, y, &e) == 0) {
        for (size_t i = 0; i < 2 * in.frames; i++) {
            double d = (double)y[i] - ref.data[i];
            err += d * d, energy += (double)ref.data[i] * ref.data[i];
        }
    }
    double db = 10 * log10(err / energy);
    printf("  render %-24s %-10s vs %-34s %7.1f dB\n", preset, clip_q ? "--clip-q" : "", reference, db);
    free(y);
    vx_audio_free(&in);
    vx_audio_free(&ref);
    return db;
}

/* A render of fx (the 6 s input) that must fail with a message holding `want`. */
static void check_refused(const vx_fx *fx, const char *want, const char *name)
{
    vx_audio in;
    vx_err e = {"no message"};
    if (vx_audio_read("test/fixtures/input_6s.wav", NULL, 44100, &in, &e)) {
        CHECK(0, e.msg);
        return;
    }
    float *y = malloc(2 * in.frames * sizeof *y);
    int rc = vx_chain_render(fx, in.data, in.frames, y, &e);
    CHECK(rc == -1 && strstr(e.msg, want), name);
    if (rc == 0 || !strstr(e.msg, want))
        printf("  %s: got \"%s\"\n", name, rc ? e.msg : "success");
    vx_chain_stream *s = vx_chain_stream_new(fx, 4096, 0, VX_IMPULSE_RELEASE, &e);
    CHECK(!s && strstr(e.msg, want), name);
    vx_chain_stream_free(s);
    free(y);
    vx_audio_free(&in);
}

static void check_reasons(void)
{
    double raw[VX_NRAW];
    vx_err e;
    vx_fx fx, bad;
    if (vx_preset_load("test/fixtures/preset_medleydb0.json", NULL, 0, raw, NULL, &e)) {
        CHECK(0, e.msg);
        return;
    }
    vx_params_to_fx(raw, 0, &fx);
    bad = fx, bad.comp.attack = 2;
    check_refused(&bad, "compressor: a value outside torchcomp's ranges", "compressor out of range");
    bad = fx, bad.delay.time_ms = 1e7;
    check_refused(&bad, "delay: time 1e+07 ms is outside", "delay too long");
}

int main(void)
{
    check_reasons();
    static const struct { const char *preset, *input, *reference; int clip_q; } cases[] = {
        {"preset_medleydb0.json", "input_6s.wav", "render64_medleydb0_6s.wav", 0},
        {"preset_medleydb1.json", "input_6s.wav", "render64_medleydb1_6s.wav", 0},
        {"preset_medleydb2.json", "input_6s.wav", "render64_medleydb2_6s.wav", 0},
        {"preset_medleydb5.json", "input_6s.wav", "render64_medleydb5_6s.wav", 0},
        {"preset_internal0.json", "input_6s.wav", "render64_internal0_6s.wav", 0},
        {"preset_internal11.json", "input_6s.wav", "render64_internal11_6s.wav", 0},
        {"preset_medleydb0.json", "input_6s.wav", "render64_medleydb0_6s_clipq.wav", 1},
        {"preset_medleydb0.json", "input_14s.wav", "render64_medleydb0_14s.wav", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_LE(render_error_db(cases[i].preset, cases[i].input, cases[i].reference, cases[i].clip_q),
                 -80.0, cases[i].reference);
    return vx_test_summary();
}
