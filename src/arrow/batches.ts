/**
 * quantizeBatches / dequantizeBatches: Arrow record batches of float tensors in, batches of packed
 * codes and scales out (and back), one output batch per input batch. The layout (layout version 1)
 * is specified in docs/arrow.md; a reader without numlab can decode it from that page alone.
 */
import { DataType, Field, FixedSizeBinary, Float32, Int32, List, RecordBatch, Schema, Struct, Uint8, FixedSizeList, makeData, type Data } from 'apache-arrow';
import { fail, show } from '../errors.js';
import { format, type ElementFormat, type Format } from '../formats/format.js';
import type { BlockFormat } from '../formats/block.js';
import type { BlockScaleRule } from '../formats/block-spec.js';
import type { BlockRounding } from '../formats/block-layout.js';
import { pack, unpack } from '../formats/packing.js';
import type { Granularity, ScaleMode, Scheme } from '../formats/scaled.js';
import type { RoundingMode } from '../formats/spec.js';
import { EXT_META, EXT_NAME, SHAPE_SUFFIX, TENSOR_EXT, columnTensor, listColumn, listRow, raggedTensor, rowTensor, tensorColumns, type TensorColumn } from './columns.js';

export const LAYOUT_VERSION = '1';

export interface QuantizeBatchesOptions {
  /** Any numlab format name (element or block). */
  format: string;
  /** Axis of each tensor (its physical, row-major storage shape); default the last. Negative counts from the end. */
  axis?: number;
  /** Element formats: 'tensor' (default), 'channel' or 'group' (with groupSize). Not for block formats. */
  granularity?: Granularity;
  groupSize?: number;
  /** Element formats: 'absmax' (default) or 'absmax_pow2'. */
  scale?: ScaleMode;
  /** INT element formats: default the format's. */
  scheme?: Scheme;
  /** Block formats: the scale rule (default the row's). */
  scaleRule?: BlockScaleRule;
  rounding?: RoundingMode;
  /** Columns to quantize; default every float tensor column. */
  columns?: readonly string[];
  /**
   * Codes, scales and zero points as FixedSizeBinary columns (each row's bytes, of one width per
   * column) instead of List<uint8>. Rows mode only (FixedSizeList tensor columns): every row then
   * encodes to the same number of bytes.
   */
  fixedSizeBinary?: boolean;
}

/** Metadata keys on a codes field (docs/arrow.md). */
const K = {
  layout: 'numlab:layout',
  format: 'numlab:format',
  kind: 'numlab:kind',
  mode: 'numlab:mode',
  shape: 'numlab:shape',
  axis: 'numlab:axis',
  bits: 'numlab:code_bits',
  blockSize: 'numlab:block_size',
  scaleFormat: 'numlab:scale_format',
  granularity: 'numlab:granularity',
  groupSize: 'numlab:group_size',
  scheme: 'numlab:scheme',
  source: 'numlab:source_type',
  extension: 'numlab:tensor_extension',
} as const;

const SUFFIX = { scales: '.scales', zeroPoints: '.zero_points', tensorScale: '.tensor_scale', length: '.length', shape: SHAPE_SUFFIX } as const;

const bytesType = () => new List(new Field('item', new Uint8(), false));
const shapesType = () => new List(new Field('item', new Int32(), false));
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of a 16/32-bit typed array (a view on little-endian hosts). */
function leBytes(a: Uint16Array | Float32Array | Int32Array): Uint8Array {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (HOST_LE) return b;
  const out = new Uint8Array(b.length);
  const w = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < b.length; i += w) for (let j = 0; j < w; j++) out[i + j] = b[i + w - 1 - j];
  return out;
}

function fromLe<T extends Uint16Array | Float32Array | Int32Array>(bytes: Uint8Array, Ctor: { new (n: number): T; BYTES_PER_ELEMENT: number }, what: string): T {
  const w = Ctor.BYTES_PER_ELEMENT;
  if (bytes.length % w !== 0) fail('MALFORMED_FILE', `${what}: ${bytes.length} bytes is not a whole number of ${w}-byte values`, bytes.length);
  const out = new Ctor(bytes.length / w);
  const ob = new Uint8Array(out.buffer);
  if (HOST_LE) ob.set(bytes);
  else for (let i = 0; i < bytes.length; i += w) for (let j = 0; j < w; j++) ob[i + j] = bytes[i + w - 1 - j];
  return out;
}

/** A List<uint8> or FixedSizeBinary column (as `type` is) from per-row byte arrays. */
function bytesColumn(type: DataType, rows: Uint8Array[], what: string): Data {
  if (!DataType.isFixedSizeBinary(type)) return listColumn(new Uint8(), rows, Uint8Array);
  const w = type.byteWidth;
  const data = new Uint8Array(rows.length * w);
  rows.forEach((b, r) => {
    if (b.length !== w) fail('FORMAT_MISMATCH', `${what}: row ${r} encodes to ${b.length} bytes, not the column's FixedSizeBinary(${w})`, b.length);
    data.set(b, r * w);
  });
  return makeData({ type, length: rows.length, nullCount: 0, data });
}

/** Row r's bytes of a List<uint8> or FixedSizeBinary column (a view), bounds checked. */
function bytesRow(d: Data, r: number, what: string): Uint8Array {
  if (!DataType.isFixedSizeBinary(d.type)) return listRow<Uint8Array>(d, r, what);
  if (d.nullCount > 0) fail('MALFORMED_FILE', `${what} has null rows`, d.nullCount);
  const w = d.type.byteWidth;
  const values = d.values as Uint8Array;
  if ((r + 1) * w > values.length) fail('MALFORMED_FILE', `${what}: row ${r} of ${w} bytes runs past the ${values.length} bytes held`, values.length);
  return values.subarray(r * w, (r + 1) * w);
}

const isBytesType = (t: DataType) => DataType.isFixedSizeBinary(t) || (DataType.isList(t) && DataType.isInt(t.children[0].type) && t.children[0].type.bitWidth === 8);

interface Plan {
  cols: TensorColumn[];
  schema: Schema;
  /** Output column sources: a tensor column's outputs or an input column passed through. */
  outputs: ({ pass: number } | { col: TensorColumn })[];
}

interface Codec {
  fmt: Format;
  block: BlockFormat | null;
  scheme: Scheme | null;
}

function codecOf(o: QuantizeBatchesOptions): Codec {
  if (typeof o !== 'object' || o === null) fail('BAD_OPTION', `options must be an object with a format, got ${show(o)}`, o);
  if (typeof o.format !== 'string') fail('BAD_OPTION', `format must be a format name, got ${show(o.format)}`, o.format);
  const fmt = format(o.format);
  if (fmt.kind === 'block') {
    for (const key of ['granularity', 'groupSize', 'scale', 'scheme'] as const)
      if (o[key] !== undefined) fail('BAD_OPTION', `${key} does not apply to block format ${fmt.id} (its scales are per block of ${fmt.spec.blockSize})`, o[key]);
    return { fmt, block: fmt, scheme: null };
  }
  if (o.scaleRule !== undefined) fail('BAD_OPTION', `scaleRule applies to block formats only, not ${fmt.id}`, o.scaleRule);
  const scheme = o.scheme ?? fmt.defaultScheme;
  if (scheme !== 'symmetric' && scheme !== 'asymmetric') fail('BAD_OPTION', `scheme must be 'symmetric' or 'asymmetric', got ${show(scheme)}`, scheme);
  return { fmt, block: null, scheme };
}

function codesMetadata(col: TensorColumn, c: Codec, o: QuantizeBatchesOptions): Map<string, string> {
  const m = new Map<string, string>([
    [K.layout, LAYOUT_VERSION],
    [K.format, c.fmt.id],
    [K.kind, c.block ? 'block' : 'scaled'],
    [K.mode, col.mode],
    [K.bits, String(c.fmt.bits)],
    [K.source, col.source],
  ]);
  if (col.mode === 'ragged') {
    // each row has its own rank: the axis is kept as given (negative counts from the end) and checked per row
    const axis = o.axis ?? -1;
    if (!Number.isSafeInteger(axis)) fail('BAD_OPTION', `axis must be an integer, got ${show(o.axis)}`, o.axis);
    m.set(K.axis, String(axis));
  } else {
    const shape = col.shape ?? [-1];
    if (col.shape) m.set(K.shape, JSON.stringify(col.shape));
    const rank = shape.length;
    const axisIn = o.axis ?? rank - 1;
    if (!Number.isInteger(axisIn) || axisIn < -rank || axisIn >= rank) fail('BAD_SHAPE', `axis ${show(o.axis)} out of range for column ${show(col.name)} of rank ${rank}`, o.axis);
    m.set(K.axis, String(axisIn < 0 ? axisIn + rank : axisIn));
  }
  if (c.block) {
    m.set(K.blockSize, String(c.block.spec.blockSize));
    const sc = c.block.spec.scale;
    m.set(K.scaleFormat, typeof sc === 'string' ? sc : `bfp_exp${sc.expBits}`);
  } else {
    const g = o.granularity ?? (o.groupSize !== undefined ? 'group' : 'tensor');
    m.set(K.granularity, g);
    if (g === 'group') m.set(K.groupSize, String(o.groupSize));
    m.set(K.scaleFormat, 'f32le');
    m.set(K.scheme, c.scheme!);
  }
  if (col.extension) m.set(K.extension, JSON.stringify(col.extension));
  return m;
}

function planQuantize(schema: Schema, o: QuantizeBatchesOptions, c: Codec): Plan {
  const cols = tensorColumns(schema, o.columns);
  const byIndex = new Map(cols.map((col) => [col.index, col]));
  const shapeColumns = new Set(cols.flatMap((col) => (col.shapeIndex === null ? [] : [col.shapeIndex])));
  if (cols.some((col) => col.mode === 'column') && (cols.some((col) => col.mode !== 'column') || cols.length < schema.fields.length))
    fail('BAD_TYPE', `a bare float column (${show(cols.find((col) => col.mode === 'column')!.name)}) is one tensor per batch, so it cannot share a batch with other columns; use FixedSizeList tensor columns`, schema.fields.map((f) => f.name));
  const fields: Field[] = [];
  const outputs: Plan['outputs'] = [];
  schema.fields.forEach((f, i) => {
    const col = byIndex.get(i);
    if (shapeColumns.has(i)) return; // a ragged column's shapes: they follow its codes
    if (!col) {
      fields.push(f);
      outputs.push({ pass: i });
      return;
    }
    outputs.push({ col });
    const meta = codesMetadata(col, c, o);
    let types = { codes: bytesType() as DataType, scales: bytesType() as DataType, zeroPoints: bytesType() as DataType };
    if (o.fixedSizeBinary) {
      if (col.mode !== 'rows') fail('BAD_OPTION', `fixedSizeBinary needs a tensor of one shape per row (a FixedSizeList column); ${show(col.name)} is in ${col.mode} mode, its rows encode to different sizes`, col.name);
      // the widths are what the encoder gives for this shape (a zero tensor of it, encoded once)
      const shape = col.shape!;
      const probe = encodeTensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, Number(meta.get(K.axis)), c, o, meta);
      types = { codes: new FixedSizeBinary(probe.codes.length), scales: new FixedSizeBinary(probe.scales.length), zeroPoints: new FixedSizeBinary(probe.zeroPoints?.length ?? 0) };
    }
    fields.push(new Field(col.name, types.codes, false, meta));
    fields.push(new Field(col.name + SUFFIX.scales, types.scales, false));
    if (c.scheme === 'asymmetric') fields.push(new Field(col.name + SUFFIX.zeroPoints, types.zeroPoints, false));
    if (c.block?.spec.tensorScale === 'f32') fields.push(new Field(col.name + SUFFIX.tensorScale, new Float32(), false));
    if (col.mode === 'column') fields.push(new Field(col.name + SUFFIX.length, new Int32(), false));
    if (col.mode === 'ragged') fields.push(new Field(col.name + SUFFIX.shape, shapesType(), false));
  });
  const names = new Set<string>();
  for (const f of fields) {
    if (names.has(f.name)) fail('BAD_OPTION', `output column ${show(f.name)} would appear twice (an input column already has that name)`, f.name);
    names.add(f.name);
  }
  return { cols, schema: new Schema(fields, schema.metadata), outputs };
}

interface Encoded {
  codes: Uint8Array;
  scales: Uint8Array;
  zeroPoints: Uint8Array | null;
  tensorScale: number | null;
}

function encodeTensor(x: Float32Array, shape: number[], axis: number, c: Codec, o: QuantizeBatchesOptions, meta: Map<string, string>): Encoded {
  if (c.block) {
    const e = c.block.encode(x, { shape, axis, scaleRule: o.scaleRule, rounding: o.rounding as BlockRounding | undefined });
    return { codes: e.codes, scales: e.scales, zeroPoints: null, tensorScale: e.tensorScale ?? null };
  }
  const g = meta.get(K.granularity) as Granularity;
  const f = c.fmt as ElementFormat; // c.block is null: an element format
  const e = f.encodeScaled(x, {
    shape, axis, granularity: g, groupSize: g === 'group' ? o.groupSize : undefined, scale: o.scale, scheme: c.scheme!, rounding: o.rounding,
  });
  const codes = e.codes instanceof Uint8Array ? (f.bits === 8 ? e.codes : pack(e.codes, f.bits)) : leBytes(e.codes);
  return { codes, scales: leBytes(e.scales), zeroPoints: e.zeroPoints ? leBytes(e.zeroPoints) : null, tensorScale: null };
}

/** A ragged row's axis: `axis` (negative counts from the end) resolved against its shape. */
function rowAxis(axis: number, shape: number[], what: string): number {
  const rank = shape.length;
  if (axis < -rank || axis >= rank) fail('BAD_SHAPE', `${what}: axis ${axis} out of range for shape ${show(shape)}`, shape);
  return axis < 0 ? axis + rank : axis;
}

function quantizeBatch(batch: RecordBatch, plan: Plan, c: Codec, o: QuantizeBatchesOptions): RecordBatch {
  const children: Data[] = [];
  let length = batch.numRows;
  for (const out of plan.outputs) {
    if ('pass' in out) {
      children.push(batch.data.children[out.pass]);
      continue;
    }
    const col = out.col;
    const d = batch.data.children[col.index];
    const meta = plan.schema.fields.find((f) => f.name === col.name)!.metadata;
    const axis = Number(meta.get(K.axis));
    const enc: Encoded[] = [];
    let n = 0;
    if (col.mode === 'rows') for (let r = 0; r < batch.numRows; r++) enc.push(encodeTensor(rowTensor(col, d, r), col.shape!, axis, c, o, meta));
    else if (col.mode === 'ragged')
      for (let r = 0; r < batch.numRows; r++) {
        const { x, shape } = raggedTensor(col, d, batch.data.children[col.shapeIndex!], r);
        enc.push(encodeTensor(x, shape, rowAxis(axis, shape, `column ${show(col.name)} row ${r}`), c, o, meta));
      }
    else {
      const x = columnTensor(col, d);
      n = x.length;
      enc.push(encodeTensor(x, [n], 0, c, o, meta));
      length = 1;
    }
    const typeOf = (suffix: string) => plan.schema.fields.find((f) => f.name === col.name + suffix)!.type;
    children.push(bytesColumn(typeOf(''), enc.map((e) => e.codes), `column ${show(col.name)}`), bytesColumn(typeOf(SUFFIX.scales), enc.map((e) => e.scales), `column ${show(col.name + SUFFIX.scales)}`));
    if (c.scheme === 'asymmetric')
      children.push(bytesColumn(typeOf(SUFFIX.zeroPoints), enc.map((e) => e.zeroPoints ?? fail('FORMAT_MISMATCH', `${c.fmt.id}: asymmetric encoding without zero points`, c.fmt.id)), `column ${show(col.name + SUFFIX.zeroPoints)}`));
    if (c.block?.spec.tensorScale === 'f32') children.push(makeData({ type: new Float32(), length: enc.length, nullCount: 0, data: Float32Array.from(enc, (e) => e.tensorScale!) }));
    if (col.mode === 'column') children.push(makeData({ type: new Int32(), length: 1, nullCount: 0, data: Int32Array.of(n) }));
    if (col.mode === 'ragged') children.push(batch.data.children[col.shapeIndex!]);
  }
  return new RecordBatch(plan.schema, makeData({ type: new Struct(plan.schema.fields), length, nullCount: 0, children }));
}

async function* batchesOf(batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>): AsyncGenerator<RecordBatch> {
  for await (const b of batches) {
    if (!(b instanceof RecordBatch)) fail('BAD_TYPE', `expected Arrow RecordBatches, got ${show(b)}`, b);
    yield b;
  }
}

/** The output schema quantizeBatches gives for input `schema` (e.g. to write an empty stream). */
export function quantizeSchema(schema: Schema, o: QuantizeBatchesOptions): Schema {
  return planQuantize(schema, o, codecOf(o)).schema;
}

/**
 * Quantizes every tensor column of each batch (one output batch per input batch): the codes column
 * takes the tensor column's name and place, followed by `.scales` (and `.zero_points`,
 * `.tensor_scale`, `.length` where they apply); other columns pass through.
 */
export async function* quantizeBatches(batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, o: QuantizeBatchesOptions): AsyncGenerator<RecordBatch> {
  const c = codecOf(o);
  let plan: Plan | null = null;
  let inSchema: Schema | null = null;
  for await (const b of batchesOf(batches)) {
    if (!plan || b.schema !== inSchema) {
      if (plan && !sameSchema(b.schema, inSchema!)) fail('BAD_TYPE', `batch schema changed mid-stream: ${show(b.schema.fields.map(String))}`, b.schema.fields.map(String));
      plan = plan ?? planQuantize(b.schema, o, c);
      inSchema = b.schema;
    }
    yield quantizeBatch(b, plan, c, o);
  }
}

const sameSchema = (a: Schema, b: Schema) => a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i].name && String(f.type) === String(b.fields[i].type));

// ---- dequantize ------------------------------------------------------------------------------------

interface Encoded_col {
  index: number;
  name: string;
  fmt: Format;
  mode: 'rows' | 'column' | 'ragged';
  shape: number[] | null;
  /** Non-negative, except in ragged mode (negative counts from each row's end). */
  axis: number;
  granularity: Granularity | null;
  groupSize: number | null;
  scales: number;
  zeroPoints: number | null;
  tensorScale: number | null;
  length: number | null;
  /** Ragged mode: the shapes column. */
  shapes: number | null;
  field: Field;
}

function need(m: Map<string, string>, key: string, col: string): string {
  const v = m.get(key);
  if (v === undefined) fail('MALFORMED_FILE', `column ${show(col)}: numlab metadata ${show(key)} is missing`, key);
  return v;
}

function jsonOf(s: string, what: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    fail('MALFORMED_FILE', `${what} is not JSON: ${show(s)}`, s);
  }
}

function planDequantize(schema: Schema): { cols: Encoded_col[]; schema: Schema; outputs: ({ pass: number } | { col: Encoded_col })[] } {
  const idx = new Map(schema.fields.map((f, i) => [f.name, i]));
  const cols: Encoded_col[] = [];
  const companions = new Set<number>();
  schema.fields.forEach((f, i) => {
    const m = f.metadata;
    if (!m.has(K.layout)) return;
    const name = f.name;
    if (m.get(K.layout) !== LAYOUT_VERSION) fail('MALFORMED_FILE', `column ${show(name)}: numlab layout ${show(m.get(K.layout))}; this numlab reads layout ${LAYOUT_VERSION}`, m.get(K.layout));
    if (!isBytesType(f.type)) fail('BAD_TYPE', `column ${show(name)}: codes must be List<uint8> or FixedSizeBinary, got ${f.type}`, String(f.type));
    const fmt = format(need(m, K.format, name));
    const kind = need(m, K.kind, name);
    if (kind !== (fmt.kind === 'block' ? 'block' : 'scaled')) fail('MALFORMED_FILE', `column ${show(name)}: kind ${show(kind)} does not match format ${fmt.id}`, kind);
    const mode = need(m, K.mode, name);
    if (mode !== 'rows' && mode !== 'column' && mode !== 'ragged') fail('MALFORMED_FILE', `column ${show(name)}: mode ${show(mode)} is not 'rows', 'column' or 'ragged'`, mode);
    let shape: number[] | null = null;
    if (mode === 'rows') {
      const s = jsonOf(need(m, K.shape, name), `column ${show(name)} shape`);
      if (!Array.isArray(s) || !s.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('MALFORMED_FILE', `column ${show(name)}: shape ${show(s)} is not a list of non-negative integers`, s);
      shape = s as number[];
    }
    const axisText = need(m, K.axis, name);
    const axis = Number(axisText);
    if (!/^-?\d+$/.test(axisText) || !Number.isSafeInteger(axis) || (mode !== 'ragged' && axis < 0)) fail('MALFORMED_FILE', `column ${show(name)}: axis ${show(axisText)} is not ${mode === 'ragged' ? 'an integer' : 'a non-negative integer'}`, axisText);
    const companion = (suffix: string, present: boolean, type: (t: DataType) => boolean): number | null => {
      const j = idx.get(name + suffix);
      if (!present) return null;
      if (j === undefined) fail('MALFORMED_FILE', `column ${show(name)}: companion column ${show(name + suffix)} is missing`, name + suffix);
      if (!type(schema.fields[j].type)) fail('BAD_TYPE', `column ${show(name + suffix)} has type ${schema.fields[j].type}`, String(schema.fields[j].type));
      companions.add(j);
      return j;
    };
    const g = fmt.kind === 'block' ? null : (need(m, K.granularity, name) as Granularity);
    const gs = g === 'group' ? Number(need(m, K.groupSize, name)) : null;
    const scheme = fmt.kind === 'block' ? null : need(m, K.scheme, name);
    cols.push({
      index: i, name, fmt, mode, shape, axis, granularity: g, groupSize: gs, field: f,
      scales: companion(SUFFIX.scales, true, isBytesType)!,
      zeroPoints: companion(SUFFIX.zeroPoints, scheme === 'asymmetric', isBytesType),
      tensorScale: companion(SUFFIX.tensorScale, fmt.kind === 'block' && fmt.spec.tensorScale === 'f32', (t) => DataType.isFloat(t) && t.precision === 1),
      length: companion(SUFFIX.length, mode === 'column', (t) => DataType.isInt(t) && t.bitWidth === 32),
      shapes: companion(SUFFIX.shape, mode === 'ragged', (t) => DataType.isList(t) && DataType.isInt(t.children[0].type) && t.children[0].type.bitWidth === 32),
    });
  });
  if (cols.length === 0) fail('BAD_TYPE', `no numlab-encoded column (no field has ${show(K.layout)} metadata) among ${show(schema.fields.map((f) => f.name))}`, schema.fields.map((f) => f.name));
  if (cols.some((c) => c.mode === 'column') && schema.fields.length !== cols.length + companions.size)
    fail('BAD_TYPE', `a column-mode encoded tensor cannot share a batch with other columns`, schema.fields.map((f) => f.name));
  const fields: Field[] = [];
  const outputs: ({ pass: number } | { col: Encoded_col })[] = [];
  schema.fields.forEach((f, i) => {
    if (companions.has(i)) return;
    const col = cols.find((c) => c.index === i);
    if (!col) {
      fields.push(f);
      outputs.push({ pass: i });
      return;
    }
    outputs.push({ col });
    if (col.mode === 'column') fields.push(new Field(col.name, new Float32(), false));
    else if (col.mode === 'ragged') fields.push(new Field(col.name, new List(new Field('item', new Float32(), false)), false), schema.fields[col.shapes!]);
    else {
      const n = col.shape!.reduce((a, b) => a * b, 1);
      const ext = f.metadata.get(K.extension);
      const meta = new Map<string, string>(ext === undefined ? [] : [[EXT_NAME, TENSOR_EXT], [EXT_META, ext]]);
      fields.push(new Field(col.name, new FixedSizeList(n, new Field('item', new Float32(), false)), false, meta));
    }
  });
  return { cols, schema: new Schema(fields, schema.metadata), outputs };
}

function decodeTensor(col: Encoded_col, codes: Uint8Array, scales: Uint8Array, zp: Uint8Array | null, ts: number | null, shape: number[], axis: number): Float32Array {
  const fmt = col.fmt;
  if (fmt.kind === 'block') return fmt.decode({ format: fmt.id, shape, axis, codes, scales, ...(ts === null ? {} : { tensorScale: ts }) });
  const n = shape.reduce((a, b) => a * b, 1);
  const what = `column ${show(col.name)}`;
  const c = fmt.codeBytes === 2 ? fromLe(codes, Uint16Array, `${what} codes`) : fmt.bits === 8 ? codes : unpack(codes, fmt.bits, n);
  return fmt.decodeScaled({
    format: fmt.id, shape, axis, granularity: col.granularity!, groupSize: col.groupSize, codes: c,
    scales: fromLe(scales, Float32Array, `${what} scales`), zeroPoints: zp ? fromLe(zp, Int32Array, `${what} zero points`) : null,
  });
}

function dequantizeBatch(batch: RecordBatch, plan: ReturnType<typeof planDequantize>): RecordBatch {
  const ch = batch.data.children;
  const children: Data[] = [];
  let length = batch.numRows;
  for (const out of plan.outputs) {
    if ('pass' in out) {
      children.push(ch[out.pass]);
      continue;
    }
    const col = out.col;
    const rows: Float32Array[] = [];
    for (let r = 0; r < batch.numRows; r++) {
      const shape = col.shape ?? (col.shapes !== null ? [...listRow<Int32Array>(ch[col.shapes], r, `${col.name}${SUFFIX.shape}`)] : [(ch[col.length!].values as Int32Array)[r]]);
      const axis = col.mode === 'ragged' ? rowAxis(col.axis, shape, `column ${show(col.name)} row ${r}`) : col.axis;
      const zp = col.zeroPoints === null ? null : bytesRow(ch[col.zeroPoints], r, `${col.name}${SUFFIX.zeroPoints}`);
      const ts = col.tensorScale === null ? null : (ch[col.tensorScale].values as Float32Array)[r];
      rows.push(decodeTensor(col, bytesRow(ch[col.index], r, col.name), bytesRow(ch[col.scales], r, `${col.name}${SUFFIX.scales}`), zp, ts, shape, axis));
    }
    if (col.mode === 'ragged') {
      children.push(listColumn(new Float32(), rows, Float32Array), ch[col.shapes!]);
      continue;
    }
    const total = rows.reduce((a, x) => a + x.length, 0);
    const data = new Float32Array(total);
    let at = 0;
    for (const x of rows) (data.set(x, at), (at += x.length));
    const values = makeData({ type: new Float32(), length: total, nullCount: 0, data });
    if (col.mode === 'column') {
      children.push(values);
      length = total;
    } else {
      const type = plan.schema.fields.find((f) => f.name === col.name)!.type as FixedSizeList;
      children.push(makeData({ type, length: batch.numRows, nullCount: 0, child: values }));
    }
  }
  return new RecordBatch(plan.schema, makeData({ type: new Struct(plan.schema.fields), length, nullCount: 0, children }));
}

/** The output schema dequantizeBatches gives for an encoded `schema`. */
export function dequantizeSchema(schema: Schema): Schema {
  return planDequantize(schema).schema;
}

/**
 * Restores float32 tensors from quantizeBatches' output, exactly as format(id).decode / decodeScaled
 * do: each codes column becomes a FixedSizeList<float32> (with the input's fixed_shape_tensor
 * metadata, if it had one) or, in column mode, a float32 column; companion columns are dropped.
 */
export async function* dequantizeBatches(batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>): AsyncGenerator<RecordBatch> {
  let plan: ReturnType<typeof planDequantize> | null = null;
  for await (const b of batchesOf(batches)) {
    plan = plan ?? planDequantize(b.schema);
    yield dequantizeBatch(b, plan);
  }
}
