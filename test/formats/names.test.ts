// The name grammar (src/formats/names.ts) against the spec: registered ids and ml_dtypes aliases
// (formats.md §3.1), generic minifloat spellings checked against the §1.3 value formula, INT ranges
// (formats.md §8), bipolar levels (§5), and P3109 Binary{K}p{P}{s|u}{e|f} (p3109.md §1–§3) for every
// K = 3..16; bad names and out-of-range parameters raise NumlabError.
import { describe, expect, it } from 'vitest';
import { format, limitsOf, parseFormatName, REGISTRY } from '../../src/index.js';
import type { MinifloatLimits, IntLimits } from '../../src/formats/limits.js';
import type { MinifloatFormat } from '../../src/formats/minifloat.js';
import { thrown } from '../helpers/errors.js';
import { BLOCK_FORMATS } from '../../src/formats/block-spec.js';
import { blockSpec } from '../../src/formats/block-spec.js';
import { cacheSizes } from '../../src/formats/format.js';
import { BoundedCache, NAME_CACHE_SIZE } from '../../src/formats/names.js';

const mfl = (name: string) => limitsOf(parseFormatName(name)) as MinifloatLimits;
const il = (name: string) => limitsOf(parseFormatName(name)) as IntLimits;


const NUMERIC = (L: MinifloatLimits) => ({
  bits: L.bits, bias: L.bias, max: L.max, minNormal: L.minNormal, minSubnormal: L.minSubnormal,
  hasInf: L.hasInf, hasNaN: L.hasNaN, hasNegZero: L.hasNegZero, finitePositive: L.finitePositive,
});

describe('registered ids and aliases', () => {
  it('every registry id resolves to its own row', () => {
    for (const r of REGISTRY) expect(parseFormatName(r.id).id).toBe(r.id);
  });

  it('format(id) returns a codec with that id for every registered minifloat', () => {
    for (const r of REGISTRY.filter((r) => r.kind === 'minifloat')) expect(format(r.id).id).toBe(r.id);
  });

  it.each([
    // ml_dtypes dtype names (formats.md §3.1)
    ['float8_e4m3fn', 'fp8_e4m3fn'], ['float8_e4m3', 'fp8_e4m3'], ['float8_e4m3fnuz', 'fp8_e4m3fnuz'],
    ['float8_e4m3b11fnuz', 'fp8_e4m3b11fnuz'], ['float8_e5m2', 'fp8_e5m2'], ['float8_e5m2fnuz', 'fp8_e5m2fnuz'],
    ['float8_e3m4', 'fp8_e3m4'], ['float8_e8m0fnu', 'e8m0fnu'], ['float6_e2m3fn', 'fp6_e2m3fn'],
    ['float6_e3m2fn', 'fp6_e3m2fn'], ['float4_e2m1fn', 'fp4_e2m1fn'], ['bfloat16', 'bf16'],
    // common spellings
    ['float16', 'fp16'], ['half', 'fp16'], ['fp4', 'fp4_e2m1fn'],
  ])('alias %s → %s', (alias, id) => {
    expect(parseFormatName(alias).id).toBe(id);
    expect(format(alias)).toBe(format(id));
  });

  it('names are case-insensitive and trimmed', () => {
    expect(parseFormatName('FP8_E4M3FN').id).toBe('fp8_e4m3fn');
    expect(parseFormatName('  fp16 ').id).toBe('fp16');
    expect(parseFormatName('BFloat16').id).toBe('bf16');
    // p3109.md §1: the report spells the short form with a capital B (Binary8p4se)
    expect(parseFormatName('Binary8p4se').id).toBe('binary8p4se');
    expect(parseFormatName('BINARY8P1UF').id).toBe('binary8p1uf');
  });
});

describe('generic minifloat spellings fp_e{E}m{M}[b{bias}][fn|fnuz|fs]', () => {
  it.each([
    ['fp_e4m3fn', 'fp8_e4m3fn'], ['fp_e4m3', 'fp8_e4m3'], ['fp_e5m2', 'fp8_e5m2'], ['fp_e3m4', 'fp8_e3m4'],
    ['fp_e4m3fnuz', 'fp8_e4m3fnuz'], ['fp_e5m2fnuz', 'fp8_e5m2fnuz'], ['fp_e4m3b11fnuz', 'fp8_e4m3b11fnuz'],
    ['fp_e2m1fs', 'fp4_e2m1fn'], ['fp_e2m3fs', 'fp6_e2m3fn'], ['fp_e3m2fs', 'fp6_e3m2fn'],
    ['fp_e5m10', 'fp16'], ['fp_e8m7', 'bf16'],
  ])('%s has the limits of %s', (generic, id) => {
    expect(NUMERIC(mfl(generic))).toEqual(NUMERIC(mfl(id)));
  });

  // Values from the §1.3 formula: normals (1 + m/2^M)·2^(e − bias); max = the largest code below the specials.
  it.each([
    // IEEE-like: top exponent reserved → max = (2 − 2^-M)·2^(2^E − 2 − bias)
    ['fp_e5m2b16', 16, (2 - 2 ** -2) * 2 ** (30 - 16), 2 ** -15, 2 ** -17],
    ['fp_e3m3', 3, (2 - 2 ** -3) * 2 ** (6 - 3), 2 ** -2, 2 ** -5],
    // fn: only the all-ones magnitude is NaN → max = (2 − 2·2^-M)·2^(2^E − 1 − bias)
    ['fp_e4m3b8fn', 8, 1.75 * 2 ** (15 - 8), 2 ** -7, 2 ** -10],
    ['fp_e5m3fn', 15, 1.75 * 2 ** (31 - 15), 2 ** -14, 2 ** -17],
    // fnuz: default bias 2^(E−1), every magnitude finite
    ['fp_e3m3fnuz', 4, 1.875 * 2 ** (7 - 4), 2 ** -3, 2 ** -6],
    // fs: no specials → every magnitude finite, default bias 2^(E−1) − 1
    ['fp_e5m2fs', 15, 1.75 * 2 ** (31 - 15), 2 ** -14, 2 ** -16],
    ['fp_e4m3b11fs', 11, 1.875 * 2 ** (15 - 11), 2 ** -10, 2 ** -13],
    // bias 0: the lowest normal binade has exponent 1 (subnormal spacing 2^(1 − M))
    ['fp_e1m2b0fs', 0, 3.5, 2, 0.5],
    ['fp_e3m2b0', 0, 1.75 * 2 ** 6, 2, 0.5],
    ['fp_e2m3b0fn', 0, 1.75 * 2 ** 3, 2, 0.25],
    ['fp_e4m3b0fnuz', 0, 1.875 * 2 ** 15, 2, 0.25],
  ] as const)('%s: bias %d, max %d, min normal %d, min subnormal %d', (name, bias, max, minNormal, minSub) => {
    const L = mfl(name);
    expect(L.bias).toBe(bias);
    expect(L.max).toBe(max);
    expect(L.minNormal).toBe(minNormal);
    expect(L.minSubnormal).toBe(minSub);
  });

  it('specials per suffix: none = Inf+NaN, fn = NaN only with ±0, fnuz = NaN only with one zero, fs = no specials', () => {
    expect([mfl('fp_e4m3').hasInf, mfl('fp_e4m3').hasNaN, mfl('fp_e4m3').hasNegZero]).toEqual([true, true, true]);
    expect([mfl('fp_e4m3fn').hasInf, mfl('fp_e4m3fn').hasNaN, mfl('fp_e4m3fn').hasNegZero]).toEqual([false, true, true]);
    expect([mfl('fp_e4m3fnuz').hasInf, mfl('fp_e4m3fnuz').hasNaN, mfl('fp_e4m3fnuz').hasNegZero]).toEqual([false, true, false]);
    expect([mfl('fp_e4m3fs').hasInf, mfl('fp_e4m3fs').hasNaN, mfl('fp_e4m3fs').hasNegZero]).toEqual([false, false, true]);
  });

  it('bias 0: fp_e1m2b0fs decodes its eight magnitudes 0, 0.5, …, 3.5 and encodes them back', () => {
    const f = format('fp_e1m2b0fs') as MinifloatFormat;
    const codes = Uint8Array.from({ length: 16 }, (_, c) => c);
    const v = f.decode(codes);
    expect(Array.from(v.subarray(0, 8))).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect(Array.from(v.subarray(8)).map((x) => -x)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect(Array.from(f.encode(v))).toEqual(Array.from(codes));
    expect(Array.from(f.quantize(Float32Array.of(0.2, 0.25, 0.3, 2.25, 2.75, 100, -100)))).toEqual([0, 0, 0.5, 2, 3, 3.5, -3.5]);
  });

  it('a generic spelling builds a working codec', () => {
    const f = format('fp_e4m3b8fn');
    expect(f.kind).toBe('minifloat');
    expect(f.bits).toBe(8);
  });
});

describe('integer spellings (formats.md §8, §5)', () => {
  it.each([
    ['int2', -2, 1], ['int3', -4, 3], ['int4', -8, 7], ['int5', -16, 15], ['int8', -128, 127], ['int16', -32768, 32767],
    ['int4_sym', -7, 7], ['int8_sym', -127, 127], ['int6_sym', -31, 31],
    ['uint2', 0, 3], ['uint3', 0, 7], ['uint8', 0, 255], ['uint16', 0, 65535],
  ] as const)('%s → [%d, %d]', (name, qmin, qmax) => {
    const L = il(name);
    expect(L.kind).toBe('int');
    expect([L.qmin, L.qmax]).toEqual([qmin, qmax]);
  });

  it.each([1, 2, 3, 4, 5, 8])('bipolar%d: odd levels ±1 … ±(2^b − 1), 2^b codes', (b) => {
    const L = il(`bipolar${b}`);
    expect(L.kind).toBe('bipolar');
    expect([L.qmin, L.qmax, L.codes]).toEqual([-(2 ** b - 1), 2 ** b - 1, 2 ** b]);
  });
});

/** p3109.md §3 decode of a code of Binary{K}p{P}{σ}{δ}, written from the spec (positive codes only). */
function p3109Decode(K: number, P: number, signed: boolean, code: number): number {
  const B = signed ? 2 ** (K - P - 1) : 2 ** (K - P);
  const T = code % 2 ** (P - 1);
  const Eb = Math.floor(code / 2 ** (P - 1));
  return Eb === 0 ? (T / 2 ** (P - 1)) * 2 ** (1 - B) : (1 + T / 2 ** (P - 1)) * 2 ** (Eb - B);
}

describe('P3109 spellings binary{K}p{P}{s|u}{e|f} for K = 3..16 (p3109.md §1, §2, §3, A.5 emax)', () => {
  const F32_MAX = 3.4028234663852886e38;
  const cases: [string, number, number, boolean, boolean][] = [];
  for (let K = 3; K <= 16; K++)
    for (const signed of [true, false])
      for (let P = 1; P <= (signed ? K - 1 : K); P++)
        for (const ext of [true, false]) cases.push([`binary${K}p${P}${signed ? 's' : 'u'}${ext ? 'e' : 'f'}`, K, P, signed, ext]);

  it('covers every legal (K, P, σ, δ) with K = 3..16', () => {
    expect(cases.length).toBe(2 * [...Array(14)].reduce((a, _, i) => a + (i + 3 - 1) + (i + 3), 0));
  });

  // numlab's limits (validate(): ≤ 16 bits, mantissa bits 0..15) admit every K ≤ 16 P3109 format
  // whose range fits float32.
  it('each is accepted with the spec bias/emin/emax/MaxFinite/MinNormal/MinSubnormal, or rejected with BAD_FORMAT_PARAMS exactly when its range does not fit float32', () => {
    let accepted = 0;
    for (const [name, K, P, signed, ext] of cases) {
      const B = signed ? 2 ** (K - P - 1) : 2 ** (K - P);
      // §2: MaxFinite code
      const maxCode = signed ? (ext ? 2 ** (K - 1) - 2 : 2 ** (K - 1) - 1) : ext ? 2 ** K - 3 : 2 ** K - 2;
      const max = p3109Decode(K, P, signed, maxCode);
      const minNormal = 2 ** (1 - B);
      const minSub = P === 1 ? null : 2 ** (1 - B - (P - 1));
      const fits = max <= F32_MAX && (minSub ?? minNormal) >= 2 ** -149;
      if (!fits) {
        const e = thrown(() => parseFormatName(name));
        expect([name, e.code]).toEqual([name, 'BAD_FORMAT_PARAMS']);
        continue;
      }
      accepted++;
      // A.5 emax
      let emax: number;
      if (P === 1 && !signed) emax = ext ? 2 ** (K - 1) - 3 : 2 ** (K - 1) - 2;
      else if (P === 1 && signed && ext) emax = 2 ** (K - 2) - 2;
      else if (P === 2 && !signed && ext) emax = 2 ** (K - 2) - 2;
      else emax = signed ? 2 ** (K - P - 1) - 1 : 2 ** (K - P) - 1;
      const L = mfl(name);
      expect({ name, bits: L.bits, bias: L.bias, emin: L.emin, emax: L.emax, max: L.max, minNormal: L.minNormal, minSub: L.minSubnormal })
        .toEqual({ name, bits: K, bias: B, emin: 1 - B, emax, max, minNormal, minSub });
      expect(Math.floor(Math.log2(max))).toBe(emax);
    }
    // every K = 8 row fits (p3109.md §7c: all K = 8 values are exact in binary32)
    expect(accepted).toBeGreaterThan(300);
  });

  it('all 30 K = 8 rows are accepted', () => {
    const k8 = cases.filter(([, K]) => K === 8).map(([name]) => name);
    expect(k8.length).toBe(30);
    for (const name of k8) expect(parseFormatName(name).id).toBe(name);
  });

  it('K = 2 (Annex C degenerate), K = 17, P = 0, signed P = K and unsigned P > K are BAD_FORMAT_PARAMS', () => {
    for (const n of ['binary2p1se', 'binary2p1ue', 'binary17p4se', 'binary8p0se', 'binary8p8se', 'binary8p8sf', 'binary8p9ue', 'binary4p5uf'])
      expect([n, thrown(() => parseFormatName(n)).code]).toEqual([n, 'BAD_FORMAT_PARAMS']);
  });

  it("numlab follows R4.0 naming: the pre-R4.0 short form without σδ ('binary8p4') is UNKNOWN_FORMAT and suggests the full names", () => {
    const e = thrown(() => parseFormatName('binary8p4'));
    expect(e.code).toBe('UNKNOWN_FORMAT');
    expect(e.message).toContain('binary8p4se');
  });
});

describe('bad names', () => {
  it.each([
    ['fp8_e4m3f', 'fp8_e4m3fn'],
    ['fp8_e4m3fnu', 'fp8_e4m3fn'],
    ['fp8e5m2', 'fp8_e5m2'],
    ['bfloat', 'bf16'],
    ['bf61', 'bf16'],
    ['e8m0', 'e8m0fnu'],
    ['fp4_e2m1', 'fp4_e2m1fn'],
  ])('%s → UNKNOWN_FORMAT naming the input and suggesting %s', (bad, suggestion) => {
    const e = thrown(() => format(bad));
    expect(e.code).toBe('UNKNOWN_FORMAT');
    expect(e.message).toContain(JSON.stringify(bad));
    expect(e.message).toContain(JSON.stringify(suggestion));
    expect(e.value).toBe(bad);
  });

  it('empty and non-string names are UNKNOWN_FORMAT', () => {
    expect(thrown(() => format('')).code).toBe('UNKNOWN_FORMAT');
    expect(thrown(() => format(8 as unknown as string)).code).toBe('UNKNOWN_FORMAT');
    expect(thrown(() => format(undefined as unknown as string)).code).toBe('UNKNOWN_FORMAT');
  });

  it.each([
    ['fp_e9m2', '9'], // E > 8
    ['fp_e0m3', '0'], // E < 1
    ['fp_e1m16', '16'], // M > 15
    ['fp_e6m10', '17'], // 17 bits > 16
    ['fp_e8m0', 'NaN'], // IEEE-like needs a mantissa bit for NaN
    ['fp_e8m2b100', 'exceeds float32'], // range above float32
    ['fp_e8m7b250', 'float32'], // range below float32's smallest subnormal
    ['binary8p8se', 'P=8'],
    ['binary2p1se', 'K=2'],
    ['binary16p1se', '15'], // 15 exponent bits: range far outside float32
    ['int1', '1'],
    ['int17', '17'],
    ['uint1', '1'],
    ['uint4_sym', 'narrow'],
    ['bipolar0', '0'],
    ['bipolar9', '9'],
  ])('%s → BAD_FORMAT_PARAMS (message names %s)', (name, bit) => {
    const e = thrown(() => format(name));
    expect(e.code).toBe('BAD_FORMAT_PARAMS');
    expect(e.message).toContain(JSON.stringify(name));
    expect(e.message).toContain(bit);
  });
});

describe('normalisation, bounded caches and bounded messages (issue 9)', () => {
  it('block ids are trimmed and case-folded like element ids, and give the same codec', () => {
    expect(format(' MXFP4 ' as string)).toBe(format('mxfp4'));
    expect(format('\tNvFp4\n' as string)).toBe(format('nvfp4'));
    expect(format('Bfp12' as string).id).toBe('bfp12');
    expect(format(' FP8_E4M3FN ' as string)).toBe(format('fp8_e4m3fn'));
    expect(format('Float16' as string)).toBe(format('fp16'));
    expect(blockSpec(' MSFP16 ')).toBe(blockSpec('msfp16'));
    expect(format(' mxfp4 ' as string).encode(Float32Array.of(1, 2))).toEqual(format('mxfp4').encode(Float32Array.of(1, 2)));
  });

  it('a million distinct spellings keep the caches at their caps (canonical ids, not spellings), registered codecs stay the same objects', () => {
    const e4m3 = format('fp8_e4m3fn');
    const mx = format('mxfp4');
    for (let i = 0; i < 1_000_000; i++) {
      const pad = ' '.repeat(i % 7);
      const mixed = i % 2 ? 'FP8_E4M3FN' : 'Fp8_E4m3Fn';
      format(`${pad}${mixed}${' '.repeat((i >> 3) % 5)}` as string);
      if (i % 100 === 0) format(`fp_e${'0'.repeat(1 + ((i / 100) % 40))}4m${1 + (Math.floor(i / 4000) % 3)}` as string); // 10 000 distinct parsed ids
    }
    const s = cacheSizes();
    expect(s.parsed).toBeLessThanOrEqual(NAME_CACHE_SIZE);
    expect(s.rows).toBeLessThanOrEqual(NAME_CACHE_SIZE);
    expect(s.registered).toBeLessThanOrEqual(REGISTRY.length + BLOCK_FORMATS.length);
    expect(format('fp8_e4m3fn')).toBe(e4m3);
    expect(format('MXFP4' as string)).toBe(mx);
  });

  it('BoundedCache drops the least recently used entry past its cap', () => {
    const c = new BoundedCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3);
    expect([c.get('a'), c.get('b'), c.get('c'), c.size]).toEqual([1, undefined, 3, 2]);
  });

  it('a 1 MB bogus name gives a short message (and quickly): the name is cut, no suggestions are computed', () => {
    const big = 'q'.repeat(1 << 20);
    const t0 = performance.now();
    for (const name of [big, `fp_e${'9'.repeat(1 << 20)}m2`, `int${'7'.repeat(1 << 20)}`, `binary8p${'9'.repeat(1 << 20)}se`]) {
      const e = thrown(() => format(name));
      expect(['UNKNOWN_FORMAT', 'BAD_FORMAT_PARAMS']).toContain(e.code);
      expect(e.message.length).toBeLessThan(300);
      if (e.code === 'UNKNOWN_FORMAT' || name.startsWith('binary')) expect(e.message).toContain(`${name.length} characters`);
      if (e.code === 'UNKNOWN_FORMAT') expect(e.value).toBe(name);
    }
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(thrown(() => format({ toString: () => 'x'.repeat(1e6) } as never)).message.length).toBeLessThan(300);
  });
});
