/** .npy parsing: golden v1.0 / v2.0 / v3.0 files built byte by byte, and every validation with its message. */
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/io/npy.js';
import { memorySource } from '../../src/io/source.js';
import { openTensorSource } from '../../src/io/tensor-file.js';
import { rejected } from '../helpers/errors.js';
import { concat, npyBytes, utf8 } from '../helpers/tensor-bytes.js';

const F4 = [0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x80, 0x7f]; // 1.5, -2, Inf (little-endian)
const dict = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

const parse = (bytes: Uint8Array, name = 'x.npy') => parseNpy(memorySource(bytes, name));
const read = async (bytes: Uint8Array, name = 'dir/x.npy') => {
  const f = await openTensorSource(memorySource(bytes, name));
  return f.read(f.tensors[0].name);
};
const problem = async (bytes: Uint8Array, code = 'MALFORMED_FILE') => {
  const e = await rejected(parse(bytes));
  expect(e.code).toBe(code);
  expect(e.message).toMatch(/^x\.npy: /);
  return e.message;
};

describe('.npy golden files', () => {
  it('version 1.0, 64-byte aligned, exactly as numpy writes it', async () => {
    const text = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    const bytes = concat([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0], utf8(text.padEnd(117, ' ') + '\n'), F4);
    expect(bytes.length).toBe(128 + 12);
    expect(await parse(bytes, 'dir/w.NPY')).toEqual({
      kind: 'npy',
      metadata: {},
      tensors: [{ name: 'w', dtype: '<f4', shape: [3], n: 3, byteLength: 12, offset: 128, encoding: 'f32le' }],
    });
    expect(await read(bytes)).toEqual({ data: new Float32Array([1.5, -2, Infinity]), shape: [3] });
  });

  it('versions 2.0 and 3.0 (u32 header length; 3.0 is UTF-8), 16-byte alignment, 0-d and empty shapes', async () => {
    for (const major of [1, 2, 3] as const) {
      for (const align of [16, 64]) {
        const b = npyBytes(major, dict('<f4', '(1, 3)'), F4, align);
        expect((await parse(b)).tensors[0].offset % align).toBe(0);
        expect(await read(b)).toEqual({ data: new Float32Array([1.5, -2, Infinity]), shape: [1, 3] });
      }
    }
    expect(await read(npyBytes(3, dict('<f4', '()'), F4.slice(0, 4)))).toEqual({ data: new Float32Array([1.5]), shape: [] });
    expect(await read(npyBytes(1, dict('<f4', '(0, 5)')))).toEqual({ data: new Float32Array(0), shape: [0, 5] });
    expect(await read(npyBytes(1, '{"shape": (2L,), "fortran_order": False, "descr": "<f4"}', F4.slice(0, 8)))).toEqual({ data: new Float32Array([1.5, -2]), shape: [2] });
  });

  it("reads '<f2', and big-endian '>f4' / '>f2' byte-swapped to the same values", async () => {
    expect(await read(npyBytes(1, dict('<f2', '(2,)'), [0x00, 0x3c, 0x01, 0x00]))).toEqual({ data: new Float32Array([1, 2 ** -24]), shape: [2] });
    expect(await read(npyBytes(1, dict('>f2', '(2,)'), [0x3c, 0x00, 0x00, 0x01]))).toEqual({ data: new Float32Array([1, 2 ** -24]), shape: [2] });
    expect(await read(npyBytes(1, dict('>f4', '(2,)'), [0x3f, 0xc0, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00]))).toEqual({ data: new Float32Array([1.5, -2]), shape: [2] });
  });

  it('lists other sized dtypes (and native-order "=f4", "f4") as unreadable, naming the readable ones', async () => {
    for (const descr of ['<f8', '<i4', '|b1', '=f4', 'f4', '|u1', '<U3', '|S5', '<c16']) {
      const size = Number(/\d+$/.exec(descr)![0]) * (descr.includes('U') ? 4 : 1);
      const b = npyBytes(1, dict(descr, '(2,)'), new Uint8Array(2 * size));
      expect((await parse(b)).tensors[0]).toMatchObject({ dtype: descr, byteLength: 2 * size, encoding: null });
      const e = await rejected(read(b));
      expect(e.code).toBe('UNSUPPORTED_TENSOR');
      expect(e.message).toContain(`dtype ${JSON.stringify(descr)}`);
      expect(e.message).toContain('<f4, >f4, <f2, >f2');
    }
  });
});

describe('.npy validation', () => {
  it('rejects short files, bad magic and unknown versions', async () => {
    expect(await problem(new Uint8Array(9))).toContain('too short');
    expect(await problem(concat(utf8('PK\x03\x04 zip file'), new Uint8Array(20)))).toContain('bad magic');
    const v = npyBytes(1, dict('<f4', '(3,)'), F4);
    for (const [major, minor] of [[0, 0], [4, 0], [1, 1], [2, 5]]) {
      const b = v.slice();
      b[6] = major;
      b[7] = minor;
      expect(await problem(b)).toContain(`unsupported .npy format version ${major}.${minor}`);
    }
    expect(await problem(npyBytes(2, dict('<f4', '(3,)')).slice(0, 11))).toContain('too short for a version 2.0');
  });

  it('rejects header lengths past the end, bad header text and bad dicts', async () => {
    const b = npyBytes(1, dict('<f4', '(3,)'), F4);
    b[8] = 0xff;
    b[9] = 0xff;
    expect(await problem(b)).toContain('header length 65535 runs past the end');
    const v3 = npyBytes(3, dict('<f4', '(3,)'), F4);
    v3[20] = 0xff;
    expect(await problem(v3)).toContain('not valid UTF-8');
    const bad = async (d: string) => problem(npyBytes(1, d, F4));
    expect(await bad("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)")).toContain("expected ',' or '}'");
    expect(await bad("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } x")).toContain('after the dict');
    expect(await bad("{'descr': '<f4, 'fortran_order': False, 'shape': (3,), }")).toContain('header dict');
    expect(await bad("{'descr': '<f4', 'fortran_order': false, 'shape': (3,), }")).toContain('unexpected "false');
    expect(await bad("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}")).toContain('keys must be exactly descr, fortran_order, shape; got descr, fortran_order, shape, x');
    expect(await bad("{'descr': '<f4', 'shape': (3,)}")).toContain('got descr, shape');
    expect(await bad("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}")).toContain('duplicate key "descr"');
    expect(await bad("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}")).toContain('fortran_order must be True or False');
    expect(await bad("{'descr': '<f4', 'fortran_order': False, 'shape': 3}")).toContain('shape must be a tuple of integers');
    expect(await bad("{'descr': '<f4', 'fortran_order': False, 'shape': ('3',)}")).toContain('shape must be a tuple of integers');
    expect(await bad("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}")).toContain('header dict: unexpected "-3');
    expect(await bad('(' .repeat(50))).toContain('nests too deeply');
    expect(await bad('[1, 2]')).toContain('header must be a dict');
  });

  it('rejects fortran_order True and structured / object dtypes as UNSUPPORTED_TENSOR', async () => {
    expect(await problem(npyBytes(1, dict('<f4', '(3,)', 'True'), F4), 'UNSUPPORTED_TENSOR')).toContain('fortran_order True');
    expect(await problem(npyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}", F4), 'UNSUPPORTED_TENSOR')).toContain('structured dtype');
    expect(await problem(npyBytes(1, dict('|O', '(3,)'), F4), 'UNSUPPORTED_TENSOR')).toContain('dtype "|O"');
  });

  it('rejects truncated data and trailing bytes', async () => {
    expect(await problem(npyBytes(1, dict('<f4', '(4,)'), F4))).toContain('truncated: shape [4] of <f4 needs 16 data bytes, the file has 12');
    expect(await problem(npyBytes(1, dict('<f4', '(2,)'), F4))).toContain('4 trailing bytes after the 8 data bytes');
    expect(await problem(npyBytes(1, dict('<f4', '(1048576, 1048576, 1048576)'), F4))).toContain('more than 2^53 elements');
  });
});
