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
import { ipcKindOf, openArrowFile, openBatchSource, writeArrowFile } from '../../src/arrow/ipc.js';
import { fail } from '../../src/errors.js';
import { writeNpy, writeSafetensors } from '../../src/io/write.js';
import { f32bits } from '../helpers/f32.js';
import { bytesAt, collect, floatsAt, randomValues, tensorBatch } from '../helpers/arrow.js';
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
  it('reads safetensors (F32, F16) and .npy as one batch of fixed_shape_tensor columns', async () => {
    const st = join(DIR, 'm.safetensors');
    const w = randomValues(6, 3);
    await writeSafetensors(st, [
      { name: 'w', data: w, shape: [2, 3] },
      { name: 'h', data: new Float32Array([0.5, -2, 65504]), shape: [3], dtype: 'F16' },
    ]);
    const src = await openBatchSource(st);
    const [b] = await collect(src.batches);
    await src.close();
    expect(b.numRows).toBe(1);
    expect(src.schema.fields.map((f) => [f.name, String(f.type), f.metadata.get('ARROW:extension:metadata')])).toEqual([
      ['w', 'FixedSizeList[6]<Float32>', '{"shape":[2,3]}'],
      ['h', 'FixedSizeList[3]<Float32>', '{"shape":[3]}'],
    ]);
    expect(f32bits(floatsAt(b, 'w', 0))).toEqual(f32bits(w));
    expect([...floatsAt(b, 'h', 0)]).toEqual([0.5, -2, 65504]);
    const npy = join(DIR, 'a.npy');
    await writeNpy(npy, w, [3, 2]);
    const n = await openBatchSource(npy);
    expect(n.schema.fields[0].metadata.get('ARROW:extension:metadata')).toBe('{"shape":[3,2]}');
    expect(existsSync(npy)).toBe(true);
    expect((await rejected(openBatchSource(join(DIR, 'missing.safetensors')))).code).toBe('FILE_NOT_FOUND');
  });
});
