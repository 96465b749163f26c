/**
 * The float64 GPTQ kernels in WASM SIMD (assembly/ptq/: f64x2 lanes, the reference twins' exact
 * order of operations, so results equal kernels-ref.ts bit for bit): the Hessian's Xᵀ X and the
 * lazy batch update. Data is copied into the runtime's arena per call; `gptqLazy` works on a weight
 * that already lives there (see gptq.ts).
 */
import { fail } from '../errors.js';
import { runtime, type Runtime } from '../runtime/wasm.js';

interface PtqKernels {
  syrk_f64_pairs__wasmsimd(xp: number, rows: number, q0: number, q1: number, s: number, ld: number, tri: number): void;
  gptq_lazy_f64__wasmsimd(err: number, rows: number, n: number, u: number, ldu: number, j0: number, j1: number, w: number): void;
  trsm_f64_pairs__wasmsimd(l: number, n: number, q0: number, q1: number, yp: number): void;
  chol_f64_pairs__wasmsimd(a: number, n: number, q0: number, q1: number, lp: number, info: number): number;
  gemm_f64_pack_b4__wasmsimd(b: number, ldb: number, trans: number, t0: number, kc: number, n: number, dst: number): void;
  gemm_f64_4x4__wasmsimd(a: number, lda: number, i0: number, i1: number, t0: number, kc: number, bp: number, n: number, c: number, ldc: number, mode: number): void;
  gemm_f64_4x4_packed__wasmsimd(ap: number, aStride: number, i0: number, i1: number, t0: number, kc: number, bp: number, bStride: number, n: number, c: number, ldc: number, mode: number): void;
  gptq_rank1_f64__wasmsimd(x: number, rows: number, w: number, v: number, j0: number, j1: number, mode: number): void;
}

const kernels = (rt: Runtime) => rt.exports as unknown as PtqKernels;

/**
 * Long kernels run as many short calls: V8 compiles WASM with its baseline tier first and swaps in
 * the optimised code only between calls (no on-stack replacement), so one long call would run
 * baseline code throughout. Chunks of `step` units, each call a few milliseconds at most.
 */
function chunked(n: number, step: number, run: (a: number, b: number) => void): void {
  for (let a = 0; a < n; a += step) run(a, Math.min(a + step, n));
}

export const f64View = (rt: Runtime, ptr: number, n: number): Float64Array => new Float64Array(rt.memory.buffer, ptr, n);

/**
 * Lower triangle of Xᵀ X for x [rows, c] row-major times `scale` (each element k·x in float64 before
 * the products, as the reference scales the batch): out(i, j) for j ≤ i, in a c × c row-major array
 * of which the caller reads j ≤ i. Equals syrkLowerRef on the scaled column-major batch bit for bit.
 */
export function syrkLower(x: Float32Array | Float64Array, rows: number, c: number, scale: number): Float64Array {
  const out = new Float64Array(c * c);
  syrkLowerVisit(x, rows, c, scale, (s, ld) => {
    for (let i = 0; i < c; i++) out.set(s.subarray(i * ld, i * ld + i + 1), i * c);
  });
  return out;
}

/** syrkLower without the copy: `use` reads the lower triangle in place (row stride ld) before the arena is released. */
export function syrkLowerVisit(x: Float32Array | Float64Array, rows: number, c: number, scale: number, use: (s: Float64Array, ld: number) => void): void {
  syrkPairs(rows, c, 0, (xp) => {
    // pair p of token t at (p·rows + t)·2: per pair a contiguous run over t (reads stride c)
    for (let p = 0; 2 * p < c; p++) {
      const two = 2 * p + 1 < c;
      for (let t = 0; t < rows; t++) {
        const o = (p * rows + t) * 2;
        xp[o] = scale * x[t * c + 2 * p];
        if (two) xp[o + 1] = scale * x[t * c + 2 * p + 1];
      }
    }
  }, use);
}

/**
 * Lower Cholesky factor of A (row-major n × n, lower triangle read), as row-major L — or, with
 * `transpose`, U = Lᵀ. Two rows per pass on the chol kernel; equals choleskyLowerRef bit for bit and
 * fails like it: NOT_POSITIVE_DEFINITE naming the first pivot that is not > 0 (`what` names A).
 */
export function choleskyLowerKernel(a: Float64Array, n: number, what: string, transpose = false): Float64Array {
  const rt = runtime();
  return rt.scoped(() => {
    const pA = rt.alloc(n * n * 8);
    f64View(rt, pA, n * n).set(a);
    const npairs = (n + 1) >> 1;
    const pL = rt.alloc(npairs * n * 16);
    const info = rt.alloc(16);
    const k = kernels(rt);
    for (let q = 0; q < npairs; q += 4) {
      if (k.chol_f64_pairs__wasmsimd(pA, n, q, Math.min(q + 4, npairs), pL, info) === 0) {
        const pivot = rt.i32(info, 1)[0];
        const value = f64View(rt, info + 8, 1)[0];
        fail('NOT_POSITIVE_DEFINITE', `${what} is not positive definite: pivot ${pivot} is ${value} (raise percdamp or add calibration data)`, { pivot, value });
      }
    }
    const lp = f64View(rt, pL, npairs * n * 2);
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const o = (i >> 1) * n * 2 + (i & 1);
      if (transpose) for (let j = 0; j <= i; j++) out[j * n + i] = lp[o + 2 * j];
      else for (let j = 0; j <= i; j++) out[i * n + j] = lp[o + 2 * j];
    }
    return out;
  });
}

/**
 * (L Lᵀ)⁻¹ from the lower Cholesky factor L (row-major n × n): forward substitution two columns at a
 * time (trsm kernel, Y = L⁻¹ in interleaved column pairs), then Σ_{k ≥ i} Y[k][i]·Y[k][j] on the
 * pair kernel (tri = 1) straight from that layout. Equals choleskyInverseRef bit for bit.
 */
export function choleskyInverseKernel(l: Float64Array, n: number): Float64Array {
  const rt = runtime();
  return rt.scoped(() => {
    const pL = rt.alloc(n * n * 8);
    f64View(rt, pL, n * n).set(l);
    const npairs = (n + 1) >> 1;
    const ld = 2 * npairs;
    const pY = rt.alloc(n * ld * 8);
    const pS = rt.alloc(ld * ld * 8);
    const k = kernels(rt);
    chunked(npairs, 4, (q0, q1) => k.trsm_f64_pairs__wasmsimd(pL, n, q0, q1, pY));
    chunked(npairs, 4, (q0, q1) => k.syrk_f64_pairs__wasmsimd(pY, n, q0, q1, pS, ld, 1));
    const s = f64View(rt, pS, ld * ld);
    const inv = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = s[i * ld + j];
        inv[i * n + j] = v;
        inv[j * n + i] = v;
      }
    }
    return inv;
  });
}

/** Run the pair kernel on an interleaved copy filled by `fill` (pad channel zeroed); `use` reads S (lower triangle, row stride ld) in the arena. */
function syrkPairs(rows: number, c: number, tri: 0 | 1, fill: (xp: Float64Array) => void, use: (s: Float64Array, ld: number) => void): void {
  const rt = runtime();
  rt.scoped(() => {
    const npairs = (c + 1) >> 1;
    const ld = 2 * npairs;
    const pX = rt.alloc(rows * ld * 8);
    const pS = rt.alloc(ld * ld * 8);
    const xp = f64View(rt, pX, rows * ld);
    if (c & 1) for (let t = 0; t < rows; t++) xp[((c >> 1) * rows + t) * 2 + 1] = 0;
    fill(xp);
    const k = kernels(rt);
    chunked(npairs, 4, (q0, q1) => k.syrk_f64_pairs__wasmsimd(pX, rows, q0, q1, pS, ld, tri));
    use(f64View(rt, pS, ld * ld), ld);
  });
}

/** gptqLazyRef on arena pointers (err rows × n, u n × ldu, w rows × cols column-major). */
export function gptqLazy(rt: Runtime, pErr: number, rows: number, n: number, pU: number, ldu: number, j0: number, j1: number, pW: number): void {
  const k = kernels(rt);
  chunked(j1 - j0, 16, (a, b) => k.gptq_lazy_f64__wasmsimd(pErr, rows, n, pU, ldu, j0 + a, j0 + b, pW));
}

/** Rows of A and k steps per gemm_f64_4x4 call (MCF, KCF in assembly/ptq/gemm-f64-f64-4x4-wasmsimd.ts). */
const MCF = 128;
const KCF = 256;

/** Bytes of the B pack buffer gemmF64 needs for n columns. */
export const gemmF64PackBytes = (n: number): number => (((n + 3) >> 2) << 2) * KCF * 8;

/** Mode bits of gemmF64: subtract (else add), B lower triangular, lower tiles of C only, A lower triangular. */
export const GEMM_SUB = 1;
export const GEMM_LOWER_B = 2;
export const GEMM_LOWER_C = 4;
export const GEMM_LOWER_A = 8;

/**
 * gemmF64Ref on arena pointers: C (m × n, stride ldc) ∓= A (m × k, stride lda) · B (k × n: b[t·ldb + j],
 * or b[j·ldb + t] when trans), every C[i, j] a sequential chain through C; pack: gemmF64PackBytes(n)
 * bytes of scratch. Calls of MCF rows × KCF steps (short calls, so that V8 tiers the kernel up).
 * With GEMM_LOWER_C or GEMM_LOWER_A the C rows start at a multiple of 4 of C's own indices (as they do here: row 0).
 */
export function gemmF64(rt: Runtime, pA: number, lda: number, m: number, pB: number, ldb: number, trans: boolean, k: number, n: number, pC: number, ldc: number, mode: number, pack: number): void {
  if (m === 0 || n === 0 || k === 0) return;
  const kx = kernels(rt);
  for (let t0 = 0; t0 < k; t0 += KCF) {
    const kc = Math.min(KCF, k - t0);
    kx.gemm_f64_pack_b4__wasmsimd(pB, ldb, trans ? 1 : 0, t0, kc, n, pack);
    for (let i0 = 0; i0 < m; i0 += MCF) kx.gemm_f64_4x4__wasmsimd(pA, lda, i0, Math.min(i0 + MCF, m), t0, kc, pack, n, pC, ldc, mode);
  }
}

/**
 * A packed row-major matrix for gemmF64Packed: tile q (rows 4q … 4q+3) at element q·4·ld, A[4q + l, t]
 * at element q·4·ld + 4t + l (ld ≥ the columns; rows past the matrix stay zero). Element index of A[i, t].
 */
export const packedIndex = (ld: number, i: number, t: number): number => (i >> 2) * 4 * ld + 4 * t + (i & 3);

/**
 * gemmF64 with A and B already packed (packedIndex layout, read in place, nothing copied per call):
 * C (m × n, stride ldc) ∓= A · Bᵀ over t in [0, k), A[i, t] at pA's packedIndex(lda, i, t) and
 * B[t, j] = Bp[j, t] at pB's packedIndex(ldb, j, t) (pA, pB: byte offsets of tile 0). The same chains
 * as gemmF64Ref with trans = true, bit for bit.
 */
export function gemmF64Packed(rt: Runtime, pA: number, lda: number, m: number, pB: number, ldb: number, k: number, n: number, pC: number, ldc: number, mode: number): void {
  if (m === 0 || n === 0 || k === 0) return;
  const kx = kernels(rt);
  for (let t0 = 0; t0 < k; t0 += KCF) {
    const kc = Math.min(KCF, k - t0);
    for (let i0 = 0; i0 < m; i0 += MCF) kx.gemm_f64_4x4_packed__wasmsimd(pA, lda * 32, i0, Math.min(i0 + MCF, m), t0, kc, pB, ldb * 32, n, pC, ldc, mode);
  }
}

/** gptqRank1Ref on arena pointers: columns [j0, j1) of the column-major block w ∓= x ⊗ v[j]. */
export function gptqRank1(rt: Runtime, pX: number, rows: number, pW: number, pV: number, j0: number, j1: number, sub: boolean): void {
  if (j1 > j0) kernels(rt).gptq_rank1_f64__wasmsimd(pX, rows, pW, pV, j0, j1, sub ? 1 : 0);
}
