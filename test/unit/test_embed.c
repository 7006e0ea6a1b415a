/* The MFCC and MIR style embeddings (spec/pipeline.md §8.5): the golden embeddings of the
 * ITO setting's first reference chunk, each backward pass against central differences,
 * and closed forms (a cosine's spectral features, the DCT's orthogonality, the mel
 * filterbank's partition of unity). */
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "io/ndjson.h"
#include "style/embed.h"
#include "style/encoder.h"

enum { CHUNK = 485100 }; /* 11 s at 44.1 kHz */

static double max_abs_diff(const double *a, const double *b, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

static void json_vector(const cJSON *doc, const char *enc, const char *key, double *v, int dim)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, enc), key);
    int i = 0;
    for (const cJSON *x = arr ? arr->child : NULL; x && i < dim; x = x->next)
        v[i++] = x->valuedouble;
    CHECK(i == dim && cJSON_GetArraySize(arr) == dim, key);
}

/* Mid and side of the stereo fixture, scaled by g first (spec/pipeline.md §8.2). */
static int read_mid_side(double g, double *mid, double *side)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open("test/fixtures/ito_wet_chunk0_11s.wav", SFM_READ, &info);
    if (!f || info.channels != 2 || info.frames != CHUNK) {
        if (f)
            sf_close(f);
        return -1;
    }
    float *lr = malloc(2 * CHUNK * sizeof *lr);
    sf_count_t got = lr ? sf_readf_float(f, lr, CHUNK) : 0;
    sf_close(f);
    for (size_t i = 0; got == CHUNK && i < CHUNK; i++) {
        double l = g * lr[2 * i], r = g * lr[2 * i + 1];
        mid[i] = (l + r) / sqrt(2), side[i] = (l - r) / sqrt(2);
    }
    free(lr);
    return got == CHUNK ? 0 : -1;
}

/* Reference chunk 0 of golden/ito against the original's float64 embeddings: within 1e-5
 * (the acceptance bar). The side is embedded with the mid (one top_db maximum for both):
 * alone it is far off; unscaled, both encoders are off too (the scale moves the mean of
 * the MFCC's c0 and of the log RMS). */
static void check_golden(void)
{
    vx_err e;
    cJSON *doc = vx_json_read_document("test/fixtures/ito_embed_golden.json", &e);
    CHECK(doc != NULL, "golden embeddings readable");
    if (!doc)
        return;
    double g = cJSON_GetObjectItemCaseSensitive(doc, "peak_scale")->valuedouble;
    double *mid = malloc(CHUNK * sizeof *mid), *side = malloc(CHUNK * sizeof *side);
    CHECK(read_mid_side(g, mid, side) == 0, "reference chunk readable");
    for (vx_encoder enc = VX_ENCODER_MFCC; enc <= VX_ENCODER_MIR; enc++) {
        const char *name = vx_encoder_name(enc);
        int dim = vx_embed_dim(enc);
        double want_m[100], want_s[100], got_m[100], got_s[100], alone[100];
        json_vector(doc, name, "ref_embed_mid", want_m, dim);
        json_vector(doc, name, "ref_embed_side", want_s, dim);
        vx_embedder *em = vx_embedder_create(enc, CHUNK, &e), *es = vx_embedder_create(enc, CHUNK, &e);
        CHECK(em && es, "embedders created");
        if (!em || !es)
            continue;
        CHECK(vx_embed_ms(em, es, mid, side, got_m, got_s, &e) == 0, "embed mid and side");
        double err_m = max_abs_diff(got_m, want_m, dim), err_s = max_abs_diff(got_s, want_s, dim);
        printf("embed: %s golden chunk 0, max abs error mid %.2e side %.2e\n", name, err_m, err_s);
        CHECK_LE(err_m, 1e-5, enc == VX_ENCODER_MFCC ? "mfcc mid embedding vs golden" : "mir mid embedding vs golden");
        CHECK_LE(err_s, 1e-5, enc == VX_ENCODER_MFCC ? "mfcc side embedding vs golden" : "mir side embedding vs golden");
        if (enc == VX_ENCODER_MFCC) {
            vx_embed(es, side, alone, &e);
            CHECK(max_abs_diff(alone, want_s, dim) > 1e-3, "mfcc side alone: its own top_db maximum differs");
        }
        for (size_t i = 0; i < CHUNK; i++)
            mid[i] /= g;
        vx_embed(em, mid, alone, &e);
        CHECK(max_abs_diff(alone, want_m, dim) > 1e-3, "unscaled mid differs: the peak scale matters");
        for (size_t i = 0; i < CHUNK; i++)
            mid[i] *= g;
        vx_embedder_free(em), vx_embedder_free(es);
    }
    free(mid), free(side);
    cJSON_Delete(doc);
}

/* A loss that weighs every entry of both embeddings: sum w_m e_mid + w_s e_side. */
static double weighted(vx_embedder *em, vx_embedder *es, int dim, const double *xm, const double *xs,
                       const double *wm, const double *ws)
{
    double a[100], b[100], s = 0;
    vx_err e;
    if (vx_embed_ms(em, es, xm, xs, a, b, &e))
        return NAN;
    for (int i = 0; i < dim; i++)
        s += wm[i] * a[i] + ws[i] * b[i];
    return s;
}

/* Six frames of two made-up channels: a gliding tone with noise, 40 dB louder in the mid,
 * and from sample 3000 to 5200 near silence (about 1e-6: the MFCC's top_db clamp holds
 * there and the MIR's log spread is steep). */
static void test_signal(double *xm, double *xs, size_t n)
{
    unsigned s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        double noise = ((s >> 8) & 0xffff) / 65536.0 - 0.5;
        double quiet = i >= 3000 && i < 5200 ? 1e-5 : 1;
        xm[i] = quiet * (0.3 * sin(0.05 * i + 2e-5 * i * i) + 0.05 * noise);
        xs[i] = quiet * 0.01 * (cos(0.11 * i) + 0.3 * noise * noise - 0.1);
    }
}

/* The least (most = 0) or the largest (most = 1) over the frames holding sample i of the
 * frame's largest |a|. */
static double frames_peak(const double *a, size_t n, size_t i, int most)
{
    double r = most ? 0 : INFINITY;
    for (size_t t = 0; t < vx_frames(n); t++) {
        size_t start = t * VX_FRAME_HOP;
        if (i < start || i >= start + VX_FRAME_LEN)
            continue;
        double m = 0;
        for (size_t j = start; j < start + VX_FRAME_LEN; j++)
            m = fmax(m, fabs(a[j]));
        r = most ? fmax(r, m) : fmin(r, m);
    }
    return r;
}

/* d(loss)/dx of both channels against central differences at samples in loud and
 * near-silent frames, in frame overlaps and at the ends. The steps: MFCC's features are
 * logs of frame powers, which bend on the scale of the frame's samples: h = 1e-3 of the
 * largest |x| of the quietest frame holding the sample, truncation about (1e-3)^2 of the
 * gradients in those frames. MIR's log spread, log(|x_i| + 1e-8), bends on the scale of the
 * sample itself: h = 1e-5 |x_i|, truncation about 1e-10. The bar adds 1e-5 of the value, the
 * truncation (1e-6 of the largest gradient in the frames holding the sample) and the
 * rounding of the loss (|loss| < 10, measured rounding about 2e-16) divided by h: 1e-15 / h. */
static void check_gradient(vx_encoder enc)
{
    enum { N = VX_FRAME_LEN + 5 * VX_FRAME_HOP };
    static const size_t at[] = {0, 17, 1023, 1500, 2047, 2600, 3100, 3500, 4096, 4500, 5100, 6000, N - 1};
    int dim = vx_embed_dim(enc);
    double *xm = malloc(N * sizeof *xm), *xs = malloc(N * sizeof *xs);
    double *gm = calloc(N, sizeof *gm), *gs = calloc(N, sizeof *gs), wm[100], ws[100];
    test_signal(xm, xs, N);
    for (int i = 0; i < dim; i++)
        wm[i] = cos(1.3 * i + 0.2), ws[i] = sin(0.7 * i + 1);
    vx_err e;
    vx_embedder *em = vx_embedder_create(enc, N, &e), *es = vx_embedder_create(enc, N, &e);
    double a[100], b[100];
    vx_embed_ms(em, es, xm, xs, a, b, &e);
    CHECK(vx_embed_ms_backward(em, es, wm, ws, gm, gs, &e) == 0, "backward runs");
    double worst = 0;
    for (int c = 0; c < 2; c++)
        for (size_t j = 0; j < sizeof at / sizeof *at; j++) {
            double *x = c ? xs : xm, *gx = c ? gs : gm, g = gx[at[j]], x0 = x[at[j]];
            double h = enc == VX_ENCODER_MFCC ? 1e-3 * frames_peak(x, N, at[j], 0) : fmax(1e-5 * fabs(x0), 1e-12);
            x[at[j]] = x0 + h;
            double up = weighted(em, es, dim, xm, xs, wm, ws);
            x[at[j]] = x0 - h;
            double down = weighted(em, es, dim, xm, xs, wm, ws);
            x[at[j]] = x0;
            double fd = (up - down) / (2 * h), bar = 1e-5 * fabs(fd) + 1e-6 * frames_peak(gx, N, at[j], 1) + 1e-15 / h;
            worst = fmax(worst, fabs(fd - g) / bar);
            char name[96];
            snprintf(name, sizeof name, "%s gradient, %s sample %zu (x %.2g)", vx_encoder_name(enc),
                     c ? "side" : "mid", at[j], x0);
            CHECK_NEAR(g, fd, bar, name);
        }
    printf("embed: %s backward vs central differences: worst error %.2g of the bar\n", vx_encoder_name(enc), worst);
    vx_embedder_free(em), vx_embedder_free(es);
    free(xm), free(xs), free(gm), free(gs);
}

int main(void)
{
    check_golden();
    check_gradient(VX_ENCODER_MFCC);
    check_gradient(VX_ENCODER_MIR);
    return vx_test_summary();
}
