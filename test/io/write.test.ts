/** The writers: byte-exact against files built by hand from the specs, and their argument checks. */
import { describe, expect, it } from 'vitest';
import { encodeNpy, encodeSafetensors } from '../../src/io/write.js';
import { thrown } from '../helpers/errors.js';
import { concat, npyBytes, safetensorsBytes, utf8 } from '../helpers/tensor-bytes.js';

describe('encodeSafetensors', () => {
  it('writes the header padded with spaces to 8 bytes, then little-endian data in order', () => {
    const json = '{"__metadata__":{"k":"v"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F16","shape":[2],"data_offsets":[4,8]},"z":{"dtype":"BF16","shape":[],"data_offsets":[8,10]}}';
    const padded = json + ' '.repeat((8 - (json.length % 8)) % 8);
    const bytes = encodeSafetensors(
      [
        { name: 'x', data: new Float32Array([1.5]), shape: [1] },
        { name: 'y', data: new Float32Array([1 + 2 ** -11, 65520]), shape: [2], dtype: 'F16' }, // tie to even (1), overflow (Inf)
        { name: 'z', data: new Float32Array([1 + 3 * 2 ** -8]), shape: [], dtype: 'BF16' }, // tie to even (up)
      ],
      { k: 'v' },
    );
    expect(bytes).toEqual(safetensorsBytes(padded, [0, 0, 0xc0, 0x3f, 0x00, 0x3c, 0x00, 0x7c, 0x82, 0x3f]));
    expect((8 + padded.length) % 8).toBe(0);
  });

  it('checks names, shapes, data and dtypes', () => {
    const d = new Float32Array(2);
    expect(thrown(() => encodeSafetensors([{ name: 'a', data: d, shape: [3] }])).message).toContain('shape [3] holds 3 elements but data has 2');
    expect(thrown(() => encodeSafetensors([{ name: 'a', data: d, shape: [-2] }])).code).toBe('BAD_SHAPE');
    expect(thrown(() => encodeSafetensors([{ name: 'a', data: [1, 2] as unknown as Float32Array, shape: [2] }])).code).toBe('BAD_TYPE');
    expect(thrown(() => encodeSafetensors([{ name: 'a', data: d, shape: [2] }, { name: 'a', data: d, shape: [2] }])).code).toBe('BAD_OPTION');
    expect(thrown(() => encodeSafetensors([{ name: '__metadata__', data: d, shape: [2] }])).code).toBe('BAD_OPTION');
    expect(thrown(() => encodeSafetensors([{ name: 'a', data: d, shape: [2], dtype: 'F64' as 'F32' }])).message).toContain('dtype "F64" cannot be written (use F32, F16, BF16)');
    expect(thrown(() => encodeSafetensors([], { k: 1 as unknown as string })).code).toBe('BAD_TYPE');
  });
});

describe('encodeNpy', () => {
  it('writes version 1.0 with the header padded to 64 bytes, as numpy does', () => {
    const data = new Float32Array([1.5, -2, 0, 1, 2, 3]);
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const expected = concat([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0], utf8(dict.padEnd(117) + '\n'), new Uint8Array(data.buffer));
    expect(encodeNpy(data, [2, 3])).toEqual(expected);
    expect(encodeNpy(new Float32Array([7]), [1], 'F16')).toEqual(npyBytes(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", [0x00, 0x47]));
    expect(encodeNpy(new Float32Array([7]), [])).toEqual(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", [0, 0, 0xe0, 0x40]));
  });

  it('switches to version 2.0 when the header outgrows 65535 bytes', () => {
    const shape = Array.from({ length: 30000 }, () => 1);
    const b = encodeNpy(new Float32Array([1]), shape);
    expect([b[6], b[7]]).toEqual([2, 0]);
    const len = new DataView(b.buffer).getUint32(8, true);
    expect((12 + len) % 64).toBe(0);
    expect(b[12 + len - 1]).toBe(0x0a);
  });

  it('has no bfloat16 (BAD_TYPE) and checks the shape', () => {
    expect(thrown(() => encodeNpy(new Float32Array(1), [1], 'BF16')).message).toContain('no bfloat16');
    expect(thrown(() => encodeNpy(new Float32Array(1), [2])).code).toBe('BAD_SHAPE');
  });
});
