/**
 * safetensors header parsing and validation (huggingface/safetensors format): an unsigned 64-bit
 * little-endian header length N, N bytes of UTF-8 JSON mapping tensor names to
 * { dtype, shape, data_offsets: [begin, end] } (offsets relative to the byte after the header) plus
 * an optional "__metadata__" string→string map, then the data region, which the tensors' byte
 * ranges must cover exactly (no holes, no overlaps). Every check fails with MALFORMED_FILE
 * naming the file and the problem.
 */
import { fail, show } from '../errors.js';
import type { ByteSource } from './source.js';
import type { ElementEncoding, ParsedTensorFile, TensorInfo } from './types.js';

/** Largest header accepted (the reference implementation's limit). */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

/** Bits per element of every dtype the safetensors format defines. */
export const SAFETENSORS_DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, F64: 64, I64: 64, U64: 64, C64: 64,
};

/** The safetensors dtypes numlab reads (into float32). */
export const SAFETENSORS_READABLE: Readonly<Record<string, ElementEncoding>> = { F32: 'f32le', F16: 'f16le', BF16: 'bf16le' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Product of a shape, failing (rather than losing precision) past 2^53. */
export function elementCount(shape: readonly number[], where: string): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) fail('MALFORMED_FILE', `${where}: shape ${show(shape)} has more than 2^53 elements`, shape);
  }
  return n;
}

export async function parseSafetensors(src: ByteSource): Promise<ParsedTensorFile> {
  const file = src.name;
  const bad = (problem: string, value?: unknown): never => fail('MALFORMED_FILE', `${file}: ${problem}`, value);
  if (src.size < 8) bad(`${src.size} bytes is too short for a safetensors file (8-byte header length first)`, src.size);
  const head = await src.read(0, 8);
  const dv = new DataView(head.buffer, head.byteOffset, 8);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo; // exact up to 2^53; anything with hi > 0 is rejected below anyway
  if (hi !== 0 || headerLen > MAX_SAFETENSORS_HEADER) bad(`header length ${headerLen} is absurd (limit ${MAX_SAFETENSORS_HEADER} bytes; is this a safetensors file?)`, headerLen);
  if (headerLen > src.size - 8) bad(`header length ${headerLen} runs past the end of the file (${src.size} bytes)`, headerLen);
  const headerBytes = await src.read(8, headerLen);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    return bad('header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return bad(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json)) return bad(`header must be a JSON object, got ${show(json)}`, json);

  const dataStart = 8 + headerLen;
  const dataSize = src.size - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  const ranges: { name: string; begin: number; end: number }[] = [];
  for (const name of Object.keys(json)) {
    const entry = json[name];
    if (name === '__metadata__') {
      if (!isObject(entry)) return bad(`__metadata__ must be an object of strings, got ${show(entry)}`, entry);
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') return bad(`__metadata__[${show(k)}] must be a string, got ${show(v)}`, v);
        metadata[k] = v;
      }
      continue;
    }
    const where = `tensor ${show(name)}`;
    if (!isObject(entry)) return bad(`${where}: entry must be an object with dtype, shape and data_offsets, got ${show(entry)}`, entry);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string') return bad(`${where}: missing or non-string dtype ${show(dtype)}`, dtype);
    const bits = Object.hasOwn(SAFETENSORS_DTYPE_BITS, dtype) ? SAFETENSORS_DTYPE_BITS[dtype] : undefined;
    if (bits === undefined) return bad(`${where}: unknown dtype ${show(dtype)} (safetensors dtypes: ${Object.keys(SAFETENSORS_DTYPE_BITS).join(', ')})`, dtype);
    if (!Array.isArray(shape) || !shape.every(isCount)) return bad(`${where}: shape must be an array of non-negative integers, got ${show(shape)}`, shape);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) return bad(`${where}: data_offsets must be [begin, end] (non-negative integers), got ${show(offsets)}`, offsets);
    const [begin, end] = offsets as [number, number];
    if (begin > end) bad(`${where}: data_offsets ${show(offsets)} end before they begin`, offsets);
    if (end > dataSize) bad(`${where}: data_offsets ${show(offsets)} run past the end of the data (${dataSize} bytes)`, offsets);
    const n = elementCount(shape as number[], `${file}: ${where}`);
    const byteLength = (n * bits) / 8;
    if (byteLength !== end - begin) bad(`${where}: shape ${show(shape)} × ${dtype} is ${byteLength} bytes but data_offsets ${show(offsets)} hold ${end - begin}`, offsets);
    const encoding = Object.hasOwn(SAFETENSORS_READABLE, dtype) ? SAFETENSORS_READABLE[dtype] : null;
    tensors.push({ name, dtype, shape: [...(shape as number[])], n, byteLength, offset: dataStart + begin, encoding });
    ranges.push({ name, begin, end });
  }
  // The data region must be covered exactly: sorted by begin, each range starts where the last ended.
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const r of ranges) {
    if (r.begin < at) bad(`tensor ${show(r.name)}: data_offsets [${r.begin}, ${r.end}] overlap the previous tensor (which ends at ${at})`, [r.begin, r.end]);
    if (r.begin > at) bad(`tensor ${show(r.name)}: data_offsets [${r.begin}, ${r.end}] leave a hole at bytes [${at}, ${r.begin})`, [r.begin, r.end]);
    at = r.end;
  }
  if (at !== dataSize) bad(`the tensors cover ${at} bytes of data but the file holds ${dataSize} after the header (the rest is not covered by any tensor)`, dataSize);
  return { kind: 'safetensors', tensors, metadata };
}
