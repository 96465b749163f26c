/**
 * Exhaustive input sets for a minifloat row: every representable value, every midpoint between
 * neighbours (and the tie just past max), ±1 f32 ulp around each, with both signs; plus ±0, ±Inf,
 * NaNs with both signs and odd payloads, f32 subnormals and extremes.
 */
import { magnitudeValue, minifloatLayout } from '../../src/formats/limits.js';
import type { MinifloatSpec } from '../../src/formats/spec.js';
import { fromBits, nextDown, nextUp } from './f32.js';

export function edgeF32(): number[] {
  return [0, -0, Infinity, -Infinity, fromBits(0x7fc00000), fromBits(0xffc00000), fromBits(0x7f800001), fromBits(0xff812345),
    fromBits(1), fromBits(0x80000001), fromBits(0x007fffff), fromBits(0x00400000), fromBits(0x00400001), fromBits(0x00800000),
    fromBits(0x7f7fffff), fromBits(0xff7fffff), 1, -1, 0.5, 3, 1e30, -1e30, 1e-30, -1e-30];
}

export function exhaustiveInputs(s: MinifloatSpec): Float32Array {
  const L = minifloatLayout(s);
  const vals: number[] = [];
  for (let m = 0; m <= L.maxMag + 1; m++) vals.push(magnitudeValue(s, m));
  const out: number[] = [...edgeF32()];
  const push = (x: number) => {
    const f = Math.fround(x);
    for (const y of [f, nextUp(f), nextDown(f)]) {
      out.push(y, -y);
    }
  };
  for (let m = 0; m < vals.length; m++) {
    push(vals[m]);
    if (m + 1 < vals.length) push((vals[m] + vals[m + 1]) / 2);
  }
  // below the least value of a zero-less format
  push(vals[0] / 2);
  push(vals[0] * 0.75);
  return new Float32Array(out);
}
