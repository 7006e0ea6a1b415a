/* Whole-signal rendering through the DiffVox chain (see chain.h): the streaming chain over
 * the whole signal, so that both modes give the same samples. */
#include "chain.h"

/* Samples per block (even): half the grid on which the response was combined
 * (impulse.h), so that the convolution takes the FFT plan the build made; at most 4 s (few
 * partitions of the response to multiply per output sample, a few MB of spectra), and a
 * signal shorter than the delay's 4 s takes one block. Where half that grid is odd
 * (KissFFT's 354,294 points from 4 s on), a power of two up to 65536: long blocks mean
 * few partitions, short ones little memory. */
static size_t whole_block(size_t n)
{
    size_t grid = vx_impulse_grid(n), b = 64;
    if (grid % 4 == 0)
        return grid / 2;
    while (b < n && b < 65536)
        b *= 2;
    return b;
}

int vx_chain_render_tables(const vx_fx *fx, const float *x, size_t n, float *y,
                           vx_impulse_tables tables, vx_err *e)
{
    size_t block = whole_block(n), out = 0;
    vx_chain_stream *s = vx_chain_stream_new(fx, block, n, tables, e);
    if (!s)
        return -1;
    for (size_t t = 0; t < n; t += block)
        out += vx_chain_stream_push(s, x + t, n - t < block ? n - t : block, y + 2 * out);
    vx_chain_stream_finish(s, y + 2 * out);
    vx_chain_stream_free(s);
    return 0;
}

int vx_chain_render(const vx_fx *fx, const float *x, size_t n, float *y, vx_err *e)
{
    return vx_chain_render_tables(fx, x, n, y, VX_IMPULSE_KEEP, e);
}
