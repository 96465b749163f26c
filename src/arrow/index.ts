/** numlab/arrow: quantize / dequantize Arrow record-batch streams (docs/arrow.md). */
export { quantizeBatches, dequantizeBatches, quantizeSchema, dequantizeSchema, LAYOUT_VERSION } from './batches.js';
export type { QuantizeBatchesOptions } from './batches.js';
export { tensorColumns, parseTensorExtension, TENSOR_EXT, SHAPE_SUFFIX, DTYPE_KEY } from './columns.js';
export type { Source, TensorColumn, TensorExtension } from './columns.js';
export { openArrowFile, openBatchSource, openTensorFileAsBatches, writeArrowFile, ipcKindOf, TENSOR_BATCH_BYTES } from './ipc.js';
export type { BatchSource, IpcKind } from './ipc.js';
