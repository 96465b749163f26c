/** What the tensor-file readers report; shared by the safetensors and .npy parsers. */

/** Element encodings numlab reads into float32 (byte order included). */
export type ElementEncoding = 'f32le' | 'f32be' | 'f16le' | 'f16be' | 'bf16le';

export interface TensorInfo {
  name: string;
  /** The dtype as the file spells it: 'F32' / 'F16' / 'BF16' / 'I64' … (safetensors), '<f4' / '>f2' … (.npy). */
  dtype: string;
  shape: number[];
  /** Element count (product of the shape; 1 for a 0-d tensor). */
  n: number;
  byteLength: number;
  /** Absolute byte offset of the tensor's data in the file. */
  offset: number;
  /** How the bytes decode to float32, or null for a dtype numlab does not read (listed, not readable). */
  encoding: ElementEncoding | null;
}

export interface ParsedTensorFile {
  kind: 'safetensors' | 'npy';
  tensors: TensorInfo[];
  /** safetensors `__metadata__` (string → string); empty for .npy. */
  metadata: Record<string, string>;
}
