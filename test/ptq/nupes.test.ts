// NUPES power companding (spec ptq.md §3): a = 1 is numlab's INT codec bit for bit, decode inverts the
// power of the INT grid values, and the exponent searches (data-free MSE, data-driven layer error)
// never lose to a = 1.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, layerError, nupes, nupesCalibrated, nupesDecode, nupesSearch, type ElementFormat } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { randMatrix } from '../helpers/ptq.js';
import { mulberry32 } from '../helpers/rng.js';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const rows = 6;
const cols = 32;
/** Gaussian-ish weights with a few heavy entries (the case a < 1 helps). */
const heavy = (seed: number, n: number) => Float32Array.from(randMatrix(n, seed), (v, i) => (i % 11 === 0 ? v * 5 : v));
const mse = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / x.length;

describe('nupes codec', () => {
  it.each([2, 3, 4, 8, 16])('int%d: a = 1 equals plain INT bit for bit (tensor and channel)', (b) => {
    const x = heavy(b, rows * cols);
    const f = format(`int${b}`) as ElementFormat;
    for (const [granularity, axis] of [['tensor', -1], ['channel', 0], ['channel', 1]] as const) {
      const e = nupes(x, { bits: b, a: 1, shape: [rows, cols], axis, granularity });
      const plain = f.encodeScaled(x, { shape: [rows, cols], axis, granularity });
      expect(e.codes).toEqual(plain.codes);
      expect(bits(e.scales)).toEqual(bits(plain.scales));
      expect(bits(e.weight)).toEqual(bits(f.decodeScaled(plain)));
      expect(bits(nupesDecode(e))).toEqual(bits(e.weight));
    }
  });

  it('decode is sign(v)|v|^(1/a) of the INT grid value, from the spec formula', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.double({ min: 0.25, max: 2, noNaN: true }), fc.integer({ min: 1, max: 1e6 }), (b, a, seed) => {
        const x = heavy(seed, 64);
        const e = nupes(x, { bits: b, a, granularity: 'tensor' });
        const qmax = 2 ** (b - 1) - 1;
        let tmax = 0;
        for (const v of x) tmax = Math.max(tmax, Math.fround(Math.abs(v) ** a));
        expect(e.scales[0]).toBeCloseTo(tmax / qmax, 5);
        const dec = nupesDecode(e);
        for (let i = 0; i < x.length; i++) {
          const code = (e.codes[i] << (32 - b)) >> (32 - b); // two's complement code
          const v = Math.fround(code * e.scales[0]);
          expect(dec[i]).toBe(Math.fround(v === 0 ? v : Math.sign(v) * Math.abs(v) ** (1 / a)));
          expect(Math.abs(code)).toBeLessThanOrEqual(qmax);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('decode never overflows to Infinity near f32 max (saturates to it)', () => {
    // int2, a = 0.25 on f32 max: the code·scale product rounds above (f32 max)^a, so (·)^4 passes f32 max.
    const x = Float32Array.of(3.4028234663852886e38, -3.4028234663852886e38, 1e38, 0);
    const w = nupes(x, { bits: 2, a: 0.25, granularity: 'tensor' }).weight;
    expect([w[0], w[1]]).toEqual([3.4028234663852886e38, -3.4028234663852886e38]);
    for (const b of [2, 4, 8]) {
      for (const a of [0.25, 0.3, 0.5, 1]) {
        for (const v of nupes(x, { bits: b, a, granularity: 'tensor' }).weight) expect(Number.isFinite(v)).toBe(true);
      }
    }
  });

  it('per-channel exponents apply to their own channel', () => {
    const x = heavy(5, rows * cols);
    const a = Array.from({ length: rows }, (_, r) => 0.5 + r * 0.2);
    const e = nupes(x, { bits: 4, a, shape: [rows, cols], axis: 0, granularity: 'channel' });
    for (let r = 0; r < rows; r++) {
      const one = nupes(x.subarray(r * cols, (r + 1) * cols), { bits: 4, a: a[r], granularity: 'tensor' });
      expect(bits(e.weight.subarray(r * cols, (r + 1) * cols))).toEqual(bits(one.weight));
    }
  });

  it('per-group exponents (axis 1 and axis 0, inner > 1) apply to their own group; decode and search agree with the slices', () => {
    const x = heavy(9, 6 * 16);
    // axis 1, groups of 4: slot (r, g) holds elements r·16 + 4g … + 3
    const a = Array.from({ length: 6 * 4 }, (_, k) => 0.4 + (k % 7) * 0.2);
    const e = nupes(x, { bits: 4, a, shape: [6, 16], axis: 1, granularity: 'group', groupSize: 4 });
    expect(bits(nupesDecode(e))).toEqual(bits(e.weight));
    for (let k = 0; k < 24; k++) {
      const one = nupes(x.subarray(4 * k, 4 * k + 4), { bits: 4, a: a[k], granularity: 'tensor' });
      expect(bits(e.weight.subarray(4 * k, 4 * k + 4))).toEqual(bits(one.weight));
    }
    // axis 0 of [6, 16], groups of 3 rows: slot (g, c) holds column c of rows 3g … 3g + 2
    const a0 = Array.from({ length: 2 * 16 }, (_, k) => 0.5 + (k % 5) * 0.3);
    const e0 = nupes(x, { bits: 4, a: a0, shape: [6, 16], axis: 0, granularity: 'group', groupSize: 3 });
    expect(bits(nupesDecode(e0))).toEqual(bits(e0.weight));
    for (let g = 0; g < 2; g++) {
      for (let c = 0; c < 16; c++) {
        const col = Float32Array.from({ length: 3 }, (_, i) => x[(3 * g + i) * 16 + c]);
        const one = nupes(col, { bits: 4, a: a0[g * 16 + c], granularity: 'tensor' });
        for (let i = 0; i < 3; i++) expect(e0.weight[(3 * g + i) * 16 + c]).toBe(one.weight[i]);
      }
    }
    // the search per group: each group's exponent is the per-tensor search of its slice
    const r = nupesSearch(x, { bits: 3, shape: [6, 16], axis: 1, granularity: 'group', groupSize: 8 });
    expect(r.a.length).toBe(12);
    for (let k = 0; k < 12; k++) expect(r.a[k]).toBe(nupesSearch(x.subarray(8 * k, 8 * k + 8), { bits: 3, granularity: 'tensor' }).a[0]);
    expect(thrown(() => nupes(x, { bits: 4, a: [1, 2], shape: [6, 16], axis: 1, granularity: 'group', groupSize: 4 })).message).toMatch(/2 exponents.*24/);
    expect(thrown(() => nupes(x, { bits: 4, a: 1, shape: [6, 16], axis: 1, granularity: 'group', groupSize: 5 })).message).toMatch(/groupSize 5/);
    expect(thrown(() => nupesCalibrated(x, new Float32Array(16), { bits: 4, shape: [6, 16], tokens: 1, granularity: 'group' })).message).toMatch(/group/);
  });

  it('typed errors name the bad bits, exponent, shape, granularity and input', () => {
    const x = heavy(1, 12);
    expect(thrown(() => nupes(x, { bits: 1, a: 1, granularity: 'tensor' })).code).toBe('BAD_OPTION');
    expect(thrown(() => nupes(x, { bits: 17, a: 1, granularity: 'tensor' })).message).toMatch(/17/);
    expect(thrown(() => nupes(x, { bits: 4.5, a: 1, granularity: 'tensor' })).code).toBe('BAD_OPTION');
    expect(thrown(() => nupes(x, { bits: 4, a: 0, granularity: 'tensor' })).message).toMatch(/> 0, got 0/);
    expect(thrown(() => nupes(x, { bits: 4, a: -0.5, granularity: 'tensor' })).code).toBe('BAD_OPTION');
    expect(thrown(() => nupes(x, { bits: 4, a: NaN, granularity: 'tensor' })).code).toBe('BAD_OPTION');
    expect(thrown(() => nupes(x, { bits: 4, a: [1, 2], granularity: 'tensor' })).code).toBe('BAD_OPTION');
    expect(thrown(() => nupes(x, { bits: 4, a: [1, 2], shape: [3, 4], axis: 0, granularity: 'channel' })).message).toMatch(/2 exponents/);
    expect(thrown(() => nupes(x, { bits: 4, a: 1, shape: [5, 4], granularity: 'tensor' })).code).toBe('BAD_SHAPE');
    expect(thrown(() => nupes(x, { bits: 4, a: 1, shape: [3, 4], axis: 2, granularity: 'channel' })).code).toBe('BAD_SHAPE');
    expect(thrown(() => nupes(x, { bits: 4, a: 1, granularity: 'group' as 'tensor' })).code).toBe('BAD_OPTION');
    expect(thrown(() => nupes(Float32Array.of(1, NaN), { bits: 4, a: 1, granularity: 'tensor' })).message).toMatch(/\[1\] is NaN/);
    expect(thrown(() => nupes([1, 2] as unknown as Float32Array, { bits: 4, a: 1, granularity: 'tensor' })).code).toBe('BAD_TYPE');
    expect(thrown(() => nupes(Float32Array.of(1, 1e30), { bits: 4, a: 2, granularity: 'tensor' })).message).toMatch(/overflows f32 at x\[1\]/);
    expect(thrown(() => nupesSearch(new Float32Array(0), { bits: 4, granularity: 'tensor' })).code).toBe('BAD_SHAPE');
    expect(thrown(() => nupesCalibrated(x, new Float32Array(8), { bits: 4, shape: [3, 4], tokens: 3, granularity: 'tensor' })).code).toBe('BAD_LENGTH');
  });
});

describe('nupes exponent search', () => {
  it('data-free search never loses to a = 1 (tensor and channel, seeded tensors)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 8 }), fc.boolean(), (seed, b, perChannel) => {
        const x = heavy(seed, rows * cols);
        const granularity = perChannel ? 'channel' : 'tensor';
        const r = nupesSearch(x, { bits: b, shape: [rows, cols], axis: 0, granularity });
        const plain = nupes(x, { bits: b, a: 1, shape: [rows, cols], axis: 0, granularity });
        expect(r.error).toBeLessThanOrEqual(mse(x, plain.weight));
        expect(r.errorAtOne).toBeCloseTo(mse(x, plain.weight), 12);
        expect(r.error).toBeCloseTo(mse(x, r.weight), 12);
        for (const a of r.a) expect(a >= 0.25 && a <= 2).toBe(true);
        expect(r.a.length).toBe(perChannel ? rows : 1);
      }),
      { numRuns: 25 },
    );
  });

  it('heavy-tailed weights: per-tensor search picks a < 1 and gains clearly at 4 bits', () => {
    // Student-t(3)-like: normal / sqrt(chi2_3 / 3), seeded.
    const n = 4096;
    const z = randMatrix(n * 4, 77);
    const x = Float32Array.from({ length: n }, (_, i) => z[4 * i] / Math.sqrt((z[4 * i + 1] ** 2 + z[4 * i + 2] ** 2 + z[4 * i + 3] ** 2) / 3));
    const r = nupesSearch(x, { bits: 4, granularity: 'tensor' });
    expect(r.a[0]).toBeLessThan(0.8);
    expect(r.error).toBeLessThan(0.7 * r.errorAtOne);
  });

  it('N(0, 1) regression (spec ptq.md §3 demo: a ≈ 0.65, MSE 0.024 vs 0.038 at 4 bits)', () => {
    const u = mulberry32(9);
    const U = () => (u() + 0.5) / 4294967296;
    const x = Float32Array.from({ length: 50000 }, () => Math.sqrt(-2 * Math.log(U())) * Math.cos(2 * Math.PI * U()));
    const r = nupesSearch(x, { bits: 4, granularity: 'tensor' });
    expect(r.a[0]).toBeGreaterThan(0.55);
    expect(r.a[0]).toBeLessThan(0.75);
    expect(r.error).toBeLessThan(0.7 * r.errorAtOne);
  });

  it('data-driven search never loses to a = 1 on the layer error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 3, max: 6 }), fc.boolean(), (seed, b, perChannel) => {
        const W = heavy(seed, rows * cols);
        const X = Float64Array.from(randMatrix(20 * cols, seed + 1), (v, i) => (i % cols === 3 ? v * 8 : v));
        const r = nupesCalibrated(W, X, { bits: b, shape: [rows, cols], tokens: 20, granularity: perChannel ? 'channel' : 'tensor' });
        const plain = nupes(W, { bits: b, a: 1, shape: [rows, cols], axis: 0, granularity: perChannel ? 'channel' : 'tensor' });
        const base = layerError(W, plain.weight, X, { shape: [rows, cols], tokens: 20 });
        expect(r.errorAtOne).toBe(base);
        expect(r.error).toBeLessThanOrEqual(base * (1 + 1e-12));
        expect(r.error).toBe(layerError(W, r.weight, X, { shape: [rows, cols], tokens: 20 }));
      }),
      { numRuns: 15 },
    );
  });
});
