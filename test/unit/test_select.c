/* select and isotime: the criteria and their order on hand-made loss curves (numpy's
 * median for an even count), the record checks, and ISO 8601 parsing. */
#include "harness.h"
#include "isotime.h"
#include "params.h"
#include "select.h"

#include <string.h>

static vx_select_reason classify(const char *term, const double *l, size_t n, double loss,
                                 double fluc, double value[2])
{
    vx_select_fit f = {.terminated_by = term, .losses = (double *)l, .n_losses = n};
    vx_select_limits lim = {loss, fluc};
    return vx_select_classify(&f, &lim, value);
}

static void test_criteria(void)
{
    double v[2];
    const double good[] = {2, 1.9, 1.8, 1.75}, high[] = {4.5, 5, 6}, flat[] = {1};
    const double nconv[] = {1, 2, 1.5}, fluc[] = {3, 2, 3, 2, 1.9};
    CHECK(classify(NULL, good, 4, 4, INFINITY, v) == VX_SELECT_KEPT, "good curve kept");
    CHECK(classify("oom", good, 4, 4, INFINITY, v) == VX_SELECT_TERMINATED, "terminated first");
    CHECK(classify("oom", NULL, 0, 4, INFINITY, v) == VX_SELECT_TERMINATED, "terminated, no losses");
    CHECK(classify(NULL, high, 3, 4, INFINITY, v) == VX_SELECT_LOSS_ABOVE && v[0] == 4.5,
          "loss above before not converged");
    CHECK(classify(NULL, high, 3, 4.5, INFINITY, v) == VX_SELECT_NOT_CONVERGED && v[0] == 4.5 &&
              v[1] == 5,
          "threshold is strict; then not converged");
    CHECK(classify(NULL, nconv, 3, 4, INFINITY, v) == VX_SELECT_NOT_CONVERGED && v[1] == 1.5,
          "not converged");
    /* |diffs| 1, 1, 1, 0.1: median 1; of 0.1, 0.1, 0.05 (odd count): 0.1 */
    CHECK(classify(NULL, fluc, 5, 4, 0.99, v) == VX_SELECT_FLUCTUATING, "fluctuating");
    CHECK_NEAR(v[0], 1.0, 1e-15, "median of |diff|");
    CHECK(classify(NULL, fluc, 5, 4, 1.0, v) == VX_SELECT_KEPT, "fluctuation threshold strict");
    const double rising[] = {4, 3, 3.5, 3.5, 3.4}; /* |diffs| 1, 0.5, 0, 0.1 */
    CHECK(classify(NULL, rising, 5, 4, 0.29, v) == VX_SELECT_FLUCTUATING, "even count");
    CHECK_NEAR(v[0], 0.3, 1e-12, "even count: mean of the middle two (0.1, 0.5)");
    CHECK(classify(NULL, flat, 1, 4, 0, v) == VX_SELECT_KEPT, "one loss: only the threshold");
    CHECK(!strcmp(vx_select_reason_name(VX_SELECT_NOT_CONVERGED), "not_converged"), "names");
}

static void test_read(void)
{
    cJSON *rec = cJSON_Parse("{\"type\":\"fit\",\"track\":\"t\",\"terminated_by\":null,"
                             "\"finished\":\"2025-05-01T00:00:00Z\",\"losses\":[3,2]}");
    double raw[VX_NRAW];
    vx_params_init(raw);
    cJSON_AddItemToObject(rec, "raw", cJSON_CreateDoubleArray(raw, VX_NRAW));
    vx_select_fit f;
    vx_err e;
    CHECK(vx_select_fit_read(rec, "x:1", &f, &e) == 0 && f.n_losses == 2 && f.losses[1] == 2 &&
              !f.terminated_by && f.finished == 1746057600.0 && !strcmp(f.track, "t"),
          "a fit record");
    vx_select_fit_free(&f);
    cJSON_ReplaceItemInObject(rec, "losses", cJSON_Parse("[3, null]"));
    CHECK(vx_select_fit_read(rec, "x:1", &f, &e) == -1 &&
              !strcmp(e.msg, "x:1: losses[1] is not a finite number"),
          "null loss");
    cJSON_ReplaceItemInObject(rec, "losses", cJSON_Parse("[3]"));
    cJSON_ReplaceItemInObject(rec, "terminated_by", cJSON_CreateNumber(1));
    CHECK(vx_select_fit_read(rec, "x:1", &f, &e) == -1 && strstr(e.msg, "null or a string"),
          "terminated_by type");
    cJSON_Delete(rec);
}

static double t_of(const char *s)
{
    double t = NAN;
    vx_err e;
    return vx_isotime_parse(s, "t", &t, &e) ? NAN : t;
}

static void test_isotime(void)
{
    const double base = 1746057600.0; /* 2025-05-01T00:00:00Z */
    CHECK_NEAR(t_of("2025-05-01"), base, 0, "date");
    CHECK_NEAR(t_of("2025-05-01T14:30"), base + 52200, 0, "hours and minutes");
    CHECK_NEAR(t_of("2025-05-01 14:30:15Z"), base + 52215, 0, "space, seconds, Z");
    CHECK_NEAR(t_of("2025-05-01T14:30:15.25+02:00"), base + 52215.25 - 7200, 1e-6, "zone +02:00");
    CHECK_NEAR(t_of("2025-05-01T14:30:15-0130"), base + 52215 + 5400, 0, "zone -0130");
    CHECK_NEAR(t_of("2024-02-29T00:00:00+05"), 1709164800.0 - 18000, 0, "leap day, zone +05");
    static const char *bad[] = {"2025-02-29", "2025-13-01", "2025-05-01T24:00", "2025-5-1",
                                "2025-05-01T10", "2025-05-01Z1", "yesterday", "", "2025-05-01T10:00:00.5e3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(isnan(t_of(bad[i])), bad[i]);
}

int main(void)
{
    test_criteria();
    test_read();
    test_isotime();
    return vx_test_summary();
}
