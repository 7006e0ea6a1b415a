/* Biquads: RBJ design against closed-form responses, filtering against the direct-form
 * difference equation, and every gradient (filter adjoint, design Jacobian) against
 * central differences, for all five kinds; cascades on one thread and pipelined on two
 * give the same bits, and the four-signal cascade equals four mono ones. */
#include "fx/biquad.h"
#include "harness.h"

#include <complex.h>
#include <omp.h>
#include <string.h>

#define N 2000
#define FS 44100.0

static const char *kind_name[] = {"peak", "lowshelf", "highshelf", "lowpass", "highpass"};

/* deterministic uniform numbers in [-1, 1) */
static double lcg(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (*s >> 8) / 8388608.0 - 1.0;
}

static double complex response(const vx_biquad *f, double w)
{
    double complex z1 = cexp(-I * w), z2 = z1 * z1;
    return (f->b0 + f->b1 * z1 + f->b2 * z2) / (1 + f->a1 * z1 + f->a2 * z2);
}

static double db(double complex h) { return 20 * log10(cabs(h)); }

static void check_closed_forms(void)
{
    const double g = 7.5, f0 = 1234.5, q = 2.5;
    double w0 = 2 * M_PI * f0 / FS;
    vx_biquad pk = vx_biquad_design(VX_BQ_PEAK, g, f0, q, FS);
    CHECK_NEAR(db(response(&pk, w0)), g, 1e-9, "peak: |H(w0)| = gain");
    CHECK_NEAR(db(response(&pk, 0)), 0, 1e-9, "peak: unity at DC");
    CHECK_NEAR(db(response(&pk, M_PI)), 0, 1e-9, "peak: unity at Nyquist");
    vx_biquad lp = vx_biquad_design(VX_BQ_LOWPASS, 0, f0, q, FS);
    CHECK_NEAR(cabs(response(&lp, 0)), 1, 1e-12, "lowpass: 1 at DC");
    CHECK_NEAR(cabs(response(&lp, M_PI)), 0, 1e-12, "lowpass: 0 at Nyquist");
    CHECK_NEAR(cabs(response(&lp, w0)), q, 1e-9, "lowpass: |H(w0)| = Q");
    vx_biquad hp = vx_biquad_design(VX_BQ_HIGHPASS, 0, f0, q, FS);
    CHECK_NEAR(cabs(response(&hp, M_PI)), 1, 1e-12, "highpass: 1 at Nyquist");
    CHECK_NEAR(cabs(response(&hp, 0)), 0, 1e-12, "highpass: 0 at DC");
    CHECK_NEAR(cabs(response(&hp, w0)), q, 1e-9, "highpass: |H(w0)| = Q");
    vx_biquad ls = vx_biquad_design(VX_BQ_LOWSHELF, g, f0, VX_SHELF_Q, FS);
    CHECK_NEAR(db(response(&ls, 0)), g, 1e-9, "lowshelf: gain at DC");
    CHECK_NEAR(db(response(&ls, M_PI)), 0, 1e-9, "lowshelf: unity at Nyquist");
    CHECK_NEAR(db(response(&ls, w0)), g / 2, 1e-9, "lowshelf: half gain at f0");
    vx_biquad hs = vx_biquad_design(VX_BQ_HIGHSHELF, g, f0, VX_SHELF_Q, FS);
    CHECK_NEAR(db(response(&hs, M_PI)), g, 1e-9, "highshelf: gain at Nyquist");
    CHECK_NEAR(db(response(&hs, 0)), 0, 1e-9, "highshelf: unity at DC");
    CHECK_NEAR(db(response(&hs, w0)), g / 2, 1e-9, "highshelf: half gain at f0");
}

/* Difference equation y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]. */
static void direct_form(const vx_biquad *f, const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double x1 = i > 0 ? x[i - 1] : 0, x2 = i > 1 ? x[i - 2] : 0;
        double y1 = i > 0 ? y[i - 1] : 0, y2 = i > 1 ? y[i - 2] : 0;
        y[i] = f->b0 * x[i] + f->b1 * x1 + f->b2 * x2 - f->a1 * y1 - f->a2 * y2;
    }
}

static double x_d[N], w_d[N];
static float x_f[N];

static double loss_d(const vx_biquad *f, const double *x)
{
    static double y[N];
    vx_biquad_filter_d(f, x, y, N);
    double s = 0;
    for (int i = 0; i < N; i++)
        s += w_d[i] * y[i];
    return s;
}

/* Central difference of g(t) at t = 0 with Richardson extrapolation: error O(h^4). */
typedef double (*loss_fn)(const void *ctx, double t);

static double cdiff(loss_fn g, const void *ctx, double h)
{
    double d1 = (g(ctx, h) - g(ctx, -h)) / (2 * h);
    double d2 = (g(ctx, h / 2) - g(ctx, -h / 2)) / h;
    return (4 * d2 - d1) / 3;
}

static vx_biquad design_p(vx_bq_kind k, const double p[3])
{
    return vx_biquad_design(k, p[0], p[1], p[2], FS);
}

static double *coef_slot(vx_biquad *b, int i)
{
    double *s[5] = {&b->b0, &b->b1, &b->b2, &b->a1, &b->a2};
    return s[i];
}

struct coef_ctx {
    vx_biquad f;
    int i;
};

static double loss_coef(const void *ctx, double t)
{
    const struct coef_ctx *c = ctx;
    vx_biquad f = c->f;
    *coef_slot(&f, c->i) += t;
    return loss_d(&f, x_d);
}

struct param_ctx {
    vx_bq_kind k;
    double par[3];
    int j;
};

static double loss_param(const void *ctx, double t)
{
    const struct param_ctx *c = ctx;
    double p[3] = {c->par[0], c->par[1], c->par[2]};
    p[c->j] += t;
    vx_biquad f = design_p(c->k, p);
    return loss_d(&f, x_d);
}

/* worst relative error of all gradient checks, shown with VX_TEST_VERBOSE */
static double worst;
static char worst_name[96];

static void note(double got, double want, double floor_, const char *name)
{
    double r = fabs(got - want) / fmax(fabs(want), floor_);
    if (r > worst)
        worst = r, snprintf(worst_name, sizeof worst_name, "%s", name);
}

static void check_kind(vx_bq_kind k, const double par[3])
{
    char name[96];
    const char *kn = kind_name[k];
    vx_biquad f = design_p(k, par);

    /* filtering = difference equation; the float loop = the double loop on float input */
    static double yd[N], yr[N];
    static float yf[N];
    vx_biquad_filter_d(&f, x_d, yd, N);
    direct_form(&f, x_d, yr, N);
    vx_biquad_filter(&f, x_f, yf, N);
    double e = 0, ef = 0, r = 0;
    for (int i = 0; i < N; i++) {
        e += (yd[i] - yr[i]) * (yd[i] - yr[i]), r += yr[i] * yr[i];
        ef += (yf[i] - yd[i]) * (yf[i] - yd[i]);
    }
    snprintf(name, sizeof name, "%s: TDF-II = difference equation", kn);
    CHECK_LE(10 * log10(e / r), -200, name);
    snprintf(name, sizeof name, "%s: float filter = double filter", kn);
    CHECK_LE(10 * log10(ef / r), -140, name);

    /* Jacobian of the design against central differences */
    vx_biquad jac[3];
    vx_biquad_design_jacobian(k, par[0], par[1], par[2], FS, jac);
    const double step[3] = {1e-5, par[1] * 1e-7, par[2] * 1e-7};
    for (int j = 0; j < 3; j++) {
        double pp[3] = {par[0], par[1], par[2]}, pm[3] = {par[0], par[1], par[2]};
        pp[j] += step[j], pm[j] -= step[j];
        vx_biquad fp = design_p(k, pp), fm = design_p(k, pm);
        for (int i = 0; i < 5; i++) {
            double fd = (*coef_slot(&fp, i) - *coef_slot(&fm, i)) / (2 * step[j]);
            double an = *coef_slot(&jac[j], i);
            double fl = j == 1 ? 1e-4 : 1e-2;
            snprintf(name, sizeof name, "%s: d coef[%d] / d param[%d]", kn, i, j);
            CHECK_REL(an, fd, 1e-6, fl, name);
            note(an, fd, fl, name);
        }
    }

    /* backward (double): dL/dx, dL/dcoef, dL/d(gain, freq, q) */
    static double gy[N], gx[N];
    memcpy(gy, w_d, sizeof gy);
    vx_biquad gc = {0, 0, 0, 0, 0};
    vx_biquad_backward_d(&f, x_d, yd, gy, gx, N, &gc);
    const int probe[] = {0, 1, 2, 777, N - 3, N - 1};
    for (size_t j = 0; j < sizeof probe / sizeof *probe; j++) {
        static double xp[N];
        memcpy(xp, x_d, sizeof xp);
        double h = 1e-3;
        xp[probe[j]] += h;
        double lp = loss_d(&f, xp);
        xp[probe[j]] -= 2 * h;
        double lm = loss_d(&f, xp);
        snprintf(name, sizeof name, "%s: dL/dx[%d]", kn, probe[j]);
        CHECK_REL(gx[probe[j]], (lp - lm) / (2 * h), 1e-7, 1e-3, name);
        note(gx[probe[j]], (lp - lm) / (2 * h), 1e-3, name);
    }
    for (int i = 0; i < 5; i++) {
        struct coef_ctx cc = {f, i};
        double fd = cdiff(loss_coef, &cc, 1e-7);
        snprintf(name, sizeof name, "%s: dL/dcoef[%d]", kn, i);
        CHECK_REL(*coef_slot(&gc, i), fd, 1e-5, 1e-2, name);
        note(*coef_slot(&gc, i), fd, 1e-2, name);
    }
    vx_band band = {par[0], par[1], par[2]}, gb = {0, 0, 0};
    vx_biquad_grad_band(k, &band, FS, &gc, &gb);
    const double gband[3] = {gb.gain_db, gb.freq_hz, gb.q};
    for (int j = 0; j < 3; j++) {
        if (j == 0 && (k == VX_BQ_LOWPASS || k == VX_BQ_HIGHPASS)) {
            snprintf(name, sizeof name, "%s: no gain gradient", kn);
            CHECK(gband[0] == 0, name);
            continue;
        }
        const double h[3] = {1e-2, par[1] * 1e-3, par[2] * 1e-3};
        struct param_ctx pc = {k, {par[0], par[1], par[2]}, j};
        double fd = cdiff(loss_param, &pc, h[j]);
        double fl = j == 1 ? 1e-5 : 1e-2;
        snprintf(name, sizeof name, "%s: dL/dparam[%d]", kn, j);
        CHECK_REL(gband[j], fd, 1e-5, fl, name);
        note(gband[j], fd, fl, name);
    }

    /* float signals: same gradient to float precision; gx may alias gy */
    static float gf[N];
    for (int i = 0; i < N; i++)
        gf[i] = (float)w_d[i];
    vx_biquad gcf = {0, 0, 0, 0, 0};
    vx_biquad_backward(&f, x_f, yf, gf, gf, N, &gcf);
    double ex = 0, nx = 0;
    for (int i = 0; i < N; i++)
        ex += (gf[i] - gx[i]) * (gf[i] - gx[i]), nx += gx[i] * gx[i];
    snprintf(name, sizeof name, "%s: float backward dL/dx = double", kn);
    CHECK_LE(10 * log10(ex / nx), -120, name);
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "%s: float backward dL/dcoef[%d] = double", kn, i);
        CHECK_REL(*coef_slot(&gcf, i), *coef_slot(&gc, i), 1e-5, 1e-2, name);
    }
}

/* The fused cascade equals section-by-section filtering in double (rounded once), and its
 * backward equals the per-section adjoints chained. */
static void check_cascade(void)
{
    const vx_bq_kind kinds[3] = {VX_BQ_PEAK, VX_BQ_HIGHSHELF, VX_BQ_LOWPASS};
    const double par[3][3] = {{5, 900, 3}, {-4, 5000, VX_SHELF_Q}, {0, 8000, 0.9}};
    vx_biquad f[3];
    static float s0[N], s1[N], s2[N], s3[N], gx[N];
    static double d[4][N], gd[N];
    float *sig[4] = {s0, s1, s2, s3};
    memcpy(d[0], x_d, sizeof d[0]);
    memcpy(s0, x_f, sizeof s0);
    for (int k = 0; k < 3; k++) {
        f[k] = design_p(kinds[k], par[k]);
        vx_biquad_filter_d(&f[k], d[k], d[k + 1], N);
    }
    vx_biquad_cascade(f, 3, sig, N);
    double e = 0, r = 0;
    for (int i = 0; i < N; i++)
        e += (s3[i] - d[3][i]) * (s3[i] - d[3][i]), r += d[3][i] * d[3][i];
    CHECK_LE(10 * log10(e / r), -145, "cascade = sections in double, rounded once");

    vx_biquad gc[3] = {{0}}, gcd[3] = {{0}};
    memcpy(gd, w_d, sizeof gd);
    for (int k = 2; k >= 0; k--)
        vx_biquad_backward_d(&f[k], d[k], d[k + 1], gd, gd, N, &gcd[k]);
    for (int i = 0; i < N; i++)
        gx[i] = (float)w_d[i];
    vx_biquad_cascade_backward(f, 3, (const float *const *)sig, gx, gx, N, gc);
    e = r = 0;
    for (int i = 0; i < N; i++)
        e += (gx[i] - gd[i]) * (gx[i] - gd[i]), r += gd[i] * gd[i];
    CHECK_LE(10 * log10(e / r), -140, "cascade backward dL/dx = chained adjoints");
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 5; i++)
            CHECK_REL(*coef_slot(&gc[k], i), *coef_slot(&gcd[k], i), 1e-5, 1e-2,
                      "cascade backward dL/dcoef = chained adjoints");
}

/* Cascades of nf sections over n samples (mono and four signals, forward and backward, in
 * place) on `threads` threads, outputs in out[] (float), coefficient gradients in gc[]. */
#define NT 5000
typedef struct {
    float y[NT], gx[NT], y4[4][NT], gx4[4][NT];
    vx_biquad gc[VX_BIQUAD_MAX_CASCADE], gc4[VX_BIQUAD_MAX_CASCADE];
} cascade_out;

static void run_cascades(const vx_biquad *f, int nf, size_t n, int threads, cascade_out *o)
{
    static float mem[VX_BIQUAD_MAX_CASCADE + 1][NT], mem4[VX_BIQUAD_MAX_CASCADE + 1][4 * NT];
    static float x4[4][NT];
    float *sig[VX_BIQUAD_MAX_CASCADE + 1], *sig4[VX_BIQUAD_MAX_CASCADE + 1], *xp[4], *yp[4], *gp[4];
    unsigned s = 99;
    for (int k = 0; k <= nf; k++)
        sig[k] = mem[k], sig4[k] = mem4[k];
    for (size_t i = 0; i < n; i++) {
        sig[0][i] = (float)lcg(&s);
        o->gx[i] = (float)lcg(&s);
        for (int j = 0; j < 4; j++)
            x4[j][i] = (float)lcg(&s), o->gx4[j][i] = (float)lcg(&s);
    }
    for (int j = 0; j < 4; j++)
        xp[j] = x4[j], yp[j] = o->y4[j], gp[j] = o->gx4[j];
    memset(o->gc, 0, sizeof o->gc);
    memset(o->gc4, 0, sizeof o->gc4);
    int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    vx_biquad_cascade(f, nf, sig, n);
    vx_biquad_cascade_backward(f, nf, (const float *const *)sig, o->gx, o->gx, n, o->gc);
    vx_biquad_cascade4(f, nf, (const float *const *)xp, sig4, yp, n);
    vx_biquad_cascade4_backward(f, nf, (const float *const *)sig4, (const float *const *)gp,
                                gp, n, o->gc4);
    omp_set_num_threads(saved);
    memcpy(o->y, sig[nf], n * sizeof *o->y);
}

static void check_cascade_threads(void)
{
    static cascade_out one, two;
    static float sig[VX_BIQUAD_MAX_CASCADE + 1][NT];
    char name[128];
    vx_biquad f[VX_BIQUAD_MAX_CASCADE];
    for (int k = 0; k < VX_BIQUAD_MAX_CASCADE; k++)
        f[k] = vx_biquad_design((vx_bq_kind)(k % 5), 3.0 - k, 200.0 + 900.0 * k, 0.7 + 0.2 * k,
                                FS);
    const size_t lens[] = {1, 1023, 1024, 3000, NT};
    for (int nf = 1; nf <= VX_BIQUAD_MAX_CASCADE; nf++)
        for (size_t q = 0; q < sizeof lens / sizeof *lens; q++) {
            size_t n = lens[q];
            run_cascades(f, nf, n, 1, &one);
            run_cascades(f, nf, n, 2, &two);
            int same = !memcmp(one.y, two.y, n * sizeof *one.y) &&
                       !memcmp(one.gx, two.gx, n * sizeof *one.gx) &&
                       !memcmp(one.gc, two.gc, sizeof one.gc) &&
                       !memcmp(one.gc4, two.gc4, sizeof one.gc4);
            for (int j = 0; j < 4; j++)
                same = same && !memcmp(one.y4[j], two.y4[j], n * sizeof(float)) &&
                       !memcmp(one.gx4[j], two.gx4[j], n * sizeof(float));
            snprintf(name, sizeof name, "%d sections, %zu samples: two threads = one", nf, n);
            CHECK(same, name);
        }

    /* each lane of the four-signal cascade is the mono cascade of its signal */
    const int nf = 4;
    const size_t n = NT;
    run_cascades(f, nf, n, 2, &two);
    float *sp[VX_BIQUAD_MAX_CASCADE + 1];
    vx_biquad gsum[VX_BIQUAD_MAX_CASCADE] = {{0}};
    double ey = 0, eg = 0;
    unsigned s = 99;
    static float x4[4][NT], g4[4][NT];
    for (size_t i = 0; i < n; i++) {
        lcg(&s), lcg(&s);
        for (int j = 0; j < 4; j++)
            x4[j][i] = (float)lcg(&s), g4[j][i] = (float)lcg(&s);
    }
    for (int k = 0; k <= nf; k++)
        sp[k] = sig[k];
    for (int j = 0; j < 4; j++) {
        memcpy(sig[0], x4[j], n * sizeof(float));
        vx_biquad_cascade(f, nf, sp, n);
        vx_biquad_cascade_backward(f, nf, (const float *const *)sp, g4[j], g4[j], n, gsum);
        for (size_t i = 0; i < n; i++) {
            ey = fmax(ey, fabs((double)sig[nf][i] - two.y4[j][i]));
            eg = fmax(eg, fabs((double)g4[j][i] - two.gx4[j][i]));
        }
    }
    CHECK(ey == 0, "four-signal cascade: each lane = the mono cascade");
    CHECK(eg == 0, "four-signal backward: each lane's dL/dx = the mono one");
    for (int k = 0; k < nf; k++)
        for (int i = 0; i < 5; i++)
            CHECK_REL(*coef_slot(&two.gc4[k], i), *coef_slot(&gsum[k], i), 1e-12, 1e-6,
                      "four-signal backward: dL/dcoef = sum of the lanes'");
}

int main(void)
{
    unsigned s = 12345;
    for (int i = 0; i < N; i++) {
        x_d[i] = x_f[i] = (float)(0.5 * sin(0.031 * i) + 0.3 * sin(0.57 * i + 1) + 0.2 * lcg(&s));
        w_d[i] = lcg(&s);
    }
    check_closed_forms();
    const double par[5][3] = {{-6.0, 384.4, 11.39}, {4.2, 110.9, VX_SHELF_Q},
                              {3.86, 8227.0, VX_SHELF_Q}, {0, 10876.4, 1.446},
                              {0, 219.4, 0.934}};
    for (int k = 0; k < 5; k++)
        check_kind((vx_bq_kind)k, par[k]);
    const double par2[5][3] = {{7.0, 1551.9, 0.279}, {-9.0, 45.0, VX_SHELF_Q},
                               {-5.0, 2000.0, VX_SHELF_Q}, {0, 300.0, 0.6}, {0, 30.0, 5.0}};
    for (int k = 0; k < 5; k++)
        check_kind((vx_bq_kind)k, par2[k]);
    check_cascade();
    check_cascade_threads();
    if (getenv("VX_TEST_VERBOSE"))
        printf("worst gradient relative error %.3g (%s)\n", worst, worst_name);
    return vx_test_summary();
}
