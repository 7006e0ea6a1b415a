/* The DiffVox loss over a batch of stereo items (spec/pipeline.md §1.2-1.7): A-weighting,
 * STFT terms and level-difference terms put together, the batch combination, and the
 * backward pass that turns the combined factors into each item's gradient. */
#include "loss/total.h"
#include "loss/aweight.h"
#include "loss/mldr.h"
#include "params.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

struct vx_loss {
    size_t len;
    vx_loss_config cfg;
    float taps[VX_AWEIGHT_TAPS];
    vx_mrstft *stft;
    vx_ldr ldr[VX_LDR_PAIRS];
    int slots;          /* level-difference rows computed at once (threads, at most 4) */
    size_t work_floats; /* scratch of a work: A-weighted signals, envelopes, pads */
    size_t stream_floats; /* scratch of a streaming work (vx_loss_stream_create) */
};

struct vx_loss_target {
    const vx_loss *loss;
    float *cache; /* magnitudes (vx_mrstft_target) */
    float *q;     /* level ratios: VX_LDR_ROWS x VX_LDR_PAIRS x len */
    float *tmp;   /* scratch of vx_loss_target_set, as large as q */
    vx_mrstft_sums sums;
};

struct vx_loss_work {
    const vx_loss *loss;
    const vx_loss_target *target; /* of the last forward; NULL before the first */
    vx_cpx *store;                /* prediction spectra; NULL in a streaming work */
    float *ldr_grad;              /* VX_LDR_ROWS x len: d(level-difference sum)/d(row) */
    float *scratch;
    vx_mrstft_sums sums;
    double ldr_sum[2]; /* sum of |d_P - d_Y| over pairs, rows and samples: L/R, mid/side */
};

/* Which of the two level-difference terms a row belongs to. */
static int ldr_term(int row) { return row == VX_LDR_LEFT || row == VX_LDR_RIGHT ? 0 : 1; }

vx_loss_config vx_loss_config_diffvox(void)
{
    return (vx_loss_config){.nres = 3,
                            .nfft = {128, 512, 2048},
                            .hop = {32, 128, 512},
                            .tau_short_ms = {50, 100},
                            .tau_long_ms = {1000, 2000},
                            .w = {1.0, 0.5, 0.5, 0.25}};
}

vx_loss *vx_loss_create(size_t len, const vx_loss_config *cfg)
{
    vx_loss_config dflt = vx_loss_config_diffvox();
    if (!cfg)
        cfg = &dflt;
    if (len == 0)
        return NULL;
    vx_loss *L = calloc(1, sizeof *L);
    if (!L)
        return NULL;
    L->len = len;
    L->cfg = *cfg;
    L->stft = vx_mrstft_create(len, cfg->nres, cfg->nfft, cfg->hop);
    if (!L->stft || vx_aweight_design(L->taps)) {
        vx_loss_free(L);
        return NULL;
    }
    for (int i = 0; i < VX_LDR_PAIRS; i++)
        vx_ldr_init(&L->ldr[i], cfg->tau_short_ms[i], cfg->tau_long_ms[i], VX_FS);
    /* forward: the A-weighted prediction, then the envelopes of `slots` rows at once;
     * backward: the A-weighted gradient and the STFT pads */
    int threads = omp_get_max_threads();
    L->slots = threads < VX_LDR_ROWS ? threads : VX_LDR_ROWS;
    size_t fwd = 2 * len, ldr = (size_t)L->slots * 2 * VX_LDR_PAIRS * len;
    size_t bwd = 2 * len + vx_mrstft_scratch_floats(L->stft);
    fwd = fwd > ldr ? fwd : ldr;
    L->work_floats = fwd > bwd ? fwd : bwd;
    /* a streaming work: 6 signals (prediction, target and gradient, A-weighted) and the
     * STFT's scratch, or a target's level ratios and the envelopes of `slots` rows */
    size_t spectral = 6 * len + vx_mrstft_stream_floats(L->stft);
    size_t level = (size_t)L->slots * (VX_LDR_PAIRS + 4) * len;
    L->stream_floats = spectral > level ? spectral : level;
    return L;
}

void vx_loss_free(vx_loss *L)
{
    if (!L)
        return;
    vx_mrstft_free(L->stft);
    free(L);
}

size_t vx_loss_len(const vx_loss *L) { return L->len; }

size_t vx_loss_target_bytes(const vx_loss *L)
{
    return (vx_mrstft_cache_floats(L->stft) + 2 * VX_LDR_ROWS * VX_LDR_PAIRS * L->len) * sizeof(float);
}

size_t vx_loss_work_bytes(const vx_loss *L)
{
    return vx_mrstft_store_cpx(L->stft) * sizeof(vx_cpx) + (VX_LDR_ROWS * L->len + L->work_floats) * sizeof(float);
}

size_t vx_loss_stream_bytes(const vx_loss *L)
{
    return (VX_LDR_ROWS * L->len + L->stream_floats) * sizeof(float);
}

vx_loss_target *vx_loss_target_create(const vx_loss *L, const float *yl, const float *yr)
{
    size_t len = L->len, np = VX_LDR_PAIRS;
    vx_loss_target *t = calloc(1, sizeof *t);
    if (!t || !(t->cache = malloc(vx_mrstft_cache_floats(L->stft) * sizeof *t->cache)) ||
        !(t->q = malloc(VX_LDR_ROWS * np * len * sizeof *t->q)) ||
        !(t->tmp = malloc(VX_LDR_ROWS * np * len * sizeof *t->tmp))) {
        vx_loss_target_free(t);
        return NULL;
    }
    t->loss = L;
    vx_loss_target_set(t, yl, yr);
    return t;
}

void vx_loss_target_set(vx_loss_target *t, const float *yl, const float *yr)
{
    const vx_loss *L = t->loss;
    size_t len = L->len, np = VX_LDR_PAIRS;
    /* the A-weighted target, then the long envelopes of every row, in tmp */
    vx_aweight_apply(L->taps, yl, t->tmp, len);
    vx_aweight_apply(L->taps, yr, t->tmp + len, len);
    vx_mrstft_target(L->stft, t->tmp, t->tmp + len, t->cache, &t->sums);
#pragma omp parallel for schedule(static)
    for (int row = 0; row < VX_LDR_ROWS; row++)
        vx_ldr_target(L->ldr, vx_ldr_row_mix(row), yl, yr, len, t->q + row * np * len,
                      t->tmp + row * np * len);
}

void vx_loss_target_free(vx_loss_target *t)
{
    if (!t)
        return;
    free(t->cache);
    free(t->q);
    free(t->tmp);
    free(t);
}

vx_loss_work *vx_loss_work_create(const vx_loss *L)
{
    vx_loss_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->loss = L;
    w->store = vx_fft_alloc(vx_mrstft_store_cpx(L->stft) * sizeof *w->store);
    w->ldr_grad = malloc(VX_LDR_ROWS * L->len * sizeof *w->ldr_grad);
    w->scratch = malloc(L->work_floats * sizeof *w->scratch);
    if (!w->store || !w->ldr_grad || !w->scratch) {
        vx_loss_work_free(w);
        return NULL;
    }
    return w;
}

vx_loss_work *vx_loss_stream_create(const vx_loss *L)
{
    vx_loss_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->loss = L;
    w->ldr_grad = malloc(VX_LDR_ROWS * L->len * sizeof *w->ldr_grad);
    w->scratch = malloc(L->stream_floats * sizeof *w->scratch);
    if (!w->ldr_grad || !w->scratch) {
        vx_loss_work_free(w);
        return NULL;
    }
    return w;
}

void vx_loss_work_free(vx_loss_work *w)
{
    if (!w)
        return;
    free(w->store);
    free(w->ldr_grad);
    free(w->scratch);
    free(w);
}

/* Level differences of prediction (pl, pr), one row per task and a slot of the scratch per
 * thread: each row's gradient into w->ldr_grad, the two sums into w->ldr_sum. The
 * target's ratios come from t, or without t are made row by row from (yl, yr). */
static void level_rows(vx_loss_work *w, const float *pl, const float *pr, const vx_loss_target *t,
                       const float *yl, const float *yr)
{
    const vx_loss *L = w->loss;
    size_t len = L->len, np = VX_LDR_PAIRS, slot = (t ? 4 : np + 4) * len;
    double row_sum[VX_LDR_ROWS];
    memset(w->ldr_grad, 0, VX_LDR_ROWS * len * sizeof *w->ldr_grad);
#pragma omp parallel for schedule(static) num_threads(L->slots)
    for (int row = 0; row < VX_LDR_ROWS; row++) {
        float *mine = w->scratch + (size_t)omp_get_thread_num() * slot, *work = mine;
        vx_ldr_mix m = vx_ldr_row_mix(row);
        const float *q = t ? t->q + row * np * len : mine;
        if (!t) { /* the ratios first, then the envelopes after them */
            work = mine + np * len;
            vx_ldr_target(L->ldr, m, yl, yr, len, mine, work);
        }
        row_sum[row] = vx_ldr_forward_backward(L->ldr, m, pl, pr, q, len, w->ldr_grad + row * len, work);
    }
    w->ldr_sum[0] = w->ldr_sum[1] = 0;
    for (int row = 0; row < VX_LDR_ROWS; row++)
        w->ldr_sum[ldr_term(row)] += row_sum[row];
}

int vx_loss_forward(vx_loss_work *w, const vx_loss_target *t, const float *pl, const float *pr)
{
    if (t->loss != w->loss || !w->store)
        return -1;
    const vx_loss *L = w->loss;
    size_t len = L->len;
    float *awl = w->scratch, *awr = w->scratch + len;
    vx_aweight_apply(L->taps, pl, awl, len);
    vx_aweight_apply(L->taps, pr, awr, len);
    vx_mrstft_forward(L->stft, awl, awr, t->cache, w->store, &w->sums);
    level_rows(w, pl, pr, t, NULL, NULL); /* the A-weighted signals are no longer needed */
    w->target = t;
    return 0;
}

int vx_loss_spectral_sums(vx_loss_work *w, const float *pl, const float *pr, const float *yl,
                          const float *yr, vx_mrstft_sums *s)
{
    const vx_loss *L = w->loss;
    size_t len = L->len;
    if (w->store)
        return -1;
    float *aw = w->scratch; /* prediction and target, A-weighted */
    vx_aweight_apply(L->taps, pl, aw, len);
    vx_aweight_apply(L->taps, pr, aw + len, len);
    vx_aweight_apply(L->taps, yl, aw + 2 * len, len);
    vx_aweight_apply(L->taps, yr, aw + 3 * len, len);
    *s = (vx_mrstft_sums){0};
    vx_mrstft_norms(L->stft, aw, aw + len, aw + 2 * len, aw + 3 * len, s);
    return 0;
}

/* Parts and backward factors from batch-wide sums (§1.3-1.7). s holds num, den and lm
 * summed over the n items, ldr the two level-difference sums. */
static void combine_sums(const vx_loss *L, const vx_mrstft_sums *s, const double ldr[2],
                         size_t n, vx_loss_batch *b)
{
    const vx_loss_config *c = &L->cfg;
    static const double rows[VX_MRSTFT_GROUPS] = {2, 1, 1}; /* rows per item of each group */
    /* weight of a group's SC + LM in the total: mss_lr averages over resolutions, mss_ms
     * also over its two branches */
    const double wg[VX_MRSTFT_GROUPS] = {c->w.mss_lr / c->nres, c->w.mss_ms / (2.0 * c->nres),
                                         c->w.mss_ms / (2.0 * c->nres)};
    vx_loss_parts *p = &b->parts;
    memset(p, 0, sizeof *p);
    memset(&b->k, 0, sizeof b->k);
    for (size_t r = 0; r < c->nres; r++) {
        double term[VX_MRSTFT_GROUPS];
        for (int g = 0; g < VX_MRSTFT_GROUPS; g++) {
            double nel = (double)n * rows[g] * (double)vx_mrstft_cells(L->stft, r);
            double norm_e = sqrt(s->num[r][g]), norm_y = sqrt(s->den[r][g]);
            term[g] = norm_e / norm_y + s->lm[r][g] / nel;
            /* d||Y - X||/dX is taken as 0 where the error is exactly 0, as torch does */
            b->k.sc[r][g] = norm_e > 0 ? wg[g] / (norm_e * norm_y) : 0.0;
            b->k.lm[r][g] = wg[g] / nel;
        }
        p->mss_lr_res[r] = term[VX_MRSTFT_LR];
        p->mss_lr += term[VX_MRSTFT_LR] / c->nres;
        p->mss_ms += (term[VX_MRSTFT_SUM] + term[VX_MRSTFT_DIFF]) / (2.0 * c->nres);
    }
    /* each pair's LDR is a mean over 2 rows x len samples per item; MLDR sums the pairs */
    double nel = 2.0 * (double)n * (double)L->len;
    p->mldr_lr = ldr[0] / nel;
    p->mldr_ms = ldr[1] / nel;
    b->k_ldr[0] = c->w.mldr_lr / nel;
    b->k_ldr[1] = c->w.mldr_ms / nel;
    p->total = c->w.mss_lr * p->mss_lr + c->w.mss_ms * p->mss_ms + c->w.mldr_lr * p->mldr_lr +
               c->w.mldr_ms * p->mldr_ms;
}

/* Adds item sums a into s. */
static void add_sums(vx_mrstft_sums *s, const vx_mrstft_sums *a)
{
    for (size_t r = 0; r < VX_MRSTFT_MAXRES; r++)
        for (int g = 0; g < VX_MRSTFT_GROUPS; g++) {
            s->num[r][g] += a->num[r][g];
            s->den[r][g] += a->den[r][g];
            s->lm[r][g] += a->lm[r][g];
        }
}

int vx_loss_item_get(const vx_loss_work *w, vx_loss_item *item)
{
    if (!w->target)
        return -1;
    item->sums = w->sums;
    memcpy(item->sums.den, w->target->sums.den, sizeof item->sums.den);
    item->ldr[0] = w->ldr_sum[0];
    item->ldr[1] = w->ldr_sum[1];
    return 0;
}

void vx_loss_combine_items(const vx_loss *L, const vx_loss_item *items, size_t n, vx_loss_batch *b)
{
    vx_mrstft_sums s = {0};
    double ldr[2] = {0, 0};
    for (size_t i = 0; i < n; i++) { /* in item order: the same sums for any thread count */
        add_sums(&s, &items[i].sums);
        ldr[0] += items[i].ldr[0];
        ldr[1] += items[i].ldr[1];
    }
    combine_sums(L, &s, ldr, n, b);
}

void vx_loss_factors(const vx_loss *L, const vx_mrstft_sums *sums, size_t n, vx_loss_batch *b)
{
    vx_mrstft_sums s = {0};
    double ldr[2] = {0, 0}; /* the level terms' factors need only n */
    for (size_t i = 0; i < n; i++)
        add_sums(&s, &sums[i]);
    combine_sums(L, &s, ldr, n, b);
    memset(&b->parts, 0, sizeof b->parts);
}

/* Adds the level-difference rows' gradients in w->ldr_grad, weighted by b, to gl and gr
 * through each row's mix. */
static void add_level_grad(const vx_loss_work *w, const vx_loss_batch *b, float *gl, float *gr)
{
    double kl[VX_LDR_ROWS], kr[VX_LDR_ROWS];
    for (int row = 0; row < VX_LDR_ROWS; row++) {
        vx_ldr_mix m = vx_ldr_row_mix(row);
        kl[row] = m.a * b->k_ldr[ldr_term(row)];
        kr[row] = m.b * b->k_ldr[ldr_term(row)];
    }
    size_t len = w->loss->len;
    const float *g0 = w->ldr_grad, *g1 = g0 + len, *g2 = g1 + len, *g3 = g2 + len;
#pragma omp parallel for schedule(static)
    for (size_t n = 0; n < len; n++) {
        gl[n] += (float)(kl[0] * g0[n] + kl[1] * g1[n] + kl[2] * g2[n] + kl[3] * g3[n]);
        gr[n] += (float)(kr[0] * g0[n] + kr[1] * g1[n] + kr[2] * g2[n] + kr[3] * g3[n]);
    }
}

int vx_loss_forward_backward(vx_loss_work *w, const vx_loss_batch *b, const float *pl,
                             const float *pr, const float *yl, const float *yr, float *gl,
                             float *gr, vx_loss_item *item)
{
    const vx_loss *L = w->loss;
    size_t len = L->len;
    if (w->store)
        return -1;
    level_rows(w, pl, pr, NULL, yl, yr);
    /* prediction, target and the gradient, A-weighted, then the STFT's scratch */
    float *aw = w->scratch, *gaw = aw + 4 * len;
    vx_aweight_apply(L->taps, pl, aw, len);
    vx_aweight_apply(L->taps, pr, aw + len, len);
    vx_aweight_apply(L->taps, yl, aw + 2 * len, len);
    vx_aweight_apply(L->taps, yr, aw + 3 * len, len);
    item->sums = (vx_mrstft_sums){0};
    vx_mrstft_forward_backward(L->stft, aw, aw + len, aw + 2 * len, aw + 3 * len, &b->k,
                               gaw + 2 * len, &item->sums, gaw, gaw + len);
    vx_aweight_apply(L->taps, gaw, gl, len); /* the FIR is its own adjoint */
    vx_aweight_apply(L->taps, gaw + len, gr, len);
    add_level_grad(w, b, gl, gr);
    item->ldr[0] = w->ldr_sum[0];
    item->ldr[1] = w->ldr_sum[1];
    return 0;
}

int vx_loss_combine(const vx_loss *L, vx_loss_work *const *items, size_t n, vx_loss_batch *b)
{
    if (n == 0)
        return -1;
    vx_loss_item item[n];
    for (size_t i = 0; i < n; i++)
        if (items[i]->loss != L || vx_loss_item_get(items[i], &item[i]))
            return -1;
    vx_loss_combine_items(L, item, n, b);
    return 0;
}

int vx_loss_backward(vx_loss_work *w, const vx_loss_batch *b, float *gl, float *gr)
{
    const vx_loss *L = w->loss;
    if (!w->target)
        return -1;
    size_t len = L->len;
    float *gawl = w->scratch, *gawr = w->scratch + len;
    vx_mrstft_backward(L->stft, w->store, w->target->cache, &b->k, w->scratch + 2 * len, gawl,
                       gawr);
    vx_aweight_apply(L->taps, gawl, gl, len); /* the FIR is its own adjoint */
    vx_aweight_apply(L->taps, gawr, gr, len);
    add_level_grad(w, b, gl, gr);
    return 0;
}

int vx_loss_eval(const float *pred, size_t pred_frames, int pred_channels, const float *target,
                 size_t target_frames, int target_channels, const vx_loss_config *cfg,
                 vx_loss_parts *out, vx_err *e)
{
    if (pred_channels != 2 || target_channels != 2)
        return vx_err_set(e, "loss: prediction and target must be stereo, got %d and %d channels",
                          pred_channels, target_channels);
    if (pred_frames != target_frames)
        return vx_err_set(e, "loss: prediction has %zu frames, target %zu", pred_frames,
                          target_frames);
    size_t len = pred_frames, longest = 0;
    vx_loss_config dflt = vx_loss_config_diffvox();
    if (!cfg)
        cfg = &dflt;
    for (size_t r = 0; r < cfg->nres && r < VX_MRSTFT_MAXRES; r++)
        longest = cfg->nfft[r] > longest ? cfg->nfft[r] : longest;
    if (len <= longest / 2)
        return vx_err_set(e, "loss: %zu frames is too short: the %zu-point STFT needs at least %zu",
                          len, longest, longest / 2 + 1);
    vx_loss *L = vx_loss_create(len, cfg);
    /* buf: prediction L, R, target L, R, then two signals of work */
    float *buf = L ? malloc(6 * len * sizeof *buf) : NULL;
    if (!buf) {
        vx_loss_free(L);
        return vx_err_set(e, "loss: out of memory for %zu frames (or a bad configuration)", len);
    }
    float *pl = buf, *pr = buf + len, *yl = buf + 2 * len, *yr = buf + 3 * len;
    for (size_t n = 0; n < len; n++) {
        pl[n] = pred[2 * n], pr[n] = pred[2 * n + 1];
        yl[n] = target[2 * n], yr[n] = target[2 * n + 1];
    }
    /* level differences: every (row, pair) is an independent task */
    size_t np = VX_LDR_PAIRS, ntask = VX_LDR_ROWS * np;
    double sum[VX_LDR_ROWS * VX_LDR_PAIRS], ldr[2] = {0, 0};
#pragma omp parallel for schedule(dynamic)
    for (size_t task = 0; task < ntask; task++)
        sum[task] = vx_ldr_compare(&L->ldr[task % np], vx_ldr_row_mix((int)(task / np)), pl, pr,
                                   yl, yr, len);
    int failed = 0;
    for (size_t task = 0; task < ntask; task++) {
        failed |= isnan(sum[task]);
        ldr[ldr_term((int)(task / np))] += sum[task];
    }
    /* A-weighted prediction into the work signals, A-weighted target over the prediction's
     * raw channels (no longer needed) */
    float *awpl = buf + 4 * len, *awpr = buf + 5 * len, *awyl = pl, *awyr = pr;
    vx_aweight_apply(L->taps, pl, awpl, len);
    vx_aweight_apply(L->taps, pr, awpr, len);
    vx_aweight_apply(L->taps, yl, awyl, len);
    vx_aweight_apply(L->taps, yr, awyr, len);
    vx_mrstft_sums s = {0};
    vx_mrstft_compare(L->stft, awpl, awpr, awyl, awyr, &s);
    vx_loss_batch b;
    combine_sums(L, &s, ldr, 1, &b);
    *out = b.parts;
    free(buf);
    vx_loss_free(L);
    return failed ? vx_err_set(e, "loss: out of memory") : 0;
}
