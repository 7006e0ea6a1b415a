/* Frames of 2048 samples every 1024 (no centring), their Hann-windowed spectra and the
 * adjoint that takes d(loss)/d(spectrum) back to the samples; shared by the encoders. */
#include "dsp/fft.h"
#include "style/encoder.h"

#include <math.h>
#include <pthread.h>

static double window[VX_FRAME_LEN];
static pthread_once_t window_once = PTHREAD_ONCE_INIT;

/* w[t] = 0.5 - 0.5 cos(2 pi t / N): periodic, as torch.hann_window(N) */
static void window_make(void)
{
    for (int t = 0; t < VX_FRAME_LEN; t++)
        window[t] = 0.5 - 0.5 * cos(2 * M_PI * t / VX_FRAME_LEN);
}

const double *vx_frame_window(void)
{
    pthread_once(&window_once, window_make);
    return window;
}

size_t vx_frames(size_t n) { return n < VX_FRAME_LEN ? 0 : 1 + (n - VX_FRAME_LEN) / VX_FRAME_HOP; }

/* The Hann-windowed spectrum of frame t of x into X[VX_FRAME_BINS]. */
static void frame_spectrum(const vx_fft *fft, const double *x, size_t t, vx_cpxd *X)
{
    const double *w = vx_frame_window(), *xt = x + t * VX_FRAME_HOP;
    _Alignas(64) double buf[VX_FRAME_LEN];
#pragma omp simd
    for (int i = 0; i < VX_FRAME_LEN; i++)
        buf[i] = w[i] * xt[i];
    vx_fft_forward_d(fft, buf, X);
}

void vx_stft_each(const vx_fft *fft, const double *x, size_t frames, vx_cpxd *X, vx_frame_fn fn, void *ctx)
{
#pragma omp parallel for schedule(static)
    for (size_t t = 0; t < frames; t++) {
        vx_cpxd *Xt = X + t * VX_STFT_STRIDE;
        frame_spectrum(fft, x, t, Xt);
        fn(ctx, t, Xt);
    }
}

/* Frames of one parity do not overlap, so each pass adds into g_x from several threads. */
void vx_stft_backward(const vx_fft *fft, const vx_cpxd *X, size_t frames, vx_frame_grad grad, void *ctx,
                      double *g_x)
{
    const double *w = vx_frame_window();
    for (size_t parity = 0; parity < 2; parity++) {
#pragma omp parallel for schedule(static)
        for (size_t t = parity; t < frames; t += 2) {
            _Alignas(64) vx_cpxd G[VX_STFT_STRIDE];
            _Alignas(64) double g_frame[VX_FRAME_LEN], back[VX_FRAME_LEN];
            int own = grad(ctx, t, X + t * VX_STFT_STRIDE, G, g_frame);
            /* sum_k (G_k.re cos - G_k.im sin)(2 pi k i / N) is the unnormalised inverse of
             * G_k / 2, but of G_k itself at bins 0 and N/2, which the full spectrum holds once */
#pragma omp simd
            for (int k = 1; k < VX_FRAME_BINS - 1; k++)
                G[k].re *= 0.5, G[k].im *= 0.5;
            vx_fft_inverse_d(fft, G, back);
            double *gt = g_x + t * VX_FRAME_HOP;
            if (own) {
#pragma omp simd
                for (int i = 0; i < VX_FRAME_LEN; i++)
                    gt[i] += w[i] * back[i] + g_frame[i];
            } else {
#pragma omp simd
                for (int i = 0; i < VX_FRAME_LEN; i++)
                    gt[i] += w[i] * back[i];
            }
        }
    }
}
