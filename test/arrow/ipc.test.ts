/**
 * Arrow IPC files and streams on disk: written through a temporary file (nothing left on error),
 * read batch by batch; malformed and truncated input is MALFORMED_FILE; safetensors / .npy read as
 * one batch of fixed_shape_tensor columns.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quantizeBatches, quantizeSchema } from '../../src/arrow/batches.js';
import { ipcKindOf, openArrowFile, openBatchSource, openTensorFileAsBatches, writeArrowFile } from '../../src/arrow/ipc.js';
import { fail } from '../../src/errors.js';
import { writeNpy, writeSafetensors } from '../../src/io/write.js';
import { f32bits } from '../helpers/f32.js';
import { bytesAt, collect, floatsAt, raggedAt, randomValues, tensorBatch } from '../helpers/arrow.js';
import { rejected } from '../helpers/errors.js';

const DIR = mkdtempSync(join(tmpdir(), 'numlab-arrow-ipc-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const batches = [0, 1, 2].map((k) => tensorBatch([{ name: 't', values: randomValues(4 * 32, k), size: 32, ext: '{"shape":[2,16]}' }], true));
async function* gen() {
  yield* batches;
}

async function readAll(path: string) {
  const src = await openArrowFile(path);
  try {
    return { schema: src.schema, batches: await collect(src.batches) };
  } finally {
    await src.close();
  }
}

describe('writeArrowFile / openArrowFile', () => {
  it.each(['x.arrow', 'x.arrows'])('%s round-trips batches and field metadata, with no temporary file left', async (name) => {
    const path = join(DIR, name);
    expect(await writeArrowFile(path, batches[0].schema, gen())).toBe(3);
    const back = await readAll(path);
    expect(back.batches.length).toBe(3);
    expect(back.schema.fields[1].metadata.get('ARROW:extension:metadata')).toBe('{"shape":[2,16]}');
    for (let k = 0; k < 3; k++) expect(f32bits(floatsAt(back.batches[k], 't', 3))).toEqual(f32bits(floatsAt(batches[k], 't', 3)));
    expect(readdirSync(DIR).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(ipcKindOf(path)).toBe(name.endsWith('s') ? 'stream' : 'file');
  });

  it('an empty stream still carries the schema', async () => {
    const path = join(DIR, 'empty.arrow');
    const schema = quantizeSchema(batches[0].schema, { format: 'mxfp4' });
    expect(await writeArrowFile(path, schema, (async function* () {})())).toBe(0);
    const back = await readAll(path);
    expect(back.batches.reduce((a, b) => a + b.numRows, 0)).toBe(0); // Arrow JS writes one empty batch when given none
    expect(back.schema.fields.map((f) => f.name)).toEqual(['id', 't', 't.scales']);
  });

  it('an error midway leaves no output and keeps an existing file as it was', async () => {
    const path = join(DIR, 'kept.arrows');
    writeFileSync(path, 'previous');
    async function* failing() {
      yield batches[0];
      fail('BAD_SHAPE', 'boom');
    }
    expect((await rejected(writeArrowFile(path, batches[0].schema, failing()))).message).toBe('boom');
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(DIR).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect((await rejected(writeArrowFile(join(DIR, 'x.parquet'), batches[0].schema, gen()))).code).toBe('BAD_OPTION');
  });

  it('quantized output written and read back is byte-identical', async () => {
    const path = join(DIR, 'q.arrows');
    const o = { format: 'nvfp4' };
    await writeArrowFile(path, quantizeSchema(batches[0].schema, o), quantizeBatches(gen(), o));
    const back = await readAll(path);
    const direct = await collect(quantizeBatches(gen(), o));
    expect(back.schema.fields[1].metadata).toEqual(direct[0].schema.fields[1].metadata);
    for (let k = 0; k < 3; k++) for (let r = 0; r < 4; r++) expect(bytesAt(back.batches[k], 't', r)).toEqual(bytesAt(direct[k], 't', r));
  });
});

describe('malformed input', () => {
  const whole = async (name: string) => {
    const path = join(DIR, name);
    await writeArrowFile(path, batches[0].schema, gen());
    return readFileSync(path);
  };

  it.each(['x.arrow', 'x.arrows'])('%s truncated anywhere is MALFORMED_FILE', async (name) => {
    const bytes = await whole(`full-${name}`);
    for (const cut of [0, 3, 8, 100, Math.floor(bytes.length / 2), bytes.length - 9]) {
      const path = join(DIR, `cut${cut}-${name}`);
      writeFileSync(path, bytes.subarray(0, cut));
      const e = await rejected(readAll(path));
      expect(e.code, `cut at ${cut}`).toBe('MALFORMED_FILE');
      expect(e.message).toContain(path);
    }
  });

  it('garbage, a directory and a missing file are typed errors', async () => {
    const junk = join(DIR, 'junk.arrows');
    writeFileSync(junk, Buffer.from('this is not arrow at all, not even close'.repeat(10)));
    expect((await rejected(readAll(junk))).code).toBe('MALFORMED_FILE');
    expect((await rejected(readAll(DIR))).code).toBe('MALFORMED_FILE');
    expect((await rejected(readAll(join(DIR, 'nope.arrow')))).code).toBe('FILE_NOT_FOUND');
  });
});

describe('openBatchSource on tensor files', () => {
  it('streams safetensors (F32, F16, BF16) as a ragged column, a few tensors a batch, and .npy as one row', async () => {
    const st = join(DIR, 'm.safetensors');
    const w = randomValues(6, 3);
    const big = randomValues(300, 4);
    await writeSafetensors(st, [
      { name: 'w', data: w, shape: [2, 3] },
      { name: 'h', data: new Float32Array([0.5, -2, 65504]), shape: [3], dtype: 'F16' },
      { name: 'big', data: big, shape: [3, 10, 10] },
      { name: 'b', data: new Float32Array([1.5, -0.25]), shape: [2], dtype: 'BF16' },
      { name: 's', data: new Float32Array([7]), shape: [] },
    ], { source: 'test' });
    // 1 KiB batches: w and h (36 + 12 bytes) together, big (1200 bytes) alone, then b and s
    const src = await openTensorFileAsBatches(st, 1024);
    expect(src.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(['name: Utf8', 'tensor: List<Float32>', 'tensor.shape: List<Int32>']);
    expect(Object.fromEntries(src.schema.metadata)).toEqual({ source: 'test' });
    const batches = await collect(src.batches);
    await src.close();
    expect(batches.map((b) => b.getChild('name')!.toArray())).toEqual([['w', 'h'], ['big'], ['b', 's']]);
    const rows = batches.flatMap((b) => Array.from({ length: b.numRows }, (_, r) => raggedAt(b, 'tensor', r)));
    expect(rows.map((r) => r.shape)).toEqual([[2, 3], [3], [3, 10, 10], [2], []]);
    expect(f32bits(rows[0].values)).toEqual(f32bits(w));
    expect([...rows[1].values]).toEqual([0.5, -2, 65504]);
    expect(f32bits(rows[2].values)).toEqual(f32bits(big));
    expect([...rows[3].values, ...rows[4].values]).toEqual([1.5, -0.25, 7]);
    const all = await openBatchSource(st); // default batch size: one batch
    expect((await collect(all.batches)).map((b) => b.numRows)).toEqual([5]);
    await all.close();

    const npy = join(DIR, 'a.npy');
    await writeNpy(npy, w, [3, 2]);
    const n = await openBatchSource(npy);
    const [nb] = await collect(n.batches);
    await n.close();
    expect(nb.getChild('name')!.toArray()).toEqual(['a']);
    expect(raggedAt(nb, 'tensor', 0).shape).toEqual([3, 2]);
    expect(existsSync(npy)).toBe(true);
    expect((await rejected(openBatchSource(join(DIR, 'missing.safetensors')))).code).toBe('FILE_NOT_FOUND');
  });

  it('a tensor of a dtype numlab does not read fails on open, before any batch', async () => {
    const st = join(DIR, 'i64.safetensors');
    const header = JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, i: { dtype: 'I64', shape: [1], data_offsets: [4, 12] } });
    const h = Buffer.alloc(8);
    h.writeUInt32LE(header.length, 0);
    writeFileSync(st, Buffer.concat([h, Buffer.from(header), Buffer.alloc(12)]));
    const e = await rejected(openBatchSource(st));
    expect(e.code).toBe('UNSUPPORTED_TENSOR');
    expect(e.message).toMatch(/tensor "i" has dtype "I64"; numlab reads F32, F16, BF16/);
    expect((await rejected(openTensorFileAsBatches(st, 0))).code).toBe('BAD_OPTION');
  });
});
