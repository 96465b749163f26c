/**
 * Format descriptors: every policy of a format is a field. Generic codecs read these rows;
 * limits are derived from them (limits.ts), never typed by hand.
 */

/** Where ±0 lives. `signed`: +0 and −0; `single`: one zero at code 0 (fnuz, P3109); `none`: no zero (E8M0). */
export type ZeroPolicy = 'signed' | 'single' | 'none';
/** Inf codes. `ieee`: all-ones exponent with zero mantissa; `top`: the largest magnitude code below any `top` NaN. */
export type InfPolicy = 'none' | 'ieee' | 'top';
/** NaN codes. `ieee`: all-ones exponent, nonzero mantissa; `top`: the all-ones magnitude; `negzero`: the −0 pattern (0x80). */
export type NanPolicy = 'none' | 'ieee' | 'top' | 'negzero';
/** What a finite value above the largest finite value becomes when not saturating. */
export type OverflowPolicy = 'inf' | 'nan' | 'saturate';
/**
 * Which conversion rules a row follows for specials, overflow and saturation (formats.md §3.2,
 * p3109.md §6). `ml_dtypes`: ConvertFrom<kSaturate, kTruncate> — the rounded result is checked
 * against max whatever the rounding mode, ±Inf inputs map to the format's infinity() even when
 * saturating. `ieee754`: the ml_dtypes rules, except that finite overflow under the directed
 * roundings follows IEEE 754-2019 §7.4 (toward_zero and to_odd give ±max, toward_positive gives
 * −max for negative overflow, toward_negative +max for positive overflow; the other cases Inf).
 * `p3109`: Interim Report v4.0 ωProject = round, then ωSaturate (SatNone, SatPropagate,
 * SatFinite), where modes that round toward zero clamp at the finite limits.
 */
export type ConversionRules = 'ml_dtypes' | 'ieee754' | 'p3109';

export type RoundingMode =
  | 'rne'
  | 'half_away'
  | 'toward_zero'
  | 'toward_positive'
  | 'toward_negative'
  | 'to_odd'
  | 'stochastic';

export interface MinifloatSpec {
  kind: 'minifloat';
  id: string;
  expBits: number;
  manBits: number;
  bias: number;
  signed: boolean;
  zero: ZeroPolicy;
  inf: InfPolicy;
  nan: NanPolicy;
  overflow: OverflowPolicy;
  conversion: ConversionRules;
  rounding: RoundingMode;
  family: 'ml_dtypes' | 'ocp' | 'ieee' | 'p3109' | 'generic' | 'nvidia';
  description: string;
  source: string;
}

/** Two's-complement (signed) or plain binary (unsigned) integers; `narrow` drops −2^(b−1). */
export interface IntSpec {
  kind: 'int';
  id: string;
  bits: number;
  signed: boolean;
  narrow: boolean;
  rounding: RoundingMode;
  description: string;
  source: string;
}

/** Bipolar-INT: code u ∈ [0, 2^b) means the odd level 2u − (2^b − 1); no zero. */
export interface BipolarSpec {
  kind: 'bipolar';
  id: string;
  bits: number;
  rounding: RoundingMode;
  description: string;
  source: string;
}

export type ElementSpec = MinifloatSpec | IntSpec | BipolarSpec;
export type FormatSpec = ElementSpec;
