/* The ITO objective of spec/pipeline.md §8.2 (lib/style/objective.c, match.c): chunk
 * activity, peak scale, objective and gradient at the Internal Gaussian's mean against the
 * original's float64 values (test/fixtures/ito_objective_golden.json, from
 * golden/ito/ito.json), the gradient against central differences of vx's own objective,
 * the prior's gradient, and 30 Adam steps against the original's 30-step run. The golden
 * setting: references = wet chunks 0 and 2, query = dry chunk 1 (test/fixtures/README.md).
 * The objective and gradient are taken at the original's starting point: gaussian.npz's
 * float32 mean, of which presets/internal-gaussian.json keeps the shortest decimals (they
 * parse to doubles up to 5e-8 relative away; MIR's gradient is rough at that scale, see
 * test_encoder). */
#include "harness.h"

#include <string.h>
#include <sndfile.h>

#include "io/ndjson.h"
#include "stats/gauss.h"
#include "stats/prior.h"
#include "preset.h"
#include "stats/mask.h"
#include "style/chunks.h"
#include "style/match.h"
#include "style/objective.h"

#define LEN 485100 /* 11 s */

/* A WAV fixture as planar channels: x[c * frames + t]. NULL if missing. */
static float *read_planar(const char *path, size_t *frames, int *channels)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f)
        return NULL;
    size_t n = (size_t)info.frames;
    float *in = malloc(n * info.channels * sizeof *in), *x = malloc(n * info.channels * sizeof *x);
    sf_readf_float(f, in, info.frames);
    sf_close(f);
    for (size_t t = 0; t < n; t++)
        for (int c = 0; c < info.channels; c++)
            x[c * n + t] = in[t * info.channels + c];
    free(in);
    *frames = n, *channels = info.channels;
    return x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The activity median against a sort of the whole envelope, on odd and even counts. */
static void test_activity(void)
{
    size_t n = 9000;
    float *x = malloc(n * sizeof *x);
    unsigned long long s = 7;
    for (size_t t = 0; t < n; t++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[t] = (float)((double)(s >> 11) / 9007199254740992.0 - 0.5) * (t < 4000 ? 0.01f : 1.0f);
    }
    for (size_t len = n - 1; len <= n; len++) {
        size_t m = len - VX_STYLE_ENVELOPE + 1;
        double *env = malloc(m * sizeof *env), med;
        for (size_t i = 0; i < m; i++) {
            env[i] = 0;
            for (size_t k = 0; k < VX_STYLE_ENVELOPE; k++)
                env[i] = fmax(env[i], fabs((double)x[i + k]));
        }
        qsort(env, m, sizeof *env, cmp_double);
        double want = m % 2 ? env[m / 2] : 0.5 * (env[m / 2 - 1] + env[m / 2]);
        CHECK(vx_style_activity(x, NULL, len, &med, NULL) == 0, "activity runs");
        CHECK_REL(med, want, 1e-15, 0, len % 2 ? "activity median, odd count" : "activity median, even count");
        free(env);
    }
    free(x);
}

typedef struct {
    float *dry1, *wet0, *wet2; /* planar */
    const float *ref_l[2], *ref_r[2], *query[1];
    vx_gauss *g;
    cJSON *golden;
} setting;

static int load_setting(setting *st)
{
    int c0, c1, c2;
    size_t n0, n1, n2, count, starts[1];
    vx_err e;
    st->wet0 = read_planar("test/fixtures/ito_wet_chunk0_11s.wav", &n0, &c0);
    st->dry1 = read_planar("test/fixtures/ito_dry_chunk1_11s.wav", &n1, &c1);
    st->wet2 = read_planar("test/fixtures/ito_wet_chunk2_11s.wav", &n2, &c2);
    st->g = vx_gauss_load("presets/internal-gaussian.json", &e);
    st->golden = vx_json_read_document("test/fixtures/ito_objective_golden.json", &e);
    if (!st->wet0 || !st->dry1 || !st->wet2 || c0 != 2 || c1 != 1 || c2 != 2 || n0 != LEN ||
        n1 != LEN || n2 != LEN || !st->g || !st->golden)
        return -1;
    st->ref_l[0] = st->wet0, st->ref_r[0] = st->wet0 + LEN;
    st->ref_l[1] = st->wet2, st->ref_r[1] = st->wet2 + LEN;
    st->query[0] = st->dry1;
    for (int j = 0; j < 2; j++)
        CHECK(vx_style_active_chunks(st->ref_l[j], st->ref_r[j], LEN, LEN, starts, &count, &e) == 0 &&
                  count == 1, "golden setting: the reference chunks are active");
    return 0;
}

static double golden_num(const setting *st, const char *enc, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(st->golden, enc), key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void golden_grad(const setting *st, const char *enc, double *g)
{
    const cJSON *a = cJSON_GetObjectItem(cJSON_GetObjectItem(st->golden, enc), "grad_neg_loglik");
    for (int k = 0; k < VX_NMASK; k++)
        g[k] = cJSON_GetArrayItem(a, k)->valuedouble;
}

static double cosine(const double *a, const double *b, int n)
{
    double ab = 0, aa = 0, bb = 0;
    for (int k = 0; k < n; k++)
        ab += a[k] * b[k], aa += a[k] * a[k], bb += b[k] * b[k];
    return ab / sqrt(aa * bb);
}

/* The Internal Gaussian's mean as the original holds it: float32 (see the top). */
static void float32_mean(const setting *st, double *x0)
{
    for (int k = 0; k < VX_NMASK; k++)
        x0[k] = (float)st->g->mean[k];
}

/* Central difference of vx's own objective (alpha 0: -loglik) at index k, step h. */
static double central(vx_objective *o, const double *x0, int k, double h)
{
    double x[VX_NMASK], f[2];
    vx_objective_eval ev;
    for (int s = 0; s < 2; s++) {
        memcpy(x, x0, sizeof x);
        x[k] += s ? -h : h;
        f[s] = vx_objective_evaluate(o, x, NULL, 1, 0, &ev, NULL) ? NAN : ev.objective;
    }
    return (f[0] - f[1]) / (2 * h);
}

/* MIR's gradient (the issue: cosine >= 0.99 to the float64 one, and central differences of
 * vx's own objective). Its log spread takes log(|x| + 1e-8) of every sample, so the
 * samples nearest a zero crossing weigh up to 1e8 and the objective is smooth only at
 * steps below about 1e-8 in logit units: at 1e-4 central differences have nothing to do
 * with the derivative (delay time: +1.5 against -311), at 1e-8 they are within 3 %, at
 * 3e-9 within 0.3 % (a step that means something only because the render and the
 * encoder are double: objective.c). Where the derivative is near 0 the central difference
 * itself scatters: at index 110 it ranges from -6.9e-4 to +4.3e-4 over steps 1e-9 to
 * 1.6e-8 (2.2e-6 of max|g|), hence the absolute term 1e-5 max|g|. */
static void test_mir_gradient(vx_objective *o, const double *x0, const double *grad, double c,
                              double worst, double gmax)
{
    char msg[160];
    CHECK(c >= 0.99, "mir: gradient cosine >= 0.99 to the float64 one");
    CHECK_LE(worst, 1.0, "mir: every value within 1e-3 |g| + 1e-4 max|g| (as mfcc)");
    static const int probe[] = {5, 60, 110, 46, 129, 24, 45};
    for (size_t p = 0; p < sizeof probe / sizeof *probe; p++) {
        int k = probe[p];
        double fd = central(o, x0, k, 3e-9);
        snprintf(msg, sizeof msg, "mir: gradient[%d] %.7g against central difference %.7g (step 3e-9)",
                 k, grad[k], fd);
        CHECK_NEAR(grad[k], fd, 0.01 * fabs(fd) + 1e-5 * gmax, msg);
    }
}

static void test_encoder(const setting *st, vx_encoder enc)
{
    const char *name = vx_encoder_name(enc);
    char msg[160];
    vx_err e;
    vx_objective *o = vx_objective_create(enc, LEN, st->ref_l, st->ref_r, 2, st->query, 1, st->g,
                                          0.0, &e);
    CHECK(o != NULL, "objective created");
    if (!o) {
        printf("  %s\n", e.msg);
        return;
    }
    CHECK_REL(vx_objective_peak_scale(o), golden_num(st, name, "peak_scale"), 1e-7, 0, "peak scale");
    vx_objective_eval ev;
    double x0[VX_NMASK];
    float32_mean(st, x0);
    CHECK(vx_objective_evaluate(o, x0, NULL, 1, 1, &ev, &e) == 0, "evaluate at the mean");
    double want[VX_NMASK];
    golden_grad(st, name, want);
    snprintf(msg, sizeof msg, "%s: log prior at the mean", name);
    CHECK_REL(ev.logp, golden_num(st, name, "logp_prior"), 1e-7, 0, msg);
    double c = cosine(ev.grad, want, VX_NMASK), gmax = 0, worst = 0;
    int worst_k = 0;
    for (int k = 0; k < VX_NMASK; k++)
        gmax = fmax(gmax, fabs(want[k]));
    for (int k = 0; k < VX_NMASK; k++) {
        double r = fabs(ev.grad[k] - want[k]) / (1e-3 * fabs(want[k]) + 1e-4 * gmax);
        if (r > worst)
            worst = r, worst_k = k;
    }
    printf("%s: loglik %.10g (golden %.10g), gradient cosine %.8f, worst value %d at %.3g of its "
           "tolerance (%.6g vs %.6g), delay time %.6g vs %.6g\n",
           name, ev.loglik, golden_num(st, name, "loglik"), c, worst_k, worst, ev.grad[worst_k],
           want[worst_k], ev.grad[24], want[24]);
    snprintf(msg, sizeof msg, "%s: loglik at the mean (1e-5 relative)", name);
    CHECK_REL(ev.loglik, golden_num(st, name, "loglik"), 1e-5, 0, msg);
    snprintf(msg, sizeof msg, "%s: mid RMS angle", name);
    CHECK_REL(ev.sigma[0], golden_num(st, name, "mid_rms_angle"), 1e-5, 0, msg);
    snprintf(msg, sizeof msg, "%s: side RMS angle", name);
    CHECK_REL(ev.sigma[1], golden_num(st, name, "side_rms_angle"), 1e-5, 0, msg);
    if (enc == VX_ENCODER_MIR) {
        test_mir_gradient(o, x0, ev.grad, c, worst, gmax);
        vx_objective_free(o);
        return;
    }
    CHECK(c >= 0.9999, "mfcc: gradient cosine >= 0.9999");
    CHECK_LE(worst, 1.0, "mfcc: every value within 1e-3 |g| + 1e-4 max|g|");
    /* vx's own objective: central differences (step 1e-4 in logit units, as the golden
     * README: peak Q, FDN gamma, FDN U, FDN c, dry pan; the compressor's attack/release
     * switch, held fixed in the backward pass, leaves about 1 % at some of them). The
     * delay time (index 24) is the eval-mode delay's autograd value, which the golden
     * matches above; central differences give -0.948 against it (-1.045) on this setting
     * (the golden README: the hard delay is not smooth at this scale), so it is held to
     * 15 %. */
    static const int probe[] = {5, 60, 110, 46, 129};
    for (size_t p = 0; p < sizeof probe / sizeof *probe; p++) {
        int k = probe[p];
        double fd = central(o, x0, k, 1e-4);
        snprintf(msg, sizeof msg, "%s: gradient[%d] %.7g against central difference %.7g", name, k,
                 ev.grad[k], fd);
        CHECK_NEAR(ev.grad[k], fd, 0.02 * fabs(fd) + 1e-3 * gmax, msg);
    }
    double fd24 = central(o, x0, 24, 1e-4);
    printf("%s: delay time gradient %.6g, central difference %.6g\n", name, ev.grad[24], fd24);
    CHECK_NEAR(ev.grad[24], fd24, 0.15 * fabs(fd24), "mfcc: delay time gradient within 15 % of central differences");
    vx_objective_free(o);
}

/* The prior's gradient against central differences, away from the mean. */
static void test_prior_gradient(const setting *st)
{
    vx_err e;
    vx_prior *p = vx_prior_create(st->g, &e);
    double x[VX_NMASK], g[VX_NMASK], worst = 0;
    for (int k = 0; k < VX_NMASK; k++)
        x[k] = st->g->mean[k] + 0.3 * sin(1.7 * k);
    double lp = vx_prior_logpdf_grad(p, x, g);
    CHECK_REL(lp, vx_prior_logpdf(p, x, NULL), 1e-14, 0, "logpdf_grad's value is logpdf's");
    for (int k = 0; k < VX_NMASK; k++) {
        double h = 1e-4, xp[VX_NMASK], xm[VX_NMASK];
        memcpy(xp, x, sizeof x), memcpy(xm, x, sizeof x);
        xp[k] += h, xm[k] -= h;
        double fd = (vx_prior_logpdf(p, xp, NULL) - vx_prior_logpdf(p, xm, NULL)) / (2 * h);
        worst = fmax(worst, fabs(fd - g[k]) / fmax(fabs(g[k]), 1.0));
    }
    printf("prior gradient: worst relative difference to central differences %.3g\n", worst);
    CHECK_LE(worst, 1e-6, "prior gradient against central differences");
    vx_prior_free(p);
}

/* 30 Adam steps from the float32 mean (alpha 0.01, mfcc, lr 0.01) as ito.py's
 * one_evaluation: the objective curve within 0.05 of the original's (its float32 run) at
 * every step, and param_mse to MedleyDB preset 5 below the mean's. The eval split over a 3-chunk pair: wet chunk 1
 * only has to be active (its slot holds chunk 0 again) and only dry chunk 1 is read. */
static void test_thirty_steps(const setting *st)
{
    size_t n = 3 * LEN;
    float *dry = malloc(n * sizeof *dry), *wet = malloc(2 * n * sizeof *wet);
    const float *wsrc[3] = {st->wet0, st->wet0, st->wet2};
    for (int c = 0; c < 3; c++)
        for (size_t t = 0; t < LEN; t++) {
            dry[c * LEN + t] = st->dry1[t];
            wet[c * LEN + t] = wsrc[c][t], wet[n + c * LEN + t] = wsrc[c][LEN + t];
        }
    vx_match_settings set = vx_match_defaults();
    set.steps = 30;
    vx_err e;
    vx_match *m = vx_match_create(dry, n, wet, wet + n, n, VX_MATCH_EVAL, st->g, &set, &e);
    CHECK(m && vx_match_references(m) == 2 && vx_match_queries(m) == 1, "eval split: 2 references, 1 query");
    if (!m)
        return;
    double x0[VX_NMASK];
    float32_mean(st, x0);
    vx_match_start(m, x0);
    int ok = 1;
    for (int k = 0; k < 30 && ok; k++) {
        vx_match_progress p;
        ok = vx_match_step(m, &p, &e) == 0;
    }
    CHECK(ok, "30 steps");
    size_t nl;
    const double *losses = vx_match_losses(m, &nl);
    const cJSON *run = cJSON_GetObjectItem(st->golden, "ito_mfcc_alpha0.01");
    const cJSON *curve = cJSON_GetObjectItem(run, "loss_curve");
    double theirs = cJSON_GetArrayItem(curve, 29)->valuedouble;
    double truth[VX_NRAW], tx[VX_NMASK], mse = 0, mse_mean = 0;
    vx_preset_load("test/fixtures/preset_medleydb5.json", NULL, 0, truth, NULL, &e);
    vx_mask_pick(st->g->mask, truth, tx);
    const double *x = vx_match_x(m);
    for (int k = 0; k < VX_NMASK; k++)
        mse += (x[k] - tx[k]) * (x[k] - tx[k]) / VX_NMASK,
            mse_mean += (st->g->mean[k] - tx[k]) * (st->g->mean[k] - tx[k]) / VX_NMASK;
    printf("30 steps: objective %.6g -> %.6g before step 30 (original %.6g -> %.6g); param_mse "
           "%.4f (original %.4f), the mean's %.4f (original %.4f)\n", losses[0], losses[29],
           cJSON_GetArrayItem(curve, 0)->valuedouble, theirs, mse,
           cJSON_GetObjectItem(run, "param_mse_final")->valuedouble, mse_mean,
           cJSON_GetObjectItem(run, "param_mse_mean")->valuedouble);
    CHECK(nl == 30, "30 losses");
    /* The curve is still falling 0.07 a step at step 30, and 30 Adam steps turn rounding
     * into a spread there: before step 30, from -0.7229 (FFTW with LAPACK's Cholesky and
     * the double mean) to -0.6923 (KissFFT from the float32 mean), -0.7066 with FFTW,
     * against the original's -0.7180. Every step is held to the original's within 0.05,
     * above that spread; the result after step 30 is held below the original's. */
    double worst = 0;
    for (int k = 0; k < 30; k++)
        worst = fmax(worst, fabs(losses[k] - cJSON_GetArrayItem(curve, k)->valuedouble));
    CHECK_LE(worst, 0.05, "every step's objective within 0.05 of the original's curve");
    /* what vx-match --eval --steps 30 reports: the objective of its result, after step 30 */
    vx_objective_eval ev;
    CHECK(vx_objective_evaluate(vx_match_objective(m), vx_match_x(m), NULL, 0, 0, &ev, &e) == 0,
          "the result's objective");
    printf("30 steps: the result's objective %.6g (the original's last logged %.6g)\n",
           ev.objective, theirs);
    CHECK_LE(ev.objective, theirs, "the result's objective no higher than the original's 30-step run");
    CHECK_REL(mse_mean, cJSON_GetObjectItem(run, "param_mse_mean")->valuedouble, 1e-6, 0,
              "param_mse of the mean as the original's");
    CHECK(mse < mse_mean, "param_mse after 30 steps below the mean's");
    vx_match_free(m);
    free(dry), free(wet);
}

int main(void)
{
    test_activity();
    setting st = {0};
    if (load_setting(&st)) {
        CHECK(0, "the golden ITO setting's fixtures and presets/internal-gaussian.json load");
        return vx_test_summary();
    }
    test_prior_gradient(&st);
    test_encoder(&st, VX_ENCODER_MFCC);
    test_encoder(&st, VX_ENCODER_MIR);
    test_thirty_steps(&st);
    free(st.dry1), free(st.wet0), free(st.wet2);
    vx_gauss_free(st.g);
    cJSON_Delete(st.golden);
    return vx_test_summary();
}
