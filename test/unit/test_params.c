/* The 151-value layout and its maps against the original's physical values and the
 * config's initial raw values (spec/effects.md §2-3). */
#include <string.h>

#include "harness.h"
#include "io/ndjson.h"
#include "params.h"
#include "preset.h"

/* Physical values DiffVox computes for MedleyDB row 0 (its "physical" object). */
static void check_golden_physical(void)
{
    vx_err e;
    cJSON *doc = vx_json_read_document("test/fixtures/preset_medleydb0.json", &e);
    CHECK(doc != NULL, "golden preset readable");
    if (!doc)
        return;
    double raw[VX_NRAW];
    CHECK(vx_preset_parse(doc, "preset_medleydb0.json", 0, raw, &e) == 0, "golden preset valid");
    vx_fx fx;
    vx_params_to_fx(raw, 0, &fx);
    const cJSON *phys = cJSON_GetObjectItemCaseSensitive(doc, "physical");
    static const struct { const char *key; size_t offset; } pairs[] = {
        {"0.freq", offsetof(vx_fx, peq[0].freq_hz)}, {"0.Q", offsetof(vx_fx, peq[0].q)},
        {"5.freq", offsetof(vx_fx, peq[5].freq_hz)}, {"6.at", offsetof(vx_fx, comp.attack)},
        {"6.cmp_ratio", offsetof(vx_fx, comp.cmp_ratio)}, {"6.lookahead", offsetof(vx_fx, comp.lookahead_ms)},
        {"7.sends_0", offsetof(vx_fx, send)}, {"7.effects.0.delay", offsetof(vx_fx, delay.time_ms)},
        {"7.effects.0.odd_pan.pan", offsetof(vx_fx, delay.odd_pan)},
        {"7.effects.1.eq.3.freq", offsetof(vx_fx, fdn.eq[3].freq_hz)}, {"7.pan.pan", offsetof(vx_fx, pan)},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(phys, pairs[i].key);
        double got = *(double *)((char *)&fx + pairs[i].offset);
        CHECK_REL(got, v ? v->valuedouble : NAN, 1e-6, 1e-12, pairs[i].key);
    }
    const cJSON *gamma = cJSON_GetObjectItemCaseSensitive(phys, "7.effects.1.gamma");
    int m = 0;
    for (const cJSON *g = gamma ? gamma->child : NULL; g; g = g->next, m++) {
        double want = cJSON_IsArray(g) ? g->child->valuedouble : g->valuedouble;
        if (m % 12 == 0)
            CHECK_REL(fx.fdn.gamma[m], want, 1e-6, 0, "gamma");
    }
    CHECK(m == VX_FDN_GAMMAS, "49 gammas");
    cJSON_Delete(doc);
}

/* Initial raw values of spec §3's table (cfg init column). */
static void check_init(void)
{
    double raw[VX_NRAW];
    vx_params_init(raw);
    static const struct { int k; double raw; } want[] = {
        {1, -1.791325}, {2, -3.638987}, {4, -1.267689}, {9, 0.825319}, {10, 3.543854}, {11, -3.804298},
        {12, -3.322060}, {17, 0.0226757}, {18, -6.909527}, {20, -0.847298}, {21, -2.890372},
        {23, -4.595120}, {24, -0.693147}, {25, -2.197225}, {27, -0.025318}, {28, -1.832002},
        {141, -1.041454}, {142, -1.329087}, {144, 0.125163}, {147, -1.371479}, {149, -0.207639}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECK_NEAR(raw[want[i].k], want[i].raw, 2e-5, vx_param_by_raw_index(want[i].k)->key);
    CHECK_NEAR(vx_fdn_gamma_max(), 0.98279762, 1e-8, "gamma_max");
}

/* raw -> physical -> raw is the identity; the chain rule matches central differences. */
static void check_round_trip_and_derivative(void)
{
    double raw[VX_NRAW], back[VX_NRAW];
    for (int k = 0; k < VX_NRAW; k++)
        raw[k] = 0.37 * sin(1.3 * k) + (k == 17 ? 0.5 : 0);
    vx_fx fx;
    vx_params_to_fx(raw, 0, &fx);
    CHECK(vx_params_from_fx(&fx, back) == 0, "inverse maps defined");
    double worst = 0;
    for (int k = 0; k < VX_NRAW; k++)
        worst = fmax(worst, fabs(back[k] - raw[k]));
    CHECK_LE(worst, 1e-9, "raw round trip");
    worst = 0;
    for (int k = 0; k < VX_NRAW; k++) {
        const vx_param_def *d = vx_param_by_raw_index(k);
        double h = 1e-6, fd = (vx_map_forward(d, raw[k] + h) - vx_map_forward(d, raw[k] - h)) / (2 * h);
        worst = fmax(worst, fabs(fd - vx_map_derivative(d, raw[k])) / fmax(fabs(fd), 1e-3));
    }
    CHECK_LE(worst, 1e-6, "map derivatives vs central differences");
}

static void check_mask(void)
{
    int idx[VX_NMASK];
    vx_params_mask_index(idx);
    CHECK(idx[103] == 103 && idx[104] == 105 && idx[118] == 133 && idx[119] == 140 && idx[129] == 150,
          "mask layout of spec §3");
}

int main(void)
{
    check_golden_physical();
    check_init();
    check_round_trip_and_derivative();
    check_mask();
    return vx_test_summary();
}
