// The WASM minifloat kernels against the reference twin, bit for bit: every code decoded, and
// every value, midpoint and ±1 ulp neighbour encoded and quantized, for every registered
// minifloat row, a sweep of P3109 and generic rows, every rounding mode and saturation mode.
import { describe, expect, it } from 'vitest';
import { format } from '../../src/index.js';
import { decodeArrayRef, encodeArrayRef } from '../../src/formats/minifloat-ref.js';
import { MINIFLOATS, P3109_LISTED } from '../../src/formats/registry.js';
import { parseFormatName } from '../../src/formats/names.js';
import { ROUNDING_MODES } from '../../src/formats/rounding.js';
import type { MinifloatSpec } from '../../src/formats/spec.js';
import { MinifloatFormat } from '../../src/formats/minifloat.js';
import { exhaustiveInputs } from '../helpers/inputs.js';
import { f32bits, firstBitDiff } from '../helpers/f32.js';

const GENERIC = ['fp_e5m3fn', 'fp_e2m2', 'fp_e3m3fnuz', 'fp_e6m1fs', 'fp_e1m3fs', 'fp_e8m0fn', 'fp_e4m0fn', 'fp_e5m10b20',
  'fp_e3m7fn', 'fp_e1m2b0fs', 'fp_e1m0b0fs', 'fp_e3m2b0', 'fp_e2m3b0fn', 'fp_e4m3b0fnuz', 'fp_e5m10b0', 'binary6p3se', 'binary5p1uf', 'binary4p2sf', 'binary8p1ue', 'binary3p2se', 'binary10p4ue', 'binary12p7se'];

const ROWS: MinifloatSpec[] = [...MINIFLOATS, ...P3109_LISTED, ...GENERIC.map((n) => parseFormatName(n) as MinifloatSpec)];
const SATS = [false, true, 'finite'] as const;

function refCodes(s: MinifloatSpec, x: Float32Array, rounding: (typeof ROUNDING_MODES)[number], sat: (typeof SATS)[number]) {
  return encodeArrayRef(s, x, { rounding, saturate: sat === 'finite' ? 'finite' : sat ? 'propagate' : 'none', seedA: 7, seedB: 0 });
}

describe.each(ROWS.map((s) => [s.id, s] as const))('%s', (_id, s) => {
  const f = new MinifloatFormat(s);
  const x0 = exhaustiveInputs(s);
  const x = f.limits.hasNaN ? x0 : x0.filter((v) => !Number.isNaN(v));

  it('decodes every code like the reference', () => {
    const codes = f.codeBytes === 1 ? new Uint8Array(2 ** f.bits) : new Uint16Array(2 ** f.bits);
    for (let c = 0; c < codes.length; c++) codes[c] = c;
    const got = f.decode(codes);
    const want = decodeArrayRef(s, codes);
    expect(firstBitDiff(f32bits(got), f32bits(want))).toBe(-1);
  });

  it('re-encodes every non-NaN code to itself (canonical codes)', () => {
    const codes = f.codeBytes === 1 ? new Uint8Array(2 ** f.bits) : new Uint16Array(2 ** f.bits);
    for (let c = 0; c < codes.length; c++) codes[c] = c;
    const vals = f.decode(codes);
    const back = f.encode(vals);
    for (let c = 0; c < codes.length; c++) {
      if (Number.isNaN(vals[c])) continue;
      // −0 is the only non-canonical case: in rows without −0 there is no code for it
      expect([c, back[c]]).toEqual([c, c]);
    }
  });

  for (const rounding of ROUNDING_MODES)
    for (const sat of SATS)
      it(`encodes and quantizes like the reference: ${rounding}, saturate=${sat}`, () => {
        const opts = { rounding, saturate: sat, seed: 7 };
        const got = f.encode(x, opts);
        const want = refCodes(s, x, rounding, sat);
        const i = firstBitDiff(got, want);
        expect(i === -1 ? 'same' : `x=${x[i]} got ${got[i]} want ${want[i]}`).toBe('same');
        const q = f.quantize(x, opts);
        const qi = firstBitDiff(f32bits(q), f32bits(decodeArrayRef(s, want)));
        expect(qi === -1 ? 'same' : `x=${x[qi]} got ${q[qi]}`).toBe('same');
      });
});

it('format() returns one codec per name, built on the registry row', () => {
  const f = format('fp8_e4m3fn');
  expect(format('fp8_e4m3fn')).toBe(f);
  expect(f.spec).toEqual(MINIFLOATS.find((r) => r.id === 'fp8_e4m3fn'));
  expect(Array.from(f.encode(new Float32Array([448, -448, 1, 0.001953125])))).toEqual([0x7e, 0xfe, 0x38, 0x01]);
});

// The fast RNE paths decide per 16-lane step (any special lane? any subnormal lane?); exhaustive
// inputs mix everything in most steps, so here whole steps of in-range values exercise the cheap
// branches: values drawn from the format's own grid, midpoints and random points between.
describe.each(ROWS.map((s) => [s.id, s] as const))('%s: in-range steps (fast paths)', (_id, s) => {
  const f = new MinifloatFormat(s);
  it('encode, quantize and decode agree with the reference on 4096 in-range values', () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const max = f.limits.max;
    const x = new Float32Array(4096);
    for (let i = 0; i < x.length; i++) {
      const kind = Math.floor(i / 256) % 4; // runs of one kind fill whole 16-lane steps
      const mag = kind === 0 ? rnd() * max : kind === 1 ? rnd() * (f.limits.minSubnormal ?? f.limits.minNormal) * 4 : kind === 2 ? rnd() * 2 : max * 2 ** -(rnd() * 12);
      x[i] = Math.fround((rnd() < 0.5 ? -1 : 1) * Math.min(mag, max));
    }
    const want = refCodes(s, x, 'rne', false);
    const got = f.encode(x);
    const i = firstBitDiff(got, want);
    expect(i === -1 ? 'same' : `x=${x[i]} got ${got[i]} want ${want[i]}`).toBe('same');
    const q = f.quantize(x);
    const qi = firstBitDiff(f32bits(q), f32bits(decodeArrayRef(s, want)));
    expect(qi === -1 ? 'same' : `x=${x[qi]} got ${q[qi]}`).toBe('same');
    const d = f.decode(want);
    expect(firstBitDiff(f32bits(d), f32bits(decodeArrayRef(s, want)))).toBe(-1);
  });
});
