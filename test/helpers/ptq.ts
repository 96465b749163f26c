// The synthetic bit-exact GPTQ vectors of spec ptq.md §1.7: integer-hash inputs exact in JS.
import { HessianAccumulator } from '../../src/index.js';
import { mulberry32 } from './rng.js';

export const hval = (a: number, b: number, c: number): number =>
  ((((a * 7919 + b * 104729 + c * 1299709 + 12345) % 65521) + 65521) % 65521 - 32760) / 32768;

export const ROWS = 8;
export const COLS = 64;

export function specW(): Float64Array {
  const w = new Float64Array(ROWS * COLS);
  for (let i = 0; i < ROWS; i++) for (let j = 0; j < COLS; j++) w[i * COLS + j] = hval(i, j, 1);
  return w;
}

/** 4 sequences × 24 tokens, channels 5, 17, 40 × 8, one sequence per add. */
export function specHessian(): HessianAccumulator {
  const h = new HessianAccumulator(COLS);
  for (let s = 0; s < 4; s++) {
    const x = new Float64Array(24 * COLS);
    for (let t = 0; t < 24; t++) {
      for (let c = 0; c < COLS; c++) x[t * COLS + c] = hval(1000 * s + t, c, 2) * (c === 5 || c === 17 || c === 40 ? 8 : 1);
    }
    h.add(x, { rows: 24 });
  }
  return h;
}

/** Deterministic uniform [-1, 1) doubles (mulberry32), for fixed random layers. */
export function rand(seed: number): () => number {
  const u = mulberry32(seed);
  return () => (u() / 4294967296) * 2 - 1;
}

export function randMatrix(n: number, seed: number): Float64Array {
  const r = rand(seed);
  return Float64Array.from({ length: n }, r);
}

/** H of tokens×cols calibration rows X through the accumulator, one sample per call of `batch` rows. */
export function hessianOf(x: Float64Array, tokens: number, cols: number, batch = tokens): HessianAccumulator {
  const h = new HessianAccumulator(cols);
  for (let t = 0; t < tokens; t += batch) {
    const m = Math.min(batch, tokens - t);
    h.add(x.subarray(t * cols, (t + m) * cols), { rows: m });
  }
  return h;
}

/** ½ Σ_rows (W−Q) A (W−Q)ᵀ in float64 (A row-major cols×cols). */
export function halfQuadratic(w: ArrayLike<number>, q: ArrayLike<number>, a: Float64Array, rows: number, cols: number): number {
  let s = 0;
  const d = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) d[j] = w[r * cols + j] - q[r * cols + j];
    for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) s += d[i] * a[i * cols + j] * d[j];
  }
  return s / 2;
}
