/* Feature mask helpers (see mask.h). */
#include "stats/mask.h"
#include "params.h"

#include <stdio.h>

int vx_mask_count(const unsigned char *mask)
{
    int n = 0;
    for (int i = 0; i < VX_NRAW; i++)
        n += mask[i] != 0;
    return n;
}

cJSON *vx_mask_json(const unsigned char *mask)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < VX_NRAW; i++)
        cJSON_AddItemToArray(a, cJSON_CreateBool(mask[i]));
    return a;
}

cJSON *vx_mask_names(const unsigned char *mask)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < VX_NRAW; i++) {
        if (!mask[i])
            continue;
        const vx_param_def *d = vx_param_by_raw_index(i);
        char name[96];
        if (d->count > 1)
            snprintf(name, sizeof name, "%s.%s[%d]", d->group, d->name, i - d->raw_index);
        else
            snprintf(name, sizeof name, "%s.%s", d->group, d->name);
        cJSON_AddItemToArray(a, cJSON_CreateString(name));
    }
    return a;
}

void vx_mask_pick(const unsigned char *mask, const double *raw, double *x)
{
    for (int i = 0, k = 0; i < VX_NRAW; i++)
        if (mask[i])
            x[k++] = raw[i];
}

void vx_mask_spread(const unsigned char *mask, const double *x, double *raw)
{
    for (int i = 0, k = 0; i < VX_NRAW; i++)
        raw[i] = mask[i] ? x[k++] : 0.0;
}
