/* vx's own seedable random numbers: xoshiro256** (Blackman & Vigna 2018) seeded through
 * splitmix64, so a seed gives the same stream on every platform and in every thread. */
#ifndef VX_RNG_H
#define VX_RNG_H

#include <stdint.h>

/* The whole generator state; copy it to fork a stream, keep one per thread. */
typedef struct {
    uint64_t s[4];
    double spare;  /* second Box-Muller value, valid when has_spare */
    int has_spare;
} vx_rng;

/* Any 64-bit seed (0 included) gives a valid, distinct stream. */
void vx_rng_seed(vx_rng *r, uint64_t seed);
/* 64 uniformly random bits. */
uint64_t vx_rng_u64(vx_rng *r);
/* Uniform on [0, 1), 53-bit resolution. */
double vx_rng_uniform(vx_rng *r);
/* Uniform integer in [0, n), n >= 1, without modulo bias (Lemire 2019). */
uint64_t vx_rng_below(vx_rng *r, uint64_t n);
/* Standard normal N(0, 1) (Box-Muller; draws come in pairs, the second is kept). */
double vx_rng_normal(vx_rng *r);

#endif
