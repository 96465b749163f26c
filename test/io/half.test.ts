/**
 * F16 / BF16 <-> f32 against reference twins written from the formats' definitions:
 * decoding by (-1)^s·2^(e-bias)·(1+m/2^M) (subnormals 2^(1-bias)·m/2^M), rounding by picking the
 * nearer of the two bracketing codes (ties to the even code; the code after the largest finite
 * one counts as 2^(emax+1), i.e. overflow to Inf). Exhaustive over the 65536 codes and every
 * midpoint; fast-check over raw f32 bit patterns elsewhere.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16Table, f16ToF32, f32BitsToBf16, f32BitsToF16, f32ToBf16, f32ToF16 } from '../../src/io/half.js';
import { bitsOfF32, f32FromBits } from '../helpers/arbitraries.js';
import { nextDown, nextUp } from '../helpers/f32.js';

interface Half {
  name: string;
  manBits: number;
  bias: number;
  decode: (h: number) => number;
  encodeBits: (u: number) => number;
}

function decodeRef(h: number, manBits: number, bias: number): number {
  const expBits = 15 - manBits;
  const s = h >>> 15 ? -1 : 1;
  const e = (h >>> manBits) & ((1 << expBits) - 1);
  const m = h & ((1 << manBits) - 1);
  if (e === (1 << expBits) - 1) return m === 0 ? s * Infinity : NaN;
  if (e === 0) return s * 2 ** (1 - bias) * (m / 2 ** manBits);
  return s * 2 ** (e - bias) * (1 + m / 2 ** manBits);
}

const FORMATS: Half[] = [
  { name: 'F16', manBits: 10, bias: 15, decode: f16ToF32, encodeBits: f32BitsToF16 },
  { name: 'BF16', manBits: 7, bias: 127, decode: bf16ToF32, encodeBits: f32BitsToBf16 },
];

/** Reference RNE rounding of a finite or infinite f32 value x (not NaN). */
function roundRef(x: number, f: Half): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  const infCode = ((1 << (15 - f.manBits)) - 1) << f.manBits;
  const val = (c: number) => (c === infCode ? 2 ** ((1 << (15 - f.manBits)) - 1 - f.bias) : decodeRef(c, f.manBits, f.bias));
  if (a >= val(infCode)) return sign | infCode;
  let lo = 0; // largest code with val(lo) <= a
  let hi = infCode;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (val(mid) <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - val(lo);
  const dHi = val(lo + 1) - a;
  const c = dLo < dHi ? lo : dHi < dLo ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
  return sign | c;
}

describe.each(FORMATS)('$name', (f) => {
  const infCode = ((1 << (15 - f.manBits)) - 1) << f.manBits;

  it('decodes all 65536 codes exactly (NaN keeps sign and payload)', () => {
    for (let h = 0; h < 65536; h++) {
      const got = f.decode(h);
      const want = decodeRef(h, f.manBits, f.bias);
      if (Number.isNaN(want)) expect(Number.isNaN(got), `code ${h}`).toBe(true);
      else expect(Object.is(got, want), `code ${h}: ${got} vs ${want}`).toBe(true);
    }
  });

  it('every non-NaN code round-trips, and every midpoint ties to even (±1 ulp goes to the nearer code)', () => {
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7fff) > infCode) continue;
      expect(f.encodeBits(bitsOfF32(f.decode(h))), `code ${h}`).toBe(h);
    }
    for (let c = 0; c < infCode; c++) {
      const lo = decodeRef(c, f.manBits, f.bias);
      const hi = c + 1 === infCode ? 2 ** ((1 << (15 - f.manBits)) - 1 - f.bias) : decodeRef(c + 1, f.manBits, f.bias);
      const mid = (lo + hi) / 2;
      expect(Math.fround(mid), 'midpoint representable in f32').toBe(mid);
      const even = c % 2 === 0 ? c : c + 1;
      for (const s of [0, 0x8000]) {
        const sg = s ? -1 : 1;
        expect(f.encodeBits(bitsOfF32(sg * mid)), `mid of ${c}`).toBe(s | even);
        expect(f.encodeBits(bitsOfF32(sg * nextDown(mid))), `below mid of ${c}`).toBe(s | c);
        expect(f.encodeBits(bitsOfF32(sg * nextUp(mid))), `above mid of ${c}`).toBe(s | (c + 1));
      }
    }
  });

  it('matches the reference rounding on raw f32 bit patterns', () => {
    fc.assert(
      fc.property(fc.integer(), (bits) => {
        const u = bits >>> 0;
        const got = f.encodeBits(u);
        if ((u & 0x7fffffff) > 0x7f800000) {
          // NaN: a quiet NaN of the same sign
          expect(got & 0x8000).toBe((u >>> 16) & 0x8000);
          expect((got & 0x7fff) > infCode).toBe(true);
          expect(Number.isNaN(f.decode(got))).toBe(true);
        } else expect(got).toBe(roundRef(f32FromBits(bits), f));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('number entry points', () => {
  it('keeps NaN sign and payload bits in the F16 table (JS numbers may quiet a signalling NaN; the table does not)', () => {
    const bits = new Uint32Array(f16Table().buffer);
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7fff) <= 0x7c00) continue;
      expect(bits[h], `code ${h}`).toBe((((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0);
    }
  });

  it('f32ToF16 / f32ToBf16 round their argument as float32 first', () => {
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00); // the tie above the largest F16 goes to Inf
    expect(f32ToF16(-(2 ** -25))).toBe(0x8000); // half the smallest subnormal ties to -0
    expect(f32ToF16(2 ** -24 * 1.5)).toBe(2); // 1.5 subnormal ulps ties to 2 (even)
    expect(f32ToBf16(1 + 2 ** -8)).toBe(0x3f80); // tie to even (down)
    expect(f32ToBf16(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie to even (up)
    expect(f16Table().length).toBe(65536);
  });
});
