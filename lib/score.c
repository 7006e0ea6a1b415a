/* Whole-track scores as loss_eval computes and names them (see score.h; spec/pipeline.md §5). */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"

int vx_score_pair(const vx_pair *p, const vx_fx *fx, vx_loss_parts *out, vx_err *e)
{
    size_t n = p->frames;
    float *pred = malloc(2 * n * sizeof *pred), *target = NULL;
    int rc = 0;
    if (!pred) {
        rc = vx_err_set(e, "out of memory for %zu frames", n);
    } else if (fx) {
        rc = vx_chain_render(fx, p->dry, n, pred, e);
    } else {
        for (size_t t = 0; t < n; t++) /* --no-process: the mono dry in both channels */
            pred[2 * t] = pred[2 * t + 1] = p->dry[t];
    }
    for (size_t i = 0; i < 2 * n && !rc; i++)
        if (!isfinite(pred[i]))
            rc = vx_err_set(e, "the render is not finite (%s at frame %zu)",
                            isnan(pred[i]) ? "NaN" : "Inf", i / 2 + 1);
    /* the target only now: the render's own memory has been released */
    if (!rc && !(target = malloc(2 * n * sizeof *target)))
        rc = vx_err_set(e, "out of memory for %zu frames", n);
    if (!rc) {
        for (size_t t = 0; t < n; t++)
            target[2 * t] = p->wet[t], target[2 * t + 1] = p->wet[n + t];
        rc = vx_loss_eval(pred, n, 2, target, n, 2, NULL, out, e);
    }
    free(pred);
    free(target);
    return rc;
}

vx_score_target vx_score_target_kind(const float *y, size_t frames)
{
    int silent = 1, mono = 1;
    for (size_t t = 0; t < frames && (silent || mono); t++) {
        silent &= y[2 * t] == 0.0f && y[2 * t + 1] == 0.0f;
        mono &= y[2 * t] == y[2 * t + 1];
    }
    return silent ? VX_SCORE_TARGET_SILENT : mono ? VX_SCORE_TARGET_MONO : VX_SCORE_TARGET_OK;
}

/* Copies [s, s + len) into buf as a string, truncated to cap. */
static void copy_span(const char *s, size_t len, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    if (len >= cap)
        len = cap - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
}

void vx_score_names(const char *dry_path, char *track_id, size_t track_cap, char *stem_id,
                    size_t stem_cap)
{
    /* Path components, as pathlib splits them: empty and "." ones do not count. */
    const char *last = NULL, *prev = NULL;
    size_t last_len = 0, prev_len = 0;
    for (const char *s = dry_path; *s;) {
        size_t len = strcspn(s, "/");
        if (len && !(len == 1 && s[0] == '.')) {
            prev = last, prev_len = last_len;
            last = s, last_len = len;
        }
        s += len + (s[len] == '/');
    }
    copy_span(prev ? prev : "", prev_len, track_id, track_cap);
    /* The stem: without the last suffix, unless the name is only a suffix (".wav"). */
    size_t stem_len = last_len;
    for (size_t i = last_len; i-- > 1;)
        if (last[i] == '.') {
            stem_len = i;
            break;
        }
    copy_span(last ? last : "", stem_len, stem_id, stem_cap);
}

void vx_score_format(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    int digits = 1;
    for (; digits < 17; digits++) {
        snprintf(buf, n, "%.*e", digits - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    snprintf(buf, n, "%.*e", digits - 1, v);
    int exp10 = atoi(strchr(buf, 'e') + 1);
    if (exp10 < -4 || exp10 >= 16)
        return; /* repr's exponent form is %e's with the same digits */
    snprintf(buf, n, "%.*f", digits - 1 - exp10 > 0 ? digits - 1 - exp10 : 0, v);
    if (!strchr(buf, '.'))
        strncat(buf, ".0", n - strlen(buf) - 1);
}
