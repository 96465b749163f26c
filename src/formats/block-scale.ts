/**
 * Block scale rules for power-of-two (E8M0) block scales (formats.md §1.7, §1.9), as pure functions of
 * the block's amax. They return the unbiased exponent e of the scale X = 2^e, clamped to E8M0's
 * [−127, 127], or null for a NaN scale (amax NaN or ±Inf: the block decodes to NaN, as in
 * microxcaling and torchao). An all-zero block gets e = −127 (E8M0 code 0), as torchao, gfloat and
 * microxcaling's CUDA path emit.
 *   floor  (OCP §6.3, MX default): e = ⌊log2 amax⌋ − emax_elem
 *   ceil   (torchao CEIL):        e = ⌈log2 amax⌉ − emax_elem
 *   rceil  (cuBLAS / TE / torchao RCEIL): the least e with 2^e · max_elem ≥ amax
 *   even   (torchao EVEN): e = ⌊log2 r⌋ − emax_elem, r = amax rounded to the element's mantissa width
 *          (2^(22 − mbits) added to the f32 bits, mantissa then dropped)
 * ⌊log2⌋ is exact from the f32 bits, f32 subnormals included.
 */
import { fail, show } from '../errors.js';

export type ScaleRule = 'floor' | 'ceil' | 'rceil' | 'even';
export const SCALE_RULES: readonly ScaleRule[] = ['floor', 'ceil', 'rceil', 'even'];

export interface ElementScaleInfo {
  /** Exponent of the largest power of two the element represents (E4M3 8, E5M2 15, E2M1 2, INT8 grid 0). */
  emax: number;
  /** Largest element magnitude (E4M3 448, E2M1 6, MXINT8 127/64). */
  max: number;
  /** Stored mantissa bits of the element (for 'even'). */
  mbits: number;
}

const f = new Float32Array(1);
const u = new Uint32Array(f.buffer);

/** ⌊log2 |x|⌋ of a finite non-zero f32, exactly from its bits (subnormals: from the leading mantissa bit). */
export function floorLog2(x: number): number {
  f[0] = x;
  const bits = u[0] & 0x7fffffff;
  const e = bits >>> 23;
  if (e > 0) return e - 127;
  return -127 - Math.clz32(bits) + 9; // bits = mantissa: its top set bit at position 31 − clz
}

function isPow2(x: number): boolean {
  f[0] = x;
  const bits = u[0] & 0x7fffffff;
  return bits >>> 23 > 0 ? (bits & 0x7fffff) === 0 : (bits & (bits - 1)) === 0;
}

export function checkScaleRule(rule: unknown): ScaleRule {
  if (typeof rule !== 'string' || !(SCALE_RULES as readonly string[]).includes(rule))
    fail('BAD_OPTION', `unknown scale rule ${show(rule)}; expected one of ${SCALE_RULES.join(', ')}`, rule);
  return rule as ScaleRule;
}

/** The scale exponent of a block with maximum magnitude `amax` (an f32 value), or null for a NaN scale. */
export function scaleExponent(rule: ScaleRule, amax: number, el: ElementScaleInfo): number | null {
  if (Number.isNaN(amax) || !Number.isFinite(amax)) return null;
  const a = Math.abs(amax);
  if (a === 0) return -127;
  let e: number;
  if (rule === 'floor') e = floorLog2(a) - el.emax;
  else if (rule === 'ceil') e = floorLog2(a) + (isPow2(a) ? 0 : 1) - el.emax;
  else if (rule === 'rceil') {
    // least e with 2^e · max ≥ a: start from the exponent difference and step (exact in doubles)
    e = floorLog2(a) - Math.floor(Math.log2(el.max));
    while (2 ** e * el.max < a) e++;
    while (2 ** (e - 1) * el.max >= a) e--;
  } else {
    f[0] = a;
    const r = (u[0] + 2 ** (22 - el.mbits)) >>> 0; // may carry into the exponent
    e = (r >>> 23 > 0 ? (r >>> 23) - 127 : floorLog2(a)) - el.emax;
  }
  return Math.min(Math.max(e, -127), 127);
}

/** E8M0 code of a scale exponent (null → 0xFF, the NaN scale). */
export function e8m0Code(e: number | null): number {
  return e === null ? 0xff : e + 127;
}
