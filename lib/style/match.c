/* Chunk roles, Adam and the nearest-preset baseline of style transfer (see match.h). */
#include "style/match.h"

#include "params.h"
#include "rng.h"
#include "style/chunks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ADAM_B1 0.9
#define ADAM_B2 0.999
#define ADAM_EPS 1e-8

struct vx_match {
    vx_match_settings set;
    size_t len, nref, nquery;
    const float **ref_l, **ref_r, **query;
    vx_objective *obj;
    vx_rng rng;
    size_t *perm;
    double x[VX_NMASK], m[VX_NMASK], v[VX_NMASK];
    int t;
    double *losses;
    size_t nlosses;
};

vx_match_settings vx_match_defaults(void)
{
    return (vx_match_settings){.enc = VX_ENCODER_MFCC, .alpha = 0.01, .steps = 1000, .lr = 0.01,
                               .chunk_s = 11.0, .batch = 0, .seed = 0};
}

void vx_match_free(vx_match *m)
{
    if (!m)
        return;
    vx_objective_free(m->obj);
    free(m->ref_l), free(m->ref_r), free(m->query), free(m->perm), free(m->losses);
    free(m);
}

/* The chunks' roles: pointers into the signals. */
static int split_chunks(vx_match *m, const float *dry, size_t dry_frames, const float *rl,
                        const float *rr, size_t ref_frames, vx_match_split split, vx_err *e)
{
    size_t T = m->len, nr = ref_frames / T, nd = dry_frames / T;
    const char *ref_name = split == VX_MATCH_EVAL ? "the wet" : "the reference";
    if (nr == 0 || nd == 0)
        return vx_err_set(e, "%s is %.2f s long, shorter than one %.2f s chunk (--chunk)",
                          nr == 0 ? ref_name : "the dry",
                          (double)(nr == 0 ? ref_frames : dry_frames) / VX_FS, m->set.chunk_s);
    size_t *ref_at = malloc(nr * sizeof *ref_at), *dry_at = malloc(nd * sizeof *dry_at), na, nq = 0;
    m->ref_l = malloc(nr * sizeof *m->ref_l), m->ref_r = malloc(nr * sizeof *m->ref_r);
    m->query = malloc(nd * sizeof *m->query);
    if (!ref_at || !dry_at || !m->ref_l || !m->ref_r || !m->query) {
        free(ref_at), free(dry_at);
        return vx_err_set(e, "out of memory");
    }
    int rc = vx_style_active_chunks(rl, rr, ref_frames, T, ref_at, &na, e);
    if (!rc && split == VX_MATCH_TRANSFER)
        rc = vx_style_active_chunks(dry, NULL, dry_frames, T, dry_at, &nq, e);
    if (rc) {
    } else if (na == 0) {
        rc = vx_err_set(e, "%s has no active %.2f s chunk (the median of its envelope is at or "
                           "below -60 dB in every one)", ref_name, m->set.chunk_s);
    } else if (split == VX_MATCH_EVAL && na < 2) {
        rc = vx_err_set(e, "the wet has one active %.2f s chunk; the evaluation needs two (a "
                           "reference and a query; the original skips such a track: \"Too few "
                           "active frames\")", m->set.chunk_s);
    } else if (split == VX_MATCH_TRANSFER && nq == 0) {
        rc = vx_err_set(e, "the dry has no active %.2f s chunk (the median of its envelope is "
                           "at or below -60 dB in every one)", m->set.chunk_s);
    } else if (split == VX_MATCH_EVAL) {
        for (size_t k = 0; k < na; k++)
            if (k % 2)
                m->query[m->nquery++] = dry + ref_at[k];
            else
                m->ref_l[m->nref] = rl + ref_at[k], m->ref_r[m->nref++] = rr + ref_at[k];
    } else {
        for (size_t k = 0; k < na; k++)
            m->ref_l[m->nref] = rl + ref_at[k], m->ref_r[m->nref++] = rr + ref_at[k];
        for (size_t k = 0; k < nq; k++)
            m->query[m->nquery++] = dry + dry_at[k];
    }
    free(ref_at), free(dry_at);
    return rc;
}

vx_match *vx_match_create(const float *dry, size_t dry_frames, const float *ref_l,
                          const float *ref_r, size_t ref_frames, vx_match_split split,
                          const vx_gauss *g, const vx_match_settings *s, vx_err *e)
{
    vx_match *m = calloc(1, sizeof *m);
    if (!m) {
        vx_err_set(e, "out of memory");
        return NULL;
    }
    m->set = *s;
    m->len = (size_t)(s->chunk_s * VX_FS);
    if (m->len < 2048) {
        vx_err_set(e, "a chunk of %g s is shorter than one 2048-sample frame", s->chunk_s);
        goto fail;
    }
    if (split_chunks(m, dry, dry_frames, ref_l, ref_r, ref_frames, split, e))
        goto fail;
    m->obj = vx_objective_create(s->enc, m->len, m->ref_l, m->ref_r, m->nref, m->query, m->nquery,
                                 g, s->alpha, e);
    m->perm = malloc(m->nquery * sizeof *m->perm);
    m->losses = malloc(((size_t)s->steps + 1) * sizeof *m->losses);
    if (!m->obj || !m->perm || !m->losses) {
        if (m->obj)
            vx_err_set(e, "out of memory");
        goto fail;
    }
    vx_rng_seed(&m->rng, s->seed);
    return m;
fail:
    vx_match_free(m);
    return NULL;
}

size_t vx_match_references(const vx_match *m) { return m->nref; }
size_t vx_match_queries(const vx_match *m) { return m->nquery; }
vx_objective *vx_match_objective(vx_match *m) { return m->obj; }

void vx_match_start(vx_match *m, const double *x0)
{
    memcpy(m->x, x0, sizeof m->x);
    memset(m->m, 0, sizeof m->m);
    memset(m->v, 0, sizeof m->v);
    m->t = 0;
    m->nlosses = 0;
}

/* The queries of a step: all of them, or batch drawn without replacement (partial
 * Fisher-Yates); NULL means all. */
static const size_t *draw(vx_match *m, size_t *n)
{
    size_t b = (size_t)m->set.batch;
    if (b == 0 || b >= m->nquery) {
        *n = m->nquery;
        return NULL;
    }
    for (size_t i = 0; i < m->nquery; i++)
        m->perm[i] = i;
    for (size_t i = 0; i < b; i++) {
        size_t j = i + (size_t)vx_rng_below(&m->rng, m->nquery - i), t = m->perm[i];
        m->perm[i] = m->perm[j], m->perm[j] = t;
    }
    *n = b;
    return m->perm;
}

int vx_match_step(vx_match *m, vx_match_progress *p, vx_err *e)
{
    size_t n;
    const size_t *which = draw(m, &n);
    vx_objective_eval ev;
    if (vx_objective_evaluate(m->obj, m->x, which, n, 1, &ev, e))
        return -1;
    if (m->nlosses < (size_t)m->set.steps + 1)
        m->losses[m->nlosses++] = ev.objective;
    p->step = ++m->t;
    p->objective = ev.objective, p->loglik = ev.loglik, p->logp = ev.logp;
    /* Adam with bias correction (torch.optim.Adam defaults, spec §8.3) */
    double c1 = 1 - pow(ADAM_B1, m->t), c2 = 1 - pow(ADAM_B2, m->t);
    for (int k = 0; k < VX_NMASK; k++) {
        double g = ev.grad[k];
        m->m[k] = ADAM_B1 * m->m[k] + (1 - ADAM_B1) * g;
        m->v[k] = ADAM_B2 * m->v[k] + (1 - ADAM_B2) * g * g;
        m->x[k] -= m->set.lr / c1 * m->m[k] / (sqrt(m->v[k]) / sqrt(c2) + ADAM_EPS);
    }
    return 0;
}

const double *vx_match_x(const vx_match *m) { return m->x; }

const double *vx_match_losses(const vx_match *m, size_t *n)
{
    *n = m->nlosses;
    return m->losses;
}

long vx_match_nearest(vx_match *m, const double *x, size_t n, double *ll, vx_err *e)
{
    long best = -1;
    *ll = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        vx_objective_eval ev;
        if (vx_objective_evaluate(m->obj, x + i * VX_NMASK, NULL, 0, 0, &ev, e))
            return -1;
        if (ev.loglik >= *ll)
            *ll = ev.loglik, best = (long)i;
    }
    return best >= 0 ? best : vx_err_set(e, "no candidate preset");
}
