// Channel rearrangement for block formats (K-sort, spec ptq.md §4): the permutation sorts K's channels
// by norm, keeps RoPE pairs with keepPairs, leaves Q·Kᵀ unchanged, and on synthetic keys with outlier
// channels gains QSNR only when blocks are smaller than the head dim.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_FORMATS, format, inversePermutation, permuteChannels, rearrangeChannels, type BlockFormat } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { qsnr } from '../helpers/qsnr.js';
import { mulberry32 } from '../helpers/rng.js';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Seeded keys [tokens, d]: N(0, 1) channels, `outliers` of them scaled by 8–20 (the spec's ksort_demo setup). */
function keys(seed: number, tokens: number, d: number, outliers: number): Float32Array {
  const u = mulberry32(seed);
  const U = () => (u() + 0.5) / 4294967296;
  const scale = new Float64Array(d).fill(1);
  for (let k = 0; k < outliers; k++) scale[u() % d] = 8 + 12 * U();
  return Float32Array.from({ length: tokens * d }, (_, i) => Math.sqrt(-2 * Math.log(U())) * Math.cos(2 * Math.PI * U()) * scale[i % d]);
}

/** Q Kᵀ [q, k] in float64, summing channels in index order. */
function scores(Q: ArrayLike<number>, K: ArrayLike<number>, d: number): Float64Array {
  const nq = Q.length / d;
  const nk = K.length / d;
  const s = new Float64Array(nq * nk);
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nk; j++) {
      let acc = 0;
      for (let c = 0; c < d; c++) acc += Q[i * d + c] * K[j * d + c];
      s[i * nk + j] = acc;
    }
  }
  return s;
}


describe('rearrangeChannels', () => {
  it('is a norm sort (descending, stable), keeps RoPE pairs, and Q·Kᵀ is exactly unchanged in float64', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), fc.integer({ min: 1, max: 1e6 }), (rows, half, keepPairs, seed) => {
        const d = 2 * half;
        const r0 = mulberry32(seed);
        // Integer entries (|x| ≤ 1000): every product and partial sum is exact, so any channel order gives the same scores.
        const K = Float64Array.from({ length: rows * d }, () => (r0() % 2001) - 1000);
        const Q = Float64Array.from({ length: 3 * d }, () => (r0() % 2001) - 1000);
        const r = rearrangeChannels(K, Q, { shape: [rows, d], keepPairs });
        expect(r.K).toBeInstanceOf(Float64Array);
        expect([...r.perm].sort((a, b) => a - b)).toEqual([...Array(d).keys()]);
        expect(scores(r.Q, r.K, d)).toEqual(scores(Q, K, d));
        const sq = (c: number) => r.norms[c] ** 2;
        const unit = keepPairs ? 2 : 1;
        for (let j = 0; j + unit < d; j += unit) {
          const a = keepPairs ? sq(r.perm[j]) + sq(r.perm[j + 1]) : sq(r.perm[j]);
          const b = keepPairs ? sq(r.perm[j + 2]) + sq(r.perm[j + 3]) : sq(r.perm[j + 1]);
          expect(a).toBeGreaterThanOrEqual(b);
          if (a === b) expect(r.perm[j]).toBeLessThan(r.perm[j + unit]);
        }
        if (keepPairs) for (let j = 0; j < d; j += 2) expect([r.perm[j] % 2, r.perm[j + 1] - r.perm[j]]).toEqual([0, 1]);
        for (let c = 0; c < d; c++) {
          let s = 0;
          for (let t = 0; t < rows; t++) s += K[t * d + c] ** 2;
          expect(r.norms[c]).toBe(Math.sqrt(s));
        }
        expect(permuteChannels(r.K, inversePermutation(r.perm), d)).toEqual(K);
      }),
      { numRuns: 200 },
    );
  });

  it('worked example: channel norms 1, 5, 3, 4 sort to 1, 3, 2, 0; as pairs (26 vs 25) to 0, 1, 2, 3', () => {
    const K = Float64Array.of(1, 5, 3, 4, 0, 0, 0, 0);
    const Q = Float64Array.of(1, 2, 3, 4);
    expect([...rearrangeChannels(K, Q, { shape: [2, 4] }).perm]).toEqual([1, 3, 2, 0]);
    expect([...rearrangeChannels(K, Q, { shape: [2, 4] }).Q]).toEqual([2, 4, 3, 1]);
    expect([...rearrangeChannels(K, Q, { shape: [2, 4], keepPairs: true }).perm]).toEqual([0, 1, 2, 3]);
  });

  it('f32 operands of a 128-dim head: scores agree within f32 rounding', () => {
    const d = 128;
    const K = keys(3, 64, d, 6);
    const Q = keys(4, 16, d, 0);
    const r = rearrangeChannels(K, Q, { shape: [64, d], blockSize: 32, keepPairs: true });
    expect(r.K).toBeInstanceOf(Float32Array);
    const a = scores(Q, K, d);
    const b = scores(r.Q, r.K, d);
    const mag = scores(Q.map(Math.abs), K.map(Math.abs), d);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(d * 2 ** -24 * mag[i]);
  });

  it.each(BLOCK_FORMATS.map((s) => s.id))('%s: block = head dim gives no change (quantize commutes with the permutation, bit for bit)', (id) => {
    const f = format(id) as BlockFormat;
    const d = f.spec.blockSize;
    const K = keys(7, 64, d, 3);
    const r = rearrangeChannels(K, K, { shape: [64, d], blockSize: d });
    const q = f.quantize(K, { shape: [64, d] });
    expect(bits(f.quantize(r.K, { shape: [64, d] }))).toEqual(bits(permuteChannels(q, r.perm, d)));
    expect(qsnr(r.K, f.quantize(r.K, { shape: [64, d] }))).toBeCloseTo(qsnr(K, q), 10); // same errors, summed in another order
  });

  it('head dim 128 with 6 outlier channels: clear QSNR gain at blocks of 64 (bfp12) and 32 (mxint4, mxfp4), over seeds', () => {
    const d = 128;
    const T = 512;
    for (const seed of [1, 2, 3, 4, 5]) {
      const K = keys(seed, T, d, 6);
      const r = rearrangeChannels(K, K, { shape: [T, d], keepPairs: true });
      for (const [id, minGain] of [['bfp12', 0.5], ['mxint4', 0.5], ['mxfp4', 0.3]] as const) {
        const f = format(id) as BlockFormat;
        const before = qsnr(K, f.quantize(K, { shape: [T, d] }));
        const after = qsnr(r.K, f.quantize(r.K, { shape: [T, d] }));
        expect(after - before, `${id} seed ${seed}: ${before.toFixed(2)} → ${after.toFixed(2)} dB`).toBeGreaterThan(minGain);
      }
    }
  });

  it('typed errors name the bad shape, operand, pairing and block size', () => {
    const K = new Float32Array(12);
    K[0] = 1;
    const Q = new Float32Array(4);
    expect(thrown(() => rearrangeChannels(K, Q, { shape: [3, 5] })).code).toBe('BAD_LENGTH');
    expect(thrown(() => rearrangeChannels(K, Q, { shape: [3] as unknown as [number, number] })).code).toBe('BAD_SHAPE');
    expect(thrown(() => rearrangeChannels(K, new Float32Array(6), { shape: [3, 4] })).message).toMatch(/Q has 6 values/);
    expect(thrown(() => rearrangeChannels([1] as unknown as Float32Array, Q, { shape: [1, 1] })).code).toBe('BAD_TYPE');
    expect(thrown(() => rearrangeChannels(Float32Array.of(1, NaN, 0, 0), Q, { shape: [1, 4] })).message).toMatch(/\[1\] is NaN/);
    expect(thrown(() => rearrangeChannels(new Float32Array(3), new Float32Array(3), { shape: [1, 3], keepPairs: true })).code).toBe('BAD_SHAPE');
    expect(thrown(() => rearrangeChannels(K, Q, { shape: [3, 4], blockSize: 3 })).message).toMatch(/blockSize 3/);
    expect(thrown(() => rearrangeChannels(K, Q, { shape: [3, 4], blockSize: 8 })).code).toBe('BAD_OPTION');
    expect(thrown(() => rearrangeChannels(K, Q, { shape: [3, 4], blockSize: 1, keepPairs: true })).message).toMatch(/odd/);
    expect(thrown(() => rearrangeChannels(K, Q, { shape: [3, 4], keepPairs: 1 as unknown as boolean })).code).toBe('BAD_OPTION');
    expect(thrown(() => permuteChannels(K, Int32Array.of(0, 0, 1, 2), 4)).message).toMatch(/not a permutation/);
    expect(thrown(() => permuteChannels(K, Int32Array.of(0, 1, 2), 4)).code).toBe('BAD_LENGTH');
  });
});
