/* Drawing through gnuplot: a script (data inline as `$NAME << EOD` blocks) goes to a
 * gnuplot child process over a pipe and the figure comes back on its standard output,
 * so no file is written behind the caller's back. Anything gnuplot says on its standard
 * error (a warning included) makes the run fail: never a silently broken figure. */
#ifndef VX_PLOT_GNUPLOT_H
#define VX_PLOT_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

typedef enum { VX_PLOT_SVG, VX_PLOT_PNG, VX_PLOT_PDF } vx_plot_format;

/* The format named by a file's extension (.svg, .png, .pdf; any case). -1 when the
 * extension is none of these. */
int vx_plot_format_of(const char *path, vx_plot_format *f);

/* The gnuplot lines that select the format's terminal for a figure of width x height
 * pixels (PDF: at 100 pixels an inch) and send it to standard output, into buf[size]. */
void vx_plot_terminal(vx_plot_format f, int width, int height, char *buf, size_t size);

/* Runs `gnuplot` (found on PATH) on script[len] and copies what it writes on standard
 * output to out. Returns 0, or -1 with e holding gnuplot's message when it could not be
 * started, wrote anything on standard error, exited with a non-zero status or was
 * killed, or when writing to out failed. */
int vx_gnuplot_run(const char *script, size_t len, FILE *out, vx_err *e);

#endif
