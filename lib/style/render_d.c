/* A query's render in double (dsp/real.h): vx_render_d, for the MIR encoder. */
#define VX_REAL_DOUBLE
#include "render.c"
