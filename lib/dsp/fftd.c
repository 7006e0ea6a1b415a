/* Double-precision real FFT without FFTW (see fftd.h). */
#include "dsp/fftd.h"

#include <math.h>
#include <stdlib.h>

enum { MAX_FACTORS = 64, MAX_RADIX = 64 };

struct vx_fftd {
    size_t n, half;            /* real length and complex length n/2 */
    size_t factors[2 * MAX_FACTORS]; /* (radix, remaining length) pairs of half */
    vx_cpxd *tw;               /* e^(-2 pi i j / half), j < half */
    vx_cpxd *split;            /* e^(-2 pi i k / n), k <= half/2 */
};

static vx_cpxd cmul(vx_cpxd a, vx_cpxd b) { return (vx_cpxd){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }
static vx_cpxd conj_if(vx_cpxd a, int inverse) { return inverse ? (vx_cpxd){a.re, -a.im} : a; }

/* Radix 4 first, then 2, then the odd primes in increasing order. -1 if a prime factor
 * is above MAX_RADIX (its butterfly's scratch lives on the stack). */
static int factorise(size_t len, size_t *factors)
{
    size_t p = 4;
    while (len > 1) {
        while (len % p) {
            p = p == 4 ? 2 : p == 2 ? 3 : p + 2;
            if (p * p > len)
                p = len;
        }
        if (p > MAX_RADIX)
            return -1;
        len /= p;
        *factors++ = p;
        *factors++ = len;
    }
    return 0;
}

vx_fftd *vx_fftd_new(size_t n)
{
    if (n < 2 || n % 2)
        return NULL;
    vx_fftd *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n = n, p->half = n / 2;
    if (factorise(p->half, p->factors)) {
        free(p);
        return NULL;
    }
    p->tw = malloc(p->half * sizeof *p->tw);
    p->split = malloc((p->half / 2 + 1) * sizeof *p->split);
    if (!p->tw || !p->split) {
        vx_fftd_free(p);
        return NULL;
    }
    for (size_t j = 0; j < p->half; j++) {
        double ph = -2 * M_PI * (double)j / (double)p->half;
        p->tw[j] = (vx_cpxd){cos(ph), sin(ph)};
    }
    for (size_t k = 0; k <= p->half / 2; k++) {
        double ph = -2 * M_PI * (double)k / (double)n;
        p->split[k] = (vx_cpxd){cos(ph), sin(ph)};
    }
    return p;
}

void vx_fftd_free(vx_fftd *p)
{
    if (p)
        free(p->tw), free(p->split), free(p);
}

static void bfly2(vx_cpxd *o, const vx_cpxd *tw, size_t fstride, size_t m, int inv)
{
    for (size_t k = 0; k < m; k++) {
        vx_cpxd t = cmul(o[m + k], conj_if(tw[k * fstride], inv));
        o[m + k] = (vx_cpxd){o[k].re - t.re, o[k].im - t.im};
        o[k] = (vx_cpxd){o[k].re + t.re, o[k].im + t.im};
    }
}

static void bfly4(vx_cpxd *o, const vx_cpxd *tw, size_t fstride, size_t m, int inv)
{
    double sign = inv ? -1 : 1; /* -i for the forward transform, +i for the inverse */
    for (size_t k = 0; k < m; k++) {
        vx_cpxd s0 = cmul(o[k + m], conj_if(tw[k * fstride], inv));
        vx_cpxd s1 = cmul(o[k + 2 * m], conj_if(tw[2 * k * fstride], inv));
        vx_cpxd s2 = cmul(o[k + 3 * m], conj_if(tw[3 * k * fstride], inv));
        vx_cpxd a = {o[k].re + s1.re, o[k].im + s1.im}, b = {o[k].re - s1.re, o[k].im - s1.im};
        vx_cpxd c = {s0.re + s2.re, s0.im + s2.im}, d = {s0.re - s2.re, s0.im - s2.im};
        o[k] = (vx_cpxd){a.re + c.re, a.im + c.im};
        o[k + 2 * m] = (vx_cpxd){a.re - c.re, a.im - c.im};
        o[k + m] = (vx_cpxd){b.re + sign * d.im, b.im - sign * d.re};
        o[k + 3 * m] = (vx_cpxd){b.re - sign * d.im, b.im + sign * d.re};
    }
}

/* Any radix r by the direct sum, O(r^2) per group. */
static void bfly_generic(vx_cpxd *o, const vx_fftd *p, size_t fstride, size_t m, size_t r, int inv)
{
    vx_cpxd s[MAX_RADIX];
    for (size_t u = 0; u < m; u++) {
        for (size_t q = 0; q < r; q++)
            s[q] = o[u + q * m];
        for (size_t q1 = 0; q1 < r; q1++) {
            size_t k = u + q1 * m, j = 0;
            vx_cpxd acc = s[0];
            for (size_t q = 1; q < r; q++) {
                j = (j + fstride * k) % p->half;
                vx_cpxd t = cmul(s[q], conj_if(p->tw[j], inv));
                acc.re += t.re, acc.im += t.im;
            }
            o[k] = acc;
        }
    }
}

/* Decimation in time: out[0 .. r m) = the transform of in[0], in[fstride], ... */
static void work(const vx_fftd *p, vx_cpxd *out, const vx_cpxd *in, size_t fstride, const size_t *factors, int inv)
{
    size_t r = factors[0], m = factors[1];
    for (size_t i = 0; i < r; i++) {
        if (m == 1)
            out[i] = in[i * fstride];
        else
            work(p, out + i * m, in + i * fstride, fstride * r, factors + 2, inv);
    }
    if (r == 4)
        bfly4(out, p->tw, fstride, m, inv);
    else if (r == 2)
        bfly2(out, p->tw, fstride, m, inv);
    else
        bfly_generic(out, p, fstride, m, r, inv);
}

static void complex_fft(const vx_fftd *p, vx_cpxd *out, const vx_cpxd *in, int inv)
{
    if (p->half == 1)
        out[0] = in[0];
    else
        work(p, out, in, 1, p->factors, inv);
}

void vx_fftd_forward(const vx_fftd *p, const double *in, vx_cpxd *out)
{
    size_t half = p->half;
    complex_fft(p, out, (const vx_cpxd *)in, 0);
    /* the split pass of fft.c: X_k = E_k + w^k O_k, X_(half-k) = conj(E_k - w^k O_k) */
    vx_cpxd z0 = out[0];
    out[0] = (vx_cpxd){z0.re + z0.im, 0};
    out[half] = (vx_cpxd){z0.re - z0.im, 0};
    for (size_t k = 1; k <= half / 2; k++) {
        vx_cpxd a = out[k], b = out[half - k];
        vx_cpxd e = {0.5 * (a.re + b.re), 0.5 * (a.im - b.im)};
        vx_cpxd o = {0.5 * (a.im + b.im), -0.5 * (a.re - b.re)};
        vx_cpxd wo = cmul(p->split[k], o);
        out[k] = (vx_cpxd){e.re + wo.re, e.im + wo.im};
        out[half - k] = (vx_cpxd){e.re - wo.re, wo.im - e.im};
    }
}

void vx_fftd_inverse(const vx_fftd *p, vx_cpxd *in, double *out)
{
    size_t half = p->half;
    /* the merge of fft.c: Z_k = (X_k + conj X_(half-k)) + i w^-k (X_k - conj X_(half-k)) */
    double x0 = in[0].re, xn = in[half].re;
    in[0] = (vx_cpxd){x0 + xn, x0 - xn};
    for (size_t k = 1; k <= half / 2; k++) {
        vx_cpxd a = in[k], b = in[half - k], w = p->split[k];
        vx_cpxd e = {a.re + b.re, a.im - b.im}, d = {a.re - b.re, a.im + b.im};
        vx_cpxd o = cmul((vx_cpxd){w.re, -w.im}, d);
        in[k] = (vx_cpxd){e.re - o.im, e.im + o.re};
        vx_cpxd o2 = cmul(w, (vx_cpxd){d.re, -d.im});
        in[half - k] = (vx_cpxd){e.re - o2.im, -e.im + o2.re};
    }
    complex_fft(p, (vx_cpxd *)out, in, 1);
}
