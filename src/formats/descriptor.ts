/** Builds the i32 descriptor the minifloat kernels read (assembly/common/desc.ts) from a row and call options. */
import { magnitudeValue, minifloatLayout } from './limits.js';
import { specialCodes, type Saturation } from './policy.js';
import type { MinifloatSpec, RoundingMode } from './spec.js';

export const DESC = {
  M: 0, EMIN: 1, VBIAS: 2, OFF: 3, MAXV: 4, SIGNMASK: 5, NEGZERO: 6, OVF_POS: 7, OVF_NEG: 8, INF_POS: 9,
  INF_NEG: 10, NAN_POS: 11, NAN_NEG: 12, NEG_UNS: 13, ZERO_IN: 14, HASZERO: 15, FAST: 16, INF_MAG: 17,
  NAN_MAG: 18, NAN_FULL: 19, NAN_SIGNED: 20, MAGMASK: 21, OVFBITS: 22, SLOTS: 23,
} as const;

function f32bits(v: number): number {
  const f = new Float32Array([v]);
  if (f[0] !== v) throw new Error(`internal: ${v} is not an f32`);
  return new Int32Array(f.buffer)[0];
}

export function buildDescriptor(s: MinifloatSpec, mode: RoundingMode, sat: Saturation): Int32Array {
  const L = minifloatLayout(s);
  const sc = specialCodes(s, mode, sat);
  const M = s.manBits;
  const noZero = s.zero === 'none';
  const off = noZero ? -(2 ** M) : 0;
  const vbias = noZero ? s.bias + 1 : s.bias;
  const emin = 1 - vbias;
  const d = new Int32Array(DESC.SLOTS);
  d[DESC.M] = M;
  d[DESC.EMIN] = emin;
  d[DESC.VBIAS] = vbias;
  d[DESC.OFF] = off;
  d[DESC.MAXV] = L.maxMag - off;
  d[DESC.SIGNMASK] = L.signMask;
  d[DESC.NEGZERO] = s.zero === 'signed' ? 1 : 0;
  d[DESC.OVF_POS] = sc.ovfPos;
  d[DESC.OVF_NEG] = sc.ovfNeg;
  d[DESC.INF_POS] = sc.infPos;
  d[DESC.INF_NEG] = sc.infNeg;
  // a NaN-less row writes 0 for NaN inputs; the caller throws before returning anything
  d[DESC.NAN_POS] = sc.nanPos ?? 0;
  d[DESC.NAN_NEG] = sc.nanNeg ?? 0;
  d[DESC.NEG_UNS] = sc.negUnsigned;
  d[DESC.ZERO_IN] = sc.zeroIn;
  d[DESC.HASZERO] = noZero ? 0 : 1;
  d[DESC.FAST] = !noZero && vbias <= 127 && emin >= -126 ? 1 : 0;
  d[DESC.INF_MAG] = L.infMag;
  d[DESC.NAN_MAG] = Number.isFinite(L.nanMagFrom) ? L.nanMagFrom : 0x7fffffff;
  d[DESC.NAN_FULL] = L.nanFull;
  d[DESC.NAN_SIGNED] = s.signed && (s.nan === 'top' || s.nan === 'ieee') ? 1 : 0;
  d[DESC.MAGMASK] = L.magMask;
  // the RNE overflow point: the midpoint past max (exact in f32), or the next f32 when that tie rounds down
  const tie = f32bits((magnitudeValue(s, L.maxMag) + magnitudeValue(s, L.maxMag + 1)) / 2);
  d[DESC.OVFBITS] = (L.maxMag + 1) % 2 === 0 ? tie : tie + 1;
  return d;
}
