import { fail } from '../errors.js';

/**
 * Plain-TypeScript reference twins of the float64 GPTQ kernels (assembly/ptq/), in the loop order
 * of spec ptq.md §1.2 / §1.4: the WASM kernels must equal these bit for bit (test/ptq/kernels.test.ts).
 */

/**
 * S[i·ld + j] = Σ_t xs[i·rows + t] · xs[j·rows + t] (t ascending, from +0) for j ≤ i; xs holds c
 * channels column-major (rows values each).
 */
export function syrkLowerRef(xs: Float64Array, rows: number, c: number, s: Float64Array, ld: number): void {
  for (let i = 0; i < c; i++) {
    const oi = i * rows;
    for (let j = 0; j <= i; j++) {
      const oj = j * rows;
      let v = 0;
      for (let t = 0; t < rows; t++) v += xs[oi + t] * xs[oj + t];
      s[i * ld + j] = v;
    }
  }
}

/**
 * GPTQ's lazy batch update: for j in [j0, j1), acc_r = Σ_k err[k·rows + r] · u[k·ldu + j] (k ascending,
 * from +0), then w[j·rows + r] −= acc_r. err is rows × n column-major, w column-major.
 */
export function gptqLazyRef(err: Float64Array, rows: number, n: number, u: Float64Array, ldu: number, j0: number, j1: number, w: Float64Array): void {
  const acc = new Float64Array(rows);
  for (let j = j0; j < j1; j++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const uk = u[k * ldu + j];
      const o = k * rows;
      for (let r = 0; r < rows; r++) acc[r] += err[o + r] * uk;
    }
    const o = j * rows;
    for (let r = 0; r < rows; r++) w[o + r] -= acc[r];
  }
}

/**
 * (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹ from a lower Cholesky factor (torch.cholesky_inverse): Y = L⁻¹ by forward
 * substitution column by column, stored transposed (yt[c][k] = Y[k][c]); then
 * inv[i][j] = Σ_{k ≥ i} Y[k][i] Y[k][j] for j ≤ i, mirrored. All sums k ascending from +0.
 */
export function choleskyInverseRef(l: Float64Array, n: number): Float64Array {
  const yt = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const oc = c * n;
    yt[oc + c] = 1 / l[c * n + c];
    for (let i = c + 1; i < n; i++) {
      const oi = i * n;
      let s = 0;
      for (let k = c; k < i; k++) s += l[oi + k] * yt[oc + k];
      yt[oc + i] = -s / l[oi + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let j = 0; j <= i; j++) {
      const oj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += yt[oi + k] * yt[oj + k];
      inv[oi + j] = s;
      inv[oj + i] = s;
    }
  }
  return inv;
}

/**
 * Cholesky–Banachiewicz: L with A = L Lᵀ from the lower triangle of A, row by row, `v = A[i][j];
 * v −= L[i][k]·L[j][k]` for k ascending; NOT_POSITIVE_DEFINITE naming the first pivot not > 0.
 */
export function choleskyLowerRef(a: Float64Array, n: number, what: string): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let v = a[ri + j];
      for (let k = 0; k < j; k++) v -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(v > 0)) {
          fail('NOT_POSITIVE_DEFINITE', `${what} is not positive definite: pivot ${i} is ${v} (raise percdamp or add calibration data)`, { pivot: i, value: v });
        }
        l[ri + i] = Math.sqrt(v);
      } else {
        l[ri + j] = v / l[rj + j];
      }
    }
  }
  return l;
}

/**
 * C ∓= A·B as sequential chains through C (twin of assembly/ptq/gemm-f64-f64-4x4): for every (i, j)
 * of the m × n C (row stride ldc) that the mode selects, v = C[i, j]; v = v ∓ A[i, t]·B[t, j] for t
 * ascending from t = 0, or from j & ~3 with mode bit 2 (B lower triangular); C[i, j] = v. Bit 1:
 * subtract (else add); bit 4: only (j >> 2) ≤ (i >> 2); bit 8: A lower triangular, t ≤ i | 3. A[i, t] = a[i·lda + t]; B[t, j] = b[t·ldb + j],
 * or b[j·ldb + t] when trans.
 */
export function gemmF64Ref(a: Float64Array, lda: number, b: Float64Array, ldb: number, trans: boolean, c: Float64Array, ldc: number, m: number, n: number, k: number, mode: number): void {
  const sub = (mode & 1) !== 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (mode & 4 && j >> 2 > i >> 2) continue;
      let v = c[i * ldc + j];
      const end = mode & 8 ? Math.min(k, (i | 3) + 1) : k;
      for (let t = mode & 2 ? j & ~3 : 0; t < end; t++) {
        const p = a[i * lda + t] * (trans ? b[j * ldb + t] : b[t * ldb + j]);
        v = sub ? v - p : v + p;
      }
      c[i * ldc + j] = v;
    }
  }
}

/** GPTQ's in-block rank-1 update: w[j·rows + r] = w[j·rows + r] ∓ x[r]·v[j] for j in [j0, j1) (sub: −). */
export function gptqRank1Ref(x: Float64Array, rows: number, w: Float64Array, v: Float64Array, j0: number, j1: number, sub: boolean): void {
  for (let j = j0; j < j1; j++) {
    const s = v[j];
    const o = j * rows;
    for (let r = 0; r < rows; r++) w[o + r] = sub ? w[o + r] - x[r] * s : w[o + r] + x[r] * s;
  }
}

/**
 * Twin of choleskyUpperOfReversed (src/ptq/linalg.ts; GPTQ's fast mode): Ũ with H = Ũ Ũᵀ from the
 * blocked left-looking Cholesky L of A = J H J (J the order reversal) in block columns of nb, in the
 * order of operations of the kernels: for block column J = [j0, j1), every A[i][j] (i ≥ j0, j in J)
 * is the chain v = A[i][j]; v −= L[i][t]·L[j][t] for t < j0 ascending; the diagonal block by
 * Cholesky–Banachiewicz (k ascending); Li = L_JJ⁻¹ by forward substitution (s from +0, k ascending,
 * then −s / L_ii); the rows below are the chains v = +0; v += S[i][t]·Li[j][t] for t ascending over
 * the whole block (S the updated A). Ũ[i][j] = L[n−1−i][n−1−j] for j ≥ i.
 */
export function choleskyUpperOfReversedRef(h: Float64Array, n: number, what: string, nb: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = h[(n - 1 - i) * n + n - 1 - j];
  for (let j0 = 0; j0 < n; j0 += nb) {
    const j1 = Math.min(j0 + nb, n);
    const b = j1 - j0;
    for (let i = j0; i < n; i++) {
      for (let j = j0; j < j1; j++) {
        let v = L[i * n + j];
        for (let t = 0; t < j0; t++) v -= L[i * n + t] * L[j * n + t];
        L[i * n + j] = v;
      }
    }
    const d = new Float64Array(b * b);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j <= i; j++) {
        let v = L[(j0 + i) * n + j0 + j];
        for (let k = 0; k < j; k++) v -= d[i * b + k] * d[j * b + k];
        if (i === j) {
          if (!(v > 0)) {
            const col = n - 1 - (j0 + i);
            fail('NOT_POSITIVE_DEFINITE', `${what} is not positive definite: pivot of column ${col} (factored last to first) is ${v} (raise percdamp or add calibration data)`, { pivot: col, value: v });
          }
          d[i * b + i] = Math.sqrt(v);
        } else d[i * b + j] = v / d[j * b + j];
      }
    }
    const li = new Float64Array(b * b);
    for (let c = 0; c < b; c++) {
      li[c * b + c] = 1 / d[c * b + c];
      for (let i = c + 1; i < b; i++) {
        let s = 0;
        for (let k = c; k < i; k++) s += d[i * b + k] * li[k * b + c];
        li[i * b + c] = -s / d[i * b + i];
      }
    }
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) L[(j0 + i) * n + j0 + j] = j <= i ? d[i * b + j] : 0;
    const row = new Float64Array(b);
    for (let i = j1; i < n; i++) {
      for (let t = 0; t < b; t++) row[t] = L[i * n + j0 + t];
      for (let j = 0; j < b; j++) {
        let v = 0;
        for (let t = 0; t < b; t++) v += row[t] * li[j * b + t];
        L[i * n + j0 + j] = v;
      }
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out[i * n + j] = L[(n - 1 - i) * n + n - 1 - j];
  return out;
}
