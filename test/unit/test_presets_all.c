/* Every shipped preset renders 2 s of voice to finite, bounded audio, including the
 * presets whose delay loop gain exceeds 1 (a recursive delay would diverge; the FS chain
 * keeps N echoes). Presets render side by side, one per core. */
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "harness.h"
#include "io/audio.h"
#include "io/ndjson.h"
#include "preset.h"

#define SECONDS 2
#define MAX_PRESETS 512

/* The raw vectors of a preset set; returns how many (-1 on a bad record). */
static int read_set(const char *path, double (*raw)[VX_NRAW])
{
    vx_err e;
    vx_ndjson_reader *r = vx_ndjson_open(path, &e);
    cJSON *rec;
    int n = 0;
    while (r && n < MAX_PRESETS && vx_ndjson_next(r, &rec, &e) == 1) {
        int bad = vx_preset_parse(rec, vx_ndjson_where(r), 0, raw[n++], &e);
        cJSON_Delete(rec);
        if (bad) {
            printf("  %s\n", e.msg);
            n = -1;
            break;
        }
    }
    vx_ndjson_close(r);
    return n;
}

/* How many of the n presets render x finite and with a peak under 100; worst peak. */
static int render_all(double (*raw)[VX_NRAW], int n, const float *x, size_t len, double *worst)
{
    int good = 0;
    double peak_all = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : good) reduction(max : peak_all)
    for (int p = 0; p < n; p++) {
        vx_err e;
        vx_fx fx;
        float *y = malloc(2 * len * sizeof *y);
        if (y && vx_params_to_fx(raw[p], 0, &fx) == 0 && vx_chain_render(&fx, x, len, y, &e) == 0) {
            double peak = 0;
            int finite = 1;
            for (size_t i = 0; i < 2 * len; i++)
                finite &= isfinite(y[i]) != 0, peak = fmax(peak, fabs(y[i]));
            peak_all = fmax(peak_all, peak);
            good += finite && peak < 100;
        }
        free(y);
    }
    *worst = fmax(*worst, peak_all);
    return good;
}

int main(void)
{
    vx_err e;
    vx_audio in;
    static double raw[MAX_PRESETS][VX_NRAW];
    if (vx_audio_read("test/fixtures/input_6s.wav", NULL, 44100, &in, &e)) {
        printf("  %s\n", e.msg);
        return 1;
    }
    size_t len = SECONDS * 44100;
    double peak = 0;
    int n = read_set("presets/medleydb.ndjson", raw);
    CHECK(n == 70 && render_all(raw, n, in.data, len, &peak) == 70,
          "all 70 MedleyDB presets render finite and bounded");
    n = read_set("presets/internal.ndjson", raw);
    CHECK(n == 385 && render_all(raw, n, in.data, len, &peak) == 385,
          "all 385 Internal presets render finite and bounded (25 with delay loop gain > 1)");
    printf("  455 presets: largest output peak %.3f\n", peak);
    vx_audio_free(&in);
    return vx_test_summary();
}
