/* Real FFTs: the one module that calls the FFT library (KissFFT by default, FFTW3 with
 * -DVX_FFT_FFTW), in single and double precision. Everything else goes through here. */
#ifndef VX_DSP_FFT_H
#define VX_DSP_FFT_H

#include <stddef.h>

/* Layout-compatible with kiss_fft_cpx and fftwf_complex. */
typedef struct { float re, im; } vx_cpx;

/* The same in double precision, layout-compatible with fftw_complex. */
typedef struct { double re, im; } vx_cpxd;

typedef struct vx_fft vx_fft;

/* A plan for real transforms of even length n, shared and cached per size:
 * callers never free it. Safe to call from several threads; a plan may be
 * executed by several threads at once (KissFFT's scratch state is kept per thread,
 * made on a thread's first transform of a length). Returns NULL if n is odd or
 * memory runs out. */
const vx_fft *vx_fft_get(size_t n);

/* Length n of the plan. */
size_t vx_fft_len(const vx_fft *p);

/* n real samples -> n/2+1 bins, X[k] = sum_t x[t] e^{-2 pi i k t / n}. `in` is kept. */
void vx_fft_forward(const vx_fft *p, const float *in, vx_cpx *out);

/* n/2+1 bins -> n real samples, unnormalised: x[t] = sum over the full Hermitian
 * spectrum (so forward then inverse multiplies by n). The imaginary parts of
 * bins 0 and n/2 are ignored. `in` may be overwritten (FFTW does). */
void vx_fft_inverse(const vx_fft *p, vx_cpx *in, float *out);

/* The plan of vx_fft_get made ready for double transforms too: FFTW3's double library,
 * or with KissFFT (whose float and double builds cannot be linked together) vx's own
 * mixed-radix transform, lib/dsp/fftd.c. NULL if n is odd, memory runs out or, with
 * KissFFT, n/2 has a prime factor above 64. */
const vx_fft *vx_fft_get_d(size_t n);

/* The two transforms in double precision, on a plan from vx_fft_get_d; the same
 * conventions as vx_fft_forward and vx_fft_inverse. */
void vx_fft_forward_d(const vx_fft *p, const double *in, vx_cpxd *out);
void vx_fft_inverse_d(const vx_fft *p, vx_cpxd *in, double *out);

/* Frees the tables of length-n transforms (KissFFT: every thread's; about 10 n bytes per
 * direction and thread), which are otherwise kept for the process's life; the next
 * transform of that length makes them again. For long lengths that a program needs once.
 * No transform of length n may be running. */
void vx_fft_release(size_t n);

/* Memory for signals and spectra that are transformed often: aligned for SIMD transforms
 * (FFTW's aligned plans are about 2.5 times faster). Release with free(). NULL when out
 * of memory. */
void *vx_fft_alloc(size_t bytes);

/* Smallest even length >= n whose factors the backend transforms fast: 2, 3, 5 and 7 with
 * FFTW, 2, 3 and 5 with KissFFT. */
size_t vx_fft_fast_len(size_t n);

/* Smallest even length >= n whose only prime factors are 2, 3 and 5, with either backend:
 * for the long transforms that run many times (lib/response.c's grid), where FFTW's
 * estimate-mode plans are faster on these lengths near a million points than on those
 * with a factor 7 (1,152,000 = 2^10 3^2 5^3 points: 1.7 times as fast as
 * 1,146,880 = 2^15 5 7, a forward and an inverse transform; 1,024,000 = 2^13 5^3 as fast
 * as 1,016,064 = 2^8 3^4 7^2). */
size_t vx_fft_fast_len_235(size_t n);

/* Name of the backend, for --version and benchmarks: "kissfft" or "fftw3f". */
const char *vx_fft_backend(void);

#endif
