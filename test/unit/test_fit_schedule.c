/* The learning-rate schedule of vx-fit --fast: linear warm-up, hold, half-cosine decay. */
#include "fit_schedule.h"
#include "harness.h"

int main(void)
{
    /* 10 steps up, the peak held to step 49, 101 steps of decay (49 to 149) */
    vx_lr_schedule s = {.peak = 0.1, .floor = 0.001, .warmup = 10, .decay = 101, .steps = 150};
    CHECK_NEAR(vx_lr_at(&s, 0), 0.01, 1e-15, "the first step is peak / warmup");
    CHECK_NEAR(vx_lr_at(&s, 4), 0.05, 1e-15, "the warm-up rises linearly");
    CHECK_NEAR(vx_lr_at(&s, 9), 0.1, 1e-15, "the warm-up's last step is the peak");
    CHECK_NEAR(vx_lr_at(&s, 30), 0.1, 1e-15, "the peak is held");
    CHECK_NEAR(vx_lr_at(&s, 49), 0.1, 1e-15, "the decay starts at the peak");
    /* halfway down (step 99), the mean of peak and floor; a quarter of the way (step 74),
     * floor + (peak - floor) (1 + cos(pi / 4)) / 2 */
    CHECK_NEAR(vx_lr_at(&s, 99), 0.0505, 1e-15, "halfway down, the mean of peak and floor");
    CHECK_NEAR(vx_lr_at(&s, 74), 0.001 + 0.099 * (1 + sqrt(0.5)) / 2, 1e-15, "a quarter of the way down");
    CHECK_NEAR(vx_lr_at(&s, 149), 0.001, 1e-15, "the last step is the floor");
    CHECK_NEAR(vx_lr_at(&s, 500), 0.001, 1e-15, "past the end, the floor");
    int falls = 1;
    for (int k = 50; k < 150; k++)
        falls &= vx_lr_at(&s, k) < vx_lr_at(&s, k - 1);
    CHECK(falls, "the decay falls at every step");
    vx_lr_schedule flat = {.peak = 0.02, .floor = 0, .warmup = 0, .decay = 0, .steps = 5};
    CHECK_NEAR(vx_lr_at(&flat, 4), 0.02, 1e-15, "without warm-up and decay, the peak throughout");

    /* the levels' share: the 11 gains and thresholds in dB, and nothing else */
    double scale[VX_NRAW + 1];
    vx_lr_scale_levels(10, scale);
    static const int levels[] = {0, 3, 6, 8, 14, 15, 16, 140, 143, 146, 148};
    int at_levels = 1, others = 1, n = 0;
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        at_levels &= scale[levels[i]] == 10;
    for (int k = 0; k <= VX_NRAW; k++)
        n += scale[k] == 10, others &= scale[k] == 10 || scale[k] == 1;
    CHECK(at_levels, "the EQ and FDN gains, the thresholds and the make-up take the factor");
    CHECK(n == 11 && others && scale[VX_NRAW] == 1, "every other value, eta's raw one included, 1");
    printf("%d passed, %d failed\n", vx_test_passed, vx_test_failed);
    return vx_test_failed != 0;
}
