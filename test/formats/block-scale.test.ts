// Block scale rules against the spec digest (formats.md §1.7, §1.9, §1.10) and exact-bit edge cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkScaleRule, e8m0Code, floorLog2, scaleExponent } from '../../src/formats/block-scale.js';
import { fromBits } from '../helpers/f32.js';
import { thrown } from '../helpers/errors.js';

const E4M3 = { emax: 8, max: 448, mbits: 3 };
const E2M1 = { emax: 2, max: 6, mbits: 1 };
const INT8 = { emax: 0, max: 127 / 64, mbits: 6 };

describe('floor(log2) from the f32 bits', () => {
  it('normals, powers of two and f32 subnormals', () => {
    expect(floorLog2(1)).toBe(0);
    expect(floorLog2(3.1)).toBe(1);
    expect(floorLog2(0.75)).toBe(-1);
    expect(floorLog2(fromBits(0x00400000))).toBe(-127);
    expect(floorLog2(fromBits(0x00000001))).toBe(-149);
    expect(floorLog2(fromBits(0x007fffff))).toBe(-127);
    expect(floorLog2(fromBits(0x7f7fffff))).toBe(127);
  });
  it('agrees with 2^k ≤ |x| < 2^(k+1) for every finite non-zero f32 (fast-check over raw bits)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 0x7f7fffff }), (b) => {
      const x = fromBits(b);
      const k = floorLog2(x);
      expect(2 ** k <= x && x < 2 ** (k + 1)).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe('scale rules (formats.md §1.7–§1.10)', () => {
  it('floor: the worked examples of §1.10', () => {
    expect(e8m0Code(scaleExponent('floor', 3.1, E2M1))).toBe(126); // MXFP4 block, X = 2^-1
    expect(e8m0Code(scaleExponent('floor', 960, E4M3))).toBe(128); // MXFP8-E4M3, X = 2
    expect(e8m0Code(scaleExponent('floor', 1.99, INT8))).toBe(127); // MXINT8, X = 1
    expect(e8m0Code(scaleExponent('floor', 1.995, INT8))).toBe(127);
  });
  it('rceil differs from ceil: amax = 150, E4M3 → 126 vs 127 (pytorch/ao#2035)', () => {
    expect(e8m0Code(scaleExponent('rceil', 150, E4M3))).toBe(126);
    expect(e8m0Code(scaleExponent('ceil', 150, E4M3))).toBe(127);
    expect(e8m0Code(scaleExponent('floor', 150, E4M3))).toBe(126);
  });
  it('ceil and floor agree on powers of two; rceil never clips', () => {
    expect(scaleExponent('ceil', 256, E4M3)).toBe(scaleExponent('floor', 256, E4M3));
    fc.assert(fc.property(fc.integer({ min: 0x00000001, max: 0x7f7fffff }), (b) => {
      const a = fromBits(b);
      const e = scaleExponent('rceil', a, E2M1) as number;
      if (e > -127 && e < 127) {
        expect(2 ** e * 6 >= a).toBe(true);
        expect(2 ** (e - 1) * 6 < a).toBe(true);
      }
      const fl = scaleExponent('floor', a, E2M1) as number;
      const ce = scaleExponent('ceil', a, E2M1) as number;
      expect(ce - fl === 0 || ce - fl === 1).toBe(true);
    }), { numRuns: 2000 });
  });
  it('even rounds amax to the element mantissa first (torchao EVEN)', () => {
    // E2M1 (1 mantissa bit): 3.9 rounds to 4 → floor(log2) = 2 → e = 0; floor would give −1
    expect(scaleExponent('even', 3.9, E2M1)).toBe(0);
    expect(scaleExponent('floor', 3.9, E2M1)).toBe(-1);
    expect(scaleExponent('even', 2.9, E2M1)).toBe(-1);
  });
  it('zero blocks get code 0 (2^-127); NaN/Inf blocks get the NaN scale 0xFF; exponents clamp to ±127', () => {
    expect(e8m0Code(scaleExponent('floor', 0, E4M3))).toBe(0);
    expect(e8m0Code(scaleExponent('rceil', NaN, E4M3))).toBe(0xff);
    expect(e8m0Code(scaleExponent('floor', Infinity, E4M3))).toBe(0xff);
    expect(e8m0Code(scaleExponent('floor', fromBits(1), E4M3))).toBe(0);
    expect(e8m0Code(scaleExponent('ceil', fromBits(0x7f7fffff), INT8))).toBe(254);
  });
  it('unknown rules are a typed error naming the rule', () => {
    const e = thrown(() => checkScaleRule('round-up'));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toContain('round-up');
  });
});
