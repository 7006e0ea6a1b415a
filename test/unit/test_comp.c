/* Compressor/expander: the MedleyDB row 0 golden stage (float64 reference), agreement with
 * a plain double implementation of spec §5 written here (direct 706-tap lookahead), and
 * every gradient against central differences of that implementation, on signals and steps
 * where no attack/release choice or static-curve branch switches. */
#include "fx/comp.h"
#include "fx/peq.h"
#include "fixtures.h"
#include "harness.h"

#include <cjson/cJSON.h>
#include <sndfile.h>
#include <string.h>

/* ---- the reference: spec §5 written out plainly, all double ---- */

/* y[n] from e[n]; mask[n] (if not NULL) gets 1 for attack, +2 comp branch, +4 expander. */
static void naive_comp(const vx_fx *fx, const double *e, double *y, unsigned char *mask, int n)
{
    double a = fx->comp.rms_coef, P = 0, g = 1;
    double cs = 1 - 1 / fx->comp.cmp_ratio, es = 1 - 1 / fx->comp.exp_ratio;
    double *gh = malloc(n * sizeof *gh);
    for (int t = 0; t < n; t++) {
        P = a * fmax(e[t] * e[t], 1e-8) + (1 - a) * P;
        double L = 20 * log10(sqrt(P));
        double c = cs * (fx->comp.cmp_th_db - L), x = es * (fx->comp.exp_th_db - L);
        double gdb = fmin(0, fmin(c, x)), f = pow(10, gdb / 20);
        if (mask)
            mask[t] = (f < g ? 1 : 0) | (gdb < 0 ? (c <= x ? 2 : 4) : 0);
        double k = f < g ? fx->comp.attack : fx->comp.release;
        g = (1 - k) * g + k * f;
        gh[t] = g;
    }
    double ell = fx->comp.lookahead_ms * 0.001 * VX_FS, m = pow(10, fx->comp.make_up_db / 20);
    double w[VX_COMP_TAPS];
    for (int k = 0; k < VX_COMP_TAPS; k++) {
        double u = M_PI * ((k - VX_COMP_PAD_LEFT) - ell);
        w[k] = u == 0 ? 1 : sin(u) / u;
    }
    for (int t = 0; t < n; t++) {
        double s = 0;
        for (int k = 0; k < VX_COMP_TAPS; k++) {
            int j = t + k - VX_COMP_PAD_LEFT;
            s += gh[j < 0 ? 0 : j > n - 1 ? n - 1 : j] * w[k];
        }
        y[t] = e[t] * s * m;
    }
    free(gh);
}

/* ---- fixtures ---- */

/* The fixtures are the first 2 s of a 6 s render: the last 705 samples of the reference
 * saw gain values past the cut through the lookahead, so they are left out. */
static void check_golden(void)
{
    vx_fx fx;
    size_t n = 0, n1 = 0, n2 = 0;
    float *x = fixture_read_mono("test/fixtures/peq_comp_input_2s.wav", &n);
    float *e = fixture_read_mono("test/fixtures/peq_medleydb0_after_peq_2s.wav", &n1);
    float *ref = fixture_read_mono("test/fixtures/comp_medleydb0_after_comp_2s.wav", &n2);
    CHECK(x && e && ref && n == 88200 && n1 == n && n2 == n, "golden fixtures read");
    CHECK(fixture_preset_fx("test/fixtures/preset_medleydb0.json", &fx) == 0, "preset read");
    if (!x || !e || !ref || n1 != n || n2 != n) {
        free(x), free(e), free(ref);
        return;
    }
    size_t m = n - (VX_COMP_TAPS - 1);
    float *y = malloc(n * sizeof *y);
    vx_comp *c = vx_comp_create(n);
    CHECK(vx_comp_forward(c, &fx, e, y, n, NULL) == 0, "forward runs");
    double err = fixture_error_db(y, ref, m);
    CHECK_LE(err, -135, "medleydb0 after_comp error from the reference EQ output (dB)");
    vx_peq *p = vx_peq_create(vx_peq_main_kinds, VX_PEQ_BANDS, n);
    vx_peq_forward(p, fx.peq, x, y, n, NULL);
    vx_comp_forward(c, &fx, y, y, n, NULL); /* in place */
    double err2 = fixture_error_db(y, ref, m);
    CHECK_LE(err2, -135, "medleydb0 input -> peq -> comp error (dB)");
    if (getenv("VX_TEST_VERBOSE"))
        printf("golden after_comp error %.1f dB (from reference EQ output), %.1f dB (chain)\n",
               err, err2);
    CHECK(vx_comp_forward(c, &fx, e, y, n + 1, NULL) == -1, "n > max_len is refused");
    vx_fx bad = fx;
    bad.comp.exp_ratio = 1;
    CHECK(vx_comp_forward(c, &bad, e, y, n, NULL) == -1, "exp_ratio = 1 is refused");
    bad = fx, bad.comp.attack = NAN;
    CHECK(vx_comp_forward(c, &bad, e, y, n, NULL) == -1, "NaN attack is refused");
    vx_peq_free(p);
    vx_comp_free(c);
    free(x), free(e), free(ref), free(y);
}

/* ---- agreement with the plain implementation, and gradients ---- */

#define N 2000
#define NLONG 10000 /* two overlap-save blocks */

static double sig_e[NLONG], w_d[NLONG];
static double worst;
static char worst_name[96];

/* Speech-like test signal: a tone under a slow envelope that rises from -60 dB past the
 * compressor threshold and back, plus a little noise, so every branch is visited. */
static void test_signal(double *e, int n, unsigned seed)
{
    for (int t = 0; t < n; t++) {
        seed = seed * 1664525u + 1013904223u;
        double r = (seed >> 8) / 8388608.0 - 1.0;
        double env = pow(10, (-60 + 55 * pow(sin(M_PI * t / n), 2)) / 20);
        e[t] = (float)(env * (sin(0.07 * t) + 0.3 * sin(0.23 * t)) + 1e-4 * r);
    }
}

static vx_fx test_params(double lookahead_ms)
{
    vx_fx fx;
    memset(&fx, 0, sizeof fx);
    fx.comp.cmp_th_db = -20, fx.comp.exp_th_db = -40, fx.comp.make_up_db = 2.5;
    fx.comp.lookahead_ms = lookahead_ms;
    fx.comp.attack = 0.05, fx.comp.release = 0.01, fx.comp.rms_coef = 0.03;
    fx.comp.cmp_ratio = 3, fx.comp.exp_ratio = 0.6;
    return fx;
}

static void check_naive(double lookahead_ms, int n)
{
    char name[96];
    vx_fx fx = test_params(lookahead_ms);
    double *e = malloc(n * sizeof *e), *yr = malloc(n * sizeof *yr);
    float *ef = malloc(n * sizeof *ef), *y = malloc(n * sizeof *y);
    test_signal(e, n, 99);
    for (int t = 0; t < n; t++)
        ef[t] = (float)e[t];
    naive_comp(&fx, e, yr, NULL, n);
    vx_comp *c = vx_comp_create(n);
    vx_comp_forward(c, &fx, ef, y, n, NULL);
    double err = 0, r = 0;
    for (int t = 0; t < n; t++)
        err += (y[t] - yr[t]) * (y[t] - yr[t]), r += yr[t] * yr[t];
    snprintf(name, sizeof name, "forward = plain implementation, %d samples, %g ms", n,
             lookahead_ms);
    CHECK_LE(10 * log10(err / r), -135, name);
    if (getenv("VX_TEST_VERBOSE"))
        printf("%s: %.1f dB\n", name, 10 * log10(err / r));
    vx_comp_free(c);
    free(e), free(yr), free(ef), free(y);
}

static double loss(const vx_fx *fx, const double *e, unsigned char *mask, int n)
{
    static double y[NLONG];
    naive_comp(fx, e, y, mask, n);
    double s = 0;
    for (int i = 0; i < n; i++)
        s += w_d[i] * y[i];
    return s;
}

static void check(double got, double want, double tol, double floor_, const char *name)
{
    CHECK_REL(got, want, tol, floor_, name);
    double r = fabs(got - want) / fmax(fabs(want), floor_);
    if (r > worst)
        worst = r, snprintf(worst_name, sizeof worst_name, "%s", name);
}

/* Central difference of L along *slot, a value in fx or e, with the largest step h / 4^i
 * that switches no attack/release choice or static-curve branch (checked). */
static double cdiff(const vx_fx *fx, double *e, int n, double *slot, double h,
                    const unsigned char *mask0, const char *name)
{
    static unsigned char mp[NLONG], mm[NLONG];
    double v = *slot, lp = 0, lm = 0;
    int same = 0;
    for (int i = 0; i < 5; i++) {
        *slot = v + h;
        lp = loss(fx, e, mp, n);
        *slot = v - h;
        lm = loss(fx, e, mm, n);
        *slot = v;
        same = !memcmp(mp, mask0, n) && !memcmp(mm, mask0, n);
        if (same)
            break;
        h /= 4;
    }
    char nm[128];
    snprintf(nm, sizeof nm, "%s: no switch within the step", name);
    CHECK(same, nm);
    return (lp - lm) / (2 * h);
}

static void check_grad(double lookahead_ms, int n)
{
    char name[128];
    vx_fx fx = test_params(lookahead_ms);
    static unsigned char mask0[NLONG];
    test_signal(sig_e, n, 5);
    loss(&fx, sig_e, mask0, n);
    int att = 0, comp = 0, expd = 0;
    for (int t = 0; t < n; t++)
        att += mask0[t] & 1, comp += !!(mask0[t] & 2), expd += !!(mask0[t] & 4);
    CHECK(att > 100 && att < n - 100 && comp > 100 && expd > 100,
          "test signal visits attack, release, compressor and expander");

    static float ef[NLONG], y[NLONG], g[NLONG];
    for (int t = 0; t < n; t++)
        ef[t] = (float)sig_e[t];
    vx_comp *c = vx_comp_create(n);
    vx_comp_forward(c, &fx, ef, y, n, NULL);
    for (int t = 0; t < n; t++)
        g[t] = (float)w_d[t];
    vx_fx gfx;
    memset(&gfx, 0, sizeof gfx);
    vx_comp_backward(c, g, g, &gfx); /* in place */
    vx_comp_free(c);

    struct {
        const char *name;
        double *slot, *grad, h;
    } par[] = {
        {"cmp_th_db", &fx.comp.cmp_th_db, &gfx.comp.cmp_th_db, 1e-4},
        {"exp_th_db", &fx.comp.exp_th_db, &gfx.comp.exp_th_db, 1e-4},
        {"make_up_db", &fx.comp.make_up_db, &gfx.comp.make_up_db, 1e-4},
        {"lookahead_ms", &fx.comp.lookahead_ms, &gfx.comp.lookahead_ms, 1e-6},
        {"attack", &fx.comp.attack, &gfx.comp.attack, 1e-7},
        {"release", &fx.comp.release, &gfx.comp.release, 1e-7},
        {"rms_coef", &fx.comp.rms_coef, &gfx.comp.rms_coef, 1e-7},
        {"cmp_ratio", &fx.comp.cmp_ratio, &gfx.comp.cmp_ratio, 1e-5},
        {"exp_ratio", &fx.comp.exp_ratio, &gfx.comp.exp_ratio, 1e-6},
    };
    for (size_t i = 0; i < sizeof par / sizeof *par; i++) {
        snprintf(name, sizeof name, "n %d, lookahead %g ms: dL/d%s", n, lookahead_ms,
                 par[i].name);
        double fd = cdiff(&fx, sig_e, n, par[i].slot, par[i].h, mask0, name);
        check(*par[i].grad, fd, 1e-4, 1e-3, name);
    }
    const int probe[] = {0, 3, n / 5, n / 2, 3 * n / 4, n - 700, n - 1};
    for (size_t j = 0; j < sizeof probe / sizeof *probe; j++) {
        snprintf(name, sizeof name, "n %d, lookahead %g ms: dL/de[%d]", n, lookahead_ms,
                 probe[j]);
        double fd = cdiff(&fx, sig_e, n, &sig_e[probe[j]], 1e-7, mask0, name);
        check(g[probe[j]], fd, 1e-4, 1e-2, name);
    }
}

int main(void)
{
    check_golden();

    check_naive(0.3, N);
    check_naive(0.0, N);
    check_naive(1000.0 / 44100.0 * 7, N); /* integer lookahead: a shift */
    check_naive(14.99, N);
    check_naive(4.321, 30000);

    unsigned s = 4242;
    for (int i = 0; i < NLONG; i++) {
        s = s * 1664525u + 1013904223u;
        w_d[i] = (s >> 8) / 8388608.0 - 1.0;
    }
    check_grad(0.3, N);
    check_grad(2.71, N);
    check_grad(0.0, N);
    check_grad(7.77, NLONG);
    if (getenv("VX_TEST_VERBOSE"))
        printf("worst gradient relative error %.3g (%s)\n", worst, worst_name);
    return vx_test_summary();
}
