/* The style embeddings (spec/pipeline.md §8.5): an encoder's frame features reduced per
 * row to mean, population std, skewness and excess kurtosis (DiffVox's StatisticReduction),
 * then L2-normalised; forward and backward. The encoders are mfcc.c and mir.c. */
#include "style/embed.h"
#include "style/encoder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STD_FLOOR 1e-8 /* the z-scores divide by max(std, 1e-8) */
#define NORM_EPS 1e-12 /* torch.nn.functional.normalize's eps */
#define MFCC_TOP_DB 80.0

enum { STATS = 4, MAX_DIM = STATS * VX_MFCC_COEFFS };

struct vx_embedder {
    vx_encoder enc;
    size_t n, frames, rows;
    vx_mfcc *mfcc;
    vx_mir *mir;
    double *feat, *g_feat; /* [rows][frames] */
    double emb[MAX_DIM], norm;
};

int vx_embed_dim(vx_encoder enc) { return enc == VX_ENCODER_MFCC ? STATS * VX_MFCC_COEFFS : STATS * VX_MIR_FEATURES; }

const char *vx_encoder_name(vx_encoder enc) { return enc == VX_ENCODER_MFCC ? "mfcc" : "mir"; }

int vx_encoder_parse(const char *name, vx_encoder *enc)
{
    if (!strcmp(name, "mfcc"))
        *enc = VX_ENCODER_MFCC;
    else if (!strcmp(name, "mir"))
        *enc = VX_ENCODER_MIR;
    else
        return -1;
    return 0;
}

vx_embedder *vx_embedder_create(vx_encoder enc, size_t n, vx_err *e)
{
    if (n < VX_FRAME_LEN) {
        vx_err_set(e, "style embedding: %zu samples, need at least %d (one frame)", n, VX_FRAME_LEN);
        return NULL;
    }
    vx_embedder *em = calloc(1, sizeof *em);
    if (!em) {
        vx_err_set(e, "style embedding: out of memory");
        return NULL;
    }
    em->enc = enc, em->n = n, em->frames = vx_frames(n);
    em->rows = (size_t)vx_embed_dim(enc) / STATS;
    if (enc == VX_ENCODER_MFCC)
        em->mfcc = vx_mfcc_new(n);
    else
        em->mir = vx_mir_new(n);
    em->feat = malloc(em->rows * em->frames * sizeof *em->feat);
    em->g_feat = malloc(em->rows * em->frames * sizeof *em->g_feat);
    if (!(em->mfcc || em->mir) || !em->feat || !em->g_feat) {
        vx_embedder_free(em);
        vx_err_set(e, "style embedding of %zu samples: out of memory", n);
        return NULL;
    }
    return em;
}

void vx_embedder_free(vx_embedder *em)
{
    if (em)
        vx_mfcc_free(em->mfcc), vx_mir_free(em->mir), free(em->feat), free(em->g_feat), free(em);
}

/* Moments of one row v[T]: mean, std = sqrt(mean d^2), s = max(std, STD_FLOOR),
 * skewness mean (d/s)^3, kurtosis mean (d/s)^4 - 3, with d = v - mean. */
static void row_stats(const double *v, size_t T, double *mean, double *std, double *out)
{
    double mu = 0, var = 0, m3 = 0, m4 = 0;
    for (size_t t = 0; t < T; t++)
        mu += v[t];
    mu /= (double)T;
    for (size_t t = 0; t < T; t++)
        var += (v[t] - mu) * (v[t] - mu);
    var /= (double)T;
    double sd = sqrt(var), s = fmax(sd, STD_FLOOR);
    for (size_t t = 0; t < T; t++) {
        double z = (v[t] - mu) / s, z2 = z * z;
        m3 += z2 * z, m4 += z2 * z2;
    }
    *mean = mu, *std = sd;
    out[0] = mu, out[1] = sd, out[2] = m3 / (double)T, out[3] = m4 / (double)T - 3;
}

/* g_v[T] = d(loss)/dv from g[4] = d(loss)/d(mean, std, skewness, kurtosis). */
static void row_stats_backward(const double *v, size_t T, const double *g, double *g_v)
{
    double mu, sd, st[STATS];
    row_stats(v, T, &mu, &sd, st);
    double s = fmax(sd, STD_FLOOR), g_s = 0, n = (double)T;
    /* through the z-scores: d/dd directly and d/ds (zero past the floor's clamp) */
    for (size_t t = 0; t < T; t++) {
        double z = (v[t] - mu) / s;
        double g_z = (3 * z * z * g[2] + 4 * z * z * z * g[3]) / n;
        g_v[t] = g_z / s;
        g_s -= g_z * z / s;
    }
    double g_sd = g[1] + (sd >= STD_FLOOR ? g_s : 0);
    double g_var = sd > 0 ? g_sd / (2 * sd) : 0; /* autograd: NaN for a constant row */
    double sum_gd = 0;
    for (size_t t = 0; t < T; t++) {
        g_v[t] += g_var * 2 * (v[t] - mu) / n;
        sum_gd += g_v[t];
    }
    /* d = v - mean(v) */
    for (size_t t = 0; t < T; t++)
        g_v[t] += (g[0] - sum_gd) / n;
}

/* emb = the statistics of em->feat, L2-normalised (kept for the backward pass). */
static void reduce(vx_embedder *em, double *emb)
{
    int dim = vx_embed_dim(em->enc);
    double ss = 0, mu, sd;
    for (size_t r = 0; r < em->rows; r++)
        row_stats(em->feat + r * em->frames, em->frames, &mu, &sd, em->emb + STATS * r);
    for (int i = 0; i < dim; i++)
        ss += em->emb[i] * em->emb[i];
    em->norm = sqrt(ss);
    double scale = 1 / fmax(em->norm, NORM_EPS);
    for (int i = 0; i < dim; i++)
        em->emb[i] *= scale, emb[i] = em->emb[i];
}

/* em->g_feat from g_emb. */
static void reduce_backward(vx_embedder *em, const double *g_emb)
{
    int dim = vx_embed_dim(em->enc);
    double dot = 0, g_stats[MAX_DIM];
    for (int i = 0; i < dim; i++)
        dot += em->emb[i] * g_emb[i];
    /* y = u / |u|: dy/du = (I - y y^T) / |u| (below NORM_EPS: 1 / NORM_EPS, no projection) */
    for (int i = 0; i < dim; i++)
        g_stats[i] = em->norm > NORM_EPS ? (g_emb[i] - em->emb[i] * dot) / em->norm : g_emb[i] / NORM_EPS;
    for (size_t r = 0; r < em->rows; r++)
        row_stats_backward(em->feat + r * em->frames, em->frames, g_stats + STATS * r,
                           em->g_feat + r * em->frames);
}

int vx_embed(vx_embedder *em, const double *x, double *emb, vx_err *e)
{
    if (em->enc == VX_ENCODER_MFCC)
        return vx_embed_ms(em, NULL, x, NULL, emb, NULL, e);
    vx_mir_features(em->mir, x, em->feat);
    reduce(em, emb);
    return 0;
}

int vx_embed_backward(vx_embedder *em, const double *g_emb, double *g_x, vx_err *e)
{
    return vx_embed_ms_backward(em, NULL, g_emb, NULL, g_x, NULL, e);
}

static int check_pair(const vx_embedder *mid, const vx_embedder *side, vx_err *e)
{
    if (side && (side->enc != mid->enc || side->n != mid->n))
        return vx_err_set(e, "style embedding: mid and side embedders differ (%s, %zu samples; %s, %zu)",
                          vx_encoder_name(mid->enc), mid->n, vx_encoder_name(side->enc), side->n);
    return 0;
}

int vx_embed_ms(vx_embedder *mid, vx_embedder *side, const double *x_mid, const double *x_side,
                double *emb_mid, double *emb_side, vx_err *e)
{
    if (check_pair(mid, side, e))
        return -1;
    if (mid->enc == VX_ENCODER_MIR) {
        if (vx_embed(mid, x_mid, emb_mid, e))
            return -1;
        return side ? vx_embed(side, x_side, emb_side, e) : 0;
    }
    /* AmplitudeToDB's top_db: one maximum over the (channel, mel, frame) block */
    double max_db = vx_mfcc_db(mid->mfcc, x_mid);
    if (side)
        max_db = fmax(max_db, vx_mfcc_db(side->mfcc, x_side));
    vx_mfcc_coeffs(mid->mfcc, max_db - MFCC_TOP_DB, mid->feat);
    reduce(mid, emb_mid);
    if (side) {
        vx_mfcc_coeffs(side->mfcc, max_db - MFCC_TOP_DB, side->feat);
        reduce(side, emb_side);
    }
    return 0;
}

int vx_embed_ms_backward(vx_embedder *mid, vx_embedder *side, const double *g_emb_mid,
                         const double *g_emb_side, double *g_x_mid, double *g_x_side, vx_err *e)
{
    if (check_pair(mid, side, e))
        return -1;
    vx_embedder *ch[2] = {mid, side};
    const double *g_emb[2] = {g_emb_mid, g_emb_side};
    double *g_x[2] = {g_x_mid, g_x_side};
    int nch = side ? 2 : 1;
    for (int c = 0; c < nch; c++)
        reduce_backward(ch[c], g_emb[c]);
    if (mid->enc == VX_ENCODER_MIR) {
        for (int c = 0; c < nch; c++)
            vx_mir_backward(ch[c]->mir, ch[c]->g_feat, g_x[c]);
        return 0;
    }
    /* the floor's gradient goes to the maximum, shared evenly among the entries at it */
    double g_floor = 0, max_db = -INFINITY, ties[2] = {0, 0};
    for (int c = 0; c < nch; c++) {
        g_floor += vx_mfcc_coeffs_backward(ch[c]->mfcc, ch[c]->g_feat);
        max_db = fmax(max_db, vx_mfcc_max_db(ch[c]->mfcc));
    }
    for (int c = 0; c < nch; c++)
        ties[c] = vx_mfcc_max_db(ch[c]->mfcc) == max_db ? (double)vx_mfcc_max_count(ch[c]->mfcc) : 0;
    for (int c = 0; c < nch; c++)
        vx_mfcc_db_backward(ch[c]->mfcc, g_floor * ties[c] / (ties[0] + ties[1]), g_x[c]);
    return 0;
}
