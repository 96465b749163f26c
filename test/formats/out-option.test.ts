// The `out` option: results written into the caller's array, checked for type and length.
import { describe, expect, it } from 'vitest';
import { format } from '../../src/index.js';
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
