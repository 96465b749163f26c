// Data and comparisons shared by the GEMM tests (test/gemm/).
import { expect } from 'vitest';
import { gammaK, matmulF64Ref } from '../../src/gemm/gemm-ref.js';
import { f32bits } from './f32.js';

/** A seeded generator of uniform numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0) / 2 ** 32);
}

export type Mix = 'raw' | 'moderate' | 'outliers' | 'sparse';
/** n values: raw f32 bit patterns, moderate (|x| < 4), moderate with rare ±1e4 outliers, or mostly zeros (±0). */
export function data(n: number, seed: number, mix: Mix): Float32Array {
  const r = seeded(seed);
  const x = new Float32Array(n);
  const u = new Uint32Array(x.buffer);
  for (let i = 0; i < n; i++) {
    if (mix === 'raw') u[i] = (r() * 2 ** 32) >>> 0;
    else if (mix === 'sparse') x[i] = r() < 0.8 ? (r() < 0.5 ? 0 : -0) : (r() - 0.5) * 8;
    else x[i] = mix === 'outliers' && r() < 0.01 ? (r() < 0.5 ? -1e4 : 1e4) : (r() - 0.5) * 8;
  }
  return x;
}

/** Bits equal, or both NaN (NaN payloads are not part of the contract). */
export function sameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = f32bits(got), w = f32bits(want);
  let i = 0;
  while (i < g.length && (g[i] === w[i] || (Number.isNaN(got[i]) && Number.isNaN(want[i])))) i++;
  expect(i === g.length ? null : { index: i, got: got[i], want: want[i] }, what).toBeNull();
}

/** |y − y64| ≤ γ Σ|a||w| (γ = γ_k unless given) wherever the float64 result is finite; NaN and ±Inf where it is. */
export function withinBound(y: Float32Array, a: Float32Array, w: Float32Array, m: number, n: number, k: number, what: string, gamma = gammaK(k)): void {
  const { y: y64, abs } = matmulF64Ref(a, w, m, n, k);
  const g = gamma;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y64[i])) {
      expect(Object.is(y[i], y64[i]) || (Number.isNaN(y[i]) && Number.isNaN(y64[i])), `${what} [${i}] ${y[i]} vs ${y64[i]}`).toBe(true);
      continue;
    }
    const err = Math.abs(y[i] - y64[i]);
    if (!(err <= g * abs[i])) expect({ index: i, y: y[i], y64: y64[i], err, bound: g * abs[i] }, what).toBeNull();
  }
}
