/* The span of the values a figure panel shows, so that its axes are set explicitly:
 * gnuplot warns (and vx-plot then fails) when it must guess a range for a flat curve. */
#ifndef VX_PLOT_RANGE_H
#define VX_PLOT_RANGE_H

#include <stdio.h>

typedef struct {
    double lo, hi; /* lo > hi while empty */
} vx_range;

#define VX_RANGE_EMPTY ((vx_range){1, -1})

/* Widens r to hold v (non-finite values are left out). */
void vx_range_add(vx_range *r, double v);

/* "set AXIS [lo:hi]" with a margin of 5 % of the span each side, and at least
 * min_span wide (centred) so that a flat curve has an axis; an empty range gets
 * [-min_span/2 : min_span/2]. axis: "x", "y", ... */
void vx_range_set(FILE *gp, const char *axis, vx_range r, double min_span);

#endif
