/* Output containers by file extension, and what sample formats each takes
 * (libsndfile SF_FORMAT_* codes; MP3 only where this libsndfile writes it). */
#ifndef VX_IO_AUDIO_FORMAT_H
#define VX_IO_AUDIO_FORMAT_H

#include "err.h"

/* The libsndfile format for path's extension and bits (16, 24, 32, VX_AUDIO_FLOAT, or 0
 * for the container's default), checked with sf_format_check for channels at rate (0: any rate the
 * container takes).
 * Sets *clips to 1 when samples beyond full scale are clipped (integer or lossy
 * samples), 0 for float. Returns the format, or 0 with e set. */
int vx_audio_format_for(const char *path, int bits, int rate, int channels, int *clips, vx_err *e);

#endif
