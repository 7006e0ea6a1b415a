/* BS.1770 integrated loudness with pyloudnorm's filter constants and block arithmetic
 * (spec/pipeline.md §2.2), so -18 LUFS means what it meant for the published presets. */
#include "loudness.h"

#include "fx/biquad.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_S 0.4         /* gating block, s */
#define STEP 0.25           /* block hop as a fraction of the block (75 % overlap) */
#define ABS_GATE (-70.0)    /* LUFS */
#define REL_GATE (-10.0)    /* LU below the absolutely gated loudness */

static const double channel_weight[VX_LOUDNESS_MAX_CHANNELS] = {1.0, 1.0, 1.0, 1.41, 1.41};

/* -0.691 + 10 log10(sum_c G_c z_c): BS.1770 loudness of channel mean squares z. */
static double block_lufs(const double *z, size_t nchan)
{
    double s = 0;
    for (size_t c = 0; c < nchan; c++)
        s += channel_weight[c] * z[c];
    return -0.691 + 10.0 * log10(s);
}

/* Mean over the blocks j with keep(l_j) of each channel's z (NaN when none is kept,
 * as numpy's mean of an empty list). */
static void gated_mean(const double *z, const double *l, size_t nblocks, size_t nchan,
                       double gate, int strict, double *mean)
{
    size_t kept = 0;
    for (size_t c = 0; c < nchan; c++)
        mean[c] = 0;
    for (size_t j = 0; j < nblocks; j++) {
        int keep = strict ? l[j] > gate && l[j] > ABS_GATE : l[j] >= ABS_GATE;
        if (!keep)
            continue;
        kept++;
        for (size_t c = 0; c < nchan; c++)
            mean[c] += z[j * nchan + c];
    }
    for (size_t c = 0; c < nchan; c++)
        mean[c] = kept ? mean[c] / kept : NAN;
}

/* Samples filtered at a time: the ring holds one block and one chunk. */
#define CHUNK 4096

struct vx_loudness_meter {
    size_t nchan;
    double fs;
    vx_biquad shelf, hpf;
    double state[VX_LOUDNESS_MAX_CHANNELS][2][2]; /* [channel][stage]: across pushes */
    size_t frames;                                /* pushed so far */
    size_t ringlen;  /* frames the ring keeps: the longest block and a chunk */
    float *ring;     /* [channel][t % ringlen]: the K-weighted signal */
    float *chunk;    /* CHUNK: one channel's samples being filtered */
    double *z;       /* [block][channel] mean squares of the blocks complete so far */
    size_t nz, capz; /* blocks in z, room for them */
};

/* Block j's samples [lo, hi) exactly as pyloudnorm evaluates them. */
static void block_bounds(size_t j, double fs, size_t *lo, size_t *hi)
{
    *lo = (size_t)(BLOCK_S * (j * STEP) * fs);
    *hi = (size_t)(BLOCK_S * (j * STEP + 1) * fs);
}

/* z of block j for each channel: the sum of squares over its samples up to `end`, in
 * time order, over the full block length. */
static void block_z(const vx_loudness_meter *m, size_t j, size_t end, double *z)
{
    size_t lo, hi;
    block_bounds(j, m->fs, &lo, &hi);
    size_t n = (hi < end ? hi : end) > lo ? (hi < end ? hi : end) - lo : 0;
    size_t at = lo % m->ringlen, first = n < m->ringlen - at ? n : m->ringlen - at;
    for (size_t c = 0; c < m->nchan; c++) {
        const float *r = m->ring + c * m->ringlen;
        double s = 0;
        for (size_t t = 0; t < first; t++) /* up to the ring's end, then from its start */
            s += (double)r[at + t] * r[at + t];
        for (size_t t = 0; t < n - first; t++)
            s += (double)r[t] * r[t];
        z[c] = s / (BLOCK_S * m->fs); /* always the full block length */
    }
}

vx_loudness_meter *vx_loudness_meter_new(size_t nchan, double fs, vx_err *e)
{
    if (nchan < 1 || nchan > VX_LOUDNESS_MAX_CHANNELS) {
        vx_err_set(e, "loudness: %zu channels (1 to %d supported)", nchan,
                   VX_LOUDNESS_MAX_CHANNELS);
        return NULL;
    }
    if (!(fs > 0)) {
        vx_err_set(e, "loudness: sample rate %g Hz is not positive", fs);
        return NULL;
    }
    vx_loudness_meter *m = calloc(1, sizeof *m);
    if (m) {
        m->nchan = nchan, m->fs = fs;
        m->shelf = vx_biquad_design(VX_BQ_HIGHSHELF, 4.0, 1500.0, 1.0 / sqrt(2.0), fs);
        m->hpf = vx_biquad_design(VX_BQ_HIGHPASS, 0.0, 38.0, 0.5, fs);
        size_t lo, hi;
        block_bounds(0, fs, &lo, &hi);
        m->ringlen = hi + 1 + CHUNK; /* block lengths differ by at most one sample */
        m->ring = malloc(nchan * m->ringlen * sizeof *m->ring);
        m->chunk = malloc(CHUNK * sizeof *m->chunk);
    }
    if (!m || !m->ring || !m->chunk) {
        vx_loudness_meter_free(m);
        vx_err_set(e, "loudness: out of memory");
        return NULL;
    }
    return m;
}

int vx_loudness_meter_push(vx_loudness_meter *m, const float *x, size_t nframes, vx_err *e)
{
    for (size_t done = 0; done < nframes;) {
        size_t n = nframes - done < CHUNK ? nframes - done : CHUNK;
        for (size_t c = 0; c < m->nchan; c++) {
            for (size_t t = 0; t < n; t++)
                m->chunk[t] = x[(done + t) * m->nchan + c];
            /* each stage's output is stored as float32, as pyloudnorm does */
            vx_biquad_cascade_run(&m->shelf, 1, &m->state[c][0], m->chunk, m->chunk, n);
            vx_biquad_cascade_run(&m->hpf, 1, &m->state[c][1], m->chunk, m->chunk, n);
            float *r = m->ring + c * m->ringlen;
            for (size_t t = 0; t < n; t++)
                r[(m->frames + t) % m->ringlen] = m->chunk[t];
        }
        m->frames += n, done += n;
        for (;;) { /* the blocks now complete */
            size_t lo, hi;
            block_bounds(m->nz, m->fs, &lo, &hi);
            if (hi > m->frames)
                break;
            if (m->nz == m->capz) {
                size_t cap = m->capz ? 2 * m->capz : 64;
                double *z = realloc(m->z, cap * m->nchan * sizeof *z);
                if (!z)
                    return vx_err_set(e, "loudness: out of memory");
                m->z = z, m->capz = cap;
            }
            block_z(m, m->nz, hi, m->z + m->nz * m->nchan);
            m->nz++;
        }
    }
    return 0;
}

int vx_loudness_meter_result(const vx_loudness_meter *m, double *lufs, vx_err *e)
{
    const size_t nchan = m->nchan;
    if ((double)m->frames < BLOCK_S * m->fs)
        return vx_err_set(e, "loudness: %zu samples is shorter than one 0.4 s block",
                          m->frames);
    /* pyloudnorm: n_blocks = round((T - 0.4) / 0.1) + 1, round half to even; the complete
     * blocks are the first of them, the rest are cut short by the end of the signal */
    double dur = (double)m->frames / m->fs;
    size_t nblocks = (size_t)nearbyint((dur - BLOCK_S) / (BLOCK_S * STEP)) + 1;
    double *z = malloc(nblocks * nchan * sizeof *z), *l = malloc(nblocks * sizeof *l);
    if (!z || !l) {
        free(z), free(l);
        return vx_err_set(e, "loudness: out of memory");
    }
    for (size_t j = 0; j < nblocks; j++) {
        if (j < m->nz)
            memcpy(z + j * nchan, m->z + j * nchan, nchan * sizeof *z);
        else
            block_z(m, j, m->frames, z + j * nchan);
        l[j] = block_lufs(z + j * nchan, nchan);
    }
    double mean[VX_LOUDNESS_MAX_CHANNELS];
    gated_mean(z, l, nblocks, nchan, ABS_GATE, 0, mean);
    double rel_gate = block_lufs(mean, nchan) + REL_GATE; /* NaN if nothing passed */
    gated_mean(z, l, nblocks, nchan, rel_gate, 1, mean);
    for (size_t c = 0; c < nchan; c++)
        if (isnan(mean[c]))
            mean[c] = 0; /* numpy nan_to_num: an empty gate gives -inf LUFS */
    *lufs = block_lufs(mean, nchan);
    free(z), free(l);
    return 0;
}

void vx_loudness_meter_free(vx_loudness_meter *m)
{
    if (!m)
        return;
    free(m->ring), free(m->chunk), free(m->z);
    free(m);
}

int vx_loudness_integrated(const float *x, size_t nchan, size_t nframes, double fs,
                           double *lufs, vx_err *e)
{
    vx_loudness_meter *m = vx_loudness_meter_new(nchan, fs, e);
    if (!m)
        return -1;
    int rc = vx_loudness_meter_push(m, x, nframes, e) || vx_loudness_meter_result(m, lufs, e)
                 ? -1
                 : 0;
    vx_loudness_meter_free(m);
    return rc;
}

int vx_loudness_gain(double lufs, double target_lufs, double *gain, vx_err *e)
{
    if (!isfinite(lufs) || !isfinite(target_lufs))
        return vx_err_set(e, "loudness: cannot normalise a loudness of %g LUFS to %g LUFS",
                          lufs, target_lufs);
    *gain = pow(10.0, (target_lufs - lufs) / 20.0);
    return 0;
}
