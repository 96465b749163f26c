// numlab's choice (formats.md §3.2 item 4 notes ml_dtypes maps NaN to the −0 pattern): a NaN into a
// format without NaN (FP4, FP6, INT, bipolar) is an error naming the index, on every path and past
// the first chunk; formats with NaN encode it.
import { describe, expect, it } from 'vitest';
import { format } from '../../src/index.js';
import { fromBits } from '../helpers/f32.js';
import { thrown } from '../helpers/errors.js';


describe('NaN into formats without NaN', () => {
  for (const id of ['fp4_e2m1fn', 'fp6_e2m3fn', 'fp6_e3m2fn', 'int8', 'int4', 'uint8', 'bipolar2'])
    for (const bits of [0x7fc00000, 0xffc00000, 0x7f800001, 0xff812345])
      it(`${id}: NaN 0x${bits.toString(16)} throws NONFINITE_INPUT naming its index`, () => {
        for (const at of [0, 5, 70000]) {
          const x = new Float32Array(at + 3).fill(1);
          x[at] = fromBits(bits);
          for (const op of ['encode', 'quantize'] as const) {
            const e = thrown(() => (format(id) as unknown as Record<string, (x: Float32Array) => unknown>)[op](x));
            expect(e.code).toBe('NONFINITE_INPUT');
            expect(e.value).toBe(at);
            expect(e.message).toContain(`index ${at}`);
          }
        }
      });
  it('formats with NaN encode it (fp8_e4m3fn keeps the sign)', () => {
    const c = format('fp8_e4m3fn').encode(new Float32Array([fromBits(0x7fc00000), fromBits(0xffc00000)]));
    expect(Array.from(c)).toEqual([0x7f, 0xff]);
  });
});
