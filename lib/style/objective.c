/* The ITO objective and its gradient (see objective.h). Each query chunk goes through the
 * EQ, the compressor and the post-compressor response (response.h, built once per
 * evaluation with the eval-mode delay), is scaled by g and split into mid and side for
 * the encoders. The angles couple every query with every reference through sigma, so no
 * query's backward can start before all forwards are done: a lane (one per thread) runs
 * the forwards of its queries, keeping the state of the last one; after sigma is known it
 * runs the backwards in reverse order, rendering each query again except that last one.
 * The encoders and the angles are double. The render (style/render.h) is float32 audio for
 * MFCC, as vx-render's: that meets the original's float64 values (objective 1e-7 relative
 * at the Internal mean). MIR's features take the log of quiet samples and spectral bins of
 * the render, where float rounding and float FFT noise (1e-7 of the peak) decide them
 * (objective 1e-2 off, gradient at cosine -0.36 to the float64 one); MIR renders in
 * double (test_match_objective). */
#include "style/objective.h"

#include "style/render.h"
#define VX_REAL_DOUBLE /* and the same in double */
#include "style/render.h"
#undef VX_REAL_DOUBLE
#include "stats/mask.h"
#include "stats/prior.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_SLOT SIZE_MAX

typedef struct {
    vx_render *render;     /* the query's render: float, */
    vx_render_d *render_d; /* or double (MIR) */
    double *ms[2];    /* the query's mid and side, then their gradients */
    vx_embedder *em[2];
    size_t live;      /* the batch slot whose forward state the lane holds */
} lane;

struct vx_objective {
    vx_encoder enc;
    int dim;
    size_t len, nref, nquery;
    const float *const *query;
    unsigned char mask[VX_NRAW];
    vx_prior *prior;
    double alpha, scale;
    double *ref_emb;  /* [nref][2][dim] */
    double *q_emb;    /* [nquery][2][dim], per batch slot */
    double *g_emb;    /* d(objective)/d(q_emb) */
    vx_response *resp;     /* the post-compressor response: float, */
    vx_response_d *resp_d; /* or double (MIR) */
    lane *lanes;
    int nlanes;
};

static void lane_free(lane *l)
{
    vx_render_free(l->render);
    vx_render_free_d(l->render_d);
    free(l->ms[0]), free(l->ms[1]);
    vx_embedder_free(l->em[0]), vx_embedder_free(l->em[1]);
}

void vx_objective_free(vx_objective *o)
{
    if (!o)
        return;
    for (int i = 0; o->lanes && i < o->nlanes; i++)
        lane_free(&o->lanes[i]);
    vx_prior_free(o->prior);
    vx_response_free(o->resp);
    vx_response_free_d(o->resp_d);
    free(o->lanes), free(o->ref_emb), free(o->q_emb), free(o->g_emb);
    free(o);
}

static int lane_init(lane *l, const vx_objective *o, vx_err *e)
{
    size_t T = o->len;
    if (o->resp_d)
        l->render_d = vx_render_create_d(o->resp_d, T);
    else
        l->render = vx_render_create(o->resp, T);
    l->ms[0] = malloc(T * sizeof *l->ms[0]), l->ms[1] = malloc(T * sizeof *l->ms[1]);
    l->live = NO_SLOT;
    if (!(l->render || l->render_d) || !l->ms[0] || !l->ms[1])
        return vx_err_set(e, "out of memory");
    for (int ch = 0; ch < 2; ch++)
        if (!(l->em[ch] = vx_embedder_create(o->enc, T, e)))
            return -1;
    return 0;
}

/* The embeddings of the reference chunks and the peak scale g = 1 / max |reference|. */
static int embed_references(vx_objective *o, const float *const *ref_l, const float *const *ref_r,
                            vx_err *e)
{
    double peak = 0;
    for (size_t j = 0; j < o->nref; j++)
        for (size_t t = 0; t < o->len; t++)
            peak = fmax(peak, fmax(fabs(ref_l[j][t]), fabs(ref_r[j][t])));
    if (!(peak > 0))
        return vx_err_set(e, "the reference is silent (every sample is 0)");
    o->scale = 1.0 / peak;
    lane *l = &o->lanes[0];
    for (size_t j = 0; j < o->nref; j++) {
        double *emb = o->ref_emb + 2 * j * o->dim;
        vx_render_mid_side(o->scale, ref_l[j], ref_r[j], o->len, l->ms);
        if (vx_embed_ms(l->em[0], l->em[1], l->ms[0], l->ms[1], emb, emb + o->dim, e))
            return -1;
    }
    return 0;
}

/* 1 when g is over DiffVox's 130 masked values. */
static int diffvox_mask(const vx_gauss *g)
{
    unsigned char m[VX_NRAW];
    vx_params_mask(m);
    return g->dim == VX_NMASK && memcmp(m, g->mask, sizeof m) == 0;
}

vx_objective *vx_objective_create(vx_encoder enc, size_t len, const float *const *ref_l,
                                  const float *const *ref_r, size_t nref,
                                  const float *const *query, size_t nquery,
                                  const vx_gauss *gauss, double alpha, vx_err *e)
{
    if (!nref || !nquery) {
        vx_err_set(e, "no %s chunk", nref ? "query" : "reference");
        return NULL;
    }
    if (!diffvox_mask(gauss)) {
        vx_err_set(e, "the prior is over %d values, not DiffVox's %d masked values", gauss->dim,
                   VX_NMASK);
        return NULL;
    }
    vx_objective *o = calloc(1, sizeof *o);
    if (!o) {
        vx_err_set(e, "out of memory");
        return NULL;
    }
    o->enc = enc;
    o->dim = vx_embed_dim(enc);
    o->len = len, o->nref = nref, o->nquery = nquery, o->query = query;
    o->alpha = alpha;
    memcpy(o->mask, gauss->mask, sizeof o->mask);
    if (!(o->prior = vx_prior_create(gauss, e)))
        goto fail;
    size_t per = 2 * (size_t)o->dim * sizeof(double);
    o->ref_emb = malloc(nref * per);
    o->q_emb = malloc(nquery * per);
    o->g_emb = malloc(nquery * per);
    if (enc == VX_ENCODER_MIR)
        o->resp_d = vx_response_create_d(len, 0);
    else
        o->resp = vx_response_create(len, 0);
    o->nlanes = omp_get_max_threads();
    o->lanes = calloc((size_t)o->nlanes, sizeof *o->lanes);
    if (!o->ref_emb || !o->q_emb || !o->g_emb || !(o->resp || o->resp_d) || !o->lanes) {
        vx_err_set(e, "out of memory");
        goto fail;
    }
    for (int i = 0; i < o->nlanes; i++)
        if (lane_init(&o->lanes[i], o, e))
            goto fail;
    if (embed_references(o, ref_l, ref_r, e))
        goto fail;
    return o;
fail:
    vx_objective_free(o);
    return NULL;
}

double vx_objective_peak_scale(const vx_objective *o) { return o->scale; }
size_t vx_objective_queries(const vx_objective *o) { return o->nquery; }
const double *vx_objective_ref_embeddings(const vx_objective *o) { return o->ref_emb; }
const double *vx_objective_query_embeddings(const vx_objective *o) { return o->q_emb; }

/* Renders query qi with fx and embeds its mid and side into emb[2][dim]. */
static int query_forward(const vx_objective *o, lane *l, const vx_fx *fx, size_t qi, double *emb)
{
    if (o->resp_d ? vx_render_forward_d(l->render_d, o->resp_d, fx, o->query[qi], o->scale, l->ms)
                  : vx_render_forward(l->render, o->resp, fx, o->query[qi], o->scale, l->ms))
        return -1;
    return vx_embed_ms(l->em[0], l->em[1], l->ms[0], l->ms[1], emb, emb + o->dim, NULL);
}

/* Backward of the lane's last forward from gemb[2][dim] = d(objective)/d(embeddings):
 * into the lane's response accumulators and EQ/compressor gradients. */
static int query_backward(const vx_objective *o, lane *l, const double *gemb)
{
    size_t T = o->len;
    memset(l->ms[0], 0, T * sizeof *l->ms[0]);
    memset(l->ms[1], 0, T * sizeof *l->ms[1]);
    if (vx_embed_ms_backward(l->em[0], l->em[1], gemb, gemb + o->dim, l->ms[0], l->ms[1], NULL))
        return -1;
    const double *gms[2] = {l->ms[0], l->ms[1]};
    if (o->resp_d)
        vx_render_backward_d(l->render_d, o->resp_d, o->scale, gms);
    else
        vx_render_backward(l->render, o->resp, o->scale, gms);
    return 0;
}

/* Slots [first, end) of lane i for a batch of n: the first min(n, lanes) lanes share it. */
static void lane_range(const vx_objective *o, int i, size_t n, size_t *first, size_t *end)
{
    size_t used = n < (size_t)o->nlanes ? n : (size_t)o->nlanes;
    *first = *end = 0;
    if ((size_t)i < used)
        *first = n * (size_t)i / used, *end = n * (size_t)(i + 1) / used;
}

static size_t query_of(const size_t *which, size_t slot) { return which ? which[slot] : slot; }

/* Lane i's forwards (back = 0), or its backwards in reverse order (back = 1). */
static int lane_pass(vx_objective *o, int i, const vx_fx *fx, const size_t *which, size_t n, int back)
{
    lane *l = &o->lanes[i];
    size_t first, end, per = 2 * (size_t)o->dim;
    lane_range(o, i, n, &first, &end);
    int bad = 0;
    for (size_t k = first; k < end; k++) {
        size_t s = back ? end - 1 - (k - first) : k;
        if (!back || s != l->live)
            bad |= query_forward(o, l, fx, query_of(which, s), o->q_emb + s * per);
        l->live = s;
        if (back)
            bad |= query_backward(o, l, o->g_emb + s * per);
    }
    return bad;
}

/* Both passes over a batch: one query on lane 0 outside a parallel region (its stages use
 * every core), several with one lane per thread. */
static int run_pass(vx_objective *o, const vx_fx *fx, const size_t *which, size_t n, int back)
{
    if (n == 1)
        return lane_pass(o, 0, fx, which, n, back);
    int bad = 0;
#pragma omp parallel for schedule(static, 1) reduction(| : bad)
    for (int i = 0; i < o->nlanes; i++)
        bad |= lane_pass(o, i, fx, which, n, back);
    return bad;
}

static double dot(const double *a, const double *b, int n)
{
    double s = 0;
    for (int k = 0; k < n; k++)
        s += a[k] * b[k];
    return s;
}

/* The likelihood of §8.2 from the embeddings of n queries; with gemb, its negative's
 * gradient in the query embeddings. sigma[2] receives the RMS angles. */
static double loglik(const vx_objective *o, size_t n, double sigma[2], double *gemb)
{
    int dim = o->dim;
    double m = (double)(n * o->nref);
    for (int ch = 0; ch < 2; ch++) {
        double ss = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < o->nref; j++) {
                double c = dot(o->q_emb + (2 * i + ch) * dim, o->ref_emb + (2 * j + ch) * dim, dim);
                double th = acos(fmin(1.0, fmax(-1.0, c)));
                ss += th * th;
            }
        sigma[ch] = sqrt(ss / m);
    }
    if (gemb) {
        /* -loglik = ln sigma_mid + ln sigma_side + const; d ln sigma / d theta_ij =
         * theta_ij / (m sigma^2); d theta / dc = -1 / sin theta (theta / sin theta -> 1) */
        memset(gemb, 0, n * 2 * (size_t)dim * sizeof *gemb);
        for (size_t i = 0; i < n; i++)
            for (int ch = 0; ch < 2; ch++) {
                double *g = gemb + (2 * i + ch) * dim;
                for (size_t j = 0; j < o->nref; j++) {
                    const double *r = o->ref_emb + (2 * j + ch) * dim;
                    double c = fmin(1.0, fmax(-1.0, dot(o->q_emb + (2 * i + ch) * dim, r, dim)));
                    double th = acos(c), s = sqrt(1 - c * c);
                    double ratio = s > 1e-12 ? th / s : 1.0;
                    double w = -ratio / (m * sigma[ch] * sigma[ch]);
                    for (int k = 0; k < dim; k++)
                        g[k] += w * r[k];
                }
            }
    }
    return -1.0 - log(2.0 * M_PI) - log(sigma[0]) - log(sigma[1]);
}

/* Sums the lanes' gradients into lane 0 and differentiates the response once: d/d(raw). */
static int gather_gradient(vx_objective *o, const double *raw, double *graw, vx_err *e)
{
    lane *l0 = &o->lanes[0];
    vx_fx grad = {0};
    for (int i = 1; i < o->nlanes; i++) {
        if (o->resp_d)
            vx_render_add_d(l0->render_d, o->lanes[i].render_d);
        else
            vx_render_add(l0->render, o->lanes[i].render);
    }
    if (o->resp_d ? vx_render_gradient_d(l0->render_d, o->resp_d, &grad, e)
                  : vx_render_gradient(l0->render, o->resp, &grad, e))
        return -1;
    vx_params_grad_to_raw(raw, &grad, 0, graw);
    return 0;
}

int vx_objective_evaluate(vx_objective *o, const double *x, const size_t *which, size_t n,
                          int grad, vx_objective_eval *out, vx_err *e)
{
    if (!which)
        n = o->nquery;
    if (n == 0 || n > o->nquery)
        return vx_err_set(e, "a batch of %zu queries (at most %zu)", n, o->nquery);
    double raw[VX_NRAW];
    vx_fx fx;
    vx_mask_spread(o->mask, x, raw);
    if (vx_params_to_fx(raw, 0, &fx) ||
        (o->resp_d ? vx_response_build_eval_d(o->resp_d, &fx, e)
                   : vx_response_build_eval(o->resp, &fx, e)))
        return e && e->msg[0] ? -1 : vx_err_set(e, "a value is not finite");
    for (int i = 0; i < o->nlanes; i++) {
        lane *l = &o->lanes[i];
        if (o->resp_d)
            vx_render_zero_d(l->render_d);
        else
            vx_render_zero(l->render);
        l->live = NO_SLOT;
    }
    if (run_pass(o, &fx, which, n, 0))
        return vx_err_set(e, "the compressor's parameters are outside their ranges");
    out->loglik = loglik(o, n, out->sigma, grad ? o->g_emb : NULL);
    double gp[VX_NMASK];
    out->logp = vx_prior_logpdf_grad(o->prior, x, gp);
    out->objective = -out->loglik - o->alpha * out->logp;
    int finite = isfinite(out->objective);
    if (grad && finite) {
        double graw[VX_NRAW];
        if (run_pass(o, &fx, which, n, 1))
            return vx_err_set(e, "an encoder's backward pass failed");
        if (gather_gradient(o, raw, graw, e))
            return -1;
        vx_mask_pick(o->mask, graw, out->grad);
        for (int k = 0; k < VX_NMASK; k++) {
            out->grad[k] -= o->alpha * gp[k];
            finite &= isfinite(out->grad[k]) != 0;
        }
    }
    return finite ? 0 : vx_err_set(e, "the objective or its gradient is not finite");
}
