// Shared fast-check cases for the block formats (reference twin and kernel codec tests): tensors
// with grid points and exact ties, random floats, maxima just below / at / above powers of two, f32
// subnormals, outliers, zeros and zero runs, NaN/Inf, under every row (plus odd BFP rows), shape,
// axis (also negative), scale rule and rounding; a few blocks along the axis, often ragged.
import fc from 'fast-check';
import type { BlockOptions, BlockRounding } from '../../src/formats/block-ref.js';
import { BLOCK_FORMATS, bfpSpec, type BlockSpec } from '../../src/formats/block-spec.js';
import { fromBits, nextDown, nextUp } from './f32.js';

export const RULES = ['floor', 'ceil', 'rceil', 'even'] as const;
export const ROUNDINGS: BlockRounding[] = ['rne', 'half_away', 'toward_zero', 'toward_positive', 'toward_negative'];
/** Rows with ≤ 8-bit words (every code can be enumerated). */
export const EXTRA_ROWS: BlockSpec[] = [
  bfpSpec({ blockSize: 5, mantissaBits: 3, signIncluded: true, expBits: 6 }),
  bfpSpec({ blockSize: 3, mantissaBits: 1, signIncluded: false }),
  bfpSpec({ blockSize: 16, mantissaBits: 8, signIncluded: true, range: 'asymmetric' }), // d-Matrix BFP16A: −128 allowed
  bfpSpec({ blockSize: 7, mantissaBits: 4, signIncluded: true, expBits: 5, range: 'asymmetric' }),
];
/** Words wider than 8 bits (i32 codes in the kernels, packed 9 … 24-bit streams): BFP[16|8], BFP[24|8] and odd widths. */
export const WIDE_ROWS: BlockSpec[] = [
  bfpSpec({ blockSize: 16, mantissaBits: 16, signIncluded: true }), // BFP[16|8]{16}
  bfpSpec({ blockSize: 32, mantissaBits: 24, signIncluded: true, range: 'asymmetric' }), // BFP[24|8]{32}A
  bfpSpec({ blockSize: 32, mantissaBits: 24, signIncluded: true }),
  bfpSpec({ blockSize: 9, mantissaBits: 11, signIncluded: false, expBits: 6, range: 'asymmetric' }), // 12-bit words
  bfpSpec({ blockSize: 16, mantissaBits: 9, signIncluded: true, expBits: 4 }),
];
export const ROWS = [...BLOCK_FORMATS, ...EXTRA_ROWS, ...WIDE_ROWS];

export const atom: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: -96, max: 96 }), fc.integer({ min: -12, max: 12 })).map(([k, e]) => k * 2 ** e) }, // grid points and exact ties
  { weight: 4, arbitrary: fc.float({ min: -1000, max: 1000, noNaN: true }) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: -30, max: 30 }), fc.constantFrom(-1, 0, 1), fc.boolean()).map(([e, d, neg]) => {
    const p = 2 ** e;
    const v = d < 0 ? nextDown(p) : d > 0 ? nextUp(p) : p;
    return neg ? -v : v;
  }) }, // block maxima just below / at / above powers of two
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 0x7fffff }), fc.boolean()).map(([b, neg]) => fromBits(b | (neg ? 0x80000000 : 0))) }, // f32 subnormals
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20, max: 100 }), fc.double({ min: 1, max: 2, noNaN: true }), fc.boolean()).map(([e, m, neg]) => (neg ? -1 : 1) * m * 2 ** e) }, // outliers
  { weight: 2, arbitrary: fc.constantFrom(0, -0) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);

export interface Case {
  spec: BlockSpec;
  shape: number[];
  axis: number;
  x: Float32Array;
  opts: BlockOptions;
}

export const caseArb: fc.Arbitrary<Case> = fc
  .record({
    spec: fc.constantFrom(...ROWS),
    shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
    blocksAlong: fc.integer({ min: 1, max: 3 }),
    ragged: fc.integer({ min: 0, max: 40 }),
    axisPick: fc.nat(),
    negAxis: fc.boolean(),
    rule: fc.constantFrom(...RULES),
    rounding: fc.constantFrom(...ROUNDINGS),
    shift: fc.constantFrom(0, 0, 0, -130, -60, 40),
    zeroFrom: fc.nat(),
    zeroLen: fc.integer({ min: 0, max: 40 }),
    seed: fc.integer(),
  })
  .chain((r) => {
    const rank = r.shape.length;
    const axis = r.axisPick % rank;
    const shape = [...r.shape];
    // the blocked axis: a few blocks, often ragged
    shape[axis] = Math.max(1, (r.blocksAlong - 1) * r.spec.blockSize + (r.ragged % r.spec.blockSize || r.spec.blockSize));
    while (shape.reduce((a, b) => a * b, 1) > 400) shape[(axis + 1) % rank] = Math.max(1, shape[(axis + 1) % rank] >> 1), shape[axis] = Math.max(1, shape[axis] >> 1);
    const n = shape.reduce((a, b) => a * b, 1);
    return fc.array(atom, { minLength: n, maxLength: n }).map((vals) => {
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = Number.isFinite(vals[i]) && vals[i] !== 0 ? vals[i] * 2 ** r.shift : vals[i];
      for (let i = r.zeroFrom % n; i < Math.min(n, (r.zeroFrom % n) + r.zeroLen); i++) x[i] = 0; // zero runs (zero blocks)
      const opts: BlockOptions = { shape, axis: r.negAxis ? axis - rank : axis, rounding: r.rounding };
      if (r.spec.scale !== 'ue4m3') opts.scaleRule = r.rule;
      return { spec: r.spec, shape, axis, x, opts };
    });
  });

