/* Cascaded EQ bands: forward keeps every band's input, backward runs the bands' adjoints
 * in reverse order and maps coefficient gradients to band parameters (spec §4); on one
 * signal or on four at once (one vector lane each). The signals are vx_real: compiled
 * again in double by peq_d.c (dsp/real.h), one signal at a time. */
#include "fx/peq.h"

#include <stdlib.h>
#include <string.h>

#include "dsp/fft.h"

#ifndef VX_REAL_DOUBLE /* one definition */
const vx_bq_kind vx_peq_main_kinds[VX_PEQ_BANDS] = {
    VX_BQ_PEAK, VX_BQ_PEAK, VX_BQ_LOWSHELF, VX_BQ_HIGHSHELF, VX_BQ_LOWPASS, VX_BQ_HIGHPASS};
const vx_bq_kind vx_peq_fdn_kinds[VX_FDNEQ_BANDS] = {VX_BQ_PEAK, VX_BQ_PEAK, VX_BQ_LOWSHELF,
                                                     VX_BQ_HIGHSHELF};
#endif

struct VX_R(vx_peq) {
    int nbands, lanes;  /* lanes: 1, or VX_BIQUAD_LANES signals filtered together */
    size_t max_len, n;  /* capacity and length of the last forward */
    vx_bq_kind *kinds;
    vx_band *bands;     /* parameters of the last forward */
    vx_biquad *coef;
    vx_real **sig;      /* sig[k] = input of band k, sig[nbands] = output; lanes interleaved */
};

static VX_R(vx_peq) *create(const vx_bq_kind *kinds, int nbands, size_t max_len, int lanes)
{
    if (nbands < 1 || nbands > VX_BIQUAD_MAX_CASCADE)
        return NULL;
    VX_R(vx_peq) *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->nbands = nbands;
    p->lanes = lanes;
    p->max_len = max_len;
    p->kinds = malloc(nbands * sizeof *p->kinds);
    p->bands = calloc(nbands, sizeof *p->bands);
    p->coef = calloc(nbands, sizeof *p->coef);
    p->sig = calloc(nbands + 1, sizeof *p->sig);
    int ok = p->kinds && p->bands && p->coef && p->sig;
    for (int k = 0; ok && k <= nbands; k++) /* aligned for the lanes' vector access */
        ok = (p->sig[k] = vx_fft_alloc((max_len ? max_len : 1) * lanes * sizeof(vx_real))) != NULL;
    if (!ok) {
        VX_R(vx_peq_free)(p);
        return NULL;
    }
    memcpy(p->kinds, kinds, nbands * sizeof *kinds);
    return p;
}

VX_R(vx_peq) *VX_R(vx_peq_create)(const vx_bq_kind *kinds, int nbands, size_t max_len)
{
    return create(kinds, nbands, max_len, 1);
}

void VX_R(vx_peq_free)(VX_R(vx_peq) *p)
{
    if (!p)
        return;
    if (p->sig)
        for (int k = 0; k <= p->nbands; k++)
            free(p->sig[k]);
    free(p->sig), free(p->coef), free(p->bands), free(p->kinds);
    free(p);
}

/* Keeps the bands and their coefficients for a forward of n samples; -1 if n is too long
 * or the lanes are not those of the call (the forward for `lanes` lanes). */
static int design(VX_R(vx_peq) *p, const vx_band *bands, size_t n, int lanes, vx_err *e)
{
    if (p->lanes != lanes)
        return vx_err_set(e, "EQ: made for %d lane(s), used with %d", p->lanes, lanes);
    if (n > p->max_len)
        return vx_err_set(e, "EQ: made for at most %zu samples, given %zu", p->max_len, n);
    p->n = n;
    for (int k = 0; k < p->nbands; k++) {
        const vx_band *b = &bands[k];
        p->bands[k] = *b;
        p->coef[k] = vx_biquad_design(p->kinds[k], b->gain_db, b->freq_hz, b->q, VX_FS);
    }
    return 0;
}

/* Chain rule from the coefficient gradients gc[] to the bands. */
static void grad_bands(const VX_R(vx_peq) *p, const vx_biquad *gc, vx_band *gbands)
{
    for (int k = 0; k < p->nbands; k++)
        vx_biquad_grad_band(p->kinds[k], &p->bands[k], VX_FS, &gc[k], &gbands[k]);
}

int VX_R(vx_peq_forward)(VX_R(vx_peq) *p, const vx_band *bands, const vx_real *x, vx_real *y,
                         size_t n, vx_err *e)
{
    if (design(p, bands, n, 1, e))
        return -1;
    memcpy(p->sig[0], x, n * sizeof *x);
#ifdef VX_REAL_DOUBLE
    for (int k = 0; k < p->nbands; k++)
        vx_biquad_filter_d(&p->coef[k], p->sig[k], p->sig[k + 1], n);
#else
    vx_biquad_cascade(p->coef, p->nbands, p->sig, n);
#endif
    memcpy(y, p->sig[p->nbands], n * sizeof *y);
    return 0;
}

void VX_R(vx_peq_backward)(VX_R(vx_peq) *p, const vx_real *gy, vx_real *gx, vx_band *gbands)
{
    if (p->lanes != 1)
        return;
    vx_biquad gc[VX_BIQUAD_MAX_CASCADE] = {{0, 0, 0, 0, 0}};
#ifdef VX_REAL_DOUBLE
    for (int k = p->nbands - 1; k >= 0; k--, gy = gx)
        vx_biquad_backward_d(&p->coef[k], p->sig[k], p->sig[k + 1], gy, gx, p->n, &gc[k]);
#else
    vx_biquad_cascade_backward(p->coef, p->nbands, (const float *const *)p->sig, gy, gx, p->n,
                               gc);
#endif
    grad_bands(p, gc, gbands);
}

#ifndef VX_REAL_DOUBLE /* four signals at once: float */
vx_peq *vx_peq_create4(const vx_bq_kind *kinds, int nbands, size_t max_len)
{
    return create(kinds, nbands, max_len, VX_BIQUAD_LANES);
}

int vx_peq_forward4(vx_peq *p, const vx_band *bands, const float *const x[VX_BIQUAD_LANES],
                    float *const y[VX_BIQUAD_LANES], size_t n, vx_err *e)
{
    if (design(p, bands, n, VX_BIQUAD_LANES, e))
        return -1;
    vx_biquad_cascade4(p->coef, p->nbands, x, p->sig, y, n);
    return 0;
}

void vx_peq_backward4(vx_peq *p, const float *const gy[VX_BIQUAD_LANES],
                      float *const gx[VX_BIQUAD_LANES], vx_band *gbands)
{
    if (p->lanes != VX_BIQUAD_LANES)
        return;
    vx_biquad gc[VX_BIQUAD_MAX_CASCADE] = {{0, 0, 0, 0, 0}};
    vx_biquad_cascade4_backward(p->coef, p->nbands, (const float *const *)p->sig, gy, gx,
                                p->n, gc);
    grad_bands(p, gc, gbands);
}
#endif
