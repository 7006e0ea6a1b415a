/* Numerics of the preset statistics: RNG, moments, Gaussian record, prior density,
 * eigendecomposition, sampling, Spearman, Shapiro-Wilk and Royston (spec/pipeline.md
 * §6-§8.2), against closed forms and published reference values. */
#include "harness.h"

#include <string.h>

#include "rng.h"
#include "stats/corr.h"
#include "stats/dist.h"
#include "stats/gauss.h"
#include "stats/moments.h"
#include "stats/normality.h"
#include "stats/pca.h"
#include "stats/prior.h"
#include "stats/rows.h"

/* A Gaussian over the first d raw values (a small test mask). */
static vx_gauss *small_gauss(int d, const double *mean, const double *cov)
{
    unsigned char mask[VX_NRAW] = {0};
    for (int i = 0; i < d; i++)
        mask[i] = 1;
    vx_gauss *g = vx_gauss_create(mask);
    memcpy(g->mean, mean, sizeof *mean * d);
    memcpy(g->cov, cov, sizeof *cov * d * d);
    return g;
}

static void test_rng(void)
{
    /* xoshiro256** from the state {1, 2, 3, 4}: the reference implementation's outputs */
    vx_rng r = {.s = {1, 2, 3, 4}};
    static const uint64_t want[4] = {11520u, 0u, 1509978240u, 1215971899390074240u};
    int same = 1;
    for (int i = 0; i < 4; i++)
        same &= vx_rng_u64(&r) == want[i];
    CHECK(same, "xoshiro256** known answers");
    /* splitmix64(0)'s first output seeds s[0] */
    vx_rng_seed(&r, 0);
    CHECK(r.s[0] == 0xe220a8397b1dcdafu, "splitmix64 seeding");

    vx_rng a, b;
    vx_rng_seed(&a, 42);
    vx_rng_seed(&b, 42);
    int equal = 1;
    for (int i = 0; i < 100; i++)
        equal &= vx_rng_normal(&a) == vx_rng_normal(&b);
    CHECK(equal, "same seed, same normals");
    vx_rng_seed(&b, 43);
    CHECK(vx_rng_u64(&a) != vx_rng_u64(&b), "another seed, another stream");

    /* moments of 1e5 draws within 5 standard errors */
    const int n = 100000;
    double su = 0, lo = 1, hi = 0, sn = 0, sn2 = 0, sn4 = 0;
    long bins[7] = {0};
    vx_rng_seed(&a, 7);
    for (int i = 0; i < n; i++) {
        double u = vx_rng_uniform(&a), z = vx_rng_normal(&a);
        su += u, lo = fmin(lo, u), hi = fmax(hi, u);
        sn += z, sn2 += z * z, sn4 += z * z * z * z;
        bins[vx_rng_below(&a, 7)]++;
    }
    CHECK(lo >= 0 && hi < 1, "uniform in [0, 1)");
    CHECK_NEAR(su / n, 0.5, 5 * sqrt(1.0 / 12 / n), "uniform mean");
    CHECK_NEAR(sn / n, 0, 5 / sqrt(n), "normal mean");
    CHECK_NEAR(sn2 / n, 1, 5 * sqrt(2.0 / n), "normal variance");
    CHECK_NEAR(sn4 / n, 3, 5 * sqrt(96.0 / n), "normal fourth moment");
    double chi2 = 0;
    for (int k = 0; k < 7; k++)
        chi2 += (bins[k] - n / 7.0) * (bins[k] - n / 7.0) / (n / 7.0);
    CHECK_LE(chi2, 22.46, "vx_rng_below uniform (chi2, 6 dof, p = 0.001)");
}

static void test_dist(void)
{
    CHECK_NEAR(vx_norm_cdf(0), 0.5, 1e-16, "Phi(0)");
    CHECK_REL(vx_norm_cdf(-10), 7.6198530241605260e-24, 1e-12, 0, "Phi(-10) tail");
    CHECK_NEAR(vx_norm_ppf(0.975), 1.959963984540054, 1e-14, "Phi^-1(0.975)");
    double worst = 0;
    for (double x = -30; x <= 2.5; x += 0.37) /* above, 1 - Phi(x) loses digits */
        worst = fmax(worst, fabs(vx_norm_ppf(vx_norm_cdf(x)) - x) / fmax(1, fabs(x)));
    CHECK_LE(worst, 1e-13, "Phi^-1(Phi(x)) = x");
    /* chi-squared tails in closed form for k = 1, 2, 3, 4 */
    for (double x = 0.1; x < 300; x *= 1.7) {
        char name[64];
        snprintf(name, sizeof name, "chi2 sf closed forms at x = %.3g", x);
        double e2 = exp(-x / 2), c1 = erfc(sqrt(x / 2));
        double err = fabs(vx_chi2_sf(x, 1) / c1 - 1) + fabs(vx_chi2_sf(x, 2) / e2 - 1) +
                     fabs(vx_chi2_sf(x, 3) / (c1 + sqrt(2 * x / M_PI) * e2) - 1) +
                     fabs(vx_chi2_sf(x, 4) / (e2 * (1 + x / 2)) - 1);
        CHECK_LE(err, 1e-12, name);
    }
}

static void test_moments(void)
{
    const double x[] = {1, 2, 2, 4, 3, 6, 4, 8}; /* y = 2x */
    double mean[2], cov[4];
    vx_moments_mean_cov(x, 4, 2, mean, cov);
    CHECK_NEAR(mean[0], 2.5, 1e-15, "mean x");
    CHECK_NEAR(mean[1], 5.0, 1e-15, "mean y");
    CHECK_NEAR(cov[0], 5.0 / 3, 1e-15, "var x (n - 1)");
    CHECK_NEAR(cov[1], 10.0 / 3, 1e-15, "cov xy");
    CHECK(cov[1] == cov[2], "symmetric");
    CHECK_NEAR(cov[3], 20.0 / 3, 1e-14, "var y");
    /* large offset: two passes keep the small spread */
    const double big[] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
    vx_moments_mean_cov(big, 3, 1, mean, cov);
    CHECK_NEAR(cov[0], 1.0, 1e-12, "variance under a 1e9 offset");
    double c[4] = {4, 2, 2, 1};
    vx_moments_cov_to_corr(c, 2);
    CHECK(c[0] == 1 && c[3] == 1 && c[1] == 1, "correlation clipped to 1");
}

static void test_gauss_record(void)
{
    vx_err e;
    vx_gauss *g = vx_gauss_create(NULL);
    CHECK(g && g->dim == VX_NMASK, "DiffVox mask keeps 130");
    double *x = malloc(sizeof *x * 3 * g->dim);
    for (int i = 0; i < 3 * g->dim; i++)
        x[i] = sin(0.7 * i) + 0.01 * i;
    CHECK(vx_gauss_fit(g, x, 1, &e) == -1 && strstr(e.msg, "at least 2"), "n = 1 refused");
    CHECK(vx_gauss_fit(g, x, 3, &e) == 0 && g->n == 3, "fit 3 rows");
    snprintf(g->dataset, sizeof g->dataset, "unit");
    cJSON *j = vx_gauss_to_json(g);
    vx_gauss *back = vx_gauss_from_json(j, "t", &e);
    CHECK(back && back->n == 3 && !strcmp(back->dataset, "unit") && back->dim == g->dim,
          "record round trip: header");
    CHECK(back && !memcmp(back->mean, g->mean, sizeof *g->mean * g->dim) &&
              !memcmp(back->cov, g->cov, sizeof *g->cov * g->dim * g->dim) &&
              !memcmp(back->mask, g->mask, sizeof g->mask),
          "record round trip: exact doubles");
    vx_gauss_free(back);

    cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "cov"), 3);
    cJSON_ReplaceItemInArray(row, 5, cJSON_CreateNumber(99));
    back = vx_gauss_from_json(j, "t", &e);
    CHECK(!back && strstr(e.msg, "not symmetric"), "asymmetric cov refused");
    cJSON_ReplaceItemInObject(j, "mean", cJSON_CreateDoubleArray((double[]){1, 2}, 2));
    back = vx_gauss_from_json(j, "t", &e);
    CHECK(!back && strstr(e.msg, "t: mean has 2 values, expected 130"), "short mean refused");
    cJSON_ReplaceItemInObject(j, "type", cJSON_CreateString("pca"));
    back = vx_gauss_from_json(j, "t", &e);
    CHECK(!back && strstr(e.msg, "not a gaussian record"), "other record type refused");
    cJSON_Delete(j);

    double raw[VX_NRAW], back151[VX_NRAW], m[VX_NMASK];
    for (int i = 0; i < VX_NRAW; i++)
        raw[i] = i + 1;
    vx_mask_pick(g->mask, raw, m);
    CHECK(m[103] == 104 && m[104] == 106 && m[118] == 134 && m[119] == 141, "mask layout (spec §6)");
    vx_mask_spread(g->mask, m, back151);
    int ok = 1;
    for (int i = 0; i < VX_NRAW; i++)
        ok &= back151[i] == (g->mask[i] ? raw[i] : 0);
    CHECK(ok, "spread: kept values back in place, W's lower triangle 0");
    free(x);
    vx_gauss_free(g);
}

static void test_prior(void)
{
    vx_err e;
    vx_gauss *g = small_gauss(2, (double[]){1, 2}, (double[]){2, 0.5, 0.5, 1});
    vx_prior *p = vx_prior_create(g, &e);
    double d2;
    CHECK_NEAR(vx_prior_logdet(p), log(1.75), 1e-15, "ln det");
    CHECK_NEAR(vx_prior_logpdf(p, (double[]){2, 1}, &d2), -3.2605421032341995, 1e-14, "log p(x)");
    CHECK_NEAR(d2, 4 / 1.75, 1e-14, "Mahalanobis^2");
    vx_prior_free(p);
    g->cov[0] = 0.25; /* det = 0: singular */
    CHECK(!vx_prior_create(g, &e) && strstr(e.msg, "not positive definite"), "singular refused");
    vx_gauss_free(g);
}

static void test_pca(void)
{
    vx_err e;
    /* tridiagonal (2, -1): eigenvalues 2 + sqrt2, 2, 2 - sqrt2 */
    vx_gauss *g = small_gauss(3, (double[]){1, -1, 0.5}, (double[]){2, -1, 0, -1, 2, -1, 0, -1, 2});
    vx_pca *p = vx_pca_create(g, &e);
    CHECK_NEAR(p->eigenvalues[0], 2 + M_SQRT2, 1e-14, "eigenvalue 1");
    CHECK_NEAR(p->eigenvalues[1], 2, 1e-14, "eigenvalue 2");
    CHECK_NEAR(p->eigenvalues[2], 2 - M_SQRT2, 1e-14, "eigenvalue 3");
    CHECK(p->rank == 3, "full rank");
    /* u1 = (-1, sqrt2, -1)/2 with its largest entry positive; u2 = (1, 0, -1)/sqrt2 up to sign */
    const double *u = p->components;
    CHECK(fabs(u[0] + 0.5) < 1e-14 && fabs(u[1] - M_SQRT1_2) < 1e-14 && fabs(u[2] + 0.5) < 1e-14,
          "eigenvector 1 and its sign");
    CHECK(fabs(fabs(u[3]) - M_SQRT1_2) < 1e-14 && fabs(u[4]) < 1e-14 && fabs(u[3] + u[5]) < 1e-14,
          "eigenvector 2");
    double z[3] = {0.3, -1.2, 2.0}, x[3], zb[3];
    vx_pca_point(p, z, 3, x);
    vx_pca_whiten(p, x, 3, zb);
    CHECK_NEAR(fabs(zb[0] - z[0]) + fabs(zb[1] - z[1]) + fabs(zb[2] - z[2]), 0, 1e-13,
               "whiten(point(z)) = z");
    cJSON *j = vx_pca_to_json(p, 2);
    cJSON *ev = cJSON_GetObjectItem(j, "explained"), *cum = cJSON_GetObjectItem(j, "cumulative");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "components")) == 2, "k components in record");
    CHECK_NEAR(cJSON_GetArrayItem(ev, 0)->valuedouble, (2 + M_SQRT2) / 6, 1e-15, "explained ratio");
    CHECK_NEAR(cJSON_GetArrayItem(cum, 1)->valuedouble, (4 + M_SQRT2) / 6, 1e-15, "cumulative ratio");
    cJSON_Delete(j);
    vx_pca_free(p);
    vx_gauss_free(g);

    /* rank-1 covariance v v^T: rank 1 and every sample on the line mu + t v */
    g = small_gauss(2, (double[]){0, 0}, (double[]){1, 2, 2, 4});
    p = vx_pca_create(g, &e);
    CHECK(p->rank == 1, "rank of v v^T");
    vx_rng r;
    vx_rng_seed(&r, 1);
    double off = 0;
    for (int i = 0; i < 100; i++) {
        vx_pca_sample(p, &r, z, x);
        off = fmax(off, fabs(2 * x[0] - x[1]));
    }
    CHECK_LE(off, 1e-12, "singular Gaussian: samples stay on its line");
    vx_pca_free(p);
    vx_gauss_free(g);
}

/* Sample mean and covariance of N draws within 5 standard errors of mu and Sigma:
 * se(mean_i) = sqrt(S_ii / N), se(S_ij) = sqrt((S_ii S_jj + S_ij^2) / N). */
static void test_sampler(void)
{
    enum { D = 3, N = 200000 };
    const double mu[D] = {1, -2, 0.5}, cov[D * D] = {4, 1.2, 0, 1.2, 2, -0.5, 0, -0.5, 1};
    vx_err e;
    vx_gauss *g = small_gauss(D, mu, cov);
    vx_pca *p = vx_pca_create(g, &e);
    double *x = malloc(sizeof *x * N * D), z[D], m[D], s[D * D];
    vx_rng r;
    vx_rng_seed(&r, 2024);
    for (int i = 0; i < N; i++)
        vx_pca_sample(p, &r, z, x + i * D);
    vx_moments_mean_cov(x, N, D, m, s);
    double worst_m = 0, worst_s = 0;
    for (int i = 0; i < D; i++) {
        worst_m = fmax(worst_m, fabs(m[i] - mu[i]) / sqrt(cov[i * D + i] / N));
        for (int j = 0; j < D; j++) {
            double se = sqrt((cov[i * D + i] * cov[j * D + j] + cov[i * D + j] * cov[i * D + j]) / N);
            worst_s = fmax(worst_s, fabs(s[i * D + j] - cov[i * D + j]) / se);
        }
    }
    CHECK_LE(worst_m, 5, "sample mean within 5 standard errors");
    CHECK_LE(worst_s, 5, "sample covariance within 5 standard errors");
    free(x);
    vx_pca_free(p);
    vx_gauss_free(g);
}

static void test_spearman(void)
{
    vx_err e;
    double r[5];
    vx_corr_rank((double[]){3, 1, 3, 3, 2}, 5, 1, r, &e);
    CHECK(r[0] == 4 && r[1] == 1 && r[2] == 4 && r[3] == 4 && r[4] == 2, "average ranks of ties");
    /* x = (1, 2, 2, 3), y = (1, 3, 2, 4): ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4),
     * rho = 4.5 / sqrt(4.5 * 5) */
    const double xy[] = {1, 1, 2, 3, 2, 2, 3, 4};
    double rho[4];
    CHECK(vx_corr_spearman(xy, 4, 2, rho, &e) == 0, "spearman runs");
    CHECK_NEAR(rho[1], 0.9486832980505138, 1e-15, "rho with ties");
    CHECK(rho[0] == 1 && rho[3] == 1 && rho[1] == rho[2], "unit diagonal, symmetric");
    /* monotone transform leaves rho unchanged */
    const double mono[] = {1, exp(1), 2, exp(3), 2, exp(2), 3, exp(4)};
    double rho2[4];
    vx_corr_spearman(mono, 4, 2, rho2, &e);
    CHECK(rho2[1] == rho[1], "rank invariance");

    static double big[VX_NMASK * VX_NMASK], sum[VX_CORR_GROUPS * VX_CORR_GROUPS];
    for (int i = 0; i < VX_NMASK * VX_NMASK; i++)
        big[i] = 0;
    big[0 * VX_NMASK + 3] = big[3 * VX_NMASK + 0] = -0.9; /* PK1.gain - PK2.gain */
    big[10 * VX_NMASK + 11] = big[11 * VX_NMASK + 10] = 0.6; /* LP pair */
    vx_corr_groups(big, sum);
    CHECK_NEAR(sum[0 * VX_CORR_GROUPS + 1], 0.1, 1e-15, "cross-group mean |rho| (9 pairs)");
    CHECK_NEAR(sum[4 * VX_CORR_GROUPS + 4], 0.6, 1e-15, "within-group mean over distinct pairs");
    CHECK(isnan(sum[9 * VX_CORR_GROUPS + 9]), "SEND diagonal empty");
    CHECK(!strcmp(vx_corr_group_names[7], "DLY") && !strcmp(vx_corr_group_names[9], "SEND"),
          "group order of the paper");
}

static void test_swilk(void)
{
    vx_err e;
    double w, pw;
    /* scipy's reference samples (test_morestats.py TestShapiro) */
    const double x1[] = {0.11, 7.87, 4.61, 10.14, 7.95, 3.14, 0.46, 4.43, 0.21, 4.75,
                         0.71, 1.52, 3.24, 0.93, 0.42, 4.97, 9.53, 4.55, 0.47, 6.66};
    vx_swilk(x1, 20, &w, &pw, &e);
    CHECK_NEAR(w, 0.90047299861907959, 1e-6, "W, scipy x1");
    CHECK_NEAR(pw, 0.042089745402336121, 1e-6, "p, scipy x1");
    const double x2[] = {1.36, 1.14, 2.92, 2.55, 1.46, 1.06, 5.27, -1.11, 3.48, 1.10,
                         0.88, -0.51, 1.46, 0.52, 6.20, 1.69, 0.08, 3.67, 2.81, 3.49};
    vx_swilk(x2, 20, &w, &pw, &e);
    CHECK_NEAR(w, 0.9590270, 1e-6, "W, scipy x2");
    CHECK_NEAR(pw, 0.52460, 1e-4, "p, scipy x2");
    /* Shapiro & Wilk (1965) example, n = 25 */
    const double x4[] = {0.139, 0.157, 0.175, 0.256, 0.344, 0.413, 0.503, 0.577, 0.614,
                         0.655, 0.954, 1.392, 1.557, 1.648, 1.690, 1.994, 2.174, 2.206,
                         3.245, 3.510, 3.571, 4.354, 4.980, 6.084, 8.351};
    vx_swilk(x4, 25, &w, &pw, &e);
    CHECK_NEAR(w, 0.83467, 1e-5, "W, Shapiro-Wilk 1965 example");
    CHECK_NEAR(pw, 0.000914, 1e-5, "p, Shapiro-Wilk 1965 example");
    /* men's weights (scipy.stats.shapiro docs), n = 11: the small-sample transform */
    const double x11[] = {148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236};
    vx_swilk(x11, 11, &w, &pw, &e);
    CHECK_NEAR(w, 0.7888147830963135, 1e-6, "W, n = 11");
    CHECK_REL(pw, 0.006703833118081093, 1e-5, 0, "p, n = 11");
    /* n = 3 in closed form: W = (x3 - x1)^2 / 2 / SS, p = 1 - (6/pi) acos(sqrt W) */
    vx_swilk((double[]){4, 1, 2}, 3, &w, &pw, &e);
    CHECK_NEAR(w, 0.9642857142857142, 1e-15, "W, n = 3");
    CHECK_NEAR(pw, 0.6368868450289689, 1e-14, "p, n = 3");
    /* W is invariant under x -> a x + b (a > 0) */
    double y[20], w2, p2;
    for (int i = 0; i < 20; i++)
        y[i] = 1e3 * x1[i] - 7e5;
    vx_swilk(x1, 20, &w, &pw, &e);
    vx_swilk(y, 20, &w2, &p2, &e);
    CHECK_NEAR(w2, w, 1e-13, "W affine invariant");
    CHECK(vx_swilk((double[]){1, 1, 1, 1}, 4, &w, &pw, &e) == -1 && strstr(e.msg, "equal"),
          "constant sample refused");
    CHECK(vx_swilk(x1, 2, &w, &pw, &e) == -1, "n < 3 refused");
}

/* R_j of Royston's test for one column, from its W (spec §7.4, n >= 12). */
static double royston_r(double w, long n)
{
    double x = log((double)n);
    double m = -1.5861 - 0.31082 * x - 0.083751 * x * x + 0.0038915 * x * x * x;
    double s = exp(-0.4803 - 0.082676 * x + 0.0030302 * x * x);
    double q = vx_norm_ppf(vx_norm_cdf(-(log(1 - w) - m) / s) / 2);
    return q * q;
}

static void test_royston(void)
{
    vx_err e;
    enum { M = 10, N = 2 * M };
    /* A = (a, -a) and B = (b, b) are exactly uncorrelated: e = 2, H = R_A + R_B */
    double x[N * 3], wa, wb, pa;
    for (int i = 0; i < M; i++) {
        double a = exp(0.3 * i) - 1, b = sin(1.7 * i) + 0.2 * i * i;
        x[i * 2] = a, x[(i + M) * 2] = -a;
        x[i * 2 + 1] = b, x[(i + M) * 2 + 1] = b;
    }
    double col[N];
    for (int i = 0; i < N; i++)
        col[i] = x[i * 2];
    vx_swilk(col, N, &wa, &pa, &e);
    for (int i = 0; i < N; i++)
        col[i] = x[i * 2 + 1];
    vx_swilk(col, N, &wb, &pa, &e);
    vx_royston t;
    double w[2];
    CHECK(vx_royston_test(x, N, 2, w, NULL, &t, &e) == 0, "royston runs");
    CHECK(w[0] == wa && w[1] == wb, "per-variable W");
    CHECK_NEAR(t.edf, 2, 1e-12, "uncorrelated: e = p");
    CHECK_REL(t.h, royston_r(wa, N) + royston_r(wb, N), 1e-12, 0, "uncorrelated: H = sum R");
    CHECK_REL(t.pvalue, exp(-t.h / 2), 1e-12, 0, "p = chi2_2 tail");
    /* a variable repeated three times counts once: e = 1, H = R */
    double rep[N * 3];
    for (int i = 0; i < N; i++)
        rep[i * 3] = rep[i * 3 + 1] = rep[i * 3 + 2] = x[i * 2];
    vx_royston_test(rep, N, 3, NULL, NULL, &t, &e);
    CHECK_NEAR(t.edf, 1, 1e-12, "identical variables: e = 1");
    CHECK_REL(t.h, royston_r(wa, N), 1e-12, 0, "identical variables: H = R");
    CHECK(vx_royston_test(x, 3, 2, NULL, NULL, &t, &e) == -1 && strstr(e.msg, "4 to 2000"),
          "n = 3 refused");
}

static void test_rowsel(void)
{
    vx_err e;
    CHECK(vx_rowsel_check("0-9,12", &e) == 0, "list 0-9,12");
    CHECK(vx_rowsel_check("5", &e) == 0, "list 5");
    const char *bad[] = {"", "9-0", "a", "1,,2", "1,", "-3", "1-", "2 3"};
    int refused = 1;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        refused &= vx_rowsel_check(bad[i], &e) == -1;
    CHECK(refused, "malformed lists refused");
}

int main(void)
{
    test_rng();
    test_dist();
    test_moments();
    test_gauss_record();
    test_prior();
    test_pca();
    test_sampler();
    test_spearman();
    test_swilk();
    test_royston();
    test_rowsel();
    return vx_test_summary();
}
