/* RBJ-cookbook biquads as DiffVox's modules/functional.py designs them (spec/effects.md §4). */
#include "fx/biquad.h"

#include <math.h>

vx_biquad vx_biquad_design(vx_bq_kind kind, double gain_db, double freq_hz, double q, double fs)
{
    double w0 = 2.0 * M_PI * freq_hz / fs;
    double cw = cos(w0), alpha = sin(w0) / (2.0 * q);
    double A = pow(10.0, gain_db / 40.0), sA = sqrt(A);
    double b0, b1, b2, a0, a1, a2;
    switch (kind) {
    case VX_BQ_PEAK:
        b0 = 1 + alpha * A, b1 = -2 * cw, b2 = 1 - alpha * A;
        a0 = 1 + alpha / A, a1 = -2 * cw, a2 = 1 - alpha / A;
        break;
    case VX_BQ_LOWSHELF:
        b0 = A * ((A + 1) - (A - 1) * cw + 2 * sA * alpha);
        b1 = 2 * A * ((A - 1) - (A + 1) * cw);
        b2 = A * ((A + 1) - (A - 1) * cw - 2 * sA * alpha);
        a0 = (A + 1) + (A - 1) * cw + 2 * sA * alpha;
        a1 = -2 * ((A - 1) + (A + 1) * cw);
        a2 = (A + 1) + (A - 1) * cw - 2 * sA * alpha;
        break;
    case VX_BQ_HIGHSHELF:
        b0 = A * ((A + 1) + (A - 1) * cw + 2 * sA * alpha);
        b1 = -2 * A * ((A - 1) + (A + 1) * cw);
        b2 = A * ((A + 1) + (A - 1) * cw - 2 * sA * alpha);
        a0 = (A + 1) - (A - 1) * cw + 2 * sA * alpha;
        a1 = 2 * ((A - 1) - (A + 1) * cw);
        a2 = (A + 1) - (A - 1) * cw - 2 * sA * alpha;
        break;
    case VX_BQ_LOWPASS:
        b0 = (1 - cw) / 2, b1 = 1 - cw, b2 = (1 - cw) / 2;
        a0 = 1 + alpha, a1 = -2 * cw, a2 = 1 - alpha;
        break;
    default: /* VX_BQ_HIGHPASS */
        b0 = (1 + cw) / 2, b1 = -(1 + cw), b2 = (1 + cw) / 2;
        a0 = 1 + alpha, a1 = -2 * cw, a2 = 1 - alpha;
        break;
    }
    return (vx_biquad){b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

/* Transposed direct form II; the element type is the only difference between the two. */
#define BIQUAD_LOOP(f, x, y, n)                                                     \
    do {                                                                            \
        double s1 = 0, s2 = 0;                                                      \
        for (size_t i = 0; i < (n); i++) {                                          \
            double in = (x)[i], out = (f)->b0 * in + s1;                            \
            s1 = (f)->b1 * in - (f)->a1 * out + s2;                                 \
            s2 = (f)->b2 * in - (f)->a2 * out;                                      \
            (y)[i] = out;                                                           \
        }                                                                           \
    } while (0)

void vx_biquad_filter(const vx_biquad *f, const float *x, float *y, size_t n)
{
    BIQUAD_LOOP(f, x, y, n);
}

void vx_biquad_filter_d(const vx_biquad *f, const double *x, double *y, size_t n)
{
    BIQUAD_LOOP(f, x, y, n);
}
