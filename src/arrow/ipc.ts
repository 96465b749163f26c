/**
 * Arrow IPC files (.arrow, the file format) and streams (.arrows, the stream format) on disk, read
 * batch by batch and written through a temporary file renamed into place (no partial output on
 * error). safetensors and .npy files read as batches of a ragged tensor column, a row per tensor,
 * a few tensors at a time. Node only: node modules are imported when first used.
 */
import { Field, Float32, Int32, List, RecordBatch, RecordBatchFileWriter, RecordBatchReader, RecordBatchStreamWriter, Schema, Struct, Utf8, makeData, type DataType } from 'apache-arrow';
import { NumlabError, fail, show } from '../errors.js';
import { NPY_READABLE } from '../io/npy.js';
import { SAFETENSORS_READABLE } from '../io/safetensors.js';
import { openTensorFile } from '../io/tensor-file.js';
import type { TensorInfo } from '../io/types.js';
import { SHAPE_SUFFIX, listColumn, listData } from './columns.js';

export interface BatchSource {
  schema: Schema;
  batches: AsyncIterable<RecordBatch>;
  close(): Promise<void>;
}

export type IpcKind = 'file' | 'stream';

/** 'file' for *.arrow, 'stream' for *.arrows; anything else is BAD_OPTION. */
export function ipcKindOf(path: string): IpcKind {
  if (/\.arrow$/i.test(path)) return 'file';
  if (/\.arrows$/i.test(path)) return 'stream';
  fail('BAD_OPTION', `${show(path)}: Arrow output must be named *.arrow (IPC file) or *.arrows (IPC stream)`, path);
}

function malformed(path: string, e: unknown): never {
  if (e instanceof NumlabError) throw e;
  fail('MALFORMED_FILE', `${path}: not a valid Arrow IPC file or stream (${e instanceof Error ? e.message : String(e)})`, path);
}

/** Batches of an Arrow IPC file or stream, read one at a time (the file format by positioned reads). */
export async function openArrowFile(path: string): Promise<BatchSource> {
  const { open } = await import('node:fs/promises');
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') fail('FILE_NOT_FOUND', `no such file: ${show(path)}`, path);
    fail('MALFORMED_FILE', `cannot open ${show(path)}: ${(e as Error).message}`, path);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) fail('MALFORMED_FILE', `${show(path)} is not a regular file`, path);
    if (st.size === 0) fail('MALFORMED_FILE', `${path}: empty file, not an Arrow IPC file or stream`, path);
    let reader: RecordBatchReader;
    try {
      reader = await RecordBatchReader.from(fh);
      await reader.open();
    } catch (e) {
      malformed(path, e);
    }
    if (!reader.schema) fail('MALFORMED_FILE', `${path}: no Arrow schema found`, path);
    // A file-format reader trusts its footer; an IPC stream must end with an end-of-stream marker or a clean EOF.
    const r = reader;
    async function* batches(): AsyncGenerator<RecordBatch> {
      const it = r[Symbol.asyncIterator]();
      for (;;) {
        let step: IteratorResult<RecordBatch>;
        try {
          step = await it.next();
        } catch (e) {
          malformed(path, e);
        }
        if (step.done) return;
        yield step.value;
      }
    }
    return { schema: reader.schema, batches: batches(), close: () => fh.close().catch(() => {}) };
  } catch (e) {
    await fh.close().catch(() => {});
    throw e;
  }
}

/** Float32 bytes a tensor-file batch holds at most, unless a single tensor is larger (it is then a batch of its own). */
export const TENSOR_BATCH_BYTES = 4 << 20;

const listOf = (t: DataType) => new List(new Field('item', t, false));

/**
 * A safetensors / .npy file as a stream of batches with one row per tensor, in file order: `name`
 * (utf8), `tensor` (List<float32>: the values, row-major; F16 and BF16 widened exactly) and
 * `tensor.shape` (List<int32>), a ragged tensor column (docs/arrow.md). A batch holds consecutive
 * tensors up to `batchBytes` of float32 (a larger tensor is a batch of its own), read only when the
 * batch is asked for: memory stays about one batch deep. The file's safetensors `__metadata__` becomes
 * the schema metadata. A tensor numlab cannot read fails here, before any batch.
 */
export async function openTensorFileAsBatches(path: string, batchBytes = TENSOR_BATCH_BYTES): Promise<BatchSource> {
  if (!(Number.isSafeInteger(batchBytes) && batchBytes > 0)) fail('BAD_OPTION', `batchBytes must be a positive integer, got ${show(batchBytes)}`, batchBytes);
  const tf = await openTensorFile(path);
  try {
    for (const t of tf.tensors) {
      const readable = Object.keys(tf.kind === 'safetensors' ? SAFETENSORS_READABLE : NPY_READABLE).join(', ');
      if (t.encoding === null) fail('UNSUPPORTED_TENSOR', `${path}: tensor ${show(t.name)} has dtype ${show(t.dtype)}; numlab reads ${readable}`, t.dtype);
      if (t.n > 0x7fffffff) fail('BAD_SHAPE', `${path}: tensor ${show(t.name)} has ${t.n} elements, more than an Arrow List row holds (2^31 - 1)`, t.n);
    }
  } catch (e) {
    await tf.close();
    throw e;
  }
  const fields = [new Field('name', new Utf8(), false), new Field('tensor', listOf(new Float32()), false), new Field('tensor' + SHAPE_SUFFIX, listOf(new Int32()), false)];
  const schema = new Schema(fields, new Map(Object.entries(tf.metadata)));
  const groups: TensorInfo[][] = [];
  for (const t of tf.tensors) {
    const last = groups.at(-1);
    if (last && last.reduce((a, u) => a + 4 * u.n, 0) + 4 * t.n <= batchBytes) last.push(t);
    else groups.push([t]);
  }
  async function* batches(): AsyncGenerator<RecordBatch> {
    const utf8 = new TextEncoder();
    for (const group of groups) {
      // the group's tensors are read straight into one values array (no copy per tensor)
      const offsets = new Int32Array(group.length + 1);
      group.forEach((t, r) => (offsets[r + 1] = offsets[r] + t.n));
      const values = new Float32Array(offsets[group.length]);
      for (const [r, t] of group.entries()) await tf.read(t.name, values.subarray(offsets[r], offsets[r + 1]));
      const names = group.map((t) => utf8.encode(t.name));
      const nameOffsets = new Int32Array(names.length + 1);
      names.forEach((b, r) => (nameOffsets[r + 1] = nameOffsets[r] + b.length));
      const nameBytes = new Uint8Array(nameOffsets[names.length]);
      names.forEach((b, r) => nameBytes.set(b, nameOffsets[r]));
      const children = [
        makeData({ type: new Utf8(), length: group.length, nullCount: 0, valueOffsets: nameOffsets, data: nameBytes }),
        listData(new Float32(), values, offsets),
        listColumn(new Int32(), group.map((t) => t.shape), Int32Array),
      ];
      yield new RecordBatch(schema, makeData({ type: new Struct(fields), length: group.length, nullCount: 0, children }));
    }
  }
  return { schema, batches: batches(), close: () => tf.close().catch(() => {}) };
}

/** Arrow IPC (.arrow / .arrows) or a tensor file (.safetensors / .npy, anything else), by name. */
export async function openBatchSource(path: string): Promise<BatchSource> {
  if (typeof path !== 'string' || path === '') fail('BAD_OPTION', `input path must be a non-empty string, got ${show(path)}`, path);
  return /\.arrows?$/i.test(path) ? openArrowFile(path) : openTensorFileAsBatches(path);
}

/**
 * Writes `batches` (all of `schema`) to `path` as an IPC file or stream (by its extension), through a
 * temporary file beside it renamed into place at the end; on any error the temporary file is removed
 * and `path` is left as it was. Each batch is written as it arrives. Returns the batch count.
 */
export async function writeArrowFile(path: string, schema: Schema, batches: AsyncIterable<RecordBatch>): Promise<number> {
  const kind = ipcKindOf(path);
  const { open, rename, rm } = await import('node:fs/promises');
  const { basename, dirname, join } = await import('node:path');
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  const fh = await open(tmp, 'wx');
  let count = 0;
  try {
    const writer = kind === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
    writer.reset(undefined, schema);
    // The writer queues its output bytes; they are written out after every batch (and the queue
    // emptied) before the next batch is made, so memory stays one batch deep. A pending next() that
    // has not resolved by the next macrotask means the queue is empty; it is kept for the next round.
    const chunks = writer[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<Uint8Array>> | null = null;
    const EMPTY = Symbol('empty');
    const flush = async (final: boolean) => {
      for (;;) {
        pending ??= chunks.next();
        const r = final ? await pending : await Promise.race([pending, new Promise<typeof EMPTY>((res) => setImmediate(() => res(EMPTY)))]);
        if (r === EMPTY) return;
        pending = null;
        if (r.done) return;
        await fh.write(r.value);
      }
    };
    try {
      for await (const b of batches) {
        writer.write(b);
        count++;
        await flush(false);
      }
    } finally {
      await writer.close();
    }
    await flush(true);
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
    return count;
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
}
