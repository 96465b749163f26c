// The `out` option: results written into the caller's array, checked for type and length.
import { describe, expect, it } from 'vitest';
import { format, type BlockFormat } from '../../src/index.js';
import type { BlockEncoding } from '../../src/formats/block.js';
import { CHUNK } from '../../src/runtime/wasm.js';
import { thrown } from '../helpers/errors.js';

describe('out option', () => {
  const x = new Float32Array(70000).map((_, i) => Math.fround(Math.sin(i) * 10));
  it('minifloat encode/decode/quantize write into out and return it, with the same bits as without', () => {
    const f = format('fp8_e4m3fn');
    const codes = new Uint8Array(x.length);
    expect(f.encode(x, { out: codes })).toBe(codes);
    expect(codes).toEqual(f.encode(x));
    const y = new Float32Array(x.length);
    expect(f.decode(codes, { out: y })).toBe(y);
    expect(y).toEqual(f.decode(codes));
    const q = new Float32Array(x.length);
    expect(f.quantize(x, { out: q, rounding: 'stochastic', seed: 3 })).toBe(q);
    expect(q).toEqual(f.quantize(x, { rounding: 'stochastic', seed: 3 }));
  });
  it('INT quantize writes into out', () => {
    const q = new Float32Array(x.length);
    expect(format('int4').quantize(x, { scale: 2, out: q })).toBe(q);
    expect(q).toEqual(format('int4').quantize(x, { scale: 2 }));
  });
  it('a wrong type or length is a typed error', () => {
    expect(thrown(() => format('fp8_e4m3fn').encode(x, { out: new Uint16Array(x.length) })).code).toBe('BAD_TYPE');
    expect(thrown(() => format('fp16').encode(x, { out: new Uint16Array(3) })).message).toContain('length 3');
    expect(thrown(() => format('fp8_e4m3fn').quantize(x, { out: new Float32Array(1) })).code).toBe('BAD_LENGTH');
    expect(thrown(() => format('int8').encode(x, { out: new Float32Array(x.length) } as never)).code).toBe('BAD_OPTION');
  });
});

// A call that throws leaves `out` as it was: everything that can fail is checked before the first write.
describe('out is untouched when the call throws', () => {
  const n = 3 * CHUNK + 17;
  const late = () => {
    const x = new Float32Array(n).map((_, i) => Math.fround(Math.cos(i) * 3));
    x[n - 2] = NaN; // in the last chunk
    return x;
  };
  const sentinel = <T extends Uint8Array | Float32Array>(a: T, v: number): T => a.fill(v) as T;
  const unchanged = (a: Uint8Array | Float32Array, v: number) => {
    const i = a.findIndex((y) => !Object.is(y, v));
    expect(i === -1 ? 'unchanged' : `out[${i}] = ${a[i]}`).toBe('unchanged');
  };

  it('element codecs: NaN in a later chunk of a format without NaN', () => {
    for (const id of ['fp4_e2m1fn', 'fp6_e3m2fn']) {
      const f = format(id);
      const codes = sentinel(new Uint8Array(n), 0xab);
      const e = thrown(() => f.encode(late(), { out: codes }));
      expect([e.code, e.message]).toEqual(['NONFINITE_INPUT', expect.stringContaining(`index ${n - 2}`)]);
      unchanged(codes, 0xab);
      const q = sentinel(new Float32Array(n), -7.5);
      expect(thrown(() => f.quantize(late(), { out: q, scale: 2 })).code).toBe('NONFINITE_INPUT');
      unchanged(q, -7.5);
    }
  });
  it('element decode: a bad code in a later chunk', () => {
    const c = new Uint8Array(n);
    c[n - 1] = 16;
    const y = sentinel(new Float32Array(n), 42);
    expect(thrown(() => format('fp4_e2m1fn').decode(c, { out: y })).message).toContain(`index ${n - 1}`);
    unchanged(y, 42);
  });
  it('INT / bipolar quantize (the scaled kernels): NaN in a later chunk, and a bad option', () => {
    for (const id of ['int8', 'uint4', 'bipolar3']) {
      const q = sentinel(new Float32Array(n), 42);
      expect(thrown(() => format(id).quantize(late(), { out: q, scale: 0.5 })).message).toContain(`index ${n - 2}`);
      unchanged(q, 42);
      expect(thrown(() => format(id).quantize(late().fill(1), { out: q, scale: 'absmax' as never })).code).toBe('BAD_SCALE');
      expect(thrown(() => format(id).quantize(late().fill(1), { out: q, seed: -1 })).code).toBe('BAD_OPTION');
      unchanged(q, 42);
    }
  });
  it('block codecs: bad options, a bad scale byte in the last block, a bad tensor scale', () => {
    const x = late().fill(0.5).subarray(0, 3 * CHUNK);
    for (const id of ['mxfp4', 'nvfp4', 'mxint8']) {
      const f = format(id) as BlockFormat;
      const q = sentinel(new Float32Array(x.length), 42);
      expect(thrown(() => f.quantize(x, { out: q, rounding: 'stochastic' as never })).code).toBe('BAD_OPTION');
      expect(thrown(() => f.quantize(x, { out: q, shape: [x.length / 32, 33] })).code).toBe('BAD_SHAPE');
      unchanged(q, 42);
      const e: BlockEncoding = f.encode(x);
      const scales = e.scales.slice();
      scales[scales.length - 1] = 0xff;
      const bad = id === 'nvfp4' ? { ...e, scales: scales.map((s, i) => (i === scales.length - 1 ? 0x80 : s)) } : { ...e, codes: e.codes.slice(0, -1) };
      expect(thrown(() => f.decode(bad, { out: q })).code).toMatch(/BAD_CODE|BAD_LENGTH/);
      if (id === 'nvfp4') expect(thrown(() => f.decode({ ...e, tensorScale: -1 }, { out: q })).code).toBe('BAD_SCALE');
      unchanged(q, 42);
    }
  });
  it('NaN is encoded where the format has one (no pre-check throws), and out still gets every result', () => {
    const codes = new Uint8Array(n);
    expect(format('fp8_e4m3fn').encode(late(), { out: codes })).toBe(codes);
    expect(codes).toEqual(format('fp8_e4m3fn').encode(late()));
  });
});
