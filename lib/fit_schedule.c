/* Warm-up, hold and cosine decay; the levels' share (see fit_schedule.h). */
#include "fit_schedule.h"

#include <math.h>
#include <string.h>

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

void vx_lr_scale_levels(double levels, double *scale)
{
    for (int k = 0; k <= VX_NRAW; k++)
        scale[k] = 1;
    for (int i = 0; i < vx_param_table_len; i++) {
        const vx_param_def *d = &vx_param_table[i];
        size_t n = strlen(d->name);
        if (d->map == VX_MAP_IDENTITY && n > 3 && !strcmp(d->name + n - 3, "_db"))
            for (int c = 0; c < d->count; c++)
                scale[d->raw_index + c] = levels;
    }
}
