/**
 * OliVe codebooks (spec ptq.md §5, formats.md §7), derived from (bits, signed) as in the authors'
 * emulation (clevercool/ANT-Quantization olive_quantization/antquant/quant_modules.py), in normalized
 * units where the normal range tops out near 32 and outliers start above 32:
 *
 * - int: magnitudes k · 32 / 2^B, k = 0 … 2^B − 1 (B = bits − 1 signed, bits unsigned).
 * - flint: 0, then 2^e · (1 + j / 2^m) for e = −1 … −(B−2) with m = B − 2 − (−e − 1) mantissa bits,
 *   e = 0 and e = 1 … B − 2 with m = B − 2 − e, and the top value 2^(B−1); scaled by 32 / 2^(B−1).
 * - abfloat outliers: 2^(5+e) · (1 + j / 2^m), exponent field e = 0 … 3, m = B − 2 mantissa bits,
 *   the (e, j) = (0, 0) value 32 skipped (it is the normal range's end).
 *
 * Signed grids list ±v. Codes (numlab's choice; the emulation keeps only values):
 * - signed: normal = sign (top bit) | index into the sorted normal magnitudes (0 … 2^B − 1); the
 *   spare "−0" pattern (top bit only) is the identifier in a victim slot. Outlier = sign | (e·2^m + j),
 *   i.e. the abfloat bit pattern (sign, 2 exponent bits, m mantissa bits); its magnitude part is never 0.
 * - unsigned: normal = index 0 … 2^bits − 1 (every pattern is a normal value), outlier = e·2^m + j
 *   (never 0); an escape bit per pair marks (outlier, victim) pairs, whose victim slot holds 0.
 */
export type OliveType = 'int' | 'flint';

export interface OliveGrid {
  readonly type: OliveType;
  readonly bits: number;
  readonly signed: boolean;
  /** Sorted ascending normal magnitudes (index = code magnitude); [0] = 0. */
  readonly normalMag: Float64Array;
  /** Sorted ascending outlier magnitudes; outlier code magnitude = index + 1. */
  readonly outlierMag: Float64Array;
  /** The value list the emulation scans: sorted normal values, then sorted outlier values. */
  readonly scan: Float32Array;
  /** Largest normal value (the divisor of alpha in scale = alpha / max). */
  readonly normalMax: number;
  /** Largest outlier magnitude. */
  readonly outlierMax: number;
  /** Identifier code (signed grids), −1 for unsigned. */
  readonly identifier: number;
}

/** Outliers are quantized values with |q| above this (normalized units). */
export const OLIVE_OUTLIER_THRESHOLD = 32;
/** The CUDA scan starts from this distance: a value farther than it from every grid point becomes 0. */
export const OLIVE_SCAN_START = 102400;

function intMagnitudes(B: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < 2 ** B; k++) out.push((k * 32) / 2 ** B);
  return out;
}

function flintMagnitudes(B: number): number[] {
  const top = 2 ** (B - 1);
  const out: number[] = [0];
  const run = (e: number, m: number): void => {
    for (let j = 0; j < 2 ** m; j++) out.push(2 ** e * (1 + j / 2 ** m));
  };
  for (let t = 0; t <= B - 2; t++) run(-(t + 1), B - 2 - t);
  for (let e = 0; e <= B - 2; e++) run(e, B - 2 - e);
  out.push(top);
  return out.sort((a, b) => a - b).map((v) => (v * 32) / top);
}

function abfloatMagnitudes(B: number): number[] {
  const m = B - 2;
  const out: number[] = [];
  for (let e = 0; e < 4; e++) for (let j = 0; j < 2 ** m; j++) if (e !== 0 || j !== 0) out.push(2 ** (5 + e) * (1 + j / 2 ** m));
  return out;
}

function signedList(mag: readonly number[], signed: boolean): number[] {
  const vals = signed ? [...mag, ...mag.filter((v) => v !== 0).map((v) => -v)] : [...mag];
  return vals.sort((a, b) => a - b);
}

const cache = new Map<string, OliveGrid>();

/** The OliVe grid for (type, bits, signed); bits 4 or 8 (8-bit is int only, as the reference forces). */
export function oliveGrid(type: OliveType, bits: number, signed: boolean): OliveGrid {
  const key = `${type}${bits}${signed ? 's' : 'u'}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const B = signed ? bits - 1 : bits;
  const normal = type === 'int' ? intMagnitudes(B) : flintMagnitudes(B);
  const outl = abfloatMagnitudes(B);
  const scan = Float32Array.from([...signedList(normal, signed), ...signedList(outl, signed)]);
  const g: OliveGrid = {
    type,
    bits,
    signed,
    normalMag: Float64Array.from(normal),
    outlierMag: Float64Array.from(outl),
    scan,
    normalMax: normal[normal.length - 1],
    outlierMax: outl[outl.length - 1],
    identifier: signed ? 1 << (bits - 1) : -1,
  };
  cache.set(key, g);
  return g;
}

/** Value (normalized units) of a normal code. */
export function normalValue(g: OliveGrid, code: number): number {
  if (!g.signed) return g.normalMag[code];
  const half = 1 << (g.bits - 1);
  const v = g.normalMag[code & (half - 1)];
  return code & half ? -v : v;
}

/** Value of an outlier code, or NaN when the code names no outlier (magnitude part 0). */
export function outlierValue(g: OliveGrid, code: number): number {
  const half = 1 << (g.bits - 1);
  const magBits = g.signed ? code & (half - 1) : code;
  if (magBits === 0) return NaN;
  const v = g.outlierMag[magBits - 1];
  return g.signed && code & half ? -v : v;
}

/** Code of a grid value q (normalized units, exactly on the grid). */
export function codeOf(g: OliveGrid, q: number): number {
  const mag = Math.abs(q);
  const sign = g.signed && q < 0 ? 1 << (g.bits - 1) : 0;
  if (mag > OLIVE_OUTLIER_THRESHOLD) return sign | (indexOf(g.outlierMag, mag) + 1);
  return sign | indexOf(g.normalMag, mag);
}

function indexOf(list: Float64Array, v: number): number {
  const i = list.indexOf(v);
  if (i < 0) throw new Error(`olive: ${v} is not on the grid`);
  return i;
}
