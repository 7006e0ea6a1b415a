/* Preset retrieval: chunked training loss, its gradient, and Adam (see fit.h).
 * Everything after the compressor is one response built per step (response.h): each
 * chunk costs its EQ, compressor, one convolution and the loss, and the response is
 * differentiated once for the whole batch. Chunks share the EQ, so a thread filters its
 * chunks four at a time, one per vector lane (vx_peq_forward4). */
#include "fit.h"
#include "fx/comp.h"
#include "fx/delay.h"
#include "fx/peq.h"
#include "loss/total.h"
#include "response.h"
#include "rng.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define NTHETA (VX_NRAW + 1) /* the raw values and eta's raw value, optimised together */
#define ADAM_B1 0.9
#define ADAM_B2 0.999
#define ADAM_EPS 1e-8
#define MAX_REJECTED 3
#define SILENCE_DB -60.0

/* Everything one chunk of a batch keeps from the forward pass to the backward pass. */
typedef struct {
    vx_peq *peq;         /* only when the batch is one chunk (its EQ then uses both cores) */
    vx_comp *comp;
    vx_loss_work *loss;
    vx_cpx *C;           /* spectrum of the compressor output */
    float *c, *yl, *yr;  /* compressor output, rendered chunk */
    float *gl, *gr;      /* d(loss)/d(rendered chunk), then d(loss)/dc in gl */
} slot;

#define GROUP VX_BIQUAD_LANES /* chunks through one four-lane EQ */

/* The work of one thread: a contiguous range of the batch's slots, in groups of GROUP for
 * the EQ, and its accumulators. */
typedef struct {
    vx_response_work *work;
    vx_cpx *acc[2];
    vx_fx grad;
    vx_peq **eq;         /* one four-lane EQ per group of the range */
    int neq;
    float *spare, *zero; /* output and zero gradient of the EQ lanes a short group leaves */
} lane;

struct vx_fit {
    vx_fit_settings set;
    size_t T, O;                /* chunk and overlap, samples */
    const float *dry;
    size_t total, active;
    size_t *start;              /* first sample of each active chunk */
    vx_loss *L;
    vx_loss_target **target;    /* per active chunk */
    vx_response *resp;
    slot *slots;                /* min(batch, active) */
    size_t nslots;
    lane *lanes;
    int nlanes;
    /* optimiser */
    vx_rng rng;
    double theta[NTHETA], m[NTHETA], v[NTHETA], best[NTHETA];
    double lowest;
    int best_step, step, adam_t, rejected_run;
    double *losses;
    size_t nlosses;
    size_t *perm;
};

vx_fit_settings vx_fit_defaults(void)
{
    return (vx_fit_settings){.steps = 2000, .lr = 0.01, .batch = 35, .seed = 0, .chunk_s = 12, .overlap_s = 5};
}

static void slot_free(slot *s)
{
    vx_peq_free(s->peq);
    vx_comp_free(s->comp);
    vx_loss_work_free(s->loss);
    free(s->C), free(s->c), free(s->yl), free(s->yr), free(s->gl), free(s->gr);
}

void vx_fit_free(vx_fit *f)
{
    if (!f)
        return;
    for (size_t i = 0; f->target && i < f->active; i++)
        vx_loss_target_free(f->target[i]);
    for (size_t i = 0; f->slots && i < f->nslots; i++)
        slot_free(&f->slots[i]);
    for (int i = 0; f->lanes && i < f->nlanes; i++) {
        lane *l = &f->lanes[i];
        vx_response_work_free(l->work);
        free(l->acc[0]), free(l->acc[1]), free(l->spare), free(l->zero);
        for (int g = 0; l->eq && g < l->neq; g++)
            vx_peq_free(l->eq[g]);
        free(l->eq);
    }
    vx_loss_free(f->L);
    vx_response_free(f->resp);
    free(f->target), free(f->slots), free(f->lanes), free(f->start), free(f->losses), free(f->perm);
    free(f);
}

static int slot_init(slot *s, const vx_fit *f)
{
    size_t T = f->T, bins = vx_response_bins(f->resp);
    s->peq = f->nslots == 1 ? vx_peq_create(vx_peq_main_kinds, VX_PEQ_BANDS, T) : NULL;
    s->comp = vx_comp_create(T);
    s->loss = vx_loss_work_create(f->L);
    s->C = vx_fft_alloc(bins * sizeof *s->C);
    s->c = malloc(T * sizeof *s->c);
    s->yl = malloc(T * sizeof *s->yl), s->yr = malloc(T * sizeof *s->yr);
    s->gl = calloc(T, sizeof *s->gl), s->gr = calloc(T, sizeof *s->gr);
    return (s->peq || f->nslots > 1) && s->comp && s->loss && s->C && s->c && s->yl && s->yr && s->gl &&
           s->gr;
}

/* Slots [first, end) of lane i out of the fit's lanes, for a batch of n. */
static void lane_range(const vx_fit *f, int i, size_t n, size_t *first, size_t *end)
{
    *first = n * (size_t)i / (size_t)f->nlanes;
    *end = n * (size_t)(i + 1) / (size_t)f->nlanes;
}

static int lane_init(lane *l, const vx_fit *f)
{
    size_t bins = vx_response_bins(f->resp);
    size_t most = (f->nslots + (size_t)f->nlanes - 1) / (size_t)f->nlanes; /* slots in a range */
    l->work = vx_response_work_create(f->resp);
    l->acc[0] = vx_fft_alloc(bins * sizeof(vx_cpx));
    l->acc[1] = vx_fft_alloc(bins * sizeof(vx_cpx));
    if (!l->work || !l->acc[0] || !l->acc[1])
        return 0;
    if (f->nslots == 1)
        return 1;
    l->neq = (int)((most + GROUP - 1) / GROUP);
    l->eq = calloc((size_t)l->neq, sizeof *l->eq);
    l->spare = malloc(f->T * sizeof *l->spare);
    l->zero = calloc(f->T, sizeof *l->zero);
    int ok = l->eq && l->spare && l->zero;
    for (int g = 0; ok && g < l->neq; g++)
        ok = (l->eq[g] = vx_peq_create4(vx_peq_main_kinds, VX_PEQ_BANDS, f->T)) != NULL;
    return ok;
}

/* Active chunks: the wet peak after the overlap must be above -60 dB (spec §2.3). */
static size_t find_chunks(vx_fit *f, const float *wl, const float *wr)
{
    double floor_amp = pow(10.0, SILENCE_DB / 20.0);
    size_t n = 0;
    for (size_t i = 0; i < f->total; i++) {
        size_t s = i * (f->T - f->O);
        float peak = 0;
        for (size_t t = s + f->O; t < s + f->T; t++)
            peak = fmaxf(peak, fmaxf(fabsf(wl[t]), fabsf(wr[t])));
        if (peak > floor_amp)
            f->start[n++] = s;
    }
    return n;
}

vx_fit *vx_fit_create(const float *dry, const float *wet_l, const float *wet_r, size_t frames,
                      const vx_fit_settings *set, vx_err *e)
{
    vx_fit *f = calloc(1, sizeof *f);
    if (!f) {
        vx_err_set(e, "out of memory");
        return NULL;
    }
    f->set = *set;
    f->T = (size_t)(set->chunk_s * VX_FS);
    f->O = (size_t)(set->overlap_s * VX_FS);
    f->dry = dry;
    if (f->O >= f->T || f->T - f->O < 2048 || set->batch < 1 || set->steps < 0) {
        vx_err_set(e, "the chunk must be longer than the overlap by at least 2048 samples");
        goto fail;
    }
    if (frames < f->T) {
        vx_err_set(e, "the pair is %.2f s long, shorter than one %.2f s chunk (choose a shorter chunk)",
                   (double)frames / VX_FS, set->chunk_s);
        goto fail;
    }
    f->total = (frames - f->T) / (f->T - f->O) + 1;
    f->start = malloc(f->total * sizeof *f->start);
    if (!f->start) {
        vx_err_set(e, "out of memory");
        goto fail;
    }
    f->active = find_chunks(f, wet_l, wet_r);
    if (!f->active) {
        vx_err_set(e, "the wet signal is silent (below -60 dB) in every chunk");
        goto fail;
    }
    f->nslots = f->active < (size_t)set->batch ? f->active : (size_t)set->batch;
    f->L = vx_loss_create(f->T - f->O, NULL);
    f->resp = vx_response_create(f->T, f->O);
    f->target = calloc(f->active, sizeof *f->target);
    f->slots = calloc(f->nslots, sizeof *f->slots);
    f->nlanes = omp_get_max_threads();
    f->lanes = calloc((size_t)f->nlanes, sizeof *f->lanes);
    f->losses = malloc(((size_t)set->steps + 1) * sizeof *f->losses);
    f->perm = malloc(f->active * sizeof *f->perm);
    if (!f->L || !f->resp || !f->target || !f->slots || !f->lanes || !f->losses || !f->perm) {
        vx_err_set(e, "out of memory");
        goto fail;
    }
    int ok = 1;
#pragma omp parallel for schedule(dynamic) reduction(&& : ok)
    for (size_t i = 0; i < f->active; i++) {
        size_t s = f->start[i] + f->O;
        ok = (f->target[i] = vx_loss_target_create(f->L, wet_l + s, wet_r + s)) != NULL;
    }
    for (size_t i = 0; ok && i < f->nslots; i++)
        ok = slot_init(&f->slots[i], f);
    for (int i = 0; ok && i < f->nlanes; i++)
        ok = lane_init(&f->lanes[i], f);
    if (!ok) {
        vx_err_set(e, "out of memory for %zu chunks", f->nslots);
        goto fail;
    }
    vx_rng_seed(&f->rng, set->seed ^ 0x9e3779b97f4a7c15ull); /* batches: not the init's stream */
    return f;
fail:
    vx_fit_free(f);
    return NULL;
}

size_t vx_fit_chunks_total(const vx_fit *f) { return f->total; }
size_t vx_fit_chunks_active(const vx_fit *f) { return f->active; }

void vx_fit_initial(uint64_t seed, double *raw)
{
    vx_rng rng;
    vx_rng_seed(&rng, seed);
    vx_params_init(raw);
    const vx_param_def *gamma = vx_param_find("fdn", "gamma"), *w = vx_param_find("fdn", "w");
    for (int i = 0; i < gamma->count; i++)
        raw[gamma->raw_index + i] = vx_map_inverse(gamma, 0.4 + 0.2 * vx_rng_uniform(&rng));
    for (int i = 0; i < w->count; i++)
        raw[w->raw_index + i] = vx_rng_normal(&rng) / sqrt(6.0);
}

static double softplus(double x) { return x > 30 ? x : log1p(exp(x)); }
static double sigmoid(double x) { return 1 / (1 + exp(-x)); }

/* Adds every member of a vx_fx gradient into another. */
static void fx_add(vx_fx *to, const vx_fx *from)
{
    double *a = (double *)to;
    const double *b = (const double *)from;
    for (size_t i = 0; i < VX_FX_NVALUES; i++)
        a[i] += b[i];
}

/* Forward of one chunk after its EQ (in s->c): compressor, response, loss partial sums. */
static int chunk_forward(vx_fit *f, slot *s, lane *l, const vx_fx *fx, size_t chunk)
{
    if (vx_comp_forward(s->comp, fx, s->c, s->c, f->T, NULL))
        return -1;
    vx_response_apply(f->resp, l->work, s->c, f->T, s->C, s->yl, s->yr);
    return vx_loss_forward(s->loss, f->target[chunk], s->yl + f->O, s->yr + f->O);
}

/* Backward of one chunk down to dL/d(its EQ output), in s->gl: loss -> response (into the
 * lane's accumulators) -> compressor. */
static int chunk_backward(vx_fit *f, slot *s, lane *l, const vx_loss_batch *b)
{
    if (vx_loss_backward(s->loss, b, s->gl + f->O, s->gr + f->O))
        return -1; /* gl, gr stay zero over the overlap, which the loss ignores */
    vx_response_apply_backward(f->resp, l->work, s->C, s->gl, s->gr, f->T, s->gl, l->acc);
    vx_comp_backward(s->comp, s->gl, s->gl, &l->grad);
    return 0;
}

/* What a forward pass needs besides the fit: the parameters and the batch's chunks
 * (which: as vx_fit_evaluate). */
typedef struct {
    const vx_fx *fx;
    const size_t *which;
} forward_job;

/* A pass over the slots [g, g + k) of a group, with the group's four-lane EQ. */
typedef int group_fn(vx_fit *f, lane *l, vx_peq *eq, size_t g, size_t k, const void *job);

static int group_forward(vx_fit *f, lane *l, vx_peq *eq, size_t g, size_t k, const void *job)
{
    const forward_job *fj = job;
    const float *x[GROUP];
    float *c[GROUP];
    for (size_t j = 0; j < GROUP; j++) { /* lanes past k filter the first chunk again */
        size_t slot = g + (j < k ? j : 0);
        x[j] = f->dry + f->start[fj->which ? fj->which[slot] : slot];
        c[j] = j < k ? f->slots[slot].c : l->spare;
    }
    int bad = vx_peq_forward4(eq, fj->fx->peq, x, c, f->T, NULL);
    for (size_t j = g; j < g + k; j++)
        bad |= chunk_forward(f, &f->slots[j], l, fj->fx, fj->which ? fj->which[j] : j);
    return bad;
}

static int group_backward(vx_fit *f, lane *l, vx_peq *eq, size_t g, size_t k, const void *job)
{
    int bad = 0;
    for (size_t j = g; j < g + k; j++)
        bad |= chunk_backward(f, &f->slots[j], l, job);
    float *gx[GROUP];
    const float *gy[GROUP];
    for (size_t j = 0; j < GROUP; j++) /* lanes past k filter zeros */
        gx[j] = j < k ? f->slots[g + j].gl : l->spare, gy[j] = j < k ? f->slots[g + j].gl : l->zero;
    vx_peq_backward4(eq, gy, gx, l->grad.peq);
    for (size_t j = g; j < g + k; j++) /* the next step relies on the zero overlap */
        memset(f->slots[j].gl, 0, f->O * sizeof *f->slots[j].gl);
    return bad;
}

/* fn on lane i's slots of a batch of n, GROUP at a time (the last group may be short). */
static int lane_run(vx_fit *f, int i, size_t n, group_fn *fn, const void *job)
{
    lane *l = &f->lanes[i];
    size_t first, end;
    lane_range(f, i, n, &first, &end);
    int bad = 0;
    for (size_t g = first; g < end; g += GROUP)
        bad |= fn(f, l, l->eq[(g - first) / GROUP], g, end - g < GROUP ? end - g : GROUP, job);
    return bad;
}

/* A batch of one chunk: its stages use both cores (no enclosing parallel region, which
 * would make every inner region start threads of its own). */
static int single_forward(vx_fit *f, const vx_fx *fx, size_t chunk)
{
    slot *s = &f->slots[0];
    return vx_peq_forward(s->peq, fx->peq, f->dry + f->start[chunk], s->c, f->T, NULL) ||
           chunk_forward(f, s, &f->lanes[0], fx, chunk);
}

static int single_backward(vx_fit *f, const vx_loss_batch *b)
{
    slot *s = &f->slots[0];
    if (chunk_backward(f, s, &f->lanes[0], b))
        return -1;
    vx_peq_backward(s->peq, s->gl, s->gl, f->lanes[0].grad.peq);
    memset(s->gl, 0, f->O * sizeof *s->gl);
    return 0;
}

int vx_fit_evaluate(vx_fit *f, const double *raw, double eta_raw, const size_t *which, size_t n,
                    vx_fit_eval *out, vx_err *e)
{
    if (!which)
        n = f->active;
    if (n == 0 || n > f->nslots)
        return vx_err_set(e, "a batch of %zu chunks (at most %zu)", n, f->nslots);
    vx_fx fx;
    if (vx_params_to_fx(raw, 0, &fx))
        return vx_err_set(e, "a raw value is not finite");
    double eta = -softplus(eta_raw);
    if (vx_response_build(f->resp, &fx, eta, e))
        return -1;
    size_t bins = vx_response_bins(f->resp);
    for (int i = 0; i < f->nlanes; i++) {
        memset(&f->lanes[i].grad, 0, sizeof f->lanes[i].grad);
        memset(f->lanes[i].acc[0], 0, bins * sizeof(vx_cpx));
        memset(f->lanes[i].acc[1], 0, bins * sizeof(vx_cpx));
    }
    int bad = 0;
    const forward_job job = {&fx, which};
    /* Several chunks: each lane's range on one core, a fixed assignment so that the sums
     * (and the fit) repeat exactly for a thread count. */
    if (f->nslots == 1)
        bad = single_forward(f, &fx, which ? which[0] : 0);
    else
#pragma omp parallel for schedule(static, 1) reduction(| : bad)
        for (int i = 0; i < f->nlanes; i++)
            bad |= lane_run(f, i, n, group_forward, &job);
    vx_loss_work *items[n];
    for (size_t j = 0; j < n; j++)
        items[j] = f->slots[j].loss;
    vx_loss_batch batch;
    if (bad || vx_loss_combine(f->L, items, n, &batch))
        return vx_err_set(e, "the compressor's parameters are outside their ranges");
    if (f->nslots == 1)
        bad = single_backward(f, &batch);
    else
#pragma omp parallel for schedule(static, 1) reduction(| : bad)
        for (int i = 0; i < f->nlanes; i++)
            bad |= lane_run(f, i, n, group_backward, &batch);
    /* Sum the lanes into lane 0, then differentiate the response once. */
    lane *l0 = &f->lanes[0];
    for (int i = 1; i < f->nlanes; i++) {
        fx_add(&l0->grad, &f->lanes[i].grad);
        for (int o = 0; o < 2; o++)
            for (size_t k = 0; k < bins; k++)
                l0->acc[o][k].re += f->lanes[i].acc[o][k].re, l0->acc[o][k].im += f->lanes[i].acc[o][k].im;
    }
    double g_eta = 0, d_pen;
    if (bad)
        return vx_err_set(e, "backward pass failed");
    if (vx_response_backward(f->resp, l0->acc, &l0->grad, &g_eta, e))
        return -1;
    double pen = vx_delay_eta_penalty(eta, &d_pen);
    out->parts[VX_PART_MSS_LR] = batch.parts.mss_lr;
    out->parts[VX_PART_MSS_MS] = batch.parts.mss_ms;
    out->parts[VX_PART_MLDR_LR] = batch.parts.mldr_lr;
    out->parts[VX_PART_MLDR_MS] = batch.parts.mldr_ms;
    out->parts[VX_PART_DELAY_REG] = pen;
    out->loss = batch.parts.total + pen;
    vx_params_grad_to_raw(raw, &l0->grad, 0, out->graw);
    out->geta = (g_eta + d_pen) * -sigmoid(eta_raw); /* eta = -softplus(raw) */
    int finite = isfinite(out->loss) && isfinite(out->geta);
    for (int k = 0; k < VX_NRAW; k++)
        finite &= isfinite(out->graw[k]) != 0;
    return finite ? 0 : vx_err_set(e, "the loss or its gradient is not finite");
}

void vx_fit_start(vx_fit *f, const double *raw, double eta_raw)
{
    memcpy(f->theta, raw, VX_NRAW * sizeof *raw);
    f->theta[VX_NRAW] = eta_raw;
    memcpy(f->best, f->theta, sizeof f->best);
    memset(f->m, 0, sizeof f->m);
    memset(f->v, 0, sizeof f->v);
    f->lowest = INFINITY;
    f->best_step = -1;
    f->step = f->adam_t = 0;
    f->nlosses = 0;
    f->rejected_run = 0;
}

/* n distinct active chunks, uniformly at random: a partial Fisher-Yates shuffle. */
size_t vx_fit_draw_batch(vx_fit *f, size_t **which)
{
    if (f->active <= f->nslots) {
        *which = NULL;
        return f->active;
    }
    for (size_t i = 0; i < f->active; i++)
        f->perm[i] = i;
    for (size_t i = 0; i < f->nslots; i++) {
        size_t j = i + (size_t)vx_rng_below(&f->rng, f->active - i);
        size_t t = f->perm[i];
        f->perm[i] = f->perm[j], f->perm[j] = t;
    }
    *which = f->perm;
    return f->nslots;
}

int vx_fit_step(vx_fit *f, vx_fit_progress *p, vx_err *e)
{
    size_t *which;
    size_t n = vx_fit_draw_batch(f, &which);
    vx_fit_eval ev;
    memset(p, 0, sizeof *p);
    p->step = ++f->step;
    vx_err why; /* apart from e: the message below quotes it */
    if (vx_fit_evaluate(f, f->theta, f->theta[VX_NRAW], which, n, &ev, &why)) {
        /* Rejected: back to the best state with fresh moments (DESIGN: never a NaN preset). */
        p->rejected = 1;
        p->loss = NAN;
        memcpy(f->theta, f->best, sizeof f->theta);
        memset(f->m, 0, sizeof f->m);
        memset(f->v, 0, sizeof f->v);
        f->adam_t = 0;
        if (++f->rejected_run >= MAX_REJECTED)
            return vx_err_set(e, "%d steps in a row were rejected (last: %s)", MAX_REJECTED, why.msg);
    } else {
        f->rejected_run = 0;
        p->loss = ev.loss;
        memcpy(p->parts, ev.parts, sizeof p->parts);
        f->losses[f->nlosses] = ev.loss;
        if (ev.loss < f->lowest) {
            f->lowest = ev.loss;
            f->best_step = (int)f->nlosses;
            memcpy(f->best, f->theta, sizeof f->best);
        }
        f->nlosses++;
        /* Adam with bias correction (torch.optim.Adam defaults, spec §2.4) */
        double t = ++f->adam_t, c1 = 1 - pow(ADAM_B1, t), c2 = 1 - pow(ADAM_B2, t);
        for (int k = 0; k < NTHETA; k++) {
            double g = k < VX_NRAW ? ev.graw[k] : ev.geta;
            f->m[k] = ADAM_B1 * f->m[k] + (1 - ADAM_B1) * g;
            f->v[k] = ADAM_B2 * f->v[k] + (1 - ADAM_B2) * g * g;
            f->theta[k] -= f->set.lr / c1 * f->m[k] / (sqrt(f->v[k]) / sqrt(c2) + ADAM_EPS);
        }
    }
    p->best_loss = f->lowest;
    p->best_step = f->best_step;
    return 0;
}

const double *vx_fit_best(const vx_fit *f, double *eta_raw)
{
    if (eta_raw)
        *eta_raw = f->best[VX_NRAW];
    return f->best;
}

const double *vx_fit_losses(const vx_fit *f, size_t *n)
{
    *n = f->nlosses;
    return f->losses;
}
