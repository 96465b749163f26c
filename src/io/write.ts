/**
 * Writing safetensors and .npy files (tests, examples, users). F32 is stored as is; F16 and BF16
 * are rounded to nearest, ties to even (src/io/half.ts). Data is little-endian; .npy files are
 * version 1.0 (2.0 when the header needs more than 65535 bytes) with the header padded to 64 bytes.
 * The write* functions are Node-only (node:fs is imported on first use); encode* work anywhere.
 */
import { fail, show } from '../errors.js';
import { f32BitsToBf16, f32BitsToF16 } from './half.js';

export type WriteDtype = 'F32' | 'F16' | 'BF16';

export interface WriteTensor {
  name: string;
  data: Float32Array;
  shape: readonly number[];
  /** Default 'F32'. */
  dtype?: WriteDtype;
}

const SIZE: Record<WriteDtype, number> = { F32: 4, F16: 2, BF16: 2 };

function checkShape(data: Float32Array, shape: readonly number[], what: string): void {
  if (!(data instanceof Float32Array)) fail('BAD_TYPE', `${what}: data must be a Float32Array, got ${show(data)}`, data);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('BAD_SHAPE', `${what}: shape must be non-negative integers, got ${show(shape)}`, shape);
  const n = shape.reduce((a, d) => a * d, 1);
  if (n !== data.length) fail('BAD_SHAPE', `${what}: shape ${show(shape)} holds ${n} elements but data has ${data.length}`, shape);
}

function checkDtype(dtype: unknown, allowed: readonly WriteDtype[], what: string): WriteDtype {
  if (!allowed.includes(dtype as WriteDtype)) fail('BAD_TYPE', `${what}: dtype ${show(dtype)} cannot be written (use ${allowed.join(', ')})`, dtype);
  return dtype as WriteDtype;
}

/** `data` encoded little-endian as `dtype` into out at byte `at`. */
function encodeInto(data: Float32Array, dtype: WriteDtype, out: Uint8Array, at: number): void {
  const bits = new Uint32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (dtype === 'F32') for (let k = 0; k < bits.length; k++) dv.setUint32(at + 4 * k, bits[k], true);
  else {
    const narrow = dtype === 'F16' ? f32BitsToF16 : f32BitsToBf16;
    for (let k = 0; k < bits.length; k++) dv.setUint16(at + 2 * k, narrow(bits[k]), true);
  }
}

/** A safetensors file's bytes: header JSON padded with spaces to a multiple of 8, tensors in the given order. */
export function encodeSafetensors(tensors: readonly WriteTensor[], metadata?: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail('BAD_TYPE', `safetensors metadata ${show(k)} must be a string, got ${show(v)}`, v);
    header.__metadata__ = { ...metadata };
  }
  let size = 0;
  const seen = new Set<string>();
  const dtypes: WriteDtype[] = [];
  for (const t of tensors) {
    const what = `tensor ${show(t.name)}`;
    if (typeof t.name !== 'string' || t.name === '__metadata__' || seen.has(t.name)) fail('BAD_OPTION', `${what}: tensor names must be distinct strings other than "__metadata__"`, t.name);
    seen.add(t.name);
    checkShape(t.data, t.shape, what);
    const dtype = checkDtype(t.dtype ?? 'F32', ['F32', 'F16', 'BF16'], what);
    dtypes.push(dtype);
    const len = t.data.length * SIZE[dtype];
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [size, size + len] };
    size += len;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20); // pad with spaces so the data starts 8-aligned
  head.set(json);
  const out = new Uint8Array(8 + head.length + size);
  new DataView(out.buffer).setUint32(0, head.length, true); // high 32 bits stay 0
  out.set(head, 8);
  let at = 8 + head.length;
  tensors.forEach((t, k) => {
    encodeInto(t.data, dtypes[k], out, at);
    at += t.data.length * SIZE[dtypes[k]];
  });
  return out;
}

/** A .npy file's bytes ('<f4' or '<f2'; npy has no bfloat16). */
export function encodeNpy(data: Float32Array, shape: readonly number[], dtype: WriteDtype = 'F32'): Uint8Array {
  checkShape(data, shape, '.npy');
  const dt = checkDtype(dtype, ['F32', 'F16'], '.npy (no bfloat16 in the .npy format)');
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${dt === 'F32' ? '<f4' : '<f2'}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const padded = (pre: number) => Math.ceil((pre + dict.length + 1) / 64) * 64 - pre; // header length with '\n', total a multiple of 64
  const v1 = padded(10) <= 0xffff;
  const pre = v1 ? 10 : 12;
  const headerLen = padded(pre);
  const out = new Uint8Array(pre + headerLen + data.length * SIZE[dt]);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, v1 ? 1 : 2, 0]);
  const dv = new DataView(out.buffer);
  if (v1) dv.setUint16(8, headerLen, true);
  else dv.setUint32(8, headerLen, true);
  const text = dict.padEnd(headerLen - 1, ' ') + '\n';
  for (let k = 0; k < text.length; k++) out[pre + k] = text.charCodeAt(k);
  encodeInto(data, dt, out, pre + headerLen);
  return out;
}

export async function writeSafetensors(path: string, tensors: readonly WriteTensor[], metadata?: Readonly<Record<string, string>>): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, encodeSafetensors(tensors, metadata));
}

export async function writeNpy(path: string, data: Float32Array, shape: readonly number[], dtype: WriteDtype = 'F32'): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, encodeNpy(data, shape, dtype));
}
