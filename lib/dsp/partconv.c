/* Uniformly partitioned overlap-save convolution (see partconv.h). With block B and
 * FFT size 2B, partition p of each response multiplies the spectrum of the input
 * blocks (i-p-1, i-p); the products summed over p give output block i. */
#include "dsp/partconv.h"
#include "dsp/fft.h"
#include "dsp/simd4.h"

#include <stdlib.h>
#include <string.h>

struct vx_partconv {
    const vx_fft *plan;
    size_t block, bins, parts;
    size_t stride; /* bins rounded up to 8 complex (64 bytes): every spectrum is aligned */
    int nout;
    vx_cpx *H;    /* [nout][parts][stride] response partitions */
    vx_cpx *fdl;  /* [parts][stride] input spectra, ring buffer, newest at `head` */
    size_t head;
    size_t filled; /* slots of fdl written: the older partitions multiply silence */
    float *window; /* 2B: previous block then current block */
    vx_cpx *acc;   /* [nout][stride]: each output's sum of products */
    float *out;    /* [nout][2B]: each output's inverse transform */
};

vx_partconv *vx_partconv_new(const float *const *h, int nout, size_t len, size_t block)
{
    vx_partconv *pc = calloc(1, sizeof *pc);
    if (!pc)
        return NULL;
    pc->block = block;
    pc->bins = block + 1;
    pc->parts = (len + block - 1) / block;
    if (!pc->parts)
        pc->parts = 1;
    pc->stride = (pc->bins + 7) / 8 * 8;
    pc->nout = nout;
    pc->plan = vx_fft_get(2 * block);
    /* Every array and spectrum aligned as vx_fft_alloc gives (the outputs' halves too when
     * the block is a multiple of 16, as the default and the whole-signal blocks are): FFTW
     * then takes its aligned plans only, two plans fewer to make per render and transforms
     * 2.5 times faster than the unaligned ones. */
    pc->H = vx_fft_alloc((size_t)nout * pc->parts * pc->stride * sizeof *pc->H);
    pc->fdl = vx_fft_alloc(pc->parts * pc->stride * sizeof *pc->fdl);
    pc->window = vx_fft_alloc(2 * block * sizeof *pc->window);
    pc->acc = vx_fft_alloc((size_t)nout * pc->stride * sizeof *pc->acc);
    pc->out = vx_fft_alloc((size_t)nout * 2 * block * sizeof *pc->out);
    if (!pc->plan || !pc->H || !pc->fdl || !pc->window || !pc->acc || !pc->out) {
        vx_partconv_free(pc);
        return NULL;
    }
    memset(pc->window, 0, 2 * block * sizeof *pc->window);
    /* Each partition is zero-padded to 2B; the 1/(2B) of the inverse FFT is folded in. */
    const float scale = 1.0f / (float)(2 * block);
    for (int j = 0; j < nout; j++)
        for (size_t p = 0; p < pc->parts; p++) {
            size_t start = p * block, n = start < len ? len - start : 0;
            if (n > block)
                n = block;
            memset(pc->out, 0, 2 * block * sizeof *pc->out);
            for (size_t t = 0; t < n; t++)
                pc->out[t] = h[j][start + t] * scale;
            vx_fft_forward(pc->plan, pc->out, pc->H + ((size_t)j * pc->parts + p) * pc->stride);
        }
    return pc;
}

/* acc += X H over nb bins: the products of all partitions, most of the time of a long
 * response. With restrict, GCC's full cost model and the x86-64-v3 clone it runs eight
 * floats at a time, with fused multiply-adds (as the FDN's solves: results then differ
 * between the clones by rounding). */
__attribute__((optimize("vect-cost-model=dynamic"))) VX_CLONES static void
multiply_add(vx_cpx *restrict acc, const vx_cpx *restrict X, const vx_cpx *restrict H, size_t nb)
{
    for (size_t k = 0; k < nb; k++) {
        acc[k].re += X[k].re * H[k].re - X[k].im * H[k].im;
        acc[k].im += X[k].re * H[k].im + X[k].im * H[k].re;
    }
}

void vx_partconv_process(vx_partconv *pc, const float *x, float *const *y)
{
    size_t B = pc->block, nb = pc->bins, st = pc->stride;
    memmove(pc->window, pc->window + B, B * sizeof *pc->window);
    memcpy(pc->window + B, x, B * sizeof *pc->window);
    pc->head = (pc->head + pc->parts - 1) % pc->parts;
    if (pc->filled < pc->parts)
        pc->filled++;
    vx_fft_forward(pc->plan, pc->window, pc->fdl + pc->head * st);
    /* the outputs side by side: the same operations in the same order as one by one */
#pragma omp parallel for schedule(static) if (pc->nout > 1)
    for (int j = 0; j < pc->nout; j++) {
        vx_cpx *acc = pc->acc + (size_t)j * st;
        float *out = pc->out + (size_t)j * 2 * B;
        memset(acc, 0, nb * sizeof *acc);
        for (size_t p = 0; p < pc->filled; p++) { /* the rest would add exact zeros */
            const vx_cpx *X = pc->fdl + ((pc->head + p) % pc->parts) * st;
            multiply_add(acc, X, pc->H + ((size_t)j * pc->parts + p) * st, nb);
        }
        vx_fft_inverse(pc->plan, acc, out);
        memcpy(y[j], out + B, B * sizeof *out); /* the second half is alias-free */
    }
}

void vx_partconv_free(vx_partconv *pc)
{
    if (!pc)
        return;
    free(pc->H), free(pc->fdl), free(pc->window), free(pc->acc), free(pc->out);
    free(pc);
}
