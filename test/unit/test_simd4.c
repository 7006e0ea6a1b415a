/* Four-lane vector helpers (dsp/simd4.h): exp and log within an ulp or so of libm over
 * the ranges the FDN and the compressor use, their edge cases, gather and scatter. Run
 * through a multiversioned function, so the AVX2 build is tested where the CPU has it. */
#include "dsp/simd4.h"
#include "harness.h"

#include <float.h>
#include <string.h>

/* Error of y against the double reference r, in units of r's last place. */
static double ulps(double y, double r)
{
    if (y == r)
        return 0;
    return fabs(y - r) / (nextafter(fabs(r), INFINITY) - fabs(r));
}

/* y = exp(x) (log_too = 0) or log(x) for n values, four lanes at a time. */
VX_CLONES static void apply(int log_too, const double *x, double *y, size_t n)
{
    for (size_t i = 0; i + VX_V4 <= n; i += VX_V4) {
        vx_v4d v, r;
        memcpy(&v, x + i, sizeof v);
        if (log_too)
            vx_v4_log(&r, &v);
        else
            vx_v4_exp(&r, &v);
        memcpy(y + i, &r, sizeof r);
    }
}

#define M 400000

static void check_exp_log(void)
{
    static double x[M], y[M];
    unsigned s = 2024;
    double worst = 0;
    for (int i = 0; i < M; i++) { /* [-708, 30], dense near 0 */
        s = s * 1664525u + 1013904223u;
        double u = (s >> 8) / 16777216.0;
        x[i] = i % 2 ? -708.0 + 738.0 * u : 4.0 * (u - 0.5);
    }
    apply(0, x, y, M);
    for (int i = 0; i < M; i++)
        worst = fmax(worst, ulps(y[i], exp(x[i])));
    CHECK_LE(worst, 1.0, "exp within 1 ulp of libm on [-708, 30]");

    worst = 0;
    for (int i = 0; i < M; i++) { /* 1e-300 .. 1e300, and around 1 */
        s = s * 1664525u + 1013904223u;
        double u = (s >> 8) / 16777216.0;
        x[i] = i % 2 ? exp(1380.0 * (u - 0.5)) : 1.0 + 0.2 * (u - 0.5);
    }
    apply(1, x, y, M);
    for (int i = 0; i < M; i++)
        worst = fmax(worst, ulps(y[i], log(x[i])));
    CHECK_LE(worst, 1.0, "log within 1 ulp of libm on [1e-300, 1e300]");
    if (getenv("VX_TEST_VERBOSE"))
        printf("exp, log: worst %.2f ulp\n", worst);

    double e[4] = {-709.0, -1e300, 0.0, -0.0}, ye[4];
    apply(0, e, ye, 4);
    CHECK(ye[0] == 0 && ye[1] == 0, "exp below -708 is 0");
    CHECK(ye[2] == 1 && ye[3] == 1, "exp(0) = 1");
    double l[4] = {1.0, 2.0, 0.5, DBL_MIN}, yl[4];
    apply(1, l, yl, 4);
    CHECK(yl[0] == 0, "log(1) = 0");
    CHECK(yl[1] == M_LN2 && yl[2] == -M_LN2, "log(2) = ln 2, log(1/2) = -ln 2");
    CHECK_REL(yl[3], log(DBL_MIN), 1e-15, 0, "log of the smallest normal");
}

static void check_gather(void)
{
    float a[3] = {1, 2, 3}, b[3] = {4, 5, 6}, c[3] = {7, 8, 9}, d[3] = {10, 11, 12};
    float *p[4] = {a, b, c, d};
    vx_v4d v;
    vx_v4_gather(&v, (const float *const *)p, 1);
    CHECK(v[0] == 2 && v[1] == 5 && v[2] == 8 && v[3] == 11, "gather takes index t of each");
    v += 0.5;
    vx_v4_scatter(p, 2, &v);
    CHECK(a[2] == 2.5f && b[2] == 5.5f && c[2] == 8.5f && d[2] == 11.5f, "scatter");
    vx_v4m m = {0, 0, -1, 0}, z = {0, 0, 0, 0};
    CHECK(vx_v4_any(&m) && !vx_v4_any(&z), "any lane set");
}

/* s = sin x, c = cos x for n values, four lanes at a time. */
VX_CLONES static void apply_sincos(const double *x, double *s, double *c, size_t n)
{
    for (size_t i = 0; i + VX_V4 <= n; i += VX_V4) {
        vx_v4d v, rs, rc;
        memcpy(&v, x + i, sizeof v);
        vx_v4_sincos(&rs, &rc, &v);
        memcpy(s + i, &rs, sizeof rs), memcpy(c + i, &rc, sizeof rc);
    }
}

/* Over the FDN's phases (up to 2 pi 2099 / 2 rad) and around the quadrant edges: within
 * 2^-51 of libm (absolute, two ulps of 1: the values are at most 1 and are rounded to
 * float after). */
static void check_sincos(void)
{
    static double x[M], s[M], c[M];
    unsigned r = 7;
    for (int i = 0; i < M; i++) {
        r = r * 1664525u + 1013904223u;
        double u = (r >> 8) / 16777216.0;
        x[i] = i % 2 ? 14000.0 * (u - 0.5) : (i % 16) * M_PI_4 + 1e-9 * (u - 0.5);
    }
    apply_sincos(x, s, c, M);
    double worst = 0;
    for (int i = 0; i < M; i++)
        worst = fmax(worst, fmax(fabs(s[i] - sin(x[i])), fabs(c[i] - cos(x[i]))));
    CHECK_LE(worst, 0x1p-51, "sin, cos within 2^-51 of libm on [-7000, 7000]");
    if (getenv("VX_TEST_VERBOSE"))
        printf("sincos: worst %.2e\n", worst);
}

int main(void)
{
    check_exp_log();
    check_sincos();
    check_gather();
    return vx_test_summary();
}
