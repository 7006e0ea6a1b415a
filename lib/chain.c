/* Whole-signal rendering through the DiffVox chain (see chain.h). */
#include "chain.h"
#include "fx/comp.h"
#include "fx/peq.h"
#include "response.h"

#include <stdlib.h>

/* The delay surrogate's damping does not affect a render; this is its initial value. */
#define RENDER_ETA -0.01

/* PEQ then compressor: the chain's non-linear, time-varying part, into c[n]. */
static int front(const vx_fx *fx, const float *x, size_t n, float *c, vx_err *e)
{
    vx_peq *peq = vx_peq_create(vx_peq_main_kinds, VX_PEQ_BANDS, n);
    vx_comp *comp = vx_comp_create(n);
    int rc = 0;
    if (!peq || !comp)
        rc = vx_err_set(e, "out of memory for the EQ and compressor of %zu samples", n);
    else if (vx_peq_forward(peq, fx->peq, x, c, n, e) || vx_comp_forward(comp, fx, c, c, n, e))
        rc = -1;
    vx_peq_free(peq);
    vx_comp_free(comp);
    return rc;
}

int vx_chain_render(const vx_fx *fx, const float *x, size_t n, float *y, vx_err *e)
{
    float *c = malloc(n * sizeof *c);
    vx_response *r = vx_response_create(n, 0);
    vx_response_work *w = r ? vx_response_work_create(r) : NULL;
    int rc = 0;
    if (!c || !w)
        rc = vx_err_set(e, "out of memory for a render of %zu samples", n);
    else if (front(fx, x, n, c, e) || vx_response_build(r, fx, RENDER_ETA, e))
        rc = -1;
    else
        vx_response_apply(r, w, c, n, NULL, y, NULL);
    free(c);
    vx_response_work_free(w);
    vx_response_free(r);
    return rc;
}
