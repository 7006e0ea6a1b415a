/* FFT convolution of long signals with long responses. */
#ifndef VX_DSP_CONV_H
#define VX_DSP_CONV_H

#include <stddef.h>

/* Causal linear convolution truncated to the input length:
 * y[t] = sum_{k=0}^{min(t, nh-1)} h[k] x[t-k], t = 0..n-1.
 * y may be the same array as x. Work memory is allocated and freed here.
 * Returns 0, or -1 when out of memory (y is then untouched). */
int vx_conv_causal(const float *h, size_t nh, const float *x, size_t n, float *y);

/* The same for several responses sharing one input: y[j] = h[j] * x, j < nh_count,
 * each truncated to n. The input is transformed once. y[j] must not alias x. */
int vx_conv_causal_multi(const float *const *h, size_t nh, size_t count, const float *x,
                         size_t n, float *const *y);

#endif
