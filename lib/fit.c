/* Preset retrieval: chunked training loss, its gradient, and Adam (see fit.h).
 * Everything after the compressor is one response built per step (response.h): each
 * chunk costs its EQ, compressor, one convolution and the loss, and the response is
 * differentiated once for the whole batch from spectra each thread accumulates.
 *
 * Memory is bounded by the thread count, not by the chunks: a thread holds one chunk's
 * state at a time (and four chunks' EQ signals: it filters four at a time, one per vector
 * lane, vx_peq_forward4). The loss's spectral convergence is one ratio over the whole
 * batch, so no chunk's backward can start before every chunk's forward is done: a step
 * runs the forwards once for the spectral sums alone (a few hundred bytes per chunk),
 * combines them into the loss's factors, then runs each chunk's forward again with its
 * backward, the loss's forward and backward at once (loss/total.h, streaming use: no
 * target and no spectra are kept). A batch of one chunk runs its forward once and keeps
 * its state for the backward. */
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

#define GROUP VX_BIQUAD_LANES /* chunks through one four-lane EQ */

/* The work of one thread: a contiguous range of the batch, in groups of GROUP for the EQ
 * and one chunk at a time after it, and its accumulators. */
typedef struct {
    vx_response_work *work;
    vx_cpx *acc[2];
    vx_fx grad;
    vx_peq *eq;              /* four lanes; one when the batch is one chunk (both cores) */
    vx_comp *comp;
    vx_loss_target *target;  /* a batch of one chunk: its target, remade when the chunk changes */
    size_t target_chunk;     /* the chunk target holds */
    vx_loss_work *loss;      /* kept-state work for one chunk, else a streaming work */
    vx_cpx *C;               /* spectrum of the compressor output */
    float *c[GROUP];         /* EQ outputs of a group, then each one's compressor output,
                                then (no longer needed once transformed) d(loss)/d(EQ output) */
    float *yl, *yr;          /* rendered chunk, then d(loss)/d(rendered chunk): the response
                                leaves the overlap zero and the loss does not write it */
    float *spare, *zero;     /* output and zero gradient of the EQ lanes a short group leaves */
} lane;

struct vx_fit {
    vx_fit_settings set;
    size_t T, O;                /* chunk and overlap, samples */
    const float *dry, *wet_l, *wet_r;
    size_t total, active;
    size_t *start;              /* first sample of each active chunk */
    vx_loss *L;
    vx_response *resp;
    size_t nslots;              /* most chunks in a batch: min(batch, active) */
    vx_mrstft_sums *spectral;   /* spectral sums of each chunk of a batch (first pass) */
    vx_loss_item *items;        /* loss sums of each chunk of a batch (second pass) */
    lane *lanes;
    int nlanes;
    /* optimiser */
    vx_rng rng;
    double theta[NTHETA], m[NTHETA], v[NTHETA], best[NTHETA];
    double scale[NTHETA];       /* each value's share of the learning rate */
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

static void lane_free(lane *l)
{
    vx_response_work_free(l->work);
    free(l->acc[0]), free(l->acc[1]);
    vx_peq_free(l->eq);
    vx_comp_free(l->comp);
    vx_loss_target_free(l->target);
    vx_loss_work_free(l->loss);
    free(l->C);
    for (int j = 0; j < GROUP; j++)
        free(l->c[j]);
    free(l->yl), free(l->yr), free(l->spare), free(l->zero);
}

void vx_fit_free(vx_fit *f)
{
    if (!f)
        return;
    for (int i = 0; f->lanes && i < f->nlanes; i++)
        lane_free(&f->lanes[i]);
    vx_loss_free(f->L);
    vx_response_free(f->resp);
    free(f->spectral), free(f->items), free(f->lanes), free(f->start), free(f->losses), free(f->perm);
    free(f);
}

/* Chunks [first, end) of lane i out of the fit's lanes, for a batch of n. */
static void lane_range(const vx_fit *f, int i, size_t n, size_t *first, size_t *end)
{
    *first = n * (size_t)i / (size_t)f->nlanes;
    *end = n * (size_t)(i + 1) / (size_t)f->nlanes;
}

static int lane_init(lane *l, const vx_fit *f)
{
    size_t T = f->T, bins = vx_response_bins(f->resp);
    int single = f->nslots == 1, ok = 1;
    l->work = vx_response_work_create(f->resp);
    l->acc[0] = vx_fft_alloc(bins * sizeof(vx_cpx));
    l->acc[1] = vx_fft_alloc(bins * sizeof(vx_cpx));
    l->eq = single ? vx_peq_create(vx_peq_main_kinds, VX_PEQ_BANDS, T)
                   : vx_peq_create4(vx_peq_main_kinds, VX_PEQ_BANDS, T);
    l->comp = vx_comp_create(T);
    if (single) {
        size_t s = f->start[0] + f->O;
        ok &= (l->target = vx_loss_target_create(f->L, f->wet_l + s, f->wet_r + s)) != NULL;
        l->target_chunk = 0;
        l->loss = vx_loss_work_create(f->L);
    } else {
        l->loss = vx_loss_stream_create(f->L);
    }
    l->C = vx_fft_alloc(bins * sizeof *l->C);
    for (int j = 0; j < (single ? 1 : GROUP); j++)
        ok &= (l->c[j] = malloc(T * sizeof(float))) != NULL;
    l->yl = malloc(T * sizeof *l->yl), l->yr = malloc(T * sizeof *l->yr);
    l->spare = malloc(T * sizeof *l->spare);
    l->zero = calloc(T, sizeof *l->zero);
    return ok && l->work && l->acc[0] && l->acc[1] && l->eq && l->comp && l->loss &&
           l->C && l->yl && l->yr && l->spare && l->zero;
}

/* Library code, FFT plans and the loss's tables: measured, not counted. */
#define FIT_FIXED_BYTES ((size_t)100 << 20)
/* The compressor's state per sample of a chunk (vx_comp: one float, eight doubles, a flag). */
#define COMP_BYTES_PER_SAMPLE 69

size_t vx_fit_memory(const vx_fit_settings *s, int threads)
{
    size_t T = (size_t)(s->chunk_s * VX_FS), O = (size_t)(s->overlap_s * VX_FS);
    if (O >= T || T - O < 2048 || threads < 1)
        return 0;
    vx_loss *L = vx_loss_create(T - O, NULL);
    if (!L)
        return 0;
    size_t bins = vx_response_grid(T, O) / 2 + 1;
    size_t lane = vx_response_work_bytes(T, O) + 3 * bins * sizeof(vx_cpx) /* acc, C */ +
                  COMP_BYTES_PER_SAMPLE * T + 4 * T * sizeof(float); /* yl, yr, spare, zero */
    /* a batch of several chunks: a lane a thread, each with the four-lane EQ, its four
     * signals and a streaming loss; a batch of one chunk: one lane, its EQ one lane, its
     * target and kept state */
    size_t eq = (VX_PEQ_BANDS + 1) * T * sizeof(float) + T * sizeof(float);
    size_t several = (size_t)threads * (lane + GROUP * eq + vx_loss_stream_bytes(L));
    size_t one = lane + eq + vx_loss_target_bytes(L) + vx_loss_work_bytes(L);
    vx_loss_free(L);
    return FIT_FIXED_BYTES + vx_response_bytes(T, O, threads) + (several > one ? several : one);
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
    f->dry = dry, f->wet_l = wet_l, f->wet_r = wet_r;
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
    f->spectral = malloc(f->nslots * sizeof *f->spectral);
    f->items = malloc(f->nslots * sizeof *f->items);
    f->nlanes = f->nslots == 1 ? 1 : omp_get_max_threads(); /* one chunk: its stages use the threads */
    f->lanes = calloc((size_t)f->nlanes, sizeof *f->lanes);
    f->losses = malloc(((size_t)set->steps + 1) * sizeof *f->losses);
    f->perm = malloc(f->active * sizeof *f->perm);
    if (!f->L || !f->resp || !f->spectral || !f->items || !f->lanes || !f->losses || !f->perm) {
        vx_err_set(e, "out of memory");
        goto fail;
    }
    int ok = 1;
    for (int i = 0; ok && i < f->nlanes; i++)
        ok = lane_init(&f->lanes[i], f);
    if (!ok) {
        vx_err_set(e, "out of memory for %d threads", f->nlanes);
        goto fail;
    }
    vx_rng_seed(&f->rng, set->seed ^ 0x9e3779b97f4a7c15ull); /* batches: not the init's stream */
    vx_fit_set_lr_scale(f, NULL);
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

/* Compressor and response of one chunk from its EQ output c (the compressor's output
 * replaces it): the rendered chunk in the lane's yl, yr, and with keep, the spectrum of
 * the compressor's output in C and the compressor's state for the backward. */
static int chunk_render(vx_fit *f, lane *l, const vx_fx *fx, float *c, int keep)
{
    if (vx_comp_forward(l->comp, fx, c, c, f->T, NULL))
        return -1;
    vx_response_apply(f->resp, l->work, c, f->T, keep ? l->C : NULL, l->yl, l->yr);
    return 0;
}

/* Backward from d(loss)/d(rendered chunk) in the lane's yl, yr down to d(loss)/d(EQ
 * output) in gc: response (into the lane's accumulators), then compressor. */
static void chunk_backward(vx_fit *f, lane *l, float *gc)
{
    vx_response_apply_backward(f->resp, l->work, l->C, l->yl, l->yr, f->T, gc, l->acc);
    vx_comp_backward(l->comp, gc, gc, &l->grad);
}

/* One pass of a step over chunks [g, g + k) of the batch (which: as vx_fit_evaluate),
 * GROUP at most: with b NULL the forwards alone, for each chunk's spectral sums in
 * f->spectral; with b (the factors those sums gave), each chunk's forward and backward,
 * its loss sums in f->items and its gradients added to the lane's. */
static int group_pass(vx_fit *f, lane *l, const vx_fx *fx, const size_t *which, size_t g, size_t k,
                      const vx_loss_batch *b)
{
    const float *x[GROUP];
    float *c[GROUP];
    for (size_t j = 0; j < GROUP; j++) { /* lanes past k filter the first chunk again */
        size_t slot = g + (j < k ? j : 0);
        x[j] = f->dry + f->start[which ? which[slot] : slot];
        c[j] = j < k ? l->c[j] : l->spare;
    }
    int bad = vx_peq_forward4(l->eq, fx->peq, x, c, f->T, NULL);
    for (size_t j = 0; j < k; j++) {
        size_t s = f->start[which ? which[g + j] : g + j] + f->O;
        const float *yl = f->wet_l + s, *yr = f->wet_r + s;
        float *pl = l->yl + f->O, *pr = l->yr + f->O;
        if (chunk_render(f, l, fx, l->c[j], b != NULL)) {
            bad = 1;
            continue;
        }
        if (!b) {
            vx_loss_spectral_sums(l->loss, pl, pr, yl, yr, &f->spectral[g + j]);
            continue;
        }
        vx_loss_forward_backward(l->loss, b, pl, pr, yl, yr, pl, pr, &f->items[g + j]);
        chunk_backward(f, l, l->c[j]);
    }
    if (!b)
        return bad;
    float *gx[GROUP];
    const float *gy[GROUP];
    for (size_t j = 0; j < GROUP; j++) /* lanes past k filter zeros */
        gx[j] = j < k ? l->c[j] : l->spare, gy[j] = j < k ? l->c[j] : l->zero;
    vx_peq_backward4(l->eq, gy, gx, l->grad.peq);
    return bad;
}

/* A pass over lane i's chunks of a batch of n, GROUP at a time (the last group may be
 * short). */
static int lane_pass(vx_fit *f, int i, const vx_fx *fx, const size_t *which, size_t n,
                     const vx_loss_batch *b)
{
    lane *l = &f->lanes[i];
    size_t first, end;
    lane_range(f, i, n, &first, &end);
    int bad = 0;
    for (size_t g = first; g < end; g += GROUP)
        bad |= group_pass(f, l, fx, which, g, end - g < GROUP ? end - g : GROUP, b);
    return bad;
}

/* A batch of one chunk: one forward, kept for its backward (with keep, the spectrum the
 * response's backward needs); its stages use both cores (no enclosing parallel region,
 * which would make every inner region start threads of its own). */
static int single_forward(vx_fit *f, const vx_fx *fx, size_t chunk, int keep, vx_loss_batch *b)
{
    lane *l = &f->lanes[0];
    float *pl = l->yl + f->O, *pr = l->yr + f->O;
    if (chunk != l->target_chunk) {
        size_t s = f->start[chunk] + f->O;
        vx_loss_target_set(l->target, f->wet_l + s, f->wet_r + s);
        l->target_chunk = chunk;
    }
    if (vx_peq_forward(l->eq, fx->peq, f->dry + f->start[chunk], l->c[0], f->T, NULL) ||
        chunk_render(f, l, fx, l->c[0], keep) || vx_loss_forward(l->loss, l->target, pl, pr) ||
        vx_loss_item_get(l->loss, &f->items[0]))
        return -1;
    vx_loss_combine_items(f->L, f->items, 1, b);
    return 0;
}

/* ... and its backward. */
static int single_chunk(vx_fit *f, const vx_fx *fx, size_t chunk, vx_loss_batch *b)
{
    lane *l = &f->lanes[0];
    float *pl = l->yl + f->O, *pr = l->yr + f->O;
    if (single_forward(f, fx, chunk, 1, b) || vx_loss_backward(l->loss, b, pl, pr))
        return -1;
    chunk_backward(f, l, l->c[0]);
    vx_peq_backward(l->eq, l->c[0], l->c[0], l->grad.peq);
    return 0;
}

/* Loss and gradient of a batch of several chunks: the forwards for the spectral sums,
 * then forward and backward, each lane's range on one core. The assignment is fixed and
 * the sums run in chunk order, so that the fit repeats exactly for a thread count. */
static int several_chunks(vx_fit *f, const vx_fx *fx, const size_t *which, size_t n, vx_loss_batch *b)
{
    int bad = 0;
#pragma omp parallel for schedule(static, 1) reduction(| : bad)
    for (int i = 0; i < f->nlanes; i++)
        bad |= lane_pass(f, i, fx, which, n, NULL);
    if (bad)
        return -1;
    vx_loss_factors(f->L, f->spectral, n, b);
#pragma omp parallel for schedule(static, 1) reduction(| : bad)
    for (int i = 0; i < f->nlanes; i++)
        bad |= lane_pass(f, i, fx, which, n, b);
    if (bad)
        return -1;
    vx_loss_batch all;
    vx_loss_combine_items(f->L, f->items, n, &all);
    b->parts = all.parts;
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
    vx_loss_batch batch;
    int bad = f->nslots == 1 ? single_chunk(f, &fx, which ? which[0] : 0, &batch)
                             : several_chunks(f, &fx, which, n, &batch);
    if (bad)
        return vx_err_set(e, "the compressor's parameters are outside their ranges");
    /* Sum the lanes into lane 0, then differentiate the response once. */
    lane *l0 = &f->lanes[0];
    for (int i = 1; i < f->nlanes; i++) {
        fx_add(&l0->grad, &f->lanes[i].grad);
        for (int o = 0; o < 2; o++)
            for (size_t k = 0; k < bins; k++)
                l0->acc[o][k].re += f->lanes[i].acc[o][k].re, l0->acc[o][k].im += f->lanes[i].acc[o][k].im;
    }
    double g_eta = 0, d_pen;
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

int vx_fit_loss(vx_fit *f, const double *raw, double eta_raw, size_t chunk, double *loss, vx_err *e)
{
    if (f->nslots != 1 || chunk >= f->active)
        return vx_err_set(e, "a loss alone needs a fit of batch 1 and one of its %zu chunks", f->active);
    vx_fx fx;
    if (vx_params_to_fx(raw, 0, &fx))
        return vx_err_set(e, "a raw value is not finite");
    double eta = -softplus(eta_raw), d_pen;
    vx_loss_batch b;
    if (vx_response_build(f->resp, &fx, eta, e))
        return -1;
    if (single_forward(f, &fx, chunk, 0, &b))
        return vx_err_set(e, "the compressor's parameters are outside their ranges");
    *loss = b.parts.total + vx_delay_eta_penalty(eta, &d_pen);
    return isfinite(*loss) ? 0 : vx_err_set(e, "the loss is not finite");
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

/* Records the evaluation ev at theta (NTHETA values, eta's raw value last) as the next step:
 * its loss joins vx_fit_losses and the best state is kept. */
static void record(vx_fit *f, const double *theta, const vx_fit_eval *ev, vx_fit_progress *p)
{
    memset(p, 0, sizeof *p);
    p->step = ++f->step;
    p->loss = ev->loss;
    memcpy(p->parts, ev->parts, sizeof p->parts);
    f->losses[f->nlosses] = ev->loss;
    if (ev->loss < f->lowest) {
        f->lowest = ev->loss;
        f->best_step = (int)f->nlosses;
        memcpy(f->best, theta, sizeof f->best);
    }
    f->nlosses++;
    p->best_loss = f->lowest;
    p->best_step = f->best_step;
}

int vx_fit_step(vx_fit *f, vx_fit_progress *p, vx_err *e)
{
    size_t *which;
    size_t n = vx_fit_draw_batch(f, &which);
    vx_fit_eval ev;
    vx_err why; /* apart from e: the message below quotes it */
    if (vx_fit_evaluate(f, f->theta, f->theta[VX_NRAW], which, n, &ev, &why)) {
        /* Rejected: back to the best state with fresh moments (DESIGN: never a NaN preset). */
        memset(p, 0, sizeof *p);
        p->step = ++f->step;
        p->rejected = 1;
        p->loss = NAN;
        p->best_loss = f->lowest;
        p->best_step = f->best_step;
        memcpy(f->theta, f->best, sizeof f->theta);
        memset(f->m, 0, sizeof f->m);
        memset(f->v, 0, sizeof f->v);
        f->adam_t = 0;
        if (++f->rejected_run >= MAX_REJECTED)
            return vx_err_set(e, "%d steps in a row were rejected (last: %s)", MAX_REJECTED, why.msg);
        return 0;
    }
    f->rejected_run = 0;
    record(f, f->theta, &ev, p);
    /* Adam with bias correction (torch.optim.Adam defaults, spec §2.4) */
    double t = ++f->adam_t, c1 = 1 - pow(ADAM_B1, t), c2 = 1 - pow(ADAM_B2, t);
    for (int k = 0; k < NTHETA; k++) {
        double g = k < VX_NRAW ? ev.graw[k] : ev.geta;
        f->m[k] = ADAM_B1 * f->m[k] + (1 - ADAM_B1) * g;
        f->v[k] = ADAM_B2 * f->v[k] + (1 - ADAM_B2) * g * g;
        f->theta[k] -= f->scale[k] * f->set.lr / c1 * f->m[k] / (sqrt(f->v[k]) / sqrt(c2) + ADAM_EPS);
    }
    return 0;
}

void vx_fit_set_lr(vx_fit *f, double lr) { f->set.lr = lr; }

void vx_fit_set_lr_scale(vx_fit *f, const double *scale)
{
    for (int k = 0; k < NTHETA; k++)
        f->scale[k] = scale ? scale[k] : 1;
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
