/**
 * quantizeBatches / dequantizeBatches against the library codecs: the codes and scales columns hold
 * exactly what format(id).encode / encodeScaled produce (packed per docs/arrow.md), and dequantize
 * gives exactly format(id).decode / decodeScaled, bit for bit.
 */
import fc from 'fast-check';
import { Float16, Float32, Field, Int32, Int8, FixedSizeBinary, FixedSizeList, List, RecordBatch, Schema, Struct, Uint16, makeData } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dequantizeBatches, quantizeBatches, quantizeSchema, type QuantizeBatchesOptions } from '../../src/arrow/batches.js';
import { format } from '../../src/formats/format.js';
import { pack } from '../../src/formats/packing.js';
import { f16Table } from '../../src/io/half.js';
import { f32bits } from '../helpers/f32.js';
import { bf16Bits, bf16Values, bytesAt, collect, f16Bits, floatBatch, floatsAt, raggedAt, raggedBatch, randomValues, tensorBatch } from '../helpers/arrow.js';
import { rejected } from '../helpers/errors.js';

const leBytes = (a: Float32Array | Int32Array | Uint16Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

/** What the library gives for one tensor: its stored bytes and its decode. */
function expected(x: Float32Array, shape: number[], o: QuantizeBatchesOptions) {
  const f = format(o.format);
  const axis = o.axis;
  if (f.kind === 'block') {
    const e = f.encode(x, { shape, axis });
    return { codes: e.codes, scales: e.scales, zp: null, ts: e.tensorScale ?? null, decoded: f.decode(e) };
  }
  const e = f.encodeScaled(x, { shape, axis, granularity: o.granularity, groupSize: o.groupSize });
  const codes = e.codes instanceof Uint16Array ? leBytes(e.codes) : f.bits === 8 ? e.codes : pack(e.codes, f.bits);
  return { codes, scales: leBytes(e.scales), zp: e.zeroPoints ? leBytes(e.zeroPoints) : null, ts: null, decoded: f.decodeScaled(e) };
}

const CASES: [QuantizeBatchesOptions, number[]][] = [
  [{ format: 'int8' }, [4, 24]],
  [{ format: 'int4', granularity: 'channel', axis: 0 }, [4, 24]],
  [{ format: 'uint4', granularity: 'group', groupSize: 8 }, [4, 24]],
  [{ format: 'int3', granularity: 'channel' }, [3, 5]],
  [{ format: 'fp8_e4m3fn', granularity: 'channel', axis: -1 }, [4, 24]],
  [{ format: 'fp6_e3m2fn', granularity: 'group', groupSize: 6 }, [2, 2, 6]],
  [{ format: 'fp4_e2m1fn' }, [7]],
  [{ format: 'binary8p3se' }, [4, 24]],
  [{ format: 'fp16' }, [4, 24]],
  [{ format: 'int16', granularity: 'channel', axis: 0 }, [4, 24]],
  [{ format: 'bipolar1' }, [9]],
  [{ format: 'mxfp4' }, [4, 64]],
  [{ format: 'mxfp4', axis: 0 }, [40, 3]],
  [{ format: 'mxfp6_e2m3' }, [2, 50]],
  [{ format: 'mxfp8_e4m3' }, [2, 32]],
  [{ format: 'mxint8' }, [2, 32]],
  [{ format: 'nvfp4' }, [3, 32]],
  [{ format: 'nvint4', axis: 0 }, [17, 2]],
  [{ format: 'msfp12' }, [2, 16]],
  [{ format: 'bfp12' }, [2, 16]],
];

describe('quantizeBatches / dequantizeBatches', () => {
  it.each(CASES)('%j on shape %j: codes, scales and decode equal the library, bit for bit', async (o, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const rows = 3;
    const values = randomValues(rows * n, n + rows);
    const batch = tensorBatch([{ name: 't', values, size: n, ext: JSON.stringify({ shape, dim_names: shape.map((_, i) => `d${i}`) }) }], true);
    const [q] = await collect(quantizeBatches([batch], o));
    const fmt = format(o.format);
    const meta = q.schema.fields.find((f) => f.name === 't')!.metadata;
    expect(meta.get('numlab:format')).toBe(fmt.id);
    expect(JSON.parse(meta.get('numlab:shape')!)).toEqual(shape);
    expect(q.numRows).toBe(rows);
    const [d] = await collect(dequantizeBatches([q]));
    for (let r = 0; r < rows; r++) {
      const x = values.subarray(r * n, (r + 1) * n);
      const e = expected(x, shape, o);
      expect(bytesAt(q, 't', r)).toEqual(e.codes);
      expect(bytesAt(q, 't.scales', r)).toEqual(e.scales);
      if (e.zp) expect(bytesAt(q, 't.zero_points', r)).toEqual(e.zp);
      else expect(q.getChild('t.zero_points')).toBeNull();
      if (e.ts !== null) expect(Object.is(q.getChild('t.tensor_scale')!.get(r), e.ts)).toBe(true);
      expect(f32bits(floatsAt(d, 't', r))).toEqual(f32bits(e.decoded));
    }
    // pass-through and the restored tensor type
    expect([...(q.getChild('id')!.toArray() as Int32Array)]).toEqual([0, 1, 2]);
    expect(d.schema.fields.map((f) => f.name)).toEqual(['id', 't']);
    const tf = d.schema.fields[1];
    expect(String(tf.type)).toBe(`FixedSizeList[${n}]<Float32>`);
    expect(tf.metadata.get('ARROW:extension:name')).toBe('arrow.fixed_shape_tensor');
    expect(JSON.parse(tf.metadata.get('ARROW:extension:metadata')!)).toEqual({ shape, dim_names: shape.map((_, i) => `d${i}`) });
  });

  it.each(CASES)('fixedSizeBinary %j on shape %j: FixedSizeBinary columns of the same bytes, the same decode', async (o, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const batch = tensorBatch([{ name: 't', values: randomValues(3 * n, n + 7), size: n, ext: JSON.stringify({ shape }) }], true);
    const [list] = await collect(quantizeBatches([batch], o));
    const [fixed] = await collect(quantizeBatches([batch], { ...o, fixedSizeBinary: true }));
    expect(fixed.schema.fields.map((f) => f.name)).toEqual(list.schema.fields.map((f) => f.name));
    for (const name of ['t', 't.scales', 't.zero_points']) {
      const d = fixed.getChild(name)?.data[0];
      if (!d) continue;
      const w = (d.type as FixedSizeBinary).byteWidth;
      expect(String(d.type)).toBe(`FixedSizeBinary[${w}]`);
      for (let r = 0; r < 3; r++) expect((d.values as Uint8Array).subarray(r * w, (r + 1) * w), `${name} row ${r}`).toEqual(bytesAt(list, name, r));
    }
    expect(Object.fromEntries(fixed.schema.fields[1].metadata)).toEqual(Object.fromEntries(list.schema.fields[1].metadata));
    const [a] = await collect(dequantizeBatches([fixed]));
    const [b] = await collect(dequantizeBatches([list]));
    for (let r = 0; r < 3; r++) expect(f32bits(floatsAt(a, 't', r))).toEqual(f32bits(floatsAt(b, 't', r)));
  });

  it('fixedSizeBinary needs one shape per row: ragged and column mode are BAD_OPTION', async () => {
    const rag = raggedBatch('t', [{ values: new Float32Array(32), shape: [32] }]);
    expect((await rejected(collect(quantizeBatches([rag], { format: 'mxfp4', fixedSizeBinary: true })))).message).toMatch(/"t" is in ragged mode/);
    expect((await rejected(collect(quantizeBatches([floatBatch('x', new Float32Array(8))], { format: 'int8', fixedSizeBinary: true })))).code).toBe('BAD_OPTION');
  });

  it('reads float16 tensors exactly (numlab widening, not Arrow JS)', async () => {
    // every finite F16 code, as tensors of 64: the quantized output equals that of the exactly widened f32 input
    const table = f16Table();
    const codes = Uint16Array.from({ length: 63488 }, (_, i) => (i < 31744 ? i : 0x8000 | (i - 31744)));
    const widened = Float32Array.from(codes, (h) => table[h]);
    const f16 = tensorBatch([{ name: 'h', values: widened, size: 64, f16: true }]);
    expect(f16Bits(widened)).toEqual(codes); // the helper stored the intended codes
    const f32 = tensorBatch([{ name: 'h', values: widened, size: 64 }]);
    for (const fmt of ['int8', 'mxfp8_e4m3']) {
      const [a] = await collect(dequantizeBatches(quantizeBatches([f16], { format: fmt })));
      const [b] = await collect(dequantizeBatches(quantizeBatches([f32], { format: fmt })));
      expect(f32bits(a.getChild('h')!.data[0].children[0].values as Float32Array)).toEqual(f32bits(b.getChild('h')!.data[0].children[0].values as Float32Array));
    }
    const [q] = await collect(quantizeBatches([f16], { format: 'fp16' }));
    expect(q.schema.fields[0].metadata.get('numlab:source_type')).toBe('float16');
  });

  it('reads bfloat16 (uint16 bit patterns marked numlab:dtype = bfloat16) exactly: rows, ragged and column mode', async () => {
    const x = bf16Values(randomValues(4 * 64, 21));
    // every finite bfloat16 code as one more tensor: widening must be exact for all of them
    const all = Float32Array.from({ length: 65536 }, (_, b) => new Float32Array(new Uint32Array([b << 16]).buffer)[0]).filter(Number.isFinite);
    for (const fmt of ['int8', 'mxfp4', 'fp16']) {
      for (const v of [x, all]) {
        const size = v === x ? 64 : v.length;
        const bf = tensorBatch([{ name: 'w', values: v, size, bf16: true, ext: JSON.stringify({ shape: [size] }) }]);
        const f32 = tensorBatch([{ name: 'w', values: v, size, ext: JSON.stringify({ shape: [size] }) }]);
        const [qa] = await collect(quantizeBatches([bf], { format: fmt }));
        const [qb] = await collect(quantizeBatches([f32], { format: fmt }));
        expect(qa.schema.fields[0].metadata.get('numlab:source_type')).toBe('bfloat16');
        for (let r = 0; r < qa.numRows; r++) expect(bytesAt(qa, 'w', r)).toEqual(bytesAt(qb, 'w', r));
      }
    }
    const meta = new Map([['numlab:dtype', 'bfloat16']]);
    const u16 = (values: Uint16Array) => makeData({ type: new Uint16(), length: values.length, nullCount: 0, data: values });
    const colField = new Field('c', new Uint16(), false, meta);
    const [qc] = await collect(quantizeBatches([one(colField, u16(bf16Bits(x)))], { format: 'int8' }));
    const [dc] = await collect(dequantizeBatches([qc]));
    const i8 = format('int8');
    expect(f32bits(dc.getChild('c')!.toArray() as Float32Array)).toEqual(f32bits(i8.decodeScaled(i8.encodeScaled(x))));
    const rag = raggedBatch('t', [{ values: x, shape: [4, 64] }]);
    const listField = new Field('t', new List(new Field('item', new Uint16(), false)), false, meta);
    const listData = makeData({ type: listField.type, length: 1, nullCount: 0, valueOffsets: Int32Array.of(0, x.length), child: u16(bf16Bits(x)) });
    const ragBf = new RecordBatch(new Schema([listField, rag.schema.fields[1]]), makeData({ type: new Struct([listField, rag.schema.fields[1]]), length: 1, nullCount: 0, children: [listData, rag.data.children[1]] }));
    const [qr] = await collect(quantizeBatches([ragBf], { format: 'mxfp4' }));
    const [qr32] = await collect(quantizeBatches([rag], { format: 'mxfp4' }));
    expect(bytesAt(qr, 't', 0)).toEqual(bytesAt(qr32, 't', 0));
    expect(bytesAt(qr, 't.scales', 0)).toEqual(bytesAt(qr32, 't.scales', 0));
  });

  it('a plain FixedSizeList is rows of 1-D tensors and comes back without the extension', async () => {
    const values = randomValues(3 * 40, 7);
    const [q] = await collect(quantizeBatches([tensorBatch([{ name: 'v', values, size: 40 }])], { format: 'mxfp4' }));
    expect(q.schema.fields[0].metadata.get('numlab:shape')).toBe('[40]');
    const [d] = await collect(dequantizeBatches([q]));
    expect(d.schema.fields[0].metadata.size).toBe(0);
    const f = format('mxfp4');
    expect(f32bits(floatsAt(d, 'v', 2))).toEqual(f32bits(f.decode(f.encode(values.subarray(80, 120)))));
  });

  it('a bare float32 column is one 1-D tensor per batch', async () => {
    const a = randomValues(100, 1), b = randomValues(30, 2);
    const q = await collect(quantizeBatches([floatBatch('x', a), floatBatch('x', b)], { format: 'int8', granularity: 'group', groupSize: 10 }));
    expect(q.map((x) => x.numRows)).toEqual([1, 1]);
    expect(q[1].getChild('x.length')!.get(0)).toBe(30);
    const d = await collect(dequantizeBatches(q));
    const f = format('int8');
    expect(String(d[0].schema.fields[0].type)).toBe('Float32');
    for (const [x, out] of [[a, d[0]], [b, d[1]]] as const) {
      expect(out.numRows).toBe(x.length);
      expect(f32bits(out.getChild('x')!.toArray() as Float32Array)).toEqual(f32bits(f.decodeScaled(f.encodeScaled(x, { granularity: 'group', groupSize: 10 }))));
    }
  });

  it('one output batch per input batch, several tensor columns, only the chosen ones with `columns`', async () => {
    const batches = [0, 1, 2, 3].map((k) => tensorBatch([
      { name: 'a', values: randomValues(2 * 32, k), size: 32 },
      { name: 'b', values: randomValues(2 * 16, k + 9), size: 16, ext: '{"shape":[4,4],"permutation":[1,0]}' },
    ]));
    const all = await collect(quantizeBatches(batches, { format: 'mxint8' }));
    expect(all.length).toBe(4);
    expect(all[0].schema.fields.map((f) => f.name)).toEqual(['a', 'a.scales', 'b', 'b.scales']);
    const some = await collect(quantizeBatches(batches, { format: 'mxint8', columns: ['b'] }));
    expect(some[0].schema.fields.map((f) => f.name)).toEqual(['a', 'b', 'b.scales']);
    const back = await collect(dequantizeBatches(some));
    expect(JSON.parse(back[3].schema.fields[1].metadata.get('ARROW:extension:metadata')!)).toEqual({ shape: [4, 4], permutation: [1, 0] });
    expect(f32bits(floatsAt(back[3], 'a', 1))).toEqual(f32bits(floatsAt(batches[3], 'a', 1)));
  });

  it.each([
    [{ format: 'mxfp4' }, [[4, 64], [40], [2, 3, 32]]],
    [{ format: 'nvfp4', axis: 0 }, [[32, 2], [17], [16, 1, 3]]],
    [{ format: 'int4', granularity: 'channel', axis: 0 }, [[4, 24], [7], [2, 2, 6]]],
    [{ format: 'fp8_e4m3fn', granularity: 'group', groupSize: 6, axis: -1 }, [[4, 24], [12], [2, 2, 6]]],
    [{ format: 'uint8', scheme: 'asymmetric' }, [[5, 3], [1]]],
  ] as [QuantizeBatchesOptions, number[][]][])('ragged %j on shapes %j: each row is its own tensor, bit for bit the library', async (o, shapes) => {
    const tensors = shapes.map((shape, k) => ({ values: randomValues(shape.reduce((a, b) => a * b, 1), 50 + k), shape }));
    const [q] = await collect(quantizeBatches([raggedBatch('t', tensors, true)], o));
    const fields = q.schema.fields.map((f) => f.name);
    expect(fields[0]).toBe('id');
    expect(fields.at(-1)).toBe('t.shape');
    const meta = q.schema.fields[1].metadata;
    expect(meta.get('numlab:mode')).toBe('ragged');
    expect(meta.has('numlab:shape')).toBe(false);
    expect(meta.get('numlab:axis')).toBe(String(o.axis ?? -1));
    const [d] = await collect(dequantizeBatches([q]));
    expect(d.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(['id: Int32', 't: List<Float32>', 't.shape: List<Int32>']);
    tensors.forEach(({ values, shape }, r) => {
      const axis = (o.axis ?? -1) < 0 ? shape.length + (o.axis ?? -1) : o.axis;
      const e = expected(values, shape, { ...o, axis });
      expect(bytesAt(q, 't', r)).toEqual(e.codes);
      expect(bytesAt(q, 't.scales', r)).toEqual(e.scales);
      if (e.zp) expect(bytesAt(q, 't.zero_points', r)).toEqual(e.zp);
      if (e.ts !== null) expect(Object.is(q.getChild('t.tensor_scale')!.get(r), e.ts)).toBe(true);
      const back = raggedAt(d, 't', r);
      expect(back.shape).toEqual(shape);
      expect(f32bits(back.values)).toEqual(f32bits(e.decoded));
    });
  });

  it('property: any finite f32 bit patterns round-trip as the library decodes them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 32, maxLength: 32 }), fc.constantFrom('int8', 'mxfp4', 'nvfp4', 'fp8_e5m2'), async (xs, id) => {
        const x = Float32Array.from(xs);
        const [q] = await collect(quantizeBatches([tensorBatch([{ name: 't', values: x, size: 32 }])], { format: id }));
        const [d] = await collect(dequantizeBatches([q]));
        const f = format(id);
        const want = f.kind === 'block' ? f.decode(f.encode(x)) : f.decodeScaled(f.encodeScaled(x));
        expect(f32bits(floatsAt(d, 't', 0))).toEqual(f32bits(want));
      }),
      { numRuns: 60 },
    );
  });
});

const one = (field: Field, data: ReturnType<typeof makeData>) => new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: data.length, nullCount: 0, children: [data] }));
const extField = (meta: Record<string, string>, size = 4) => new Field('t', new FixedSizeList(size, new Field('item', new Float32(), false)), false, new Map(Object.entries(meta)));
const fslData = (size = 4) => makeData({ type: new FixedSizeList(size, new Field('item', new Float32(), false)), length: 1, nullCount: 0, child: makeData({ type: new Float32(), length: size, nullCount: 0, data: new Float32Array(size) }) });

describe('bad input', () => {
  const E = 'ARROW:extension:name', M = 'ARROW:extension:metadata', T = 'arrow.fixed_shape_tensor';
  it.each([
    ['no tensor column', 'BAD_TYPE', /no float32\/float16 tensor column/, one(new Field('i', new Int32(), false), makeData({ type: new Int32(), length: 2, nullCount: 0, data: new Int32Array(2) }))],
    ['extension without metadata', 'MALFORMED_FILE', /without ARROW:extension:metadata/, one(extField({ [E]: T }), fslData())],
    ['metadata not JSON', 'MALFORMED_FILE', /not JSON/, one(extField({ [E]: T, [M]: '{shape' }), fslData())],
    ['shape not a list', 'MALFORMED_FILE', /shape must be a list/, one(extField({ [E]: T, [M]: '{"shape":"2x2"}' }), fslData())],
    ['shape vs list size', 'MALFORMED_FILE', /has 6 elements but the list size is 4/, one(extField({ [E]: T, [M]: '{"shape":[3,2]}' }), fslData())],
    ['bad permutation', 'MALFORMED_FILE', /permutation of 0..1/, one(extField({ [E]: T, [M]: '{"shape":[2,2],"permutation":[0,0]}' }), fslData())],
    ['bad dim_names', 'MALFORMED_FILE', /dim_names must be 2 strings/, one(extField({ [E]: T, [M]: '{"shape":[2,2],"dim_names":["a"]}' }), fslData())],
  ] as const)('%s → %s', async (_label, code, message, batch) => {
    const e = await rejected(collect(quantizeBatches([batch], { format: 'int8' })));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('rejects integer tensors tagged as fixed_shape_tensor, nulls, unknown formats and misplaced options', async () => {
    const intField = new Field('t', new FixedSizeList(2, new Field('item', new Int8(), false)), false, new Map([['ARROW:extension:name', 'arrow.fixed_shape_tensor'], ['ARROW:extension:metadata', '{"shape":[2]}']]));
    expect(() => quantizeSchema(new Schema([intField]), { format: 'int8' })).toThrow(/Int8; numlab reads float32, float16 and/);
    const f16 = new Field('h', new Float16(), true);
    const nulls = one(f16, makeData({ type: new Float16(), length: 2, nullCount: 1, nullBitmap: Uint8Array.of(1), data: new Uint16Array(2) }));
    expect((await rejected(collect(quantizeBatches([nulls], { format: 'int8' })))).code).toBe('UNSUPPORTED_TENSOR');
    const ok = tensorBatch([{ name: 't', values: new Float32Array(32), size: 32 }]);
    expect((await rejected(collect(quantizeBatches([ok], { format: 'fp7_e9' })))).code).toBe('UNKNOWN_FORMAT');
    expect((await rejected(collect(quantizeBatches([ok], { format: 'mxfp4', granularity: 'channel' })))).message).toMatch(/granularity does not apply to block format mxfp4/);
    expect((await rejected(collect(quantizeBatches([ok], { format: 'int8', axis: 1 })))).code).toBe('BAD_SHAPE');
    expect((await rejected(collect(quantizeBatches([ok], { format: 'int8', columns: ['zz'] })))).message).toMatch(/no column named "zz"/);
    const mixed = new RecordBatch({ x: makeData({ type: new Float32(), length: 1, nullCount: 0, data: new Float32Array(1) }), t: fslData() });
    expect((await rejected(collect(quantizeBatches([mixed], { format: 'int8' })))).message).toMatch(/cannot share a batch/);
  });

  it('numlab:dtype: only "bfloat16", only on uint16 values', async () => {
    const f32 = tensorBatch([{ name: 't', values: new Float32Array(4), size: 4 }]);
    const marked = (dtype: string) => new Schema([new Field('t', f32.schema.fields[0].type, false, new Map([['numlab:dtype', dtype]]))]);
    expect(() => quantizeSchema(marked('bfloat16'), { format: 'int8' })).toThrow(/numlab:dtype "bfloat16" needs uint16 values \(the bit patterns\), got Float32/);
    expect(() => quantizeSchema(marked('float8'), { format: 'int8' })).toThrow(/numlab:dtype "float8"; numlab knows only "bfloat16"/);
    const plainU16 = new Schema([new Field('t', new FixedSizeList(4, new Field('item', new Uint16(), false)), false)]);
    expect(() => quantizeSchema(plainU16, { format: 'int8' })).toThrow(/no float32\/float16 tensor column/);
  });

  it('ragged: a shape that does not fit its row, an axis out of a row\'s range, shapes of the wrong type, a missing shapes companion', async () => {
    const ok = (shape: number[]) => ({ values: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape });
    const bad = raggedBatch('t', [ok([2, 32]), { values: new Float32Array(10), shape: [3, 4] }]);
    const e1 = await rejected(collect(quantizeBatches([bad], { format: 'mxfp4' })));
    expect(e1.code).toBe('BAD_SHAPE');
    expect(e1.message).toMatch(/row 1 holds 10 values but its shape \[3,4\] has 12 elements/);
    const e2 = await rejected(collect(quantizeBatches([raggedBatch('t', [ok([2, 32]), ok([32])])], { format: 'mxfp4', axis: -2 })));
    expect(e2.code).toBe('BAD_SHAPE');
    expect(e2.message).toMatch(/row 1: axis -2 out of range for shape \[32\]/);
    const b = raggedBatch('t', [ok([4])]);
    const f16Shapes = new Field('t.shape', new FixedSizeList(1, new Field('item', new Int32(), false)), false);
    const wrong = new RecordBatch(new Schema([b.schema.fields[0], f16Shapes]), makeData({ type: new Struct([b.schema.fields[0], f16Shapes]), length: 1, nullCount: 0, children: [b.data.children[0], makeData({ type: f16Shapes.type, length: 1, nullCount: 0, child: makeData({ type: new Int32(), length: 1, nullCount: 0, data: Int32Array.of(4) }) })] }));
    expect((await rejected(collect(quantizeBatches([wrong], { format: 'int8' })))).message).toMatch(/"t.shape": the shapes of ragged tensor column "t" must be List<int32>/);
    const [q] = await collect(quantizeBatches([b], { format: 'int8' }));
    const noShapes = new RecordBatch(new Schema(q.schema.fields.slice(0, 2)), makeData({ type: new Struct(q.schema.fields.slice(0, 2)), length: 1, nullCount: 0, children: q.data.children.slice(0, 2) }));
    expect((await rejected(collect(dequantizeBatches([noShapes])))).message).toMatch(/companion column "t.shape" is missing/);
  });

  it('dequantize rejects input without numlab metadata, a missing companion and a newer layout', async () => {
    const plain = tensorBatch([{ name: 't', values: new Float32Array(32), size: 32 }]);
    expect((await rejected(collect(dequantizeBatches([plain])))).message).toMatch(/no numlab-encoded column/);
    const [q] = await collect(quantizeBatches([plain], { format: 'mxfp4' }));
    const noScales = new RecordBatch(new Schema([q.schema.fields[0]]), makeData({ type: new Struct([q.schema.fields[0]]), length: 1, nullCount: 0, children: [q.data.children[0]] }));
    expect((await rejected(collect(dequantizeBatches([noScales])))).message).toMatch(/companion column "t.scales" is missing/);
    const v2 = new Field('t', q.schema.fields[0].type, false, new Map([...q.schema.fields[0].metadata, ['numlab:layout', '2']]));
    const newer = new RecordBatch(new Schema([v2, q.schema.fields[1]]), makeData({ type: new Struct([v2, q.schema.fields[1]]), length: 1, nullCount: 0, children: q.data.children }));
    expect((await rejected(collect(dequantizeBatches([newer])))).message).toMatch(/layout "2"; this numlab reads layout 1/);
  });
});
