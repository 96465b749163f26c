/**
 * Exact, readable rendering of format values for the CLI tables. Every value a numlab format
 * holds is a dyadic rational, so it has an exact decimal and an exact m×2^k form; we print
 * whichever is short, never a rounded approximation:
 *   - integers below 2^24 in decimal:                        448, 57344, 65504, -128
 *   - 2^-10 ≤ |v| < 2^24 with ≤ 10 decimal fraction digits:  0.015625, 0.001953125 (= 2^-9)
 *   - everything else as m×2^k with 1 ≤ m < 2 (m exact):     2^127, 2^-14, 1.9921875×2^127
 * Non-finite values print as JavaScript does (NaN, Infinity, -Infinity).
 */

const DECIMAL_LOW = 2 ** -10;
const DECIMAL_HIGH = 2 ** 24;
const MAX_FRACTION_DIGITS = 10;

/** Split |v| (finite, non-zero) into m·2^k with 1 ≤ m < 2 exactly. */
export function binaryParts(a: number): { m: number; k: number } {
  let k = Math.floor(Math.log2(a));
  // Math.log2 may be off by one near powers of two; fix up exactly.
  while (2 ** k > a) k--;
  while (2 ** (k + 1) <= a) k++;
  return { m: a / 2 ** k, k };
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (Number.isInteger(a) && a < DECIMAL_HIGH) return sign + String(a);
  if (a >= DECIMAL_LOW && a < DECIMAL_HIGH) {
    const s = String(a);
    if (!s.includes('e') && (s.split('.')[1] ?? '').length <= MAX_FRACTION_DIGITS) return sign + s;
  }
  const { m, k } = binaryParts(a);
  return sign + (m === 1 ? `2^${k}` : `${m}×2^${k}`);
}
