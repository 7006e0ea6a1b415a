/* Curves of a preset's effects for display (see curves.h). */
#include "plot/curves.h"

#include <math.h>

#include "fx/biquad.h"
#include "fx/comp.h"
#include "fx/delay.h"
#include "fx/fdn.h"
#include "fx/peq.h"

/* Bands [first, last] of a cascade, designed as the chain designs them, in dB summed. */
static double cascade_db(const vx_band *bands, const vx_bq_kind *kinds, int first, int last,
                         double freq_hz)
{
    double db = 0;
    for (int b = first; b <= last; b++) {
        vx_biquad f = vx_biquad_design(kinds[b], bands[b].gain_db, bands[b].freq_hz, bands[b].q, VX_FS);
        db += vx_biquad_mag_db(&f, freq_hz, VX_FS);
    }
    return db;
}

double vx_curve_peq_db(const vx_fx *fx, int band, double freq_hz)
{
    return band < 0 ? cascade_db(fx->peq, vx_peq_main_kinds, 0, VX_PEQ_BANDS - 1, freq_hz)
                    : cascade_db(fx->peq, vx_peq_main_kinds, band, band, freq_hz);
}

double vx_curve_fdn_eq_db(const vx_fx *fx, int band, double freq_hz)
{
    return band < 0 ? cascade_db(fx->fdn.eq, vx_peq_fdn_kinds, 0, VX_FDNEQ_BANDS - 1, freq_hz)
                    : cascade_db(fx->fdn.eq, vx_peq_fdn_kinds, band, band, freq_hz);
}

double vx_curve_delay_lpf_db(const vx_fx *fx, double freq_hz)
{
    static const vx_bq_kind lowpass = VX_BQ_LOWPASS;
    return cascade_db(&fx->delay.lpf, &lowpass, 0, 0, freq_hz);
}

double vx_curve_comp_out_db(const vx_fx *fx, double in_db)
{
    return in_db + vx_comp_curve_db(fx, in_db) + fx->comp.make_up_db;
}

double vx_curve_fdn_t60(const vx_fx *fx, double freq_hz)
{
    /* spec §7a.1: u = k 48 / (F - 1) on the bin grid, i.e. 48 f / (fs / 2) */
    double u = freq_hz / (VX_FS / 2) * (VX_FDN_GAMMAS - 1);
    int i0 = (int)floor(u);
    i0 = i0 < 0 ? 0 : i0 > VX_FDN_GAMMAS - 2 ? VX_FDN_GAMMAS - 2 : i0;
    double lam = u - i0, g = (1 - lam) * fx->fdn.gamma[i0] + lam * fx->fdn.gamma[i0 + 1];
    return g > 0 ? -3.0 * vx_fdn_delays[0] / (VX_FS * log10(g)) : 0.0;
}

int vx_curve_delay_echoes(const vx_fx *fx, int max, double *time_ms, double *left_db,
                          double *right_db)
{
    int n = vx_delay_echo_count(fx, VX_DELAY_LEN);
    for (int m = 1; m <= n && m <= max; m++) {
        double th = (m % 2 ? fx->delay.odd_pan : fx->delay.even_pan) * M_PI / 2;
        double a = fx->delay.gain * pow(fx->delay.feedback, m - 1) * M_SQRT2;
        time_ms[m - 1] = m * fx->delay.time_ms;
        left_db[m - 1] = 20 * log10(a * cos(th));
        right_db[m - 1] = 20 * log10(a * sin(th));
    }
    return n;
}
