/**
 * Reference twin of the minifloat kernels, written from the definitions rather than the bit tricks:
 * decode is the value formula of the row; encode finds the two neighbouring representable values
 * of |x| on the format's grid (a sorted table, continued one code past max so that overflow ties
 * are decided like any other tie), picks one by the rounding mode, then applies the row's special
 * and overflow policy (policy.ts). All arithmetic is exact in doubles.
 */
import { fail } from '../errors.js';
import { minifloatLayout, magnitudeValue, type MinifloatLayout } from './limits.js';
import { specialCodes, type Saturation, type SpecialCodes } from './policy.js';
import { randomBits, roundsUp } from './rounding.js';
import type { MinifloatSpec, RoundingMode } from './spec.js';

interface Grid {
  L: MinifloatLayout;
  /** values[m] = value of magnitude code m, for m = 0 … maxMag + 1 (the last one past max). */
  values: Float64Array;
}

const grids = new WeakMap<MinifloatSpec, Grid>();

function grid(s: MinifloatSpec): Grid {
  let g = grids.get(s);
  if (!g) {
    const L = minifloatLayout(s);
    const values = new Float64Array(L.maxMag + 2);
    for (let m = 0; m <= L.maxMag + 1; m++) values[m] = magnitudeValue(s, m);
    g = { L, values };
    grids.set(s, g);
  }
  return g;
}

/** Decode one code to its value (NaN codes give a quiet NaN; see decodeBits for the exact f32 bits). */
export function decodeRef(s: MinifloatSpec, code: number): number {
  const { L } = grid(s);
  const neg = (code & L.signMask) !== 0;
  const mag = code & L.magMask;
  if (code === L.nanFull || mag >= L.nanMagFrom) return NaN;
  if (mag === L.infMag) return neg ? -Infinity : Infinity;
  const v = magnitudeValue(s, mag);
  return neg ? -v : v;
}

/** The f32 bit pattern decode produces: NaNs are 0x7FC00000, with the code's sign for rows whose NaNs carry one. */
export function decodeBitsRef(s: MinifloatSpec, code: number): number {
  const { L } = grid(s);
  const mag = code & L.magMask;
  if (code === L.nanFull || mag >= L.nanMagFrom) {
    const signed = s.nan !== 'negzero' && (code & L.signMask) !== 0;
    return (signed ? 0xffc00000 : 0x7fc00000) >>> 0;
  }
  const f = new Float32Array([decodeRef(s, code)]);
  return new Uint32Array(f.buffer)[0];
}

export interface EncodeRefOptions {
  rounding: RoundingMode;
  saturate: Saturation;
  seedA: number;
  seedB: number;
}

/**
 * Encode one f32 value (given as a number that is exactly an f32) with element index `index`
 * (used by stochastic rounding only). Returns null for a NaN input into a format without NaN.
 */
export function encodeRef(s: MinifloatSpec, x: number, index: number, o: EncodeRefOptions, sc?: SpecialCodes): number | null {
  const { L, values } = grid(s);
  const codes = sc ?? specialCodes(s, o.rounding, o.saturate);
  if (Number.isNaN(x)) {
    return Object.is(Math.sign(x), -0) ? codes.nanNeg : codes.nanPos; // JS NaN carries no sign; callers pass the bits' sign (encodeArrayRef)
  }
  const neg = x < 0 || Object.is(x, -0);
  if (x === Infinity) return codes.infPos;
  if (x === -Infinity) return codes.infNeg;
  const a = Math.abs(x);
  if (a === 0) {
    if (s.zero === 'none') return codes.zeroIn;
    return neg && s.zero === 'signed' ? L.signMask : 0;
  }
  // neighbours: lo = largest code with value ≤ a
  const top = L.maxMag + 1;
  let mag: number;
  if (a >= values[top]) {
    mag = top; // at or past the first value beyond max: overflow in every mode
  } else if (a < values[0]) {
    mag = -1; // below the least value of a format without zero
  } else {
    let lo = 0;
    let hi = top;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (values[mid] <= a) lo = mid;
      else hi = mid;
    }
    const nu = (a - values[lo]) / (values[lo + 1] - values[lo]);
    const rnd = o.rounding === 'stochastic' ? randomBits(index, o.seedA, o.seedB) : 0;
    mag = nu > 0 && roundsUp(o.rounding, nu, (lo & 1) === 1, neg, rnd) ? lo + 1 : lo;
  }
  if (s.zero === 'none') {
    if (neg) return codes.negUnsigned;
    if (mag < 0) return 0;
  }
  if (!s.signed && neg && mag !== 0) return codes.negUnsigned;
  if (mag > L.maxMag) return neg ? codes.ovfNeg : codes.ovfPos;
  if (mag === 0) return neg && s.zero === 'signed' ? L.signMask : 0;
  return neg ? mag | L.signMask : mag;
}

/** Encode an array; NaN inputs into NaN-less formats throw (NONFINITE_INPUT) naming the first index. */
export function encodeArrayRef(s: MinifloatSpec, x: Float32Array, o: EncodeRefOptions, indexBase = 0): Uint8Array | Uint16Array {
  const { L } = grid(s);
  const out = L.bits <= 8 ? new Uint8Array(x.length) : new Uint16Array(x.length);
  const sc = specialCodes(s, o.rounding, o.saturate);
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    let c: number | null;
    if (Number.isNaN(v)) c = bits[i] >>> 31 ? sc.nanNeg : sc.nanPos;
    else c = encodeRef(s, v, indexBase + i, o, sc);
    if (c === null) fail('NONFINITE_INPUT', `NaN at index ${i} cannot be encoded in ${s.id}, which has no NaN`, i);
    out[i] = c;
  }
  return out;
}

export function decodeArrayRef(s: MinifloatSpec, codes: Uint8Array | Uint16Array): Float32Array {
  const out = new Float32Array(codes.length);
  const ob = new Uint32Array(out.buffer);
  for (let i = 0; i < codes.length; i++) ob[i] = decodeBitsRef(s, codes[i]);
  return out;
}
