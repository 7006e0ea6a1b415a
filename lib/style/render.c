/* A query's render for the ITO objective and its backward pass (see render.h). Signals in
 * vx_real: compiled again in double by render_d.c (dsp/real.h). */
#include "style/render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct VX_R(vx_render) {
    size_t len, bins;
    VX_R(vx_peq) *eq;
    VX_R(vx_comp) *comp;
    VX_R(vx_response_work) *work;
    vx_real *c;       /* EQ output, then compressor output, then its gradient */
    vx_real *y[2];    /* the stereo output, then the gradient there */
    vx_cpxr *C;       /* spectrum of the compressor output */
    vx_cpxr *acc[2];  /* spectra of d(loss)/d(h_o), summed over the backward passes */
    vx_fx grad;       /* d(loss)/d(physical) of the EQ and compressor, summed likewise */
};

void VX_R(vx_render_free)(VX_R(vx_render) *q)
{
    if (!q)
        return;
    VX_R(vx_peq_free)(q->eq);
    VX_R(vx_comp_free)(q->comp);
    VX_R(vx_response_work_free)(q->work);
    free(q->c), free(q->y[0]), free(q->y[1]), free(q->C), free(q->acc[0]), free(q->acc[1]);
    free(q);
}

VX_R(vx_render) *VX_R(vx_render_create)(const VX_R(vx_response) *r, size_t len)
{
    VX_R(vx_render) *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->len = len, q->bins = VX_R(vx_response_bins)(r);
    q->eq = VX_R(vx_peq_create)(vx_peq_main_kinds, VX_PEQ_BANDS, len);
    q->comp = VX_R(vx_comp_create)(len);
    q->work = VX_R(vx_response_work_create)(r);
    q->c = malloc(len * sizeof *q->c);
    q->y[0] = malloc(len * sizeof *q->y[0]), q->y[1] = malloc(len * sizeof *q->y[1]);
    q->C = vx_fft_alloc(q->bins * sizeof *q->C);
    q->acc[0] = vx_fft_alloc(q->bins * sizeof *q->acc[0]);
    q->acc[1] = vx_fft_alloc(q->bins * sizeof *q->acc[1]);
    if (!q->eq || !q->comp || !q->work || !q->c || !q->y[0] || !q->y[1] || !q->C ||
        !q->acc[0] || !q->acc[1]) {
        VX_R(vx_render_free)(q);
        return NULL;
    }
    return q;
}

void VX_R(vx_render_mid_side)(double g, const vx_real *l, const vx_real *r, size_t n,
                              double *const ms[2])
{
    double k = g * M_SQRT1_2;
    for (size_t t = 0; t < n; t++)
        ms[0][t] = k * ((double)l[t] + r[t]), ms[1][t] = k * ((double)l[t] - r[t]);
}

int VX_R(vx_render_forward)(VX_R(vx_render) *q, const VX_R(vx_response) *r, const vx_fx *fx,
                            const float *x, double g, double *const ms[2])
{
    size_t T = q->len;
    for (size_t t = 0; t < T; t++)
        q->c[t] = x[t];
    if (VX_R(vx_peq_forward)(q->eq, fx->peq, q->c, q->c, T, NULL) ||
        VX_R(vx_comp_forward)(q->comp, fx, q->c, q->c, T, NULL))
        return -1;
    VX_R(vx_response_apply)(r, q->work, q->c, T, q->C, q->y[0], q->y[1]);
    VX_R(vx_render_mid_side)(g, q->y[0], q->y[1], T, ms);
    return 0;
}

void VX_R(vx_render_backward)(VX_R(vx_render) *q, const VX_R(vx_response) *r, double g,
                              const double *const gms[2])
{
    size_t T = q->len;
    double k = g * M_SQRT1_2; /* mid_side's adjoint */
    for (size_t t = 0; t < T; t++) {
        q->y[0][t] = (vx_real)(k * (gms[0][t] + gms[1][t]));
        q->y[1][t] = (vx_real)(k * (gms[0][t] - gms[1][t]));
    }
    VX_R(vx_response_apply_backward)(r, q->work, q->C, q->y[0], q->y[1], T, q->c, q->acc);
    VX_R(vx_comp_backward)(q->comp, q->c, q->c, &q->grad);
    VX_R(vx_peq_backward)(q->eq, q->c, q->c, q->grad.peq);
}

void VX_R(vx_render_zero)(VX_R(vx_render) *q)
{
    memset(&q->grad, 0, sizeof q->grad);
    memset(q->acc[0], 0, q->bins * sizeof *q->acc[0]);
    memset(q->acc[1], 0, q->bins * sizeof *q->acc[1]);
}

/* to += from, value by value. */
static void fx_add(vx_fx *to, const vx_fx *from)
{
    double *a = (double *)to;
    const double *b = (const double *)from;
    for (size_t i = 0; i < VX_FX_NVALUES; i++)
        a[i] += b[i];
}

void VX_R(vx_render_add)(VX_R(vx_render) *q, const VX_R(vx_render) *from)
{
    fx_add(&q->grad, &from->grad);
    for (int ch = 0; ch < 2; ch++)
        for (size_t k = 0; k < q->bins; k++)
            q->acc[ch][k].re += from->acc[ch][k].re, q->acc[ch][k].im += from->acc[ch][k].im;
}

int VX_R(vx_render_gradient)(VX_R(vx_render) *q, VX_R(vx_response) *r, vx_fx *grad, vx_err *e)
{
    double g_eta = 0; /* the eval-mode delay has none */
    fx_add(grad, &q->grad);
    return VX_R(vx_response_backward)(r, q->acc, grad, &g_eta, e);
}
