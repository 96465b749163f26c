/**
 * Opening tensor files (safetensors, .npy) and reading their tensors as float32. Only the header
 * is read on open; each tensor is read on demand with positioned reads of at most CHUNK_BYTES,
 * converted into the output array, so memory stays bounded by the largest tensor read.
 */
import { fail, show } from '../errors.js';
import { f16Table } from './half.js';
import { parseNpy, NPY_MAGIC, NPY_READABLE } from './npy.js';
import { parseSafetensors, SAFETENSORS_READABLE } from './safetensors.js';
import { CHUNK_BYTES, fileSource, sha256Of, type ByteSource } from './source.js';
import type { ElementEncoding, TensorInfo } from './types.js';

export interface TensorData {
  data: Float32Array;
  shape: number[];
}

export interface TensorFile {
  path: string;
  kind: 'safetensors' | 'npy';
  /** In header order (safetensors) — one tensor, named after the file, for .npy. */
  tensors: TensorInfo[];
  /** safetensors `__metadata__`; empty for .npy. */
  metadata: Record<string, string>;
  /**
   * The tensor as float32 (exact for F32, F16, BF16); UNSUPPORTED_TENSOR for other dtypes. With
   * `into` (exactly the tensor's element count), the values are written there and `data` is `into`.
   */
  read(name: string, into?: Float32Array): Promise<TensorData>;
  /** SHA-256 (hex) of the whole file, streamed in chunks. */
  sha256(): Promise<string>;
  close(): Promise<void>;
}

const BYTES: Record<ElementEncoding, number> = { f32le: 4, f32be: 4, f16le: 2, f16be: 2, bf16le: 2 };
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Converts `bytes` (whole elements of `enc`) into out[at …]. */
function decodeInto(enc: ElementEncoding, bytes: Uint8Array, out: Float32Array, at: number): void {
  const count = bytes.length / BYTES[enc];
  if (enc === 'f32le' && HOST_LE) {
    new Uint8Array(out.buffer, out.byteOffset + 4 * at, bytes.length).set(bytes);
    return;
  }
  if (enc === 'f32le' || enc === 'f32be') {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const le = enc === 'f32le';
    for (let k = 0; k < count; k++) out[at + k] = dv.getFloat32(4 * k, le);
    return;
  }
  if (enc === 'bf16le') {
    const bits = new Uint32Array(out.buffer, out.byteOffset + 4 * at, count); // (bits << 16) as float32 is the BF16 value
    for (let k = 0; k < count; k++) bits[k] = ((bytes[2 * k] | (bytes[2 * k + 1] << 8)) << 16) >>> 0;
    return;
  }
  const table = f16Table();
  const [lo, hi] = enc === 'f16le' ? [0, 1] : [1, 0];
  for (let k = 0; k < count; k++) out[at + k] = table[bytes[2 * k + lo] | (bytes[2 * k + hi] << 8)];
}

const READABLE = { safetensors: Object.keys(SAFETENSORS_READABLE).join(', '), npy: Object.keys(NPY_READABLE).join(', ') };

/** Reads one tensor of a parsed `kind` file from `src` (into `into` when given: it must hold exactly the tensor). */
export async function readTensor(src: ByteSource, kind: 'safetensors' | 'npy', info: TensorInfo, into?: Float32Array): Promise<TensorData> {
  const enc = info.encoding;
  if (enc === null) {
    const readable = READABLE[kind];
    fail('UNSUPPORTED_TENSOR', `${src.name}: tensor ${show(info.name)} has dtype ${show(info.dtype)}; numlab reads ${readable}`, info.dtype);
  }
  if (into !== undefined && !(into instanceof Float32Array && into.length === info.n))
    fail('BAD_OPTION', `${src.name}: tensor ${show(info.name)} has ${info.n} elements; the array to read it into holds ${show(into?.length)}`, into?.length);
  let data: Float32Array;
  try {
    data = into ?? new Float32Array(info.n);
  } catch (e) {
    if (e instanceof RangeError) fail('OUT_OF_MEMORY', `${src.name}: tensor ${show(info.name)} (${info.n} elements) does not fit in a Float32Array here`, info.n);
    throw e;
  }
  const step = CHUNK_BYTES - (CHUNK_BYTES % BYTES[enc]);
  for (let off = 0; off < info.byteLength; off += step) {
    const len = Math.min(step, info.byteLength - off);
    decodeInto(enc, await src.read(info.offset + off, len), data, off / BYTES[enc]);
  }
  return { data, shape: [...info.shape] };
}

const hasNpyMagic = (b: Uint8Array) => NPY_MAGIC.every((m, k) => b[k] === m);

/** Opens a tensor file held by `src` (.npy when it starts with the .npy magic or is named *.npy, else safetensors). */
export async function openTensorSource(src: ByteSource): Promise<TensorFile> {
  try {
    const head = await src.read(0, Math.min(6, src.size));
    const parsed = hasNpyMagic(head) || /\.npy$/i.test(src.name) ? await parseNpy(src) : await parseSafetensors(src);
    const byName = new Map(parsed.tensors.map((t) => [t.name, t]));
    return {
      path: src.name,
      kind: parsed.kind,
      tensors: parsed.tensors,
      metadata: parsed.metadata,
      read: async (name, into) => {
        const info = byName.get(name);
        if (!info) fail('BAD_OPTION', `${src.name}: no tensor named ${show(name)} (it has ${parsed.tensors.length}: ${parsed.tensors.slice(0, 5).map((t) => show(t.name)).join(', ')}${parsed.tensors.length > 5 ? ', …' : ''})`, name);
        return readTensor(src, parsed.kind, info, into);
      },
      sha256: () => sha256Of(src),
      close: () => src.close(),
    };
  } catch (e) {
    await src.close();
    throw e;
  }
}

/** Opens a .npy or safetensors file; only its header is read here. Close it when done. */
export async function openTensorFile(path: string): Promise<TensorFile> {
  if (typeof path !== 'string' || path === '') fail('BAD_OPTION', `tensor file path must be a non-empty string, got ${show(path)}`, path);
  return openTensorSource(await fileSource(path));
}

