/* The FDN with double spectra and transforms (dsp/real.h): vx_fdn_d. */
#define VX_REAL_DOUBLE
#include "fdn.c"
