// OliVe outlier-victim pair quantization (spec ptq.md §5, formats.md §7): worked examples computed by
// hand from the authors' emulation rules, the fast path against the reference twin (olive-ref.ts) bit
// for bit, the OVP storage round trip, the pair invariant, the search and type choice, and bad input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumlabError } from '../../src/errors.js';
import { olive, oliveDecode, oliveGrid, oliveQuantize, type OliveResult } from '../../src/index.js';
import { oliveWith } from '../../src/ptq/olive.js';
import { refNearest, refOlive, refForward, torchSumF32 } from '../../src/ptq/olive-ref.js';
import { runtime } from '../../src/runtime/wasm.js';
import { f32FromBits } from '../helpers/arbitraries.js';
import { thrown } from '../helpers/errors.js';
import { mulberry32 } from '../helpers/rng.js';

const f = Math.fround;
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const F = (...v: number[]) => Float32Array.from(v);
const fixed = (x: Float32Array, opts: Partial<Parameters<typeof olive>[1]> = {}) =>
  olive(x, { granularity: 'tensor', scale: 1, type: 'int', ...opts });

/** Seeded N(0, σ) f32 with a few ×20 outliers. */
function weights(seed: number, n: number, sigma = 0.02): Float32Array {
  const u = mulberry32(seed);
  const U = () => (u() + 0.5) / 4294967296;
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(U())) * Math.cos(2 * Math.PI * U()) * sigma * (U() < 0.01 ? 20 : 1));
}

/** The fast path against the reference pipeline; where the reference's forward divides by a zero scale
 * (a zero row: NaN there), numlab gives zeros; where the reference yields other non-finite values
 * (scale underflow/overflow), numlab throws BAD_SCALE. */
function expectMatchesReference(x: Float32Array, shape: number[], granularity: 'tensor' | 'channel', bitsN = 4, low = 75, high = 250): void {
  const rows = granularity === 'channel' ? shape[0] : 1;
  let signed = false;
  for (const v of x) if (v < 0) signed = true;
  const grids = bitsN === 8 ? [oliveGrid('int', 8, signed)] : [oliveGrid('int', 4, signed), oliveGrid('flint', 4, signed)];
  const ref = refOlive(x, rows, grids, low, high);
  const L = x.length / rows;
  const zeroRow = (r: number) => x.subarray(r * L, (r + 1) * L).every((v) => v === 0);
  const refOk = ref.weight.every((v, j) => Number.isFinite(v) || zeroRow(Math.floor(j / L)));
  let got: OliveResult;
  try {
    got = olive(x, { shape, granularity, bits: bitsN, low, high });
  } catch (e) {
    expect(e).toBeInstanceOf(NumlabError);
    expect((e as NumlabError).code).toBe('BAD_SCALE');
    expect(refOk).toBe(false);
    return;
  }
  expect(refOk).toBe(true);
  expect(got.type).toBe(ref.type);
  const want = ref.weight.map((v, j) => (zeroRow(Math.floor(j / L)) ? 0 : v));
  expect(bits(got.weight)).toEqual(bits(want));
  expect(bits(oliveDecode(got))).toEqual(bits(got.weight));
}

describe('olive grids', () => {
  it('are the digest\'s codebooks (derived from bits and signedness)', () => {
    const mags = (type: 'int' | 'flint', b: number, s: boolean) => Array.from(oliveGrid(type, b, s).normalMag);
    expect(mags('int', 4, true)).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
    expect(mags('flint', 4, true)).toEqual([0, 2, 4, 6, 8, 12, 16, 32]);
    expect(Array.from(oliveGrid('int', 4, true).outlierMag)).toEqual([48, 64, 96, 128, 192, 256, 384]);
    expect(mags('int', 4, false)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]);
    expect(mags('flint', 4, false)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 12, 16, 32]);
    expect(Array.from(oliveGrid('int', 4, false).outlierMag)).toEqual([40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448]);
    const i8 = oliveGrid('int', 8, true);
    expect([i8.normalMag[1], i8.normalMax, i8.outlierMag[0], i8.outlierMax, i8.outlierMag.length]).toEqual([0.25, 31.75, 33, 504, 127]);
    const u8 = oliveGrid('int', 8, false);
    expect([u8.normalMag[1], u8.normalMax, u8.outlierMag[0], u8.outlierMax]).toEqual([0.125, 31.875, 32.5, 508]);
    // The scan list: sorted normal values, then sorted outliers (the tie rule depends on this order).
    expect(Array.from(oliveGrid('int', 4, true).scan.slice(13, 18))).toEqual([24, 28, -384, -256, -192]);
  });
});

describe('olive worked examples (fixed scale 1, so d = x; by hand from the emulation rules)', () => {
  it('a pair with an outlier: the victim is 0; 2 ties up to 4 (the later scan entry)', () => {
    // 50 → 48 (outlier), 3 → 4 is its victim → 0; 2: |2 − 0| = |2 − 4| → later entry 4; −5 → −4.
    const r = fixed(F(50, 3, 2, -5));
    expect(Array.from(r.weight)).toEqual([48, 0, 4, -4]);
    // (48 = abfloat e0 m1 → 0001, identifier 1000), (4 → 0001, −4 → 1001); low nibble = even element.
    expect(Array.from(r.codes)).toEqual([0x81, 0x91]);
    expect(r.outlierPairs).toBe(1);
  });

  it('two outliers in a pair keep the first; an outlier in the odd slot zeroes the even one', () => {
    // −100 → −96, 200 → 192: both outliers, the odd one is zeroed. 30 → 28, 40 → 48 (|40−48| < |40−28|).
    const r = fixed(F(-100, 200, 30, 40));
    expect(Array.from(r.weight)).toEqual([-96, 0, 0, 48]);
    // −96 = sign | e1 m1 = 1011; (identifier, 48 = 0001).
    expect(Array.from(r.codes)).toEqual([0x8b, 0x18]);
    expect(r.outlierPairs).toBe(2);
  });

  it('ties go to the later scan entry: up in value, except normal/outlier ties which go to the outlier', () => {
    // 38: 28 vs 48 → 48; −38: −28 (normal, scanned first) vs −48 (outlier, later) → −48 (then the victim).
    expect(Array.from(fixed(F(38, -38, 2, -2)).weight)).toEqual([48, 0, 4, 0]);
    // 56: 48 vs 64 → 64; −56: −64 vs −48 → −48 (later in the sorted outliers).
    expect(Array.from(fixed(F(1, 56, -56, 1)).weight)).toEqual([0, 64, -48, 0]);
    // flint: 10 is the midpoint of 8 and 12 → 12; −10 → −8.
    expect(Array.from(fixed(F(10, -10, 1, -1), { type: 'flint' }).weight)).toEqual([12, -8, 2, 0]);
  });

  it('the scan only reaches 102400 units: 384 + 102400 still maps to 384, anything farther to 0', () => {
    const r = fixed(F(102784, 0, 102790, 0, -102784, 0));
    expect(Array.from(r.weight)).toEqual([384, 0, 0, 0, -384, 0]);
    expect(r.farZeroed).toBe(1);
  });

  it('all-positive input uses the unsigned grids and an escape bit per outlier pair', () => {
    // Unsigned int: 0, 2, …, 30; outliers 40, 48, 56, 64, 80, …  0.5 → 0, 1.5 → 2, 41 → 40, 3 → 4 (tie, later).
    const r = fixed(F(0.5, 1.5, 41, 3));
    expect(r.signed).toBe(false);
    expect(Array.from(r.weight)).toEqual([0, 2, 40, 0]);
    // (0, index 1) = 0x10; (40 = e0 m01 → 1, victim 0) = 0x01; pair 1 escaped → 0b10.
    expect(Array.from(r.codes)).toEqual([0x10, 0x01]);
    expect(Array.from(r.escapes!)).toEqual([0x02]);
    expect(bits(oliveDecode(r))).toEqual(bits(r.weight));
    // signed: true forces the signed grids (the reference's weight quantizer).
    expect(Array.from(fixed(F(0.5, 1.5, 41, 3), { signed: true }).weight)).toEqual([0, 0, 48, 0]);
  });

  it('odd length: the unpaired last element is the victim of an outlier at element 0 (torch.roll wraps)', () => {
    const a = fixed(F(50, 1, 4, 8, 100), { signed: true });
    expect(Array.from(a.weight)).toEqual([48, 0, 4, 8, 0]);
    expect(Array.from(a.codes)).toEqual([0x81, 0x21, 0x00]);
    // Element 0 no outlier: the last one keeps its outlier, with the pad nibble as its identifier.
    const b = fixed(F(1, 1, 4, 8, 100), { signed: true });
    expect(Array.from(b.weight)).toEqual([0, 0, 4, 8, 96]);
    expect(Array.from(b.codes)).toEqual([0x00, 0x21, 0x83]);
    expect(b.outlierPairs).toBe(1);
    expect(bits(oliveDecode(b))).toEqual(bits(b.weight));
  });

  it('per channel with an odd row length: pairs run over the flattened tensor, across rows', () => {
    // Row 0 (scale 1): 1 → 0, 2 → 4, 60 → 64 (outlier). Row 1 (scale 2): d = 2, 2.5, 3 → 4, 4, 4.
    // Pair (2, 3) straddles the rows: element 3 is 64's victim.
    const r = olive(F(1, 2, 60, 4, 5, 6), { shape: [2, 3], granularity: 'channel', scale: [1, 2], type: 'int', signed: true });
    expect(Array.from(r.weight)).toEqual([0, 4, 64, 0, 8, 8]);
    expect(bits(oliveDecode(r))).toEqual(bits(r.weight));
  });

  it('8-bit: int with E2M5 outliers, one byte per code, identifier 0x80', () => {
    // 32.3 < 32.375 (midpoint of 31.75 and 33) → 31.75; 1 → 1; 0.1 → 0; −40.9 → −41 = −32·(1 + 9/32).
    const r = fixed(F(32.3, 1, 0.1, -40.9), { bits: 8 });
    expect(Array.from(r.weight)).toEqual([31.75, 1, 0, -41]);
    expect(Array.from(r.codes)).toEqual([0x7f, 0x04, 0x80, 0x89]);
    expect(thrown(() => fixed(F(1, -1), { bits: 8, type: 'flint' })).code).toBe('BAD_OPTION');
  });
});

describe('torch f32 sum order (for μ of the 3σ init)', () => {
  it('rows shorter than 8: four scalar accumulators, the leftover into the first', () => {
    // ((1e8 + −1e8) + 1) + 1 + 1 = 3, where a left-to-right f32 sum gives 0.
    expect(torchSumF32(F(1e8, 1, 1, 1, -1e8), 0, 5)).toBe(3);
  });
  it('8-lane vectors: the scalar tail first, then the lanes in order', () => {
    // tail 1e8, then eight 1s each absorbed by f32 rounding; left to right gives 1e8 + 8.
    expect(torchSumF32(F(1, 1, 1, 1, 1, 1, 1, 1, 1e8), 0, 9)).toBe(f(1e8));
    expect(f(F(1, 1, 1, 1, 1, 1, 1, 1, 1e8).reduce((a, b) => f(a + b), 0))).toBe(f(1e8) + 8);
  });
  it('the WASM sum (torch_sum_f32__wasmsimd) equals torchSumF32 bit for bit, n = 0 … 300 and long rows', () => {
    const rt = runtime();
    const sum = rt.exports.torch_sum_f32__wasmsimd as (p: number, n: number) => number;
    const u = mulberry32(77);
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 1023, 4096, 4097, 65536 + 8 * 17 + 5, 300_001]) {
      const x = Float32Array.from({ length: n }, () => f((u() / 2 ** 32 - 0.3) * 2 ** ((u() % 40) - 20)));
      rt.scoped(() => {
        const p = rt.alloc(4 * Math.max(n, 1));
        rt.f32(p, n).set(x);
        expect(sum(p, n)).toBe(torchSumF32(x, 0, n));
      });
    }
  });
  it('a long row equals the sum of exact small integers (any order is exact there)', () => {
    const x = Float32Array.from({ length: 100_003 }, (_, i) => (i % 7) - 3);
    expect(torchSumF32(x, 0, x.length)).toBe(x.reduce((a, b) => a + b, 0));
  });
});

describe('olive search (3σ init, alpha grid, MSE) by hand', () => {
  it('a single candidate i = 100: alpha = x_max = |μ ± 3σ| with the n − 1 std', () => {
    const x = F(1, -1, 1, -1);
    const r = olive(x, { granularity: 'tensor', low: 100, high: 101 });
    const xMax = f(3 * f(Math.sqrt(4 / 3))); // μ = 0, σ = √(4/3)
    expect(r.xMax![0]).toBe(xMax);
    expect(r.alphas![0]).toBe(xMax);
    // int: d = 1 / (x_max/28) ≈ 8.08 → 8; flint: d = 1 / (x_max/32) ≈ 9.24 → 8 (far worse) → int.
    expect(r.type).toBe('int');
    const s = f(xMax / 28);
    expect(r.scales[0]).toBe(s);
    expect(Array.from(r.weight)).toEqual([f(8 * s), -f(8 * s), f(8 * s), -f(8 * s)]);
    expect(r.typeScores.int!).toBeLessThan(r.typeScores.flint!);
  });

  it('a constant row: σ = 0, x_max = |c|; at i = 100 both types are exact and the tie goes to int', () => {
    // Signed grids: int scale 7/28 = 0.25, d = 28 → 28 (code 0111); flint 7/32, d = 32 → 32: both exact.
    const r = olive(F(7, 7, 7, 7), { shape: [1, 4], granularity: 'channel', low: 100, high: 101, signed: true });
    expect(r.type).toBe('int');
    expect(Array.from(r.weight)).toEqual([7, 7, 7, 7]);
    expect(Array.from(r.scales)).toEqual([0.25]);
    expect(Array.from(r.codes)).toEqual([0x77, 0x77]);
    expect(r.typeScores).toEqual({ int: 0, flint: 0 });
    // Unsigned (min ≥ 0): int tops out at 30, scale f32(7/30), d = 30 → code 15.
    const u = olive(F(7, 7, 7, 7), { shape: [1, 4], granularity: 'channel', low: 100, high: 101 });
    expect(u.signed).toBe(false);
    expect(Array.from(u.scales)).toEqual([f(7 / 30)]);
    expect(Array.from(u.weight)).toEqual(Array(4).fill(f(30 * f(7 / 30))));
    expect(Array.from(u.codes)).toEqual([0xff, 0xff]);
  });

  it('zeros: numlab gives zeros and scale 0 (the emulation divides 0 by a zero scale: NaN)', () => {
    const x = new Float32Array(8);
    const r = olive(x, { shape: [2, 4], granularity: 'channel' });
    expect(Array.from(r.weight)).toEqual(Array(8).fill(0));
    expect(Array.from(r.scales)).toEqual([0, 0]);
    expect(Array.from(r.codes)).toEqual([0, 0, 0, 0]);
    // The reference twin does give NaN there: the deviation is deliberate.
    expect(refForward(x, 2, new Float32Array(2), oliveGrid('int', 4, false)).every(Number.isNaN)).toBe(true);
  });
});

describe('olive against the reference twin', () => {
  it.each([
    [[4, 32], 'channel'],
    [[4, 32], 'tensor'],
    [[3, 7], 'channel'],
    [[5, 5], 'channel'],
    [[33], 'tensor'],
    [[2, 3, 6], 'channel'],
  ] as const)('shape %j %s: weight and type bit for bit (4-bit and 8-bit)', (shape, g) => {
    const n = shape.reduce((a, b) => a * b, 1);
    for (let seed = 1; seed <= 3; seed++) {
      const x = weights(seed * 31 + n, n);
      expectMatchesReference(x, [...shape], g);
      expectMatchesReference(x.map(Math.abs), [...shape], g);
      expectMatchesReference(x, [...shape], g, 8);
    }
  });

  it('raw f32 bit patterns (finite), at several magnitudes, bit for bit or a BAD_SCALE where the reference is not finite', () => {
    const finite = fc.integer().map(f32FromBits).filter(Number.isFinite);
    const near = fc.tuple(fc.integer({ min: -60, max: 60 }), fc.integer({ min: 0, max: 2 ** 23 - 1 }), fc.boolean()).map(([e, m, s]) => f((s ? -1 : 1) * 2 ** e * (1 + m / 2 ** 23)));
    const value = fc.oneof(finite, near, fc.constant(0));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 7 }), fc.boolean(), fc.array(value, { minLength: 21, maxLength: 21 }), (rows, cols, chan, vals) => {
        const x = Float32Array.from(vals.slice(0, rows * cols));
        expectMatchesReference(x, [rows, cols], chan ? 'channel' : 'tensor', 4, 75, 101);
      }),
      { numRuns: 300 },
    );
  });

  it('nearest values: the table equals the scan at every midpoint ± 64 ulps and at random f32 patterns', () => {
    for (const [type, b, s] of [['int', 4, true], ['flint', 4, true], ['int', 4, false], ['flint', 4, false], ['int', 8, true], ['int', 8, false]] as const) {
      const g = oliveGrid(type, b, s);
      const sorted = Array.from(g.scan).sort((p, q) => p - q);
      const probes: number[] = [];
      const around = (v: number) => {
        const one = new Float32Array(1);
        const u = new Int32Array(one.buffer);
        one[0] = v;
        for (let k = -64; k <= 64; k++) probes.push(f32FromBits(u[0] + k));
      };
      for (let k = 0; k + 1 < sorted.length; k++) around((sorted[k] + sorted[k + 1]) / 2);
      for (const v of sorted) around(v);
      around(g.outlierMax + 102400);
      around(-(g.outlierMax + 102400));
      fc.sample(fc.integer().map(f32FromBits).filter(Number.isFinite), 4000).forEach((v) => probes.push(v));
      const usable = probes.filter((v) => Number.isFinite(v) && (s || v >= 0));
      // Pairs (v, 0) with scale 1: the even slot shows the scan's value (its partner is no outlier).
      const x = new Float32Array(2 * usable.length);
      usable.forEach((v, i) => (x[2 * i] = v));
      const r = olive(x, { granularity: 'tensor', scale: 1, type, bits: b, signed: s });
      const want = usable.map((v) => refNearest(v, g.scan));
      const got = usable.map((_, i) => r.weight[2 * i]);
      expect(bits(Float32Array.from(got))).toEqual(bits(Float32Array.from(want)));
    }
  });
});

describe('olive row kernel (WASM SIMD) against its TypeScript twin', () => {
  const same = (a: OliveResult, b: OliveResult) => {
    expect(a.type).toBe(b.type);
    expect(bits(a.weight)).toEqual(bits(b.weight));
    expect(bits(a.rowMse)).toEqual(bits(b.rowMse));
    expect(bits(a.scales)).toEqual(bits(b.scales));
    expect(a.typeScores).toEqual(b.typeScores);
    expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
  };
  it.each([
    [[8, 64], 'channel'],
    [[7, 9], 'channel'],
    [[5, 6], 'channel'],
    [[3, 11], 'tensor'],
    [[130], 'tensor'],
    [[4, 2], 'channel'],
  ] as const)('shape %j %s, 4-bit and 8-bit, signed and unsigned', (shape, g) => {
    const n = shape.reduce((a, b) => a * b, 1);
    for (let seed = 1; seed <= 3; seed++) {
      const x = weights(seed + n, n, 0.5);
      for (const input of [x, x.map(Math.abs)]) {
        for (const b of [4, 8]) same(oliveWith(input, { shape: [...shape], granularity: g, bits: b }, 'wasm'), oliveWith(input, { shape: [...shape], granularity: g, bits: b }, 'ts'));
      }
    }
  });

  it('raw f32 bit patterns, fixed scales and searches', () => {
    const value = fc.oneof(fc.integer().map(f32FromBits).filter(Number.isFinite), fc.double({ min: -600, max: 600, noNaN: true }).map(f));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 13 }), fc.array(value, { minLength: 52, maxLength: 52 }), fc.option(fc.double({ min: 1e-3, max: 10, noNaN: true })), (rows, cols, vals, scale) => {
        const x = Float32Array.from(vals.slice(0, rows * cols));
        const opts = { shape: [rows, cols], granularity: 'channel' as const, scale: scale ?? undefined, low: 75, high: 121 };
        let a: OliveResult | NumlabError;
        let b: OliveResult | NumlabError;
        try {
          a = oliveWith(x, opts, 'wasm');
        } catch (e) {
          a = e as NumlabError;
        }
        try {
          b = oliveWith(x, opts, 'ts');
        } catch (e) {
          b = e as NumlabError;
        }
        if (a instanceof NumlabError || b instanceof NumlabError) {
          expect(a).toBeInstanceOf(NumlabError);
          expect(b).toBeInstanceOf(NumlabError);
          expect((a as NumlabError).message).toBe((b as NumlabError).message);
        } else same(a, b);
      }),
      { numRuns: 300 },
    );
  });
});

describe('olive storage and invariants', () => {
  it('decode(encode) = weight bit for bit and every pair holds at most one outlier, its victim +0 (raw f32 bits)', () => {
    const value = fc.oneof(
      fc.integer().map(f32FromBits).filter((v) => Number.isFinite(v) && Math.abs(v) < 1e30),
      fc.double({ min: -4, max: 4, noNaN: true }).map(f),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 2, maxLength: 40 }), fc.boolean(), fc.constantFrom(4, 8), fc.constantFrom<'auto' | 'int' | 'flint'>('auto', 'int', 'flint'), (vals, chan, b, type) => {
        const x = Float32Array.from(vals);
        const cols = x.length % 2 === 0 && x.length >= 4 && chan ? x.length / 2 : x.length;
        const shape = cols === x.length ? [x.length] : [2, cols];
        const granularity = shape.length === 2 ? 'channel' : 'tensor';
        let r: OliveResult;
        try {
          r = olive(x, { shape, granularity, bits: b, type: b === 8 ? 'int' : type });
        } catch (e) {
          expect((e as NumlabError).code).toBe('BAD_SCALE');
          return;
        }
        expect(bits(oliveDecode(r))).toEqual(bits(r.weight));
        const L = x.length / r.scales.length;
        let pairsWithOutlier = 0;
        for (let p = 0; 2 * p < x.length; p++) {
          const isOut = (j: number) => j < x.length && Math.abs(r.weight[j]) > f(32 * r.scales[Math.floor(j / L)]);
          const o0 = isOut(2 * p);
          const o1 = isOut(2 * p + 1);
          expect(o0 && o1).toBe(false);
          if (o0 && 2 * p + 1 < x.length) expect(Object.is(r.weight[2 * p + 1], 0)).toBe(true);
          if (o1) expect(Object.is(r.weight[2 * p], 0)).toBe(true);
          if (o0 || o1) pairsWithOutlier++;
        }
        expect(r.outlierPairs).toBe(pairsWithOutlier);
      }),
      { numRuns: 300 },
    );
  });

  it('decode rejects malformed storage with typed errors', () => {
    const r = fixed(F(50, 3, 2, -5));
    expect(thrown(() => oliveDecode({ ...r, codes: Uint8Array.of(0x88, 0x91) })).code).toBe('BAD_CODE'); // two identifiers
    expect(thrown(() => oliveDecode({ ...r, codes: Uint8Array.of(0x80, 0x91) })).code).toBe('BAD_CODE'); // outlier code 0
    expect(thrown(() => oliveDecode({ ...r, codes: Uint8Array.of(0x81) })).code).toBe('BAD_LENGTH');
    expect(thrown(() => oliveDecode({ ...r, scales: new Float32Array(2) })).code).toBe('BAD_LENGTH');
    const u = fixed(F(0.5, 1.5, 41, 3));
    expect(thrown(() => oliveDecode({ ...u, escapes: null })).code).toBe('BAD_LENGTH');
    expect(thrown(() => oliveDecode({ ...u, codes: Uint8Array.of(0x10, 0x11) })).code).toBe('BAD_CODE'); // escaped pair, no victim slot
  });
});

describe('olive search and type choice', () => {
  it('the search never loses to its own first candidate, row by row', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const x = weights(seed, 6 * 64);
      for (const type of ['int', 'flint'] as const) {
        const best = olive(x, { shape: [6, 64], granularity: 'channel', type });
        const first = olive(x, { shape: [6, 64], granularity: 'channel', type, low: 75, high: 76 });
        for (let r = 0; r < 6; r++) expect(best.rowMse[r]).toBeLessThanOrEqual(first.rowMse[r]);
        expect(best.alphas!.every((a, r) => a >= f(best.xMax![r] * f(0.75)) && a <= f(best.xMax![r] * f(2.49)))).toBe(true);
      }
    }
  });

  it("type 'auto' picks the type with the lower summed MSE and equals that type's run bit for bit", () => {
    const picked = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const x = weights(seed, 4 * 64, 1).map((v, i) => (seed % 2 ? v : i % 3 === 0 ? v * 8 : v * 0.1));
      const auto = olive(x, { shape: [4, 64], granularity: 'channel' });
      const int = olive(x, { shape: [4, 64], granularity: 'channel', type: 'int' });
      const flint = olive(x, { shape: [4, 64], granularity: 'channel', type: 'flint' });
      const want = flint.typeScores.flint! < int.typeScores.int! ? flint : int;
      expect(auto.type).toBe(want.type);
      expect(auto.typeScores).toEqual({ int: int.typeScores.int, flint: flint.typeScores.flint });
      expect(bits(auto.weight)).toEqual(bits(want.weight));
      picked.add(auto.type);
    }
    expect(picked.size).toBe(2);
  });

  it('a fixed scale skips the search: the forward at exactly those scales (reference twin)', () => {
    const x = weights(9, 3 * 16, 1);
    const scales = F(0.05, 0.07, 0.11);
    for (const type of ['int', 'flint'] as const) {
      const r = olive(x, { shape: [3, 16], granularity: 'channel', scale: scales, type });
      expect(r.alphas).toBeNull();
      expect(bits(r.scales)).toEqual(bits(scales));
      expect(bits(r.weight)).toEqual(bits(refForward(x, 3, scales, oliveGrid(type, 4, true))));
    }
    const one = olive(x, { shape: [3, 16], granularity: 'channel', scale: 0.07, type: 'int' });
    expect(Array.from(one.scales)).toEqual([f(0.07), f(0.07), f(0.07)]);
  });

  it('oliveQuantize: x̂ and storage bits (4 per element + 32 per scale + 1 type bit)', () => {
    const x = weights(3, 8 * 32);
    const q = oliveQuantize(x, [8, 32], { granularity: 'channel' });
    expect(bits(q.xhat)).toEqual(bits(olive(x, { shape: [8, 32], granularity: 'channel' }).weight));
    expect(q.storageBits).toBe(4 * 256 + 32 * 8 + 1);
    expect(oliveQuantize(x.map(Math.abs), [256], { granularity: 'tensor', type: 'int' }).storageBits).toBe(4 * 256 + 128 + 32 + 1);
  });
});

describe('olive bad input', () => {
  const x = F(1, -2, 3, -4);
  const cases: [string, () => unknown, string, unknown][] = [
    ['NaN', () => olive(F(1, NaN), { granularity: 'tensor' }), 'NONFINITE_INPUT', NaN],
    ['Inf', () => olive(F(Infinity, 1), { granularity: 'tensor' }), 'NONFINITE_INPUT', Infinity],
    ['not f32', () => olive([1, 2] as unknown as Float32Array, { granularity: 'tensor' }), 'BAD_TYPE', [1, 2]],
    ['shape product', () => olive(x, { shape: [3], granularity: 'tensor' }), 'BAD_LENGTH', 4],
    ['shape entries', () => olive(x, { shape: [2, 2.5], granularity: 'tensor' }), 'BAD_SHAPE', [2, 2.5]],
    ['one value per channel', () => olive(x, { shape: [4, 1], granularity: 'channel' }), 'BAD_SHAPE', [4, 1]],
    ['granularity', () => olive(x, { granularity: 'row' as 'tensor' }), 'BAD_OPTION', 'row'],
    ['bits', () => olive(x, { granularity: 'tensor', bits: 3 }), 'BAD_OPTION', 3],
    ['type', () => olive(x, { granularity: 'tensor', type: 'fp' as 'int' }), 'BAD_OPTION', 'fp'],
    ['signed false with negatives', () => olive(x, { granularity: 'tensor', signed: false }), 'BAD_OPTION', -4],
    ['low ≥ high', () => olive(x, { granularity: 'tensor', low: 90, high: 90 }), 'BAD_OPTION', 90],
    ['low not an integer', () => olive(x, { granularity: 'tensor', low: 7.5 }), 'BAD_OPTION', 7.5],
    ['scale 0', () => olive(x, { granularity: 'tensor', scale: 0 }), 'BAD_SCALE', 0],
    ['scale NaN', () => olive(x, { granularity: 'tensor', scale: NaN }), 'BAD_SCALE', NaN],
    ['scale Inf', () => olive(x, { granularity: 'tensor', scale: Infinity }), 'BAD_SCALE', Infinity],
    ['scale f32 underflow', () => olive(x, { granularity: 'tensor', scale: 1e-50 }), 'BAD_SCALE', 1e-50],
    ['scale count', () => olive(x, { shape: [2, 2], granularity: 'channel', scale: [1, 2, 3] }), 'BAD_SCALE', 3],
    ['x / scale overflows', () => olive(F(3e38, 1), { granularity: 'tensor', scale: 1e-3 }), 'BAD_SCALE', f(1e-3)],
    ['3σ overflows f32', () => olive(F(3e38, -3e38), { granularity: 'tensor' }), 'BAD_SCALE', Infinity],
    ['options', () => olive(x, null as unknown as { granularity: 'tensor' }), 'BAD_OPTION', null],
  ];
  it.each(cases)('%s → NumlabError naming the value', (_, fn, code, value) => {
    const e = thrown(fn);
    expect(e.code).toBe(code);
    expect(e.value).toEqual(value);
    expect(e.message.length).toBeGreaterThan(10);
  });
});
