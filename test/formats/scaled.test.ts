// Scaled quantization (per-tensor / per-channel / per-group; computed or supplied scales) through
// the WASM kernels against the natural-order reference twin, bit for bit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format as anyFormat, NumlabError, type ElementFormat } from '../../src/index.js';

const format = (name: string) => anyFormat(name) as ElementFormat;
import { parseFormatName } from '../../src/formats/names.js';
import { intLimits } from '../../src/formats/limits.js';
import { ROUNDING_MODES } from '../../src/formats/rounding.js';
import { decodeScaledRef, encodeScaledRef, scaleRef } from '../../src/formats/scaled-ref.js';
import { pow2Ceil, scaleFromMinMax, type ScaledEncoding, type ScaledOptions } from '../../src/formats/scaled.js';
import { runtime } from '../../src/runtime/wasm.js';
import { thrown } from '../helpers/errors.js';
import { f32bits, firstBitDiff, fromBits, nextDown, nextUp } from '../helpers/f32.js';

const FORMATS = ['int8', 'int4', 'int4_sym', 'uint8', 'uint4', 'int16', 'int2', 'bipolar1', 'bipolar3', 'fp8_e4m3fn', 'fp4_e2m1fn', 'fp6_e3m2fn', 'fp16'];

const tensorArb = fc
  .record({
    dims: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
    gran: fc.constantFrom('tensor', 'channel', 'group'),
    axisPick: fc.nat(),
    mode: fc.constantFrom('absmax', 'absmax_pow2'),
    rounding: fc.constantFrom('rne', 'half_away', 'toward_zero', 'toward_positive', 'toward_negative', 'to_odd', 'stochastic'),
    fmt: fc.constantFrom(...FORMATS),
    seed: fc.nat(),
  })
  .chain((r) => {
    const n = r.dims.reduce((a, b) => a * b, 1);
    return fc.record({ r: fc.constant(r), x: fc.float32Array({ minLength: n, maxLength: n, noDefaultInfinity: true, noNaN: true }) });
  });

function opts(r: { dims: number[]; gran: string; axisPick: number; mode: string; rounding: string; seed: number }): ScaledOptions {
  const axis = r.axisPick % r.dims.length;
  const o: ScaledOptions = { shape: r.dims, axis, granularity: r.gran as ScaledOptions['granularity'], scale: r.mode as 'absmax',
    rounding: r.rounding as ScaledOptions['rounding'], seed: r.seed };
  if (r.gran === 'group') {
    const L = r.dims[axis];
    const divisors = [...Array(L).keys()].map((k) => k + 1).filter((d) => L % d === 0);
    o.groupSize = divisors[r.seed % divisors.length];
  }
  return o;
}

describe('scaled quantization: kernels vs reference twin', () => {
  it('encodeScaled/decodeScaled match bit for bit (fast-check)', () => {
    fc.assert(
      fc.property(tensorArb, ({ r, x }) => {
        const o = opts(r);
        const spec = parseFormatName(r.fmt);
        const f = format(r.fmt);
        const got = f.encodeScaled(x, o);
        const want = encodeScaledRef(spec, x, o);
        expect(firstBitDiff(f32bits(got.scales), f32bits(want.scales))).toBe(-1);
        expect(Array.from(got.zeroPoints ?? [])).toEqual(Array.from(want.zeroPoints ?? []));
        expect(firstBitDiff(got.codes, want.codes)).toBe(-1);
        const dec = f.decodeScaled(got);
        expect(firstBitDiff(f32bits(dec), f32bits(decodeScaledRef(spec, want)))).toBe(-1);
        const q = f.quantizeScaled(x, o);
        expect(firstBitDiff(f32bits(q), f32bits(dec))).toBe(-1);
      }),
      { numRuns: 600 },
    );
  });

  it('supplied scales and zero points match the reference', () => {
    fc.assert(
      fc.property(fc.float32Array({ minLength: 24, maxLength: 24, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 255 }),
        (x, sc, zp) => {
          const scales = new Float32Array([sc / 64, sc / 32, sc / 16, Math.fround(sc / 3)]);
          const o: ScaledOptions = { shape: [4, 6], axis: 0, granularity: 'channel', scale: scales, zeroPoint: new Int32Array([zp, 0, 255, 7]), scheme: 'asymmetric' };
          const got = format('uint8').encodeScaled(x, o);
          const want = encodeScaledRef(parseFormatName('uint8'), x, o);
          expect(firstBitDiff(got.codes, want.codes)).toBe(-1);
        }),
      { numRuns: 200 },
    );
  });

  it('zero-point ties: x / s exactly halfway between integers, and one ulp either side, every rounding and zero point', () => {
    // per channel: a power-of-two scale and a zero point, so q = round(x / s) + zp sees exact ties on x / s
    const scales = [1, 0.25, 2 ** -10, 8];
    for (const fmt of ['uint8', 'uint4', 'uint2', 'int8', 'int4']) {
      const spec = parseFormatName(fmt);
      if (spec.kind !== 'int') throw new Error(`${fmt} is not an INT row`);
      const { qmin, qmax } = intLimits(spec);
      const zpList = [...new Set([qmin, qmin + 1, 0, 1, 2, 3, qmax - 1, qmax].filter((z) => z >= qmin && z <= qmax))];
      const row: number[] = [];
      for (let k = -(qmax - qmin) - 2; k <= qmax - qmin + 1; k++) row.push(k + 0.5);
      const m = row.length * 3;
      const L = zpList.length * scales.length;
      const x = new Float32Array(L * m);
      const sc = new Float32Array(L);
      const zp = new Int32Array(L);
      for (let c = 0; c < L; c++) {
        sc[c] = scales[c % scales.length];
        zp[c] = zpList[Math.floor(c / scales.length)];
        row.forEach((y, j) => {
          const v = Math.fround(y * sc[c]);
          x.set([v, nextUp(v), nextDown(v)], c * m + 3 * j);
        });
      }
      for (const rounding of ROUNDING_MODES) {
        const o: ScaledOptions = { shape: [L, m], axis: 0, granularity: 'channel', scale: sc, zeroPoint: zp, scheme: 'asymmetric', rounding, seed: 7 };
        const got = format(fmt).encodeScaled(x, o);
        const want = encodeScaledRef(spec, x, o);
        expect(firstBitDiff(got.codes, want.codes), `${fmt} ${rounding}`).toBe(-1);
        expect(firstBitDiff(f32bits(format(fmt).quantizeScaled(x, o)), f32bits(decodeScaledRef(spec, want))), `${fmt} ${rounding}`).toBe(-1);
      }
    }
  });

  it('zero-point ties round x / s, then add the zero point (rne of 0.5 + odd zp is not rne(1.5))', () => {
    const x = new Float32Array([0.5, 1.5, -0.5, -1.5, 2.5]);
    const o = (rounding: ScaledOptions['rounding']): ScaledOptions => ({ scale: 1, zeroPoint: 3, scheme: 'asymmetric', rounding });
    expect(Array.from(format('uint8').encodeScaled(x, o('rne')).codes)).toEqual([3, 5, 3, 1, 5]);
    expect(Array.from(format('uint8').encodeScaled(x, o('half_away')).codes)).toEqual([4, 5, 2, 1, 6]);
    expect(Array.from(format('uint8').encodeScaled(x, o('toward_negative')).codes)).toEqual([3, 4, 2, 1, 5]);
    expect(Array.from(format('uint8').encodeScaled(x, o('toward_positive')).codes)).toEqual([4, 5, 3, 2, 6]);
    expect(Array.from(format('uint8').encodeScaled(x, o('to_odd')).codes)).toEqual([4, 4, 2, 2, 6]);
    expect(Array.from(encodeScaledRef(parseFormatName('uint8'), x, o('rne')).codes)).toEqual([3, 5, 3, 1, 5]);
  });

  it('streams inputs larger than one chunk (per-group along a non-last axis)', () => {
    const shape = [3, 256, 130]; // 99840 elements > 65536, axis 1 groups of 32 need the permutation
    const n = shape[0] * shape[1] * shape[2];
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.fround(Math.sin(i * 0.37) * (1 + (i % 97)));
    for (const fmt of ['int4', 'fp8_e4m3fn']) {
      const o: ScaledOptions = { shape, axis: 1, groupSize: 32 };
      const got = format(fmt).encodeScaled(x, o);
      const want = encodeScaledRef(parseFormatName(fmt), x, o);
      expect(got.scales.length).toBe(3 * 8 * 130);
      expect(firstBitDiff(got.codes, want.codes)).toBe(-1);
      expect(firstBitDiff(f32bits(got.scales), f32bits(want.scales))).toBe(-1);
    }
  });
});

describe('scale rules', () => {
  it('absmax maps the group max to the element max', () => {
    expect(scaleFromMinMax(-3, 2, 'absmax', 'symmetric', 127, null).scale).toBe(Math.fround(3 / 127));
    expect(scaleFromMinMax(0, 0, 'absmax', 'symmetric', 127, null)).toEqual({ scale: 1, zp: 0 });
    expect(scaleFromMinMax(-1, 448 * 4, 'absmax', 'symmetric', 448, null).scale).toBe(4);
    expect(scaleRef(-3, 2, false, 'symmetric', 127, 0, 0).scale).toBe(Math.fround(3 / 127));
    expect(scaleRef(0, 0, false, 'symmetric', 127, 0, 0)).toEqual({ scale: 1, zp: 0 });
    expect(scaleRef(-1, 448 * 4, false, 'symmetric', 448, 0, 0).scale).toBe(4);
  });
  it('the driver\'s scaleFromMinMax = the twin\'s scaleRef on raw f32 min/max bit patterns', () => {
    const f32 = fc.integer({ min: 0, max: 0xffffffff }).map(fromBits).filter(Number.isFinite);
    fc.assert(
      fc.property(f32, f32, fc.boolean(), fc.constantFrom('symmetric', 'asymmetric') as fc.Arbitrary<'symmetric' | 'asymmetric'>,
        fc.constantFrom([127, -128, 127], [7, -8, 7], [255, 0, 255], [15, 0, 15], [448, 0, 0], [6, 0, 0], [3.4028234663852886e38, 0, 0]),
        (a, b, pow2, scheme, [target, qmin, qmax]) => {
          if (scheme === 'asymmetric' && qmax === 0) scheme = 'symmetric'; // minifloat targets have no zero point
          const [mn, mx] = a <= b ? [a, b] : [b, a];
          const range = scheme === 'asymmetric' ? { qmin, qmax } : null;
          expect(scaleFromMinMax(mn, mx, pow2 ? 'absmax_pow2' : 'absmax', scheme, target, range)).toEqual(scaleRef(mn, mx, pow2, scheme, target, qmin, qmax));
        }),
      { numRuns: 3000 },
    );
  });
  it('absmax_pow2 is the smallest power of two that avoids clipping', () => {
    expect(pow2Ceil(448, 448)).toBe(1);
    expect(pow2Ceil(449, 448)).toBe(2);
    expect(pow2Ceil(6, 6)).toBe(1);
    expect(pow2Ceil(3.1, 6)).toBe(1);
    expect(pow2Ceil(2.9, 6)).toBe(0.5);
    expect(pow2Ceil(1e-45, 127)).toBe(2 ** -126);
  });
  it('asymmetric: range includes zero; zero point = qmin − round(min/s)', () => {
    const r = scaleFromMinMax(-1, 3, 'absmax', 'asymmetric', 255, { qmin: 0, qmax: 255 });
    expect(r.scale).toBe(Math.fround(4 / 255));
    expect(r.zp).toBe(64); // −1/(4/255) = −63.75 → −64
    expect(scaleFromMinMax(2, 5, 'absmax', 'asymmetric', 255, { qmin: 0, qmax: 255 })).toEqual({ scale: Math.fround(5 / 255), zp: 0 });
  });
});

describe('INT element codec', () => {
  it('int8 RNE of x / scale, clamped', () => {
    const x = new Float32Array([0.5, 1.5, 2.5, -2.5, 127.5, -129, 300, -300, Infinity, -Infinity, -0]);
    expect(Array.from(format('int8').encode(x))).toEqual([0, 2, 2, 254, 127, 128, 127, 128, 127, 128, 0]);
    expect(Array.from(format('int8').decode(new Uint8Array([0, 2, 254, 127, 128])))).toEqual([0, 2, -2, 127, -128]);
    expect(Array.from(format('int8_sym').quantize(new Float32Array([-200])))).toEqual([-127]);
    expect(Array.from(format('int4').quantize(new Float32Array([0.3, 0.25, 1.75]), { scale: 0.25 }))).toEqual([0.25, 0.25, 1.75]);
    expect(Array.from(format('uint8').quantize(new Float32Array([-1, 0, 1.0]), { scale: Math.fround(1 / 128), zeroPoint: 128 }))).toEqual([-1, 0, 127 / 128]);
  });
  it('bipolar levels are odd and never zero', () => {
    const x = new Float32Array([0, -0, 0.9, 1.9, 2, 2.1, 4, 6, 100, -100, -2]);
    const q = format('bipolar3').quantize(x);
    expect(Array.from(q)).toEqual([1, -1, 1, 1, 1, 3, 5, 5, 7, -7, -1]);
    expect(Array.from(format('bipolar1').quantize(new Float32Array([5, -5, 0])))).toEqual([1, -1, 1]);
    expect(Array.from(format('bipolar2').decode(new Uint8Array([0, 1, 2, 3])))).toEqual([-3, -1, 1, 3]);
  });
  it('every rounding mode matches the reference on integers, halves and ±1 ulp', () => {
    const xs: number[] = [];
    for (let k = -140; k <= 140; k++)
      for (const d of [0, 0.5, 0.25, 0.75]) {
        const v = Math.fround(k + d);
        xs.push(v, Math.fround(v * (1 + 2 ** -23)), Math.fround(v * (1 - 2 ** -23)));
      }
    const x = new Float32Array(xs);
    for (const fmt of ['int8', 'uint8', 'int4_sym', 'int3', 'bipolar4', 'bipolar8'])
      for (const rounding of ['rne', 'half_away', 'toward_zero', 'toward_positive', 'toward_negative', 'to_odd', 'stochastic'] as const) {
        const o: ScaledOptions = { scale: 1, rounding, seed: 3, ...(fmt === 'uint8' ? { zeroPoint: 100, scheme: 'asymmetric' as const } : {}) };
        const got = format(fmt).encodeScaled(x, o);
        const want = encodeScaledRef(parseFormatName(fmt), x, o);
        const i = firstBitDiff(got.codes, want.codes);
        expect(i === -1 ? 'same' : `${fmt} ${rounding} x=${x[i]} got ${got.codes[i]} want ${want.codes[i]}`).toBe('same');
      }
  });
});

describe('fused INT / bipolar quantize', () => {
  it('equals decode(encode(x)) and the reference twin bit for bit, every mode, with scale and zero point', () => {
    fc.assert(
      fc.property(fc.float32Array({ minLength: 0, maxLength: 90, noNaN: true }), fc.constantFrom('int8', 'int4', 'int4_sym', 'uint8', 'int16', 'bipolar3', 'bipolar1'),
        fc.constantFrom('rne', 'half_away', 'toward_zero', 'toward_positive', 'toward_negative', 'to_odd', 'stochastic'), fc.integer({ min: 1, max: 64 }),
        (x, fmt, rounding, sk) => {
          const f = format(fmt);
          const scale = Math.fround(sk / 16);
          const zeroPoint = fmt === 'uint8' ? 100 : undefined;
          const o = { scale, rounding: rounding as ScaledOptions['rounding'], seed: 5, ...(zeroPoint !== undefined ? { zeroPoint } : {}) };
          const q = f.quantize(x, o);
          const dq = (f as { decode: (c: Uint8Array | Uint16Array, o: object) => Float32Array }).decode(f.encode(x, o), { scale, ...(zeroPoint !== undefined ? { zeroPoint } : {}) });
          expect(firstBitDiff(f32bits(q), f32bits(dq))).toBe(-1);
          const so: ScaledOptions = { scale, rounding: o.rounding, seed: 5, ...(zeroPoint !== undefined ? { zeroPoint, scheme: 'asymmetric' as const } : {}) };
          const spec = parseFormatName(fmt);
          const ref = decodeScaledRef(spec, encodeScaledRef(spec, x, so));
          expect(firstBitDiff(f32bits(q), f32bits(ref))).toBe(-1);
        }),
      { numRuns: 400 },
    );
  });
});

describe('scaled: bad input', () => {
  const x = new Float32Array(12);
  const err = (fn: () => unknown, code: string) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(NumlabError);
      expect((e as NumlabError).code).toBe(code);
      return (e as Error).message;
    }
    throw new Error('did not throw');
  };
  it('rejects shapes, axes and group sizes that do not fit', () => {
    expect(err(() => format('int8').encodeScaled(x, { shape: [5, 2] }), 'BAD_SHAPE')).toMatch(/10 elements/);
    expect(err(() => format('int8').encodeScaled(x, { shape: [3, 4], axis: 2 }), 'BAD_SHAPE')).toMatch(/axis 2/);
    expect(err(() => format('int8').encodeScaled(x, { shape: [3, 4], groupSize: 3 }), 'BAD_SHAPE')).toMatch(/groupSize 3/);
    expect(err(() => format('int8').encodeScaled(x, { shape: [3, 4], granularity: 'group' }), 'BAD_OPTION')).toMatch(/groupSize/);
    expect(err(() => format('int8').encodeScaled(x, { shape: [3, -4] }), 'BAD_SHAPE')).toMatch(/-4/);
    expect(err(() => format('int8').encodeScaled(x, { granularity: 'row' as never }), 'BAD_OPTION')).toMatch(/row/);
  });
  it('rejects bad scales, zero points and schemes', () => {
    expect(err(() => format('int8').encodeScaled(x, { shape: [3, 4], axis: 0, granularity: 'channel', scale: new Float32Array(4) }), 'BAD_LENGTH')).toMatch(/needs 3/);
    expect(err(() => format('int8').encodeScaled(x, { scale: new Float32Array([0]) }), 'BAD_SCALE')).toMatch(/scale 0/);
    expect(err(() => format('int8').encodeScaled(x, { scale: new Float32Array([NaN]) }), 'BAD_SCALE')).toMatch(/NaN/);
    expect(err(() => format('int8').encode(x, { scale: 0.1 }), 'BAD_SCALE')).toMatch(/0\.1/);
    expect(err(() => format('uint8').encodeScaled(x, { scale: 1, zeroPoint: 300 }), 'BAD_OPTION')).toMatch(/300/);
    expect(err(() => format('fp8_e4m3fn').encodeScaled(x, { scheme: 'asymmetric' }), 'BAD_OPTION')).toMatch(/asymmetric/);
    expect(err(() => format('int8').encodeScaled(x, { bogus: 1 } as never), 'BAD_OPTION')).toMatch(/bogus/);
  });
  it('rejects non-finite inputs where a scale is computed, and NaN into INT', () => {
    const y = new Float32Array([1, 2, Infinity, 4]);
    expect(err(() => format('int8').encodeScaled(y), 'NONFINITE_INPUT')).toMatch(/index 2/);
    expect(err(() => format('int8').encode(new Float32Array([0, NaN])), 'NONFINITE_INPUT')).toMatch(/index 1/);
    expect(err(() => format('fp8_e4m3fn').encodeScaled(new Float32Array([0, 1, NaN]), { shape: [3], groupSize: 1 }), 'NONFINITE_INPUT')).toMatch(/index 2/);
  });
  it('rejects payloads of another format or with wrong lengths', () => {
    const e = format('int4').encodeScaled(x, { shape: [3, 4], groupSize: 2 });
    expect(err(() => format('int8').decodeScaled(e), 'FORMAT_MISMATCH')).toMatch(/int4/);
    expect(err(() => format('int4').decodeScaled({ ...e, scales: new Float32Array(5) }), 'BAD_LENGTH')).toMatch(/needs 6/);
    expect(err(() => format('int4').decodeScaled({ ...e, codes: new Uint8Array(12).fill(16) }), 'BAD_CODE')).toMatch(/code 16 at index 0/);
  });
});

describe('scaled: payloads, shapes and empty tensors (issue 9)', () => {
  const err = (fn: () => unknown, code: string) => {
    const e = thrown(fn);
    expect(e.code).toBe(code);
    return e.message;
  };
  const x = new Float32Array(12).map((_, i) => i - 5);
  it('decodeScaled rejects scales that are not finite and > 0, naming value and index', () => {
    const e = anyFormat('int8').encodeScaled(x, { shape: [3, 4], axis: 0, granularity: 'channel' }) as ScaledEncoding;
    const dec = (p: ScaledEncoding) => (anyFormat('int8') as ElementFormat as { decodeScaled(e: ScaledEncoding): Float32Array }).decodeScaled(p);
    expect(err(() => dec({ ...e, scales: Float32Array.of(1, NaN, 1) }), 'BAD_SCALE')).toMatch(/NaN at index 1/);
    expect(err(() => dec({ ...e, scales: Float32Array.of(1, 1, -2) }), 'BAD_SCALE')).toMatch(/-2 at index 2/);
    expect(err(() => dec({ ...e, scales: Float32Array.of(0, 1, 1) }), 'BAD_SCALE')).toMatch(/0 at index 0/);
    expect(err(() => dec({ ...e, scales: Float32Array.of(Infinity, 1, 1) }), 'BAD_SCALE')).toMatch(/Infinity/);
    expect(err(() => dec({ ...e, scales: [1, 1, 1] as never }), 'BAD_TYPE')).toMatch(/\[1,1,1\]/);
    expect(err(() => dec({ ...e, scales: new Float32Array(2) }), 'BAD_LENGTH')).toMatch(/needs 3/);
  });
  it('decodeScaled rejects zero points outside the int range, of the wrong type or length, or for formats without them', () => {
    const u8 = anyFormat('uint8') as ElementFormat as { encodeScaled(x: Float32Array, o?: ScaledOptions): ScaledEncoding; decodeScaled(e: ScaledEncoding): Float32Array };
    const e = u8.encodeScaled(x, { shape: [3, 4], groupSize: 2 });
    expect(e.zeroPoints?.length).toBe(6);
    const zp = (f: (z: Int32Array) => void) => {
      const z = Int32Array.from(e.zeroPoints as Int32Array);
      f(z);
      return z;
    };
    expect(err(() => u8.decodeScaled({ ...e, zeroPoints: zp((z) => (z[5] = 1000)) }), 'BAD_OPTION')).toMatch(/1000 at index 5 outside \[0, 255\]/);
    expect(err(() => u8.decodeScaled({ ...e, zeroPoints: zp((z) => (z[0] = -1)) }), 'BAD_OPTION')).toMatch(/-1 at index 0/);
    expect(err(() => u8.decodeScaled({ ...e, zeroPoints: Array.from(e.zeroPoints as Int32Array) as never }), 'BAD_TYPE')).toMatch(/Int32Array/);
    expect(err(() => u8.decodeScaled({ ...e, zeroPoints: new Int32Array(5) }), 'BAD_LENGTH')).toMatch(/need 6/);
    const f8 = anyFormat('fp8_e4m3fn') as ElementFormat as typeof u8;
    const p = f8.encodeScaled(x);
    expect(err(() => f8.decodeScaled({ ...p, zeroPoints: Int32Array.of(0) }), 'BAD_OPTION')).toMatch(/fp8_e4m3fn/);
    expect(err(() => anyFormat('int8').encodeScaled(x, { scale: 1, zeroPoint: 2 ** 40 } as never), 'BAD_OPTION')).toMatch(String(2 ** 40));
  });
  it('encodeScaled with a shape that is not an array → BAD_SHAPE (never a TypeError)', () => {
    for (const shape of [12, '12', { length: 1, 0: 12 }, null, new Uint32Array([12])])
      expect(err(() => anyFormat('int8').encodeScaled(x, { shape: shape as never }), 'BAD_SHAPE')).toMatch(/shape must be an array/);
  });
  it('an empty tensor encodes to an empty payload (scale 1 per run, no NONFINITE_INPUT) and decodes to an empty array', () => {
    for (const id of ['int8', 'uint8', 'fp8_e4m3fn', 'bipolar2']) {
      const c = anyFormat(id) as ElementFormat as { encodeScaled(x: Float32Array, o?: ScaledOptions): ScaledEncoding; decodeScaled(e: ScaledEncoding): Float32Array };
      for (const o of [{}, { shape: [0, 5], granularity: 'channel' as const }, { shape: [0, 4], groupSize: 2 }, { shape: [3, 0], axis: 0, granularity: 'channel' as const }]) {
        const e = c.encodeScaled(new Float32Array(0), o);
        expect(e.codes.length).toBe(0);
        expect(Array.from(e.scales).every((s) => s === 1)).toBe(true);
        expect(c.decodeScaled(e).length).toBe(0);
      }
      expect(c.encodeScaled(new Float32Array(0), { shape: [0, 5], granularity: 'channel' }).scales.length).toBe(5);
    }
  });
  it('a claimed huge empty shape is BAD_SHAPE or an empty result, and WASM memory does not grow', () => {
    const before = runtime().memory.buffer.byteLength;
    const none = new Float32Array(0);
    for (const shape of [[0, 2 ** 40], [2 ** 40, 0], [0, 2 ** 26]]) {
      for (const scale of [undefined, 1]) {
        const axis = shape[0] === 0 ? 1 : 0;
        expect(err(() => anyFormat('int8').encodeScaled(none, { shape, axis, granularity: 'channel', scale }), 'BAD_SHAPE')).toMatch(/no elements/);
      }
      const e = anyFormat('int8').encodeScaled(none, { shape, groupSize: 2, axis: shape[0] === 0 ? 1 : 0 });
      expect([e.codes.length, e.scales.length]).toEqual([0, 0]);
      expect(anyFormat('int8').encodeScaled(none, { shape }).scales.length).toBe(1);
      expect(err(() => (anyFormat('int8') as ElementFormat as { decodeScaled(e: ScaledEncoding): Float32Array }).decodeScaled(
        { ...e, granularity: 'channel', groupSize: null, scales: new Float32Array(1) }), 'BAD_SHAPE')).toMatch(/no elements/);
    }
    expect(runtime().memory.buffer.byteLength).toBe(before);
  });
});
