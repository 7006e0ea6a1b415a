/* Shared program behaviour: messages, exit codes, progress, safe outputs (see cli.h). */
#include "io/cli.h"
#include "io/ndjson.h"
#include "io/tmpfile.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Under LeakSanitizer (make sanitize) a program that dies on bad input still holds its
 * memory: only normal exits are checked for leaks. */
extern void __lsan_disable(void) __attribute__((weak));

static void leak_check_off(void)
{
    if (__lsan_disable)
        __lsan_disable();
}

static const char *prog = "vx";
static volatile sig_atomic_t *stop_requested;
static volatile sig_atomic_t stop_softly; /* set by vx_cli_stop_softly: the flag is watched */
static int progress_off, progress_open, failed;
static double progress_last;

/* Text outputs open at once: vx-fit's record and its log copy are the most a tool has. */
#define MAX_OUTPUTS 4
static struct {
    FILE *fp;
    char name[4096]; /* as the user gave it, for messages */
    vx_tmpfile t;
} outs[MAX_OUTPUTS];

static void on_fatal_signal(int sig)
{
    if (stop_softly && !*stop_requested && (sig == SIGINT || sig == SIGTERM)) {
        *stop_requested = sig;
        return;
    }
    vx_tmpfile_discard_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void check_stdout_at_exit(void)
{
    vx_tmpfile_discard_all();
    if (failed)
        return;
    if (fflush(stdout) || ferror(stdout) || (fclose(stdout) && errno != EBADF)) {
        fprintf(stderr, "%s: stdout: write error: %s\n", prog, strerror(errno ? errno : EIO));
        _exit(VX_EXIT_DATA);
    }
}

/* OpenMP threads that sleep when they have no work: unless told otherwise, libgomp's idle
 * threads spin for 300,000 turns after each parallel region, on the core the serial parts
 * (compressor, I/O) would share with other programs. On a busy machine that was half of a
 * render's CPU time and a fifth of vx-match's. libgomp reads the policy from the
 * environment once, as it loads, so the program starts again with it set, unless the user
 * set one (OMP_WAIT_POLICY=active spins as before). If that fails, it goes on with the
 * default. */
static void wait_passively(char **argv)
{
    char self[4096]; /* the program's own file: under valgrind, /proc/self/exe is valgrind */
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (getenv("OMP_WAIT_POLICY") || len <= 0 || (size_t)len == sizeof self - 1 ||
        setenv("OMP_WAIT_POLICY", "passive", 1))
        return;
    self[len] = '\0';
    execv(self, argv);
}

void vx_cli_start(char **argv, volatile sig_atomic_t *stop_flag)
{
    wait_passively(argv);
    const char *name = argv[0], *slash = strrchr(name, '/');
    prog = slash ? slash + 1 : name;
    stop_requested = stop_flag;
    opterr = 0; /* getopt's own messages: vx_cli_bad_option says it once, in vx's form */
    signal(SIGPIPE, SIG_IGN);
    /* Parallel regions inside parallel work run on the thread that reached them: nested
     * teams would start and end threads of their own every time. */
    omp_set_max_active_levels(1);
    struct sigaction sa = {.sa_handler = on_fatal_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    atexit(check_stdout_at_exit);
}

void vx_cli_stop_softly(int on) { stop_softly = on && stop_requested; }

const char *vx_cli_name(void) { return prog; }

static void vmessage(const char *fmt, va_list ap)
{
    if (progress_open) {
        fputc('\n', stderr);
        progress_open = 0;
    }
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void vx_die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    vx_tmpfile_discard_all();
    failed = 1;
    leak_check_off();
    exit(status);
}

void vx_die_err(const vx_err *e) { vx_die(VX_EXIT_DATA, "%s", e->msg); }

void vx_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    failed = 1;
    leak_check_off();
    fprintf(stderr, "usage: %s\nTry '%s --help' for more information.\n", usage, prog);
    exit(VX_EXIT_USAGE);
}

/* The long option argv names ("--name" or "--name=value"), or NULL; *ambiguous is set when
 * the name is the start of several and the name of none. */
static const struct option *long_option(const char *arg, const struct option *opts, int *ambiguous)
{
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    const struct option *found = NULL;
    int n = 0;
    for (const struct option *o = opts; o->name; o++) {
        if (strncmp(o->name, name, len))
            continue;
        if (strlen(o->name) == len)
            return *ambiguous = 0, o;
        found = o, n++;
    }
    *ambiguous = n > 1;
    return n == 1 ? found : NULL;
}

void vx_cli_bad_option(char *const argv[], const struct option *longopts, const char *usage)
{
    const char *arg = argv[optind - 1];
    if (!strncmp(arg, "--", 2) && arg[2]) {
        int ambiguous;
        const struct option *o = long_option(arg, longopts, &ambiguous);
        int len = (int)strcspn(arg, "=");
        if (ambiguous)
            vx_usage_error(usage, "option '%.*s' is ambiguous", len, arg);
        if (o && (!optopt || o->val == optopt)) {
            if (o->has_arg == no_argument && arg[len])
                vx_usage_error(usage, "option '--%s' takes no value", o->name);
            if (o->has_arg == required_argument)
                vx_usage_error(usage, "option '--%s' needs a value", o->name);
        }
        if (!optopt)
            vx_usage_error(usage, "unknown option '%.*s'", len, arg);
    }
    for (const struct option *o = longopts; o->name; o++) /* every short option has a long one */
        if (optopt && o->val == optopt && o->has_arg == required_argument)
            vx_usage_error(usage, "option '-%c' needs a value", optopt);
    vx_usage_error(usage, "unknown option '-%c'", optopt > 0 && optopt < 256 ? optopt : '?');
}

int vx_cli_common(const char *arg, const char *usage, const char *help)
{
    if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
        printf("usage: %s\n\n%s", usage, help);
        exit(VX_EXIT_OK);
    }
    if (!strcmp(arg, "--version")) {
        printf("%s (vx) %s\n", prog, VX_VERSION);
        exit(VX_EXIT_OK);
    }
    return 0;
}

double vx_cli_double(const char *opt, const char *arg, double lo, double hi, const char *usage)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end || errno || !isfinite(v))
        vx_usage_error(usage, "%s: '%s' is not a number", opt, arg);
    if (v < lo || v > hi)
        vx_usage_error(usage, "%s must be in [%g, %g], got %s", opt, lo, hi, arg);
    return v;
}

long vx_cli_long(const char *opt, const char *arg, long lo, long hi, const char *usage)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || errno)
        vx_usage_error(usage, "%s: '%s' is not a whole number", opt, arg);
    if (v < lo || v > hi)
        vx_usage_error(usage, "%s must be in [%ld, %ld], got %s", opt, lo, hi, arg);
    return v;
}

void vx_progress_quiet(int quiet) { progress_off = quiet; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void vx_progress(const char *fmt, ...)
{
    if (progress_off)
        return;
    int tty = isatty(STDERR_FILENO);
    double t = now_s();
    if (t - progress_last < (tty ? 0.2 : 5.0))
        return;
    progress_last = t;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, tty ? "\r%s: " : "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (tty) {
        fputs("\033[K", stderr);
        progress_open = 1;
    } else {
        fputc('\n', stderr);
    }
}

void vx_progress_done(void)
{
    if (progress_open)
        fputc('\n', stderr);
    progress_open = 0;
    progress_last = 0;
}

FILE *vx_out_open(const char *path)
{
    if (!strcmp(path, "-"))
        return stdout;
    int i = 0;
    while (i < MAX_OUTPUTS && outs[i].fp)
        i++;
    if (i == MAX_OUTPUTS)
        vx_die(VX_EXIT_DATA, "%s: too many output files at once", path);
    vx_err e;
    if (vx_tmpfile_reserve(path, &outs[i].t, &e))
        vx_die_err(&e);
    snprintf(outs[i].name, sizeof outs[i].name, "%s", path);
    outs[i].fp = fopen(outs[i].t.path, "w");
    if (!outs[i].fp) {
        int err = errno;
        vx_tmpfile_discard(&outs[i].t);
        vx_die(VX_EXIT_DATA, "%s: cannot write: %s", path, strerror(err));
    }
    return outs[i].fp;
}

/* The name of the output fp, for messages ("stdout" for standard output). */
static const char *out_name(FILE *fp)
{
    for (int i = 0; i < MAX_OUTPUTS; i++)
        if (outs[i].fp == fp)
            return outs[i].name;
    return "stdout";
}

void vx_out_close(FILE *fp)
{
    if (fp == stdout) {
        if (fflush(stdout) || ferror(stdout))
            vx_die(VX_EXIT_DATA, "stdout: write error: %s", strerror(errno));
        return;
    }
    int i = 0;
    while (i < MAX_OUTPUTS - 1 && outs[i].fp != fp)
        i++;
    errno = 0;
    int bad = ferror(fp) | fflush(fp) | fclose(fp); /* each one, whatever the others gave */
    int err = errno ? errno : EIO;
    outs[i].fp = NULL;
    vx_err e;
    if (bad) {
        vx_tmpfile_discard(&outs[i].t);
        vx_die(VX_EXIT_DATA, "%s: write error: %s", outs[i].name, strerror(err));
    }
    if (vx_tmpfile_commit(&outs[i].t, &e))
        vx_die_err(&e);
}

void vx_out_record(FILE *fp, const cJSON *rec)
{
    if (vx_ndjson_write(fp, rec))
        vx_die(VX_EXIT_DATA, "%s: write error: %s", out_name(fp), strerror(errno ? errno : EIO));
}
