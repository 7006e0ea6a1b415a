/* STFT loss terms (spec/pipeline.md §1.3-1.5): sums against a double-precision reference,
 * the backward pass against central differences of that reference at edge and interior
 * samples (small resolutions on 4000 samples, DiffVox's on 8000), the streaming variant,
 * thread-count independence, and a silent target. */
#include "loss/stft.h"
#include "harness.h"
#include "loss_ref.h"

#include <omp.h>

typedef struct {
    int T, nres, n[VX_MRSTFT_MAXRES], hop[VX_MRSTFT_MAXRES];
} setup;

/* Reference state: double signals and per-frame sums, updated frame by frame. */
typedef struct {
    const setup *su;
    double *x[4]; /* pred L, R, target L, R */
    double *fs[VX_MRSTFT_MAXRES]; /* frames x 9 */
} ref_state;

static void ref_frame_update(ref_state *st, int r, int m)
{
    const setup *su = st->su;
    ref_frame_sums(st->x[0], st->x[1], st->x[2], st->x[3], su->T, su->n[r], su->hop[r], m,
                   st->fs[r] + 9 * m);
}

/* Recomputes the frames that hold sample t (directly or as a reflection). */
static void ref_touch(ref_state *st, int t)
{
    const setup *su = st->su;
    for (int r = 0; r < su->nres; r++) {
        int n = su->n[r], hop = su->hop[r];
        for (int m = 0; m < ref_frames(su->T, hop); m++) {
            int lo = m * hop - n / 2, hi = lo + n; /* padded-domain span [lo, hi) */
            int img[3] = {t, -t, 2 * (su->T - 1) - t};
            for (int k = 0; k < 3; k++)
                if (img[k] >= lo && img[k] < hi) {
                    ref_frame_update(st, r, m);
                    break;
                }
        }
    }
}

static const double group_w[3] = {1.0, 0.25, 0.25}; /* mss_lr, and each half of mss_ms x 0.5 */

/* L = sum_r sum_g w_g / nres (SC + lm_on LM) of the reference sums. */
static double ref_L(const ref_state *st, int lm_on)
{
    const setup *su = st->su;
    double L = 0;
    for (int r = 0; r < su->nres; r++) {
        double s[9] = {0};
        int F = ref_frames(su->T, su->hop[r]);
        for (int m = 0; m < F; m++)
            for (int k = 0; k < 9; k++)
                s[k] += st->fs[r][9 * m + k];
        double cells = (double)(su->n[r] / 2 + 1) * F;
        for (int g = 0; g < 3; g++)
            L += group_w[g] / su->nres *
                 (sqrt(s[g]) / sqrt(s[3 + g]) + lm_on * s[6 + g] / ((g ? 1 : 2) * cells));
    }
    return L;
}

/* Coefficients of the same L from library sums (what vx_loss_combine does for B = 1). */
static void coefs_of(const setup *su, const vx_mrstft *m, const vx_mrstft_sums *s, int lm_on,
                     vx_mrstft_coefs *k)
{
    for (int r = 0; r < su->nres; r++)
        for (int g = 0; g < 3; g++) {
            double w = group_w[g] / su->nres;
            k->sc[r][g] = w / (sqrt(s->num[r][g]) * sqrt(s->den[r][g]));
            k->lm[r][g] = lm_on * w / ((g ? 1 : 2) * (double)vx_mrstft_cells(m, r));
        }
}

/* Worst relative difference between gl, gr and central differences of the reference at
 * samples near both ends and inside, relative to max(|fd|, 1 % of the largest gradient). */
static double check_backward(ref_state *st, const float *gl, const float *gr, int lm_on)
{
    const setup *su = st->su;
    int T = su->T;
    int probe[] = {0, 1, 2, 7, su->n[0] / 2, su->n[su->nres - 1] / 2, T / 3, T / 2 + 5, T - 21,
                   T - 3, T - 2, T - 1};
    double worst = 0, gscale = 0;
    for (int t = 0; t < T; t++)
        gscale = fmax(gscale, fmax(fabs(gl[t]), fabs(gr[t])));
    for (size_t i = 0; i < sizeof probe / sizeof *probe; i++)
        for (int c = 0; c < 2; c++) {
            int t = probe[i];
            double keep = st->x[c][t], h = 1e-6, l[2];
            for (int side = 0; side < 2; side++) {
                st->x[c][t] = keep + (side ? h : -h);
                ref_touch(st, t);
                l[side] = ref_L(st, lm_on);
            }
            st->x[c][t] = keep;
            ref_touch(st, t);
            double fd = (l[1] - l[0]) / (2 * h), g = c ? gr[t] : gl[t];
            worst = fmax(worst, fabs(g - fd) / fmax(fabs(fd), 1e-2 * gscale));
        }
    return worst;
}

static void run(const setup *su, const char *name)
{
    int T = su->T;
    size_t nfft[VX_MRSTFT_MAXRES], hop[VX_MRSTFT_MAXRES];
    for (int r = 0; r < su->nres; r++)
        nfft[r] = su->n[r], hop[r] = su->hop[r];
    vx_mrstft *m = vx_mrstft_create(T, su->nres, nfft, hop);
    CHECK(m != NULL, "create");

    /* prediction: noise with a decaying tone; target: other noise, louder */
    unsigned long long seed = 7;
    float *xf[4];
    ref_state st = {su, {0}, {0}};
    for (int c = 0; c < 4; c++) {
        xf[c] = malloc(T * sizeof *xf[c]);
        st.x[c] = malloc(T * sizeof *st.x[c]);
        for (int t = 0; t < T; t++) {
            double v = (c < 2 ? 0.3 : 0.6) * ref_urand(&seed) + 0.2 * sin(0.05 * t * (c + 1));
            xf[c][t] = (float)v;
        }
        /* clicks at both ends of the prediction keep the edge frames' spectra away from
         * zero (see the backward check below) */
        if (c < 2)
            xf[c][0] += c ? 60.0f : 100.0f, xf[c][T - 1] += c ? 60.0f : 100.0f;
        for (int t = 0; t < T; t++)
            st.x[c][t] = xf[c][t];
    }
    for (int r = 0; r < su->nres; r++) {
        st.fs[r] = malloc(9 * ref_frames(T, su->hop[r]) * sizeof(double));
        for (int f = 0; f < ref_frames(T, su->hop[r]); f++)
            ref_frame_update(&st, r, f);
    }

    float *cache = malloc(vx_mrstft_cache_floats(m) * sizeof *cache);
    vx_cpx *store = vx_fft_alloc(vx_mrstft_store_cpx(m) * sizeof *store);
    float *scratch = malloc(vx_mrstft_scratch_floats(m) * sizeof *scratch);
    float *gl = malloc(T * sizeof *gl), *gr = malloc(T * sizeof *gr);
    vx_mrstft_sums s = {0}, s2 = {0};
    vx_mrstft_target(m, xf[2], xf[3], cache, &s);
    vx_mrstft_forward(m, xf[0], xf[1], cache, store, &s);

    /* sums against the reference */
    double worst = 0;
    for (int r = 0; r < su->nres; r++) {
        double ref[9] = {0};
        for (int f = 0; f < ref_frames(T, su->hop[r]); f++)
            for (int k = 0; k < 9; k++)
                ref[k] += st.fs[r][9 * f + k];
        for (int g = 0; g < 3; g++) {
            worst = fmax(worst, fabs(s.num[r][g] / ref[g] - 1));
            worst = fmax(worst, fabs(s.den[r][g] / ref[3 + g] - 1));
            worst = fmax(worst, fabs(s.lm[r][g] / ref[6 + g] - 1));
        }
    }
    printf("stft %s: sums vs double reference, worst relative error %.3g\n", name, worst);
    CHECK_LE(worst, 2e-5, "sums = reference");

    /* the streaming comparison gives the same sums (to rounding: FFTW may transform
     * stack buffers and the store with different plans) */
    vx_mrstft_compare(m, xf[0], xf[1], xf[2], xf[3], &s2);
    double worst_cmp = 0;
    for (int r = 0; r < su->nres; r++)
        for (int g = 0; g < 3; g++) {
            worst_cmp = fmax(worst_cmp, fabs(s2.num[r][g] / s.num[r][g] - 1));
            worst_cmp = fmax(worst_cmp, fabs(s2.den[r][g] / s.den[r][g] - 1));
            worst_cmp = fmax(worst_cmp, fabs(s2.lm[r][g] / s.lm[r][g] - 1));
        }
    CHECK_LE(worst_cmp, 1e-6, "compare = target + forward");

    /* backward against central differences of the reference, for SC alone and for
     * SC + LM. The log term's gradient goes as 1/X, so a bin of near-zero magnitude
     * amplifies the float32 rounding of its spectrum: the first frame is even about
     * sample 0 (reflect padding), its spectrum is real up to a phase and crosses zero
     * easily. The clicks above keep those bins away from zero. */
    vx_mrstft_coefs k;
    for (int lm_on = 0; lm_on < 2; lm_on++) {
        coefs_of(su, m, &s, lm_on, &k);
        vx_mrstft_backward(m, store, cache, &k, scratch, gl, gr);
        double worst_g = check_backward(&st, gl, gr, lm_on);
        printf("stft %s: backward (%s) vs central differences, worst relative error %.3g\n",
               name, lm_on ? "SC + LM" : "SC", worst_g);
        CHECK_LE(worst_g, 1e-4, "backward = central differences");
    }

    /* the same results with one thread and with two */
    float *gl1 = malloc(T * sizeof *gl1), *gr1 = malloc(T * sizeof *gr1);
    vx_mrstft_sums s1 = {0};
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    vx_mrstft_target(m, xf[2], xf[3], cache, &s1);
    vx_mrstft_forward(m, xf[0], xf[1], cache, store, &s1);
    vx_mrstft_backward(m, store, cache, &k, scratch, gl1, gr1);
    omp_set_num_threads(threads > 1 ? threads : 2);
    vx_mrstft_sums s3 = {0};
    vx_mrstft_target(m, xf[2], xf[3], cache, &s3);
    vx_mrstft_forward(m, xf[0], xf[1], cache, store, &s3);
    vx_mrstft_backward(m, store, cache, &k, scratch, gl, gr);
    omp_set_num_threads(threads);
    CHECK(memcmp(&s1, &s3, sizeof s1) == 0 && memcmp(gl, gl1, T * sizeof *gl) == 0 &&
              memcmp(gr, gr1, T * sizeof *gr) == 0,
          "one thread and two give identical sums and gradients");

    /* silent target: every magnitude at the floor, finite sums */
    memset(xf[2], 0, T * sizeof *xf[2]);
    memset(xf[3], 0, T * sizeof *xf[3]);
    vx_mrstft_target(m, xf[2], xf[3], cache, &s);
    vx_mrstft_forward(m, xf[0], xf[1], cache, store, &s);
    for (int r = 0; r < su->nres; r++) {
        CHECK_REL(s.den[r][0], 2e-8 * vx_mrstft_cells(m, r), 1e-5, 0, "silent target: den");
        CHECK(isfinite(s.num[r][0]) && isfinite(s.lm[r][0]), "silent target: finite");
    }
    coefs_of(su, m, &s, 1, &k);
    vx_mrstft_backward(m, store, cache, &k, scratch, gl, gr);
    int finite = 1;
    for (int t = 0; t < T; t++)
        finite &= isfinite(gl[t]) && isfinite(gr[t]);
    CHECK(finite, "silent target: finite gradient");

    for (int c = 0; c < 4; c++)
        free(xf[c]), free(st.x[c]);
    for (int r = 0; r < su->nres; r++)
        free(st.fs[r]);
    free(cache), free(store), free(scratch), free(gl), free(gr), free(gl1), free(gr1);
    vx_mrstft_free(m);
}

int main(void)
{
    const setup small = {4000, 3, {64, 256, 512}, {16, 64, 128}};
    const setup diffvox = {8000, 3, {128, 512, 2048}, {32, 128, 512}};
    run(&small, "small resolutions, T=4000");
    run(&diffvox, "DiffVox resolutions, T=8000");

    /* plan limits */
    size_t n[1] = {2048}, h[1] = {512};
    CHECK(vx_mrstft_create(1024, 1, n, h) == NULL, "reflect padding needs len > nfft/2");
    vx_mrstft *ok = vx_mrstft_create(1025, 1, n, h);
    CHECK(ok != NULL, "len = nfft/2 + 1 is enough");
    vx_mrstft_free(ok);
    size_t odd[1] = {127};
    CHECK(vx_mrstft_create(4000, 1, odd, h) == NULL, "odd FFT size");
    return vx_test_summary();
}
