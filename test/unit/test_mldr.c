/* MLDR level-difference terms (spec/pipeline.md §1.6): coefficients against the spec,
 * sums against a double-precision reference with the per-signal shift (DESIGN.md 4), the
 * streaming variant, and the backward pass against central differences at the ends, around
 * the wrap of the shift and inside, with short time constants (T = 4000) and DiffVox's
 * (T = 8000, the shift wrapping more than once round). */
#include "loss/mldr.h"
#include "harness.h"
#include "loss_ref.h"

/* sum over both pairs of the reference level differences of row signals x against y. */
static double ref_sum(const ref_pair *rp, const double *x, const double *y, int T)
{
    return ref_ldr_sum(&rp[0], x, y, T) + ref_ldr_sum(&rp[1], x, y, T);
}

static void run(const double ts[2], const double tl[2], int T, const char *name)
{
    vx_ldr pairs[VX_LDR_PAIRS];
    ref_pair rp[2];
    for (int i = 0; i < 2; i++) {
        vx_ldr_init(&pairs[i], ts[i], tl[i], 44100);
        rp[i] = ref_pair_make(ts[i], tl[i]);
        CHECK((int)pairs[i].shift == rp[i].shift, "shift");
    }
    unsigned long long seed = 3;
    float *l = malloc(4 * T * sizeof *l), *r = l + T, *yl = r + T, *yr = yl + T;
    for (int t = 0; t < T; t++) { /* bursts of noise with silent gaps */
        double env = 0.1 + 0.9 * (0.5 + 0.5 * sin(2 * M_PI * t / 1500.0));
        l[t] = (float)(0.3 * env * ref_urand(&seed));
        r[t] = (float)(0.2 * env * ref_urand(&seed) + 0.5 * l[t]);
        yl[t] = (float)(0.5 * ref_urand(&seed) * (0.2 + (t % 2000 < 1000)));
        yr[t] = (float)(0.4 * ref_urand(&seed) * (0.2 + (t % 2000 < 1000)));
    }
    for (int t = 100; t < 200; t++) /* digital silence: powers at the 1e-8 floor */
        l[t] = r[t] = 0;

    float *q = malloc(2 * T * sizeof *q), *work = malloc(4 * T * sizeof *work);
    float *gx = malloc(T * sizeof *gx);
    double *x = malloc(2 * T * sizeof *x), *y = x + T;
    double worst_sum = 0, worst_g = 0;
    for (int row = 0; row < VX_LDR_ROWS; row++) {
        vx_ldr_mix m = vx_ldr_row_mix(row);
        for (int t = 0; t < T; t++) {
            x[t] = m.a * l[t] + m.b * r[t]; /* the float row the library forms */
            y[t] = m.a * yl[t] + m.b * yr[t];
        }
        vx_ldr_target(pairs, m, yl, yr, T, q, work);
        for (int t = 0; t < T; t++)
            gx[t] = 0;
        double got = vx_ldr_forward_backward(pairs, m, l, r, q, T, gx, work);
        double want = ref_sum(rp, x, y, T);
        double streamed = vx_ldr_compare(&pairs[0], m, l, r, yl, yr, T) +
                          vx_ldr_compare(&pairs[1], m, l, r, yl, yr, T);
        worst_sum = fmax(worst_sum, fmax(fabs(got / want - 1), fabs(streamed / want - 1)));

        /* ends, both sides of each pair's wrap point T - s, and inside */
        int s0 = rp[0].shift % T, s1 = rp[1].shift % T;
        int probe[] = {0, 1, 150, T - s0 - 1, T - s0, T - s0 + 1, T - s1 - 1, T - s1, s0, s1,
                       T / 2 + 3, T - 2, T - 1};
        double gscale = 0;
        for (int t = 0; t < T; t++)
            gscale = fmax(gscale, fabs(gx[t]));
        for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
            int t = probe[i];
            double keep = x[t], h = 1e-6, lv[2];
            for (int side = 0; side < 2; side++) {
                x[t] = keep + (side ? h : -h);
                lv[side] = ref_sum(rp, x, y, T);
            }
            x[t] = keep;
            double fd = (lv[1] - lv[0]) / (2 * h);
            if (t >= 100 && t < 200)
                CHECK(gx[t] == 0, "no gradient under the power floor");
            else
                worst_g = fmax(worst_g, fabs(gx[t] - fd) / fmax(fabs(fd), 1e-3 * gscale));
        }
    }
    printf("mldr %s: sums vs double reference, worst relative error %.3g\n", name, worst_sum);
    printf("mldr %s: backward vs central differences, worst relative error %.3g\n", name, worst_g);
    CHECK_LE(worst_sum, 1e-5, "sums = reference (cached and streamed)");
    CHECK_LE(worst_g, 1e-4, "backward = central differences");
    free(l), free(q), free(work), free(gx), free(x);
}

int main(void)
{
    /* spec/pipeline.md §1.6: c(tau) (the spec prints exact values; float32 evaluation
     * lands on a multiple of 2^-24 within one step of them) and the shifts */
    vx_ldr a, b;
    vx_ldr_init(&a, 50, 1000, 44100);
    vx_ldr_init(&b, 100, 2000, 44100);
    const double step = ldexp(1.0, -24);
    CHECK_NEAR(a.c_short, 9.972349e-4, step, "c(50 ms)");
    CHECK_NEAR(b.c_short, 4.987418e-4, step, "c(100 ms)");
    CHECK_NEAR(a.c_long, 4.988538e-5, step, "c(1000 ms)");
    CHECK_NEAR(b.c_long, 2.494300e-5, step, "c(2000 ms)");
    CHECK(ldexp(b.c_long, 24) == floor(ldexp(b.c_long, 24)), "c is a multiple of 2^-24");
    CHECK(a.f_long + a.c_long == 1.0, "feedback 1 - c");
    CHECK(a.shift == 20947 && b.shift == 41895, "shifts 20947 and 41895 samples");

    const double ts_short[2] = {5, 10}, tl_short[2] = {40, 80}; /* shifts 771 and 1543 */
    const double ts[2] = {50, 100}, tl[2] = {1000, 2000};
    run(ts_short, tl_short, 4000, "short time constants, T=4000");
    run(ts, tl, 8000, "DiffVox time constants, T=8000");
    return vx_test_summary();
}
