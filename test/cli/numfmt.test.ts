import { describe, expect, it } from 'vitest';
import { binaryParts, formatValue } from '../../src/cli/numfmt.js';

describe('formatValue (exact CLI number rendering)', () => {
  it('prints integers below 2^24 and short decimals as decimals', () => {
    expect(formatValue(448)).toBe('448');
    expect(formatValue(57344)).toBe('57344');
    expect(formatValue(-128)).toBe('-128');
    expect(formatValue(0.015625)).toBe('0.015625');
    expect(formatValue(2 ** -9)).toBe('0.001953125');
    expect(formatValue(2 ** -10)).toBe('0.0009765625');
    expect(formatValue(15.5)).toBe('15.5');
  });

  it('prints very large, very small or long values as exact m×2^k', () => {
    expect(formatValue(2 ** 127)).toBe('2^127');
    expect(formatValue(2 ** -14)).toBe('2^-14');
    expect(formatValue(2 ** -149)).toBe('2^-149');
    expect(formatValue(2 ** 24)).toBe('2^24');
    expect(formatValue(3.3895313892515355e38)).toBe('1.9921875×2^127');
    expect(formatValue(1.125 * 2 ** -10)).toBe('1.125×2^-10');
    expect(formatValue(-(2 ** 62))).toBe('-2^62');
  });

  it('round-trips: the printed form denotes the value exactly', () => {
    for (let k = -149; k <= 127; k++) {
      for (const m of [1, 1.5, 1.75, 1.9921875]) {
        const v = m * 2 ** k;
        const s = formatValue(v);
        const p = /^(?:([\d.]+)×)?2\^(-?\d+)$/.exec(s);
        const back = p ? Number(p[1] ?? 1) * 2 ** Number(p[2]) : Number(s);
        expect(back, s).toBe(v);
      }
    }
  });

  it('splits exactly at powers of two', () => {
    for (let k = -1074; k <= 1023; k += 7) expect(binaryParts(2 ** k)).toEqual({ m: 1, k });
  });

  it('keeps specials readable', () => {
    expect(formatValue(0)).toBe('0');
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(-Infinity)).toBe('-Infinity');
  });
});
