/* Real FFT plans over KissFFT or FFTW3f, cached per length (see fft.h). */
#include "dsp/fft.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifdef VX_FFT_FFTW
#include <fftw3.h>
#else
#include <kiss_fftr.h>
#endif

struct vx_fft {
    size_t n;
#ifdef VX_FFT_FFTW
    /* [inverse][unaligned]: SIMD plans need the alignment of fftwf_malloc (vx_fft_alloc
     * gives it); other arrays go through plans that accept any alignment, about 2.5 times
     * slower. Each is made on first use: planning costs more than a one-off transform. */
    fftwf_plan plan[2][2];
#endif
    struct vx_fft *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

#ifndef VX_FFT_FFTW
/* A KissFFT state holds a scratch buffer, so a state must not run in two threads at
 * once: each thread keeps its own states, made on first use for each length. */
typedef struct kiss_states {
    size_t n;
    kiss_fftr_cfg fwd, inv;
    struct kiss_states *next;
} kiss_states;

static _Thread_local kiss_states *thread_states;
/* Every state ever made, so that they stay reachable (for leak checkers) after their
 * threads end; they live as long as the process, as the plans do. */
static kiss_states *all_states[1024];
static size_t n_all_states;

/* This thread's state of length n for one direction, made on first use: a state holds
 * twiddles and scratch of about 10 n bytes, and most lengths run in one direction only. */
static kiss_fftr_cfg state_for(size_t n, int inverse)
{
    kiss_states *k = thread_states;
    while (k && k->n != n)
        k = k->next;
    if (!k && (k = calloc(1, sizeof *k))) {
        k->n = n;
        k->next = thread_states;
        thread_states = k;
        pthread_mutex_lock(&cache_lock);
        if (n_all_states < sizeof all_states / sizeof *all_states)
            all_states[n_all_states++] = k;
        pthread_mutex_unlock(&cache_lock);
    }
    if (!k)
        return NULL;
    kiss_fftr_cfg *cfg = inverse ? &k->inv : &k->fwd;
    if (!*cfg) {
        kiss_fftr_cfg made = kiss_fftr_alloc((int)n, inverse, NULL, NULL);
        pthread_mutex_lock(&cache_lock); /* vx_fft_release may read it from another thread */
        *cfg = made;
        pthread_mutex_unlock(&cache_lock);
    }
    return *cfg;
}
#endif

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

size_t vx_fft_len(const vx_fft *p) { return p->n; }

void vx_fft_forward(const vx_fft *p, const float *in, vx_cpx *out)
{
#ifdef VX_FFT_FFTW
    fftwf_execute_dft_r2c(plan_for(p, 0, in, out), (float *)in, (fftwf_complex *)out);
#else
    kiss_fftr(state_for(p->n, 0), in, (kiss_fft_cpx *)out);
#endif
}

void vx_fft_inverse(const vx_fft *p, vx_cpx *in, float *out)
{
#ifdef VX_FFT_FFTW
    fftwf_execute_dft_c2r(plan_for(p, 1, in, out), (fftwf_complex *)in, out);
#else
    kiss_fftri(state_for(p->n, 1), (const kiss_fft_cpx *)in, out);
#endif
}

void vx_fft_release(size_t n)
{
    pthread_mutex_lock(&cache_lock);
#ifdef VX_FFT_FFTW
    for (struct vx_fft *p = cache; p; p = p->next)
        if (p->n == n)
            for (int i = 0; i < 4; i++) {
                fftwf_plan *plan = &p->plan[i / 2][i % 2];
                if (*plan)
                    fftwf_destroy_plan(*plan), *plan = NULL;
            }
#else
    for (size_t i = 0; i < n_all_states; i++)
        if (all_states[i]->n == n) {
            kiss_fftr_free(all_states[i]->fwd), all_states[i]->fwd = NULL;
            kiss_fftr_free(all_states[i]->inv), all_states[i]->inv = NULL;
        }
#endif
    pthread_mutex_unlock(&cache_lock);
}

void *vx_fft_alloc(size_t bytes)
{
    void *p = NULL;
    return posix_memalign(&p, 64, bytes ? bytes : 1) ? NULL : p;
}

size_t vx_fft_fast_len(size_t n)
{
#ifdef VX_FFT_FFTW
    static const size_t primes[] = {2, 3, 5, 7};
#else
    /* KissFFT has butterflies for 2, 3, 4 and 5 only; a factor 7 takes its generic
     * O(p^2) pass: 1,016,064 = 2^8 3^4 7^2 points take 12.7 ms, 1,024,000 = 2^13 5^3 8.7 */
    static const size_t primes[] = {2, 3, 5};
#endif
    if (n < 2)
        n = 2;
    for (size_t m = n + (n & 1);; m += 2) {
        size_t r = m;
        for (size_t i = 0; i < sizeof primes / sizeof *primes; i++)
            while (r % primes[i] == 0)
                r /= primes[i];
        if (r == 1)
            return m;
    }
}

const char *vx_fft_backend(void)
{
#ifdef VX_FFT_FFTW
    return "fftw3f";
#else
    return "kissfft";
#endif
}
