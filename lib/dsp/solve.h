/* Small dense linear solves for the audio path (the FDN's Pade step, the A-weighting
 * design) and the preset prior's Cholesky factor (130 x 130): solved in place. The tools that
 * render and fit do not link LAPACK: a threaded BLAS loaded with them (OpenBLAS) starts
 * its threads and maps its buffers before main, and under a small address-space limit
 * it retries its mapping for ever instead of failing. */
#ifndef VX_DSP_SOLVE_H
#define VX_DSP_SOLVE_H

/* Solves a x = b for a general n x n matrix a (row-major, overwritten by its LU factors)
 * and nrhs right-hand sides b (n x nrhs row-major, overwritten by x), by Gaussian
 * elimination with partial pivoting. Returns -1 when a is singular or not finite. */
int vx_solve_general(int n, double *a, double *b, int nrhs);

/* Cholesky factor of a symmetric positive definite n x n matrix a (row-major): its lower
 * triangle is read and overwritten by L, a = L L^T; the upper triangle is not touched.
 * Returns 0, or the order (1..n) of the first leading minor that is not positive definite
 * or not finite. One fixed order of operations, whatever BLAS/LAPACK is installed. */
int vx_cholesky(int n, double *a);

/* Solves a x = b for a symmetric positive definite a (row-major; its lower triangle is
 * read and overwritten by the Cholesky factor) and one right-hand side b (overwritten
 * by x). Returns -1 when a is not positive definite or not finite. */
int vx_solve_spd(int n, double *a, double *b);

#endif
