/**
 * Small dense float64 routines for GPTQ (spec ptq.md §1.4): Cholesky–Banachiewicz, the inverse
 * from the Cholesky factor, and the upper factor of that inverse. Matrices are row-major n×n
 * Float64Arrays; loop orders are fixed (sums run over k ascending) so results are reproducible.
 */
import { choleskyInverseKernel, choleskyLowerKernel } from './kernels.js';

/**
 * Lower Cholesky factor L of the symmetric matrix A (only its lower triangle is read): A = L Lᵀ, on
 * the WASM f64x2 kernel (equal bit for bit to choleskyLowerRef). Fails with NOT_POSITIVE_DEFINITE
 * naming the first pivot that is not > 0 (`what` names A).
 */
export function choleskyLower(a: Float64Array, n: number, what: string): Float64Array {
  return choleskyLowerKernel(a, n, what);
}

/**
 * (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹ from a lower Cholesky factor (torch.cholesky_inverse): forward substitution
 * Y = L⁻¹ column by column, then Σ_{k ≥ max(i,j)} Y[k][i] Y[k][j], sums k ascending — on the WASM
 * f64x2 kernels (src/ptq/kernels.ts), equal bit for bit to the plain-TS choleskyInverseRef.
 */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  return choleskyInverseKernel(l, n);
}

/** Upper Cholesky factor U of A (A = Uᵀ U), i.e. the transpose of the lower factor. */
export function choleskyUpper(a: Float64Array, n: number, what: string): Float64Array {
  return choleskyLowerKernel(a, n, what, true);
}
