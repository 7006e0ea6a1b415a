/* PEQ cascade: the MedleyDB row 0 golden stage (float64 reference), and every gradient
 * (dL/dx, dL/d(gain, freq, q) of each band) against central differences of the same
 * cascade computed in double, for the main 6-band EQ and the FDN's 4-band EQ, mono and on
 * four signals at once. */
#include "fx/peq.h"
#include "fixtures.h"
#include "harness.h"

#include <cjson/cJSON.h>
#include <sndfile.h>
#include <string.h>

#define N 2000

static void check_golden(void)
{
    vx_fx fx;
    size_t n = 0, nr = 0;
    float *x = fixture_read_mono("test/fixtures/peq_comp_input_2s.wav", &n);
    float *ref = fixture_read_mono("test/fixtures/peq_medleydb0_after_peq_2s.wav", &nr);
    CHECK(x && ref && n == 88200 && nr == n, "golden fixtures read");
    CHECK(fixture_preset_fx("test/fixtures/preset_medleydb0.json", &fx) == 0, "preset read");
    if (!x || !ref || nr != n) {
        free(x), free(ref);
        return;
    }
    vx_peq *p = vx_peq_create(vx_peq_main_kinds, VX_PEQ_BANDS, n);
    float *y = malloc(n * sizeof *y);
    CHECK(vx_peq_forward(p, fx.peq, x, y, n, NULL) == 0, "forward runs");
    double err = fixture_error_db(y, ref, n);
    CHECK_LE(err, -150, "medleydb0 after_peq error (dB)");
    if (getenv("VX_TEST_VERBOSE"))
        printf("golden after_peq error %.1f dB\n", err);
    CHECK(vx_peq_forward(p, fx.peq, x, y, n + 1, NULL) == -1, "n > max_len is refused");
    vx_peq_free(p);
    free(x), free(ref), free(y);
}

/* ---- gradient checks against the cascade in double ---- */

static double x_d[N], w_d[N], w_rev[N];
static double worst;
static char worst_name[96];

/* L = sum w y, with y the cascade of bands[nb] of kinds[nb] on x, all in double. */
static double loss_w(const vx_bq_kind *kinds, const vx_band *bands, int nb, const double *x,
                     const double *w)
{
    static double y[N];
    memcpy(y, x, sizeof y);
    for (int k = 0; k < nb; k++) {
        vx_biquad f = vx_biquad_design(kinds[k], bands[k].gain_db, bands[k].freq_hz,
                                       bands[k].q, VX_FS);
        vx_biquad_filter_d(&f, y, y, N);
    }
    double s = 0;
    for (int i = 0; i < N; i++)
        s += w[i] * y[i];
    return s;
}

static double loss_d(const vx_bq_kind *kinds, const vx_band *bands, int nb, const double *x)
{
    return loss_w(kinds, bands, nb, x, w_d);
}

static double *band_slot(vx_band *b, int j)
{
    return j == 0 ? &b->gain_db : j == 1 ? &b->freq_hz : &b->q;
}

static void check(double got, double want, double tol, double floor_, const char *name)
{
    CHECK_REL(got, want, tol, floor_, name);
    double r = fabs(got - want) / fmax(fabs(want), floor_);
    if (r > worst)
        worst = r, snprintf(worst_name, sizeof worst_name, "%s", name);
}

static void check_grad(const char *what, const vx_bq_kind *kinds, const vx_band *bands, int nb)
{
    char name[128];
    vx_peq *p = vx_peq_create(kinds, nb, N);
    static float xf[N], y[N], g[N];
    for (int i = 0; i < N; i++)
        xf[i] = (float)x_d[i];
    vx_peq_forward(p, bands, xf, y, N, NULL);
    for (int i = 0; i < N; i++)
        g[i] = (float)w_d[i];
    vx_band gb[VX_PEQ_BANDS];
    memset(gb, 0, sizeof gb);
    vx_peq_backward(p, g, g, gb); /* in place */

    const int probe[] = {0, 1, 500, N - 2, N - 1};
    for (size_t j = 0; j < sizeof probe / sizeof *probe; j++) {
        static double xp[N];
        const double h = 1e-2; /* L is linear in x */
        memcpy(xp, x_d, sizeof xp);
        xp[probe[j]] += h;
        double lp = loss_d(kinds, bands, nb, xp);
        xp[probe[j]] -= 2 * h;
        double lm = loss_d(kinds, bands, nb, xp);
        snprintf(name, sizeof name, "%s: dL/dx[%d]", what, probe[j]);
        check(g[probe[j]], (lp - lm) / (2 * h), 1e-5, 1e-3, name);
    }
    for (int k = 0; k < nb; k++)
        for (int j = 0; j < 3; j++) {
            int shelf = kinds[k] == VX_BQ_LOWSHELF || kinds[k] == VX_BQ_HIGHSHELF;
            int pass = kinds[k] == VX_BQ_LOWPASS || kinds[k] == VX_BQ_HIGHPASS;
            if ((shelf && j == 2) || (pass && j == 0))
                continue; /* not a parameter */
            vx_band b[VX_PEQ_BANDS];
            memcpy(b, bands, nb * sizeof *b);
            double v = *band_slot(&b[k], j), h = j == 0 ? 1e-2 : v * 1e-3;
            double d[2];
            for (int r = 0; r < 2; r++, h /= 2) { /* Richardson: error O(h^4) */
                *band_slot(&b[k], j) = v + h;
                double lp = loss_d(kinds, b, nb, x_d);
                *band_slot(&b[k], j) = v - h;
                double lm = loss_d(kinds, b, nb, x_d);
                d[r] = (lp - lm) / (2 * h);
            }
            double fd = (4 * d[1] - d[0]) / 3;
            snprintf(name, sizeof name, "%s: band %d dL/d%s", what, k,
                     j == 0 ? "gain" : j == 1 ? "freq" : "q");
            check(*band_slot(&gb[k], j), fd, 1e-4, j == 1 ? 1e-5 : 1e-3, name);
        }
    vx_peq_free(p);
}

/* The four-signal cascade: lane j filters c_j x and is weighted by w_d (even j) or w_rev,
 * so L = sum_j c_j L_j(x) and each lane's dL/dx is that of its own weights. Also checks
 * that each lane equals a mono cascade of the same signal. */
static void check_grad4(const char *what, const vx_bq_kind *kinds, const vx_band *bands,
                        int nb)
{
    const double c[4] = {1.0, -0.5, 0.25, 2.0};
    char name[128];
    vx_peq *p = vx_peq_create4(kinds, nb, N), *mono = vx_peq_create(kinds, nb, N);
    static float xf[4][N], y[4][N], g[4][N], ym[N];
    float *x4[4], *y4[4], *g4[4];
    for (int j = 0; j < 4; j++) {
        x4[j] = xf[j], y4[j] = y[j], g4[j] = g[j];
        for (int i = 0; i < N; i++) {
            xf[j][i] = (float)(c[j] * x_d[i]);
            g[j][i] = (float)(j % 2 ? w_rev[i] : w_d[i]);
        }
    }
    CHECK(vx_peq_forward(p, bands, xf[0], ym, N, NULL) == -1, "a four-signal EQ refuses mono calls");
    CHECK(vx_peq_forward4(p, bands, (const float *const *)x4, y4, N, NULL) == 0, "forward4 runs");
    CHECK(vx_peq_forward4(mono, bands, (const float *const *)x4, y4, N, NULL) == -1,
          "a mono EQ refuses forward4");
    double e = 0, r = 0;
    for (int j = 0; j < 4; j++) {
        vx_peq_forward(mono, bands, xf[j], ym, N, NULL);
        for (int i = 0; i < N; i++)
            e += ((double)y[j][i] - ym[i]) * ((double)y[j][i] - ym[i]), r += (double)ym[i] * ym[i];
    }
    snprintf(name, sizeof name, "%s: forward4 = four mono cascades", what);
    CHECK_LE(10 * log10(e / r + 1e-300), -200, name);

    vx_band gb[VX_PEQ_BANDS];
    memset(gb, 0, sizeof gb);
    vx_peq_backward4(p, (const float *const *)g4, g4, gb); /* in place */
    const int probe[] = {0, 1, 500, N - 2, N - 1};
    for (int j = 0; j < 4; j++)
        for (size_t q = 0; q < sizeof probe / sizeof *probe; q++) {
            static double xp[N];
            const double h = 1e-2;
            const double *w = j % 2 ? w_rev : w_d;
            memcpy(xp, x_d, sizeof xp);
            xp[probe[q]] += h;
            double lp = loss_w(kinds, bands, nb, xp, w);
            xp[probe[q]] -= 2 * h;
            double lm = loss_w(kinds, bands, nb, xp, w);
            snprintf(name, sizeof name, "%s: lane %d dL/dx[%d]", what, j, probe[q]);
            check(g[j][probe[q]], (lp - lm) / (2 * h), 1e-5, 1e-3, name);
        }
    for (int k = 0; k < nb; k++)
        for (int jp = 0; jp < 2; jp++) { /* gain and freq (LP/HP gain: no parameter, 0) */
            vx_band b[VX_PEQ_BANDS];
            memcpy(b, bands, nb * sizeof *b);
            double v = *band_slot(&b[k], jp), h = jp == 0 ? 1e-2 : v * 1e-3, d[2];
            for (int rr = 0; rr < 2; rr++, h /= 2) { /* Richardson */
                d[rr] = 0;
                for (int j = 0; j < 4; j++) {
                    const double *w = j % 2 ? w_rev : w_d;
                    *band_slot(&b[k], jp) = v + h;
                    double lp = loss_w(kinds, b, nb, x_d, w);
                    *band_slot(&b[k], jp) = v - h;
                    double lm = loss_w(kinds, b, nb, x_d, w);
                    d[rr] += c[j] * (lp - lm) / (2 * h);
                }
            }
            *band_slot(&b[k], jp) = v;
            snprintf(name, sizeof name, "%s: four lanes, band %d dL/d%s", what, k,
                     jp == 0 ? "gain" : "freq");
            check(*band_slot(&gb[k], jp), (4 * d[1] - d[0]) / 3, 1e-4, jp == 1 ? 1e-5 : 1e-3,
                  name);
        }
    vx_peq_free(p), vx_peq_free(mono);
}

int main(void)
{
    check_golden();

    unsigned s = 777;
    for (int i = 0; i < N; i++) {
        s = s * 1664525u + 1013904223u;
        double r = (s >> 8) / 8388608.0 - 1.0;
        x_d[i] = (float)(0.4 * sin(0.013 * i) + 0.3 * sin(0.41 * i) + 0.2 * r);
        s = s * 1664525u + 1013904223u;
        w_d[i] = (s >> 8) / 8388608.0 - 1.0;
    }
    for (int i = 0; i < N; i++)
        w_rev[i] = w_d[N - 1 - i];
    const vx_band main_bands[VX_PEQ_BANDS] = {
        {-1.27, 384.4, 11.39}, {7.0, 1551.9, 0.279}, {-2.07, 110.9, VX_SHELF_Q},
        {3.86, 8227.0, VX_SHELF_Q}, {0, 10876.4, 1.446}, {0, 219.4, 0.934}};
    check_grad("main", vx_peq_main_kinds, main_bands, VX_PEQ_BANDS);
    const vx_band fdn_bands[VX_FDNEQ_BANDS] = {
        {4.0, 700.0, 2.0}, {-3.0, 5000.0, 0.8}, {2.5, 150.0, VX_SHELF_Q},
        {-4.0, 6000.0, VX_SHELF_Q}};
    check_grad("fdn", vx_peq_fdn_kinds, fdn_bands, VX_FDNEQ_BANDS);
    check_grad4("fdn", vx_peq_fdn_kinds, fdn_bands, VX_FDNEQ_BANDS);
    check_grad4("main", vx_peq_main_kinds, main_bands, VX_PEQ_BANDS);
    if (getenv("VX_TEST_VERBOSE"))
        printf("worst gradient relative error %.3g (%s)\n", worst, worst_name);
    return vx_test_summary();
}
