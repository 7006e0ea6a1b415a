/* Real FFTs in double precision for builds without FFTW (fft.c calls it): KissFFT's float
 * and double libraries export the same names, so one program cannot link both. A
 * mixed-radix complex transform of n/2 points (radix 4 and 2, any other factor by its
 * direct O(p^2) butterfly, as KissFFT does) and the real split pass of fft.c. */
#ifndef VX_DSP_FFTD_H
#define VX_DSP_FFTD_H

#include "dsp/fft.h"

typedef struct vx_fftd vx_fftd;

/* Tables for even length n; NULL if n is odd, n/2 has a prime factor above 64 or memory
 * runs out. Read-only once made:
 * several threads may transform with one at once. */
vx_fftd *vx_fftd_new(size_t n);
void vx_fftd_free(vx_fftd *p);

/* n real samples -> n/2+1 bins, X[k] = sum_t x[t] e^{-2 pi i k t / n}. */
void vx_fftd_forward(const vx_fftd *p, const double *in, vx_cpxd *out);
/* n/2+1 bins -> n real samples, unnormalised (forward then inverse multiplies by n);
 * the imaginary parts of bins 0 and n/2 are ignored; `in` is overwritten. */
void vx_fftd_inverse(const vx_fftd *p, vx_cpxd *in, double *out);

#endif
