/* Ping-pong delay (spec/effects.md §6): golden impulse response and output of MedleyDB row 0,
 * the backward pass against central differences (the surrogate's time and eta gradients on
 * the damped-pulse forward), the eta regulariser, and timings. */
#include "fx/delay.h"

#include <stddef.h>
#include <string.h>

#include "dsp/conv.h"
#include "harness.h"
#include "ir_golden.h"

#define FIX "test/fixtures/"
#define SEC 44100

static void test_golden(const vx_fx *fx)
{
    vx_delay *d = vx_delay_create(VX_DELAY_LEN);
    float *l = malloc(VX_DELAY_LEN * sizeof *l), *r = malloc(VX_DELAY_LEN * sizeof *r);
    CHECK(d && l && r, "delay create");
    CHECK(vx_delay_forward(d, fx, -0.01, VX_DELAY_PULSE_SINC, l, r, NULL) == 0, "delay forward");

    static float rl[SEC], rr[SEC];
    CHECK(golden_read_stereo(FIX "delay_medleydb0_ir_1s.wav", SEC, rl, rr) == SEC, "read IR");
    double eir = golden_err_db(l, r, rl, rr, SEC);
    CHECK_LE(eir, -100.0, "delay golden IR, 1 s (dB)");

    /* the output for the compressor's output of the same render, 2 s (7 echoes) */
    const size_t T = 2 * SEC;
    float *x = malloc(T * sizeof *x), *y[2], *ref[2], *buf = malloc(4 * T * sizeof *buf);
    for (int j = 0; j < 2; j++)
        y[j] = buf + j * T, ref[j] = buf + (2 + j) * T;
    CHECK(golden_read(FIX "comp_medleydb0_after_comp_2s.wav", T, 1, &x) == (long)T, "read input");
    CHECK(golden_read(FIX "delay_medleydb0_out_2s.wav", T, 2, ref) == (long)T, "read output");
    vx_conv_causal(l, VX_DELAY_LEN, x, T, y[0]);
    vx_conv_causal(r, VX_DELAY_LEN, x, T, y[1]);
    double eout = golden_err_db(y[0], y[1], ref[0], ref[1], T);
    CHECK_LE(eout, -100.0, "delay golden output, 2 s (dB)");
    printf("delay golden: IR %.1f dB, output %.1f dB\n", eir, eout);

    vx_fx g;
    memset(&g, 0, sizeof g);
    double geta = 0, t0 = golden_now();
    for (int k = 0; k < 5; k++)
        vx_delay_forward(d, fx, -0.01, VX_DELAY_PULSE_SINC, l, r, NULL);
    double t1 = golden_now();
    for (int k = 0; k < 5; k++)
        vx_delay_backward(d, l, r, &g, &geta, NULL); /* any gradient will do */
    double t2 = golden_now();
    printf("delay timing (len %d): forward %.1f ms, backward %.1f ms\n", VX_DELAY_LEN,
           (t1 - t0) / 5 * 1e3, (t2 - t1) / 5 * 1e3);
    free(x), free(buf), free(l), free(r);
    vx_delay_free(d);
}

typedef struct {
    vx_delay *d;
    float *l, *r, *wl, *wr;
} rig;

/* loss = sum wl left + wr right (double) for fx and eta with the given pulse */
static double loss_of(rig *g, const vx_fx *fx, double eta, vx_delay_pulse pulse)
{
    if (vx_delay_forward(g->d, fx, eta, pulse, g->l, g->r, NULL) != 0)
        return NAN;
    double s = 0;
    for (size_t n = 0; n < vx_delay_len(g->d); n++)
        s += (double)g->wl[n] * g->l[n] + (double)g->wr[n] * g->r[n];
    return s;
}

typedef struct {
    const char *name;
    ptrdiff_t off; /* offsetof(vx_fx, value), or -1 for eta */
    double step;
} probe;

#define P(name, member, step) {name, (ptrdiff_t)offsetof(vx_fx, member), step}

/* Central differences (order 6: the responses are float32) against the backward pass. */
static double check_gradients(rig *g, const vx_fx *fx0, double eta0, vx_delay_pulse pulse,
                              const probe *pr, int np, const char *tag)
{
    vx_fx grad;
    memset(&grad, 0, sizeof grad);
    double geta = 0, worst = 0;
    loss_of(g, fx0, eta0, pulse);
    CHECK(vx_delay_backward(g->d, g->wl, g->wr, &grad, &geta, NULL) == 0, "delay backward");
    for (int p = 0; p < np; p++) {
        double dif[3];
        for (int k = 0; k < 3; k++) {
            double lo[2];
            for (int sgn = 0; sgn < 2; sgn++) {
                vx_fx fx = *fx0;
                double eta = eta0, h = (sgn ? -1 : 1) * (k + 1) * pr[p].step;
                if (pr[p].off < 0)
                    eta += h;
                else
                    *(double *)((char *)&fx + pr[p].off) += h;
                lo[sgn] = loss_of(g, &fx, eta, pulse);
            }
            dif[k] = lo[0] - lo[1];
        }
        double fd = (45 * dif[0] - 9 * dif[1] + dif[2]) / (60 * pr[p].step);
        double an = pr[p].off < 0 ? geta : *(double *)((char *)&grad + pr[p].off);
        double err = fabs(an - fd) / fabs(fd);
        worst = fmax(worst, err);
        char name[96];
        snprintf(name, sizeof name, "delay grad %s %s (an %.7g fd %.7g)", tag, pr[p].name, an, fd);
        CHECK_LE(err, 2e-4, name);
    }
    return worst;
}

static void test_gradients(void)
{
    const size_t len = 8820; /* 0.2 s: D = 1327.41 samples gives N = 6 echoes */
    rig g = {vx_delay_create(len), malloc(len * 4), malloc(len * 4), malloc(len * 4),
             malloc(len * 4)};
    unsigned long long seed = 3;
    for (size_t n = 0; n < len; n++) { /* with DC and Nyquist content, to test their weights */
        double edge = 0.5 + (n % 2 ? 0.5 : -0.5);
        g.wl[n] = (float)(golden_urand(&seed) + edge), g.wr[n] = (float)(golden_urand(&seed) - edge);
    }
    vx_fx fx;
    memset(&fx, 0, sizeof fx);
    fx.delay.time_ms = 30.1;
    fx.delay.feedback = 0.7;
    fx.delay.gain = 0.5;
    fx.delay.lpf = (vx_band){0, 3000, 1.2};
    fx.delay.odd_pan = 0.3;
    fx.delay.even_pan = 0.8;
    const double eta = -0.05;

    static const probe hard[] = {
        P("feedback", delay.feedback, 0.01),    P("gain", delay.gain, 0.1),
        P("lpf freq", delay.lpf.freq_hz, 20.0), P("lpf q", delay.lpf.q, 0.02),
        P("odd pan", delay.odd_pan, 0.01),      P("even pan", delay.even_pan, 0.01),
    };
    /* the surrogate's own forward makes time and eta differentiable (N fixed: D + 1 stays
     * within (1327, 1328]) */
    static const probe damped[] = {
        P("time", delay.time_ms, 0.002),        {"eta", -1, 2e-4},
        P("feedback", delay.feedback, 0.01),    P("lpf freq", delay.lpf.freq_hz, 20.0),
        P("lpf q", delay.lpf.q, 0.02),          P("odd pan", delay.odd_pan, 0.01),
    };
    /* eval mode: the sinc pulse differentiated as it is, time included (N fixed as below) */
    static const probe eval[] = {
        P("time", delay.time_ms, 0.002),        P("feedback", delay.feedback, 0.01),
        P("lpf q", delay.lpf.q, 0.02),
    };
    double w1 = check_gradients(&g, &fx, eta, VX_DELAY_PULSE_SINC, hard, 6, "sinc");
    w1 = fmax(w1, check_gradients(&g, &fx, eta, VX_DELAY_PULSE_SINC_EVAL, eval, 3, "sinc eval"));
    /* a light damping keeps the pulse wide-band, so the low-pass matters to it */
    double w2 = check_gradients(&g, &fx, -0.002, VX_DELAY_PULSE_DAMPED, damped, 6, "damped");
    printf("delay gradients: worst relative error %.3g\n", fmax(w1, w2));

    /* Straight-through: with the sinc forward the time and eta gradients still come (through
     * the same surrogate) and are finite and non-zero. */
    vx_fx grad;
    memset(&grad, 0, sizeof grad);
    double geta = 0;
    loss_of(&g, &fx, eta, VX_DELAY_PULSE_SINC);
    vx_delay_backward(g.d, g.wl, g.wr, &grad, &geta, NULL);
    CHECK(isfinite(grad.delay.time_ms) && grad.delay.time_ms != 0, "sinc forward: time gradient");
    CHECK(isfinite(geta) && geta != 0, "sinc forward: eta gradient");
    /* backward accumulates */
    vx_fx grad2 = grad;
    double geta2 = geta;
    vx_delay_backward(g.d, g.wl, g.wr, &grad2, &geta2, NULL);
    CHECK_REL(grad2.delay.feedback, 2 * grad.delay.feedback, 1e-12, 1e-300, "backward adds");
    CHECK_REL(geta2, 2 * geta, 1e-12, 1e-300, "backward adds to eta");

    free(g.l), free(g.r), free(g.wl), free(g.wr);
    vx_delay_free(g.d);
}

static void test_penalty(void)
{
    double de, dp, dm;
    const double eta = -0.3, h = 1e-5;
    double v = vx_delay_eta_penalty(eta, &de);
    CHECK_REL(v, (1 - exp(eta)) * (1 - exp(eta)), 1e-15, 0, "eta penalty value");
    double fd = (vx_delay_eta_penalty(eta + h, &dp) - vx_delay_eta_penalty(eta - h, &dm)) / (2 * h);
    CHECK_REL(de, fd, 1e-8, 0, "eta penalty derivative");
}

int main(void)
{
    vx_fx fx;
    if (golden_preset_fx(FIX "preset_medleydb0.json", &fx) != 0) {
        CHECK(0, "read preset_medleydb0.json");
        return vx_test_summary();
    }
    test_golden(&fx);
    test_gradients();
    test_penalty();
    CHECK(vx_delay_create(9) == NULL, "odd length rejected");
    vx_delay *d = vx_delay_create(100);
    float l[100], r[100];
    CHECK(vx_delay_forward(d, &fx, -0.01, VX_DELAY_PULSE_SINC, l, r, NULL) == -1,
          "delay longer than the response rejected");
    CHECK(vx_delay_backward(d, l, r, &fx, &(double){0}, NULL) == -1, "backward without forward");
    vx_delay_free(d);
    return vx_test_summary();
}
