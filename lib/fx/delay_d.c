/* The ping-pong delay with double transforms and spectra (dsp/real.h): vx_delay_d. */
#define VX_REAL_DOUBLE
#include "delay.c"
