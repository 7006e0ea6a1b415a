/* Chunking and the activity test of style transfer (see chunks.h). */
#include "style/chunks.h"

#include <math.h>
#include <stdlib.h>

/* The k-th smallest of a[n] (a is reordered): Hoare's selection, expected O(n). */
static double select_kth(double *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = a[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                double t = a[i];
                a[i] = a[j], a[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k];
    }
    return a[k];
}

/* The smallest of a[from..n). */
static double min_from(const double *a, size_t from, size_t n)
{
    double m = a[from];
    for (size_t i = from + 1; i < n; i++)
        m = fmin(m, a[i]);
    return m;
}

int vx_style_activity(const float *l, const float *r, size_t n, double *median, vx_err *e)
{
    const size_t w = VX_STYLE_ENVELOPE;
    if (n < w)
        return vx_err_set(e, "%zu samples are fewer than the activity window (%d)", n, VX_STYLE_ENVELOPE);
    size_t m = n - w + 1;
    double *env = malloc(m * sizeof *env), *mag = malloc(n * sizeof *mag);
    size_t *dq = malloc(n * sizeof *dq); /* indices of decreasing magnitudes */
    if (!env || !mag || !dq) {
        free(env), free(mag), free(dq);
        return vx_err_set(e, "out of memory");
    }
    for (size_t t = 0; t < n; t++)
        mag[t] = r ? fabs(((double)l[t] + r[t]) / 2) : fabs((double)l[t]);
    size_t head = 0, tail = 0; /* the deque is dq[head..tail) */
    for (size_t t = 0; t < n; t++) {
        while (tail > head && mag[dq[tail - 1]] <= mag[t])
            tail--;
        dq[tail++] = t;
        if (dq[head] + w <= t)
            head++;
        if (t + 1 >= w)
            env[t + 1 - w] = mag[dq[head]];
    }
    /* torch.quantile(0.5): position (m - 1) / 2, halfway between two values when m is even */
    size_t k = (m - 1) / 2;
    double lo = select_kth(env, m, k);
    *median = m % 2 ? lo : 0.5 * (lo + min_from(env, k + 1, m));
    free(env), free(mag), free(dq);
    return 0;
}

int vx_style_active_chunks(const float *l, const float *r, size_t frames, size_t len,
                           size_t *starts, size_t *count, vx_err *e)
{
    *count = 0;
    for (size_t c = 0; len && c < frames / len; c++) {
        double med;
        if (vx_style_activity(l + c * len, r ? r + c * len : NULL, len, &med, e))
            return -1;
        if (med > VX_STYLE_ACTIVE_LEVEL)
            starts[(*count)++] = c * len;
    }
    return 0;
}
