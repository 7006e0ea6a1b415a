/* The 151-value DiffVox parameter vector: layout table and raw <-> physical maps
 * (spec/effects.md §2-3). */
#include "params.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define OFF(member) offsetof(vx_fx, member)
#define GMAX_SENTINEL -1.0 /* hi of gamma's MinMax, resolved by vx_fdn_gamma_max() */

/* ms2coef(50) of torchcomp: 1 - exp(-2200 / (50 ms * fs)). */
#define AT_RT_INIT 9.97235e-4

const vx_param_def vx_param_table[] = {
    {"0.gain", "peak1", "gain_db", 0, 1, OFF(peq[0].gain_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"0.freq", "peak1", "freq_hz", 1, 1, OFF(peq[0].freq_hz), VX_MAP_MINMAX, 33, 5400, 800, VX_SHOW_AS_IS},
    {"0.Q", "peak1", "q", 2, 1, OFF(peq[0].q), VX_MAP_MINMAX, 0.2, 20, 0.707, VX_SHOW_AS_IS},
    {"1.gain", "peak2", "gain_db", 3, 1, OFF(peq[1].gain_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"1.freq", "peak2", "freq_hz", 4, 1, OFF(peq[1].freq_hz), VX_MAP_MINMAX, 200, 17500, 4000, VX_SHOW_AS_IS},
    {"1.Q", "peak2", "q", 5, 1, OFF(peq[1].q), VX_MAP_MINMAX, 0.2, 20, 0.707, VX_SHOW_AS_IS},
    {"2.gain", "low_shelf", "gain_db", 6, 1, OFF(peq[2].gain_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"2.freq", "low_shelf", "freq_hz", 7, 1, OFF(peq[2].freq_hz), VX_MAP_MINMAX, 30, 200, 115, VX_SHOW_AS_IS},
    {"3.gain", "high_shelf", "gain_db", 8, 1, OFF(peq[3].gain_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"3.freq", "high_shelf", "freq_hz", 9, 1, OFF(peq[3].freq_hz), VX_MAP_MINMAX, 750, 8300, 6000, VX_SHOW_AS_IS},
    {"4.freq", "low_pass", "freq_hz", 10, 1, OFF(peq[4].freq_hz), VX_MAP_MINMAX, 200, 18000, 17500, VX_SHOW_AS_IS},
    {"4.Q", "low_pass", "q", 11, 1, OFF(peq[4].q), VX_MAP_MINMAX, 0.5, 10, 0.707, VX_SHOW_AS_IS},
    {"5.freq", "high_pass", "freq_hz", 12, 1, OFF(peq[5].freq_hz), VX_MAP_MINMAX, 16, 5300, 200, VX_SHOW_AS_IS},
    {"5.Q", "high_pass", "q", 13, 1, OFF(peq[5].q), VX_MAP_MINMAX, 0.5, 10, 0.707, VX_SHOW_AS_IS},
    {"6.cmp_th", "comp", "cmp_th_db", 14, 1, OFF(comp.cmp_th_db), VX_MAP_IDENTITY, -120, 20, -18, VX_SHOW_AS_IS},
    {"6.exp_th", "comp", "exp_th_db", 15, 1, OFF(comp.exp_th_db), VX_MAP_IDENTITY, -120, 20, -48, VX_SHOW_AS_IS},
    {"6.make_up", "comp", "make_up_db", 16, 1, OFF(comp.make_up_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"6.lookahead", "comp", "lookahead_ms", 17, 1, OFF(comp.lookahead_ms), VX_MAP_WRAP, 0, 15, 1000.0 / 44100.0, VX_SHOW_AS_IS},
    {"6.at", "comp", "attack_ms", 18, 1, OFF(comp.attack), VX_MAP_SIGMOID, 0, 1, AT_RT_INIT, VX_SHOW_COEF_MS},
    {"6.rt", "comp", "release_ms", 19, 1, OFF(comp.release), VX_MAP_SIGMOID, 0, 1, AT_RT_INIT, VX_SHOW_COEF_MS},
    {"6.avg_coef", "comp", "rms_coef", 20, 1, OFF(comp.rms_coef), VX_MAP_SIGMOID, 0, 1, 0.3, VX_SHOW_AS_IS},
    {"6.cmp_ratio", "comp", "cmp_ratio", 21, 1, OFF(comp.cmp_ratio), VX_MAP_MINMAX, 1, 20, 2, VX_SHOW_AS_IS},
    {"6.exp_ratio", "comp", "exp_ratio", 22, 1, OFF(comp.exp_ratio), VX_MAP_SIGMOID, 0, 1, 0.5, VX_SHOW_AS_IS},
    {"7.sends_0", "send", "gain", 23, 1, OFF(send), VX_MAP_SIGMOID, 0, 1, 0.01, VX_SHOW_AS_IS},
    {"7.effects.0.delay", "delay", "time_ms", 24, 1, OFF(delay.time_ms), VX_MAP_MINMAX, 100, 1000, 400, VX_SHOW_AS_IS},
    {"7.effects.0.feedback", "delay", "feedback", 25, 1, OFF(delay.feedback), VX_MAP_SIGMOID, 0, 1, 0.1, VX_SHOW_AS_IS},
    {"7.effects.0.gain", "delay", "gain", 26, 1, OFF(delay.gain), VX_MAP_SIGMOID, 0, 1, 0.1, VX_SHOW_AS_IS},
    {"7.effects.0.eq.freq", "delay", "lpf_freq_hz", 27, 1, OFF(delay.lpf.freq_hz), VX_MAP_MINMAX, 200, 16000, 8000, VX_SHOW_AS_IS},
    {"7.effects.0.eq.Q", "delay", "lpf_q", 28, 1, OFF(delay.lpf.q), VX_MAP_MINMAX, 0.5, 2, 0.707, VX_SHOW_AS_IS},
    {"7.effects.0.odd_pan.pan", "delay", "odd_pan", 29, 1, OFF(delay.odd_pan), VX_MAP_SIGMOID, 0, 1, 0.5, VX_SHOW_PAN},
    {"7.effects.0.even_pan.pan", "delay", "even_pan", 30, 1, OFF(delay.even_pan), VX_MAP_SIGMOID, 0, 1, 0.5, VX_SHOW_PAN},
    {"7.effects.1.b", "fdn", "b", 31, 12, OFF(fdn.b), VX_MAP_IDENTITY, -100, 100, 1.0 / 6.0, VX_SHOW_AS_IS},
    {"7.effects.1.c", "fdn", "c", 43, 12, OFF(fdn.c), VX_MAP_IDENTITY, -100, 100, 0, VX_SHOW_AS_IS},
    {"7.effects.1.gamma", "fdn", "gamma", 55, 49, OFF(fdn.gamma), VX_MAP_MINMAX, 0, GMAX_SENTINEL, 0.5, VX_SHOW_AS_IS},
    {"7.effects.1.U", "fdn", "w", 104, 36, OFF(fdn.w), VX_MAP_IDENTITY, -100, 100, 0, VX_SHOW_AS_IS},
    {"7.effects.1.eq.0.gain", "fdn_peak1", "gain_db", 140, 1, OFF(fdn.eq[0].gain_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"7.effects.1.eq.0.freq", "fdn_peak1", "freq_hz", 141, 1, OFF(fdn.eq[0].freq_hz), VX_MAP_MINMAX, 200, 2500, 800, VX_SHOW_AS_IS},
    {"7.effects.1.eq.0.Q", "fdn_peak1", "q", 142, 1, OFF(fdn.eq[0].q), VX_MAP_MINMAX, 0.1, 3, 0.707, VX_SHOW_AS_IS},
    {"7.effects.1.eq.1.gain", "fdn_peak2", "gain_db", 143, 1, OFF(fdn.eq[1].gain_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"7.effects.1.eq.1.freq", "fdn_peak2", "freq_hz", 144, 1, OFF(fdn.eq[1].freq_hz), VX_MAP_MINMAX, 600, 7000, 4000, VX_SHOW_AS_IS},
    {"7.effects.1.eq.1.Q", "fdn_peak2", "q", 145, 1, OFF(fdn.eq[1].q), VX_MAP_MINMAX, 0.1, 3, 0.707, VX_SHOW_AS_IS},
    {"7.effects.1.eq.2.gain", "fdn_low_shelf", "gain_db", 146, 1, OFF(fdn.eq[2].gain_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"7.effects.1.eq.2.freq", "fdn_low_shelf", "freq_hz", 147, 1, OFF(fdn.eq[2].freq_hz), VX_MAP_MINMAX, 30, 450, 115, VX_SHOW_AS_IS},
    {"7.effects.1.eq.3.gain", "fdn_high_shelf", "gain_db", 148, 1, OFF(fdn.eq[3].gain_db), VX_MAP_IDENTITY, -60, 60, 0, VX_SHOW_AS_IS},
    {"7.effects.1.eq.3.freq", "fdn_high_shelf", "freq_hz", 149, 1, OFF(fdn.eq[3].freq_hz), VX_MAP_MINMAX, 1500, 16000, 8000, VX_SHOW_AS_IS},
    {"7.pan.pan", "dry", "pan", 150, 1, OFF(pan), VX_MAP_SIGMOID, 0, 1, 0.5, VX_SHOW_PAN},
};
const int vx_param_table_len = sizeof vx_param_table / sizeof vx_param_table[0];

double vx_fdn_gamma_max(void)
{
    /* T60 = 0.75 * 12 s, shortest line 997 samples */
    return pow(10.0, -(60.0 * 997.0 / (VX_FS * 9.0)) / 20.0);
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static double range_hi(const vx_param_def *d)
{
    return d->hi == GMAX_SENTINEL ? vx_fdn_gamma_max() : d->hi;
}

void vx_param_raw_range(const vx_param_def *d, double *lo, double *hi)
{
    if (d->map == VX_MAP_IDENTITY)
        *lo = d->lo, *hi = d->hi;
    else
        *lo = -VX_RAW_LIMIT, *hi = VX_RAW_LIMIT;
}

double vx_map_forward(const vx_param_def *d, double x)
{
    switch (d->map) {
    case VX_MAP_SIGMOID: return sigmoid(x);
    case VX_MAP_MINMAX: return d->lo + (range_hi(d) - d->lo) * sigmoid(x);
    case VX_MAP_WRAP: return fmod(fabs(x), d->hi);
    default: return x;
    }
}

double vx_map_derivative(const vx_param_def *d, double x)
{
    double s = sigmoid(x);
    switch (d->map) {
    case VX_MAP_SIGMOID: return s * (1 - s);
    case VX_MAP_MINMAX: return (range_hi(d) - d->lo) * s * (1 - s);
    case VX_MAP_WRAP: return x < 0 ? -1.0 : 1.0;
    default: return 1.0;
    }
}

double vx_map_inverse(const vx_param_def *d, double y)
{
    double u;
    switch (d->map) {
    case VX_MAP_SIGMOID: u = y; break;
    case VX_MAP_MINMAX: u = (y - d->lo) / (range_hi(d) - d->lo); break;
    case VX_MAP_WRAP: return (y >= 0 && y < d->hi) ? y : NAN;
    default: return isfinite(y) ? y : NAN;
    }
    if (!(u > 0 && u < 1))
        return NAN;
    return log(u / (1 - u));
}

static double *fx_slot(vx_fx *fx, const vx_param_def *d)
{
    return (double *)((char *)fx + d->offset);
}

int vx_params_to_fx(const double *raw, int clip_q, vx_fx *fx)
{
    memset(fx, 0, sizeof *fx);
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        double *y = fx_slot(fx, d);
        for (int j = 0; j < d->count; j++) {
            double x = raw[d->raw_index + j];
            if (!isfinite(x))
                return d->raw_index + j + 1;
            y[j] = vx_map_forward(d, x);
        }
    }
    for (int b = 0; b < VX_PEQ_BANDS; b++)
        if (b == VX_PEQ_LOWSHELF || b == VX_PEQ_HIGHSHELF)
            fx->peq[b].q = VX_SHELF_Q;
    fx->fdn.eq[VX_FDNEQ_LOWSHELF].q = fx->fdn.eq[VX_FDNEQ_HIGHSHELF].q = VX_SHELF_Q;
    if (clip_q && fx->delay.lpf.q > 0.707)
        fx->delay.lpf.q = 0.707;
    return 0;
}

int vx_params_from_fx(const vx_fx *fx, double *raw)
{
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        const double *y = fx_slot((vx_fx *)fx, d);
        for (int j = 0; j < d->count; j++) {
            double x = vx_map_inverse(d, y[j]);
            if (!isfinite(x))
                return d->raw_index + j + 1;
            raw[d->raw_index + j] = x;
        }
    }
    return 0;
}

void vx_params_grad_to_raw(const double *raw, const vx_fx *gfx, int clip_q, double *graw)
{
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        const double *g = fx_slot((vx_fx *)gfx, d);
        for (int j = 0; j < d->count; j++) {
            double x = raw[d->raw_index + j];
            graw[d->raw_index + j] = g[j] * vx_map_derivative(d, x);
        }
    }
    if (clip_q && vx_map_forward(vx_param_by_raw_index(28), raw[28]) > 0.707)
        graw[28] = 0;
}

void vx_params_init(double *raw)
{
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        double x = vx_map_inverse(d, d->init);
        for (int j = 0; j < d->count; j++)
            raw[d->raw_index + j] = x;
    }
}

void vx_params_mask(unsigned char *mask)
{
    for (int i = 0; i < VX_NRAW; i++)
        mask[i] = 1;
    for (int r = 0; r < VX_FDN_LINES; r++)
        for (int c = 0; c <= r; c++)
            mask[104 + VX_FDN_LINES * r + c] = 0;
}

void vx_params_mask_index(int *index130)
{
    unsigned char mask[VX_NRAW];
    vx_params_mask(mask);
    for (int i = 0, k = 0; i < VX_NRAW; i++)
        if (mask[i])
            index130[k++] = i;
}

double vx_display_from_phys(vx_display d, double p)
{
    switch (d) {
    case VX_SHOW_PAN: return 200.0 * p - 100.0;
    case VX_SHOW_COEF_MS: return -2200.0 / (VX_FS * log1p(-p));
    default: return p;
    }
}

double vx_display_to_phys(vx_display d, double v)
{
    switch (d) {
    case VX_SHOW_PAN: return (v + 100.0) / 200.0;
    case VX_SHOW_COEF_MS: return -expm1(-2200.0 / (v * VX_FS));
    default: return v;
    }
}

const vx_param_def *vx_param_find(const char *group, const char *name)
{
    for (int i = 0; i < vx_param_table_len; i++)
        if (!strcmp(vx_param_table[i].group, group) && !strcmp(vx_param_table[i].name, name))
            return &vx_param_table[i];
    return NULL;
}

const vx_param_def *vx_param_by_raw_index(int k)
{
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        if (k >= d->raw_index && k < d->raw_index + d->count)
            return d;
    }
    return NULL;
}
