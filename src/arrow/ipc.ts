/**
 * Arrow IPC files (.arrow, the file format) and streams (.arrows, the stream format) on disk, read
 * batch by batch and written through a temporary file renamed into place (no partial output on
 * error). safetensors and .npy files read as one batch of one row, a fixed_shape_tensor column per
 * tensor. Node only: node modules are imported when first used.
 */
import { FixedSizeList, Field, Float32, RecordBatch, RecordBatchFileWriter, RecordBatchReader, RecordBatchStreamWriter, Schema, Struct, makeData, type Data } from 'apache-arrow';
import { NumlabError, fail, show } from '../errors.js';
import { openTensorFile } from '../io/tensor-file.js';
import { EXT_META, EXT_NAME, TENSOR_EXT } from './columns.js';

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

/** A safetensors / .npy file as one batch of one row: a FixedSizeList<float32> fixed_shape_tensor column per tensor. */
export async function openTensorFileAsBatches(path: string): Promise<BatchSource> {
  const tf = await openTensorFile(path);
  try {
    const fields: Field[] = [];
    const children: Data[] = [];
    for (const t of tf.tensors) {
      const { data, shape } = await tf.read(t.name);
      const type = new FixedSizeList(data.length, new Field('item', new Float32(), false));
      fields.push(new Field(t.name, type, false, new Map([[EXT_NAME, TENSOR_EXT], [EXT_META, JSON.stringify({ shape })]])));
      children.push(makeData({ type, length: 1, nullCount: 0, child: makeData({ type: new Float32(), length: data.length, nullCount: 0, data }) }));
    }
    const schema = new Schema(fields);
    const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: 1, nullCount: 0, children }));
    return { schema, batches: (async function* () { yield batch; })(), close: async () => {} };
  } finally {
    await tf.close();
  }
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
