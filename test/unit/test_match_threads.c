/* The ITO objective (lib/style/objective.c) and its thread count: on the golden setting
 * (references = wet chunks 0 and 2, queries = dry chunk 1, test/fixtures/README.md), two
 * evaluations with the same thread count give the same bits, and one thread agrees with
 * two to float rounding, for one query (the stages share the threads) and for a batch of
 * two (a lane per thread). The render's parallel loops split their work by blocks, frames
 * and bins, not by thread, so the objective does not move; the gradient's partial sums
 * (FDN, delay, compressor, lanes) are per thread, in double: they move it by double
 * rounding, some 1e-15 of its largest value. The bars are a thousand times that. */
#include "harness.h"

#include <omp.h>
#include <string.h>

#include "io/audio.h"
#include "stats/gauss.h"
#include "style/objective.h"

#define LEN 485100 /* 11 s */

/* Left and right of a stereo fixture, or its one channel in *l; NULL on failure. */
static int read_fixture(const char *path, float **l, float **r)
{
    vx_audio a;
    vx_err e;
    if (vx_audio_read(path, NULL, 44100, &a, &e) || a.frames < LEN) {
        printf("%s: %s\n", path, e.msg);
        return -1;
    }
    *l = malloc(LEN * sizeof **l);
    if (r)
        *r = malloc(LEN * sizeof **r);
    for (size_t t = 0; t < LEN; t++) {
        (*l)[t] = a.data[t * a.channels];
        if (r)
            (*r)[t] = a.data[t * a.channels + (a.channels > 1)];
    }
    vx_audio_free(&a);
    return 0;
}

/* The objective and gradient at the prior's mean with `threads` threads, nq queries (all
 * the dry chunk). */
static int evaluate(int threads, size_t nq, const float *const *rl, const float *const *rr,
                    const float *dry, const vx_gauss *g, vx_objective_eval *out)
{
    const float *q[2] = {dry, dry};
    vx_err e;
    omp_set_num_threads(threads);
    vx_objective *o = vx_objective_create(VX_ENCODER_MFCC, LEN, rl, rr, 2, q, nq, g, 0.01, &e);
    int bad = !o || vx_objective_evaluate(o, g->mean, NULL, nq, 1, out, &e);
    if (bad)
        printf("objective: %s\n", e.msg);
    vx_objective_free(o);
    return bad;
}

static double max_abs(const double *x, int n)
{
    double m = 0;
    for (int k = 0; k < n; k++)
        m = fmax(m, fabs(x[k]));
    return m;
}

int main(void)
{
    float *rl[2], *rr[2], *dry;
    vx_err e;
    vx_gauss *g = vx_gauss_load("presets/internal-gaussian.json", &e);
    if (!g || read_fixture("test/fixtures/ito_wet_chunk0_11s.wav", &rl[0], &rr[0]) ||
        read_fixture("test/fixtures/ito_wet_chunk2_11s.wav", &rl[1], &rr[1]) ||
        read_fixture("test/fixtures/ito_dry_chunk1_11s.wav", &dry, NULL)) {
        CHECK(0, "the golden ITO fixtures and presets/internal-gaussian.json load");
        return vx_test_summary();
    }
    const float *const *crl = (const float *const *)rl, *const *crr = (const float *const *)rr;
    for (size_t nq = 1; nq <= 2; nq++) {
        vx_objective_eval one, two, again;
        if (evaluate(2, nq, crl, crr, dry, g, &two) || evaluate(2, nq, crl, crr, dry, g, &again) ||
            evaluate(1, nq, crl, crr, dry, g, &one)) {
            CHECK(0, "the objective evaluates");
            continue;
        }
        char what[120];
        snprintf(what, sizeof what, "%zu quer%s, two threads twice: the same bits", nq,
                 nq > 1 ? "ies" : "y");
        CHECK(two.objective == again.objective &&
                  memcmp(two.grad, again.grad, sizeof two.grad) == 0, what);
        double gmax = max_abs(two.grad, VX_NMASK), worst = 0;
        for (int k = 0; k < VX_NMASK; k++)
            worst = fmax(worst, fabs(one.grad[k] - two.grad[k]));
        printf("%zu quer%s: one thread against two: objective %.1e relative, gradient %.1e of "
               "its largest (%.3g)\n",
               nq, nq > 1 ? "ies" : "y", fabs(one.objective - two.objective) / fabs(two.objective),
               worst / gmax, gmax);
        snprintf(what, sizeof what, "%zu quer%s: one thread's objective is two threads'", nq,
                 nq > 1 ? "ies" : "y");
        CHECK_REL(one.objective, two.objective, 1e-12, 1.0, what);
        snprintf(what, sizeof what, "%zu quer%s: one thread's gradient is two threads'", nq,
                 nq > 1 ? "ies" : "y");
        CHECK_LE(worst, 1e-12 * gmax, what);
    }
    for (int j = 0; j < 2; j++)
        free(rl[j]), free(rr[j]);
    free(dry);
    vx_gauss_free(g);
    return vx_test_summary();
}
