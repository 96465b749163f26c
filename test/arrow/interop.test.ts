/**
 * A second, independent Arrow reader (@uwdata/flechette) on numlab's output: it sees the same
 * columns, metadata and bytes as apache-arrow, and a decoder written from docs/arrow.md alone (no
 * numlab code) over flechette's view gives the library's decode bit for bit.
 */
import { tableFromIPC } from '@uwdata/flechette';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dequantizeBatches, quantizeBatches, quantizeSchema, dequantizeSchema } from '../../src/arrow/batches.js';
import { writeArrowFile } from '../../src/arrow/ipc.js';
import { format } from '../../src/formats/format.js';
import { f32bits } from '../helpers/f32.js';
import { bytesAt, collect, randomValues, tensorBatch } from '../helpers/arrow.js';

const DIR = mkdtempSync(join(tmpdir(), 'numlab-arrow-interop-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const SHAPE = [4, 64];
const N = 256;
const input = [0, 1].map((k) => tensorBatch([{ name: 'w', values: randomValues(3 * N, 40 + k), size: N, ext: JSON.stringify({ shape: SHAPE }) }], true));

async function quantizedFile(name: string, o: { format: string; granularity?: 'channel'; axis?: number; fixedSizeBinary?: boolean }) {
  const path = join(DIR, name);
  await writeArrowFile(path, quantizeSchema(input[0].schema, o), quantizeBatches(input, o));
  return { path, direct: await collect(quantizeBatches(input, o)) };
}

type Flechette = ReturnType<typeof tableFromIPC>;
const rowsOf = (t: Flechette, name: string) => t.getChild(name)!.toArray() as unknown as ArrayLike<ArrayLike<number>>;

describe('@uwdata/flechette reads numlab output', () => {
  it.each(['q.arrow', 'q.arrows'])('%s: same columns, metadata and bytes as apache-arrow', async (name) => {
    const { path, direct } = await quantizedFile(name, { format: 'nvfp4' });
    const t = tableFromIPC(readFileSync(path));
    expect(t.numRows).toBe(6);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['id', 'w', 'w.scales', 'w.tensor_scale']);
    expect(Object.fromEntries(t.schema.fields[1].metadata!)).toEqual(Object.fromEntries(direct[0].schema.fields[1].metadata));
    const codes = rowsOf(t, 'w'), scales = rowsOf(t, 'w.scales');
    const ts = t.getChild('w.tensor_scale')!.toArray() as unknown as Float32Array;
    expect(direct.map((b) => b.numRows)).toEqual([3, 3]);
    for (let r = 0; r < 6; r++) {
      expect(Uint8Array.from(codes[r])).toEqual(bytesAt(direct[Math.floor(r / 3)], 'w', r % 3));
      expect(Uint8Array.from(scales[r])).toEqual(bytesAt(direct[Math.floor(r / 3)], 'w.scales', r % 3));
      expect(Object.is(ts[r], direct[Math.floor(r / 3)].getChild('w.tensor_scale')!.get(r % 3))).toBe(true);
    }
  });

  it('reads FixedSizeBinary output (fixedSizeBinary) as the same bytes per row', async () => {
    const list = await quantizedFile('l.arrows', { format: 'int4', granularity: 'channel', axis: 0 });
    const fixed = await quantizedFile('f.arrows', { format: 'int4', granularity: 'channel', axis: 0, fixedSizeBinary: true });
    const t = tableFromIPC(readFileSync(fixed.path));
    const l = tableFromIPC(readFileSync(list.path));
    for (const c of ['w', 'w.scales']) {
      const got = t.getChild(c)!.toArray() as unknown as Uint8Array[];
      expect(got[0]).toBeInstanceOf(Uint8Array);
      for (let r = 0; r < 6; r++) expect(Uint8Array.from(got[r]), `${c} row ${r}`).toEqual(Uint8Array.from(rowsOf(l, c)[r]));
    }
  });

  it('a decoder written from docs/arrow.md over flechette equals the library decode (int8 per channel, mxfp4)', async () => {
    const int8 = await quantizedFile('int8.arrows', { format: 'int8', granularity: 'channel', axis: 0 });
    const mx = await quantizedFile('mxfp4.arrow', { format: 'mxfp4' });
    const ti = tableFromIPC(readFileSync(int8.path));
    const tm = tableFromIPC(readFileSync(mx.path));
    const meta = (t: Flechette) => t.schema.fields[1].metadata!;
    expect(meta(ti).get('numlab:granularity')).toBe('channel');
    expect(meta(tm).get('numlab:block_size')).toBe('32');
    const E2M1 = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
    for (let r = 0; r < 6; r++) {
      const x = input[Math.floor(r / 3)].getChild('w')!.get(r % 3)!.toArray() as Float32Array;
      // int8, channel scales along axis 0 of [4, 64]: value = int8(code) · scale[row] in f32
      const ci = Uint8Array.from(rowsOf(ti, 'w')[r]);
      const si = new Float32Array(Uint8Array.from(rowsOf(ti, 'w.scales')[r]).buffer);
      const gotI = Float32Array.from({ length: N }, (_, i) => Math.fround(((ci[i] << 24) >> 24) * si[Math.floor(i / 64)]));
      const fi = format('int8');
      expect(f32bits(gotI)).toEqual(f32bits(fi.decodeScaled(fi.encodeScaled(x, { shape: SHAPE, granularity: 'channel', axis: 0 }))));
      // mxfp4: 4-bit codes low nibble first, E2M1 (sign bit 3) times 2^(scale − 127), blocks of 32 along the last axis
      const cm = Uint8Array.from(rowsOf(tm, 'w')[r]);
      const sm = Uint8Array.from(rowsOf(tm, 'w.scales')[r]);
      const gotM = Float32Array.from({ length: N }, (_, i) => {
        const c = (cm[i >> 1] >> ((i & 1) * 4)) & 0xf;
        return Math.fround((c & 8 ? -1 : 1) * E2M1[c & 7] * 2 ** (sm[Math.floor(i / 32)] - 127));
      });
      const fm = format('mxfp4');
      expect(f32bits(gotM)).toEqual(f32bits(fm.decode(fm.encode(x, { shape: SHAPE }))));
    }
  });

  it('reads dequantized output: fixed_shape_tensor restored, values the library decode', async () => {
    const { path } = await quantizedFile('deq-in.arrows', { format: 'mxfp4' });
    const src = tableFromIPC(readFileSync(path));
    expect(src.numRows).toBe(6);
    const q = await collect(quantizeBatches(input, { format: 'mxfp4' }));
    const out = join(DIR, 'deq.arrow');
    await writeArrowFile(out, dequantizeSchema(q[0].schema), dequantizeBatches(q));
    const t = tableFromIPC(readFileSync(out));
    const f = t.schema.fields[1];
    expect(f.metadata!.get('ARROW:extension:name')).toBe('arrow.fixed_shape_tensor');
    expect(JSON.parse(f.metadata!.get('ARROW:extension:metadata')!)).toEqual({ shape: SHAPE });
    const rows = rowsOf(t, 'w');
    const fm = format('mxfp4');
    for (let r = 0; r < 6; r++) {
      const x = input[Math.floor(r / 3)].getChild('w')!.get(r % 3)!.toArray() as Float32Array;
      expect(f32bits(Float32Array.from(rows[r]))).toEqual(f32bits(fm.decode(fm.encode(x, { shape: SHAPE }))));
    }
  });
});
