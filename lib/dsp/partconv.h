/* Streaming convolution of one input with several long responses: uniformly partitioned
 * overlap-save (frequency-domain delay line), so memory is bounded and each output
 * block equals the corresponding block of the full linear convolution. */
#ifndef VX_DSP_PARTCONV_H
#define VX_DSP_PARTCONV_H

#include <stddef.h>

typedef struct vx_partconv vx_partconv;

/* nout responses h[j] of len samples each, processed in blocks of `block` samples
 * (even). The responses are copied. NULL when out of memory. */
vx_partconv *vx_partconv_new(const float *const *h, int nout, size_t len, size_t block);
/* Consumes block input samples x and writes block samples to each y[j]:
 * y[j][t] = sum_k h[j][k] x[t - k] over all input so far (no added latency). */
void vx_partconv_process(vx_partconv *pc, const float *x, float *const *y);
void vx_partconv_free(vx_partconv *pc);

#endif
