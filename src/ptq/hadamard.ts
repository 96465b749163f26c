/**
 * Fast Walsh–Hadamard transform along the last axis (spec ptq.md §6): natural (Sylvester) order,
 * normalised by 1/√b, per contiguous block of b columns (b = cols for the full transform). R is
 * orthogonal and symmetric, so rotating W [out, in] and X [tokens, in] along `in` keeps X·Wᵀ.
 * Plain TypeScript (the WASM SIMD kernel is a later step); float64 butterflies, one rounding per
 * output for Float32Array input.
 */
import { fail, show } from '../errors.js';
import { checkMatrix, checkShape, type Real } from './check.js';

export interface HadamardOptions {
  /** [rows, cols]; the transform runs along cols. */
  shape: [number, number];
  /** Block size (a power of two dividing cols); default cols (which must then be a power of two). */
  block?: number;
  /** Optional ±1 per block position, applied before the transform (randomized Hadamard, still orthogonal). */
  signs?: ArrayLike<number>;
}

const isPow2 = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** In-place natural-order FWHT of v[0..n) (unnormalised). */
export function fwhtInPlace(v: Float64Array, n: number): void {
  for (let h = 1; h < n; h *= 2) {
    for (let i = 0; i < n; i += 2 * h) {
      for (let j = i; j < i + h; j++) {
        const a = v[j];
        const b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
    }
  }
}

/** A new array of x's type with every row block rotated: x_b ← H_b (s ⊙ x_b) / √b. */
export function hadamard<T extends Real>(x: T, opts: HadamardOptions): T {
  const [rows, cols] = checkShape(opts?.shape, 'hadamard input');
  checkMatrix(x, rows * cols, 'hadamard input', `[${rows}, ${cols}]`);
  const b = opts.block ?? cols;
  if (opts.block === undefined && !isPow2(cols)) {
    fail('BAD_SHAPE', `a full Hadamard transform needs a power-of-two number of cols, got ${cols} (pass a power-of-two block)`, cols);
  }
  if (!isPow2(b) || b > 1 << 24) fail('BAD_OPTION', `Hadamard block must be a power of two, got ${show(b)}`, b);
  if (cols % b !== 0) fail('BAD_SHAPE', `Hadamard block ${b} does not divide cols ${cols}`, cols);
  const s = opts.signs;
  if (s !== undefined) {
    if (s === null || typeof s !== 'object' || s.length !== b) fail('BAD_OPTION', `signs must hold ${b} values (one per block position), got ${show(s)}`, s);
    for (let i = 0; i < b; i++) if (s[i] !== 1 && s[i] !== -1) fail('BAD_OPTION', `signs[${i}] must be +1 or -1, got ${show(s[i])}`, s[i]);
  }
  const out = x.slice() as T;
  const v = new Float64Array(b);
  const norm = 1 / Math.sqrt(b);
  for (let o = 0; o < rows * cols; o += b) {
    for (let i = 0; i < b; i++) v[i] = s ? x[o + i] * s[i] : x[o + i];
    fwhtInPlace(v, b);
    for (let i = 0; i < b; i++) out[o + i] = v[i] * norm;
  }
  return out;
}
