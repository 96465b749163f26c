/**
 * Fast Walsh–Hadamard transform along the last axis (spec ptq.md §6): natural (Sylvester) order,
 * normalised by 1/√b, per contiguous block of b columns (b = cols for the full transform). R is
 * orthogonal and symmetric, so rotating W [out, in] and X [tokens, in] along `in` keeps X·Wᵀ.
 * `hadamard` runs the WASM SIMD kernel (assembly/ptq/fwht-f32-f64acc-wasmsimd.ts); `hadamardRef` is
 * its plain-TS twin. Both: float64 butterflies in the same order, one rounding per output for
 * Float32Array input — the same bits.
 */
import { fail, show } from '../errors.js';
import { runtime, type Runtime } from '../runtime/wasm.js';
import { checkMatrix, checkShape, isReal, type Real } from './check.js';

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

interface FwhtKernel {
  fwht_f64acc__wasmsimd(x: number, out: number, nblk: number, b: number, signs: number, norm: number, v: number, f64data: number): number;
}

/** Checked options: the block size and the signs (or undefined). */
function checkHadamard(x: Real, opts: HadamardOptions, scanFinite = true): { rows: number; cols: number; b: number; s: ArrayLike<number> | undefined } {
  const [rows, cols] = checkShape(opts?.shape, 'hadamard input');
  if (scanFinite) checkMatrix(x, rows * cols, 'hadamard input', `[${rows}, ${cols}]`);
  else if (!isReal(x) || x.length !== rows * cols) checkMatrix(x, rows * cols, 'hadamard input', `[${rows}, ${cols}]`); // type and length
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
  return { rows, cols, b, s };
}

/** Values per kernel call (whole blocks, at least one): bounded arena use, short calls for V8's tier-up. */
const CHUNK = 1 << 18;

/** A new array of x's type with every row block rotated: x_b ← H_b (s ⊙ x_b) / √b (WASM SIMD kernel). */
export function hadamard<T extends Real>(x: T, opts: HadamardOptions): T {
  const { rows, cols, b, s } = checkHadamard(x, opts, false); // the kernel flags Inf / NaN
  let bad = 0;
  const out = new (x.constructor as { new (n: number): T })(rows * cols);
  const f64 = x instanceof Float64Array;
  const es = f64 ? 8 : 4;
  const total = rows * cols;
  const per = Math.max(b, Math.floor(CHUNK / b) * b);
  const rt: Runtime = runtime();
  const k = rt.exports as unknown as FwhtKernel;
  rt.scoped(() => {
    const px = rt.alloc(Math.min(per, total) * es);
    const pv = rt.alloc(b * 8);
    const ps = s ? rt.alloc(b * 8) : 0;
    if (s) new Float64Array(rt.memory.buffer, ps, b).set(Array.from(s));
    const norm = 1 / Math.sqrt(b);
    for (let o = 0; o < total; o += per) {
      const n = Math.min(per, total - o);
      const view = (f64 ? new Float64Array(rt.memory.buffer, px, n) : new Float32Array(rt.memory.buffer, px, n)) as T;
      view.set(x.subarray(o, o + n));
      bad |= k.fwht_f64acc__wasmsimd(px, px, n / b, b, ps, norm, pv, f64 ? 1 : 0);
      out.set(view, o);
    }
  });
  if (bad) checkMatrix(x, rows * cols, 'hadamard input', `[${rows}, ${cols}]`); // names the first Inf / NaN
  return out;
}

/** hadamard's plain-TypeScript twin (same checks, same float64 butterflies, the same bits). */
export function hadamardRef<T extends Real>(x: T, opts: HadamardOptions): T {
  const { rows, cols, b, s } = checkHadamard(x, opts);
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
