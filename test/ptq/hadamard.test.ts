// FWHT against the explicit Sylvester matrix (its plain twin), orthogonality, and X·Wᵀ preserved.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hadamard } from '../../src/index.js';
import { hadamardRef } from '../../src/ptq/hadamard.js';
import { f32ArrayFromBits, f32bitsRaw } from '../helpers/arbitraries.js';
import { f32bits } from '../helpers/f32.js';
import { thrown } from '../helpers/errors.js';
import { rand, randMatrix } from '../helpers/ptq.js';

/** Natural-order Hadamard entry: (−1)^popcount(i & j). */
const sylvester = (i: number, j: number) => {
  let v = i & j;
  let p = 0;
  while (v) {
    p ^= v & 1;
    v >>>= 1;
  }
  return p ? -1 : 1;
};

/** Plain matrix product y_b = H_b (s ⊙ x_b) / √b per block. */
function twin(x: Float64Array, rows: number, cols: number, b: number, s?: number[]): Float64Array {
  const out = new Float64Array(x.length);
  for (let o = 0; o < rows * cols; o += b) {
    for (let i = 0; i < b; i++) {
      let acc = 0;
      for (let j = 0; j < b; j++) acc += sylvester(i, j) * x[o + j] * (s ? s[j] : 1);
      out[o + i] = acc / Math.sqrt(b);
    }
  }
  return out;
}

describe('hadamard', () => {
  it.each([16, 32, 64, 128])('block %d equals the Sylvester-matrix twin (float64, 1e-12)', (b) => {
    const rows = 3;
    const cols = 256;
    const x = randMatrix(rows * cols, b);
    const y = hadamard(x, { shape: [rows, cols], block: b });
    const t = twin(x, rows, cols, b);
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - t[i])).toBeLessThan(1e-12);
  });

  it('full transform (block = cols) and random signs equal the twin; small cases by hand', () => {
    const x = randMatrix(2 * 64, 5);
    const y = hadamard(x, { shape: [2, 64] });
    const t = twin(x, 2, 64, 64);
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - t[i])).toBeLessThan(1e-12);
    const r = rand(9);
    const s = Array.from({ length: 16 }, () => (r() < 0 ? -1 : 1));
    const ys = hadamard(x, { shape: [2, 64], block: 16, signs: s });
    const ts = twin(x, 2, 64, 16, s);
    for (let i = 0; i < ys.length; i++) expect(Math.abs(ys[i] - ts[i])).toBeLessThan(1e-12);
    for (const v of hadamard(Float64Array.from([1, 0]), { shape: [1, 2] })) expect(v).toBeCloseTo(Math.SQRT1_2, 15);
    expect(Array.from(hadamard(Float64Array.from([1, 2, 3, 4]), { shape: [1, 4] }))).toEqual([5, -1, -2, 0]);
  });

  it('applying it twice is the identity (H symmetric, orthogonal), Float32Array stays f32', () => {
    const x = Float32Array.from(randMatrix(4 * 128, 3));
    const y = hadamard(x, { shape: [4, 128], block: 32 });
    expect(y).toBeInstanceOf(Float32Array);
    const z = hadamard(y, { shape: [4, 128], block: 32 });
    for (let i = 0; i < x.length; i++) expect(Math.abs(z[i] - x[i])).toBeLessThan(1e-6);
  });

  it('X·Wᵀ is preserved when W and X are rotated along the input dimension (fast-check)', () => {
    fc.assert(fc.property(fc.constantFrom(16, 32, 64, 128), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.nat(),
      (b, out, tokens, blocks, seed) => {
        const k = b * blocks;
        const W = randMatrix(out * k, seed);
        const X = randMatrix(tokens * k, seed + 1);
        const Wr = hadamard(W, { shape: [out, k], block: b });
        const Xr = hadamard(X, { shape: [tokens, k], block: b });
        for (let t = 0; t < tokens; t++) {
          for (let r = 0; r < out; r++) {
            let y = 0;
            let yr = 0;
            for (let j = 0; j < k; j++) {
              y += X[t * k + j] * W[r * k + j];
              yr += Xr[t * k + j] * Wr[r * k + j];
            }
            expect(Math.abs(yr - y)).toBeLessThan(1e-12 * k);
          }
        }
      }), { numRuns: 60 });
  });

  it('typed errors: non-power-of-two block or cols, block not dividing cols, bad signs, NaN', () => {
    const x = new Float64Array(48);
    expect(thrown(() => hadamard(x, { shape: [1, 48] })).code).toBe('BAD_SHAPE');
    expect(thrown(() => hadamard(x, { shape: [1, 48], block: 24 })).code).toBe('BAD_OPTION');
    expect(thrown(() => hadamard(x, { shape: [1, 48], block: 32 })).code).toBe('BAD_SHAPE');
    expect(thrown(() => hadamard(x, { shape: [1, 48], block: 16, signs: [1, -1] })).code).toBe('BAD_OPTION');
    expect(thrown(() => hadamard(x, { shape: [1, 48], block: 16, signs: new Array(16).fill(2) })).code).toBe('BAD_OPTION');
    expect(thrown(() => hadamard(Float64Array.from([1, NaN]), { shape: [1, 2] })).code).toBe('NONFINITE_INPUT');
    // the kernel flags Inf / NaN in SIMD lanes and tails (f32) and in f64 data; the message names the first
    for (const [pos, v, T] of [[2, Infinity, Float32Array], [17, NaN, Float32Array], [31, -Infinity, Float32Array], [5, -Infinity, Float64Array]] as const) {
      const x = new T(32).fill(1);
      x[pos] = v;
      const e = thrown(() => hadamard(x, { shape: [2, 16] }));
      expect(e.code).toBe('NONFINITE_INPUT');
      expect(e.message).toBe(`hadamard input[${pos}] is ${v} (must be finite)`);
    }
    expect(thrown(() => hadamard(x, { shape: [2, 48] })).code).toBe('BAD_LENGTH');
  });
});

describe('hadamard (WASM kernel) against hadamardRef (plain-TS twin), bit for bit', () => {
  // raw finite f32 bit patterns: subnormals, signed zeros, up to f32 max (f64 butterflies never overflow)
  const finiteBits = f32bitsRaw().filter((b) => (b & 0x7f800000) !== 0x7f800000);
  const sizes = fc.constantFrom(1, 2, 4, 16, 32, 64, 128, 256);
  it('fast-check: blocks 16/32/64/128 and the full transform, f32 and f64 data, with and without signs', () => {
    fc.assert(fc.property(sizes, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.boolean(), fc.array(finiteBits, { minLength: 512, maxLength: 512 }), fc.array(fc.boolean(), { minLength: 256, maxLength: 256 }),
      (b, rows, mult, useSigns, f64, bits, sg) => {
        const cols = b * (mult === 0 ? 1 : mult * 2); // full (cols = b) or several blocks per row
        const x32 = f32ArrayFromBits(Array.from({ length: rows * cols }, (_, i) => bits[(i * 7) % 512])); // raw patterns, reused past 512
        const x = f64 ? Float64Array.from(x32, (v, i) => v * (1 + i / 7)) : x32;
        const opts = { shape: [rows, cols] as [number, number], block: mult === 0 && b === cols ? undefined : b, signs: useSigns ? sg.slice(0, b).map((v) => (v ? 1 : -1)) : undefined };
        const got = hadamard(x, opts);
        const want = hadamardRef(x, opts);
        expect(got.constructor).toBe(x.constructor);
        expect(new Uint8Array(got.buffer)).toEqual(new Uint8Array(want.buffer));
      }), { numRuns: 250 });
  });
  it('large inputs across kernel chunks (full 4096 and block 16 on 80 × 4096), same bits', () => {
    const x = Float32Array.from(randMatrix(80 * 4096, 9));
    for (const block of [undefined, 16, 128]) {
      const o = { shape: [80, 4096] as [number, number], block };
      expect(f32bits(hadamard(x, o))).toEqual(f32bits(hadamardRef(x, o)));
    }
  });
});
