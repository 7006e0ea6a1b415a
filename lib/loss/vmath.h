/* Vectorisation helpers of the loss kernels: branch-free float log and reciprocal square
 * root that inline into `omp simd` loops (libm's logf and sqrtf, with errno, would stop
 * vectorisation), and the marker for an AVX2 clone of a hot function. */
#ifndef VX_LOSS_VMATH_H
#define VX_LOSS_VMATH_H

#include <stdint.h>

/* Marks a hot loop function for an extra AVX2 clone on x86-64, picked when the
 * program loads (GCC function multiversioning); elsewhere it is a no-op. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define VX_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define VX_SIMD_CLONES
#endif

typedef union {
    float f;
    uint32_t u;
} vx_f32bits;

/* 1/sqrt(x) for normal x > 0: bit-level first guess and three Newton steps
 * (relative error at float rounding level, about 1e-7). */
static inline float vx_rsqrtf(float x)
{
    vx_f32bits v = {x};
    v.u = 0x5f375a86u - (v.u >> 1);
    float y = v.f, h = 0.5f * x;
    y = y * (1.5f - h * y * y);
    y = y * (1.5f - h * y * y);
    y = y * (1.5f - h * y * y);
    return y;
}

/* Natural log for normal x > 0 (Cephes logf: mantissa in [sqrt(1/2), sqrt 2) and a
 * degree-9 polynomial; absolute error about 1e-7). */
static inline float vx_logf(float x)
{
    vx_f32bits v = {x};
    int32_t e = (int32_t)(v.u >> 23) - 126; /* x = m 2^e, m in [1/2, 1) */
    v.u = (v.u & 0x007fffffu) | 0x3f000000u;
    float m = v.f;
    int32_t low = m < 0.70710678f;
    e -= low;
    m = m + (low ? m : 0.0f) - 1.0f;
    float fe = (float)e, z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y += -2.12194440e-4f * fe;
    y += -0.5f * z;
    return m + y + 0.693359375f * fe;
}

#endif
