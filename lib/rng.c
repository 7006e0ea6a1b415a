/* xoshiro256** and splitmix64 (reference algorithms by Blackman & Vigna, public domain). */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void vx_rng_seed(vx_rng *r, uint64_t seed)
{
    /* splitmix64 never yields four zero words, the one state xoshiro must avoid */
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
    r->spare = 0;
    r->has_spare = 0;
}

uint64_t vx_rng_u64(vx_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double vx_rng_uniform(vx_rng *r) { return (double)(vx_rng_u64(r) >> 11) * 0x1.0p-53; }

uint64_t vx_rng_below(vx_rng *r, uint64_t n)
{
    /* Lemire's multiply-shift: reject the few low products that would bias the result */
    unsigned __int128 m = (unsigned __int128)vx_rng_u64(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t floor = -n % n;
        while (low < floor) {
            m = (unsigned __int128)vx_rng_u64(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double vx_rng_normal(vx_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u = 1.0 - vx_rng_uniform(r); /* (0, 1]: log stays finite */
    double v = vx_rng_uniform(r);
    double rad = sqrt(-2.0 * log(u)), th = 2.0 * M_PI * v;
    r->spare = rad * sin(th);
    r->has_spare = 1;
    return rad * cos(th);
}
