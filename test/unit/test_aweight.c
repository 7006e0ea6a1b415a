/* A-weighting FIR: taps against the reference values of spec/pipeline.md §1.2, its
 * frequency response, filtering against a direct double sum, and its backward pass
 * (the same filter) against central differences. */
#include "loss/aweight.h"
#include "harness.h"

#include <complex.h>
#include <stdlib.h>

static const double ref_taps[51] = { /* spec/pipeline.md §1.2 step 5, h[0..50] */
    -1.926936791e-03, -2.006142400e-03, -2.098770579e-03, -2.188603161e-03, -2.292656340e-03,
    -2.394790994e-03, -2.512088045e-03, -2.628499409e-03, -2.761185635e-03, -2.894205507e-03,
    -3.044816433e-03, -3.197202925e-03, -3.368739970e-03, -3.543759929e-03, -3.739781678e-03,
    -3.941311967e-03, -4.166042898e-03, -4.398689605e-03, -4.657154437e-03, -4.926397931e-03,
    -5.224578548e-03, -5.536950193e-03, -5.881978665e-03, -6.245269440e-03, -6.645660847e-03,
    -7.069177926e-03, -7.535108365e-03, -8.029981516e-03, -8.573628031e-03, -9.153184481e-03,
    -9.789133444e-03, -1.046934258e-02, -1.121508610e-02, -1.201510895e-02, -1.289164182e-02,
    -1.383448765e-02, -1.486703288e-02, -1.598035917e-02, -1.719924994e-02, -1.851633005e-02,
    -1.995807141e-02, -2.151896246e-02, -2.322752401e-02, -2.508046478e-02, -2.710835263e-02,
    -2.930451185e-02, -3.161545843e-02, -3.279896826e-02, -1.517457422e-02, 2.734031677e-01,
    5.443199277e-01};

static unsigned long long rng = 99;
static double urand(void) /* uniform in [-1, 1) */
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) / 4503599627370496.0 - 1.0;
}

/* y[t] of the centred FIR, summed in double */
static double direct_at(const float *h, const double *x, int n, int t)
{
    double acc = 0;
    for (int k = 0; k < VX_AWEIGHT_TAPS; k++) {
        int s = t + k - VX_AWEIGHT_HALF;
        if (s >= 0 && s < n)
            acc += (double)h[k] * x[s];
    }
    return acc;
}

static double fir_db(const float *h, double f_hz)
{
    double complex s = 0;
    for (int k = 0; k < VX_AWEIGHT_TAPS; k++)
        s += h[k] * cexp(-2.0 * M_PI * I * f_hz / 44100.0 * k);
    return 20 * log10(cabs(s));
}

int main(void)
{
    float h[VX_AWEIGHT_TAPS];
    CHECK(vx_aweight_design(h) == 0, "design");
    double worst = 0, sum = 0;
    for (int i = 0; i < VX_AWEIGHT_TAPS; i++) {
        double want = ref_taps[i <= 50 ? i : 100 - i];
        worst = fmax(worst, fabs(h[i] - want));
        sum += h[i];
    }
    printf("aweight: worst tap deviation %.3g\n", worst);
    CHECK_LE(worst, 1e-7, "taps within 1e-7 of the reference");
    CHECK_NEAR(sum, 0.10083035, 1e-7, "sum of taps");
    const double f[6] = {100, 1000, 4000, 10000, 16000, 20000};
    const double want_db[6] = {-17.27, -0.13, 0.95, -4.00, -15.32, -33.43};
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(fir_db(h, f[i]), want_db[i], 0.006, "FIR response in dB");

    /* filtering against the direct double sum, including both edges */
    enum { N = 3000 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *g = malloc(N * sizeof *g);
    float *w = malloc(N * sizeof *w);
    for (int t = 0; t < N; t++)
        x[t] = (float)urand(), w[t] = (float)urand();
    double *xd = malloc(N * sizeof *xd);
    for (int t = 0; t < N; t++)
        xd[t] = x[t];
    vx_aweight_apply(h, x, y, N);
    double err = 0;
    for (int t = 0; t < N; t++)
        err = fmax(err, fabs(y[t] - direct_at(h, xd, N, t)));
    CHECK_LE(err, 1e-6, "filtering = direct sum");
    float one[1] = {0.5f}, out1[1];
    vx_aweight_apply(h, one, out1, 1);
    CHECK_NEAR(out1[0], 0.5 * h[VX_AWEIGHT_HALF], 1e-9, "one-sample signal");

    /* backward of L = sum w y^2 / 2 is Aw(w y); check against central differences */
    for (int t = 0; t < N; t++)
        y[t] *= w[t];
    vx_aweight_apply(h, y, g, N);
    /* central differences of the quadratic evaluated in double (float rounding would swamp them) */
    double worst_rel = 0;
    for (int trial = 0; trial < 20; trial++) {
        /* both ends, then random samples */
        int t = trial < 3 ? trial : trial < 6 ? N + 2 - trial : (int)((urand() + 1) * N / 2);
        double eps = 1e-3, l[2];
        for (int side = 0; side < 2; side++) {
            double keep = xd[t];
            xd[t] += side ? eps : -eps;
            l[side] = 0;
            for (int s = 0; s < N; s++) {
                double acc = direct_at(h, xd, N, s);
                l[side] += 0.5 * w[s] * acc * acc;
            }
            xd[t] = keep;
        }
        double fd = (l[1] - l[0]) / (2 * eps);
        worst_rel = fmax(worst_rel, fabs(g[t] - fd) / fmax(fabs(fd), 1e-3));
    }
    printf("aweight: backward vs central differences, worst relative error %.3g\n", worst_rel);
    CHECK_LE(worst_rel, 1e-5, "backward = central differences");
    free(x), free(y), free(g), free(w), free(xd);
    return vx_test_summary();
}
