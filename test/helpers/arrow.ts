/** Building Arrow record batches of tensors for the src/arrow tests. */
import { FixedSizeList, Field, Float16, Float32, Int32, List, RecordBatch, Schema, Struct, Uint16, makeData, type Data, type DataType } from 'apache-arrow';
import { listColumn } from '../../src/arrow/columns.js';
import { bf16ToF32, f32ToBf16, f32ToF16 } from '../../src/io/half.js';
import { mulberry32 } from './rng.js';

export interface TensorColumnSpec {
  name: string;
  /** Per-row tensors (each of `size` elements), concatenated. */
  values: Float32Array;
  size: number;
  /** Store as float16 (values must be exactly representable; use f16Values). */
  f16?: boolean;
  /** Store as bfloat16 bit patterns: uint16 values, field metadata numlab:dtype = bfloat16 (values must be exact bfloat16). */
  bf16?: boolean;
  /** fixed_shape_tensor metadata JSON (omitted: a plain FixedSizeList). */
  ext?: string;
}

/** Normal-ish values with a spread of magnitudes (deterministic). */
export function randomValues(n: number, seed: number): Float32Array {
  const u = mulberry32(seed);
  const r = () => u() / 2 ** 32;
  return Float32Array.from({ length: n }, () => (r() - 0.5) * 2 ** Math.floor(r() * 12 - 6));
}

export function f16Bits(x: Float32Array): Uint16Array {
  return Uint16Array.from(x, (v) => f32ToF16(v));
}

/** The bfloat16 bit patterns of x (exact when x holds bfloat16 values: see bf16Values). */
export function bf16Bits(x: Float32Array): Uint16Array {
  return Uint16Array.from(x, (v) => f32ToBf16(v));
}

/** x rounded to bfloat16 (nearest even), as float32. */
export function bf16Values(x: Float32Array): Float32Array {
  return Float32Array.from(x, (v) => bf16ToF32(f32ToBf16(v)));
}

export function tensorData(c: TensorColumnSpec): { field: Field; data: Data } {
  const rows = c.values.length / c.size;
  const elem: DataType = c.f16 ? new Float16() : c.bf16 ? new Uint16() : new Float32();
  const data = c.f16 ? f16Bits(c.values) : c.bf16 ? bf16Bits(c.values) : c.values;
  const child = makeData({ type: elem, length: c.values.length, nullCount: 0, data } as never) as Data;
  const type = new FixedSizeList(c.size, new Field('item', elem, false));
  const meta = new Map<string, string>(c.ext === undefined ? [] : [['ARROW:extension:name', 'arrow.fixed_shape_tensor'], ['ARROW:extension:metadata', c.ext]]);
  if (c.bf16) meta.set('numlab:dtype', 'bfloat16');
  return { field: new Field(c.name, type, false, meta), data: makeData({ type, length: rows, nullCount: 0, child }) };
}

/** One batch of tensor columns (all with the same row count) plus an int32 `id` column 0..rows-1 when `ids`. */
export function tensorBatch(cols: TensorColumnSpec[], ids = false): RecordBatch {
  const built = cols.map(tensorData);
  const rows = cols[0].values.length / cols[0].size;
  const fields = built.map((b) => b.field);
  const children = built.map((b) => b.data);
  if (ids) {
    fields.unshift(new Field('id', new Int32(), false));
    children.unshift(makeData({ type: new Int32(), length: rows, nullCount: 0, data: Int32Array.from({ length: rows }, (_, i) => i) }));
  }
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }));
}

/** A batch of one bare float32 column. */
export function floatBatch(name: string, values: Float32Array): RecordBatch {
  const f = new Field(name, new Float32(), false);
  return new RecordBatch(new Schema([f]), makeData({ type: new Struct([f]), length: values.length, nullCount: 0, children: [makeData({ type: new Float32(), length: values.length, nullCount: 0, data: values })] }));
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Row r of a List<uint8> column as bytes. */
export function bytesAt(b: RecordBatch, name: string, r: number): Uint8Array {
  const d = b.getChild(name)!.data[0];
  const off = d.valueOffsets as Int32Array;
  return (d.children[0].values as Uint8Array).subarray(off[r], off[r + 1]);
}

/** Row r of a FixedSizeList<float32> column. */
export function floatsAt(b: RecordBatch, name: string, r: number): Float32Array {
  const d = b.getChild(name)!.data[0];
  const size = (d.type as FixedSizeList).listSize;
  return (d.children[0].values as Float32Array).subarray(r * size, (r + 1) * size);
}

/** Row r of a ragged tensor column (List<float32> `name` beside List<int32> `name.shape`). */
export function raggedAt(b: RecordBatch, name: string, r: number): { values: Float32Array; shape: number[] } {
  const row = <T extends Int32Array | Float32Array>(col: string) => {
    const d = b.getChild(col)!.data[0];
    const off = d.valueOffsets as Int32Array;
    return (d.children[0].values as T).subarray(off[r], off[r + 1]) as T;
  };
  return { values: row<Float32Array>(name), shape: [...row<Int32Array>(`${name}.shape`)] };
}

/** One batch of a ragged tensor column `name` (+ `name.shape`): a row per tensor, each of its own shape; `ids` adds an int32 `id` column first. */
export function raggedBatch(name: string, tensors: { values: Float32Array; shape: number[] }[], ids = false): RecordBatch {
  const x = { type: new List(new Field('item', new Float32(), false)), data: listColumn(new Float32(), tensors.map((t) => t.values), Float32Array) };
  const s = { type: new List(new Field('item', new Int32(), false)), data: listColumn(new Int32(), tensors.map((t) => t.shape), Int32Array) };
  const fields: Field[] = [new Field(name, x.type, false), new Field(`${name}.shape`, s.type, false)];
  const children = [x.data, s.data];
  if (ids) {
    fields.unshift(new Field('id', new Int32(), false));
    children.unshift(makeData({ type: new Int32(), length: tensors.length, nullCount: 0, data: Int32Array.from(tensors, (_, i) => i) }));
  }
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: tensors.length, nullCount: 0, children }));
}
