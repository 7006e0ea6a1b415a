/* FFT convolution (see conv.h). One transform size covers the whole signal:
 * the chain's responses are seconds long, so direct convolution never wins. */
#include "dsp/conv.h"
#include "dsp/fft.h"

#include <stdlib.h>
#include <string.h>

int vx_conv_causal_multi(const float *const *h, size_t nh, size_t count, const float *x,
                         size_t n, float *const *y)
{
    if (n == 0)
        return 0;
    if (nh > n)
        nh = n; /* taps past n never reach an output sample */
    size_t len = vx_fft_fast_len(n + nh - 1);
    const vx_fft *plan = vx_fft_get(len);
    size_t nb = len / 2 + 1;
    float *buf = malloc(len * sizeof *buf);
    vx_cpx *X = malloc(nb * sizeof *X), *H = malloc(nb * sizeof *H);
    if (!plan || !buf || !X || !H) {
        free(buf), free(X), free(H);
        return -1;
    }
    memcpy(buf, x, n * sizeof *buf);
    memset(buf + n, 0, (len - n) * sizeof *buf);
    vx_fft_forward(plan, buf, X);
    const float scale = 1.0f / (float)len;
    for (size_t j = 0; j < count; j++) {
        memcpy(buf, h[j], nh * sizeof *buf);
        memset(buf + nh, 0, (len - nh) * sizeof *buf);
        vx_fft_forward(plan, buf, H);
        for (size_t k = 0; k < nb; k++) {
            float re = X[k].re * H[k].re - X[k].im * H[k].im;
            float im = X[k].re * H[k].im + X[k].im * H[k].re;
            H[k].re = re * scale;
            H[k].im = im * scale;
        }
        vx_fft_inverse(plan, H, buf);
        memcpy(y[j], buf, n * sizeof *buf);
    }
    free(buf), free(X), free(H);
    return 0;
}

int vx_conv_causal(const float *h, size_t nh, const float *x, size_t n, float *y)
{
    return vx_conv_causal_multi(&h, nh, 1, x, n, &y);
}
