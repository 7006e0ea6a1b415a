/* A fit whose every step is rejected (a dry so loud that the float32 loss overflows) ends
 * with a message that names the last step's reason, whole (lib/fit.c quoted its own
 * output buffer into it before: overlapping buffers). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "harness.h"
#include "params.h"

int main(void)
{
    size_t n = (size_t)(2.4 * VX_FS);
    float *dry = malloc(n * sizeof *dry), *wet = malloc(2 * n * sizeof *wet);
    if (!dry || !wet)
        return 1;
    for (size_t t = 0; t < n; t++) { /* full-scale noise, then 1e30 times louder */
        float x = (float)rand() / (float)RAND_MAX - 0.5f;
        dry[t] = 1e30f * x;
        wet[t] = wet[n + t] = x;
    }
    vx_fit_settings s = vx_fit_defaults();
    s.chunk_s = 1.2, s.overlap_s = 0;
    vx_err e;
    vx_fit *f = vx_fit_create(dry, wet, wet + n, n, &s, &e);
    CHECK(f, "the fit is made");
    if (f) {
        double raw[VX_NRAW];
        vx_fit_initial(0, raw);
        vx_fit_start(f, raw, VX_ETA_RAW_INIT);
        vx_fit_progress p;
        int steps = 0, rc = 0;
        while (steps < 100 && (rc = vx_fit_step(f, &p, &e)) == 0)
            steps++;
        CHECK(rc == -1, "the fit stops");
        const char *last = strstr(e.msg, "(last: ");
        printf("# after %d steps: %s\n", steps, e.msg);
        CHECK(last && !strstr(last, "steps in a row") && e.msg[strlen(e.msg) - 1] == ')',
              "the message quotes the last step's reason once");
        vx_fit_free(f);
    }
    free(dry);
    free(wet);
    return vx_test_summary();
}
