/**
 * ONNX models built in code for the GEMM peer bench (bench/gemm/peers.ts): one node, the weights an
 * initializer (constant, so onnxruntime may prepack them once at session creation, as numlab's
 * prepareWeights does), the activations the only input. Serialised with protobufjs from the subset
 * of onnx.proto these models use (field numbers as in onnx.proto, IR version 8).
 */
import protobuf from 'protobufjs';

const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: { name: { type: 'string', id: 1 }, i: { type: 'int64', id: 3 }, type: { type: 'int32', id: 20 } },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } } },
        TypeProtoTensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 } } },
      },
    },
  },
});
const Model = root.lookupType('onnx.ModelProto');

/** TensorProto.DataType codes (onnx.proto). */
export const ONNX_TYPE = { float: 1, uint8: 2, int8: 3, int32: 6 } as const;
type ElemType = keyof typeof ONNX_TYPE;
const ATTR_INT = 2; // AttributeProto.AttributeType.INT

interface Tensor { name: string; type: ElemType; dims: number[]; data: ArrayBufferView }
interface Value { name: string; type: ElemType; dims: number[] }

function valueInfo(v: Value) {
  return { name: v.name, type: { tensorType: { elemType: ONNX_TYPE[v.type], shape: { dim: v.dims.map((d) => ({ dimValue: d })) } } } };
}

/** One node's model: `inputs` fed at run time, `initializers` constant, attributes integers. */
export function singleNodeModel(spec: { opType: string; domain?: string; inputs: Value[]; initializers: Tensor[]; nodeInputs: string[];
  output: Value; attributes?: Record<string, number> }): Uint8Array {
  const msDomain = spec.domain === 'com.microsoft';
  const msg = Model.fromObject({
    irVersion: 8,
    producerName: 'numlab-bench',
    opsetImport: [{ domain: '', version: 17 }, ...(msDomain ? [{ domain: 'com.microsoft', version: 1 }] : [])],
    graph: {
      name: spec.opType,
      node: [{ input: spec.nodeInputs, output: [spec.output.name], name: spec.opType, opType: spec.opType, domain: spec.domain ?? '',
        attribute: Object.entries(spec.attributes ?? {}).map(([name, i]) => ({ name, i, type: ATTR_INT })) }],
      initializer: spec.initializers.map((t) => ({ name: t.name, dataType: ONNX_TYPE[t.type], dims: t.dims,
        rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) })),
      input: spec.inputs.map(valueInfo),
      output: [valueInfo(spec.output)],
    },
  });
  return Model.encode(msg).finish();
}

/** MatMul (f32): Y[m, n] = A[m, k] · B[k, n], B = Wᵀ of numlab's W [n, k]. */
export function matmulModel(m: number, n: number, k: number, wT: Float32Array): Uint8Array {
  return singleNodeModel({ opType: 'MatMul', inputs: [{ name: 'A', type: 'float', dims: [m, k] }],
    initializers: [{ name: 'B', type: 'float', dims: [k, n], data: wT }], nodeInputs: ['A', 'B'], output: { name: 'Y', type: 'float', dims: [m, n] } });
}

/**
 * MatMulInteger: Y[m, n] (int32) = (A − a_zero_point) · (B − b_zero_point), A uint8 [m, k], B int8
 * [k, n]; a_zero_point a uint8 scalar, b_zero_point an int8 scalar (0 here: symmetric weights).
 */
export function matmulIntegerModel(m: number, n: number, k: number, bT: Int8Array, aZeroPoint: number): Uint8Array {
  return singleNodeModel({ opType: 'MatMulInteger', inputs: [{ name: 'A', type: 'uint8', dims: [m, k] }],
    initializers: [{ name: 'B', type: 'int8', dims: [k, n], data: bT }, { name: 'a_zero_point', type: 'uint8', dims: [], data: Uint8Array.of(aZeroPoint) },
      { name: 'b_zero_point', type: 'int8', dims: [], data: Int8Array.of(0) }],
    nodeInputs: ['A', 'B', 'a_zero_point', 'b_zero_point'], output: { name: 'Y', type: 'int32', dims: [m, n] } });
}

/**
 * com.microsoft MatMulNBits, bits = 4: Y[m, n] = A[m, k] · dequant(B)ᵀ with B uint8
 * [n, k/block, block/2] (two codes a byte, the lower nibble first along k), scales f32
 * [n, k/block], no zero_points input (then 8 for every block): ŵ = (u − 8) · scale.
 */
export function matmulNBitsModel(m: number, n: number, k: number, blockSize: number, packed: Uint8Array, scales: Float32Array): Uint8Array {
  const blocks = k / blockSize;
  return singleNodeModel({ opType: 'MatMulNBits', domain: 'com.microsoft', inputs: [{ name: 'A', type: 'float', dims: [m, k] }],
    initializers: [{ name: 'B', type: 'uint8', dims: [n, blocks, blockSize / 2], data: packed }, { name: 'scales', type: 'float', dims: [n, blocks], data: scales }],
    nodeInputs: ['A', 'B', 'scales'], output: { name: 'Y', type: 'float', dims: [m, n] }, attributes: { K: k, N: n, bits: 4, block_size: blockSize } });
}
