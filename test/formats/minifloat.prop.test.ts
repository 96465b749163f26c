// Property tests over RAW f32 bit patterns for every registered minifloat (the 14 named rows and the 30
// K = 8 P3109 rows), every rounding mode and saturate value: the codec law suite (helpers/codec-contract.ts),
// an independent bf16 oracle, and stochastic rounding (reproducible, index-based across chunks, unbiased).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, REGISTRY } from '../../src/index.js';
import type { MinifloatFormat } from '../../src/formats/minifloat.js';
import { encodeArrayRef } from '../../src/formats/minifloat-ref.js';
import { seedWords } from '../../src/formats/rounding.js';
import { bitsOfF32, codeArray, f32ArrayFromBits, float32raw, gridOf, neighbours } from '../helpers/arbitraries.js';
import { assertCodecContract, firstDiff } from '../helpers/codec-contract.js';

const NUM_RUNS = Number(process.env.NUMLAB_PROP_RUNS ?? 60);
const ROWS = REGISTRY.filter((r) => r.kind === 'minifloat').map((r) => r.id);
const mf = (name: string) => format(name) as MinifloatFormat;

it('covers every registered minifloat: 14 named rows + 30 P3109 K = 8 rows', () => {
  expect(ROWS.length).toBe(44);
});

describe.each(ROWS)('%s', (id) => {
  assertCodecContract(mf(id), { numRuns: NUM_RUNS });

  it('decode of random code arrays matches the value of each code decoded alone', () => {
    const f = mf(id);
    const g = gridOf(f);
    fc.assert(
      fc.property(codeArray(f), (codes) => {
        const v = new Uint32Array(f.decode(codes).buffer);
        const want = Uint32Array.from(codes, (c) => bitsOfF32(g.values[c]) >>> 0);
        expect(firstDiff(v, want)).toBe(-1);
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });
});

// generic rows the registry does not list: the IEEE 754 overflow rule (conversion ieee754) and bias 0
describe.each(['fp_e5m2', 'fp_e3m2b0', 'fp_e1m2b0fs', 'fp_e1m0b0fs'])('%s (generic)', (id) => {
  assertCodecContract(mf(id), { numRuns: NUM_RUNS });
});

describe('independent oracles', () => {
  it('bf16 (rne, no saturation) is the round-to-nearest-even top half of the f32 bits, for every non-NaN f32', () => {
    const f = mf('bf16');
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 200 }), (bits) => {
        const x = f32ArrayFromBits(bits).filter((v) => !Number.isNaN(v));
        const got = f.encode(x) as Uint16Array;
        const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
        const want = Uint16Array.from(xb, (b) => (b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
        expect(firstDiff(got, want)).toBe(-1);
      }),
      { numRuns: NUM_RUNS * 10 },
    );
  });

  it('fp8_e4m3fn with saturate: true equals the nearest grid value clamped to ±448 (RNE, formats.md §1.6 clamp)', () => {
    const f = mf('fp8_e4m3fn');
    const g = gridOf(f);
    fc.assert(
      fc.property(float32raw(), (x) => {
        const q = f.quantize(Float32Array.of(x), { saturate: true })[0];
        if (!Number.isFinite(x)) {
          expect(Number.isNaN(q)).toBe(true); // NaN → NaN; ±Inf → NaN (infinity()) even when saturating
          return;
        }
        const c = Math.min(448, Math.max(-448, x));
        const { lo, hi } = neighbours(g, c);
        const dlo = c - lo!;
        const dhi = hi! - c;
        const nearest = dlo < dhi ? [lo] : dhi < dlo ? [hi] : [lo, hi];
        expect([x, nearest.includes(q)]).toEqual([x, true]);
      }),
      { numRuns: NUM_RUNS * 50 },
    );
  });
});

describe('stochastic rounding (P3109 StochasticA with N = 32, counter-based random bits)', () => {
  const N = 200_000;

  it('is reproducible: the same seed gives the same codes; another seed differs somewhere; no seed = seed 0', () => {
    const f = mf('fp8_e4m3fn');
    const x = new Float32Array(10_000).fill(Math.fround(1 + 0.3 * 2 ** -3));
    const a = f.encode(x, { rounding: 'stochastic', seed: 42 });
    const b = f.encode(x, { rounding: 'stochastic', seed: 42 });
    const c = f.encode(x, { rounding: 'stochastic', seed: 43 });
    const d = f.encode(x, { rounding: 'stochastic', seed: 2 ** 40 + 42 });
    expect(firstDiff(a, b)).toBe(-1);
    expect(firstDiff(a, c)).toBeGreaterThanOrEqual(0);
    expect(firstDiff(a, d)).toBeGreaterThanOrEqual(0); // the high seed word matters too
    expect(firstDiff(f.encode(x, { rounding: 'stochastic' }), f.encode(x, { rounding: 'stochastic', seed: 0 }))).toBe(-1);
    // quantize draws the same bits as encode
    expect(firstDiff(new Uint32Array(f.quantize(x, { rounding: 'stochastic', seed: 42 }).buffer),
      new Uint32Array(f.decode(a).buffer))).toBe(-1);
  });

  it.each(['fp8_e4m3fn', 'fp4_e2m1fn', 'bf16', 'binary8p4se', 'e8m0fnu', 'binary8p1uf'])(
    '%s: a 200 000-element array (several 65 536-element chunks, ragged tail) matches the twin code for code',
    (id) => {
      const f = mf(id);
      const g = gridOf(f).sorted;
      // values strictly between grid neighbours, both signs, so every element draws random bits
      const x = new Float32Array(N + 7);
      for (let i = 0; i < x.length; i++) {
        const k = (i * 7919) % (g.length - 1);
        const t = ((i * 2654435761) >>> 0) / 2 ** 32;
        x[i] = (g[k] + t * (g[k + 1] - g[k])) * (i % 3 === 0 && f.spec.signed ? -1 : 1);
      }
      for (const seed of [0, 123456789, 2 ** 50 + 5]) {
        const [seedA, seedB] = seedWords(seed);
        for (const saturate of [false, true, 'finite'] as const) {
          const got = f.encode(x, { rounding: 'stochastic', seed, saturate });
          const want = encodeArrayRef(f.spec, x, { rounding: 'stochastic', saturate: saturate === 'finite' ? 'finite' : saturate ? 'propagate' : 'none', seedA, seedB });
          const i = firstDiff(got, want);
          expect(i === -1 ? 'same' : `seed ${seed} sat ${saturate}: index ${i} x=${x[i]} got ${got[i]} want ${want[i]}`).toBe('same');
        }
      }
    },
  );

  // x strictly between neighbours lo < x < hi rounds up with probability p = (x − lo)/(hi − lo), so the mean of
  // n draws has expectation x and standard error (hi − lo)·sqrt(p(1 − p)/n).
  it.each([
    ['fp8_e4m3fn', Math.fround(1 + 0.3 * 2 ** -3)],
    ['fp8_e4m3fn', -Math.fround(1 + 0.3 * 2 ** -3)],
    ['fp8_e4m3fn', Math.fround(2.7 * 2 ** -9)], // subnormal: between 2·2^-9 and 3·2^-9
    ['fp8_e4m3fn', Math.fround(0.1 * 2 ** -9)], // between 0 and the min subnormal
    ['fp8_e5m2', Math.fround(57344 - 1000)],
    ['fp4_e2m1fn', Math.fround(2.6)],
    ['fp6_e3m2fn', Math.fround(-0.03)],
    ['bf16', Math.fround(1 + 0.7 * 2 ** -7)],
    ['e8m0fnu', 3],
    ['binary8p4se', Math.fround(0.1)],
    ['binary8p1uf', Math.fround(5)],
    ['binary8p7ue', Math.fround(0.999)],
  ] as const)('%s: the mean of 200 000 stochastic roundings of %s is within 5 standard errors of x', (id, x) => {
    const f = mf(id);
    const { lo, hi } = neighbours(gridOf(f), x);
    expect(lo! < x && x < hi!).toBe(true);
    const p = (x - lo!) / (hi! - lo!);
    const se = (hi! - lo!) * Math.sqrt((p * (1 - p)) / N);
    for (const seed of [1, 987654321]) {
      const q = f.quantize(new Float32Array(N).fill(x), { rounding: 'stochastic', seed });
      let sum = 0;
      let ups = 0;
      let others = 0;
      for (const v of q) {
        if (v !== lo && v !== hi) others++;
        sum += v;
        if (v === hi) ups++;
      }
      expect(others).toBe(0);
      const mean = sum / N;
      expect(Math.abs(mean - x) / se).toBeLessThan(5);
      expect(Math.abs(ups / N - p) / Math.sqrt((p * (1 - p)) / N)).toBeLessThan(5);
    }
  });
});
