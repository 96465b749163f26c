// BitMoD (spec formats.md §6; rules of the authors' AWQ-BitMoD auto_dtype.py): hand-worked groups,
// a brute-force twin written from the rules (argmin over every value, FP16 scale through numlab's
// fp16 codec), decode(encode) bit for bit, and typed errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BITMOD_DEFAULT_CANDIDATES, BITMOD_TYPE_NAMES, BITMOD_TYPES, bitmod, bitmodDecode, format, unpack,
  type BitmodBits, type BitmodTypeName,
} from '../../src/index.js';
import { f32FromBits } from '../helpers/arbitraries.js';
import { thrown } from '../helpers/errors.js';
import { f32bits } from '../helpers/f32.js';

const typeIndex = (n: BitmodTypeName) => BITMOD_TYPE_NAMES.indexOf(n);
const fp16 = format('fp16');
const f16bits = (v: number) => (fp16.encode(Float32Array.of(v)) as Uint16Array)[0];

describe('bitmod data types', () => {
  it('value sets are the reference lists; each extended type fills the 2^bits codes, the extra value in the −0 code', () => {
    const ref: Record<string, number[]> = {
      int3: [-3, -2, -1, 0, 1, 2, 3],
      fp3: [-4, -2, -1, 0, 1, 2, 4],
      fp3_er_pos: [-4, -2, -1, 0, 1, 2, 3, 4],
      fp3_er_neg: [-4, -3, -2, -1, 0, 1, 2, 4],
      fp3_ea_pos: [-4, -2, -1, 0, 1, 2, 4, 6],
      fp3_ea_neg: [-6, -4, -2, -1, 0, 1, 2, 4],
      int4: [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7],
      fp4: [-12, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 12],
      fp4_er_pos: [-12, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 10, 12],
      fp4_er_neg: [-12, -10, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 12],
      fp4_ea_pos: [-12, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 12, 16],
      fp4_ea_neg: [-16, -12, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 12],
    };
    for (const b of [3, 4] as BitmodBits[]) {
      expect(BITMOD_TYPES[b].map((t) => t.id)).toEqual(BITMOD_TYPE_NAMES.map((n) => (n === 'int' || n === 'fp' ? `${n}${b}` : `fp${b}_${n}`)));
      for (const t of BITMOD_TYPES[b]) {
        expect(t.values).toEqual(ref[t.id]);
        expect(t.codes.length).toBe(2 ** b);
        expect([...new Set(t.codes)].sort((x, y) => x - y)).toEqual(ref[t.id]);
        const half = 2 ** (b - 1);
        expect(t.codes[half]).toBe(t.extra ?? 0);
        for (let c = 1; c < half; c++) expect(t.codes[half + c]).toBe(-t.codes[c]);
        expect(t.qmax).toBe(Math.max(...ref[t.id].map(Math.abs)));
      }
    }
    expect(BITMOD_TYPES[4][typeIndex('ea_neg')].codes[8]).toBe(-16);
    expect(BITMOD_TYPES[3][typeIndex('er_pos')].codes[4]).toBe(3);
  });
});

describe('bitmod worked examples (hand-computed from the reference rules)', () => {
  it('a group whose amax is negative picks EA_NEG; 5 between 4 and 6 ties to the lower', () => {
    // amax 48: ER scale 48/12 = 4, EA scale 48/16 = 3.
    // ER_POS/ER_NEG: x = [-12, 5, 2, 0.75] → [-12, 4 (tie → lower), 2, 1] → [-48, 16, 8, 4], MSE (16 + 1)/4.
    // EA_POS: x[0] = -16 is not representable → -12 → -36, MSE ≥ 144/4.
    // EA_NEG: x = [-16, 6.67, 2.67, 1] → [-16, 6, 3, 1] → [-48, 18, 9, 3], MSE (4 + 1)/4 = 1.25: chosen.
    const e = bitmod(Float32Array.of(-48, 20, 8, 3), { shape: [1, 4], bits: 4, groupSize: 4 });
    expect(Array.from(e.weight)).toEqual([-48, 18, 9, 3]);
    expect(Array.from(e.types)).toEqual([typeIndex('ea_neg')]);
    expect(Array.from(e.scales)).toEqual([f16bits(3)]);
    expect(Array.from(e.groupMse)).toEqual([1.25]);
    // codes: -16 is the −0 slot (8); 6 = mag index 5; 3 = mag index 3; 1 = mag index 1
    expect(Array.from(unpack(e.codes, 4, 4))).toEqual([8, 5, 3, 1]);
    // ER only: ER_POS and ER_NEG tie at 4.25 → the earlier candidate wins, both orders
    const er = bitmod(Float32Array.of(-48, 20, 8, 3), { shape: [1, 4], bits: 4, groupSize: 4, candidates: ['er_pos', 'er_neg'] });
    expect(Array.from(er.weight)).toEqual([-48, 16, 8, 4]);
    expect(Array.from(er.types)).toEqual([typeIndex('er_pos')]);
    expect(Array.from(er.groupMse)).toEqual([4.25]);
    const ne = bitmod(Float32Array.of(-48, 20, 8, 3), { shape: [1, 4], bits: 4, groupSize: 4, candidates: ['er_neg', 'er_pos'] });
    expect(Array.from(ne.types)).toEqual([typeIndex('er_neg')]);
  });

  it('the mirrored group picks EA_POS; −5 ties to −6 (the lower value), not −4', () => {
    const e = bitmod(Float32Array.of(48, -20, -8, -3), { shape: [1, 4], bits: 4, groupSize: 4 });
    expect(Array.from(e.weight)).toEqual([48, -18, -9, -3]);
    expect(Array.from(e.types)).toEqual([typeIndex('ea_pos')]);
    const er = bitmod(Float32Array.of(48, -20, -8, -3), { shape: [1, 4], bits: 4, groupSize: 4, candidates: ['er_pos'] });
    expect(Array.from(er.weight)).toEqual([48, -24, -8, -4]);
    expect(Array.from(er.groupMse)).toEqual([(16 + 1) / 4]);
  });

  it('3-bit: EA_POS represents [3, -1, 0.5, 0] exactly (scale 0.5); INT3 ties 0.5 to 0', () => {
    const w = Float32Array.of(3, -1, 0.5, 0);
    const e = bitmod(w, { shape: [1, 4], bits: 3, groupSize: 4 });
    expect(Array.from(e.weight)).toEqual([3, -1, 0.5, 0]);
    expect(Array.from(e.types)).toEqual([typeIndex('ea_pos')]);
    expect(Array.from(e.scales)).toEqual([f16bits(0.5)]);
    expect(Array.from(unpack(e.codes, 3, 4))).toEqual([4, 6, 1, 0]); // 6 in the −0 slot; −2 = code 4 + 2
    // ER (scale 0.75): x = [4, -1.33, 0.67, 0] → [4, -1, 1, 0] → [3, -0.75, 0.75, 0], MSE 0.125 / 4
    const er = bitmod(w, { shape: [1, 4], bits: 3, groupSize: 4, candidates: ['er_pos'] });
    expect(Array.from(er.weight)).toEqual([3, -0.75, 0.75, 0]);
    expect(Array.from(er.groupMse)).toEqual([0.03125]);
    const i3 = bitmod(w, { shape: [1, 4], bits: 3, groupSize: 4, candidates: ['int'] });
    expect(Array.from(i3.weight)).toEqual([3, -1, 0, 0]);
  });

  it('the scale is amax/qmax rounded to FP16: 1/12 → 0x2D55 = 1365/16384', () => {
    const e = bitmod(Float32Array.of(1, 0, 0, 0), { shape: [1, 4], bits: 4, groupSize: 4, candidates: ['er_pos'] });
    expect(Array.from(e.scales)).toEqual([0x2d55]);
    expect(e.weight[0]).toBe((12 * 1365) / 16384); // 0.999755859375, not 1
  });

  it('groups run along rows; groupSize -1 is one group per row; an all-zero group decodes to zeros', () => {
    const w = Float32Array.of(1, 2, 0, 0, -4, 4, 2, 1);
    const e = bitmod(w, { shape: [2, 4], bits: 4, groupSize: 2 });
    expect(e.scales.length).toBe(4);
    expect(e.types.length).toBe(4);
    expect(Array.from(e.weight.slice(2, 4))).toEqual([0, 0]);
    expect(e.scales[1]).toBe(0);
    const row = bitmod(w, { shape: [2, 4], bits: 4, groupSize: -1 });
    expect(row.groupSize).toBe(4);
    expect(row.scales.length).toBe(2);
    expect(row.storageBits).toBe(8 * 4 + 2 * (16 + 2));
  });
});

/** Brute force from the rules: every candidate, argmin over all values (first minimum), FP16 scale by numlab's fp16 codec. */
function bruteForce(W: Float32Array, cols: number, G: number, bits: BitmodBits, cands: readonly BitmodTypeName[]) {
  const weight = new Float32Array(W.length);
  const types: number[] = [];
  const mses: number[] = [];
  for (let off = 0; off < W.length; off += G) {
    const grp = W.subarray(off, off + G);
    const amax = grp.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    let best = Infinity;
    for (const name of cands) {
      const t = BITMOD_TYPES[bits][typeIndex(name)];
      const s = fp16.quantize(Float32Array.of(amax / t.qmax))[0]; // f64 → f32 (Float32Array.of) → fp16
      const q = Array.from(grp, (w) => {
        if (s === 0) return 0;
        const x = Math.fround(w / s);
        let k = 0;
        for (let j = 1; j < t.values.length; j++) if ((x - t.values[j]) ** 2 < (x - t.values[k]) ** 2) k = j;
        return Math.fround(t.values[k] * s) + 0;
      });
      const mse = q.reduce((a, v, i) => a + (v - grp[i]) ** 2, 0) / G;
      if (mse < best) {
        best = mse;
        weight.set(q, off);
        if (types.length > off / G) types.pop(), mses.pop();
        types.push(typeIndex(name));
        mses.push(mse);
      }
    }
  }
  void cols;
  return { weight, types, mses };
}

/**
 * Finite f32s times 2^k (k in [-24, 13]: FP16 scales in range for every qmax ≥ 3): raw bit patterns below 2 (every
 * exponent, subnormals) mixed with multiples of 1/2 up to 16, so that w / scale lands exactly on
 * midpoints between values (the tie rule) whenever amax / qmax is a power of two.
 */
const element = fc.oneof(fc.integer().map((b) => f32FromBits(b & 0xbfffffff)), fc.integer({ min: -32, max: 32 }).map((h) => h / 2));
const weights = (n: number) =>
  fc.tuple(fc.array(element, { minLength: n, maxLength: n }), fc.integer({ min: -24, max: 13 }))
    .map(([v, k]) => Float32Array.from(v, (x) => x * 2 ** k));

describe('bitmod against the brute-force twin', () => {
  const cases = fc.record({
    bits: fc.constantFrom<BitmodBits>(3, 4),
    rows: fc.integer({ min: 1, max: 3 }),
    G: fc.constantFrom(1, 2, 4, 8, 16),
    groups: fc.integer({ min: 1, max: 3 }),
    cands: fc.subarray([...BITMOD_TYPE_NAMES], { minLength: 1 }),
  }).chain((c) => fc.tuple(fc.constant(c), weights(c.rows * c.G * c.groups)));

  it('codes, scales, types and weights equal the brute force; decode(encode) is the weight bit for bit', () => {
    fc.assert(
      fc.property(cases, ([c, W]) => {
        const cols = c.G * c.groups;
        const e = bitmod(W, { shape: [c.rows, cols], bits: c.bits, groupSize: c.G, candidates: c.cands });
        const bf = bruteForce(W, cols, c.G, c.bits, c.cands);
        expect(f32bits(e.weight)).toEqual(f32bits(bf.weight));
        expect(Array.from(e.types)).toEqual(bf.types);
        expect(Array.from(e.groupMse)).toEqual(bf.mses);
        expect(f32bits(bitmodDecode(e))).toEqual(f32bits(e.weight));
        const codes = unpack(e.codes, c.bits, W.length);
        for (let i = 0; i < W.length; i++) {
          const g = Math.floor(i / c.G);
          const s = fp16.decode(Uint16Array.of(e.scales[g]))[0];
          expect(Math.fround(BITMOD_TYPES[c.bits][e.types[g]].codes[codes[i]] * s) + 0).toBe(e.weight[i]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('per group, never worse than any single candidate type (and the search picks the min-MSE one)', () => {
    fc.assert(
      fc.property(cases, ([c, W]) => {
        const cols = c.G * c.groups;
        const opts = { shape: [c.rows, cols] as [number, number], bits: c.bits, groupSize: c.G };
        const mixed = bitmod(W, { ...opts, candidates: c.cands });
        const single = c.cands.map((t) => bitmod(W, { ...opts, candidates: [t] }).groupMse);
        for (let g = 0; g < mixed.groupMse.length; g++) {
          const errs = single.map((m) => m[g]);
          expect(mixed.groupMse[g]).toBe(Math.min(...errs));
          expect(typeIndex(c.cands[errs.indexOf(Math.min(...errs))])).toBe(mixed.types[g]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('default candidates are the reference four, 2 type bits per group', () => {
    const W = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 1.7) * (i % 37 === 0 ? 9 : 1));
    const e = bitmod(W, { shape: [2, 128], bits: 4 });
    expect(e.candidates).toEqual([...BITMOD_DEFAULT_CANDIDATES]);
    expect(e.groupSize).toBe(128);
    expect(e.storageBits).toBe(256 * 4 + 2 * (16 + 2));
    for (const t of e.types) expect(BITMOD_DEFAULT_CANDIDATES).toContain(BITMOD_TYPE_NAMES[t]);
  });
});

describe('bitmod bad input', () => {
  const W = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const ok = { shape: [2, 4] as [number, number], bits: 4 as const, groupSize: 4 };
  it.each([
    ['NaN', Float32Array.of(1, NaN, 0, 0, 0, 0, 0, 0), ok, 'NONFINITE_INPUT', /W\[1\] is NaN/],
    ['Inf', Float32Array.of(1, 0, 0, 0, 0, 0, 0, -Infinity), ok, 'NONFINITE_INPUT', /W\[7\] is -Infinity/],
    ['Float64Array', new Float64Array(8), ok, 'BAD_TYPE', /Float32Array/],
    ['shape rank', W, { ...ok, shape: [8] }, 'BAD_SHAPE', /\[8\]/],
    ['shape size', W, { ...ok, shape: [3, 4] }, 'BAD_LENGTH', /8 values, shape \[3, 4\] needs 12/],
    ['bits', W, { ...ok, bits: 5 }, 'BAD_OPTION', /bits must be 3 or 4, got 5/],
    ['groupSize not dividing cols', W, { ...ok, groupSize: 3 }, 'BAD_OPTION', /groupSize 3 does not divide cols = 4/],
    ['groupSize 0', W, { ...ok, groupSize: 0 }, 'BAD_OPTION', /got 0/],
    ['default groupSize 128 on 4 cols', W, { shape: [2, 4], bits: 4 }, 'BAD_OPTION', /groupSize 128 does not divide cols = 4/],
    ['unknown type', W, { ...ok, candidates: ['fp4_er_pos'] }, 'BAD_OPTION', /unknown bitmod type "fp4_er_pos"/],
    ['repeated type', W, { ...ok, candidates: ['int', 'int'] }, 'BAD_OPTION', /repeat/],
    ['empty candidates', W, { ...ok, candidates: [] }, 'BAD_OPTION', /non-empty/],
    ['FP16 scale overflow', Float32Array.of(1e6, 0, 0, 0, 0, 0, 0, 0), ok, 'BAD_SCALE', /amax 1000000 \/ 12 overflows/],
  ])('%s', (_, w, o, code, msg) => {
    const e = thrown(() => bitmod(w as Float32Array, o as never));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(msg);
  });

  it('decode rejects a mismatched encoding', () => {
    const e = bitmod(W, ok);
    expect(thrown(() => bitmodDecode({ ...e, scales: new Uint16Array(1) })).code).toBe('BAD_LENGTH');
    expect(thrown(() => bitmodDecode({ ...e, types: Uint8Array.of(0, 9) })).code).toBe('BAD_CODE');
    expect(thrown(() => bitmodDecode({ ...e, bits: 2 as never })).code).toBe('BAD_OPTION');
    expect(thrown(() => bitmodDecode({ ...e, scales: Uint16Array.of(0x7c00, 0) })).code).toBe('BAD_SCALE');
  });
});
