/* Matrix exponential of a small real matrix and its Frechet derivative, for the FDN's
 * orthogonal mixing matrix U = expm(S) (spec/effects.md §2 UniLossLess) and its gradient. */
#ifndef VX_DSP_EXPM_H
#define VX_DSP_EXPM_H

/* Largest n accepted by vx_expm_frechet and vx_expm_frechet_adjoint (vx_expm takes 2n). */
#define VX_EXPM_MAXN 12

/* e = expm(a) for a real n x n matrix, row-major, 1 <= n <= 2 VX_EXPM_MAXN.
 * Pade(13) with scaling and squaring (Higham, SIAM J. Matrix Anal. Appl. 26, 2005).
 * e must not alias a. Returns 0, or -1 for a bad n, a non-finite a or a failed solve. */
int vx_expm(int n, const double *a, double *e);

/* Frechet derivative l = L(a, e) = d/dt expm(a + t e) at t = 0, n x n row-major,
 * 1 <= n <= VX_EXPM_MAXN, from the upper-right block of expm([[a, e], [0, a]]).
 * l must not alias a or e. Returns 0 or -1 as vx_expm. */
int vx_expm_frechet(int n, const double *a, const double *e, double *l);

/* Adjoint of the Frechet derivative: given g = d(loss)/d(expm(a)), writes
 * d(loss)/d(a) = L(a^T, g) into ga (n x n row-major). ga must not alias a or g. */
int vx_expm_frechet_adjoint(int n, const double *a, const double *g, double *ga);

#endif
