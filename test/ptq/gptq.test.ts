// GPTQ against the spec's bit-exact vectors (ptq.md §1.7) and its invariants (§1.1, §1.5, §9):
// loss identity, blocksize invariance, act-order round trip, static groups, H = I ⇒ RTN; typed errors.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, gptq, HessianAccumulator, permuteChannels, rearrangeChannels, type BlockEncoding, type BlockFormat, type GptqOptions, type GptqResult } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { COLS, halfQuadratic, hessianOf, randMatrix, ROWS, specHessian, specW } from '../helpers/ptq.js';

/** Q in float64 from codes and params: scale·(code − zero) of the column's group. */
function decode64(r: GptqResult, rows: number, cols: number): Float64Array {
  const G = r.scales.length / rows;
  const q = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const g = r.groupIndex[j];
      q[i * cols + j] = r.scales[i * G + g] * (r.codes[i * cols + j] - r.zeros[i * G + g]);
    }
  }
  return q;
}

const hash16 = (q: Float64Array) => createHash('sha256').update(new Uint8Array(q.buffer)).digest('hex').slice(0, 16);

/** H with the dead fix and damping applied, as GPTQ factors it (diag shifts are permutation-invariant). */
function dampedH(H: Float64Array, n: number, percdamp: number): Float64Array {
  const a = Float64Array.from(H);
  let s = 0;
  for (let j = 0; j < n; j++) {
    if (a[j * n + j] === 0) a[j * n + j] = 1;
    s += a[j * n + j];
  }
  for (let j = 0; j < n; j++) a[j * n + j] += percdamp * (s / n);
  return a;
}

/** Independent RTN twin of quant.py (per row, or per contiguous group), half-even by floor/compare. */
function rtn(w: Float64Array, rows: number, cols: number, bits: number, sym: boolean, g: number): Float64Array {
  const maxq = 2 ** bits - 1;
  const even = (x: number) => {
    const f = Math.floor(x);
    const d = x - f;
    return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  };
  const out = new Float64Array(rows * cols);
  const gs = g === -1 ? cols : g;
  for (let r = 0; r < rows; r++) {
    for (let c0 = 0; c0 < cols; c0 += gs) {
      const v = Array.from(w.subarray(r * cols + c0, r * cols + c0 + gs));
      let lo = Math.min(0, ...v);
      let hi = Math.max(0, ...v);
      if (sym) {
        hi = Math.max(Math.abs(lo), hi);
        if (lo < 0) lo = -hi;
      }
      if (lo === 0 && hi === 0) [lo, hi] = [-1, 1];
      const s = (hi - lo) / maxq;
      const z = sym ? (maxq + 1) / 2 : even(-lo / s);
      for (let j = 0; j < gs; j++) {
        const q = Math.min(maxq, Math.max(0, even(v[j] / s) + z));
        out[r * cols + c0 + j] = s * (q - z);
      }
    }
  }
  return out;
}

describe("gptq precision 'float64': spec vectors (ptq.md §1.7, 8×64, bit-exact)", () => {
  const cases: [string, Partial<GptqOptions>, number, string][] = [
    ['4b asym, B=128', { bits: 4 }, 3.210637133152106, '07e133e92615fd48'],
    ['4b sym, B=128', { bits: 4, sym: true }, 3.644504468292049, 'b681f920c0f5494f'],
    ['3b asym, B=16', { bits: 3, blockSize: 16 }, 33.42874382659267, '264b70a9d0d849b9'],
    ['4b asym, B=32, g=16 (stale)', { blockSize: 32, groupSize: 16 }, 3.9135212255664538, '6f2f051a29109179'],
    ['4b asym, B=32, g=16, fresh params', { blockSize: 32, groupSize: 16, freshGroups: true }, 3.4299076763439187, '6693e6528f000341'],
    ['4b asym, B=32, g=16, act-order', { blockSize: 32, groupSize: 16, actOrder: true }, 0.9479321868485103, '24d48403d7cb3d9d'],
    ['4b asym, B=32, g=16, act-order, static', { blockSize: 32, groupSize: 16, actOrder: true, staticGroups: true }, 2.0088934664196234, 'd3130538e9588781'],
  ];
  it.each(cases)('%s: loss and Q hash', (_name, o, loss, hash) => {
    const r = gptq(specW(), specHessian(), { shape: [ROWS, COLS], precision: 'float64', ...o });
    expect(r.loss).toBe(loss);
    expect(hash16(decode64(r, ROWS, COLS))).toBe(hash);
  });

  it('fresh params with B=32 give the codes of B=16 (group starts = block starts, spec §1.5)', () => {
    const fresh = gptq(specW(), specHessian(), { shape: [ROWS, COLS], precision: 'float64', blockSize: 32, groupSize: 16, freshGroups: true });
    const b16 = gptq(specW(), specHessian(), { shape: [ROWS, COLS], precision: 'float64', blockSize: 16, groupSize: 16 });
    expect(fresh.codes).toEqual(b16.codes);
    expect(Math.abs(fresh.loss - b16.loss)).toBeLessThan(1e-12);
  });

  it('weight is the f32 of scale·(code − zero), codes within [0, maxq]', () => {
    for (const o of cases.map((c) => c[1])) {
      const r = gptq(specW(), specHessian(), { shape: [ROWS, COLS], precision: 'float64', ...o });
      expect(r.weight).toEqual(Float32Array.from(decode64(r, ROWS, COLS)));
      expect(Math.max(...r.codes)).toBeLessThanOrEqual(2 ** (o.bits ?? 4) - 1);
    }
  });

  it('undamped ½(W−Q)H(W−Q)ᵀ: GPTQ-4 asym 2.7087 vs RTN 10.0976 (spec §1.7)', () => {
    const h = specHessian();
    const r = gptq(specW(), h, { shape: [ROWS, COLS], precision: 'float64' });
    expect(halfQuadratic(specW(), decode64(r, ROWS, COLS), h.H, ROWS, COLS)).toBeCloseTo(2.7087, 4);
    expect(halfQuadratic(specW(), rtn(specW(), ROWS, COLS, 4, false, -1), h.H, ROWS, COLS)).toBeCloseTo(10.0976, 4);
  });
});

describe("gptq precision 'fast' against 'float64'", () => {
  const spec: Partial<GptqOptions>[] = [
    { bits: 4 }, { bits: 4, sym: true }, { bits: 3, blockSize: 16 }, { blockSize: 32, groupSize: 16 },
    { blockSize: 32, groupSize: 16, freshGroups: true }, { blockSize: 32, groupSize: 16, actOrder: true },
    { blockSize: 32, groupSize: 16, actOrder: true, staticGroups: true },
  ];
  // larger random layers with an outlier channel: g128 (the common setting), act-order, 3-bit groups straddling blocks
  const rows = 48;
  const cols = 384;
  const tokens = 512;
  const W = randMatrix(rows * cols, 11);
  const X = randMatrix(tokens * cols, 12);
  for (let t = 0; t < tokens; t++) X[t * cols + 5] *= 20;
  const h = hessianOf(X, tokens, cols, 128);
  const big: Partial<GptqOptions>[] = [{ groupSize: 128 }, { actOrder: true }, { bits: 3, groupSize: 96, blockSize: 128 }];
  const agree = (a: Uint8Array | Uint16Array, b: Uint8Array | Uint16Array) => {
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    return same / a.length;
  };

  it.each(spec.map((o) => [JSON.stringify(o), o] as const))('spec layer %s: ≥ 99.9 %% of codes equal, loss within 1e-6', (_n, o) => {
    const a = gptq(specW(), specHessian(), { shape: [ROWS, COLS], precision: 'float64', ...o });
    const b = gptq(specW(), specHessian(), { shape: [ROWS, COLS], ...o });
    expect(agree(a.codes, b.codes)).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-6 * a.loss);
  });
  it.each(big.map((o) => [JSON.stringify(o), o] as const))('48×384 layer %s: ≥ 99.9 %% of codes equal, loss within 1e-6', (_n, o) => {
    const a = gptq(W, h, { shape: [rows, cols], precision: 'float64', ...o });
    const b = gptq(W, h, { shape: [rows, cols], ...o });
    expect(agree(a.codes, b.codes)).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-6 * a.loss);
    expect(b.groupIndex).toEqual(a.groupIndex);
  });
  it('bad precision and engine with the fast mode are typed errors', () => {
    expect(() => gptq(specW(), specHessian(), { shape: [ROWS, COLS], precision: 'f16' as 'fast' })).toThrowError(/precision must be 'fast' or 'float64', got "f16"/);
    expect(() => gptq(specW(), specHessian(), { shape: [ROWS, COLS], engine: 'ts' })).toThrowError(/engine applies to precision 'float64' only/);
  });
});

describe('gptq: invariants', () => {
  const rows = 6;
  const cols = 48;
  const tokens = 40;
  const W = randMatrix(rows * cols, 1);
  const X = randMatrix(tokens * cols, 2);
  for (let t = 0; t < tokens; t++) X[t * cols + 7] *= 10; // an outlier channel
  const h = hessianOf(X, tokens, cols, 8);

  it('loss identity: Σ Losses = ½ Σ (W−Q) H_damped (W−Q)ᵀ (no groups, groups, act-order)', () => {
    for (const o of [{}, { groupSize: 16 }, { actOrder: true }, { groupSize: 12, actOrder: true, staticGroups: true }, { bits: 2, sym: true }]) {
      for (const [precision, tol] of [['float64', 1e-10], ['fast', 1e-6]] as const) {
        const r = gptq(W, h, { shape: [rows, cols], blockSize: 16, precision, ...o });
        const expected = halfQuadratic(W, decode64(r, rows, cols), dampedH(h.H, cols, 0.01), rows, cols);
        expect(Math.abs(r.loss - expected)).toBeLessThan(tol * expected);
      }
    }
  });

  it("blocksize invariance without groups (precision 'float64'): B = 1, 7, 32, 128 give identical codes and weights", () => {
    for (const actOrder of [false, true]) {
      const base = gptq(W, h, { shape: [rows, cols], blockSize: 128, actOrder, precision: 'float64' });
      for (const B of [1, 7, 32]) {
        const r = gptq(W, h, { shape: [rows, cols], blockSize: B, actOrder, precision: 'float64' });
        expect(r.codes).toEqual(base.codes);
        expect(r.weight).toEqual(base.weight);
        expect(Math.abs(r.loss - base.loss)).toBeLessThan(1e-12 * base.loss);
      }
    }
  });

  it('act-order round trip: equals plain GPTQ on W and H permuted by perm, un-permuted', () => {
    const r = gptq(W, h, { shape: [rows, cols], actOrder: true, blockSize: 16 });
    const perm = r.perm!;
    const diag = Array.from(perm, (p) => h.H[p * cols + p]);
    for (let c = 1; c < cols; c++) expect(diag[c]).toBeLessThanOrEqual(diag[c - 1]);
    expect([...perm].sort((a, b) => a - b)).toEqual([...Array(cols).keys()]);
    const Wp = new Float64Array(rows * cols);
    const Hp = new Float64Array(cols * cols);
    for (let a = 0; a < cols; a++) {
      for (let i = 0; i < rows; i++) Wp[i * cols + a] = W[i * cols + perm[a]];
      for (let b = 0; b < cols; b++) Hp[a * cols + b] = h.H[perm[a] * cols + perm[b]];
    }
    const p = gptq(Wp, Hp, { shape: [rows, cols], blockSize: 16 });
    expect(p.perm).toBeNull();
    for (let i = 0; i < rows; i++) {
      for (let a = 0; a < cols; a++) {
        expect(r.codes[i * cols + perm[a]]).toBe(p.codes[i * cols + a]);
        expect(r.weight[i * cols + perm[a]]).toBe(p.weight[i * cols + a]);
      }
    }
    expect(r.loss).toBe(p.loss);
  });

  it('dynamic groups with act-order: groupIndex[j] = position of j in perm // g', () => {
    const r = gptq(W, h, { shape: [rows, cols], actOrder: true, groupSize: 8 });
    for (let c = 0; c < cols; c++) expect(r.groupIndex[r.perm![c]]).toBe(Math.floor(c / 8));
  });

  it('static groups: params fit on the original W per contiguous group, the same with and without act-order', () => {
    const g = 12;
    const a = gptq(W, h, { shape: [rows, cols], groupSize: g, staticGroups: true });
    const b = gptq(W, h, { shape: [rows, cols], groupSize: g, staticGroups: true, actOrder: true });
    expect(Array.from(a.groupIndex)).toEqual(Array.from({ length: cols }, (_, j) => Math.floor(j / g)));
    expect(Array.from(b.groupIndex)).toEqual(Array.from(a.groupIndex));
    expect(b.scales).toEqual(a.scales);
    expect(b.zeros).toEqual(a.zeros);
    // the params are RTN's: RTN with them reproduces the twin's per-group RTN
    const G = cols / g;
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < G; k++) {
        const v = Array.from(W.subarray(i * cols + k * g, i * cols + (k + 1) * g));
        const lo = Math.min(0, ...v);
        const hi = Math.max(0, ...v);
        expect(a.scales[i * G + k]).toBe((hi - lo) / 15);
      }
    }
  });

  it('H = identity ⇒ GPTQ is round-to-nearest with the same quantizer, exactly', () => {
    const I = new Float64Array(cols * cols);
    for (let j = 0; j < cols; j++) I[j * cols + j] = 1;
    for (const [bits, sym, g] of [[4, false, -1], [4, true, -1], [3, false, 16], [8, true, 12], [2, false, -1]] as const) {
      const r = gptq(W, I, { shape: [rows, cols], bits, sym, groupSize: g, blockSize: 16 });
      expect(decode64(r, rows, cols)).toEqual(rtn(W, rows, cols, bits, sym, g));
    }
  });

  it('dead columns (diag H = 0) quantize to 0 and an all-zero row keeps the [−1, 1] range', () => {
    const n = 4;
    const H = Float64Array.from([2, 0, 1, 0, 0, 0, 0, 0, 1, 0, 3, 0, 0, 0, 0, 0]);
    const w = Float64Array.from([0.5, 9, -0.25, 7, 0, 0, 0, 0]);
    const r = gptq(w, H, { shape: [2, n] });
    expect(r.weight[1]).toBe(0);
    expect(r.weight[3]).toBe(0);
    expect(r.scales[1]).toBe(2 / 15); // row of zeros
    expect(Array.from(r.weight.subarray(4))).toEqual([0, 0, 0, 0]);
    expect(r.scales[0]).toBe((9 - -0.25) / 15); // params fit on the full W before the dead fix
  });

  it('tiny hand case: 1×2, H = [[2,1],[1,2]], percdamp 0, 1 bit: the error of column 0 moves into column 1', () => {
    // w = [0.3, 0.4]: range [0, 0.4] ⇒ scale 0.4, zero 0; q0 = round(0.75) = 1 ⇒ 0.4, error −0.1;
    // OBS update w1 −= (w0 − q0)·H⁻¹₀₁/H⁻¹₀₀ = 0.4 − 0.1·(1/2) = 0.35 ⇒ round(0.875) = 1 ⇒ 0.4.
    const r = gptq(Float64Array.from([0.3, 0.4]), Float64Array.from([2, 1, 1, 2]), { shape: [1, 2], bits: 1, percdamp: 0 });
    expect(Array.from(r.codes)).toEqual([1, 1]);
    // loss: column 0: (0.3−0.4)²/U00², U00² = H⁻¹00 = 2/3; column 1: (0.35−0.4)²/U11², U11² = 1/H11 = 1/2; halves.
    expect(r.loss).toBeCloseTo(((0.01 / (2 / 3)) + 0.0025 / 0.5) / 2, 14);
  });
});

describe('gptq: fast-check properties (small random W, X)', () => {
  const layer = fc
    .record({ rows: fc.integer({ min: 1, max: 4 }), cols: fc.constantFrom(2, 4, 6, 8), tokens: fc.integer({ min: 1, max: 10 }),
      bits: fc.integer({ min: 2, max: 8 }), sym: fc.boolean(), actOrder: fc.boolean(), B: fc.integer({ min: 1, max: 9 }), gpick: fc.nat(3), stat: fc.boolean() })
    .chain((p) => fc.record({
      p: fc.constant(p),
      w: fc.array(fc.integer({ min: -4096, max: 4096 }).map((v) => v / 512), { minLength: p.rows * p.cols, maxLength: p.rows * p.cols }),
      x: fc.array(fc.integer({ min: -4096, max: 4096 }).map((v) => v / 1024), { minLength: p.tokens * p.cols, maxLength: p.tokens * p.cols }),
    }));

  it('codes decode to weight, codes in range, loss identity holds (both precisions)', () => {
    fc.assert(fc.property(layer, fc.constantFrom('fast', 'float64'), ({ p, w, x }, precision) => {
      const W = Float64Array.from(w);
      const h = new HessianAccumulator(p.cols).add(Float64Array.from(x), { rows: p.tokens });
      const groupSize = [-1, 2, p.cols, p.cols / 2][p.gpick];
      const r = gptq(W, h, { shape: [p.rows, p.cols], bits: p.bits, sym: p.sym, actOrder: p.actOrder, blockSize: p.B, groupSize, staticGroups: p.stat, precision });
      const q = decode64(r, p.rows, p.cols);
      expect(r.weight).toEqual(Float32Array.from(q));
      for (const c of r.codes) expect(c).toBeLessThanOrEqual(2 ** p.bits - 1);
      const W0 = W.map((v, k) => (h.H[(k % p.cols) * (p.cols + 1)] === 0 ? 0 : v)); // GPTQ zeroes dead columns
      const expected = halfQuadratic(W0, q, dampedH(h.H, p.cols, 0.01), p.rows, p.cols);
      const tol = precision === 'fast' ? 1e-5 : 1e-9; // fast: the lazy corrections are f32
      expect(Math.abs(r.loss - expected)).toBeLessThanOrEqual(tol * expected + 1e-12);
    }), { numRuns: 300 });
  });
});

describe('gptq / HessianAccumulator: bad input is a typed error', () => {
  const W = randMatrix(2 * 4, 3);
  const X = randMatrix(5 * 4, 4);
  const h = new HessianAccumulator(4).add(X, { rows: 5 });
  it.each([
    ['non-finite W', () => gptq(Float64Array.from([1, NaN, 0, 0, 0, 0, 0, 0]), h, { shape: [2, 4] }), 'NONFINITE_INPUT'],
    ['non-finite H', () => gptq(W, Float64Array.from({ length: 16 }, (_, i) => (i === 5 ? Infinity : i % 5 === 0 ? 1 : 0)), { shape: [2, 4] }), 'NONFINITE_INPUT'],
    ['non-finite calibration', () => new HessianAccumulator(2).add(Float32Array.from([1, -Infinity]), { rows: 1 }), 'NONFINITE_INPUT'],
    ['W length vs shape', () => gptq(W, h, { shape: [3, 4] }), 'BAD_LENGTH'],
    ['H length vs cols', () => gptq(W, new Float64Array(9), { shape: [2, 4] }), 'BAD_LENGTH'],
    ['accumulator cols', () => gptq(W, new HessianAccumulator(3).add(new Float64Array(3), { rows: 1 }), { shape: [2, 4] }), 'BAD_SHAPE'],
    ['empty accumulator', () => gptq(W, new HessianAccumulator(4), { shape: [2, 4] }), 'BAD_OPTION'],
    ['bad shape', () => gptq(W, h, { shape: [8] as unknown as [number, number] }), 'BAD_SHAPE'],
    ['groupSize not dividing cols', () => gptq(W, h, { shape: [2, 4], groupSize: 3 }), 'BAD_OPTION'],
    ['freshGroups with groups straddling blocks', () => gptq(W, h, { shape: [2, 4], groupSize: 4, blockSize: 2, freshGroups: true }), 'BAD_OPTION'],
    ['bits 0', () => gptq(W, h, { shape: [2, 4], bits: 0 }), 'BAD_OPTION'],
    ['unknown format', () => gptq(W, h, { shape: [2, 4], format: 'int4x' }), 'UNKNOWN_FORMAT'],
    ['not symmetric', () => gptq(W, Float64Array.from([1, 0, 0, 0, 0.5, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), { shape: [2, 4] }), 'BAD_OPTION'],
    ['batch length', () => new HessianAccumulator(4).add(new Float64Array(7), { rows: 2 }), 'BAD_LENGTH'],
  ])('%s', (_n, fn, code) => {
    expect(thrown(fn).code).toBe(code);
  });

  it('H not positive definite after damping names it (no NaN weights)', () => {
    const H = Float64Array.from([1, 2, 2, 1]); // eigenvalues 3, −1
    const e = thrown(() => gptq(Float64Array.from([0.1, 0.2]), H, { shape: [1, 2], percdamp: 0.01, precision: 'float64' }));
    expect(e.code).toBe('NOT_POSITIVE_DEFINITE');
    expect(e.message).toMatch(/H after damping is not positive definite: pivot 1/);
    const f = thrown(() => gptq(Float64Array.from([0.1, 0.2]), H, { shape: [1, 2], percdamp: 0.01 }));
    expect(f.code).toBe('NOT_POSITIVE_DEFINITE');
    expect(f.message).toMatch(/H after damping is not positive definite: pivot of column 0 \(factored last to first\)/);
  });
});

describe("gptq channelOrder 'ksort' (channel rearrangement, spec ptq.md §4)", () => {
  const rows = 6;
  const cols = 96;
  const scaleOf = (j: number) => (j % 11 === 3 ? 9 : j % 7 === 1 ? 0.2 : 1);
  const W = Float32Array.from(randMatrix(rows * cols, 41), (v, i) => v * scaleOf(i % cols));
  const X = Float64Array.from(randMatrix(64 * cols, 42), (v, i) => v * scaleOf(i % cols));
  const h = hessianOf(X, 64, cols, 16);
  const H = Float64Array.from(h.H);
  const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

  it.each(['mxfp4', 'nvfp4', 'mxint8'])('%s: equals plain GPTQ on W and H permuted by the K-sort, un-permuted; encoding in permuted order', (id) => {
    const r = gptq(W, h, { shape: [rows, cols], format: id, channelOrder: 'ksort' });
    const { perm } = rearrangeChannels(W, W.subarray(0, cols), { shape: [rows, cols] });
    expect(Array.from(r.perm!)).toEqual(Array.from(perm));
    const Hp = new Float64Array(cols * cols);
    for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) Hp[a * cols + b] = H[perm[a] * cols + perm[b]];
    const p = gptq(permuteChannels(W, perm, cols), Hp, { shape: [rows, cols], format: id });
    expect(bits(permuteChannels(r.weight, perm, cols))).toEqual(bits(p.weight));
    expect(r.loss).toBe(p.loss);
    // the encoding decodes to the permuted weight; codes and groupIndex are in the original order
    const f = format(id) as BlockFormat;
    expect(bits(f.decode(r.encoding as BlockEncoding))).toEqual(bits(p.weight));
    for (let j = 0; j < cols; j++) {
      const at = perm.indexOf(j);
      expect(r.groupIndex[j]).toBe(Math.floor(at / f.spec.blockSize));
      for (let i = 0; i < rows; i++) expect(r.codes[i * cols + j]).toBe(p.codes[i * cols + at]);
    }
  });

  it('W·Xᵀ: the original-order weight on X equals the decoded permuted weight on X permuted; loss identity in the original order', () => {
    const r = gptq(W, h, { shape: [rows, cols], format: 'mxfp4', channelOrder: 'ksort' });
    const Qp = (format('mxfp4') as BlockFormat).decode(r.encoding as BlockEncoding);
    const Xp = permuteChannels(X, r.perm!, cols);
    for (let i = 0; i < rows; i++) {
      for (let t = 0; t < 64; t += 7) {
        let a = 0;
        let b = 0;
        for (let j = 0; j < cols; j++) {
          a += r.weight[i * cols + j] * X[t * cols + j];
          b += Qp[i * cols + j] * Xp[t * cols + j];
        }
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(a)));
      }
    }
    const ref = halfQuadratic(W, r.weight, dampedH(H, cols, 0.01), rows, cols);
    expect(Math.abs(r.loss - ref)).toBeLessThanOrEqual(1e-6 * ref);
  });

  it('one block spanning all columns and a diagonal H (no cross-column feedback): ksort changes nothing', () => {
    const c = 32;
    const w = W.subarray(0, rows * c).map((v, i) => v * (1 + (i % c)));
    const D = new Float64Array(c * c).map((_, k) => (k % (c + 1) === 0 ? 1 + (k % 5) : 0));
    for (const id of ['mxfp4', 'mxint8']) {
      const a = gptq(w, D, { shape: [rows, c], format: id, channelOrder: 'ksort' });
      const b = gptq(w, D, { shape: [rows, c], format: id });
      expect(bits(a.weight)).toEqual(bits(b.weight));
      expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-12 * b.loss); // the same terms, summed in another order
      expect(Array.from(a.perm!)).not.toEqual(Array.from({ length: c }, (_, j) => j));
    }
  });

  it('options that do not apply are typed errors naming the value', () => {
    const cases: [GptqOptions, string][] = [
      [{ shape: [rows, cols], format: 'int4', channelOrder: 'ksort' }, 'int4'],
      [{ shape: [rows, cols], channelOrder: 'ksort' }, 'undefined'],
      [{ shape: [rows, cols], format: 'bitmod4', groupSize: 32, channelOrder: 'ksort' }, 'bitmod4'],
      [{ shape: [rows, cols], format: 'mxfp4', channelOrder: 'ksort', actOrder: true }, 'actOrder'],
      [{ shape: [rows, cols], format: 'mxfp4', channelOrder: 'sorted' as 'ksort' }, 'sorted'],
    ];
    for (const [o, names] of cases) {
      const e = thrown(() => gptq(W, h, o));
      expect(e.code).toBe('BAD_OPTION');
      expect(e.message).toContain(names);
    }
  });
});
