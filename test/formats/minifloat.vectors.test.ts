// Worked vectors from the specs, through the public format(name).encode/decode/quantize:
// ml_dtypes conversion semantics (formats.md §3.2), the MX / NVFP4 worked examples (§1.10, §2.2), and the
// IEEE P3109 vectors and special-value tables (p3109.md §4, §5, §6, §9). Expected codes are typed from the
// specs; where numlab deliberately departs from a reference implementation the test title names the choice.
import { describe, expect, it } from 'vitest';
import { format } from '../../src/index.js';
import type { MinifloatFormat } from '../../src/formats/minifloat.js';
import type { ElementOptions } from '../../src/formats/options.js';
import type { RoundingMode } from '../../src/formats/spec.js';
import { bitsOfF32, f32FromBits } from '../helpers/arbitraries.js';

const mf = (name: string) => format(name) as MinifloatFormat;
const NAN = 0x7fc00000;
const NEG_NAN = 0xffc00000 | 0;

/** Encode one f32 given by its bit pattern (so NaN signs survive). */
function encBits(name: string, bits: number, opts?: ElementOptions): number {
  return mf(name).encode(new Float32Array(Int32Array.of(bits | 0).buffer), opts)[0];
}
/** Encode one number as the f32 Math.fround(x) (vectors that must be exact spell that out with Math.fround or are exact). */
function enc(name: string, x: number, opts?: ElementOptions): number {
  return encBits(name, bitsOfF32(x), opts);
}
function dec(name: string, code: number): number {
  const f = mf(name);
  return f.decode(f.codeBytes === 1 ? Uint8Array.of(code) : Uint16Array.of(code))[0];
}
function quant(name: string, x: number, opts?: ElementOptions): number {
  return mf(name).quantize(Float32Array.of(x), opts)[0];
}
const nextDown = (x: number) => f32FromBits(bitsOfF32(x) + (x > 0 ? -1 : 1));
const hex = (c: number) => '0x' + c.toString(16).toUpperCase().padStart(2, '0');

type Want = number | 'NaN';
/**
 * Encode x, expect `code`; decode(code) must be exactly `value` (Object.is, so −0 is checked) or a NaN;
 * quantize(x) must equal decode(code) bit for bit.
 */
function vector(name: string, x: number, code: number, value: Want, opts?: ElementOptions) {
  const got = enc(name, x, opts);
  expect(hex(got)).toBe(hex(code));
  const v = dec(name, got);
  if (value === 'NaN') expect(Number.isNaN(v)).toBe(true);
  else expect(v).toBe(value); // Object.is: −0 ≠ +0
  const q = quant(name, x, opts);
  expect(bitsOfF32(q)).toBe(bitsOfF32(v));
}

describe('ml_dtypes conversion semantics (formats.md §3.2)', () => {
  describe('fp8_e4m3fn: overflow → NaN, 464 is a tie that goes to even 448', () => {
    it('464 → 0x7E (448); 464⁻ → 0x7E; 448 → 0x7E', () => {
      vector('fp8_e4m3fn', 464, 0x7e, 448);
      vector('fp8_e4m3fn', nextDown(464), 0x7e, 448);
      vector('fp8_e4m3fn', 448, 0x7e, 448);
    });
    it('465 → NaN 0x7F, −465 → 0xFF (sign kept)', () => {
      vector('fp8_e4m3fn', 465, 0x7f, 'NaN');
      vector('fp8_e4m3fn', -465, 0xff, 'NaN');
    });
    it('±Inf → NaN 0x7F / 0xFF, also with saturate: true (Inf maps to infinity() whatever kSaturate says)', () => {
      for (const opts of [undefined, { saturate: true }] as const) {
        vector('fp8_e4m3fn', Infinity, 0x7f, 'NaN', opts);
        vector('fp8_e4m3fn', -Infinity, 0xff, 'NaN', opts);
      }
    });
    it('saturate: true clamps finite overflow: 1e6 → 0x7E (448), −1e6 → 0xFE, 465 → 0x7E', () => {
      vector('fp8_e4m3fn', 1e6, 0x7e, 448, { saturate: true });
      vector('fp8_e4m3fn', -1e6, 0xfe, -448, { saturate: true });
      vector('fp8_e4m3fn', 465, 0x7e, 448, { saturate: true });
    });
    it("numlab choice: saturate: 'finite' (P3109 SatFinite) also clamps ±Inf to ±448", () => {
      vector('fp8_e4m3fn', Infinity, 0x7e, 448, { saturate: 'finite' });
      vector('fp8_e4m3fn', -Infinity, 0xfe, -448, { saturate: 'finite' });
    });
    it('NaN → 0x7F, −NaN → 0xFF (quiet_NaN with sign); any payload', () => {
      expect(hex(encBits('fp8_e4m3fn', NAN))).toBe('0x7F');
      expect(hex(encBits('fp8_e4m3fn', NEG_NAN))).toBe('0xFF');
      expect(hex(encBits('fp8_e4m3fn', 0x7f800001))).toBe('0x7F');
      expect(hex(encBits('fp8_e4m3fn', 0xff812345))).toBe('0xFF');
    });
    it("numlab choice: NaN codes decode to the quiet NaN 0x7FC00000 with the code's sign", () => {
      expect(bitsOfF32(dec('fp8_e4m3fn', 0x7f)) >>> 0).toBe(0x7fc00000);
      expect(bitsOfF32(dec('fp8_e4m3fn', 0xff)) >>> 0).toBe(0xffc00000);
    });
    it('±0 keep their sign (signed zero); subnormals round to nearest even', () => {
      vector('fp8_e4m3fn', 0, 0x00, 0);
      vector('fp8_e4m3fn', -0, 0x80, -0);
      vector('fp8_e4m3fn', 2 ** -10, 0x00, 0); // half of min subnormal 2^-9: tie → 0
      vector('fp8_e4m3fn', -(2 ** -10), 0x80, -0);
      vector('fp8_e4m3fn', 3 * 2 ** -10, 0x02, 2 ** -8); // 1.5 · 2^-9: tie → even code 2
      vector('fp8_e4m3fn', 2 ** -9, 0x01, 2 ** -9);
    });
  });

  describe('fp8_e5m2: overflow → ±Inf; 61440 is a tie that goes to the even (larger) neighbour', () => {
    it('61440 → +Inf 0x7C; the f32 below 61440 → 0x7B (57344); −61440 → 0xFC', () => {
      vector('fp8_e5m2', 61440, 0x7c, Infinity);
      vector('fp8_e5m2', nextDown(61440), 0x7b, 57344);
      vector('fp8_e5m2', -61440, 0xfc, -Infinity);
    });
    it('saturate: true → 0x7B for finite overflow but ±Inf inputs stay ±Inf', () => {
      vector('fp8_e5m2', 61440, 0x7b, 57344, { saturate: true });
      vector('fp8_e5m2', Infinity, 0x7c, Infinity, { saturate: true });
      vector('fp8_e5m2', -Infinity, 0xfc, -Infinity, { saturate: true });
    });
    it('NaN → a quiet NaN code in 0x7D..0x7F (sign kept: 0xFD..0xFF for −NaN)', () => {
      const p = encBits('fp8_e5m2', NAN);
      const n = encBits('fp8_e5m2', NEG_NAN);
      expect(p >= 0x7d && p <= 0x7f).toBe(true);
      expect(n >= 0xfd && n <= 0xff).toBe(true);
      expect(Number.isNaN(dec('fp8_e5m2', p))).toBe(true);
    });
  });

  describe('IEEE-like e4m3 / e3m4: overflow → Inf; the tie past max goes up (max has an odd mantissa)', () => {
    it('fp8_e4m3: 240 → 0x77, 248⁻ → 0x77, 248 → +Inf 0x78, Inf → 0x78', () => {
      vector('fp8_e4m3', 240, 0x77, 240);
      vector('fp8_e4m3', nextDown(248), 0x77, 240);
      vector('fp8_e4m3', 248, 0x78, Infinity);
      vector('fp8_e4m3', -Infinity, 0xf8, -Infinity);
    });
    it('fp8_e3m4: 15.5 → 0x6F, 15.75 → +Inf 0x70', () => {
      vector('fp8_e3m4', 15.5, 0x6f, 15.5);
      vector('fp8_e3m4', nextDown(15.75), 0x6f, 15.5);
      vector('fp8_e3m4', 15.75, 0x70, Infinity);
    });
  });

  describe('fnuz rows: one zero, NaN = 0x80', () => {
    it('fp8_e4m3fnuz: 248 → NaN 0x80, 247.9 → 0x7F (240), −248 → 0x80', () => {
      vector('fp8_e4m3fnuz', 248, 0x80, 'NaN');
      vector('fp8_e4m3fnuz', Math.fround(247.9), 0x7f, 240);
      vector('fp8_e4m3fnuz', -248, 0x80, 'NaN');
      vector('fp8_e4m3fnuz', -247.5, 0xff, -240);
    });
    it('fp8_e4m3fnuz: saturate: true → ±240', () => {
      vector('fp8_e4m3fnuz', 248, 0x7f, 240, { saturate: true });
      vector('fp8_e4m3fnuz', -1e9, 0xff, -240, { saturate: true });
    });
    it('−0 → 0x00 in every fnuz row; ±Inf and ±NaN → 0x80', () => {
      for (const id of ['fp8_e4m3fnuz', 'fp8_e5m2fnuz', 'fp8_e4m3b11fnuz']) {
        vector(id, -0, 0x00, 0);
        vector(id, -(2 ** -30), 0x00, 0); // rounds to zero: still the one zero
        vector(id, Infinity, 0x80, 'NaN');
        vector(id, -Infinity, 0x80, 'NaN');
        expect(hex(encBits(id, NAN))).toBe('0x80');
        expect(hex(encBits(id, NEG_NAN))).toBe('0x80');
      }
    });
    it('fp8_e4m3b11fnuz max 30 = 0x7F; fp8_e5m2fnuz max 57344 = 0x7F', () => {
      vector('fp8_e4m3b11fnuz', 30, 0x7f, 30);
      vector('fp8_e5m2fnuz', 57344, 0x7f, 57344);
    });
  });

  describe('MX FP6/FP4 elements: overflow always saturates, Inf → ±max', () => {
    it('fp4_e2m1fn: 1e6 → 0x7 (6), −1e6 → 0xF, ±Inf → 0x7 / 0xF (FloatMXTest.NoInfinity), with every saturate value', () => {
      for (const opts of [undefined, { saturate: false }, { saturate: true }, { saturate: 'finite' }] as const) {
        vector('fp4_e2m1fn', 1e6, 0x7, 6, opts);
        vector('fp4_e2m1fn', -1e6, 0xf, -6, opts);
        vector('fp4_e2m1fn', Infinity, 0x7, 6, opts);
        vector('fp4_e2m1fn', -Infinity, 0xf, -6, opts);
      }
    });
    it('fp4_e2m1fn ties to even: 2.5 → 2, 5 → 4, 0.25 → 0, 0.75 → 1, 1.25 → 1', () => {
      vector('fp4_e2m1fn', 2.5, 0x4, 2);
      vector('fp4_e2m1fn', 5, 0x6, 4);
      vector('fp4_e2m1fn', 0.25, 0x0, 0);
      vector('fp4_e2m1fn', -0.25, 0x8, -0);
      vector('fp4_e2m1fn', 0.75, 0x2, 1);
      vector('fp4_e2m1fn', 1.25, 0x2, 1);
      vector('fp4_e2m1fn', 3.5, 0x6, 4);
    });
    it('fp6_e2m3fn: 100 → 0x1F (7.5), −Inf → 0x3F; fp6_e3m2fn: 1e6 → 0x1F (28), Inf → 0x1F', () => {
      vector('fp6_e2m3fn', 100, 0x1f, 7.5);
      vector('fp6_e2m3fn', -Infinity, 0x3f, -7.5);
      vector('fp6_e3m2fn', 1e6, 0x1f, 28);
      vector('fp6_e3m2fn', Infinity, 0x1f, 28);
      vector('fp6_e3m2fn', -1e6, 0x3f, -28);
    });
  });

  describe('e8m0fnu: no zero, NaN = 0xFF', () => {
    it('0 and −0 → NaN 0xFF; with saturate: true → 0x00 (2^-127)', () => {
      vector('e8m0fnu', 0, 0xff, 'NaN');
      vector('e8m0fnu', -0, 0xff, 'NaN');
      vector('e8m0fnu', 0, 0x00, 2 ** -127, { saturate: true });
      vector('e8m0fnu', -0, 0x00, 2 ** -127, { saturate: true });
    });
    it('negative → NaN 0xFF; with saturate: true → 0x00 (Float8E8m0fnuTest.NegativeInput)', () => {
      for (const x of [-1, -3, -(2 ** 100), -(2 ** -140)]) {
        vector('e8m0fnu', x, 0xff, 'NaN');
        vector('e8m0fnu', x, 0x00, 2 ** -127, { saturate: true });
      }
      vector('e8m0fnu', -Infinity, 0xff, 'NaN');
    });
    it('−Inf → NaN 0xFF also with saturate: true (ConvertImpl maps ±Inf to ±infinity() = NaN before looking at the sign)', () => {
      vector('e8m0fnu', -Infinity, 0xff, 'NaN', { saturate: true });
      for (const rounding of ['rne', 'toward_zero', 'toward_positive', 'toward_negative', 'to_odd'] as const)
        vector('e8m0fnu', -Infinity, 0xff, 'NaN', { saturate: true, rounding });
    });
    it("numlab choice: saturate: 'finite' clamps −Inf like any negative input, to the least code 0x00", () => {
      vector('e8m0fnu', -Infinity, 0x00, 2 ** -127, { saturate: 'finite' });
      vector('e8m0fnu', -1, 0x00, 2 ** -127, { saturate: 'finite' });
    });
    it('ue4m3 (unsigned, NaN 0x7F): −Inf → NaN with and without saturate: true, like E8M0', () => {
      vector('ue4m3', -Infinity, 0x7f, 'NaN');
      vector('ue4m3', -Infinity, 0x7f, 'NaN', { saturate: true });
    });
    it('numlab choice: exact ties round to EVEN codes (ml_dtypes rounds them up): 3.0 → 0x80 (2), 0.75 → 0x7E (0.5), 6 → 0x82 (8)', () => {
      // 3 = 1.5·2 lies between 2 = 2^(128−127) (code 0x80, even) and 4 (code 0x81, odd)
      expect(dec('e8m0fnu', 0x80)).toBe(2);
      expect(dec('e8m0fnu', 0x81)).toBe(4);
      vector('e8m0fnu', 3, 0x80, 2);
      // 0.75 between 0.5 (0x7E, even) and 1 (0x7F, odd); 6 between 4 (0x81, odd) and 8 (0x82, even)
      vector('e8m0fnu', 0.75, 0x7e, 0.5);
      vector('e8m0fnu', 6, 0x82, 8);
      // 1.5 between 1 (0x7F, odd) and 2 (0x80, even): here ties-to-even and ml_dtypes' round-up agree
      vector('e8m0fnu', 1.5, 0x80, 2);
    });
    it('non-ties round to the nearer neighbour on the linear scale: 2.9 → 2, 3.1 → 4', () => {
      vector('e8m0fnu', Math.fround(2.9), 0x80, 2);
      vector('e8m0fnu', Math.fround(3.1), 0x81, 4);
    });
    it('tiny positives below 2^-127 → 0x00: 1e-40, 2^-149, 2^-127', () => {
      vector('e8m0fnu', Math.fround(1e-40), 0x00, 2 ** -127);
      vector('e8m0fnu', 2 ** -149, 0x00, 2 ** -127);
      vector('e8m0fnu', 2 ** -127, 0x00, 2 ** -127);
    });
    it('2^127 → 0xFE; 1.5·2^127 ties to even 0xFE; the f32 max overflows to NaN 0xFF, or 0xFE saturating', () => {
      vector('e8m0fnu', 2 ** 127, 0xfe, 2 ** 127);
      vector('e8m0fnu', 1.5 * 2 ** 127, 0xfe, 2 ** 127);
      vector('e8m0fnu', f32FromBits(0x7f7fffff), 0xff, 'NaN');
      vector('e8m0fnu', f32FromBits(0x7f7fffff), 0xfe, 2 ** 127, { saturate: true });
    });
    it('Inf → NaN 0xFF even with saturate: true (infinity() is NaN); NaN → 0xFF', () => {
      vector('e8m0fnu', Infinity, 0xff, 'NaN');
      vector('e8m0fnu', Infinity, 0xff, 'NaN', { saturate: true });
      expect(hex(encBits('e8m0fnu', NAN))).toBe('0xFF');
      expect(hex(encBits('e8m0fnu', NEG_NAN))).toBe('0xFF');
    });
  });

  describe('IEEE fp16 / bf16 (IEEE 754 RNE, overflow → Inf)', () => {
    it('fp16: 65504 → 0x7BFF, 65520⁻ → 0x7BFF, 65520 → +Inf 0x7C00, 2^-25 → 0, 3·2^-25 → 2^-23', () => {
      vector('fp16', 65504, 0x7bff, 65504);
      vector('fp16', nextDown(65520), 0x7bff, 65504);
      vector('fp16', 65520, 0x7c00, Infinity);
      vector('fp16', 2 ** -25, 0x0000, 0);
      vector('fp16', 3 * 2 ** -25, 0x0002, 2 ** -23);
      vector('fp16', -0, 0x8000, -0);
    });
    it('bf16: 1 + 2^-8 → 0x3F80 (tie, even), 1 + 3·2^-8 → 0x3F82, f32 max → +Inf 0x7F80', () => {
      vector('bf16', 1 + 2 ** -8, 0x3f80, 1);
      vector('bf16', 1 + 3 * 2 ** -8, 0x3f82, 1 + 2 ** -6);
      vector('bf16', f32FromBits(0x7f7fffff), 0x7f80, Infinity);
      vector('bf16', f32FromBits(0x7f7fffff), 0x7f7f, (2 - 2 ** -7) * 2 ** 127, { saturate: true });
    });
  });
});

describe('MX and NVFP4 worked examples with a per-tensor scale (formats.md §1.10, §2.2)', () => {
  it('MXFP4 block [3.1, −2.9, 0.26, 0.24, 1.25, −0.75, 0, 1.0], X = 2^-1 → codes [7, F, 1, 1, 4, B, 0, 4]', () => {
    const x = Float32Array.of(3.1, -2.9, 0.26, 0.24, 1.25, -0.75, 0, 1.0);
    const f = mf('fp4_e2m1fn');
    expect([...f.encode(x, { scale: 0.5 })]).toEqual([0x7, 0xf, 0x1, 0x1, 0x4, 0xb, 0x0, 0x4]);
    expect([...f.quantize(x, { scale: 0.5 })]).toEqual([3, -3, 0.25, 0.25, 1.0, -0.75, 0, 1.0]);
  });

  it('MXFP8-E4M3 block [957, 960, 902.4, −124.8256, 0.5], X = 2, clamping (saturate) → 957 → 896', () => {
    const x = Float32Array.of(957, 960, 902.4, -124.8256, 0.5);
    const f = mf('fp8_e4m3fn');
    expect([...f.encode(x, { scale: 2, saturate: true })]).toEqual([0x7e, 0x7e, 0x7e, 0xe8, 0x28]);
    expect([...f.quantize(x, { scale: 2, saturate: true })]).toEqual([896, 896, 896, -128, 0.5]);
  });

  it('NVFP4 block [3, −1.4, 0.2, 2.2] with element factor 2 → codes [7, D, 1, 6]; block scale 112 → E4M3 / UE4M3 0x6E', () => {
    const f = mf('fp4_e2m1fn');
    const x = Float32Array.of(3, -1.4, 0.2, 2.2);
    expect([...f.encode(x, { scale: 0.5 })]).toEqual([0x7, 0xd, 0x1, 0x6]);
    expect([...f.quantize(x, { scale: 0.5 })]).toEqual([3, -1.5, 0.25, 2]);
    vector('fp8_e4m3fn', 112, 0x6e, 112);
    vector('ue4m3', 112, 0x6e, 112);
  });
});

describe('ue4m3 (formats.md §2.1: 7-bit unsigned E4M3, NaN 0x7F)', () => {
  it('448 → 0x7E, 0x7F decodes to NaN, zero → 0x00', () => {
    vector('ue4m3', 448, 0x7e, 448);
    vector('ue4m3', 0, 0x00, 0);
    expect(Number.isNaN(dec('ue4m3', 0x7f))).toBe(true);
  });
  it('numlab row policy (the spec gives none for ue4m3 overflow): overflow → NaN 0x7F, or 0x7E when saturating', () => {
    vector('ue4m3', 1e6, 0x7f, 'NaN');
    vector('ue4m3', 1e6, 0x7e, 448, { saturate: true });
  });
});

describe('IEEE P3109 test vectors (p3109.md §9; RNE + SatNone unless stated)', () => {
  it('Binary8p3se: 1.125 → 0x40, 1.375 → 0x42, −1.375 → 0xC2', () => {
    vector('binary8p3se', 1.125, 0x40, 1);
    vector('binary8p3se', 1.375, 0x42, 1.5);
    vector('binary8p3se', -1.375, 0xc2, -1.5);
  });
  it('Binary8p3se: 53248 → 0x7E (tie goes to 49152), 53248.5 → 0x7F (+Inf)', () => {
    vector('binary8p3se', 53248, 0x7e, 49152);
    vector('binary8p3se', 53248.5, 0x7f, Infinity);
  });
  it('Binary8p3se: 2^-18 → 0x00, 2^-18·1.0001 → 0x01, 3·2^-18 → 0x02', () => {
    vector('binary8p3se', 2 ** -18, 0x00, 0);
    vector('binary8p3se', Math.fround(2 ** -18 * 1.0001), 0x01, 2 ** -17);
    vector('binary8p3se', 3 * 2 ** -18, 0x02, 2 ** -16);
  });
  it('Binary8p4se: 0.1 → 0x25 (exactly 0.1015625), 2.0 → 0x48 (§3 example), +Inf → 0x7F', () => {
    vector('binary8p4se', Math.fround(0.1), 0x25, 0.1015625);
    vector('binary8p4se', 2, 0x48, 2);
    vector('binary8p4se', Infinity, 0x7f, Infinity);
  });
  it('Binary8p4se: 232 → 0x7E (224) under RNE, but 0x7F with half_away and toward_positive; 232.1 → 0x7F (§4)', () => {
    vector('binary8p4se', 232, 0x7e, 224);
    vector('binary8p4se', 232, 0x7f, Infinity, { rounding: 'half_away' });
    vector('binary8p4se', 232, 0x7f, Infinity, { rounding: 'toward_positive' });
    vector('binary8p4se', Math.fround(232.1), 0x7f, Infinity);
  });
  it('Binary8p4se: −232 toward_negative → 0xFF (−Inf); 224.1 to_odd → 0x7F', () => {
    vector('binary8p4se', -232, 0xff, -Infinity, { rounding: 'toward_negative' });
    vector('binary8p4se', Math.fround(224.1), 0x7f, Infinity, { rounding: 'to_odd' });
  });
  it('Binary8p5se: 15.25 → 0x7E, 15.5 → 0x7F, 0.3 → 0x23', () => {
    vector('binary8p5se', 15.25, 0x7e, 15);
    vector('binary8p5se', 15.5, 0x7f, Infinity);
    vector('binary8p5se', Math.fround(0.3), 0x23, 0.296875);
  });
  it('Binary8p1uf: 3.0 → 0x82 (4.0), 2^127 → 0xFE (clamped: finite format), 2^-128 → 0x00', () => {
    vector('binary8p1uf', 3, 0x82, 4);
    vector('binary8p1uf', 2 ** 127, 0xfe, 2 ** 126);
    vector('binary8p1uf', 2 ** -128, 0x00, 0);
  });
  it('Binary8p1se (P = 1: ties use the exponent parity, §5): 1.5 → 0x40, 3 → 0x42, 6 → 0x42, 0.75 → 0x40, 2^-64 → 0', () => {
    vector('binary8p1se', 1.5, 0x40, 1);
    vector('binary8p1se', 3, 0x42, 4);
    vector('binary8p1se', 6, 0x42, 4);
    vector('binary8p1se', 0.75, 0x40, 1);
    vector('binary8p1se', 2 ** -64, 0x00, 0);
  });
});

describe('P3109 special inputs under the three saturation modes (p3109.md §9 table, §6; RNE)', () => {
  // numlab: saturate false = SatNone, true = SatPropagate, 'finite' = SatFinite
  const SAT = { SatFinite: 'finite', SatPropagate: true, SatNone: false } as const;
  const INPUTS: [string, number][] = [
    ['NaN', NAN], ['+Inf', bitsOfF32(Infinity)], ['−Inf', bitsOfF32(-Infinity)], ['−0.0', bitsOfF32(-0)],
    ['1e30', bitsOfF32(1e30)], ['−1.0', bitsOfF32(-1)],
  ];
  const TABLE: Record<string, Record<keyof typeof SAT, number[]>> = {
    binary8p4se: {
      SatFinite: [0x80, 0x7e, 0xfe, 0x00, 0x7e, 0xc0],
      SatPropagate: [0x80, 0x7f, 0xff, 0x00, 0x7e, 0xc0],
      SatNone: [0x80, 0x7f, 0xff, 0x00, 0x7f, 0xc0],
    },
    binary8p4sf: {
      SatFinite: [0x80, 0x7f, 0xff, 0x00, 0x7f, 0xc0],
      SatPropagate: [0x80, 0x7f, 0xff, 0x00, 0x7f, 0xc0],
      SatNone: [0x80, 0x7f, 0xff, 0x00, 0x7f, 0xc0],
    },
    binary8p4ue: {
      SatFinite: [0xff, 0xfd, 0x00, 0x00, 0xfd, 0x00],
      SatPropagate: [0xff, 0xfe, 0x00, 0x00, 0xfd, 0x00],
      SatNone: [0xff, 0xfe, 0xff, 0x00, 0xfe, 0xff],
    },
    binary8p4uf: {
      // SatNone column from the table; SatFinite/SatPropagate: "0x00 for −Inf and −1.0", +Inf and 1e30 → M_hi (§6)
      SatFinite: [0xff, 0xfe, 0x00, 0x00, 0xfe, 0x00],
      SatPropagate: [0xff, 0xfe, 0x00, 0x00, 0xfe, 0x00],
      SatNone: [0xff, 0xfe, 0xff, 0x00, 0xfe, 0xff],
    },
  };
  for (const [id, rows] of Object.entries(TABLE))
    for (const [satName, want] of Object.entries(rows))
      it(`${id}, ${satName}: NaN, +Inf, −Inf, −0, 1e30, −1.0 → ${want.map(hex).join(' ')}`, () => {
        const opts = { saturate: SAT[satName as keyof typeof SAT] };
        const got = INPUTS.map(([, b]) => hex(encBits(id, b, opts)));
        expect(got).toEqual(want.map(hex));
      });

  it('a NaN of either sign or any payload becomes the single NaN (0x80 signed, 0xFF unsigned)', () => {
    for (const b of [NAN, NEG_NAN, 0x7f800001, 0xff812345 | 0, 0x7fffffff]) {
      expect(hex(encBits('binary8p4se', b))).toBe('0x80');
      expect(hex(encBits('binary8p3sf', b))).toBe('0x80');
      expect(hex(encBits('binary8p4ue', b))).toBe('0xFF');
      expect(hex(encBits('binary8p1uf', b))).toBe('0xFF');
    }
  });

  it('the P3109 NaN decodes to the recommended quiet NaN with zero payload and positive sign (§9, R3.1+ IsSignMinus(NaN) = False)', () => {
    expect(bitsOfF32(dec('binary8p4se', 0x80)) >>> 0).toBe(0x7fc00000);
    expect(bitsOfF32(dec('binary8p4ue', 0xff)) >>> 0).toBe(0x7fc00000);
  });
});

describe('P3109 SatNone rules that depend on the rounding mode (p3109.md §6, §9 notes)', () => {
  const ALL: RoundingMode[] = ['rne', 'half_away', 'toward_zero', 'toward_positive', 'toward_negative', 'to_odd'];
  it('unsigned, SatNone: −1.0 → 0x00 with toward_zero / toward_positive, NaN 0xFF with the nearest modes, toward_negative and to_odd', () => {
    for (const id of ['binary8p4ue', 'binary8p4uf']) {
      const got = ALL.map((rounding) => hex(encBits(id, bitsOfF32(-1), { rounding })));
      expect([id, ...got]).toEqual([id, '0xFF', '0xFF', '0x00', '0x00', '0xFF', '0xFF']);
    }
  });
  it('unsigned, SatNone: a small negative that rounds to 0 gives 0x00, not NaN (rounding happens first)', () => {
    const x = bitsOfF32(-1e-30);
    expect(hex(encBits('binary8p4ue', x))).toBe('0x00');
    expect(hex(encBits('binary8p4ue', x, { rounding: 'toward_positive' }))).toBe('0x00');
    expect(hex(encBits('binary8p4ue', x, { rounding: 'toward_zero' }))).toBe('0x00');
    // toward_negative rounds it away from zero to −MinSubnormal < M_lo → NaN
    expect(hex(encBits('binary8p4ue', x, { rounding: 'toward_negative' }))).toBe('0xFF');
  });
  it('unsigned, SatNone: −Inf → NaN whatever the rounding mode', () => {
    for (const rounding of ALL) expect(hex(encBits('binary8p4ue', bitsOfF32(-Infinity), { rounding }))).toBe('0xFF');
  });
  it('signed extended, SatNone: 1e30 → M_hi (0x7E) with toward_zero / toward_negative, +Inf (0x7F) otherwise (to_odd included)', () => {
    const got = ALL.map((rounding) => hex(enc('binary8p4se', 1e30, { rounding })));
    expect(got).toEqual(['0x7F', '0x7F', '0x7E', '0x7F', '0x7E', '0x7F']);
  });
  it('signed extended, SatNone: −1e30 → −M_hi (0xFE) with toward_zero / toward_positive, −Inf (0xFF) otherwise', () => {
    const got = ALL.map((rounding) => hex(enc('binary8p4se', -1e30, { rounding })));
    expect(got).toEqual(['0xFF', '0xFF', '0xFE', '0xFE', '0xFF', '0xFF']);
  });
  it('unsigned extended, SatNone: 1e30 → M_hi (0xFD) with to_odd, toward_zero, toward_negative; +Inf (0xFE) otherwise', () => {
    const got = ALL.map((rounding) => hex(enc('binary8p4ue', 1e30, { rounding })));
    expect(got).toEqual(['0xFE', '0xFE', '0xFD', '0xFE', '0xFD', '0xFD']);
  });
  it('±Inf inputs are not rounded: +Inf → +Inf (0x7F) under SatNone in every mode', () => {
    for (const rounding of ALL) expect(hex(enc('binary8p4se', Infinity, { rounding }))).toBe('0x7F');
    for (const rounding of ALL) expect(hex(enc('binary8p4se', -Infinity, { rounding }))).toBe('0xFF');
  });
  it('SatPropagate / SatFinite clamp finite overflow to ±M_hi in every mode; SatPropagate keeps ±Inf inputs, SatFinite clamps them', () => {
    for (const rounding of ALL) {
      for (const saturate of [true, 'finite'] as const) {
        expect(hex(enc('binary8p4se', 1e30, { rounding, saturate }))).toBe('0x7E');
        expect(hex(enc('binary8p4se', -1e30, { rounding, saturate }))).toBe('0xFE');
        expect(hex(enc('binary8p4ue', 1e30, { rounding, saturate }))).toBe('0xFD');
        // unsigned: anything below M_lo = 0 clamps to 0 (−1e-30 rounded away from zero under toward_negative too)
        expect(hex(enc('binary8p4ue', -1, { rounding, saturate }))).toBe('0x00');
        expect(hex(enc('binary8p4ue', -1e-30, { rounding, saturate }))).toBe('0x00');
      }
      expect(hex(enc('binary8p4se', Infinity, { rounding, saturate: true }))).toBe('0x7F');
      expect(hex(enc('binary8p4se', -Infinity, { rounding, saturate: true }))).toBe('0xFF');
      expect(hex(enc('binary8p4se', Infinity, { rounding, saturate: 'finite' }))).toBe('0x7E');
      expect(hex(enc('binary8p4se', -Infinity, { rounding, saturate: 'finite' }))).toBe('0xFE');
    }
  });
  it('finite formats never overflow to NaN under SatNone: binary8p4sf ±1e30 → ±M_hi in every mode', () => {
    for (const rounding of ALL) {
      expect(hex(enc('binary8p4sf', 1e30, { rounding }))).toBe('0x7F');
      expect(hex(enc('binary8p4sf', -1e30, { rounding }))).toBe('0xFF');
    }
  });
  it('§4: the tie just above M_hi stays at M_hi for signed extended (0x7E even) but overflows for unsigned extended (0xFD odd)', () => {
    vector('binary8p4se', 232, 0x7e, 224); // M_hi 224 + ½ulp (16)
    vector('binary8p4ue', 55296, 0xfe, Infinity); // M_hi 53248 + ½ulp (4096)
    vector('binary8p4ue', nextDown(55296), 0xfd, 53248);
  });
});

describe('finite overflow under directed roundings: IEEE 754 §7.4 for IEEE rows, ml_dtypes for ml_dtypes rows', () => {
  const ALL: RoundingMode[] = ['rne', 'half_away', 'toward_zero', 'toward_positive', 'toward_negative', 'to_odd', 'stochastic'];
  const row = (id: string, x: number) => ALL.map((rounding) => hex(enc(id, x, { rounding })));
  it('generic fp_e5m2 (conversion ieee754): 1e6 → max 0x7B under toward_zero, toward_negative, to_odd; +Inf 0x7C otherwise', () => {
    expect(row('fp_e5m2', 1e6)).toEqual(['0x7C', '0x7C', '0x7B', '0x7C', '0x7B', '0x7B', '0x7C']);
  });
  it('generic fp_e5m2: −1e6 → −max 0xFB under toward_zero, toward_positive, to_odd; −Inf 0xFC otherwise', () => {
    expect(row('fp_e5m2', -1e6)).toEqual(['0xFC', '0xFC', '0xFB', '0xFB', '0xFC', '0xFB', '0xFC']);
  });
  it('generic fp_e5m2: 60000 (between max 57344 and the next step 65536) → +Inf only under toward_positive', () => {
    expect(row('fp_e5m2', 60000)).toEqual(['0x7B', '0x7B', '0x7B', '0x7C', '0x7B', '0x7B', '0x7B']);
  });
  it('generic fp_e5m2: ±Inf inputs stay ±Inf in every mode; saturate: true gives ±max in every mode', () => {
    expect(row('fp_e5m2', Infinity)).toEqual(ALL.map(() => '0x7C'));
    expect(row('fp_e5m2', -Infinity)).toEqual(ALL.map(() => '0xFC'));
    for (const rounding of ALL) expect(hex(enc('fp_e5m2', -1e6, { rounding, saturate: true }))).toBe('0xFB');
  });
  it('fp16 (IEEE 754 binary16, conversion ieee754): 1e6 toward_zero → 65504 (0x7BFF); toward_positive → +Inf', () => {
    vector('fp16', 1e6, 0x7bff, 65504, { rounding: 'toward_zero' });
    vector('fp16', 1e6, 0x7c00, Infinity, { rounding: 'toward_positive' });
    vector('fp16', -1e6, 0xfbff, -65504, { rounding: 'toward_positive' });
    vector('fp16', -1e6, 0xfc00, -Infinity, { rounding: 'toward_negative' });
  });
  it('ml_dtypes rows keep ml_dtypes: fp8_e5m2 1e6 → +Inf in every mode (the rounded result is checked against max)', () => {
    expect(row('fp8_e5m2', 1e6)).toEqual(ALL.map(() => '0x7C'));
    expect(row('fp8_e5m2', -1e6)).toEqual(ALL.map(() => '0xFC'));
    // a value that rounds down to max stays max: 60000 toward_zero → 0x7B in both families
    expect(hex(enc('fp8_e5m2', 60000, { rounding: 'toward_zero' }))).toBe('0x7B');
  });
});

describe('P3109 rounding modes on ordinary values (p3109.md §5 RoundAway table; Binary8p4se)', () => {
  const ALL: RoundingMode[] = ['rne', 'half_away', 'toward_zero', 'toward_positive', 'toward_negative', 'to_odd'];
  const row = (id: string, x: number) => ALL.map((rounding) => hex(enc(id, x, { rounding })));
  it('1.0625 (tie between 1.0 = 0x40 and 1.125 = 0x41)', () => {
    expect(row('binary8p4se', 1.0625)).toEqual(['0x40', '0x41', '0x40', '0x41', '0x40', '0x41']);
  });
  it('−1.0625', () => {
    expect(row('binary8p4se', -1.0625)).toEqual(['0xC0', '0xC1', '0xC0', '0xC0', '0xC1', '0xC1']);
  });
  it('1.03 (below the midpoint)', () => {
    expect(row('binary8p4se', Math.fround(1.03))).toEqual(['0x40', '0x40', '0x40', '0x41', '0x40', '0x41']);
  });
  it('1.2 (between 1.125 = 0x41, odd, and 1.25 = 0x42): to_odd keeps the odd code', () => {
    expect(row('binary8p4se', Math.fround(1.2))).toEqual(['0x42', '0x42', '0x41', '0x42', '0x41', '0x41']);
  });
  it('exact values are unchanged in every mode', () => {
    for (const x of [1, 1.125, -224, 0.0009765625, 2 ** -7]) {
      const c = enc('binary8p4se', x);
      expect(row('binary8p4se', x)).toEqual(ALL.map(() => hex(c)));
    }
  });
  it('P = 1 to_odd uses the exponent parity: Binary8p1se 3 → 0x41 (2, odd code), 5 → 0x43 (8)', () => {
    vector('binary8p1se', 3, 0x41, 2, { rounding: 'to_odd' });
    vector('binary8p1se', 5, 0x43, 8, { rounding: 'to_odd' });
  });
});
