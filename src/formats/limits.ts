/**
 * Everything numeric about a format, derived from its registry row (never typed by hand):
 * code layout, special codes, extreme values. Values are exact doubles (every value of a
 * ≤16-bit registry format is exact in f32, which validate() checks).
 */
import { fail, show } from '../errors.js';
import type { BipolarSpec, ElementSpec, IntSpec, MinifloatSpec } from './spec.js';

export interface MinifloatLayout {
  bits: number; //        code width
  signMask: number; //    sign bit of a code (0 if unsigned)
  magMask: number; //     magnitude bits
  allOnesMag: number;
  infMag: number; //      −1 if none
  nanMagFrom: number; //  magnitudes ≥ this are NaN (Infinity if none)
  nanFull: number; //     one full code that is NaN (−1 if none)
  maxMag: number; //      largest finite magnitude code
  minMag: number; //      smallest positive magnitude code
}

export function minifloatLayout(s: MinifloatSpec): MinifloatLayout {
  const E = s.expBits;
  const M = s.manBits;
  const bits = (s.signed ? 1 : 0) + E + M;
  const allOnesMag = 2 ** (E + M) - 1;
  const expTop = (2 ** E - 1) * 2 ** M;
  const nanMagFrom = s.nan === 'top' ? allOnesMag : s.nan === 'ieee' ? expTop + 1 : Infinity;
  const infMag = s.inf === 'ieee' ? expTop : s.inf === 'top' ? (s.nan === 'top' ? allOnesMag - 1 : allOnesMag) : -1;
  const tops = [nanMagFrom, infMag >= 0 ? infMag : Infinity].filter((x) => Number.isFinite(x));
  const maxMag = tops.length ? Math.min(...tops) - 1 : allOnesMag;
  return {
    bits,
    signMask: s.signed ? 2 ** (bits - 1) : 0,
    magMask: allOnesMag,
    allOnesMag,
    infMag,
    nanMagFrom,
    nanFull: s.nan === 'negzero' ? 2 ** (bits - 1) : -1,
    maxMag,
    minMag: s.zero === 'none' ? 0 : 1,
  };
}

/**
 * Exact value of a magnitude code on the format's unbounded grid (codes past the largest
 * finite one continue the binades: used for the value just above max, where overflow ties sit).
 */
export function magnitudeValue(s: MinifloatSpec, mag: number): number {
  const M = s.manBits;
  const eb = Math.floor(mag / 2 ** M);
  const f = mag - eb * 2 ** M;
  if (s.zero === 'none') return (2 ** M + f) * 2 ** (eb - s.bias - M);
  if (eb === 0) return f * 2 ** (1 - s.bias - M);
  return (2 ** M + f) * 2 ** (eb - s.bias - M);
}

export interface MinifloatLimits {
  kind: 'minifloat';
  bits: number;
  expBits: number;
  manBits: number;
  bias: number;
  max: number;
  minNormal: number;
  minSubnormal: number | null;
  emax: number;
  emin: number;
  hasInf: boolean;
  hasNaN: boolean;
  hasNegZero: boolean;
  specials: string;
  overflowDefault: string;
  codes: number;
  finitePositive: number;
}

const hex = (c: number, bits: number) => '0x' + c.toString(16).toUpperCase().padStart(Math.ceil(bits / 4), '0');

export function minifloatLimits(s: MinifloatSpec): MinifloatLimits {
  const L = minifloatLayout(s);
  const M = s.manBits;
  const max = magnitudeValue(s, L.maxMag);
  const minNormalMag = s.zero === 'none' ? 0 : 2 ** M;
  const parts: string[] = [];
  if (s.zero === 'signed') parts.push('±0');
  else if (s.zero === 'single') parts.push('0');
  else parts.push('no zero');
  if (L.infMag >= 0) parts.push(`±Inf=${hex(L.infMag, L.bits)}${s.signed ? '/' + hex(L.infMag + L.signMask, L.bits) : ''}`);
  if (s.nan === 'ieee') parts.push('NaN=exp all-ones');
  else if (s.nan === 'top') parts.push(`NaN=${hex(L.allOnesMag, L.bits)}${s.signed ? '/' + hex(L.allOnesMag + L.signMask, L.bits) : ''}`);
  else if (s.nan === 'negzero') parts.push(`NaN=${hex(L.nanFull, L.bits)}`);
  let overflowDefault = s.overflow === 'saturate' ? 'saturate' : s.overflow === 'inf' ? '→ Inf' : '→ NaN';
  if (s.conversion === 'p3109') overflowDefault = `SatNone: ${s.overflow === 'saturate' ? '→ max' : overflowDefault}`;
  let finitePositive = L.maxMag - L.minMag + 1;
  if (L.nanFull >= 0 && L.nanFull <= L.maxMag) finitePositive--;
  return {
    kind: 'minifloat',
    bits: L.bits,
    expBits: s.expBits,
    manBits: M,
    bias: s.bias,
    max,
    minNormal: magnitudeValue(s, minNormalMag === 0 && s.zero !== 'none' ? 1 : minNormalMag),
    minSubnormal: M > 0 && s.zero !== 'none' ? magnitudeValue(s, 1) : null,
    emax: Math.floor(Math.log2(max)),
    emin: s.zero === 'none' ? -s.bias : 1 - s.bias,
    hasInf: L.infMag >= 0,
    hasNaN: s.nan !== 'none',
    hasNegZero: s.zero === 'signed',
    specials: parts.join(', '),
    overflowDefault,
    codes: 2 ** L.bits,
    finitePositive,
  };
}

export interface IntLimits {
  kind: 'int' | 'bipolar';
  bits: number;
  qmin: number;
  qmax: number;
  codes: number;
}

export function intLimits(s: IntSpec | BipolarSpec): IntLimits {
  if (s.kind === 'bipolar') return { kind: 'bipolar', bits: s.bits, qmin: -(2 ** s.bits - 1), qmax: 2 ** s.bits - 1, codes: 2 ** s.bits };
  const qmax = s.signed ? 2 ** (s.bits - 1) - 1 : 2 ** s.bits - 1;
  const qmin = s.signed ? (s.narrow ? -qmax : -(2 ** (s.bits - 1))) : 0;
  return { kind: 'int', bits: s.bits, qmin, qmax, codes: 2 ** s.bits };
}

const POLICIES: Record<string, readonly unknown[]> = {
  zero: ['signed', 'single', 'none'], inf: ['none', 'ieee', 'top'], nan: ['none', 'ieee', 'top', 'negzero'],
  overflow: ['inf', 'nan', 'saturate'], conversion: ['ml_dtypes', 'ieee754', 'p3109'], signed: [true, false],
};

/**
 * Limits of an element row (a registry row, or one built by hand with the same fields), after checking it:
 * BAD_TYPE for a non-object, BAD_FORMAT_PARAMS for an unknown kind, policy or parameter. Frozen.
 */
export function limitsOf(s: ElementSpec): MinifloatLimits | IntLimits {
  if (s === null || typeof s !== 'object') return fail('BAD_TYPE', `limitsOf takes a format row (e.g. parseFormatName(name)), got ${show(s)}`, s);
  const r = s as unknown as Record<string, unknown>;
  if (r.kind !== 'minifloat' && r.kind !== 'int' && r.kind !== 'bipolar')
    fail('BAD_FORMAT_PARAMS', `format ${show(r.id)}: kind ${show(r.kind)} must be 'minifloat', 'int' or 'bipolar'`, r.kind);
  if (r.kind === 'int' && (typeof r.signed !== 'boolean' || typeof r.narrow !== 'boolean'))
    fail('BAD_FORMAT_PARAMS', `format ${show(r.id)}: signed and narrow must be booleans`, s);
  if (r.kind === 'minifloat')
    for (const [k, allowed] of Object.entries(POLICIES))
      if (!allowed.includes(r[k])) fail('BAD_FORMAT_PARAMS', `format ${show(r.id)}: ${k} ${show(r[k])} must be one of ${allowed.join(', ')}`, r[k]);
  validate(s);
  return Object.freeze(s.kind === 'minifloat' ? minifloatLimits(s) : intLimits(s));
}

const F32_MAX = 3.4028234663852886e38;
const F32_MIN_SUB = 2 ** -149;

/** Checks that a row describes a format numlab can encode exactly; throws BAD_FORMAT_PARAMS. */
export function validate(s: ElementSpec): ElementSpec {
  const bad = (msg: string) => fail('BAD_FORMAT_PARAMS', `format ${show(s.id)}: ${msg}`, s.id);
  if (s.kind === 'int') {
    if (!Number.isInteger(s.bits) || s.bits < 2 || s.bits > 16) bad(`bits ${s.bits} outside 2..16`);
    if (s.narrow && !s.signed) bad('narrow range applies to signed formats only');
    return s;
  }
  if (s.kind === 'bipolar') {
    if (!Number.isInteger(s.bits) || s.bits < 1 || s.bits > 8) bad(`bits ${s.bits} outside 1..8`);
    return s;
  }
  const { expBits: E, manBits: M, bias } = s;
  if (!Number.isInteger(E) || E < 1 || E > 8) bad(`exponent bits ${E} outside 1..8`);
  if (!Number.isInteger(M) || M < 0 || M > 15) bad(`mantissa bits ${M} outside 0..15`);
  const bits = (s.signed ? 1 : 0) + E + M;
  if (bits > 16) bad(`${bits} bits; at most 16`);
  if (!Number.isInteger(bias) || bias < 0) bad(`bias ${bias}; must be an integer ≥ 0`);
  if (s.nan === 'ieee' && (s.inf !== 'ieee' || M < 1)) bad('IEEE NaNs need IEEE infinities and at least one mantissa bit');
  if (s.inf === 'ieee' && s.nan !== 'ieee') bad('IEEE infinities need IEEE NaNs');
  if (s.nan === 'negzero' && (!s.signed || s.zero !== 'single')) bad('a NaN at the −0 pattern needs a signed format with a single zero');
  if (!s.signed && s.zero === 'signed') bad('an unsigned format has no −0');
  if (s.overflow === 'inf' && s.inf === 'none') bad('overflow to Inf needs an Inf code');
  if (s.overflow === 'nan' && s.nan === 'none') bad('overflow to NaN needs a NaN code');
  const L = minifloatLayout(s);
  if (L.maxMag < L.minMag) bad('no finite nonzero value');
  const max = magnitudeValue(s, L.maxMag);
  if (max > F32_MAX) bad(`largest value ${max} exceeds float32`);
  const minPos = magnitudeValue(s, L.minMag);
  if (minPos < F32_MIN_SUB) bad(`smallest value ${minPos} is below float32's smallest subnormal`);
  const ulp = magnitudeValue(s, L.minMag + 1) - minPos;
  if (ulp < F32_MIN_SUB) bad(`finest spacing ${ulp} is below float32's smallest subnormal`);
  return s;
}
