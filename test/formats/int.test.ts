// INT / bipolar element codecs (src/formats/int.ts): every element-level option is checked on encode,
// decode and quantize alike, before any typed array is filled (issue 9, bad input).
import { describe, expect, it } from 'vitest';
import { format } from '../../src/index.js';
import type { IntFormat } from '../../src/formats/int.js';
import { thrown } from '../helpers/errors.js';

type Codec = Pick<IntFormat, 'encode' | 'decode' | 'quantize'>;
const codec = (id: string) => format(id) as unknown as Codec;
const x = Float32Array.of(1, 2, -3);

/** The NumlabError of fn: its code and its message (which must name `mention`). */
function rejects(fn: () => unknown, code: string, mention: string): void {
  const e = thrown(fn);
  expect(e.code).toBe(code);
  expect(e.message).toContain(mention);
}

describe('decode validates scale, zeroPoint, rounding and seed', () => {
  it.each(['int8', 'uint8', 'bipolar3'])('%s: scales that are not a finite f32 > 0 → BAD_SCALE naming them', (id) => {
    const c = codec(id);
    const codes = Uint8Array.of(1, 2);
    rejects(() => c.decode(codes, { scale: '2' as never }), 'BAD_SCALE', '"2"');
    rejects(() => c.decode(codes, { scale: NaN }), 'BAD_SCALE', 'NaN');
    rejects(() => c.decode(codes, { scale: -1 }), 'BAD_SCALE', '-1');
    rejects(() => c.decode(codes, { scale: 0 }), 'BAD_SCALE', '0');
    rejects(() => c.decode(codes, { scale: Infinity }), 'BAD_SCALE', 'Infinity');
    rejects(() => c.decode(codes, { scale: 0.1 }), 'BAD_SCALE', '0.1');
    rejects(() => c.decode(codes, { scale: 2n as never }), 'BAD_SCALE', '2n');
    rejects(() => c.decode(codes, { scale: {} as never }), 'BAD_SCALE', '{}');
  });
  it('zero points outside the int range or not integers → BAD_OPTION (never wrapped into an Int32Array)', () => {
    const u8 = codec('uint8');
    const codes = Uint8Array.of(1, 2);
    rejects(() => u8.decode(codes, { zeroPoint: 2 ** 40 }), 'BAD_OPTION', String(2 ** 40));
    rejects(() => u8.decode(codes, { zeroPoint: 300 }), 'BAD_OPTION', '300');
    rejects(() => u8.decode(codes, { zeroPoint: -1 }), 'BAD_OPTION', '-1');
    rejects(() => u8.decode(codes, { zeroPoint: 1.5 }), 'BAD_OPTION', '1.5');
    rejects(() => u8.decode(codes, { zeroPoint: '3' as never }), 'BAD_OPTION', '"3"');
    rejects(() => codec('int4').decode(codes, { zeroPoint: 8 }), 'BAD_OPTION', '[-8, 7]');
    rejects(() => codec('bipolar2').decode(codes, { zeroPoint: 0 }), 'BAD_OPTION', 'bipolar2');
    expect(Array.from(u8.decode(codes, { zeroPoint: 255 }))).toEqual([-254, -253]);
  });
  it('rounding and seed are checked although decode does not round', () => {
    const codes = Uint8Array.of(1, 2);
    rejects(() => codec('int8').decode(codes, { rounding: 'bogus' } as never), 'BAD_OPTION', '"bogus"');
    rejects(() => codec('int8').decode(codes, { seed: -1 } as never), 'BAD_OPTION', 'seed');
    rejects(() => codec('bipolar4').decode(codes, { seed: 1.5 } as never), 'BAD_OPTION', '1.5');
    expect(Array.from(codec('int8').decode(codes, { rounding: 'to_odd', seed: 3 } as never))).toEqual([1, 2]);
  });
});

describe('encode and quantize take a number scale only', () => {
  it.each(['int8', 'uint4', 'bipolar3'])('%s: a string (even "absmax"), an object, a BigInt or an array → BAD_SCALE, no hidden default', (id) => {
    const c = codec(id);
    for (const op of ['encode', 'quantize'] as const) {
      rejects(() => c[op](x, { scale: 'absmax' as never }), 'BAD_SCALE', '"absmax"');
      rejects(() => c[op](x, { scale: '2' as never }), 'BAD_SCALE', '"2"');
      rejects(() => c[op](x, { scale: { value: 2 } as never }), 'BAD_SCALE', 'value');
      rejects(() => c[op](x, { scale: 2n as never }), 'BAD_SCALE', '2n');
      rejects(() => c[op](x, { scale: Float32Array.of(2) as never }), 'BAD_SCALE', 'Float32Array(1)');
      rejects(() => c[op](x, { scale: null as never }), 'BAD_SCALE', 'null');
    }
  });
  it('the scale given is the one used', () => {
    expect(Array.from(codec('int8').encode(x, { scale: 0.5 }))).toEqual([2, 4, 256 - 6]);
    expect(Array.from(codec('int8').quantize(x, { scale: 4 }))).toEqual([0, 0, -4]);
  });
  it('encode and quantize check the zero point the same way', () => {
    rejects(() => codec('uint8').encode(x, { zeroPoint: 2 ** 40 }), 'BAD_OPTION', String(2 ** 40));
    rejects(() => codec('uint8').quantize(x, { zeroPoint: -5 }), 'BAD_OPTION', '-5');
  });
});
