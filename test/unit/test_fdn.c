/* FDN (spec/effects.md §7a): golden impulse responses and output of MedleyDB row 0, U of the
 * preset, the backward pass against central differences, and forward/backward timings. */
#include "fx/fdn.h"

#include <string.h>

#include "dsp/conv.h"
#include "dsp/expm.h"
#include "harness.h"
#include "ir_golden.h"

#define FIX "test/fixtures/"
#define SEC 44100

static float *ir_alloc(size_t len, float *ir[4])
{
    float *mem = malloc(4 * len * sizeof *mem);
    for (int j = 0; j < 4; j++)
        ir[j] = mem + j * len;
    return mem;
}

/* Error of the first second of the responses against the golden ones, both inputs. */
static double golden_ir_err_db(float *const ir[4])
{
    /* [input i][t]: output L, output R; mine and the reference */
    static float xl[2 * SEC], xr[2 * SEC], rl[2 * SEC], rr[2 * SEC];
    const char *path[2] = {FIX "fdn_medleydb0_ir_from_L_1s.wav", FIX "fdn_medleydb0_ir_from_R_1s.wav"};
    for (int i = 0; i < 2; i++) {
        if (golden_read_stereo(path[i], SEC, rl + i * SEC, rr + i * SEC) != SEC)
            return NAN;
        memcpy(xl + i * SEC, ir[i], SEC * sizeof *xl);     /* h[0][i] */
        memcpy(xr + i * SEC, ir[2 + i], SEC * sizeof *xr); /* h[1][i] */
    }
    return golden_err_db(xl, xr, rl, rr, 2 * SEC);
}

static void test_golden(const vx_fx *fx)
{
    vx_fdn *f = vx_fdn_create(VX_FDN_LEN);
    float *ir[4], *mem = ir_alloc(VX_FDN_LEN, ir);
    CHECK(f && mem, "fdn create");

    /* With the original's float32 frequency grid the only differences left are rounding. */
    vx_fdn_set_f32_grid(f, 1);
    CHECK(vx_fdn_forward(f, fx, ir, NULL) == 0, "fdn forward (f32 grid)");
    double e32 = golden_ir_err_db(ir);
    CHECK_LE(e32, -120.0, "fdn golden IR, f32 grid (dB)");

    /* Exact grid: the reference's float32 phases limit agreement (golden/README.md), most
     * on this preset's HF-boosted response; its output on a voice is the -80 dB bar. */
    vx_fdn_set_f32_grid(f, 0);
    CHECK(vx_fdn_forward(f, fx, ir, NULL) == 0, "fdn forward");
    double e64 = golden_ir_err_db(ir);
    CHECK_LE(e64, -50.0, "fdn golden IR, exact grid (dB)");

    const size_t T = 2 * SEC;
    float *v[2], *y[4], *ref[2], *buf = malloc(8 * T * sizeof *buf);
    for (int j = 0; j < 2; j++)
        v[j] = buf + j * T, ref[j] = buf + (2 + j) * T;
    for (int j = 0; j < 4; j++)
        y[j] = buf + (4 + j) * T;
    CHECK(golden_read_stereo(FIX "fdn_medleydb0_in_2s.wav", T, v[0], v[1]) == (long)T, "read fdn_in");
    CHECK(golden_read_stereo(FIX "fdn_medleydb0_out_2s.wav", T, ref[0], ref[1]) == (long)T, "read fdn_out");
    for (int j = 0; j < 4; j++) /* y[2o + i] = h[o][i] * v_i */
        vx_conv_causal(ir[j], VX_FDN_LEN, v[j % 2], T, y[j]);
    for (size_t t = 0; t < T; t++)
        y[0][t] += y[1][t], y[2][t] += y[3][t];
    double eout = golden_err_db(y[0], y[2], ref[0], ref[1], T);
    CHECK_LE(eout, -80.0, "fdn golden output, 2 s (dB)");
    printf("fdn golden: IR %.1f dB (f32 grid %.1f dB), output %.1f dB\n", e64, e32, eout);

    /* timings at full length, on however many threads OpenMP gives */
    vx_fx g;
    memset(&g, 0, sizeof g);
    const float *gi[4] = {ir[0], ir[1], ir[2], ir[3]};
    double t0 = golden_now();
    for (int r = 0; r < 3; r++)
        vx_fdn_forward(f, fx, ir, NULL);
    double t1 = golden_now();
    for (int r = 0; r < 3; r++)
        vx_fdn_backward(f, gi, &g, NULL);
    double t2 = golden_now();
    printf("fdn timing (len %d): forward %.1f ms, backward %.1f ms\n", VX_FDN_LEN,
           (t1 - t0) / 3 * 1e3, (t2 - t1) / 3 * 1e3);
    free(buf);
    free(mem);
    vx_fdn_free(f);
}

/* U of the preset against the values in spec/effects.md §3 (printed there to 4 places). */
static void test_u_row0(const vx_fx *fx)
{
    static const double want[6] = {0.0860, -0.4640, -0.0243, 0.8813, 0.0024, 0.0043};
    double s[36], u[36];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            s[i * 6 + j] = i < j ? fx->fdn.w[i][j] : (i > j ? -fx->fdn.w[j][i] : 0.0);
    CHECK(vx_expm(6, s, u) == 0, "expm of the preset's S");
    for (int j = 0; j < 6; j++)
        CHECK_NEAR(u[j], want[j], 0.6e-4, "U row 0 of MedleyDB row 0");
}

/* Loss = sum_j sum_n wt[j][n] ir[j][n] (double). */
static double loss_of(vx_fdn *f, const vx_fx *fx, float *const ir[4], float *const wt[4])
{
    if (vx_fdn_forward(f, fx, ir, NULL) != 0)
        return NAN;
    size_t n = vx_fdn_len(f);
    double s = 0;
    for (int j = 0; j < 4; j++)
        for (size_t t = 0; t < n; t++)
            s += (double)wt[j][t] * ir[j][t];
    return s;
}

/* d(loss)/d(value at byte offset off) by central differences of order 6 with step h.
 * The responses are float32, so the differences carry rounding noise: the estimate is the
 * mean over four base points offset by (-3, -1, 1, 3) 1e-4 h (which reshuffle the roundings
 * and cancel to first order), *noise the spread of the four. */
static void central_difference(vx_fdn *f, const vx_fx *fx, float *const ir[4],
                               float *const wt[4], size_t off, double h, double *fd,
                               double *noise)
{
    double est[4], mean = 0, var = 0;
    for (int q = 0; q < 4; q++) {
        vx_fx x = *fx;
        double *v = (double *)((char *)&x + off), v0 = *v + (2 * q - 3) * 1e-4 * h, d[3];
        for (int r = 0; r < 3; r++) { /* f(+rh) - f(-rh), r = 1..3 */
            *v = v0 + (r + 1) * h;
            double lp = loss_of(f, &x, ir, wt);
            *v = v0 - (r + 1) * h;
            d[r] = lp - loss_of(f, &x, ir, wt);
        }
        mean += (est[q] = (45 * d[0] - 9 * d[1] + d[2]) / (60 * h)) / 4;
    }
    for (int q = 0; q < 4; q++)
        var += (est[q] - mean) * (est[q] - mean) / 3;
    *fd = mean, *noise = sqrt(var);
}

typedef struct {
    const char *name;
    size_t off; /* offsetof(vx_fx, value) */
    double step;
} probe;

#define P(name, member, step) {name, offsetof(vx_fx, member), step}

static void test_gradients(const vx_fx *preset)
{
    const size_t len = 1764; /* 883 bins: DC and Nyquist weigh 1/400 of the sums each */
    vx_fdn *f = vx_fdn_create(len);
    float *ir[4], *wt[4], *m1 = ir_alloc(len, ir), *m2 = ir_alloc(len, wt);
    unsigned long long seed = 7;
    vx_fx fx = *preset;
    for (int l = 0; l < 6; l++)
        for (int i = 0; i < 2; i++)
            fx.fdn.b[l][i] = golden_urand(&seed), fx.fdn.c[i][l] = golden_urand(&seed);
    for (int m = 0; m < VX_FDN_GAMMAS; m++)
        fx.fdn.gamma[m] = 0.55 + 0.3 * golden_urand(&seed); /* steps stay below 1 */
    for (int j = 0; j < 4; j++) /* with DC and Nyquist content, to test their weights */
        for (size_t t = 0; t < len; t++)
            wt[j][t] = (float)(golden_urand(&seed) + 0.5 + (t % 2 ? 0.5 : -0.5));

    vx_fx g;
    memset(&g, 0, sizeof g);
    loss_of(f, &fx, ir, wt);
    const float *gw[4] = {wt[0], wt[1], wt[2], wt[3]};
    CHECK(vx_fdn_backward(f, gw, &g, NULL) == 0, "fdn backward");
    vx_fx g2 = g; /* a second backward adds the same again */
    vx_fdn_backward(f, gw, &g2, NULL);
    CHECK_REL(g2.fdn.gamma[3], 2 * g.fdn.gamma[3], 1e-13, 1e-300, "fdn backward adds (gamma)");
    CHECK_REL(g2.fdn.w[1][2], 2 * g.fdn.w[1][2], 1e-13, 1e-300, "fdn backward adds (w)");
    CHECK_REL(g2.fdn.eq[1].q, 2 * g.fdn.eq[1].q, 1e-13, 1e-300, "fdn backward adds (eq)");
    CHECK(g.fdn.eq[2].q == 0 && g.fdn.eq[3].q == 0, "no gradient for the shelves' fixed Q");

    /* Steps: large against the rounding noise, small enough that the truncation error of
     * the order-6 stencil stays below 1e-5. Tolerance: 1e-4 relative plus 4 x the noise. */
    static const probe probes[] = {
        P("b[0][0]", fdn.b[0][0], 0.5),         P("b[3][1]", fdn.b[3][1], 0.5),
        P("b[5][0]", fdn.b[5][0], 0.5),         P("c[0][0]", fdn.c[0][0], 0.5),
        P("c[1][2]", fdn.c[1][2], 0.5),         P("c[1][5]", fdn.c[1][5], 0.5),
        P("gamma[0]", fdn.gamma[0], 0.02),      P("gamma[1]", fdn.gamma[1], 0.02),
        P("gamma[7]", fdn.gamma[7], 0.02),      P("gamma[24]", fdn.gamma[24], 0.02),
        P("gamma[47]", fdn.gamma[47], 0.02),    P("gamma[48]", fdn.gamma[48], 0.04),
        P("w[0][1]", fdn.w[0][1], 0.02),        P("w[0][5]", fdn.w[0][5], 0.02),
        P("w[2][3]", fdn.w[2][3], 0.02),        P("w[4][5]", fdn.w[4][5], 0.02),
        P("w[1][4]", fdn.w[1][4], 0.02),        P("w[3][1] (unused)", fdn.w[3][1], 0.02),
        P("eq0 gain", fdn.eq[0].gain_db, 1.5),  P("eq0 freq", fdn.eq[0].freq_hz, 15.0),
        P("eq0 q", fdn.eq[0].q, 0.09),          P("eq1 gain", fdn.eq[1].gain_db, 1.5),
        P("eq1 freq", fdn.eq[1].freq_hz, 60.0), P("eq1 q", fdn.eq[1].q, 0.021),
        P("eq2 gain", fdn.eq[2].gain_db, 1.5),  P("eq2 freq", fdn.eq[2].freq_hz, 0.9),
        P("eq3 gain", fdn.eq[3].gain_db, 1.5),  P("eq3 freq", fdn.eq[3].freq_hz, 450.0),
    };
    double worst = 0;
    for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        double fd, noise, an = *(double *)((char *)&g + probes[p].off);
        central_difference(f, &fx, ir, wt, probes[p].off, probes[p].step, &fd, &noise);
        if (fabs(fd) > 100 * noise)
            worst = fmax(worst, fabs(an - fd) / fabs(fd));
        char name[96];
        snprintf(name, sizeof name, "fdn grad %s (an %.7g fd %.7g, noise %.2g)", probes[p].name,
                 an, fd, noise);
        CHECK_LE(fabs(an - fd), 1e-4 * fabs(fd) + 4 * noise, name);
    }
    printf("fdn gradients: worst relative error %.3g (where |fd| > 100 noise)\n", worst);
    free(m1), free(m2);
    vx_fdn_free(f);
}

/* The forward-only workspace (renders) gives the full one's responses to float rounding
 * on both grids (its inverse transforms take FFTW's aligned plan for all four), its first
 * n samples alone are those of the whole length bit for bit, and it refuses a backward
 * pass. */
static void test_forward_only(const vx_fx *fx)
{
    const size_t L = VX_FDN_LEN, n = 2 * SEC + 7; /* an odd head: no alignment to lean on */
    vx_fdn *full = vx_fdn_create(L), *fwd = vx_fdn_create_forward(L);
    float *a[4], *b[4], *c[4], *ma = ir_alloc(L, a), *mb = ir_alloc(L, b), *mc = ir_alloc(n, c);
    CHECK(full && fwd && ma && mb && mc, "fdn create, forward-only");
    for (int grid = 1; grid >= 0; grid--) {
        vx_fdn_set_f32_grid(full, grid), vx_fdn_set_f32_grid(fwd, grid);
        CHECK(vx_fdn_forward(full, fx, a, NULL) == 0 && vx_fdn_forward(fwd, fx, b, NULL) == 0,
              "fdn forward, both workspaces");
        /* identical responses (KissFFT, exact grid) count as -300 dB */
        CHECK_LE(fmax(golden_err_db(b[0], b[1], a[0], a[1], L), -300.0), -130.0,
                 grid ? "forward-only = full forward, output L (f32 grid, dB)"
                      : "forward-only = full forward, output L (dB)");
        CHECK_LE(fmax(golden_err_db(b[2], b[3], a[2], a[3], L), -300.0), -130.0,
                 grid ? "forward-only = full forward, output R (f32 grid, dB)"
                      : "forward-only = full forward, output R (dB)");
        CHECK(vx_fdn_forward_head(fwd, fx, c, n, NULL) == 0, "fdn forward, first samples");
        int same = 1;
        for (int j = 0; j < 4; j++)
            same = same && memcmp(b[j], c[j], n * sizeof *mc) == 0;
        CHECK(same, grid ? "first samples = whole length's (f32 grid)"
                         : "first samples = whole length's");
    }
    const float *g[4] = {a[0], a[1], a[2], a[3]};
    vx_fx grad = *fx;
    CHECK(vx_fdn_backward(fwd, g, &grad, NULL) == -1, "no backward on a forward-only workspace");
    CHECK(vx_fdn_forward_head(full, fx, a, n, NULL) == -1, "first samples: forward-only only");
    CHECK(vx_fdn_forward_head(fwd, fx, c, L + 2, NULL) == -1, "first samples: at most len");
    vx_fdn_free(full), vx_fdn_free(fwd);
    free(ma), free(mb), free(mc);
}

int main(void)
{
    vx_fx fx;
    if (golden_preset_fx(FIX "preset_medleydb0.json", &fx) != 0) {
        CHECK(0, "read preset_medleydb0.json");
        return vx_test_summary();
    }
    test_u_row0(&fx);
    test_golden(&fx);
    test_forward_only(&fx);
    test_gradients(&fx);
    vx_fdn_free(NULL);
    CHECK(vx_fdn_create(7) == NULL, "odd length rejected");
    vx_fdn *f = vx_fdn_create(64);
    float z[64] = {0};
    const float *gz[4] = {z, z, z, z};
    CHECK(vx_fdn_backward(f, gz, &fx, NULL) == -1, "fdn backward without forward");
    vx_fdn_free(f);
    return vx_test_summary();
}
