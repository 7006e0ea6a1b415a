/* Real FFT plans over KissFFT or FFTW3f, cached per length (see fft.h). */
#include "dsp/fft.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifdef VX_FFT_FFTW
#include <fftw3.h>
#else
#include <kiss_fft.h>
#include <math.h>

#include "dsp/fftd.h"
#endif

struct vx_fft {
    size_t n;
#ifdef VX_FFT_FFTW
    /* [inverse][unaligned]: SIMD plans need the alignment of fftwf_malloc (vx_fft_alloc
     * gives it); other arrays go through plans that accept any alignment, about 2.5 times
     * slower. Each is made on first use: planning costs more than a one-off transform. */
    fftwf_plan plan[2][2];
    fftw_plan plan_d[2][2]; /* the same in double */
#else
    /* A real transform of n points is a complex one of n/2 (even samples in the real
     * parts, odd in the imaginary) and a pass that separates them with the twiddles
     * e^(-2 pi i k / n), k <= n/4. Out of place a KissFFT state is only read, so one
     * state per direction serves every thread (kiss_fftr keeps scratch in its state,
     * which would need one per thread: 10 n bytes each, against 6 n shared here). */
    kiss_fft_cfg cfg[2]; /* [inverse], made on first use */
    vx_cpx *tw;
    vx_fftd *fftd; /* double transforms, made by vx_fft_get_d */
#endif
    struct vx_fft *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct vx_fft *cache;

static struct vx_fft *plan_new(size_t n)
{
    struct vx_fft *p = calloc(1, sizeof *p);
    if (p)
        p->n = n;
    return p;
}

#ifdef VX_FFT_FFTW
/* The plan for a direction and the alignment of the arrays, made on first use. */
static fftwf_plan plan_for(const struct vx_fft *cp, int inverse, const void *in, const void *out)
{
    struct vx_fft *p = (struct vx_fft *)cp;
    int any = fftwf_alignment_of((float *)in) != 0 || fftwf_alignment_of((float *)out) != 0;
    fftwf_plan plan = __atomic_load_n(&p->plan[inverse][any], __ATOMIC_ACQUIRE);
    if (plan)
        return plan;
    pthread_mutex_lock(&cache_lock); /* FFTW's planner is not thread-safe */
    if (!(plan = p->plan[inverse][any])) {
        float *x = fftwf_alloc_real(p->n);
        fftwf_complex *X = fftwf_alloc_complex(p->n / 2 + 1);
        unsigned flags = FFTW_ESTIMATE | (any ? FFTW_UNALIGNED : 0);
        plan = inverse ? fftwf_plan_dft_c2r_1d((int)p->n, X, x, flags)
                       : fftwf_plan_dft_r2c_1d((int)p->n, x, X, flags);
        fftwf_free(x);
        fftwf_free(X);
        __atomic_store_n(&p->plan[inverse][any], plan, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&cache_lock);
    return plan;
}

/* The same for double transforms. */
static fftw_plan plan_for_d(const struct vx_fft *cp, int inverse, const void *in, const void *out)
{
    struct vx_fft *p = (struct vx_fft *)cp;
    int any = fftw_alignment_of((double *)in) != 0 || fftw_alignment_of((double *)out) != 0;
    fftw_plan plan = __atomic_load_n(&p->plan_d[inverse][any], __ATOMIC_ACQUIRE);
    if (plan)
        return plan;
    pthread_mutex_lock(&cache_lock);
    if (!(plan = p->plan_d[inverse][any])) {
        double *x = fftw_alloc_real(p->n);
        fftw_complex *X = fftw_alloc_complex(p->n / 2 + 1);
        unsigned flags = FFTW_ESTIMATE | (any ? FFTW_UNALIGNED : 0);
        plan = inverse ? fftw_plan_dft_c2r_1d((int)p->n, X, x, flags)
                       : fftw_plan_dft_r2c_1d((int)p->n, x, X, flags);
        fftw_free(x);
        fftw_free(X);
        __atomic_store_n(&p->plan_d[inverse][any], plan, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&cache_lock);
    return plan;
}
#endif

const vx_fft *vx_fft_get(size_t n)
{
    if (n < 2 || n % 2)
        return NULL;
    pthread_mutex_lock(&cache_lock);
    struct vx_fft *p = cache;
    while (p && p->n != n)
        p = p->next;
    if (!p && (p = plan_new(n))) {
        p->next = cache;
        cache = p;
    }
    pthread_mutex_unlock(&cache_lock);
    return p;
}

const vx_fft *vx_fft_get_d(size_t n)
{
    const vx_fft *cp = vx_fft_get(n);
#ifndef VX_FFT_FFTW
    struct vx_fft *p = (struct vx_fft *)cp;
    if (p && !__atomic_load_n(&p->fftd, __ATOMIC_ACQUIRE)) {
        pthread_mutex_lock(&cache_lock);
        if (!p->fftd)
            __atomic_store_n(&p->fftd, vx_fftd_new(n), __ATOMIC_RELEASE);
        pthread_mutex_unlock(&cache_lock);
        if (!p->fftd)
            return NULL;
    }
#endif
    return cp;
}

size_t vx_fft_len(const vx_fft *p) { return p->n; }

#ifndef VX_FFT_FFTW
/* The complex state of a direction and the twiddles, made on first use. */
static kiss_fft_cfg kiss_for(const struct vx_fft *cp, int inverse)
{
    struct vx_fft *p = (struct vx_fft *)cp;
    kiss_fft_cfg cfg = __atomic_load_n(&p->cfg[inverse], __ATOMIC_ACQUIRE);
    if (cfg)
        return cfg;
    pthread_mutex_lock(&cache_lock);
    size_t half = p->n / 2;
    if (!p->tw && (p->tw = malloc((half / 2 + 1) * sizeof *p->tw)))
        for (size_t k = 0; k <= half / 2; k++) {
            double ph = -2.0 * M_PI * (double)k / (double)p->n;
            p->tw[k] = (vx_cpx){(float)cos(ph), (float)sin(ph)};
        }
    if (!(cfg = p->cfg[inverse]) && p->tw) {
        cfg = kiss_fft_alloc((int)half, inverse, NULL, NULL);
        __atomic_store_n(&p->cfg[inverse], cfg, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&cache_lock);
    return cfg;
}

static vx_cpx cmul(vx_cpx a, vx_cpx b) { return (vx_cpx){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }

/* e^(-2 pi i k / n) for 0 <= k <= n/2 from the table of k <= n/4. */
static vx_cpx twiddle(const struct vx_fft *p, size_t k)
{
    size_t half = p->n / 2;
    if (k <= half / 2)
        return p->tw[k];
    vx_cpx t = p->tw[half - k]; /* e^(-i pi) e^(+2 pi i (half - k) / n) */
    return (vx_cpx){-t.re, t.im};
}
#endif

void vx_fft_forward(const vx_fft *p, const float *in, vx_cpx *out)
{
#ifdef VX_FFT_FFTW
    fftwf_execute_dft_r2c(plan_for(p, 0, in, out), (float *)in, (fftwf_complex *)out);
#else
    size_t half = p->n / 2;
    kiss_fft(kiss_for(p, 0), (const kiss_fft_cpx *)in, (kiss_fft_cpx *)out);
    /* Z = the complex transform: X_k = E_k + w^k O_k, X_(half-k) = conj(E_k - w^k O_k), with
     * E_k = (Z_k + conj Z_(half-k)) / 2 and O_k = -i (Z_k - conj Z_(half-k)) / 2 */
    vx_cpx z0 = out[0];
    out[0] = (vx_cpx){z0.re + z0.im, 0};
    out[half] = (vx_cpx){z0.re - z0.im, 0};
    for (size_t k = 1; k <= half / 2; k++) {
        vx_cpx a = out[k], b = out[half - k];
        vx_cpx e = {0.5f * (a.re + b.re), 0.5f * (a.im - b.im)};
        vx_cpx o = {0.5f * (a.im + b.im), -0.5f * (a.re - b.re)};
        vx_cpx wo = cmul(twiddle(p, k), o);
        out[k] = (vx_cpx){e.re + wo.re, e.im + wo.im};
        out[half - k] = (vx_cpx){e.re - wo.re, wo.im - e.im};
    }
#endif
}

void vx_fft_inverse(const vx_fft *p, vx_cpx *in, float *out)
{
#ifdef VX_FFT_FFTW
    fftwf_execute_dft_c2r(plan_for(p, 1, in, out), (fftwf_complex *)in, out);
#else
    size_t half = p->n / 2;
    kiss_fft_cfg cfg = kiss_for(p, 1); /* the twiddles too */
    /* Z_k = (X_k + conj X_(half-k)) + i w^-k (X_k - conj X_(half-k)), in place; its
     * unnormalised inverse is n (x_even + i x_odd) */
    float x0 = in[0].re, xn = in[half].re;
    in[0] = (vx_cpx){x0 + xn, x0 - xn};
    for (size_t k = 1; k <= half / 2; k++) {
        vx_cpx a = in[k], b = in[half - k], w = twiddle(p, k);
        vx_cpx e = {a.re + b.re, a.im - b.im}, d = {a.re - b.re, a.im + b.im};
        vx_cpx o = cmul((vx_cpx){w.re, -w.im}, d); /* w^-k d */
        in[k] = (vx_cpx){e.re - o.im, e.im + o.re};
        /* the pair's own: e' = conj e, d' = -conj d, w^-(half-k) = -w^k */
        vx_cpx o2 = cmul(w, (vx_cpx){d.re, -d.im});
        in[half - k] = (vx_cpx){e.re - o2.im, -e.im + o2.re};
    }
    kiss_fft(cfg, (const kiss_fft_cpx *)in, (kiss_fft_cpx *)out);
#endif
}

void vx_fft_forward_d(const vx_fft *p, const double *in, vx_cpxd *out)
{
#ifdef VX_FFT_FFTW
    fftw_execute_dft_r2c(plan_for_d(p, 0, in, out), (double *)in, (fftw_complex *)out);
#else
    vx_fftd_forward(p->fftd, in, out);
#endif
}

void vx_fft_inverse_d(const vx_fft *p, vx_cpxd *in, double *out)
{
#ifdef VX_FFT_FFTW
    fftw_execute_dft_c2r(plan_for_d(p, 1, in, out), (fftw_complex *)in, out);
#else
    vx_fftd_inverse(p->fftd, in, out);
#endif
}

void vx_fft_release(size_t n)
{
    pthread_mutex_lock(&cache_lock);
    for (struct vx_fft *p = cache; p; p = p->next)
        if (p->n == n) {
#ifdef VX_FFT_FFTW
            for (int i = 0; i < 4; i++) {
                fftwf_plan *plan = &p->plan[i / 2][i % 2];
                fftw_plan *plan_d = &p->plan_d[i / 2][i % 2];
                if (*plan)
                    fftwf_destroy_plan(*plan), *plan = NULL;
                if (*plan_d)
                    fftw_destroy_plan(*plan_d), *plan_d = NULL;
            }
#else
            kiss_fft_free(p->cfg[0]), kiss_fft_free(p->cfg[1]), free(p->tw), vx_fftd_free(p->fftd);
            p->cfg[0] = p->cfg[1] = NULL, p->tw = NULL, p->fftd = NULL;
#endif
        }
    pthread_mutex_unlock(&cache_lock);
}

void *vx_fft_alloc(size_t bytes)
{
    void *p = NULL;
    return posix_memalign(&p, 64, bytes ? bytes : 1) ? NULL : p;
}

/* Smallest even length >= n whose prime factors are all among primes[np]. */
static size_t smooth_len(size_t n, const size_t *primes, size_t np)
{
    if (n < 2)
        n = 2;
    for (size_t m = n + (n & 1);; m += 2) {
        size_t r = m;
        for (size_t i = 0; i < np; i++)
            while (r % primes[i] == 0)
                r /= primes[i];
        if (r == 1)
            return m;
    }
}

static const size_t primes235[] = {2, 3, 5};

size_t vx_fft_fast_len(size_t n)
{
#ifdef VX_FFT_FFTW
    static const size_t primes2357[] = {2, 3, 5, 7};
    return smooth_len(n, primes2357, 4);
#else
    /* KissFFT has butterflies for 2, 3, 4 and 5 only; a factor 7 takes its generic
     * O(p^2) pass: 1,016,064 = 2^8 3^4 7^2 points take 12.7 ms, 1,024,000 = 2^13 5^3 8.7 */
    return smooth_len(n, primes235, 3);
#endif
}

size_t vx_fft_fast_len_235(size_t n) { return smooth_len(n, primes235, 3); }

const char *vx_fft_backend(void)
{
#ifdef VX_FFT_FFTW
    return "fftw3f";
#else
    return "kissfft";
#endif
}
