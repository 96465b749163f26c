/** Tensor files on disk: open, read (chunked, bounded), sha256, close, and the file-level errors. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, readFileSync, truncateSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { f32BitsToBf16, f32BitsToF16, bf16ToF32, f16ToF32 } from '../../src/io/half.js';
import { CHUNK_BYTES, fileSource, type ByteSource } from '../../src/io/source.js';
import { openTensorFile, openTensorSource } from '../../src/io/tensor-file.js';
import { writeNpy, writeSafetensors } from '../../src/io/write.js';
import { f32ArrayFromBits } from '../helpers/arbitraries.js';
import { rejected } from '../helpers/errors.js';
import { f32bits } from '../helpers/f32.js';

const DIR = mkdtempSync(join(tmpdir(), 'numlab-io-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** Deterministic raw-bit f32 data (every class: NaN payloads, subnormals, ±0, ±Inf). */
function rawData(n: number, seed = 1): Float32Array {
  const bits: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    bits.push(i % 97 === 0 ? 0x7fc00001 + i : s);
  }
  return f32ArrayFromBits(bits);
}

function counting(src: ByteSource) {
  const stats = { calls: 0, bytes: 0, largest: 0 };
  const wrapped: ByteSource = {
    name: src.name,
    size: src.size,
    read: (offset, length) => {
      stats.calls++;
      stats.bytes += length;
      stats.largest = Math.max(stats.largest, length);
      return src.read(offset, length);
    },
    close: () => src.close(),
  };
  return { wrapped, stats };
}

describe('openTensorFile on real files', () => {
  const big = rawData(700_000); // 2.8 MB as F32: several chunks
  const small = rawData(33, 7);
  const st = join(DIR, 'model.safetensors');

  it('round-trips F32 bit for bit and F16 / BF16 as their RNE narrowing, across chunk boundaries', async () => {
    await writeSafetensors(st, [
      { name: 'big', data: big, shape: [700, 1000] },
      { name: 'half', data: big, shape: [700_000], dtype: 'F16' },
      { name: 'brain', data: big, shape: [1000, 700], dtype: 'BF16' },
      { name: 'small', data: small, shape: [3, 11] },
    ], { note: 'test' });
    const f = await openTensorFile(st);
    try {
      expect(f.kind).toBe('safetensors');
      expect(f.path).toBe(st);
      expect(f.metadata).toEqual({ note: 'test' });
      expect(f.tensors.map((t) => [t.name, t.dtype, t.shape, t.byteLength])).toEqual([
        ['big', 'F32', [700, 1000], 2_800_000],
        ['half', 'F16', [700_000], 1_400_000],
        ['brain', 'BF16', [1000, 700], 1_400_000],
        ['small', 'F32', [3, 11], 132],
      ]);
      const r = await f.read('big');
      expect(r.shape).toEqual([700, 1000]);
      expect(f32bits(r.data)).toEqual(f32bits(big));
      const bigBits = f32bits(big);
      const half = (await f.read('half')).data;
      const brain = (await f.read('brain')).data;
      for (let i = 0; i < big.length; i++) {
        const h = f16ToF32(f32BitsToF16(bigBits[i]));
        const b = bf16ToF32(f32BitsToBf16(bigBits[i]));
        if (!(Object.is(half[i], h) || (Number.isNaN(h) && Number.isNaN(half[i])))) expect(half[i], `F16 element ${i}`).toBe(h);
        if (!(Object.is(brain[i], b) || (Number.isNaN(b) && Number.isNaN(brain[i])))) expect(brain[i], `BF16 element ${i}`).toBe(b);
      }
      expect(f32bits((await f.read('small')).data)).toEqual(f32bits(small));
      expect(await f.sha256()).toBe(createHash('sha256').update(readFileSync(st)).digest('hex'));
    } finally {
      await f.close();
    }
  });

  it('reads the header and then only the requested tensor, in chunks of at most CHUNK_BYTES', async () => {
    const { wrapped, stats } = counting(await fileSource(st));
    const f = await openTensorSource(wrapped);
    const headerBytes = stats.bytes;
    expect(headerBytes).toBeLessThan(1000);
    await f.read('big');
    expect(stats.largest).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(stats.bytes - headerBytes).toBe(2_800_000);
    expect(stats.calls).toBeGreaterThanOrEqual(3);
    await f.close();
  });

  it('reads into a caller\'s array (a view into a larger one) exactly as into a fresh one; a wrong length is BAD_OPTION', async () => {
    const f = await openTensorFile(st);
    try {
      const buf = new Float32Array(5 + 33 + 5).fill(-1);
      const view = buf.subarray(5, 38);
      const r = await f.read('small', view);
      expect(r.data).toBe(view);
      expect(f32bits(view)).toEqual(f32bits(small));
      expect([...buf.subarray(0, 5), ...buf.subarray(38)]).toEqual(Array(10).fill(-1));
      const b = new Float32Array(700_000);
      await f.read('brain', b);
      expect(f32bits(b)).toEqual(f32bits((await f.read('brain')).data));
      const e = await rejected(f.read('small', new Float32Array(32)));
      expect(e.code).toBe('BAD_OPTION');
      expect(e.message).toMatch(/tensor "small" has 33 elements; the array to read it into holds 32/);
    } finally {
      await f.close();
    }
  });

  it('reads .npy files written by writeNpy (F32 exact, F16 rounded), named after the file', async () => {
    const p = join(DIR, 'acts.npy');
    await writeNpy(p, small, [3, 11]);
    const f = await openTensorFile(p);
    expect(f.kind).toBe('npy');
    expect(f.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([['acts', '<f4', [3, 11]]]);
    expect(f32bits((await f.read('acts')).data)).toEqual(f32bits(small));
    await f.close();
    const q = join(DIR, 'acts16.npy');
    await writeNpy(q, new Float32Array([1, 65520, 2 ** -25, -1 / 3]), [4], 'F16');
    const g = await openTensorFile(q);
    expect((await g.read('acts16')).data).toEqual(new Float32Array([1, Infinity, 0, f16ToF32(0xb555)]));
    await g.close();
  });

  it('reports missing files, directories, non-tensor files and files truncated after opening', async () => {
    const missing = await rejected(openTensorFile(join(DIR, 'nope.safetensors')));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toContain(join(DIR, 'nope.safetensors'));
    mkdirSync(join(DIR, 'd.npy'));
    expect((await rejected(openTensorFile(join(DIR, 'd.npy')))).message).toContain('is not a regular file');
    expect((await rejected(openTensorFile(''))).code).toBe('BAD_OPTION');
    const readme = await rejected(openTensorFile(new URL('../../package.json', import.meta.url).pathname));
    expect(readme.code).toBe('MALFORMED_FILE');
    expect(readme.message).toContain('header length');
    const t = join(DIR, 'shrinks.safetensors');
    await writeSafetensors(t, [{ name: 'x', data: big, shape: [big.length] }]);
    const f = await openTensorFile(t);
    truncateSync(t, 1000);
    const e = await rejected(f.read('x'));
    expect(e.code).toBe('MALFORMED_FILE');
    expect(e.message).toContain(`${t}: ends at byte 1000`);
    await f.close();
  });
});
