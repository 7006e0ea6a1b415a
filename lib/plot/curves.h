/* The curves that show what a preset does (vx-plot response): the EQs' magnitude, the
 * compressor's static curve, the delay's echoes and low-pass, the FDN's reverb time.
 * Each is computed from the coefficients and parameters the chain itself uses
 * (lib/fx), at fs = VX_FS. Pure functions of the physical values (vx_params_to_fx). */
#ifndef VX_PLOT_CURVES_H
#define VX_PLOT_CURVES_H

#include "params.h"

/* Magnitude in dB at freq_hz of the main 6-band EQ (band -1: the whole cascade, else band
 * 0..5 alone in chain order), of the FDN's 4-band output EQ, and of the delay's feedback
 * low-pass (one pass of the loop). */
double vx_curve_peq_db(const vx_fx *fx, int band, double freq_hz);
double vx_curve_fdn_eq_db(const vx_fx *fx, int band, double freq_hz);
double vx_curve_delay_lpf_db(const vx_fx *fx, double freq_hz);

/* The compressor/expander's static output level in dB for a steady input level in_db:
 * in_db + static gain (spec §5.2) + make-up. */
double vx_curve_comp_out_db(const vx_fx *fx, double in_db);

/* The FDN's reverb time T60 in seconds at freq_hz (0..fs/2): the 49 decay values gamma
 * interpolated linearly as the FDN does (spec §7a.1), gamma-bar per 997 samples on every
 * line (U is orthogonal), so 60 dB take -3 * 997 / (fs log10 gamma-bar) s; 0 when
 * gamma-bar is 0. */
double vx_curve_fdn_t60(const vx_fx *fx, double freq_hz);

/* The ping-pong delay's echoes at low frequencies (where its low-pass passes 0 dB),
 * spec §6a: echo m = 1..N (N = floor(4 s / floor(D + 1)), D in samples) comes at m D / fs
 * and has amplitude gain fb^(m-1) through the odd (m odd) or even pan, sqrt2 (cos, sin) of
 * p pi / 2. Writes time_ms[m-1], left_db[m-1], right_db[m-1] for the first min(N, max)
 * echoes and returns N. */
int vx_curve_delay_echoes(const vx_fx *fx, int max, double *time_ms, double *left_db,
                          double *right_db);

#endif
