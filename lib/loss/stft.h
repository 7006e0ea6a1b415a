/* Multi-resolution STFT loss terms of a stereo item (spec/pipeline.md §1.3-1.5): the L and R
 * rows of mss_lr and the L+R and L-R rows of mss_ms, all from one STFT per channel (the
 * spectrum of L +- R is Z_L +- Z_R). The signals given here are already A-weighted. */
#ifndef VX_LOSS_STFT_H
#define VX_LOSS_STFT_H

#include <stddef.h>

#include "dsp/fft.h"

#define VX_MRSTFT_MAXRES 4
#define VX_MRSTFT_MAXN 4096 /* largest FFT size (frame buffers live on the stack) */

/* Rows that share one spectral-convergence ratio and one log-magnitude mean: L and R
 * together (mss_lr), L+R and L-R (the two halves of mss_ms). */
enum { VX_MRSTFT_LR, VX_MRSTFT_SUM, VX_MRSTFT_DIFF, VX_MRSTFT_GROUPS };

/* Sums over one item's bins and frames, per resolution r and group g, with X (prediction)
 * and Y (target) the floored magnitudes sqrt(max(|Z|^2, 1e-8)) of §1.3:
 * num = sum (Y - X)^2, den = sum Y^2, lm = sum |ln X - ln Y|. */
typedef struct {
    double num[VX_MRSTFT_MAXRES][VX_MRSTFT_GROUPS];
    double den[VX_MRSTFT_MAXRES][VX_MRSTFT_GROUPS];
    double lm[VX_MRSTFT_MAXRES][VX_MRSTFT_GROUPS];
} vx_mrstft_sums;

/* Backward coefficients: dL/dX = sc (X - Y) + lm sign(X - Y) / X for every element of
 * group g at resolution r (the batch-global factors of SC and LM, §1.3). */
typedef struct {
    double sc[VX_MRSTFT_MAXRES][VX_MRSTFT_GROUPS];
    double lm[VX_MRSTFT_MAXRES][VX_MRSTFT_GROUPS];
} vx_mrstft_coefs;

typedef struct vx_mrstft vx_mrstft;

/* Plan for signals of len samples at nres resolutions (FFT size nfft[r] = window length,
 * hop[r]): periodic Hann windows, centred reflect-padded frames, 1 + len/hop frames.
 * Needs nres in 1..4, even nfft[r] <= 4096, 0 < hop[r] and len > nfft[r]/2 (reflect
 * padding needs that many samples). Returns NULL if not, or out of memory. Read-only
 * once made: one plan serves any number of threads. */
vx_mrstft *vx_mrstft_create(size_t len, size_t nres, const size_t *nfft, const size_t *hop);
void vx_mrstft_free(vx_mrstft *m);

/* bins x frames of one row at resolution r: the element count behind the LM mean. */
size_t vx_mrstft_cells(const vx_mrstft *m, size_t r);
/* Sizes of the caller-owned buffers below: the target cache (floats: 4 magnitude rows
 * per frame), the prediction store (complex: 2 spectra per frame) and the backward
 * scratch (floats). */
size_t vx_mrstft_cache_floats(const vx_mrstft *m);
size_t vx_mrstft_store_cpx(const vx_mrstft *m);
size_t vx_mrstft_scratch_floats(const vx_mrstft *m);

/* Target side, once per target item: the magnitudes of L, R, L+R, L-R of yl, yr (len
 * samples each) into cache, and s->den. Other fields of s are left alone. */
void vx_mrstft_target(const vx_mrstft *m, const float *yl, const float *yr, float *cache,
                      vx_mrstft_sums *s);

/* Prediction side: STFTs of xl, xr into store (kept for the backward pass) and s->num,
 * s->lm against a cache made by vx_mrstft_target. s->den is left alone. The store should
 * come from vx_fft_alloc: aligned spectra get the SIMD transforms. With store NULL: the
 * sums alone (the same values), without writing the spectra (30 MB for a 7 s item). */
void vx_mrstft_forward(const vx_mrstft *m, const float *xl, const float *xr, const float *cache,
                       vx_cpx *store, vx_mrstft_sums *s);

/* Both sides at once, frame by frame, without caches (evaluation of long signals, and a
 * fit's sums for its batch): fills every field of s, with the values vx_mrstft_target and
 * vx_mrstft_forward give. */
void vx_mrstft_compare(const vx_mrstft *m, const float *xl, const float *xr, const float *yl,
                       const float *yr, vx_mrstft_sums *s);

/* vx_mrstft_compare's num and den alone (s->lm is set to 0), the same values: what the
 * spectral-convergence factors of a batch need, without the logarithms. */
void vx_mrstft_norms(const vx_mrstft *m, const float *xl, const float *xr, const float *yl,
                     const float *yr, vx_mrstft_sums *s);

/* Both sides at once when the backward coefficients k are known before the forward (a
 * caller that combined the batch from vx_mrstft_compare's sums): fills every field of s
 * as vx_mrstft_compare does and gives dL/dxl, dL/dxr (len samples each, overwritten) as
 * vx_mrstft_backward does, the same values, with neither a cache nor a store. scratch:
 * vx_mrstft_stream_floats floats. */
size_t vx_mrstft_stream_floats(const vx_mrstft *m);
void vx_mrstft_forward_backward(const vx_mrstft *m, const float *xl, const float *xr,
                                const float *yl, const float *yr, const vx_mrstft_coefs *k,
                                float *scratch, vx_mrstft_sums *s, float *gl, float *gr);

/* dL/dxl and dL/dxr (len samples each, overwritten) for dL/dX given by k, from the store
 * and cache of the matching forward. scratch: vx_mrstft_scratch_floats floats. */
void vx_mrstft_backward(const vx_mrstft *m, const vx_cpx *store, const float *cache,
                        const vx_mrstft_coefs *k, float *scratch, float *gl, float *gr);

#endif
