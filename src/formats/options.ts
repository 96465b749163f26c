/** Validation of the options every element codec takes. */
import { fail, show } from '../errors.js';
import { CHUNK, runtime } from '../runtime/wasm.js';
import type { Saturation } from './policy.js';
import { checkRounding, seedWords } from './rounding.js';
import type { RoundingMode } from './spec.js';

export interface ElementOptions {
  /** Default 'rne'. */
  rounding?: RoundingMode;
  /**
   * false (default): the row's overflow policy (P3109 SatNone); true: clamp finite overflow to ±max,
   * Inf/NaN inputs keep their special codes (P3109 SatPropagate); 'finite': also clamp ±Inf (SatFinite).
   */
  saturate?: boolean | 'finite';
  /** Seed of stochastic rounding (non-negative integer; default 0). */
  seed?: number;
  /** Divide inputs by this per-tensor scale before encoding (and multiply after decoding). Default 1. */
  scale?: number;
  /**
   * Write the result here instead of a new array (same type and length as the result). Reusing an
   * output avoids the first-touch page faults of a fresh large allocation.
   */
  out?: Uint8Array | Uint16Array | Float32Array;
}

export interface CheckedOptions {
  rounding: RoundingMode;
  saturate: Saturation;
  seedA: number;
  seedB: number;
  scale: number;
}

const KNOWN = new Set(['rounding', 'saturate', 'seed', 'scale', 'out']);

export function checkOptions(o: unknown, extra: readonly string[] = []): CheckedOptions {
  if (o === undefined) return { rounding: 'rne', saturate: 'none', seedA: 0, seedB: 0, scale: 1 };
  if (typeof o !== 'object' || o === null) fail('BAD_OPTION', `options must be an object, got ${show(o)}`, o);
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(r))
    if (!KNOWN.has(k) && !extra.includes(k)) fail('BAD_OPTION', `unknown option ${show(k)}`, k);
  const sat = r.saturate;
  if (sat !== undefined && sat !== true && sat !== false && sat !== 'finite')
    fail('BAD_OPTION', `saturate must be true, false or 'finite', got ${show(sat)}`, sat);
  const [seedA, seedB] = seedWords(r.seed);
  return {
    rounding: checkRounding(r.rounding),
    saturate: sat === 'finite' ? 'finite' : sat === true ? 'propagate' : 'none',
    seedA,
    seedB,
    scale: checkScale(r.scale === undefined ? 1 : r.scale, 'scale'),
  };
}

export function checkScale(s: unknown, what: string): number {
  if (typeof s !== 'number' || !Number.isFinite(s) || !(s > 0))
    fail('BAD_SCALE', `${what} must be a finite number > 0, got ${show(s)}`, s);
  if (Math.fround(s) !== s) fail('BAD_SCALE', `${what} ${s} is not exactly a float32 (use Math.fround)`, s);
  return s;
}

export function checkF32(x: unknown, what = 'input'): Float32Array {
  if (!(x instanceof Float32Array)) fail('BAD_TYPE', `${what} must be a Float32Array, got ${show(x)}`, x);
  return x;
}

/** The caller's `out` array after checking its type and length, or a new array. */
export function outArray<T extends Uint8Array | Uint16Array | Float32Array>(out: unknown, ctor: { new (n: number): T; name: string }, n: number): T {
  if (out === undefined) return new ctor(n);
  if (!(out instanceof ctor)) fail('BAD_TYPE', `out must be a ${ctor.name}, got ${show(out)}`, out);
  if ((out as T).length !== n) fail('BAD_LENGTH', `out has length ${(out as T).length}; the result has ${n} elements`, (out as T).length);
  return out as T;
}

/**
 * Index of the first NaN in x, or −1. Codecs whose format has no NaN call it before writing into a
 * caller's `out`, so that a NaN found late never leaves `out` partly overwritten. One WASM scan per
 * chunk (anynan_f32: f32x4.ne(v, v)); only a chunk holding a NaN is searched in TypeScript.
 */
export function firstNaN(x: Float32Array): number {
  const rt = runtime();
  const anyNaN = rt.exports.anynan_f32__wasmsimd as (src: number, n: number) => number;
  return rt.scoped(() => {
    const buf = rt.alloc(CHUNK * 4);
    for (let off = 0; off < x.length; off += CHUNK) {
      const m = Math.min(CHUNK, x.length - off);
      rt.f32(buf, m).set(x.subarray(off, off + m));
      if (anyNaN(buf, m)) for (let i = off; i < off + m; i++) if (Number.isNaN(x[i])) return i;
    }
    return -1;
  });
}
