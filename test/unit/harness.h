/* Minimal unit-test harness: CHECK-style assertions that count, and one
 * "N passed, N failed" line at the end of each test program. */
#ifndef VX_TEST_HARNESS_H
#define VX_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int vx_test_passed, vx_test_failed;

/* Record one named check; print a line only when it fails (or VX_TEST_VERBOSE). */
static inline void vx_test_record(int ok, const char *name, const char *file, int line,
                                  const char *detail)
{
    if (ok) {
        vx_test_passed++;
        if (getenv("VX_TEST_VERBOSE"))
            printf("ok   %s %s\n", name, detail ? detail : "");
    } else {
        vx_test_failed++;
        printf("FAIL %s (%s:%d) %s\n", name, file, line, detail ? detail : "");
    }
}

#define CHECK(cond, name) vx_test_record(!!(cond), (name), __FILE__, __LINE__, #cond)

/* |got - want| <= tol (absolute); prints both values on failure. */
#define CHECK_NEAR(got, want, tol, name)                                              \
    do {                                                                              \
        double g_ = (got), w_ = (want), t_ = (tol);                                   \
        char d_[160];                                                                 \
        snprintf(d_, sizeof d_, "got %.10g want %.10g tol %.3g", g_, w_, t_);          \
        vx_test_record(isfinite(g_) && fabs(g_ - w_) <= t_, (name), __FILE__,         \
                       __LINE__, d_);                                                 \
    } while (0)

/* relative: |got - want| <= tol * max(|want|, floor) */
#define CHECK_REL(got, want, tol, floor_, name)                                       \
    CHECK_NEAR((got), (want), (tol) * fmax(fabs((double)(want)), (floor_)), (name))

/* value <= bound, e.g. an error in dB below a bar */
#define CHECK_LE(got, bound, name)                                                    \
    do {                                                                              \
        double g_ = (got), b_ = (bound);                                              \
        char d_[160];                                                                 \
        snprintf(d_, sizeof d_, "got %.6g, bound %.6g", g_, b_);                       \
        vx_test_record(isfinite(g_) && g_ <= b_, (name), __FILE__, __LINE__, d_);     \
    } while (0)

static inline int vx_test_summary(void)
{
    printf("%d passed, %d failed\n", vx_test_passed, vx_test_failed);
    return vx_test_failed ? 1 : 0;
}

#endif
