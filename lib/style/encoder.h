/* The frame features of the two style encoders (spec/pipeline.md §8.5), private to
 * lib/style: each turns one channel of n samples into a feature matrix
 * feat[nfeat][frames] (frames of 2048 samples every 1024, no centring) and back-propagates
 * d(loss)/d(feat) to the samples. embed.c reduces the rows to their statistics. */
#ifndef VX_STYLE_ENCODER_H
#define VX_STYLE_ENCODER_H

#include "dsp/fft.h"

#include <stddef.h>

enum {
    VX_FRAME_LEN = 2048, /* samples per frame, also the FFT length */
    VX_FRAME_HOP = 1024,
    VX_FRAME_BINS = VX_FRAME_LEN / 2 + 1,
    VX_MFCC_COEFFS = 25,
    VX_MFCC_MELS = 128,
    VX_MIR_FEATURES = 6,
};

/* Frames in n samples (n >= VX_FRAME_LEN). */
size_t vx_frames(size_t n);

/* Periodic Hann window of VX_FRAME_LEN points (torch.hann_window's default). */
const double *vx_frame_window(void);

/* Spectra are stored one frame per row of VX_STFT_STRIDE bins (a multiple of 64 bytes, so
 * every row keeps the alignment FFTW's fast plans want). */
enum { VX_STFT_STRIDE = VX_FRAME_BINS + 3 };

/* For every frame t < frames of x: X[t][VX_FRAME_BINS] (rows VX_STFT_STRIDE apart, from
 * vx_fft_alloc) = the spectrum of the Hann-windowed frame, then fn(ctx, t, that row) while
 * it is in cache. From several threads at once; fft from vx_fft_get_d(VX_FRAME_LEN). */
typedef void (*vx_frame_fn)(void *ctx, size_t t, const vx_cpxd *X);
void vx_stft_each(const vx_fft *fft, const double *x, size_t frames, vx_cpxd *X, vx_frame_fn fn, void *ctx);

/* The gradient of frame t, whose spectrum is X: fills G[VX_FRAME_BINS] with
 * (d loss/d Re X_k, d loss/d Im X_k); returns 1 if it also filled g_frame[VX_FRAME_LEN]
 * with d(loss)/d(sample i of the frame, before the window), 0 if there is none. Called
 * from several threads at once, each frame once. */
typedef int (*vx_frame_grad)(void *ctx, size_t t, const vx_cpxd *X, vx_cpxd *G, double *g_frame);

/* g_x += d(loss)/dx through the spectra X of vx_stft_each and the frames' own sample
 * gradients. */
void vx_stft_backward(const vx_fft *fft, const vx_cpxd *X, size_t frames, vx_frame_grad grad, void *ctx,
                      double *g_x);

/* MFCC as torchaudio.transforms.MFCC(sample_rate=44100, n_mfcc=25, n_fft=2048,
 * hop_length=1024, n_mels=128, center=False): power spectrogram, HTK mel filterbank without
 * area normalisation, 10 log10 (floor 1e-10), the top_db clamp, DCT-II with ortho scaling.
 * Two stages, because torchaudio takes the clamp's maximum over mid and side together. */
typedef struct vx_mfcc vx_mfcc;
vx_mfcc *vx_mfcc_new(size_t n);
void vx_mfcc_free(vx_mfcc *m);
/* The mel spectrogram of x[n] in dB (kept, with the spectra); returns its maximum (dB). */
double vx_mfcc_db(vx_mfcc *m, const double *x);
/* c[VX_MFCC_COEFFS][frames] of that spectrogram raised to at least floor_db (dB). */
void vx_mfcc_coeffs(vx_mfcc *m, double floor_db, double *c);
/* From g_c = d(loss)/d(c): keeps d(loss)/d(dB) and returns d(loss)/d(floor_db). */
double vx_mfcc_coeffs_backward(vx_mfcc *m, const double *g_c);
/* g_x[n] += d(loss)/dx, with g_max = d(loss)/d(the maximum of vx_mfcc_db) shared evenly
 * among the entries equal to it, as autograd's amax does. */
void vx_mfcc_db_backward(vx_mfcc *m, double g_max, double *g_x);
/* The filterbank's weight of a bin in a band and the DCT's entry of a coefficient and a
 * band, for tests. */
double vx_mfcc_weight(const vx_mfcc *m, int band, int bin);
double vx_mfcc_dct(const vx_mfcc *m, int coeff, int band);
/* The maximum of the last vx_mfcc_db (dB) and how many entries equal it. */
double vx_mfcc_max_db(const vx_mfcc *m);
size_t vx_mfcc_max_count(const vx_mfcc *m);

/* MIR features per frame, in this order: log RMS, log crest, log spread (time domain,
 * unwindowed), log spectral centroid, log bandwidth, log flatness (magnitude of the
 * Hann-windowed spectrum, frequency axis 0..1); DiffVox's modules/encoder.py. */
typedef struct vx_mir vx_mir;
vx_mir *vx_mir_new(size_t n);
void vx_mir_free(vx_mir *m);
/* feat[VX_MIR_FEATURES][frames] of x[n] (a copy of x is kept for the backward pass). */
void vx_mir_features(vx_mir *m, const double *x, double *feat);
/* g_x[n] += d(loss)/dx from g_feat = d(loss)/d(feat), for the x of the last call. */
void vx_mir_backward(vx_mir *m, const double *g_feat, double *g_x);

#endif
