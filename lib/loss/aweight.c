/* A-weighting FIR of the spectral losses: design (spec/pipeline.md §1.2) and the
 * centred 101-tap filtering, which is its own adjoint because the taps are symmetric. */
#include "loss/aweight.h"
#include "dsp/solve.h"
#include "loss/vmath.h"
#include "params.h"

#include <math.h>
#include <string.h>

#define NGRID 512              /* freqz grid: f_k = k fs / 1024, k < 512 */
#define NCOEF (VX_AWEIGHT_HALF + 1)
#define BLOCK 2048             /* output samples per filtering block */
#define GROUP 64               /* outputs accumulated in registers: four AVX-512 vectors, whose
                                  independent additions hide each other's latency (one
                                  vector's chain of 51 dependent additions was the cost) */

/* |H(e^{jw})| of the bilinear-transformed (no prewarping) analog A-weighting filter
 * (§1.2 steps 1-2): the bilinear map sends z = e^{jw} to s = j 2 fs tan(w/2). */
static double aweight_iir_mag(double f_hz)
{
    const double f1 = 20.598997, f2 = 107.65265, f3 = 737.86223, f4 = 12194.217;
    const double a1000_db = 1.9997;
    double w1 = 2 * M_PI * f1, w2 = 2 * M_PI * f2, w3 = 2 * M_PI * f3, w4 = 2 * M_PI * f4;
    double om = 2 * VX_FS * tan(M_PI * f_hz / VX_FS), o2 = om * om;
    double k = w4 * w4 * pow(10.0, a1000_db / 20.0);
    double den = (o2 + w4 * w4) * (o2 + w1 * w1) * sqrt(o2 + w3 * w3) * sqrt(o2 + w2 * w2);
    return k * o2 * o2 / den;
}

/* Integral of cos(pi j v) over [a, b], written so narrow bands keep their precision. */
static double int_cos(int j, double a, double b)
{
    if (j == 0)
        return b - a;
    double w = M_PI * j;
    return 2.0 * cos(0.5 * w * (a + b)) * sin(0.5 * w * (b - a)) / w;
}

/* Integral of v cos(pi j v) over [a, b]. */
static double int_vcos(int j, double a, double b)
{
    if (j == 0)
        return 0.5 * (b * b - a * a);
    double w = M_PI * j;
    return (b * sin(w * b) - a * sin(w * a)) / w + (cos(w * b) - cos(w * a)) / (w * w);
}

int vx_aweight_design(float h[VX_AWEIGHT_TAPS])
{
    double d[NGRID];
    for (int k = 0; k < NGRID; k++)
        d[k] = aweight_iir_mag(k * VX_FS / (2.0 * NGRID));

    /* Least squares over the band pairs (v_2k, v_2k+1), v = f/(fs/2), desired response
     * linear inside each band, basis 1, 2cos(pi n v) (§1.2 step 4, scipy firls). */
    double q[2 * NCOEF - 1] = {0}, rhs[NCOEF] = {0}, g[NCOEF * NCOEF];
    for (int band = 0; band < NGRID / 2; band++) {
        double a = 2.0 * band / NGRID, b = (2.0 * band + 1) / NGRID;
        double slope = (d[2 * band + 1] - d[2 * band]) / (b - a);
        double icept = d[2 * band] - slope * a;
        for (int j = 0; j < 2 * NCOEF - 1; j++)
            q[j] += int_cos(j, a, b);
        for (int n = 0; n < NCOEF; n++)
            rhs[n] += (n ? 2.0 : 1.0) * (icept * int_cos(n, a, b) + slope * int_vcos(n, a, b));
    }
    for (int m = 0; m < NCOEF; m++)
        for (int n = 0; n < NCOEF; n++) /* cos cos = (cos(m-n) + cos(m+n)) / 2 */
            g[m * NCOEF + n] = (m ? 2.0 : 1.0) * (n ? 2.0 : 1.0) * 0.5 *
                               (q[m > n ? m - n : n - m] + q[m + n]);
    if (vx_solve_spd(NCOEF, g, rhs) != 0)
        return -1;
    for (int n = 0; n < NCOEF; n++)
        h[VX_AWEIGHT_HALF + n] = h[VX_AWEIGHT_HALF - n] = (float)rhs[n];
    return 0;
}

/* Outputs [t0, t0 + len) of y, len <= BLOCK. */
VX_SIMD_CLONES static void filter_block(const float *h, const float *x, size_t n, size_t t0,
                                        size_t len, float *y)
{
    /* seg[i] = x[t0 + i - 50], zero outside the signal (and past the block's last group) */
    float seg[BLOCK + VX_AWEIGHT_TAPS - 1 + GROUP];
    for (size_t i = 0; i < len + VX_AWEIGHT_TAPS - 1 + GROUP; i++) {
        size_t src = t0 + i; /* index + 50 */
        seg[i] = src >= VX_AWEIGHT_HALF && src - VX_AWEIGHT_HALF < n ? x[src - VX_AWEIGHT_HALF]
                                                                   : 0.0f;
    }
    /* GROUP outputs stay in registers through all taps; symmetric taps take one product
     * per mirrored pair */
    for (size_t i = 0; i < len; i += GROUP) {
        float acc[GROUP];
        for (int j = 0; j < GROUP; j++)
            acc[j] = h[VX_AWEIGHT_HALF] * seg[i + j + VX_AWEIGHT_HALF];
        for (int k = 0; k < VX_AWEIGHT_HALF; k++) {
            const float hk = h[k], *lo = seg + i + k, *hi = seg + i + VX_AWEIGHT_TAPS - 1 - k;
            for (int j = 0; j < GROUP; j++)
                acc[j] += hk * (lo[j] + hi[j]);
        }
        memcpy(y + t0 + i, acc, (len - i < GROUP ? len - i : GROUP) * sizeof *acc);
    }
}

void vx_aweight_apply(const float h[VX_AWEIGHT_TAPS], const float *x, float *y, size_t n)
{
    const size_t nblocks = (n + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(static)
    for (size_t blk = 0; blk < nblocks; blk++) {
        size_t t0 = blk * BLOCK;
        filter_block(h, x, n, t0, n - t0 < BLOCK ? n - t0 : BLOCK, y);
    }
}
