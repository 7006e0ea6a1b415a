/* Small dense linear solves for the audio path (the FDN's Pade step, the A-weighting
 * design): systems of at most a few dozen unknowns, solved in place. The tools that
 * render and fit do not link LAPACK: a threaded BLAS loaded with them (OpenBLAS) starts
 * its threads and maps its buffers before main, and under a small address-space limit
 * it retries its mapping for ever instead of failing. */
#ifndef VX_DSP_SOLVE_H
#define VX_DSP_SOLVE_H

/* Solves a x = b for a general n x n matrix a (row-major, overwritten by its LU factors)
 * and nrhs right-hand sides b (n x nrhs row-major, overwritten by x), by Gaussian
 * elimination with partial pivoting. Returns -1 when a is singular or not finite. */
int vx_solve_general(int n, double *a, double *b, int nrhs);

/* Solves a x = b for a symmetric positive definite a (row-major; its lower triangle is
 * read and overwritten by the Cholesky factor) and one right-hand side b (overwritten
 * by x). Returns -1 when a is not positive definite or not finite. */
int vx_solve_spd(int n, double *a, double *b);

#endif
