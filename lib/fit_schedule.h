/* vx-fit --fast's learning-rate schedule for Adam: a linear warm-up to a peak, the peak
 * held, then a half-cosine decay to a floor at the last step. */
#ifndef VX_FIT_SCHEDULE_H
#define VX_FIT_SCHEDULE_H

typedef struct {
    double peak;  /* learning rate after the warm-up */
    double floor; /* learning rate at the last step */
    int warmup;   /* steps of the linear rise from peak / warmup to peak */
    int decay;    /* steps of the decay, the schedule's last ones (none below 2) */
    int steps;    /* steps of the whole schedule */
} vx_lr_schedule;

/* The learning rate of 0-based step `step` (the floor past the end). */
double vx_lr_at(const vx_lr_schedule *s, int step);

#endif
