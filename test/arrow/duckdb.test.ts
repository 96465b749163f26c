/**
 * DuckDB (@duckdb/node-api, a dev dependency) reads a Parquet export of numlab's quantize output:
 * the export is the step docs/arrow.md ("Parquet export") gives, parquet-wasm (pinned 0.8.0, a dev
 * dependency) writing the IPC stream as Parquet. DuckDB sees the codes and scales as UTINYINT[]
 * with numlab's bytes (BLOB with fixedSizeBinary), the tensor scales as FLOAT, and the Parquet key-value metadata holds the
 * Arrow schema (`ARROW:schema`) with every numlab:* field metadata entry.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { RecordBatchReader, tableFromIPC, tableToIPC, type FixedSizeBinary, type RecordBatch } from 'apache-arrow';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, writeParquet } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeBatches, quantizeSchema, type QuantizeBatchesOptions } from '../../src/arrow/batches.js';
import { writeArrowFile } from '../../src/arrow/ipc.js';
import { f32bits } from '../helpers/f32.js';
import { bytesAt, collect, randomValues, tensorBatch } from '../helpers/arrow.js';

const DIR = mkdtempSync(join(tmpdir(), 'numlab-arrow-duckdb-'));
let db: DuckDBInstance;
let con: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});
afterAll(() => {
  con?.closeSync();
  db?.closeSync();
  rmSync(DIR, { recursive: true, force: true });
});

const SHAPE = [2, 64];
const N = 128;
const input = [0, 1].map((k) => tensorBatch([{ name: 'w', values: randomValues(4 * N, 90 + k), size: N, ext: JSON.stringify({ shape: SHAPE, dim_names: ['r', 'c'] }) }], true));

/** numlab quantize to IPC, then the documented export: parquet-wasm writes the IPC stream's table as Parquet. */
async function exported(name: string, o: QuantizeBatchesOptions) {
  const ipc = join(DIR, `${name}`);
  await writeArrowFile(ipc, quantizeSchema(input[0].schema, o), quantizeBatches(input, o));
  let bytes: Uint8Array = readFileSync(ipc);
  if (name.endsWith('.arrow')) bytes = tableToIPC(tableFromIPC(bytes), 'stream'); // parquet-wasm reads the stream format
  const parquet = join(DIR, `${name}.parquet`);
  writeFileSync(parquet, writeParquet(Table.fromIPCStream(bytes)));
  return { parquet, direct: await collect(quantizeBatches(input, o)) };
}

/** Row r of a FixedSizeBinary column. */
function fixedAt(b: RecordBatch, name: string, r: number): Uint8Array {
  const d = b.getChild(name)!.data[0];
  const w = (d.type as FixedSizeBinary).byteWidth;
  return (d.values as Uint8Array).subarray(r * w, (r + 1) * w);
}

const sqlPath = (p: string) => `'${p.replace(/'/g, "''")}'`;

describe('DuckDB reads the Parquet export of numlab output', () => {
  it.each([
    ['q.arrows', { format: 'nvfp4' }, ['id', 'w', 'w.scales', 'w.tensor_scale'], ['INTEGER', 'UTINYINT[]', 'UTINYINT[]', 'FLOAT']],
    ['q.arrow', { format: 'int8', granularity: 'channel', axis: 0 }, ['id', 'w', 'w.scales'], ['INTEGER', 'UTINYINT[]', 'UTINYINT[]']],
    ['fixed.arrows', { format: 'mxfp4', fixedSizeBinary: true }, ['id', 'w', 'w.scales'], ['INTEGER', 'BLOB', 'BLOB']],
  ] as [string, QuantizeBatchesOptions, string[], string[]][])('%s (%j): columns, bytes and float scales as numlab wrote them', async (name, o, columns, types) => {
    const { parquet, direct } = await exported(name, o);
    const r = await con.runAndReadAll(`SELECT * FROM read_parquet(${sqlPath(parquet)})`);
    expect(r.columnNames()).toEqual(columns);
    expect(r.columnTypes().map(String)).toEqual(types);
    const rows = r.getRowsJS() as unknown as (number | number[])[][];
    expect(rows.length).toBe(8);
    for (let k = 0; k < 8; k++) {
      const b = direct[Math.floor(k / 4)];
      expect(rows[k][0]).toBe(k % 4);
      for (const [j, c] of columns.entries())
        if (types[j] === 'UTINYINT[]') expect(Uint8Array.from(rows[k][j] as number[]), `${c} row ${k}`).toEqual(bytesAt(b, c, k % 4));
        else if (types[j] === 'BLOB') expect(Uint8Array.from(rows[k][j] as unknown as Uint8Array), `${c} row ${k}`).toEqual(fixedAt(b, c, k % 4));
      if (columns.includes('w.tensor_scale')) expect(f32bits(Float32Array.of(rows[k][3] as number))).toEqual(f32bits(Float32Array.of(b.getChild('w.tensor_scale')!.get(k % 4)!)));
    }
  });

  it('the Parquet key-value metadata carries the Arrow schema with every numlab:* field entry', async () => {
    const { parquet, direct } = await exported('meta.arrows', { format: 'int4', granularity: 'group', groupSize: 32, scheme: 'asymmetric' });
    const r = await con.runAndReadAll(`SELECT decode(key) AS k, value FROM parquet_kv_metadata(${sqlPath(parquet)})`);
    const kv = r.getRowsJS() as unknown as [string, Uint8Array][]; // BLOBs come back as bytes
    const entry = kv.find(([k]) => k === 'ARROW:schema');
    expect(entry, JSON.stringify(kv.map(([k]) => k))).toBeDefined();
    // ARROW:schema is the IPC schema message, base64 (the Parquet convention of Arrow writers)
    const message = Buffer.from(new TextDecoder().decode(entry![1]), 'base64');
    const reader = await RecordBatchReader.from(message).open();
    const want = direct[0].schema.fields;
    expect(reader.schema.fields.map((f) => f.name)).toEqual(want.map((f) => f.name));
    const w = Object.fromEntries(reader.schema.fields[1].metadata);
    expect(w).toEqual(Object.fromEntries(want[1].metadata));
    expect(w['numlab:format']).toBe('int4');
    expect(w['numlab:scheme']).toBe('asymmetric');
    expect(JSON.parse(w['numlab:tensor_extension'])).toEqual({ shape: SHAPE, dim_names: ['r', 'c'] });
  });
});
