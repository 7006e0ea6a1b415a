/* The post-compressor response with double spectra and transforms (dsp/real.h):
 * vx_response_d, for vx-match's MIR encoder (style/objective.c). */
#define VX_REAL_DOUBLE
#include "response.c"
