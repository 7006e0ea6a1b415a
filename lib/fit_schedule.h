/* vx-fit --fast's learning-rate schedule for Adam: a linear warm-up to a peak, the peak
 * held, then a half-cosine decay to a floor at the last step; and the share of that rate
 * each raw value takes. */
#ifndef VX_FIT_SCHEDULE_H
#define VX_FIT_SCHEDULE_H

#include "params.h"

typedef struct {
    double peak;  /* learning rate after the warm-up */
    double floor; /* learning rate at the last step */
    int warmup;   /* steps of the linear rise from peak / warmup to peak */
    int decay;    /* steps of the decay, the schedule's last ones (none below 2) */
    int steps;    /* steps of the whole schedule */
} vx_lr_schedule;

/* The learning rate of 0-based step `step` (the floor past the end). */
double vx_lr_at(const vx_lr_schedule *s, int step);

/* Per-value factors on the learning rate (vx_fit_set_lr_scale's, VX_NRAW + 1 values, eta's
 * raw value last): `levels` for the raw values that are levels in dB (the EQ and FDN
 * gains, the compressor's thresholds and make-up gain: identity-mapped, so that Adam, whose
 * step is about the rate in raw units, moves them by hundredths of a dB), 1 for the others
 * (logits and the FDN's matrices, whose unit step already spans much of their range). */
void vx_lr_scale_levels(double levels, double *scale);

#endif
