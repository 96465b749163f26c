// Registry limits pinned to the SPEC tables (formats.md §1.3, §1.5, §2.1, §3.1; p3109.md §2, §7a, §7b, §7c),
// not to numbers derived by numlab's own code. Every expected value below is typed from the spec.
import { describe, expect, it } from 'vitest';
import { format, limitsOf, parseFormatName, REGISTRY } from '../../src/index.js';
import type { MinifloatFormat } from '../../src/formats/minifloat.js';
import type { MinifloatLimits } from '../../src/formats/limits.js';
import { bitsOfF32 } from '../helpers/arbitraries.js';
import { thrown } from '../helpers/errors.js';

const mf = (name: string) => format(name) as MinifloatFormat;
const lim = (name: string) => mf(name).limits;
const codes = (f: MinifloatFormat, cs: number[]) => (f.codeBytes === 1 ? Uint8Array.from(cs) : Uint16Array.from(cs));
const decode1 = (name: string, c: number) => {
  const f = mf(name);
  return f.decode(codes(f, [c]))[0];
};

interface Row {
  id: string;
  bits: number;
  bias: number;
  max: number;
  minNormal: number;
  minSubnormal: number | null;
  inf: boolean;
  nan: boolean;
  negZero: boolean;
  /** positive finite values (excluding 0); null where the spec gives no count or max code to derive it from */
  finitePositive: number;
}

// formats.md §1.3 (OCP FP8/FP6/FP4 table + code counts), §1.5 (E8M0), §2.1 (ue4m3), §3.1 (ml_dtypes table);
// fp16: IEEE 754 binary16. Counts for e4m3/e3m4/fnuz rows are the max codes listed in §3.1 (0x77, 0x6F, 0x7F).
const REGISTERED: Row[] = [
  { id: 'fp8_e4m3fn', bits: 8, bias: 7, max: 448, minNormal: 2 ** -6, minSubnormal: 2 ** -9, inf: false, nan: true, negZero: true, finitePositive: 126 },
  { id: 'fp8_e4m3', bits: 8, bias: 7, max: 240, minNormal: 2 ** -6, minSubnormal: 2 ** -9, inf: true, nan: true, negZero: true, finitePositive: 0x77 },
  { id: 'fp8_e4m3fnuz', bits: 8, bias: 8, max: 240, minNormal: 2 ** -7, minSubnormal: 2 ** -10, inf: false, nan: true, negZero: false, finitePositive: 0x7f },
  { id: 'fp8_e4m3b11fnuz', bits: 8, bias: 11, max: 30, minNormal: 2 ** -10, minSubnormal: 2 ** -13, inf: false, nan: true, negZero: false, finitePositive: 0x7f },
  { id: 'fp8_e5m2', bits: 8, bias: 15, max: 57344, minNormal: 2 ** -14, minSubnormal: 2 ** -16, inf: true, nan: true, negZero: true, finitePositive: 123 },
  { id: 'fp8_e5m2fnuz', bits: 8, bias: 16, max: 57344, minNormal: 2 ** -15, minSubnormal: 2 ** -17, inf: false, nan: true, negZero: false, finitePositive: 0x7f },
  { id: 'fp8_e3m4', bits: 8, bias: 3, max: 15.5, minNormal: 0.25, minSubnormal: 2 ** -6, inf: true, nan: true, negZero: true, finitePositive: 0x6f },
  { id: 'fp6_e2m3fn', bits: 6, bias: 1, max: 7.5, minNormal: 1, minSubnormal: 0.125, inf: false, nan: false, negZero: true, finitePositive: 31 },
  { id: 'fp6_e3m2fn', bits: 6, bias: 3, max: 28, minNormal: 0.25, minSubnormal: 0.0625, inf: false, nan: false, negZero: true, finitePositive: 31 },
  { id: 'fp4_e2m1fn', bits: 4, bias: 1, max: 6, minNormal: 1, minSubnormal: 0.5, inf: false, nan: false, negZero: true, finitePositive: 7 },
  // §1.5: codes 0..254 → 2^-127 … 2^127, 0xFF NaN, no zero/Inf; §3.1: min normal 2^-127, no subnormal
  { id: 'e8m0fnu', bits: 8, bias: 127, max: 2 ** 127, minNormal: 2 ** -127, minSubnormal: null, inf: false, nan: true, negZero: false, finitePositive: 255 },
  // §2.1: 7-bit unsigned E4M3, NaN 0x7F → largest finite 0x7E = 448
  { id: 'ue4m3', bits: 7, bias: 7, max: 448, minNormal: 2 ** -6, minSubnormal: 2 ** -9, inf: false, nan: true, negZero: false, finitePositive: 126 },
  { id: 'fp16', bits: 16, bias: 15, max: 65504, minNormal: 2 ** -14, minSubnormal: 2 ** -24, inf: true, nan: true, negZero: true, finitePositive: 0x7bff },
  // §3.1: bfloat16 max ≈3.39e38 = (2 − 2^-7)·2^127, min normal 2^-126, min subnormal 2^-133
  { id: 'bf16', bits: 16, bias: 127, max: (2 - 2 ** -7) * 2 ** 127, minNormal: 2 ** -126, minSubnormal: 2 ** -133, inf: true, nan: true, negZero: true, finitePositive: 0x7f7f },
];

describe('registered minifloat limits (formats.md §1.3, §1.5, §2.1, §3.1)', () => {
  it('every registered minifloat id is covered by this table', () => {
    const registered = REGISTRY.filter((r) => r.kind === 'minifloat' && !r.id.startsWith('binary')).map((r) => r.id);
    expect(new Set(registered)).toEqual(new Set(REGISTERED.map((r) => r.id)));
  });

  it.each(REGISTERED.map((r) => [r.id, r] as const))('%s', (id, r) => {
    const L = lim(id);
    expect(L.kind).toBe('minifloat');
    expect(L.bits).toBe(r.bits);
    expect(L.bias).toBe(r.bias);
    expect(L.max).toBe(r.max);
    expect(L.minNormal).toBe(r.minNormal);
    expect(L.minSubnormal).toBe(r.minSubnormal);
    expect(L.hasInf).toBe(r.inf);
    expect(L.hasNaN).toBe(r.nan);
    expect(L.hasNegZero).toBe(r.negZero);
    expect(L.codes).toBe(2 ** r.bits);
    expect(L.finitePositive).toBe(r.finitePositive);
    // limitsOf on the parsed row agrees with the codec's limits
    expect(limitsOf(parseFormatName(id))).toEqual(L);
  });

  it('bf16 max is exactly (2 − 2^-7)·2^127 = 0x7F7F (≈ 3.3895e38)', () => {
    expect(lim('bf16').max).toBe(3.3895313892515355e38);
    expect(decode1('bf16', 0x7f7f)).toBe(3.3895313892515355e38);
  });

  it('the largest finite code of each row decodes to max and the smallest positive code to min (spec code columns)', () => {
    // formats.md §3.1 Max column codes; §1.3 bit layouts
    const maxCode: Record<string, number> = {
      fp8_e4m3fn: 0x7e, fp8_e4m3: 0x77, fp8_e4m3fnuz: 0x7f, fp8_e4m3b11fnuz: 0x7f, fp8_e5m2: 0x7b, fp8_e5m2fnuz: 0x7f,
      fp8_e3m4: 0x6f, fp6_e2m3fn: 0x1f, fp6_e3m2fn: 0x1f, fp4_e2m1fn: 0x7, e8m0fnu: 0xfe, ue4m3: 0x7e, fp16: 0x7bff, bf16: 0x7f7f,
    };
    for (const r of REGISTERED) {
      expect([r.id, decode1(r.id, maxCode[r.id])]).toEqual([r.id, r.max]);
      const minPos = r.minSubnormal ?? r.minNormal;
      expect([r.id, decode1(r.id, r.id === 'e8m0fnu' ? 0 : 1)]).toEqual([r.id, minPos]);
    }
  });
});

describe('small-format value tables (formats.md §1.3)', () => {
  it('E2M1 codes 0–7 decode exactly to {0, 0.5, 1, 1.5, 2, 3, 4, 6}; codes 8–15 mirror them (8 = −0)', () => {
    const v = mf('fp4_e2m1fn').decode(Uint8Array.from({ length: 16 }, (_, i) => i));
    const pos = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
    expect([...v.slice(0, 8)]).toEqual(pos);
    for (let i = 0; i < 8; i++) expect(Object.is(v[8 + i], -pos[i])).toBe(true);
  });

  it('E2M3 codes 0–31: m/8 (E=0), then 1…1.875 step 1/8, 2…3.75 step 1/4, 4…7.5 step 1/2', () => {
    const v = mf('fp6_e2m3fn').decode(Uint8Array.from({ length: 32 }, (_, i) => i));
    const want: number[] = [];
    for (let m = 0; m < 8; m++) want.push(m / 8);
    for (let E = 1; E <= 3; E++) for (let m = 0; m < 8; m++) want.push((1 + m / 8) * 2 ** (E - 1));
    expect([...v]).toEqual(want);
  });

  it('E3M2 codes 0–31: m/16 (E=0), then (1 + m/4)·2^(E−3) for E = 1..7 (0.25 … 28)', () => {
    const v = mf('fp6_e3m2fn').decode(Uint8Array.from({ length: 32 }, (_, i) => i));
    const want: number[] = [];
    for (let m = 0; m < 4; m++) want.push(m / 16);
    for (let E = 1; E <= 7; E++) for (let m = 0; m < 4; m++) want.push((1 + m / 4) * 2 ** (E - 3));
    expect([...v]).toEqual(want);
    expect(want[31]).toBe(28);
  });

  it('E8M0: code c ↔ 2^(c − 127) for every c in 0..254 (code 0 is the f32 subnormal 0x00400000), 0xFF is NaN (§1.3, §1.5)', () => {
    const f = mf('e8m0fnu');
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const v = f.decode(all);
    for (let c = 0; c <= 254; c++) expect([c, v[c]]).toEqual([c, 2 ** (c - 127)]);
    expect(bitsOfF32(v[0])).toBe(0x00400000);
    for (let c = 1; c <= 254; c++) expect(bitsOfF32(v[c])).toBe(c << 23);
    expect(Number.isNaN(v[255])).toBe(true);
    // and back: every power of two 2^-127..2^127 encodes to its code
    const back = f.encode(v.subarray(0, 255));
    expect([...back]).toEqual([...all.subarray(0, 255)]);
  });
});

// p3109.md §7a / §7b: every K = 8 row. maxSub: [code, value] or null for P = 1 (no subnormals, §8).
interface P3109Row {
  id: string;
  B: number;
  emin: number;
  emax: number;
  max: number;
  maxCode: number;
  minNormal: number;
  minNormalCode: number;
  minSub: number | null;
  maxSub: [number, number] | null;
}
const P: P3109Row[] = [
  { id: 'binary8p1se', B: 64, emin: -63, emax: 62, max: 2 ** 62, maxCode: 0x7e, minNormal: 2 ** -63, minNormalCode: 0x01, minSub: null, maxSub: null },
  { id: 'binary8p1sf', B: 64, emin: -63, emax: 63, max: 2 ** 63, maxCode: 0x7f, minNormal: 2 ** -63, minNormalCode: 0x01, minSub: null, maxSub: null },
  { id: 'binary8p2se', B: 32, emin: -31, emax: 31, max: 2 ** 31, maxCode: 0x7e, minNormal: 2 ** -31, minNormalCode: 0x02, minSub: 2 ** -32, maxSub: [0x01, 2 ** -32] },
  { id: 'binary8p2sf', B: 32, emin: -31, emax: 31, max: 1.5 * 2 ** 31, maxCode: 0x7f, minNormal: 2 ** -31, minNormalCode: 0x02, minSub: 2 ** -32, maxSub: [0x01, 2 ** -32] },
  { id: 'binary8p3se', B: 16, emin: -15, emax: 15, max: 49152, maxCode: 0x7e, minNormal: 2 ** -15, minNormalCode: 0x04, minSub: 2 ** -17, maxSub: [0x03, 1.5 * 2 ** -16] },
  { id: 'binary8p3sf', B: 16, emin: -15, emax: 15, max: 57344, maxCode: 0x7f, minNormal: 2 ** -15, minNormalCode: 0x04, minSub: 2 ** -17, maxSub: [0x03, 1.5 * 2 ** -16] },
  { id: 'binary8p4se', B: 8, emin: -7, emax: 7, max: 224, maxCode: 0x7e, minNormal: 0.0078125, minNormalCode: 0x08, minSub: 0.0009765625, maxSub: [0x07, 0.0068359375] },
  { id: 'binary8p4sf', B: 8, emin: -7, emax: 7, max: 240, maxCode: 0x7f, minNormal: 0.0078125, minNormalCode: 0x08, minSub: 2 ** -10, maxSub: [0x07, 0.0068359375] },
  { id: 'binary8p5se', B: 4, emin: -3, emax: 3, max: 15, maxCode: 0x7e, minNormal: 0.125, minNormalCode: 0x10, minSub: 0.0078125, maxSub: [0x0f, 0.1171875] },
  { id: 'binary8p5sf', B: 4, emin: -3, emax: 3, max: 15.5, maxCode: 0x7f, minNormal: 0.125, minNormalCode: 0x10, minSub: 2 ** -7, maxSub: [0x0f, 0.1171875] },
  { id: 'binary8p6se', B: 2, emin: -1, emax: 1, max: 3.875, maxCode: 0x7e, minNormal: 0.5, minNormalCode: 0x20, minSub: 0.015625, maxSub: [0x1f, 0.484375] },
  { id: 'binary8p6sf', B: 2, emin: -1, emax: 1, max: 3.9375, maxCode: 0x7f, minNormal: 0.5, minNormalCode: 0x20, minSub: 2 ** -6, maxSub: [0x1f, 0.484375] },
  { id: 'binary8p7se', B: 1, emin: 0, emax: 0, max: 1.96875, maxCode: 0x7e, minNormal: 1, minNormalCode: 0x40, minSub: 0.015625, maxSub: [0x3f, 0.984375] },
  { id: 'binary8p7sf', B: 1, emin: 0, emax: 0, max: 1.984375, maxCode: 0x7f, minNormal: 1, minNormalCode: 0x40, minSub: 2 ** -6, maxSub: [0x3f, 0.984375] },
  { id: 'binary8p1ue', B: 128, emin: -127, emax: 125, max: 2 ** 125, maxCode: 0xfd, minNormal: 2 ** -127, minNormalCode: 0x01, minSub: null, maxSub: null },
  { id: 'binary8p1uf', B: 128, emin: -127, emax: 126, max: 2 ** 126, maxCode: 0xfe, minNormal: 2 ** -127, minNormalCode: 0x01, minSub: null, maxSub: null },
  { id: 'binary8p2ue', B: 64, emin: -63, emax: 62, max: 1.5 * 2 ** 62, maxCode: 0xfd, minNormal: 2 ** -63, minNormalCode: 0x02, minSub: 2 ** -64, maxSub: [0x01, 2 ** -64] },
  { id: 'binary8p2uf', B: 64, emin: -63, emax: 63, max: 2 ** 63, maxCode: 0xfe, minNormal: 2 ** -63, minNormalCode: 0x02, minSub: 2 ** -64, maxSub: [0x01, 2 ** -64] },
  { id: 'binary8p3ue', B: 32, emin: -31, emax: 31, max: 2684354560, maxCode: 0xfd, minNormal: 2 ** -31, minNormalCode: 0x04, minSub: 2 ** -33, maxSub: [0x03, 1.5 * 2 ** -32] },
  { id: 'binary8p3uf', B: 32, emin: -31, emax: 31, max: 3221225472, maxCode: 0xfe, minNormal: 2 ** -31, minNormalCode: 0x04, minSub: 2 ** -33, maxSub: [0x03, 1.5 * 2 ** -32] },
  { id: 'binary8p4ue', B: 16, emin: -15, emax: 15, max: 53248, maxCode: 0xfd, minNormal: 2 ** -15, minNormalCode: 0x08, minSub: 2 ** -18, maxSub: [0x07, 1.75 * 2 ** -16] },
  { id: 'binary8p4uf', B: 16, emin: -15, emax: 15, max: 57344, maxCode: 0xfe, minNormal: 2 ** -15, minNormalCode: 0x08, minSub: 2 ** -18, maxSub: [0x07, 1.75 * 2 ** -16] },
  { id: 'binary8p5ue', B: 8, emin: -7, emax: 7, max: 232, maxCode: 0xfd, minNormal: 2 ** -7, minNormalCode: 0x10, minSub: 2 ** -11, maxSub: [0x0f, 1.875 * 2 ** -8] },
  { id: 'binary8p5uf', B: 8, emin: -7, emax: 7, max: 240, maxCode: 0xfe, minNormal: 2 ** -7, minNormalCode: 0x10, minSub: 2 ** -11, maxSub: [0x0f, 1.875 * 2 ** -8] },
  { id: 'binary8p6ue', B: 4, emin: -3, emax: 3, max: 15.25, maxCode: 0xfd, minNormal: 0.125, minNormalCode: 0x20, minSub: 2 ** -8, maxSub: [0x1f, (31 / 16) * 2 ** -4] },
  { id: 'binary8p6uf', B: 4, emin: -3, emax: 3, max: 15.5, maxCode: 0xfe, minNormal: 0.125, minNormalCode: 0x20, minSub: 2 ** -8, maxSub: [0x1f, (31 / 16) * 2 ** -4] },
  { id: 'binary8p7ue', B: 2, emin: -1, emax: 1, max: 3.90625, maxCode: 0xfd, minNormal: 0.5, minNormalCode: 0x40, minSub: 2 ** -7, maxSub: [0x3f, 0.4921875] },
  { id: 'binary8p7uf', B: 2, emin: -1, emax: 1, max: 3.9375, maxCode: 0xfe, minNormal: 0.5, minNormalCode: 0x40, minSub: 2 ** -7, maxSub: [0x3f, 0.4921875] },
  { id: 'binary8p8ue', B: 1, emin: 0, emax: 0, max: 253 / 128, maxCode: 0xfd, minNormal: 1, minNormalCode: 0x80, minSub: 0.0078125, maxSub: [0x7f, 127 / 128] },
  { id: 'binary8p8uf', B: 1, emin: 0, emax: 0, max: 127 / 64, maxCode: 0xfe, minNormal: 1, minNormalCode: 0x80, minSub: 2 ** -7, maxSub: [0x7f, 127 / 128] },
];

describe('P3109 K = 8 limits (p3109.md §7a, §7b)', () => {
  it('the table has all 30 K = 8 rows and the registry lists exactly these', () => {
    expect(P.length).toBe(30);
    const listed = REGISTRY.filter((r) => r.id.startsWith('binary8')).map((r) => r.id);
    expect(new Set(listed)).toEqual(new Set(P.map((r) => r.id)));
  });

  it.each(P.map((r) => [r.id, r] as const))('%s: bias, emin/emax, MaxFinite, MinNormal, MinSubnormal', (id, r) => {
    const L: MinifloatLimits = lim(id);
    expect(L.bits).toBe(8);
    expect(L.bias).toBe(r.B);
    expect(L.emin).toBe(r.emin);
    expect(L.emax).toBe(r.emax);
    expect(L.max).toBe(r.max);
    expect(L.minNormal).toBe(r.minNormal);
    expect(L.minSubnormal).toBe(r.minSub);
    // §1: bias is 2^(K−P−1) signed, 2^(K−P) unsigned
    const p = Number(/p(\d)/.exec(id)![1]);
    expect(L.bias).toBe(id.slice(-2, -1) === 's' ? 2 ** (8 - p - 1) : 2 ** (8 - p));
    // §2: one zero, no −0; finite formats have no Inf; every row has one NaN
    expect(L.hasNegZero).toBe(false);
    expect(L.hasInf).toBe(id.endsWith('e'));
    expect(L.hasNaN).toBe(true);
  });

  it.each(P.map((r) => [r.id, r] as const))('%s: decode of the MaxFinite, MinNormal, MaxSubnormal codes', (id, r) => {
    expect(decode1(id, r.maxCode)).toBe(r.max);
    expect(decode1(id, r.minNormalCode)).toBe(r.minNormal);
    if (r.maxSub) {
      expect(decode1(id, r.maxSub[0])).toBe(r.maxSub[1]);
      expect(decode1(id, 0x01)).toBe(r.minSub);
    } else {
      // P = 1: code 1 is already normal (MinPositive = MinNormal, §8)
      expect(decode1(id, 0x01)).toBe(r.minNormal);
    }
    // the next code past MaxFinite is not finite (Inf for extended, NaN for unsigned finite, NaN/−side for signed finite)
    expect(Number.isFinite(decode1(id, r.maxCode + 1))).toBe(false);
  });

  it.each(P.map((r) => [r.id] as const))('%s: special codes (§2 table): 0, 1.0, NaN, ±Inf, ±MaxFinite', (id) => {
    const signed = id.slice(-2, -1) === 's';
    const ext = id.endsWith('e');
    const f = mf(id);
    const v = f.decode(Uint8Array.from({ length: 256 }, (_, i) => i));
    const max = f.limits.max;
    expect(Object.is(v[0x00], 0)).toBe(true);
    if (signed) {
      expect(v[0x40]).toBe(1);
      expect(bitsOfF32(v[0x80])).toBe(0x7fc00000); // single NaN at 2^(K−1); decodes to the recommended qNaN (§9)
      if (ext) {
        expect(v[0x7f]).toBe(Infinity);
        expect(v[0xff]).toBe(-Infinity);
        expect(v[0x7e]).toBe(max);
        expect(v[0xfe]).toBe(-max);
      } else {
        expect(v[0x7f]).toBe(max);
        expect(v[0xff]).toBe(-max);
      }
      // negative codes mirror positive ones
      for (let c = 1; c < 0x80; c++) expect([c, v[c + 0x80]]).toEqual([c, -v[c]]);
    } else {
      expect(v[0x80]).toBe(1); // unsigned pitfall: 0x80 is 1.0, not NaN
      expect(bitsOfF32(v[0xff])).toBe(0x7fc00000);
      if (ext) {
        expect(v[0xfe]).toBe(Infinity);
        expect(v[0xfd]).toBe(max);
      } else expect(v[0xfe]).toBe(max);
      for (let c = 0; c < 0xff; c++) expect(v[c] >= 0).toBe(true);
    }
    // the NaN is the only NaN code
    expect(v.filter((x) => Number.isNaN(x)).length).toBe(1);
  });

  it.each(P.map((r) => [r.id] as const))('%s: positive finite value count (§2: se 126, sf 127, ue 253, uf 254)', (id) => {
    const want = { se: 126, sf: 127, ue: 253, uf: 254 }[id.slice(-2)]!;
    expect(lim(id).finitePositive).toBe(want);
    const v = mf(id).decode(Uint8Array.from({ length: 256 }, (_, i) => i));
    expect(v.filter((x) => Number.isFinite(x) && x > 0).length).toBe(want);
  });
});

describe('P3109 cross-format identities (p3109.md §7c)', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  it('Binary8p3se(x) = E5M2(x)/2 wherever both are finite', () => {
    const a = mf('binary8p3se').decode(all);
    const b = mf('fp8_e5m2').decode(all);
    let n = 0;
    for (let c = 0; c < 256; c++)
      if (Number.isFinite(a[c]) && Number.isFinite(b[c]) && c !== 0x80) {
        expect([c, a[c]]).toEqual([c, b[c] / 2]);
        n++;
      }
    // differing codes: 0x80, 0x7C–0x7F, 0xFC–0xFF (§7c)
    expect(n).toBe(256 - 1 - 8);
  });

  it('Binary8p4se(x) = OCP E4M3(x)/2 wherever both are finite', () => {
    const a = mf('binary8p4se').decode(all);
    const b = mf('fp8_e4m3fn').decode(all);
    let n = 0;
    for (let c = 0; c < 256; c++)
      if (Number.isFinite(a[c]) && Number.isFinite(b[c]) && c !== 0x80) {
        expect([c, a[c]]).toEqual([c, b[c] / 2]);
        n++;
      }
    expect(n).toBe(256 - 3); // 0x80, 0x7F, 0xFF differ
  });

  it('Binary8p1uf: 0x00 = 0, 0x01..0xFE = 2^(x−128), 0xFF NaN; equals E8M0(x)/2 for x ≥ 1', () => {
    const a = mf('binary8p1uf').decode(all);
    const e = mf('e8m0fnu').decode(all);
    expect(Object.is(a[0], 0)).toBe(true);
    for (let c = 1; c <= 0xfe; c++) {
      expect([c, a[c]]).toEqual([c, 2 ** (c - 128)]);
      expect([c, a[c]]).toEqual([c, e[c] / 2]);
    }
    expect(Number.isNaN(a[0xff])).toBe(true);
  });

  it('Binary4p2sf: codes 0x0..0x7 = 0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3; 0x8 NaN; 0x9..0xF negatives (B = 2)', () => {
    const f = mf('binary4p2sf');
    expect(f.bits).toBe(4);
    expect(f.limits.bias).toBe(2);
    const v = f.decode(Uint8Array.from({ length: 16 }, (_, i) => i));
    const pos = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];
    expect([...v.slice(0, 8)]).toEqual(pos);
    expect(Number.isNaN(v[8])).toBe(true);
    for (let c = 1; c < 8; c++) expect(v[8 + c]).toBe(-pos[c]);
  });
});

describe('limitsOf arguments (issue 9)', () => {
  it('non-objects are BAD_TYPE; unknown kinds, policies and parameters are BAD_FORMAT_PARAMS naming them', () => {
    for (const bad of [undefined, null, 'fp8_e4m3fn', 8]) expect(thrown(() => limitsOf(bad as never)).code).toBe('BAD_TYPE');
    const e4m3 = parseFormatName('fp8_e4m3fn');
    const cases: [object, string][] = [
      [{ ...e4m3, kind: 'float' }, '"float"'],
      [{ ...e4m3, nan: 'sometimes' }, '"sometimes"'],
      [{ ...e4m3, zero: undefined }, 'zero'],
      [{ ...e4m3, signed: 'yes' }, '"yes"'],
      [{ ...e4m3, expBits: '4' }, 'exponent bits'],
      [{ ...e4m3, bias: 0.5 }, 'bias 0.5'],
      [{ ...parseFormatName('int8'), bits: 40 }, '40'],
      [{ ...parseFormatName('int8'), narrow: 1 }, 'narrow'],
      [{ ...parseFormatName('bipolar2'), bits: -1 }, '-1'],
    ];
    for (const [row, mention] of cases) {
      const e = thrown(() => limitsOf(row as never));
      expect(e.code).toBe('BAD_FORMAT_PARAMS');
      expect(e.message).toContain(mention);
    }
  });
  it('a valid row gives frozen limits equal to the codec', () => {
    const l = limitsOf(parseFormatName('fp8_e4m3fn'));
    expect(Object.isFrozen(l)).toBe(true);
    expect(l).toEqual(format('fp8_e4m3fn').limits);
  });
});
