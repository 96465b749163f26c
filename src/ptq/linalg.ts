/**
 * Small dense float64 routines for GPTQ (spec ptq.md §1.4): Cholesky–Banachiewicz, the inverse
 * from the Cholesky factor, and the upper factor of that inverse. Matrices are row-major n×n
 * Float64Arrays; loop orders are fixed (sums run over k ascending) so results are reproducible.
 */
import { fail } from '../errors.js';
import { runtime } from '../runtime/wasm.js';
import { choleskyInverseKernel, choleskyLowerKernel, f64View, gemmF64, gemmF64PackBytes, gemmF64Packed, GEMM_SUB } from './kernels.js';

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

/** Block columns of choleskyUpperOfReversed (its bits depend on it: twin choleskyUpperOfReversedRef). */
export const CHOL_BLOCK = 64;

/**
 * Upper factor Ũ of H = Ũ Ũᵀ (GPTQ's fast mode): Ũ = J·chol(J H J)·J with J the order reversal,
 * so Ũ⁻¹ is the upper Cholesky factor U of H⁻¹ (H⁻¹ = Uᵀ U) and GPTQ needs no explicit inverse.
 * Blocked left-looking Cholesky of J H J in float64: per block column of NB, the update from the
 * columns left of it on the f64x2 GEMM kernel (gemm-f64-f64-4x4, reading both operands in place from
 * Lp, a copy of the finished columns of L in the kernel's packed tile layout, so nothing is repacked
 * per block), the diagonal block by Cholesky–Banachiewicz, the rows below it times the inverse of that
 * block (GEMM again). Fails with
 * NOT_POSITIVE_DEFINITE naming the column of H whose pivot is not > 0 (`what` names H).
 */
export function choleskyUpperOfReversed(h: Float64Array, n: number, what: string): Float64Array {
  const NB = CHOL_BLOCK;
  const rt = runtime();
  return rt.scoped(() => {
    const pA = rt.alloc(n * n * 8);
    const pS = rt.alloc(n * NB * 8);
    const pLi = rt.alloc(NB * NB * 8);
    const pack = rt.alloc(gemmF64PackBytes(NB));
    const tilesN = (n + 3) >> 2;
    const pLp = rt.alloc(tilesN * 4 * n * 8); // L packed: rows in tiles of 4 (packedIndex(n, i, t)), pad rows zero
    const A = f64View(rt, pA, n * n);
    const S = f64View(rt, pS, n * NB);
    const Li = f64View(rt, pLi, NB * NB);
    const Lp = f64View(rt, pLp, tilesN * 4 * n);
    if (n & 3) Lp.fill(0, (tilesN - 1) * 4 * n); // the last tile's rows past n
    for (let i = 0; i < n; i++) {
      const src = (n - 1 - i) * n + n - 1;
      for (let j = 0; j <= i; j++) A[i * n + j] = h[src - j];
    }
    const d = new Float64Array(NB * NB);
    for (let j0 = 0; j0 < n; j0 += NB) {
      const j1 = Math.min(j0 + NB, n);
      const nb = j1 - j0;
      // A[j0:, j0:j1] −= L[j0:, 0:j0] · L[j0:j1, 0:j0]ᵀ
      const tileJ0 = pLp + (j0 >> 2) * 4 * n * 8; // j0 is a multiple of 4: C row 0 and column 0 start a tile
      if (j0 > 0) gemmF64Packed(rt, tileJ0, n, n - j0, tileJ0, n, j0, nb, pA + (j0 * n + j0) * 8, n, GEMM_SUB);
      // diagonal block: L_JJ (Banachiewicz) and its inverse (forward substitution)
      for (let i = 0; i < nb; i++) {
        for (let j = 0; j <= i; j++) {
          let v = A[(j0 + i) * n + j0 + j];
          for (let k = 0; k < j; k++) v -= d[i * NB + k] * d[j * NB + k];
          if (i === j) {
            if (!(v > 0)) {
              const col = n - 1 - (j0 + i);
              fail('NOT_POSITIVE_DEFINITE', `${what} is not positive definite: pivot of column ${col} (factored last to first) is ${v} (raise percdamp or add calibration data)`, { pivot: col, value: v });
            }
            d[i * NB + i] = Math.sqrt(v);
          } else d[i * NB + j] = v / d[j * NB + j];
        }
      }
      Li.fill(0);
      for (let c = 0; c < nb; c++) {
        Li[c * nb + c] = 1 / d[c * NB + c];
        for (let i = c + 1; i < nb; i++) {
          let s = 0;
          for (let k = c; k < i; k++) s += d[i * NB + k] * Li[k * nb + c];
          Li[i * nb + c] = -s / d[i * NB + i];
        }
      }
      for (let i = 0; i < nb; i++) for (let j = 0; j < nb; j++) A[(j0 + i) * n + j0 + j] = j <= i ? d[i * NB + j] : 0;
      // L[j1:, J] = A[j1:, J] · L_JJ⁻ᵀ
      const m = n - j1;
      if (m > 0) {
        for (let i = 0; i < m; i++) {
          const o = (j1 + i) * n + j0;
          for (let j = 0; j < nb; j++) {
            S[i * nb + j] = A[o + j];
            A[o + j] = 0;
          }
        }
        gemmF64(rt, pS, nb, m, pLi, nb, true, nb, nb, pA + (j1 * n + j0) * 8, n, 0, pack);
      }
      // the finished block column L[j0:, J] into Lp
      for (let i = j0; i < n; i++) {
        const o = i * n;
        const p = ((i >> 2) * n) * 4 + (i & 3);
        for (let t = j0; t < j1; t++) Lp[p + 4 * t] = A[o + t];
      }
    }
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const src = (n - 1 - i) * n + n - 1;
      for (let j = i; j < n; j++) out[i * n + j] = A[src - j];
    }
    return out;
  });
}
