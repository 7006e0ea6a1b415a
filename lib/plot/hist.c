/* Equal-bin histograms (see hist.h). */
#include "plot/hist.h"

#include <math.h>
#include <string.h>

void vx_hist(const double *v, long n, int stride, double lo, double hi, int bins, double *frac)
{
    memset(frac, 0, sizeof *frac * (size_t)bins);
    for (long i = 0; i < n; i++) {
        double x = v[i * stride];
        if (!(x >= lo && x <= hi))
            continue;
        int b = hi > lo ? (int)floor((x - lo) / (hi - lo) * bins) : 0;
        frac[b < bins ? b : bins - 1] += 1.0 / n;
    }
}
