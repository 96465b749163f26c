/**
 * Which code each special situation produces, for a row, a rounding mode and a saturation mode.
 * Three rule sets (spec.ts ConversionRules):
 *  - ml_dtypes (formats.md §3.2): Inf inputs map to the format's infinity() (Inf, else the
 *    overflow code) whatever `saturate` says (−Inf into an unsigned row: its NaN); finite overflow
 *    → the row's overflow code, or ±max when saturating; for rows without zero (E8M0) a zero or
 *    negative finite input is NaN, or code 0 when saturating.
 *  - ieee754: as ml_dtypes, but finite overflow under toward_zero / toward_positive /
 *    toward_negative / to_odd follows IEEE 754 §7.4 (±max on the side the mode rounds toward zero).
 *  - p3109 (p3109.md §6, Interim Report v4.0 ωSaturate): SatNone / SatPropagate / SatFinite.
 * numlab's `saturate` option maps to them as: false → SatNone, true → SatPropagate,
 * 'finite' → SatFinite (which for ml_dtypes rows also clamps ±Inf inputs to ±max).
 */
import type { MinifloatSpec, RoundingMode } from './spec.js';
import { minifloatLayout } from './limits.js';

export type Saturation = 'none' | 'propagate' | 'finite';

export interface SpecialCodes {
  /** null: the format has no NaN (a NaN input is an error). */
  nanPos: number | null;
  nanNeg: number | null;
  infPos: number;
  infNeg: number;
  ovfPos: number;
  ovfNeg: number;
  /** Unsigned rows: a negative input that does not round to zero (any negative, for rows without zero). */
  negUnsigned: number;
  /** Rows without zero: a ±0 input. */
  zeroIn: number;
}

export function specialCodes(s: MinifloatSpec, mode: RoundingMode, sat: Saturation): SpecialCodes {
  const L = minifloatLayout(s);
  const sgn = (neg: boolean) => (neg ? L.signMask : 0);
  const nan = (neg: boolean): number | null => {
    if (s.nan === 'top') return L.allOnesMag | sgn(neg);
    if (s.nan === 'ieee') return (L.infMag | 2 ** (s.manBits - 1)) | sgn(neg);
    if (s.nan === 'negzero') return L.nanFull;
    return null;
  };
  const nanOrZero = nan(false) ?? 0;
  const max = (neg: boolean) => L.maxMag | sgn(neg);
  const inf = (neg: boolean) => L.infMag | sgn(neg);
  const rowOverflow = (neg: boolean): number =>
    s.overflow === 'inf' ? inf(neg) : s.overflow === 'nan' ? (nan(neg) as number) : max(neg);

  if (s.conversion === 'ml_dtypes' || s.conversion === 'ieee754') {
    const negUnsigned = sat !== 'none' ? 0 : nanOrZero;
    // IEEE 754 §7.4: a directed rounding keeps the overflow of the side it rounds toward at ±max
    const ieee = s.conversion === 'ieee754';
    const clampPos = ieee && (mode === 'toward_zero' || mode === 'toward_negative' || mode === 'to_odd');
    const clampNeg = ieee && (mode === 'toward_zero' || mode === 'toward_positive' || mode === 'to_odd');
    return {
      nanPos: nan(false),
      nanNeg: nan(true),
      infPos: sat === 'finite' ? max(false) : rowOverflow(false),
      // unsigned: −infinity() of a format without a negative infinity is its NaN (E8M0: 0xFF) —
      // ml_dtypes checks ±Inf before the sign, so saturate: true does not change it
      infNeg: !s.signed ? (sat === 'finite' ? 0 : nanOrZero) : sat === 'finite' ? max(true) : rowOverflow(true),
      ovfPos: sat !== 'none' || clampPos ? max(false) : rowOverflow(false),
      ovfNeg: sat !== 'none' || clampNeg ? max(true) : rowOverflow(true),
      negUnsigned,
      zeroIn: sat !== 'none' ? 0 : nanOrZero,
    };
  }
  // P3109 R4.0
  const ext = s.inf !== 'none';
  const towardZeroPos = mode === 'toward_zero' || mode === 'toward_negative';
  const towardZeroNeg = mode === 'toward_zero' || mode === 'toward_positive';
  const negUnsigned = sat !== 'none' || towardZeroNeg ? 0 : nanOrZero;
  let ovfPos: number;
  if (sat !== 'none' || towardZeroPos || (mode === 'to_odd' && !s.signed && ext)) ovfPos = max(false);
  else ovfPos = ext ? inf(false) : max(false);
  let ovfNeg: number;
  if (!s.signed) ovfNeg = negUnsigned;
  else if (sat !== 'none' || towardZeroNeg) ovfNeg = max(true);
  else ovfNeg = ext ? inf(true) : max(true);
  return {
    nanPos: nan(false),
    nanNeg: nan(true),
    infPos: sat === 'finite' || !ext ? max(false) : inf(false),
    infNeg: !s.signed ? (sat === 'none' ? nanOrZero : 0) : sat === 'finite' || !ext ? max(true) : inf(true),
    ovfPos,
    ovfNeg,
    negUnsigned,
    zeroIn: 0,
  };
}
