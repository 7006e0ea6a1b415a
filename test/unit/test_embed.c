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

/* A loss that weighs every entry of both embeddings: sum w_m e_mid + w_s e_side; without
 * es, sum w_m e of the mid embedded alone (vx_embed). */
static double weighted(vx_embedder *em, vx_embedder *es, int dim, const double *xm, const double *xs,
                       const double *wm, const double *ws)
{
    double a[100], b[100], s = 0;
    vx_err e;
    if (es ? vx_embed_ms(em, es, xm, xs, a, b, &e) : vx_embed(em, xm, a, &e))
        return NAN;
    for (int i = 0; i < dim; i++)
        s += wm[i] * a[i] + (es ? ws[i] * b[i] : 0);
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
static void check_gradient(vx_encoder enc, int pair)
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
    vx_embedder *em = vx_embedder_create(enc, N, &e), *es = pair ? vx_embedder_create(enc, N, &e) : NULL;
    weighted(em, es, dim, xm, xs, wm, ws);
    CHECK((pair ? vx_embed_ms_backward(em, es, wm, ws, gm, gs, &e) : vx_embed_backward(em, wm, gm, &e)) == 0,
          "backward runs");
    double worst = 0;
    for (int c = 0; c < 1 + pair; c++)
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
                     c ? "side" : pair ? "mid" : "mid alone", at[j], x0);
            CHECK_NEAR(g, fd, bar, name);
        }
    printf("embed: %s backward vs central differences (%s): worst error %.2g of the bar\n",
           vx_encoder_name(enc), pair ? "mid and side" : "one channel", worst);
    vx_embedder_free(em), vx_embedder_free(es);
    free(xm), free(xs), free(gm), free(gs);
}

/* A cosine at bin K0 of a 2048-point frame, whole cycles in every frame: the Hann window
 * puts A N / 4 at bin K0 and A N / 8 at its neighbours and nothing elsewhere. So per frame:
 * log RMS = log(A / sqrt 2 + eps), crest = log(A + eps) - log RMS, centroid = K0 / 1024,
 * bandwidth^2 = 2 (1/4) / 1024^2 around the centroid + eps, flatness from those three
 * magnitudes and 1022 clamped at 1e-8. The FFT's rounding leaves about 1e-13 in the other
 * bins (under the clamp, so flatness is exact): relative to A N / 2 = 512 and weighed by
 * up to (1 - centroid)^2 over 1022 bins, 1e-10 for the centroid and 1e-6 for the bandwidth. */
static void check_cosine_features(void)
{
    enum { K0 = 100, N = VX_FRAME_LEN + 2 * VX_FRAME_HOP };
    const double A = 0.5, eps = 1e-8;
    double *x = malloc(N * sizeof *x), feat[VX_MIR_FEATURES * 3];
    for (int i = 0; i < N; i++)
        x[i] = A * cos(2 * M_PI * K0 * i / VX_FRAME_LEN);
    vx_mir *m = vx_mir_new(N);
    CHECK(m != NULL, "mir features made");
    if (!m) {
        free(x);
        return;
    }
    vx_mir_features(m, x, feat);
    double log_rms = log(A / sqrt(2) + eps), centroid = (double)K0 / 1024;
    double spread2 = 0.25 * (pow(-1.0 / 1024 - eps, 2) + pow(1.0 / 1024 - eps, 2)) + 0.5 * eps * eps;
    double big = A * VX_FRAME_LEN / 4, side = big / 2, q[3] = {side * side, big * big, side * side};
    double mean_log = (log(q[0]) + log(q[1]) + log(q[2]) + (VX_FRAME_BINS - 3) * log(eps * eps)) / VX_FRAME_BINS;
    double mean_q = (q[0] + q[1] + q[2] + (VX_FRAME_BINS - 3) * eps * eps) / VX_FRAME_BINS;
    for (int t = 0; t < 3; t++) {
        CHECK_NEAR(feat[0 * 3 + t], log_rms, 1e-12, "cosine: log RMS");
        CHECK_NEAR(feat[1 * 3 + t], log(A + eps) - log_rms, 1e-12, "cosine: log crest");
        CHECK_NEAR(feat[3 * 3 + t], log(centroid + eps), 1e-10, "cosine: log centroid at its bin");
        CHECK_NEAR(feat[4 * 3 + t], 0.5 * log(spread2 + eps), 1e-6, "cosine: log bandwidth, one bin each side");
        CHECK_NEAR(feat[5 * 3 + t], mean_log - log(mean_q), 1e-9, "cosine: log flatness");
    }
    vx_mir_free(m);
    free(x);
}

/* The DCT is orthonormal (create_dct "ortho"); the HTK triangles without area
 * normalisation sum to 1 at every bin between the first and last band centres, every band
 * holds a bin, and weights lie in [0, 1]. */
static void check_mfcc_matrices(void)
{
    vx_mfcc *m = vx_mfcc_new(VX_FRAME_LEN);
    CHECK(m != NULL, "mfcc made");
    if (!m)
        return;
    double worst = 0;
    for (int k = 0; k < VX_MFCC_COEFFS; k++)
        for (int j = 0; j < VX_MFCC_COEFFS; j++) {
            double dot = 0;
            for (int b = 0; b < VX_MFCC_MELS; b++)
                dot += vx_mfcc_dct(m, k, b) * vx_mfcc_dct(m, j, b);
            worst = fmax(worst, fabs(dot - (k == j)));
        }
    CHECK_LE(worst, 1e-14, "DCT rows orthonormal");
    CHECK_NEAR(vx_mfcc_dct(m, 0, 77), 1 / sqrt(VX_MFCC_MELS), 1e-15, "DCT row 0 = 1 / sqrt 128");
    double mel_max = 2595 * log10(1 + 22050 / 700.0);
    double first = 700 * (pow(10, mel_max / 129 / 2595) - 1), last = 700 * (pow(10, mel_max * 128 / 129 / 2595) - 1);
    double sum_err = 0, lo = 0, hi = 0;
    int empty = 0;
    for (int b = 0; b < VX_MFCC_MELS; b++) {
        double band = 0;
        for (int k = 0; k < VX_FRAME_BINS; k++) {
            double w = vx_mfcc_weight(m, b, k);
            band += w, lo = fmin(lo, w), hi = fmax(hi, w);
        }
        empty += band == 0;
    }
    for (int k = 0; k < VX_FRAME_BINS; k++) {
        double f = k * 22050.0 / 1024, s = 0;
        if (f < first || f > last)
            continue;
        for (int b = 0; b < VX_MFCC_MELS; b++)
            s += vx_mfcc_weight(m, b, k);
        sum_err = fmax(sum_err, fabs(s - 1));
    }
    CHECK_LE(sum_err, 1e-12, "mel triangles sum to 1 between the first and last centres");
    CHECK(empty == 0, "every mel band holds a bin");
    CHECK(lo >= 0 && hi <= 1, "mel weights in [0, 1]");
    vx_mfcc_free(m);
}

static void check_interface(void)
{
    vx_err e = {{0}};
    vx_encoder enc;
    CHECK(vx_embed_dim(VX_ENCODER_MFCC) == 100 && vx_embed_dim(VX_ENCODER_MIR) == 24, "dimensions 100 and 24");
    CHECK(vx_encoder_parse("mir", &enc) == 0 && enc == VX_ENCODER_MIR, "parse mir");
    CHECK(vx_encoder_parse("mfcc", &enc) == 0 && enc == VX_ENCODER_MFCC && !strcmp(vx_encoder_name(enc), "mfcc"),
          "parse mfcc");
    CHECK(vx_encoder_parse("afx-rep", &enc) == -1, "unknown encoder refused");
    CHECK(vx_embedder_create(VX_ENCODER_MFCC, 2047, &e) == NULL && strstr(e.msg, "2047"),
          "fewer samples than a frame refused, with the count");
}

int main(void)
{
    check_interface();
    check_cosine_features();
    check_mfcc_matrices();
    check_golden();
    for (int pair = 0; pair < 2; pair++) {
        check_gradient(VX_ENCODER_MFCC, pair);
        check_gradient(VX_ENCODER_MIR, pair);
    }
    return vx_test_summary();
}
