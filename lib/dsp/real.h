/* The precision of the modules compiled twice, as KissFFT compiles itself with its scalar
 * type: fx/peq.c, fx/comp.c, fx/delay.c, fx/fdn.c, response.c and style/render.c hold
 * their signals, spectra and transforms in vx_real. By default that is float, under the
 * plain names; a file that defines VX_REAL_DOUBLE before including one of those sources
 * (peq_d.c, comp_d.c, ...) gets the same code in double, every external name with the
 * suffix _d (VX_R(name)), and a file that includes one of their headers with
 * VX_REAL_DOUBLE defined gets the double declarations. The double chain serves vx-match's
 * MIR encoder, whose features read the quiet samples and spectral bins of a render, where
 * float rounding and float FFT noise (1e-7 of the peak) decide them (style/objective.c).
 * No include guard: each inclusion sets the macros for the precision of that moment; nor
 * have the precision's parts of those headers one (C11 lets their typedefs and
 * prototypes be repeated). */
#include "dsp/fft.h"

#undef vx_real
#undef vx_cpxr
#undef VX_R
#ifdef VX_REAL_DOUBLE
#define vx_real double
#define vx_cpxr vx_cpxd
#define VX_R(name) name##_d
#else
#define vx_real float
#define vx_cpxr vx_cpx
#define VX_R(name) name
#endif
