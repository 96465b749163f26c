/**
 * Which columns of a record batch hold tensors, and their values as float32.
 *
 * - `FixedSizeList<float32 | float16>` tagged `arrow.fixed_shape_tensor`: each row is a tensor of the
 *   extension's `shape` (the physical, row-major storage shape; `dim_names` / `permutation` are checked
 *   and carried along, never applied);
 * - `FixedSizeList<float32 | float16>` without the extension: each row is a 1-D tensor [listSize];
 * - a bare `float32 | float16` column: the whole column of a batch is one 1-D tensor [numRows];
 * - a `List<float32 | float16>` column `x` beside a `List<int32>` column `x.shape` ("ragged"): each row
 *   is a tensor of its own shape (how safetensors / .npy files stream, a tensor or a few a batch).
 *
 * float16 is widened exactly by numlab's own table (src/io/half.ts), not by Arrow JS. bfloat16 (no
 * Arrow type) arrives as uint16 bit patterns in a column whose field metadata has numlab:dtype = bfloat16.
 */
import { DataType, Field, List, Precision, makeData, type Data, type Schema } from 'apache-arrow';
import { fail, show } from '../errors.js';
import { f16Table } from '../io/half.js';

export const EXT_NAME = 'ARROW:extension:name';
export const EXT_META = 'ARROW:extension:metadata';
export const TENSOR_EXT = 'arrow.fixed_shape_tensor';
/** Suffix of a ragged tensor column's shape column. */
export const SHAPE_SUFFIX = '.shape';

export interface TensorExtension {
  shape: number[];
  dim_names?: string[];
  permutation?: number[];
}

export interface TensorColumn {
  index: number;
  name: string;
  /**
   * 'rows': one tensor per row (FixedSizeList); 'column': the batch's whole column is one 1-D tensor;
   * 'ragged': one tensor per row (List), each of the shape its row of column `shapeIndex` gives.
   */
  mode: 'rows' | 'column' | 'ragged';
  /** Element type of the input. */
  source: Source;
  /** Per-row tensor shape ('rows' mode); null in 'column' and 'ragged' mode. */
  shape: number[] | null;
  /** 'ragged' mode: index of the `List<int32>` shape column; else null. */
  shapeIndex: number | null;
  /** The fixed_shape_tensor metadata when the input had it. */
  extension: TensorExtension | null;
}

/** The element types numlab reads: float32, float16, and bfloat16 stored as uint16 bit patterns. */
export type Source = 'float32' | 'float16' | 'bfloat16';

/** Field metadata that marks a uint16 tensor column as bfloat16 bit patterns (Arrow has no bfloat16 type). */
export const DTYPE_KEY = 'numlab:dtype';

/** The element type of values of type `t` in the column `field`, or null when they are not tensor elements. */
function sourceOf(t: DataType, field: Field): Source | null {
  const dtype = field.metadata.get(DTYPE_KEY);
  if (dtype !== undefined) {
    if (dtype !== 'bfloat16') fail('BAD_TYPE', `column ${show(field.name)}: ${DTYPE_KEY} ${show(dtype)}; numlab knows only "bfloat16" (uint16 bit patterns)`, dtype);
    if (!(DataType.isInt(t) && t.bitWidth === 16 && !t.isSigned)) fail('BAD_TYPE', `column ${show(field.name)}: ${DTYPE_KEY} "bfloat16" needs uint16 values (the bit patterns), got ${t}`, String(t));
    return 'bfloat16';
  }
  if (!DataType.isFloat(t)) return null;
  return t.precision === Precision.SINGLE ? 'float32' : t.precision === Precision.HALF ? 'float16' : null;
}

function isIntList(v: unknown, rank: number | null): v is number[] {
  return Array.isArray(v) && (rank === null || v.length === rank) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/** Parses and checks `arrow.fixed_shape_tensor` metadata against the storage list size. */
export function parseTensorExtension(field: string, json: string | undefined, listSize: number): TensorExtension {
  if (json === undefined) fail('MALFORMED_FILE', `column ${show(field)}: ${TENSOR_EXT} without ${EXT_META}`, field);
  let m: unknown;
  try {
    m = JSON.parse(json);
  } catch {
    fail('MALFORMED_FILE', `column ${show(field)}: ${EXT_META} is not JSON: ${show(json)}`, json);
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) fail('MALFORMED_FILE', `column ${show(field)}: ${EXT_META} must be a JSON object, got ${show(json)}`, json);
  const o = m as Record<string, unknown>;
  if (!isIntList(o.shape, null)) fail('MALFORMED_FILE', `column ${show(field)}: tensor shape must be a list of non-negative integers, got ${show(o.shape)}`, o.shape);
  const shape = o.shape;
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== listSize) fail('MALFORMED_FILE', `column ${show(field)}: tensor shape ${show(shape)} has ${n} elements but the list size is ${listSize}`, shape);
  const ext: TensorExtension = { shape };
  if (o.dim_names !== undefined) {
    const d = o.dim_names;
    if (!Array.isArray(d) || d.length !== shape.length || !d.every((s) => typeof s === 'string'))
      fail('MALFORMED_FILE', `column ${show(field)}: dim_names must be ${shape.length} strings, got ${show(d)}`, d);
    ext.dim_names = d as string[];
  }
  if (o.permutation !== undefined) {
    const p = o.permutation;
    const ok = isIntList(p, shape.length) && [...p].sort((a, b) => a - b).every((v, k) => v === k);
    if (!ok) fail('MALFORMED_FILE', `column ${show(field)}: permutation must be a permutation of 0..${shape.length - 1}, got ${show(p)}`, p);
    ext.permutation = p as number[];
  }
  return ext;
}

const isInt32List = (t: DataType) => DataType.isList(t) && DataType.isInt(t.children[0].type) && t.children[0].type.bitWidth === 32 && t.children[0].type.isSigned;

/** The tensor column `field` (of `schema`) describes, or null when it is not a float tensor column. */
export function tensorColumn(field: Field, index: number, schema: Schema): TensorColumn | null {
  const t = field.type;
  const extName = field.metadata.get(EXT_NAME);
  const listSource = DataType.isList(t) && extName === undefined ? sourceOf(t.children[0].type, field) : null;
  if (listSource) {
    const shapeIndex = schema.fields.findIndex((f) => f.name === field.name + SHAPE_SUFFIX);
    if (shapeIndex < 0) return null;
    const st = schema.fields[shapeIndex].type;
    if (!isInt32List(st)) fail('BAD_TYPE', `column ${show(field.name + SHAPE_SUFFIX)}: the shapes of ragged tensor column ${show(field.name)} must be List<int32>, got ${st}`, String(st));
    return { index, name: field.name, mode: 'ragged', source: listSource, shape: null, shapeIndex, extension: null };
  }
  if (DataType.isFixedSizeList(t)) {
    const child = t.children[0].type;
    const source = sourceOf(child, field);
    if (!source) {
      if (extName === TENSOR_EXT) fail('BAD_TYPE', `column ${show(field.name)}: ${TENSOR_EXT} of ${child}; numlab reads float32, float16 and (uint16 marked ${DTYPE_KEY} "bfloat16") bfloat16 tensors`, String(child));
      return null;
    }
    const size = t.listSize;
    if (extName === TENSOR_EXT) {
      const extension = parseTensorExtension(field.name, field.metadata.get(EXT_META), size);
      return { index, name: field.name, mode: 'rows', source, shape: extension.shape, shapeIndex: null, extension };
    }
    if (extName !== undefined) return null; // some other extension: not ours to read
    return { index, name: field.name, mode: 'rows', source, shape: [size], shapeIndex: null, extension: null };
  }
  if (extName === TENSOR_EXT) fail('BAD_TYPE', `column ${show(field.name)}: ${TENSOR_EXT} must be stored as a FixedSizeList, not ${t}`, String(t));
  const source = extName === undefined ? sourceOf(t, field) : null;
  if (source) return { index, name: field.name, mode: 'column', source, shape: null, shapeIndex: null, extension: null };
  return null;
}

/** The tensor columns of a schema: `names` when given (each must be one), else every float tensor column. */
export function tensorColumns(schema: Schema, names?: readonly string[]): TensorColumn[] {
  const all = schema.fields.map((f, i) => ({ f, c: tensorColumn(f, i, schema) }));
  let cols: TensorColumn[];
  if (names !== undefined) {
    cols = names.map((name) => {
      const hit = all.find((a) => a.f.name === name);
      if (!hit) fail('BAD_OPTION', `no column named ${show(name)} (columns: ${schema.fields.map((f) => show(f.name)).join(', ')})`, name);
      if (!hit.c) fail('BAD_TYPE', `column ${show(name)} is ${hit.f.type}, not a float32/float16 tensor column (FixedSizeList, float, or List with a ${SHAPE_SUFFIX} column)`, String(hit.f.type));
      return hit.c;
    });
  } else cols = all.flatMap((a) => (a.c ? [a.c] : []));
  if (cols.length === 0)
    fail('BAD_TYPE', `no float32/float16 tensor column (FixedSizeList or float) among ${show(schema.fields.map((f) => `${f.name}: ${f.type}`))}`, schema.fields.map((f) => String(f.type)));
  return cols;
}

/** Values of a primitive Data (no nulls) as float32: a view for float32, an exactly widened copy for float16 and bfloat16. */
function floatValues(d: Data, source: Source, what: string, start: number, count: number): Float32Array {
  if (d.nullCount > 0) fail('UNSUPPORTED_TENSOR', `${what} has ${d.nullCount} null values; numlab reads tensors without nulls`, d.nullCount);
  const v = d.values as Float32Array | Uint16Array;
  if (v.length < start + count) fail('MALFORMED_FILE', `${what} holds ${v.length} values, fewer than ${start + count}`, v.length);
  if (source === 'float32') return (v as Float32Array).subarray(start, start + count);
  const out = new Float32Array(count);
  if (source === 'bfloat16') {
    const bits = new Uint32Array(out.buffer); // (b << 16) as float32 is the bfloat16 value
    for (let k = 0; k < count; k++) bits[k] = v[start + k] << 16;
    return out;
  }
  const table = f16Table();
  for (let k = 0; k < count; k++) out[k] = table[v[start + k]];
  return out;
}

/** Row `r`'s tensor of a 'rows' column (a view or a copy: do not write to it). */
export function rowTensor(col: TensorColumn, d: Data, r: number): Float32Array {
  if (d.nullCount > 0) fail('UNSUPPORTED_TENSOR', `column ${show(col.name)} has ${d.nullCount} null rows; numlab reads tensors without nulls`, d.nullCount);
  const size = (d.type as unknown as { listSize: number }).listSize;
  return floatValues(d.children[0], col.source, `column ${show(col.name)}`, r * size, size);
}

/** Row `r`'s tensor of a 'ragged' column and its shape (from the batch's shape column `shapes`). */
export function raggedTensor(col: TensorColumn, d: Data, shapes: Data, r: number): { x: Float32Array; shape: number[] } {
  const what = `column ${show(col.name)}`;
  if (d.nullCount > 0 || shapes.nullCount > 0) fail('UNSUPPORTED_TENSOR', `${what} or its shapes have null rows; numlab reads tensors without nulls`, d.nullCount + shapes.nullCount);
  const shape = [...listRow(shapes, r, `column ${show(col.name + SHAPE_SUFFIX)}`)];
  if (!shape.every((v) => v >= 0)) fail('MALFORMED_FILE', `${what}: row ${r} has shape ${show(shape)} with a negative dimension`, shape);
  const off = d.valueOffsets as Int32Array;
  const n = off[r + 1] - off[r];
  if (!(off[r] >= 0 && n >= 0)) fail('MALFORMED_FILE', `${what}: row ${r} spans values [${off[r]}, ${off[r + 1]})`, [off[r], off[r + 1]]);
  const want = shape.reduce((a, b) => a * b, 1);
  if (want !== n) fail('BAD_SHAPE', `${what}: row ${r} holds ${n} values but its shape ${show(shape)} has ${want} elements`, shape);
  return { x: floatValues(d.children[0], col.source, what, off[r], n), shape };
}

/** Row r of a List column's values (a view): bounds checked against the child. */
export function listRow<T extends Int32Array | Uint8Array>(d: Data, r: number, what: string): T {
  if (d.nullCount > 0) fail('MALFORMED_FILE', `${what} has null rows`, d.nullCount);
  const off = d.valueOffsets as Int32Array;
  const values = d.children[0].values as T;
  const a = off[r], b = off[r + 1];
  if (!(a >= 0 && b >= a && b <= values.length)) fail('MALFORMED_FILE', `${what}: row ${r} spans values [${a}, ${b}) of ${values.length}`, [a, b]);
  return values.subarray(a, b) as T;
}

/** The whole 'column' tensor of one batch. */
export function columnTensor(col: TensorColumn, d: Data): Float32Array {
  return floatValues(d, col.source, `column ${show(col.name)}`, 0, d.length);
}

type ListValues = Uint8Array | Int32Array | Float32Array;

/**
 * A non-null List<child> column from per-row values (copied into one child array, except a single row
 * of the right array type, used as it is). BAD_SHAPE past 2^31 − 1 values: List offsets are int32.
 */
export function listColumn(child: DataType, rows: ArrayLike<number>[], Values: { new (n: number): ListValues }): Data {
  const offsets = new Int32Array(rows.length + 1);
  let total = 0;
  for (let r = 0; r < rows.length; r++) {
    total += rows[r].length;
    if (total > 0x7fffffff) fail('BAD_SHAPE', `a batch's column exceeds 2^31 - 1 values (Arrow List offsets are int32): use smaller batches`, total);
    offsets[r + 1] = total;
  }
  const only = rows.length === 1 && rows[0] instanceof Values ? (rows[0] as ListValues) : null;
  const values = only ?? new Values(total);
  if (!only) rows.forEach((x, r) => values.set(x, offsets[r]));
  return listData(child, values, offsets);
}

/** A non-null List<child> column of `offsets.length - 1` rows: row r is values[offsets[r] … offsets[r + 1]). */
export function listData(child: DataType, values: ListValues, offsets: Int32Array): Data {
  const type = new List(new Field('item', child, false));
  return makeData({ type, length: offsets.length - 1, nullCount: 0, valueOffsets: offsets, child: makeData({ type: child, length: values.length, nullCount: 0, data: values } as never) as Data });
}
