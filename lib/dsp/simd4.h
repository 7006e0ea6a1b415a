/* Four-lane double vectors (GCC vector extensions) for loops that run four independent
 * problems side by side (FDN frequency bins, the four FDN responses through one EQ), and
 * their exp and log, which libm offers only lane by lane. */
#ifndef VX_DSP_SIMD4_H
#define VX_DSP_SIMD4_H

#include <stddef.h>

#define VX_V4 4 /* lanes */

typedef double vx_v4d __attribute__((vector_size(VX_V4 * sizeof(double))));
typedef long long vx_v4m __attribute__((vector_size(VX_V4 * sizeof(long long))));
typedef float vx_v4f __attribute__((vector_size(VX_V4 * sizeof(float))));

/* Helpers must inline into their caller so that they are compiled for its ISA. */
#define VX_INLINE inline __attribute__((always_inline))

/* A hot loop function is compiled for the baseline ISA and for x86-64-v3 (AVX2, FMA),
 * chosen at load time (GCC function multiversioning); elsewhere a no-op. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VX_CLONES __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define VX_CLONES
#endif

/* a where the mask m is set, else b; |a| */
#define VX_V4SEL(m, a, b) ((vx_v4d)(((vx_v4m)(a) & (m)) | ((vx_v4m)(b) & ~(m))))
#define VX_V4ABS(a) ((vx_v4d)((vx_v4m)(a) & 0x7fffffffffffffffLL))

/* Whether any lane of the mask *m is set. */
static VX_INLINE int vx_v4_any(const vx_v4m *m)
{
    return ((*m)[0] | (*m)[1] | (*m)[2] | (*m)[3]) != 0;
}

/* *v = lane j of four float arrays at index t, and back. Vectors go by pointer: by value
 * they would change the ABI between the ISAs (-Wpsabi). */
static VX_INLINE void vx_v4_gather(vx_v4d *v, const float *const p[VX_V4], size_t t)
{
    *v = (vx_v4d){p[0][t], p[1][t], p[2][t], p[3][t]};
}

static VX_INLINE void vx_v4_scatter(float *const p[VX_V4], size_t t, const vx_v4d *v)
{
    for (int j = 0; j < VX_V4; j++)
        p[j][t] = (float)(*v)[j];
}

/* An integer k, |k| < 2^51, and the double SHIFT + k share their low bits: that converts
 * between them where AVX2 has no instruction for it. */
#define VX_V4_SHIFT 0x1.8p52

/* y = e^x lane by lane (fdlibm's e_exp.c: x = k ln2 + r, |r| <= ln2 / 2, a rational
 * approximation of e^r; error below 1 ulp). Results below 2^-1022 (x < -708) are 0; x must
 * be below 709 (no overflow handling). */
static VX_INLINE void vx_v4_exp(vx_v4d *y, const vx_v4d *x)
{
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double inv_ln2 = 1.44269504088896338700e+00, shift = VX_V4_SHIFT;
    const double p1 = 1.66666666666666019037e-01, p2 = -2.77777777770155933842e-03,
                 p3 = 6.61375632143793436117e-05, p4 = -1.65339022054652515390e-06,
                 p5 = 4.13813679705723846039e-08;
    vx_v4m under = (vx_v4m)(*x < -708.0);
    vx_v4d v = VX_V4SEL(under, (vx_v4d){0}, *x);
    vx_v4d ks = v * inv_ln2 + shift; /* k = round(v / ln2) */
    vx_v4d kf = ks - shift;
    vx_v4d hi = v - kf * ln2_hi, lo = kf * ln2_lo, r = hi - lo, t = r * r;
    vx_v4d c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))));
    vx_v4d e = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi); /* e^r, in [0.7, 1.5) */
    vx_v4m k = (vx_v4m)ks - (vx_v4m)((vx_v4d){0} + shift);
    e = (vx_v4d)((vx_v4m)e + (k << 52)); /* times 2^k, k >= -1021: stays normal */
    *y = VX_V4SEL(under, (vx_v4d){0}, e);
}

/* y = ln x lane by lane for positive normal x (fdlibm's e_log.c: x = 2^k (1 + f),
 * 1 + f in [sqrt(1/2), sqrt 2), a polynomial in s = f / (2 + f); error below 1 ulp). */
static VX_INLINE void vx_v4_log(vx_v4d *y, const vx_v4d *x)
{
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01,
                 lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01,
                 lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                 lg7 = 1.479819860511658591e-01;
    const long long mant = 0x000fffffffffffffLL, one = 0x3ff0000000000000LL;
    const double shift = VX_V4_SHIFT;
    vx_v4m bits = (vx_v4m)*x;
    vx_v4m k = (bits >> 52) - 1023;
    vx_v4d m = (vx_v4d)((bits & mant) | one); /* in [1, 2) */
    vx_v4m big = (vx_v4m)(m > 1.4142135623730951);
    m = VX_V4SEL(big, m * 0.5, m);
    k -= big; /* the mask is -1 where set */
    vx_v4d kf = (vx_v4d)(k + (vx_v4m)((vx_v4d){0} + shift)) - shift;
    vx_v4d f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
    vx_v4d t1 = w * (lg2 + w * (lg4 + w * lg6));
    vx_v4d t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
    vx_v4d hfsq = 0.5 * f * f;
    *y = kf * ln2_hi - ((hfsq - (s * (hfsq + (t2 + t1)) + kf * ln2_lo)) - f);
}

/* *s = sin x, *c = cos x lane by lane for |x| < 2^19 pi / 2 (fdlibm: x = k pi/2 + r with
 * pi/2 in three parts whose products with k are exact, |r| <= pi/4, the kernel_sin and
 * kernel_cos polynomials; error about an ulp). */
static VX_INLINE void vx_v4_sincos(vx_v4d *s, vx_v4d *c, const vx_v4d *x)
{
    const double inv_pio2 = 6.36619772367581382433e-01, shift = VX_V4_SHIFT;
    const double pio2_1 = 1.57079632673412561417e+00, pio2_2 = 6.07710050630396597660e-11,
                 pio2_3 = 2.02226624871116645580e-21;
    const double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
                 S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
                 S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
    const double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
                 C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
                 C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
    vx_v4d kd = (*x * inv_pio2 + shift) - shift; /* nearest integer */
    vx_v4m q = (vx_v4m)(kd + shift) & 3;         /* quadrant: the low bits of k */
    vx_v4d r = ((*x - kd * pio2_1) - kd * pio2_2) - kd * pio2_3;
    vx_v4d z = r * r;
    vx_v4d sr = r + r * z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
    vx_v4d cr = 1.0 - 0.5 * z + z * z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
    vx_v4m odd = (vx_v4m)((q & 1) != 0), neg_s = (vx_v4m)((q & 2) != 0),
           neg_c = (vx_v4m)(((q + 1) & 2) != 0);
    vx_v4d sv = VX_V4SEL(odd, cr, sr), cv = VX_V4SEL(odd, sr, cr);
    *s = VX_V4SEL(neg_s, -sv, sv);
    *c = VX_V4SEL(neg_c, -cv, cv);
}

#endif
