/* Axis ranges of figure panels (see range.h). */
#include "plot/range.h"

#include <math.h>

void vx_range_add(vx_range *r, double v)
{
    if (!isfinite(v))
        return;
    if (r->lo > r->hi) {
        r->lo = r->hi = v;
        return;
    }
    r->lo = v < r->lo ? v : r->lo;
    r->hi = v > r->hi ? v : r->hi;
}

void vx_range_set(FILE *gp, const char *axis, vx_range r, double min_span)
{
    if (r.lo > r.hi)
        r.lo = r.hi = 0;
    double margin = 0.05 * (r.hi - r.lo), mid = (r.lo + r.hi) / 2;
    double lo = r.lo - margin, hi = r.hi + margin;
    if (hi - lo < min_span)
        lo = mid - min_span / 2, hi = mid + min_span / 2;
    fprintf(gp, "set %srange [%.9g:%.9g]\n", axis, lo, hi);
}
