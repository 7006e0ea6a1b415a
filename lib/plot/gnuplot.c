/* gnuplot as a child process over three pipes (see gnuplot.h). */
#include "plot/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

int vx_plot_format_of(const char *path, vx_plot_format *f)
{
    static const struct {
        const char *ext;
        vx_plot_format f;
    } known[] = {{".svg", VX_PLOT_SVG}, {".png", VX_PLOT_PNG}, {".pdf", VX_PLOT_PDF}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof known / sizeof *known; i++)
        if (!strcasecmp(dot, known[i].ext)) {
            *f = known[i].f;
            return 0;
        }
    return -1;
}

void vx_plot_terminal(vx_plot_format f, int width, int height, char *buf, size_t size)
{
    /* noenhanced: track names hold underscores, which enhanced text takes as subscripts */
    if (f == VX_PLOT_SVG)
        snprintf(buf, size, "set terminal svg size %d,%d dynamic noenhanced font 'sans,11' background '#ffffff'\n",
                 width, height);
    else if (f == VX_PLOT_PNG)
        snprintf(buf, size, "set terminal pngcairo size %d,%d noenhanced font 'sans,10' background '#ffffff'\n",
                 width, height);
    else
        snprintf(buf, size, "set terminal pdfcairo size %gin,%gin noenhanced font 'sans,8'\n",
                 width / 100.0, height / 100.0);
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "set output\n");
}

/* The child: the pipes become its standard streams, then gnuplot replaces it. */
static void exec_gnuplot(int in[2], int out[2], int err[2])
{
    dup2(in[0], 0), dup2(out[1], 1), dup2(err[1], 2);
    close(in[0]), close(in[1]), close(out[0]), close(out[1]), close(err[0]), close(err[1]);
    execlp("gnuplot", "gnuplot", (char *)NULL);
    dprintf(2, "cannot run gnuplot: %s (Debian package gnuplot-nox)\n", strerror(errno));
    _exit(127);
}

typedef struct {
    char text[2048]; /* the start of gnuplot's standard error */
    size_t len;
    int write_failed;
} run_state;

/* Moves what is ready on fd: stdout to out, stderr into st->text. 0 at end of file. */
static ssize_t drain(int fd, int is_err, FILE *out, run_state *st)
{
    char buf[65536];
    ssize_t got = read(fd, buf, sizeof buf);
    if (got <= 0)
        return got < 0 && errno == EINTR ? 1 : got;
    if (is_err) {
        size_t keep = sizeof st->text - 1 - st->len;
        keep = (size_t)got < keep ? (size_t)got : keep;
        memcpy(st->text + st->len, buf, keep);
        st->len += keep;
    } else if (fwrite(buf, 1, (size_t)got, out) != (size_t)got) {
        st->write_failed = 1;
    }
    return got;
}

/* Feeds the script and collects both outputs at once, so that neither side can block
 * the other on a full pipe. */
static void converse(int to, int from, int errs, const char *script, size_t len, FILE *out,
                     run_state *st)
{
    size_t sent = 0;
    struct pollfd p[3] = {{to, POLLOUT, 0}, {from, POLLIN, 0}, {errs, POLLIN, 0}};
    if (len == 0)
        close(to), p[0].fd = -1;
    while (p[1].fd >= 0 || p[2].fd >= 0) {
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].fd >= 0 && p[0].revents) {
            ssize_t w = (p[0].revents & POLLOUT) ? write(to, script + sent, len - sent) : -1;
            if (w > 0)
                sent += (size_t)w;
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                sent = len; /* gnuplot stopped reading: its stderr says why */
            if (sent == len)
                close(to), p[0].fd = -1;
        }
        for (int i = 1; i < 3; i++)
            if (p[i].fd >= 0 && p[i].revents && drain(p[i].fd, i == 2, out, st) == 0)
                close(p[i].fd), p[i].fd = -1;
    }
    if (p[0].fd >= 0)
        close(to);
}

int vx_gnuplot_run(const char *script, size_t len, FILE *out, vx_err *e)
{
    int in[2], from[2], errs[2];
    if (pipe(in))
        return vx_err_set(e, "gnuplot: cannot make a pipe: %s", strerror(errno));
    if (pipe(from)) {
        close(in[0]), close(in[1]);
        return vx_err_set(e, "gnuplot: cannot make a pipe: %s", strerror(errno));
    }
    if (pipe(errs)) {
        close(in[0]), close(in[1]), close(from[0]), close(from[1]);
        return vx_err_set(e, "gnuplot: cannot make a pipe: %s", strerror(errno));
    }
    fflush(out);
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]), close(in[1]), close(from[0]), close(from[1]), close(errs[0]), close(errs[1]);
        return vx_err_set(e, "gnuplot: cannot start a process: %s", strerror(errno));
    }
    if (pid == 0)
        exec_gnuplot(in, from, errs);
    close(in[0]), close(from[1]), close(errs[1]);
    fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
    run_state st = {.len = 0};
    converse(in[1], from[0], errs[0], script, len, out, &st);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    st.text[st.len] = 0;
    while (st.len && (st.text[st.len - 1] == '\n' || st.text[st.len - 1] == ' '))
        st.text[--st.len] = 0;
    if (st.len)
        return vx_err_set(e, "gnuplot: %s", st.text);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        return vx_err_set(e, "gnuplot: exited with status %d",
                          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    if (st.write_failed || fflush(out) || ferror(out))
        return vx_err_set(e, "write error: %s", strerror(errno));
    return 0;
}
