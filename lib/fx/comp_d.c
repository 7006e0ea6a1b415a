/* The compressor on double signals (dsp/real.h): vx_comp_d. */
#define VX_REAL_DOUBLE
#include "comp.c"
