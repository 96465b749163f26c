/**
 * Reference twin of the INT and bipolar-INT kernels (assembly/cvt/cvt-f32-int-wasmsimd.ts), from
 * the definitions: y = x / s in f32 (the caller divides); rounding on |y| by the named mode;
 *   INT:     q = clamp(sign(y)·k + zp, qmin, qmax), code = q mod 2^bits
 *   bipolar: level = sign(y)·(2k+1), k = round((min(max(|y|,1), 2^b) − 1)/2) ≤ 2^(b−1) − 1,
 *            code = (level + 2^b − 1)/2  (−0 → level −1, +0 → +1)
 */
import { intLimits } from './limits.js';
import { randomBits, roundsUp } from './rounding.js';
import type { BipolarSpec, IntSpec, RoundingMode } from './spec.js';

const f = new Float32Array(1);
const u = new Uint32Array(f.buffer);
const signBit = (y: number) => {
  f[0] = y;
  return u[0] >>> 31 === 1;
};

export interface IntRefOptions {
  rounding: RoundingMode;
  seedA: number;
  seedB: number;
}

function roundMagnitude(a: number, neg: boolean, index: number, o: IntRefOptions): number {
  const t = Math.floor(a);
  const nu = a - t;
  const rnd = o.rounding === 'stochastic' ? randomBits(index, o.seedA, o.seedB) : 0;
  return nu > 0 && roundsUp(o.rounding, nu, t % 2 === 1, neg, rnd) ? t + 1 : t;
}

/** Code of a pre-scaled f32 value y (a number that is exactly an f32; not NaN). */
export function intCodeRef(s: IntSpec, y: number, zp: number, index: number, o: IntRefOptions): number {
  const { qmin, qmax } = intLimits(s);
  const neg = signBit(y);
  const a = Math.min(Math.abs(y), 2 ** 30);
  const k = roundMagnitude(a, neg, index, o);
  const q = Math.min(Math.max((neg ? -k : k) + zp, qmin), qmax);
  return q & (2 ** s.bits - 1);
}

export function intValueRef(s: IntSpec, code: number, zp: number): number {
  const q = s.signed && code >= 2 ** (s.bits - 1) ? code - 2 ** s.bits : code;
  return q - zp;
}

export function bipolarCodeRef(s: BipolarSpec, y: number, index: number, o: IntRefOptions): number {
  const neg = signBit(y);
  const kmax = 2 ** (s.bits - 1) - 1;
  const a = Math.fround(Math.fround(Math.min(Math.max(Math.abs(y), 1), 2 ** s.bits) - 1) * 0.5);
  const k = Math.min(roundMagnitude(a, neg, index, o), kmax);
  const level = neg ? -(2 * k + 1) : 2 * k + 1;
  return (level + 2 ** s.bits - 1) / 2;
}

export function bipolarValueRef(s: BipolarSpec, code: number): number {
  return 2 * code - (2 ** s.bits - 1);
}
