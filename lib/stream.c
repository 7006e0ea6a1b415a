/* The chain in streaming form (see chain.h): biquads and compressor carry their state
 * across blocks; the post-compressor FS response is applied by partitioned convolution. */
#include "chain.h"
#include "dsp/fft.h"
#include "dsp/partconv.h"
#include "fx/biquad.h"
#include "fx/comp.h"
#include "fx/peq.h"

#include <stdlib.h>
#include <string.h>

struct vx_chain_stream {
    size_t block;
    vx_biquad eq[VX_PEQ_BANDS];
    double eq_state[VX_PEQ_BANDS][2];
    vx_comp_stream *comp;
    vx_partconv *conv;
    float *e, *c;   /* EQ output of a push; compressor output waiting for a full block */
    size_t cfill;
    float *y[2];    /* one block of convolution output per channel */
    size_t in, out; /* frames consumed and produced */
};

void vx_chain_stream_free(vx_chain_stream *s)
{
    if (!s)
        return;
    vx_comp_stream_free(s->comp);
    vx_partconv_free(s->conv);
    free(s->e), free(s->c), free(s->y[0]), free(s->y[1]);
    free(s);
}

/* The FS post-compressor response in time (what reaches n outputs), cut into partitions. */
static vx_partconv *response_convolver(const vx_fx *fx, size_t block, size_t n,
                                       vx_impulse_tables tables, vx_err *e)
{
    size_t len = vx_impulse_len(n);
    float *h[2], *mem = vx_impulse_build(fx, n, tables, h, e);
    vx_partconv *pc = NULL;
    if (tables == VX_IMPULSE_RELEASE && 2 * block != vx_impulse_grid(n))
        vx_fft_release(vx_impulse_grid(n)); /* the build left them for this convolution */
    if (mem && !(pc = vx_partconv_new((const float *const *)h, 2, len, block)))
        vx_err_set(e, "out of memory for the convolution");
    free(mem);
    return pc;
}

vx_chain_stream *vx_chain_stream_new(const vx_fx *fx, size_t block, size_t n,
                                     vx_impulse_tables tables, vx_err *e)
{
    vx_chain_stream *s = calloc(1, sizeof *s);
    if (!s) {
        vx_err_set(e, "out of memory");
        return NULL;
    }
    s->block = block;
    for (int b = 0; b < VX_PEQ_BANDS; b++)
        s->eq[b] = vx_biquad_design(vx_peq_main_kinds[b], fx->peq[b].gain_db, fx->peq[b].freq_hz,
                                    fx->peq[b].q, VX_FS);
    /* the response first: its build is the peak of memory, before the stream's buffers */
    if (!(s->conv = response_convolver(fx, block, n, tables, e))) {
        vx_chain_stream_free(s);
        return NULL;
    }
    s->e = malloc(block * sizeof *s->e);
    s->c = malloc((2 * block + VX_COMP_TAPS) * sizeof *s->c);
    s->y[0] = malloc(block * sizeof(float));
    s->y[1] = malloc(block * sizeof(float));
    if (!s->e || !s->c || !s->y[0] || !s->y[1])
        vx_err_set(e, "out of memory for the stream's buffers");
    else
        s->comp = vx_comp_stream_create(fx, block, e);
    if (!s->comp) {
        vx_chain_stream_free(s);
        return NULL;
    }
    return s;
}

size_t vx_chain_stream_max_frames(const vx_chain_stream *s) { return 2 * s->block + VX_COMP_TAPS; }

/* Convolves the queued compressor output in whole blocks (zero-padding a last partial
 * one when flushing) and writes at most `limit` frames interleaved to y. */
static size_t convolve(vx_chain_stream *s, int flush, float *y)
{
    size_t B = s->block, written = 0;
    while (s->cfill >= B || (flush && s->cfill > 0)) {
        size_t real = s->cfill < B ? s->cfill : B;
        memset(s->c + real, 0, (B - real) * sizeof *s->c);
        vx_partconv_process(s->conv, s->c, s->y);
        for (size_t t = 0; t < real; t++) {
            y[2 * (written + t)] = s->y[0][t];
            y[2 * (written + t) + 1] = s->y[1][t];
        }
        written += real;
        memmove(s->c, s->c + real, (s->cfill - real) * sizeof *s->c);
        s->cfill -= real;
    }
    s->out += written;
    return written;
}

size_t vx_chain_stream_push(vx_chain_stream *s, const float *x, size_t n, float *y)
{
    vx_biquad_cascade_run(s->eq, VX_PEQ_BANDS, s->eq_state, x, s->e, n);
    s->cfill += vx_comp_stream_push(s->comp, s->e, n, s->c + s->cfill);
    s->in += n;
    return convolve(s, 0, y);
}

size_t vx_chain_stream_finish(vx_chain_stream *s, float *y)
{
    s->cfill += vx_comp_stream_finish(s->comp, s->c + s->cfill);
    return convolve(s, 1, y);
}
