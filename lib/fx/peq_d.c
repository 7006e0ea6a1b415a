/* The EQ cascade on double signals (dsp/real.h): vx_peq_d. */
#define VX_REAL_DOUBLE
#include "peq.c"
