/* What every vx program shares: its name in messages, fatal errors with the right exit
 * status, --help/--version, the progress line, and safe outputs at exit. Only programs
 * (cmd/) use this; the rest of lib/ reports through vx_err. */
#ifndef VX_IO_CLI_H
#define VX_IO_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "err.h"

#define VX_VERSION "0.1.0"

enum { VX_EXIT_OK = 0, VX_EXIT_DATA = 1, VX_EXIT_USAGE = 2 };

/* Call first in main, with main's argv: starts the program again with OpenMP's idle
 * threads sleeping rather than spinning (unless OMP_WAIT_POLICY is set), remembers the
 * program name, ignores SIGPIPE (a closed pipe becomes a write error), ends the program
 * on SIGINT/SIGTERM/SIGHUP at once, removing pending temporary outputs (the shell sees
 * 128 + the signal's number), and checks at exit that standard output was written
 * completely. stop_flag (or NULL): see below. */
void vx_cli_start(char **argv, volatile sig_atomic_t *stop_flag);
/* While on (and vx_cli_start had a stop_flag), the first SIGINT or SIGTERM only sets the
 * flag to the signal's number, for the program to stop cleanly at its next check; a
 * second one still ends it at once. Turn it on only where the program checks the flag
 * often (not in set-up or in a library call that may take long). */
void vx_cli_stop_softly(int on);
const char *vx_cli_name(void);

/* "NAME: message" on stderr, then exit(status). */
void vx_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* The same with a vx_err's message, exit 1. */
void vx_die_err(const vx_err *e) __attribute__((noreturn));
/* "NAME: message" and the usage line on stderr, exit 2. */
void vx_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* For getopt_long's '?': "unknown option '-x'", "option '--output' needs a value" or the
 * like, once, then the usage line; exit 2. argv and longopts as given to getopt_long,
 * where every short option has a long one with the same val. */
void vx_cli_bad_option(char *const argv[], const struct option *longopts, const char *usage)
    __attribute__((noreturn));
/* Handles --help (usage + help text on stdout, exit 0) and --version; call with the
 * option's argv entry. Returns 0 if the argument was neither. */
int vx_cli_common(const char *arg, const char *usage, const char *help);

/* Parse numbers from option arguments; exit 2 naming the option when malformed or
 * outside [lo, hi]. */
double vx_cli_double(const char *opt, const char *arg, double lo, double hi, const char *usage);
long vx_cli_long(const char *opt, const char *arg, long lo, long hi, const char *usage);

/* Progress on stderr, at most a few times a second; a \r-updated line on a terminal,
 * a line every few seconds otherwise. vx_progress_done ends the line. Silent when quiet. */
void vx_progress_quiet(int quiet);
void vx_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vx_progress_done(void);

/* Text outputs (NDJSON, CSV): "-" is stdout; a path is written to a temporary file
 * and renamed by vx_out_close. vx_out_close checks every write; it exits 1 with a
 * message on failure. */
FILE *vx_out_open(const char *path);
void vx_out_close(FILE *fp);
/* One NDJSON record to an output; exits 1 with a message on a write error
 * (a full disk, a closed pipe). */
void vx_out_record(FILE *fp, const cJSON *rec);

#endif
