/* Warm-up, hold and cosine decay (see fit_schedule.h). */
#include "fit_schedule.h"

#include <math.h>

double vx_lr_at(const vx_lr_schedule *s, int step)
{
    if (step < s->warmup)
        return s->peak * (step + 1) / s->warmup;
    int first = s->steps - s->decay; /* the decay's first step, still at the peak */
    if (s->decay < 2 || step <= first)
        return s->peak;
    double x = fmin(1, (double)(step - first) / (s->decay - 1));
    return s->floor + 0.5 * (s->peak - s->floor) * (1 + cos(M_PI * x));
}
