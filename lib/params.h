/* The DiffVox parameter vector: 151 raw ("logit") values in the published order
 * (spec/effects.md §3), their maps to physical values, and the physical struct the
 * effect stages read. One table (params.c) drives the maps, JSON names and tests. */
#ifndef VX_PARAMS_H
#define VX_PARAMS_H

#include <stddef.h>

#define VX_FS 44100.0      /* the model's only sample rate, Hz */
#define VX_NRAW 151        /* stored raw values per preset */
#define VX_NMASK 130       /* raw values left after dropping W's lower triangle */
#define VX_FDN_LINES 6
#define VX_FDN_GAMMAS 49
#define VX_SHELF_Q 0.70700001716613770 /* fixed shelf Q: 0.707 as float32 */

/* One EQ band. Peak: gain, freq, q. Shelves: gain, freq (q = VX_SHELF_Q).
 * Low/high-pass: freq, q (gain unused, 0). Units: dB, Hz. */
typedef struct {
    double gain_db, freq_hz, q;
} vx_band;

enum { VX_PEQ_PEAK1, VX_PEQ_PEAK2, VX_PEQ_LOWSHELF, VX_PEQ_HIGHSHELF, VX_PEQ_LOWPASS,
       VX_PEQ_HIGHPASS, VX_PEQ_BANDS };
enum { VX_FDNEQ_PEAK1, VX_FDNEQ_PEAK2, VX_FDNEQ_LOWSHELF, VX_FDNEQ_HIGHSHELF, VX_FDNEQ_BANDS };

/* Physical values of the whole chain. Every member is a double so that a gradient
 * with respect to physical values can use the same struct (see vx_params_grad_to_raw). */
typedef struct {
    vx_band peq[VX_PEQ_BANDS]; /* chain order: peak1, peak2, low shelf, high shelf, LP, HP */
    struct {
        double cmp_th_db, exp_th_db, make_up_db;
        double lookahead_ms;   /* |raw| mod 15 */
        double attack, release; /* smoothing coefficients in (0,1) */
        double rms_coef;        /* RMS detector averaging coefficient in (0,1) */
        double cmp_ratio;       /* (1, 20) */
        double exp_ratio;       /* (0, 1) */
    } comp;
    double send; /* delay -> FDN send gain, (0,1) */
    struct {
        double time_ms, feedback, gain;
        vx_band lpf;                /* feedback low-pass: freq, q */
        double odd_pan, even_pan;   /* pan positions p in (0,1); 0.5 is centre */
    } delay;
    struct {
        double b[VX_FDN_LINES][2];  /* input matrix, b[line][input channel] */
        double c[2][VX_FDN_LINES];  /* output matrix, c[output channel][line] */
        double gamma[VX_FDN_GAMMAS];/* decay per 997 samples at f = m fs/96 */
        double w[VX_FDN_LINES][VX_FDN_LINES]; /* raw generator: U = expm(triu1(W) - triu1(W)^T) */
        vx_band eq[VX_FDNEQ_BANDS]; /* peak A, peak B, low shelf, high shelf */
    } fdn;
    double pan; /* dry pan position p in (0,1) */
} vx_fx;

#define VX_FX_NVALUES (sizeof(vx_fx) / sizeof(double))

typedef enum {
    VX_MAP_IDENTITY, /* y = x */
    VX_MAP_SIGMOID,  /* y = sigma(x) */
    VX_MAP_MINMAX,   /* y = lo + (hi - lo) sigma(x); gamma uses lo = 0, hi = gamma_max */
    VX_MAP_WRAP,     /* y = |x| mod hi (lookahead, hi = 15 ms) */
} vx_map;

/* Units of the readable record where they differ from the physical value. */
typedef enum {
    VX_SHOW_AS_IS,
    VX_SHOW_PAN,     /* p in (0,1) shown as 200 p - 100, from -100 (left) to 100 (right) */
    VX_SHOW_COEF_MS, /* smoothing coefficient a shown as ms: -2200 / (fs ln(1 - a)) */
} vx_display;

/* One entry of the 46 DiffVox state-dict keys. */
typedef struct {
    const char *key;   /* DiffVox key as in info.json without ".params"/".original", e.g. "0.freq" */
    const char *group; /* JSON object in the readable "fx" record, e.g. "peak1" */
    const char *name;  /* field in that object, e.g. "freq_hz" */
    int raw_index;     /* first index in the 151 vector */
    int count;         /* number of values (row-major) */
    size_t offset;     /* offsetof(vx_fx, first value) */
    vx_map map;
    double lo, hi;     /* map range (MINMAX, WRAP); the value's limits (IDENTITY) */
    double init;       /* physical value at the DiffVox config's initialisation */
    vx_display display;/* how the readable "fx" record shows the value */
} vx_param_def;

extern const vx_param_def vx_param_table[];
extern const int vx_param_table_len;

/* Raw values of the sigmoid, MinMax and wrap maps lie in [-VX_RAW_LIMIT, VX_RAW_LIMIT]:
 * far beyond every published preset (|raw| <= 15.5), and short of the sigmoid's
 * saturation in double (|raw| > 36.7), so that every mapped value stays strictly inside
 * its range and the chain stays finite. Identity-mapped values have limits in the table. */
#define VX_RAW_LIMIT 30.0

/* gamma_max = 10^(-60 * 997 / (fs * 9 s) / 20) (spec §2). */
double vx_fdn_gamma_max(void);

/* The closed interval [lo, hi] a raw value of d may hold (see VX_RAW_LIMIT). */
void vx_param_raw_range(const vx_param_def *d, double *lo, double *hi);

/* Maps for one value. dy/dx is what the chain rule needs for gradients. */
double vx_map_forward(const vx_param_def *d, double raw);
double vx_map_derivative(const vx_param_def *d, double raw);
/* Inverse map; returns NAN if y is outside the open range. */
double vx_map_inverse(const vx_param_def *d, double phys);

/* raw[151] -> physical. clip_q caps the delay LPF's Q at 0.707 (loss_eval's --clip-Q).
 * Returns 0, or the raw index + 1 of the first non-finite value. */
int vx_params_to_fx(const double *raw, int clip_q, vx_fx *fx);

/* Physical -> raw[151] through the inverse maps (W copied as is). Returns 0, or the
 * raw index + 1 of the first value outside its range. */
int vx_params_from_fx(const vx_fx *fx, double *raw);

/* Chain rule: d(loss)/d(raw) from d(loss)/d(physical), laid out as a vx_fx.
 * graw[151] is overwritten. clip_q as above (a clipped Q has zero gradient). */
void vx_params_grad_to_raw(const double *raw, const vx_fx *gfx, int clip_q, double *graw);

/* The DiffVox config's initial raw vector. FDN U and gamma are random in DiffVox;
 * here gamma starts at gamma_init and W at 0 unless the caller draws them. */
void vx_params_init(double *raw);

/* Feature mask of spec §3: 130 of 151 are kept (W's lower triangle incl. diagonal
 * dropped). mask[151] gets 1/0; vx_params_mask_index lists kept raw indices. */
void vx_params_mask(unsigned char *mask);
void vx_params_mask_index(int *index130);

/* Physical value <-> the number shown in the readable record (units above). */
double vx_display_from_phys(vx_display d, double phys);
double vx_display_to_phys(vx_display d, double shown);

/* Table lookup by fx group/name or DiffVox key; NULL when unknown. */
const vx_param_def *vx_param_find(const char *group, const char *name);
const vx_param_def *vx_param_by_raw_index(int raw_index);

#endif
