/** safetensors parsing: a golden file built byte by byte, and every validation with its message. */
import { describe, expect, it } from 'vitest';
import { parseSafetensors, MAX_SAFETENSORS_HEADER } from '../../src/io/safetensors.js';
import { memorySource } from '../../src/io/source.js';
import { openTensorSource } from '../../src/io/tensor-file.js';
import { rejected } from '../helpers/errors.js';
import { concat, safetensorsBytes, u64le, utf8 } from '../helpers/tensor-bytes.js';

const HEADER =
  '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
  '"b":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]},' +
  '"c":{"dtype":"BF16","shape":[],"data_offsets":[12,14]},' +
  '"__metadata__":{"format":"pt"},' +
  '"ids":{"dtype":"I64","shape":[1],"data_offsets":[14,22]}}';
const DATA = [
  0x00, 0x00, 0xc0, 0x3f, /* 1.5 */ 0x00, 0x00, 0x00, 0xc0, /* -2 */ 0x00, 0x3c, /* F16 1 */ 0xff, 0xfb, /* F16 -65504 */ 0x49, 0x40, /* BF16 3.140625 */
  7, 0, 0, 0, 0, 0, 0, 0,
];
const GOLDEN = concat([HEADER.length, 0, 0, 0, 0, 0, 0, 0], utf8(HEADER), DATA);

const parse = (bytes: Uint8Array) => parseSafetensors(memorySource(bytes, 'm.safetensors'));
const problem = async (bytes: Uint8Array) => {
  const e = await rejected(parse(bytes));
  expect(e.code).toBe('MALFORMED_FILE');
  expect(e.message).toMatch(/^m\.safetensors: /);
  return e.message;
};
const entry = (dtype: unknown, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });

describe('safetensors golden file', () => {
  it('lists the tensors in header order with absolute offsets, and the metadata', async () => {
    const p = await parse(GOLDEN);
    expect(p.kind).toBe('safetensors');
    expect(p.metadata).toEqual({ format: 'pt' });
    const start = 8 + HEADER.length;
    expect(p.tensors).toEqual([
      { name: 'a', dtype: 'F32', shape: [2], n: 2, byteLength: 8, offset: start, encoding: 'f32le' },
      { name: 'b', dtype: 'F16', shape: [1, 2], n: 2, byteLength: 4, offset: start + 8, encoding: 'f16le' },
      { name: 'c', dtype: 'BF16', shape: [], n: 1, byteLength: 2, offset: start + 12, encoding: 'bf16le' },
      { name: 'ids', dtype: 'I64', shape: [1], n: 1, byteLength: 8, offset: start + 14, encoding: null },
    ]);
  });

  it('reads F32, F16 and BF16 exactly; other dtypes are UNSUPPORTED_TENSOR naming the dtype and the readable ones', async () => {
    const f = await openTensorSource(memorySource(GOLDEN, 'm.safetensors'));
    expect(await f.read('a')).toEqual({ data: new Float32Array([1.5, -2]), shape: [2] });
    expect(await f.read('b')).toEqual({ data: new Float32Array([1, -65504]), shape: [1, 2] });
    expect(await f.read('c')).toEqual({ data: new Float32Array([3.140625]), shape: [] });
    const e = await rejected(f.read('ids'));
    expect(e.code).toBe('UNSUPPORTED_TENSOR');
    expect(e.message).toContain('"I64"');
    expect(e.message).toContain('F32, F16, BF16');
    const missing = await rejected(f.read('nope'));
    expect(missing.message).toContain('no tensor named "nope"');
  });

  it('accepts an empty file list, zero-size tensors and any names', async () => {
    expect((await parse(safetensorsBytes('{}'))).tensors).toEqual([]);
    const h = { '': entry('F32', [0, 3], [0, 0]), 'x.y/z*': entry('F32', [1], [0, 4]), 'é': entry('F16', [0], [4, 4]) };
    const p = await parse(safetensorsBytes(h, [0, 0, 0x80, 0x3f]));
    expect(p.tensors.map((t) => [t.name, t.n])).toEqual([['', 0], ['x.y/z*', 1], ['é', 0]]);
  });
});

describe('safetensors validation', () => {
  it('rejects files too short or with absurd header lengths', async () => {
    expect(await problem(new Uint8Array(5))).toContain('too short');
    expect(await problem(safetensorsBytes('{}', [], 2n ** 64n - 1n))).toContain('absurd');
    expect(await problem(safetensorsBytes('{}', [], MAX_SAFETENSORS_HEADER + 1))).toContain('absurd');
    expect(await problem(safetensorsBytes('{}', [], 3))).toContain('runs past the end of the file (10 bytes)');
  });

  it('rejects bad UTF-8, bad JSON and non-object headers', async () => {
    expect(await problem(concat(u64le(2), [0xff, 0xfe]))).toContain('not valid UTF-8');
    expect(await problem(safetensorsBytes('{"a":'))).toContain('not valid JSON');
    expect(await problem(safetensorsBytes('[1,2]'))).toContain('must be a JSON object');
    expect(await problem(safetensorsBytes('null'))).toContain('must be a JSON object');
  });

  it('rejects bad metadata and bad entries, naming the tensor', async () => {
    expect(await problem(safetensorsBytes({ __metadata__: [1] }))).toContain('__metadata__ must be an object');
    expect(await problem(safetensorsBytes({ __metadata__: { k: 1 } }))).toContain('__metadata__["k"] must be a string');
    expect(await problem(safetensorsBytes({ t: 5 }))).toContain('tensor "t": entry must be an object');
    expect(await problem(safetensorsBytes({ t: { shape: [1], data_offsets: [0, 4] } }))).toContain('tensor "t": missing or non-string dtype');
    const unknown = await problem(safetensorsBytes({ t: entry('F128', [1], [0, 16]) }, new Uint8Array(16)));
    expect(unknown).toContain('unknown dtype "F128"');
    expect(unknown).toContain('F32');
    for (const shape of [undefined, 3, [-1], [1.5], ['2'], [2 ** 53]]) {
      expect(await problem(safetensorsBytes({ t: entry('F32', shape, [0, 4]) }, new Uint8Array(4)))).toContain('shape must be an array of non-negative integers');
    }
    for (const offsets of [undefined, [0], [0, 4, 8], [-4, 0], [0, '4'], [0.5, 4]]) {
      expect(await problem(safetensorsBytes({ t: entry('F32', [1], offsets) }, new Uint8Array(4)))).toContain('data_offsets must be [begin, end]');
    }
    expect(await problem(safetensorsBytes({ t: entry('F32', [1], [4, 0]) }, new Uint8Array(4)))).toContain('end before they begin');
  });

  it('rejects offsets past the end, size mismatches, overlaps, holes and uncovered data', async () => {
    expect(await problem(safetensorsBytes({ t: entry('F32', [2], [0, 8]) }, new Uint8Array(4)))).toContain('run past the end of the data (4 bytes)');
    expect(await problem(safetensorsBytes({ t: entry('F32', [3], [0, 8]) }, new Uint8Array(8)))).toContain('shape [3] × F32 is 12 bytes but data_offsets [0,8] hold 8');
    expect(await problem(safetensorsBytes({ t: entry('F4', [3], [0, 1]) }, new Uint8Array(1)))).toContain('is 1.5 bytes');
    expect(await problem(safetensorsBytes({ t: entry('F32', [2 ** 20, 2 ** 20], [0, 4]) }, new Uint8Array(4)))).toContain('bytes but data_offsets');
    expect(await problem(safetensorsBytes({ t: entry('F32', [2 ** 40, 2 ** 40], [0, 4]) }, new Uint8Array(4)))).toContain('more than 2^53 elements');
    const two = (a: number[], b: number[], size: number) => safetensorsBytes({ a: entry('F32', [(a[1] - a[0]) / 4], a), b: entry('F32', [(b[1] - b[0]) / 4], b) }, new Uint8Array(size));
    expect(await problem(two([0, 8], [4, 12], 12))).toContain('overlap the previous tensor (which ends at 8)');
    expect(await problem(two([0, 4], [8, 12], 12))).toContain('leave a hole at bytes [4, 8)');
    expect(await problem(two([4, 8], [8, 12], 12))).toContain('leave a hole at bytes [0, 4)');
    expect(await problem(two([0, 4], [4, 8], 12))).toContain('cover 8 bytes of data but the file holds 12');
    expect((await parse(two([4, 8], [0, 4], 8))).tensors.map((t) => t.name)).toEqual(['a', 'b']); // order in the data need not follow the header
  });
});
