/* The DiffVox loss (spec/pipeline.md §1): the golden values of losses.json through the
 * evaluation path and the training path, a batch against the double-precision reference,
 * the gradient of the whole batch against central differences of that reference, thread
 * independence, the streaming passes against the kept-state ones, edge cases and error
 * codes, and the time of one 7 s training chunk. */
#include "loss/aweight.h"
#include "loss/total.h"
#include "harness.h"
#include "loss_ref.h"

#include <omp.h>
#include <sndfile.h>
#include <time.h>

static float *read_wav(const char *path, size_t *frames, int *channels)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f)
        return NULL;
    float *x = malloc((size_t)info.frames * info.channels * sizeof *x);
    *frames = x ? (size_t)sf_readf_float(f, x, info.frames) : 0;
    *channels = info.channels;
    sf_close(f);
    return x;
}

static double rel(double got, double want) { return fabs(got / want - 1); }

/* The training path with one item: target, work, forward, combine. */
static vx_loss_parts train_parts(const float *pred, const float *target, size_t len)
{
    float *ch = malloc(4 * len * sizeof *ch);
    for (size_t n = 0; n < len; n++) {
        ch[n] = pred[2 * n], ch[len + n] = pred[2 * n + 1];
        ch[2 * len + n] = target[2 * n], ch[3 * len + n] = target[2 * n + 1];
    }
    vx_loss *L = vx_loss_create(len, NULL);
    vx_loss_target *t = vx_loss_target_create(L, ch + 2 * len, ch + 3 * len);
    vx_loss_work *w = vx_loss_work_create(L);
    vx_loss_batch b = {0};
    CHECK(L && t && w && vx_loss_forward(w, t, ch, ch + len) == 0 &&
              vx_loss_combine(L, &w, 1, &b) == 0,
          "training path");
    vx_loss_work_free(w);
    vx_loss_target_free(t);
    vx_loss_free(L);
    free(ch);
    return b.parts;
}

/* golden/losses.json: mss_lr, mss_ms, per-resolution mss_lr, and the per-signal MLDR. */
static double golden_case(const char *name, const float *pred, const float *target, size_t len,
                          const double want[7])
{
    vx_loss_parts e, t;
    vx_err err;
    CHECK(vx_loss_eval(pred, len, 2, target, len, 2, NULL, &e, &err) == 0, "eval");
    t = train_parts(pred, target, len);
    const double got_e[7] = {e.mss_lr, e.mss_ms, e.mldr_lr, e.mldr_ms,
                             e.mss_lr_res[0], e.mss_lr_res[1], e.mss_lr_res[2]};
    const double got_t[7] = {t.mss_lr, t.mss_ms, t.mldr_lr, t.mldr_ms,
                             t.mss_lr_res[0], t.mss_lr_res[1], t.mss_lr_res[2]};
    double worst = 0, paths = 0;
    for (int i = 0; i < 7; i++) {
        worst = fmax(worst, fmax(rel(got_e[i], want[i]), rel(got_t[i], want[i])));
        paths = fmax(paths, rel(got_t[i], got_e[i]));
    }
    printf("loss golden %s: mss_lr %.7f mss_ms %.7f mldr_lr %.7f mldr_ms %.7f, worst relative "
           "deviation %.2g (eval and training paths differ by %.2g)\n",
           name, e.mss_lr, e.mss_ms, e.mldr_lr, e.mldr_ms, worst, paths);
    CHECK_LE(worst, 1e-4, "golden losses within 1e-4 relative");
    CHECK_NEAR(e.total, e.mss_lr + 0.5 * e.mss_ms + 0.5 * e.mldr_lr + 0.25 * e.mldr_ms, 1e-12,
               "total = 1, 0.5, 0.5, 0.25");
    return worst;
}

static void golden(void)
{
    size_t n0, n1, n2;
    int c0, c1, c2;
    float *r0 = read_wav("test/fixtures/render_medleydb0_6s.wav", &n0, &c0);
    float *r1 = read_wav("test/fixtures/render_medleydb1_6s.wav", &n1, &c1);
    float *in = read_wav("test/fixtures/input_6s.wav", &n2, &c2);
    CHECK(r0 && r1 && in && c0 == 2 && c1 == 2 && c2 == 1 && n0 == n1 && n1 == n2, "fixtures");
    if (!r0 || !r1 || !in)
        return;
    const double want01[7] = {1.0150586366653442, 1.8326488733291626, 0.616541862487793,
                              0.8493545055389404, 0.9816659688949585, 0.9987144470214844,
                              1.0647956132888794};
    const double want_np[7] = {1.1448684930801392, 2.595609664916992, 1.3943973779678345,
                               1.4917254447937012, 1.1389565467834473, 1.1363327503204346,
                               1.1593163013458252};
    golden_case("render0 vs render1", r0, r1, n0, want01);
    float *dup = malloc(2 * n2 * sizeof *dup); /* input_6s duplicated: the no-process case */
    for (size_t n = 0; n < n2; n++)
        dup[2 * n] = dup[2 * n + 1] = in[n];
    golden_case("input (no process) vs render1", dup, r1, n2, want_np);
    free(r0), free(r1), free(in), free(dup);
}

/* A batch of B items of T samples: prediction and target signals as float and double. */
typedef struct {
    int B, T;
    float *pf[8], *yf[8];   /* item i: [2i] = L, [2i+1] = R */
    double *pd[8], *yd[8];
} batch;

static void batch_make(batch *bt, int B, int T, unsigned long long seed)
{
    bt->B = B, bt->T = T;
    for (int c = 0; c < 2 * B; c++) {
        bt->pf[c] = malloc(T * sizeof(float)), bt->yf[c] = malloc(T * sizeof(float));
        bt->pd[c] = malloc(T * sizeof(double)), bt->yd[c] = malloc(T * sizeof(double));
        for (int t = 0; t < T; t++) {
            double env = 0.2 + 0.8 * (0.5 + 0.5 * sin(2 * M_PI * (t + 500 * c) / 3000.0));
            bt->pf[c][t] = (float)(0.3 * env * ref_urand(&seed) + 0.1 * sin(0.02 * t * (c + 1)));
            bt->yf[c][t] = (float)(0.4 * ref_urand(&seed) * (0.3 + (t % 2500 < 1200)));
        }
        /* clicks at the ends keep the edge frames' spectra off zero, where float32
         * rounding of a near-zero magnitude would dominate the comparison */
        bt->pf[c][0] += c % 2 ? 6.0f : 10.0f, bt->pf[c][T - 1] += c % 2 ? 6.0f : 10.0f;
        for (int t = 0; t < T; t++)
            bt->pd[c][t] = bt->pf[c][t], bt->yd[c][t] = bt->yf[c][t];
    }
}

static void batch_free(batch *bt)
{
    for (int c = 0; c < 2 * bt->B; c++)
        free(bt->pf[c]), free(bt->yf[c]), free(bt->pd[c]), free(bt->yd[c]);
}

static ref_cfg ref_of(const vx_loss_config *c)
{
    ref_cfg r = {.nres = (int)c->nres,
                 .ts = {c->tau_short_ms[0], c->tau_short_ms[1]},
                 .tl = {c->tau_long_ms[0], c->tau_long_ms[1]},
                 .w = {c->w.mss_lr, c->w.mss_ms, c->w.mldr_lr, c->w.mldr_ms}};
    for (size_t i = 0; i < c->nres; i++)
        r.nfft[i] = (int)c->nfft[i], r.hop[i] = (int)c->hop[i];
    return r;
}

/* Forward, combine and backward of the batch; g[c] receives item c/2's channel gradient. */
static vx_loss_batch run_batch(const vx_loss *L, const batch *bt, float *const *g)
{
    vx_loss_target *t[8];
    vx_loss_work *w[8];
    vx_loss_batch b = {0};
    for (int i = 0; i < bt->B; i++) {
        t[i] = vx_loss_target_create(L, bt->yf[2 * i], bt->yf[2 * i + 1]);
        w[i] = vx_loss_work_create(L);
        vx_loss_forward(w[i], t[i], bt->pf[2 * i], bt->pf[2 * i + 1]);
    }
    vx_loss_combine(L, w, bt->B, &b);
    for (int i = 0; i < bt->B; i++) {
        vx_loss_backward(w[i], &b, g[2 * i], g[2 * i + 1]);
        vx_loss_work_free(w[i]);
        vx_loss_target_free(t[i]);
    }
    return b;
}

/* Smooth random direction (16-sample moving average of noise) on [t0, t1) of every
 * channel c with c == only, or of all channels when only < 0. */
static void direction(double **dir, int nch, int T, int only, int t0, int t1,
                      unsigned long long *seed)
{
    for (int c = 0; c < nch; c++) {
        double acc = 0, hist[16] = {0};
        for (int t = 0; t < T; t++) {
            double v = (only < 0 || c == only) && t >= t0 && t < t1 ? ref_urand(seed) : 0;
            acc += v - hist[t % 16];
            hist[t % 16] = v;
            dir[c][t] = acc / 16;
        }
    }
}

/* Parts against the reference, and the gradient against central differences of the
 * reference total along smooth directions: over the whole batch, and over the first and
 * the last 300 samples of one channel. The directions are smooth because the float32
 * gradient is least precise in the top octave, where A-weighting leaves magnitudes 50 dB
 * under the frame's level and the log term's 1/X weight amplifies their rounding (the
 * reference's float32 has the same limit); test_stft_loss checks white spectra tightly. */
static void check_batch(const vx_loss_config *cfg, int B, int T, double bound, const char *name)
{
    batch bt;
    batch_make(&bt, B, T, 11);
    vx_loss *L = vx_loss_create(T, cfg);
    float h[VX_AWEIGHT_TAPS];
    vx_aweight_design(h);
    ref_cfg rc = ref_of(cfg);
    float *g[8];
    for (int c = 0; c < 2 * B; c++)
        g[c] = malloc(T * sizeof *g[c]);
    vx_loss_batch b = run_batch(L, &bt, g);
    ref_parts rp = ref_loss(&rc, h, bt.pd, bt.yd, B, T);
    double worst = fmax(fmax(rel(b.parts.mss_lr, rp.mss_lr), rel(b.parts.mss_ms, rp.mss_ms)),
                        fmax(rel(b.parts.mldr_lr, rp.mldr_lr), rel(b.parts.mldr_ms, rp.mldr_ms)));
    worst = fmax(worst, rel(b.parts.total, rp.total));
    printf("loss %s: parts vs double reference, worst relative error %.3g\n", name, worst);
    CHECK_LE(worst, 1e-5, "parts = reference");

    unsigned long long seed = 5;
    double *dir[8];
    for (int c = 0; c < 2 * B; c++)
        dir[c] = malloc(T * sizeof *dir[c]);
    double worst_g = 0;
    for (int kind = 0; kind < 3; kind++) {
        direction(dir, 2 * B, T, kind ? 1 : -1, kind == 2 ? T - 300 : 0, kind == 1 ? 300 : T,
                  &seed);
        double step = 1e-7, l[2], dot = 0;
        for (int side = 0; side < 2; side++) {
            double *p[8];
            for (int c = 0; c < 2 * B; c++) {
                p[c] = malloc(T * sizeof *p[c]);
                for (int t = 0; t < T; t++)
                    p[c][t] = bt.pd[c][t] + (side ? step : -step) * dir[c][t];
            }
            l[side] = ref_loss(&rc, h, p, bt.yd, B, T).total;
            for (int c = 0; c < 2 * B; c++)
                free(p[c]);
        }
        for (int c = 0; c < 2 * B; c++)
            for (int t = 0; t < T; t++)
                dot += g[c][t] * dir[c][t];
        double fd = (l[1] - l[0]) / (2 * step);
        worst_g = fmax(worst_g, fabs(dot - fd) / fabs(fd));
    }
    printf("loss %s: gradient vs central differences, worst relative error %.3g\n", name, worst_g);
    CHECK_LE(worst_g, bound, "gradient = central differences");

    /* one thread and two give the same bits */
    float *g1[8];
    for (int c = 0; c < 2 * B; c++)
        g1[c] = malloc(T * sizeof *g1[c]);
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    vx_loss_batch b1 = run_batch(L, &bt, g1);
    omp_set_num_threads(threads);
    int same = b1.parts.total == b.parts.total;
    for (int c = 0; c < 2 * B; c++)
        same &= memcmp(g[c], g1[c], T * sizeof *g[c]) == 0;
    CHECK(same, "one thread and several give identical loss and gradient");

    for (int c = 0; c < 2 * B; c++)
        free(g[c]), free(g1[c]), free(dir[c]);
    vx_loss_free(L);
    batch_free(&bt);
}

/* Silent and near-mono targets: finite values and gradients; error codes. */
static void edge_cases(void)
{
    const int T = 6000;
    batch bt;
    batch_make(&bt, 1, T, 3);
    vx_loss *L = vx_loss_create(T, NULL);
    float *g[2] = {malloc(T * sizeof(float)), malloc(T * sizeof(float))};
    float *keep = malloc(T * sizeof *keep);
    memcpy(keep, bt.yf[0], T * sizeof *keep);
    for (int kind = 0; kind < 2; kind++) {
        for (int t = 0; t < T; t++) /* silent target, then a mono one: L - R = 0 */
            bt.yf[0][t] = bt.yf[1][t] = kind ? keep[t] : 0.0f;
        vx_loss_batch b = run_batch(L, &bt, g);
        int finite = isfinite(b.parts.total);
        for (int t = 0; t < T; t++)
            finite &= isfinite(g[0][t]) && isfinite(g[1][t]);
        printf("loss %s target: mss_lr %.4g mss_ms %.4g mldr_lr %.4g mldr_ms %.4g\n",
               kind ? "mono" : "silent", b.parts.mss_lr, b.parts.mss_ms, b.parts.mldr_lr,
               b.parts.mldr_ms);
        CHECK(finite, kind ? "mono target: finite loss and gradient"
                           : "silent target: finite loss and gradient");
        /* rows whose target is all floor have ||Y|| = 1e-4 sqrt(elements): their spectral
         * convergence is large (the L-R rows of a mono target, every row of a silent one) */
        if (kind)
            CHECK(b.parts.mss_ms > 10 * b.parts.mss_lr, "mono target: L-R rows dominate");
        else
            CHECK(b.parts.mss_lr > 100, "silent target: large spectral convergence");
    }
    free(keep);

    /* error codes */
    vx_err e;
    vx_loss_parts p;
    float *st = calloc(2 * T, sizeof *st);
    CHECK(vx_loss_eval(st, T, 2, st, T - 1, 2, NULL, &p, &e) == -1, "lengths differ");
    CHECK(vx_loss_eval(st, T, 1, st, T, 2, NULL, &p, &e) == -1, "mono prediction");
    CHECK(vx_loss_eval(st, T / 2, 2, st, T / 2, 4, NULL, &p, &e) == -1, "4-channel target");
    CHECK(vx_loss_eval(st, 1024, 2, st, 1024, 2, NULL, &p, &e) == -1, "too short for n = 2048");
    CHECK(vx_loss_eval(st, 1025, 2, st, 1025, 2, NULL, &p, &e) == 0 && isfinite(p.total),
          "1025 frames is enough; silence on both sides is finite");
    CHECK(vx_loss_create(1024, NULL) == NULL, "create: too short");
    vx_loss *other = vx_loss_create(T, NULL);
    vx_loss_target *t = vx_loss_target_create(other, st, st + T);
    vx_loss_work *w = vx_loss_work_create(L);
    vx_loss_batch b;
    CHECK(vx_loss_backward(w, &b, g[0], g[1]) == -1, "backward before forward");
    CHECK(vx_loss_combine(L, &w, 1, &b) == -1, "combine before forward");
    CHECK(vx_loss_forward(w, t, st, st + T) == -1, "target of another loss");
    CHECK(vx_loss_combine(L, &w, 0, &b) == -1, "empty batch");
    vx_loss_work_free(w);
    vx_loss_target_free(t);
    vx_loss_free(other);
    free(st), free(g[0]), free(g[1]);
    vx_loss_free(L);
    batch_free(&bt);
}

/* The streaming passes (spectral sums, factors, forward and backward at once) give the
 * kept-state path's factors, items, loss and gradients bit for bit, a batch of three, with
 * each gradient written over its prediction; and each kind of work refuses the other's
 * calls. */
static void streaming(void)
{
    const size_t T = 60000;
    const int B = 3;
    batch bt;
    batch_make(&bt, B, (int)T, 11);
    vx_loss *L = vx_loss_create(T, NULL);
    float *g[6], *sg[6];
    for (int c = 0; c < 2 * B; c++)
        g[c] = malloc(T * sizeof *g[c]), sg[c] = malloc(T * sizeof *sg[c]);
    vx_loss_batch kept = run_batch(L, &bt, g);
    vx_loss_work *w = vx_loss_stream_create(L);
    vx_mrstft_sums s[3];
    vx_loss_item item[3];
    vx_loss_batch f, all;
    int bad = !w;
    for (int i = 0; !bad && i < B; i++)
        bad |= vx_loss_spectral_sums(w, bt.pf[2 * i], bt.pf[2 * i + 1], bt.yf[2 * i],
                                     bt.yf[2 * i + 1], &s[i]);
    vx_loss_factors(L, s, B, &f);
    for (int i = 0; !bad && i < B; i++) {
        memcpy(sg[2 * i], bt.pf[2 * i], T * sizeof(float));
        memcpy(sg[2 * i + 1], bt.pf[2 * i + 1], T * sizeof(float));
        bad |= vx_loss_forward_backward(w, &f, sg[2 * i], sg[2 * i + 1], bt.yf[2 * i],
                                        bt.yf[2 * i + 1], sg[2 * i], sg[2 * i + 1], &item[i]);
    }
    vx_loss_combine_items(L, item, B, &all);
    CHECK(!bad, "streaming passes run");
    CHECK(memcmp(&f.k, &kept.k, sizeof f.k) == 0 && memcmp(f.k_ldr, kept.k_ldr, sizeof f.k_ldr) == 0,
          "streaming: the factors, bit for bit");
    CHECK(memcmp(&all.parts, &kept.parts, sizeof all.parts) == 0 && kept.parts.mldr_ms > 0,
          "streaming: the loss and its parts, bit for bit");
    int same = 1;
    for (int c = 0; c < 2 * B; c++)
        same &= memcmp(g[c], sg[c], T * sizeof(float)) == 0;
    CHECK(same, "streaming: every gradient, bit for bit");
    vx_loss_target *t = vx_loss_target_create(L, bt.yf[0], bt.yf[1]);
    vx_loss_work *k = vx_loss_work_create(L);
    CHECK(vx_loss_forward(w, t, bt.pf[0], bt.pf[1]) == -1, "a streaming work keeps no state");
    CHECK(vx_loss_spectral_sums(k, bt.pf[0], bt.pf[1], bt.yf[0], bt.yf[1], s) == -1 &&
              vx_loss_forward_backward(k, &f, bt.pf[0], bt.pf[1], bt.yf[0], bt.yf[1], sg[0],
                                       sg[1], item) == -1,
          "a kept-state work does not stream");
    vx_loss_target_free(t);
    vx_loss_work_free(k);
    vx_loss_work_free(w);
    for (int c = 0; c < 2 * B; c++)
        free(g[c]), free(sg[c]);
    vx_loss_free(L);
    batch_free(&bt);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Forward + combine + backward of one 7 s chunk, best of 5 (printed, not checked). */
static void timing(void)
{
    const size_t T = 308700;
    batch bt;
    batch_make(&bt, 1, (int)T, 9);
    vx_loss *L = vx_loss_create(T, NULL);
    vx_loss_target *t = vx_loss_target_create(L, bt.yf[0], bt.yf[1]);
    vx_loss_work *w = vx_loss_work_create(L);
    float *gl = malloc(T * sizeof *gl), *gr = malloc(T * sizeof *gr);
    double best = 1e9;
    vx_loss_batch b;
    for (int it = 0; it < 6; it++) {
        double t0 = now();
        vx_loss_forward(w, t, bt.pf[0], bt.pf[1]);
        vx_loss_combine(L, &w, 1, &b);
        vx_loss_backward(w, &b, gl, gr);
        if (it)
            best = fmin(best, now() - t0);
    }
    printf("loss: forward + backward of one 7 s stereo chunk: %.1f ms (%s, %d threads)\n",
           best * 1e3, vx_fft_backend(), omp_get_max_threads());
    vx_loss_work *sw = vx_loss_stream_create(L);
    double first = 1e9, second = 1e9;
    vx_mrstft_sums s;
    vx_loss_item item;
    for (int it = 0; it < 6; it++) {
        double t0 = now();
        vx_loss_spectral_sums(sw, bt.pf[0], bt.pf[1], bt.yf[0], bt.yf[1], &s);
        double t1 = now();
        vx_loss_forward_backward(sw, &b, bt.pf[0], bt.pf[1], bt.yf[0], bt.yf[1], gl, gr, &item);
        if (it)
            first = fmin(first, t1 - t0), second = fmin(second, now() - t1);
    }
    printf("loss, streaming: spectral sums %.1f ms, forward and backward %.1f ms (target included)\n",
           first * 1e3, second * 1e3);
    vx_loss_work_free(sw);
    free(gl), free(gr);
    vx_loss_work_free(w);
    vx_loss_target_free(t);
    vx_loss_free(L);
    batch_free(&bt);
}

int main(void)
{
    golden();
    vx_loss_config small = vx_loss_config_diffvox();
    small.nfft[0] = 64, small.nfft[1] = 256, small.nfft[2] = 512;
    small.hop[0] = 16, small.hop[1] = 64, small.hop[2] = 128;
    small.tau_short_ms[0] = 5, small.tau_long_ms[0] = 40; /* shifts 771, 1543 < T */
    small.tau_short_ms[1] = 10, small.tau_long_ms[1] = 80;
    check_batch(&small, 3, 4000, 1e-3, "small configuration, 3 items of 4000");
    vx_loss_config dv = vx_loss_config_diffvox();
    check_batch(&dv, 2, 8000, 1e-3, "DiffVox configuration, 2 items of 8000");
    vx_loss_config ldr = dv; /* the level terms alone: well conditioned, tight */
    ldr.w.mss_lr = ldr.w.mss_ms = 0;
    check_batch(&ldr, 2, 8000, 2e-5, "MLDR terms alone, 2 items of 8000");
    edge_cases();
    streaming();
    timing();
    return vx_test_summary();
}
