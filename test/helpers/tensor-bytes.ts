/**
 * Tensor files built byte by byte from the formats' specs (not through numlab's writers):
 * safetensors = u64 LE header length, JSON header, data; .npy = "\x93NUMPY", major, minor,
 * u16 (1.0) / u32 (2.0, 3.0) LE header length, header dict padded with spaces and ending in '\n'.
 */

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);

/** u64 little-endian of a non-negative integer below 2^53 (or of `bigint`). */
export function u64le(v: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}

/** A safetensors file: header (JSON text or a value to stringify) then data bytes. */
export function safetensorsBytes(header: string | object, data: ArrayLike<number> = [], headerLen?: number | bigint): Uint8Array {
  const h = utf8(typeof header === 'string' ? header : JSON.stringify(header));
  return concat(u64le(headerLen ?? h.length), h, data);
}

/**
 * A .npy file of format `major`.0 with header dict `dict`, padded with spaces so that the whole
 * header (magic to '\n') is a multiple of `align` bytes (64 in numpy >= 1.?, 16 in old numpy).
 */
export function npyBytes(major: 1 | 2 | 3, dict: string, data: ArrayLike<number> = [], align = 64): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const text = utf8(dict);
  const total = Math.ceil((pre + text.length + 1) / align) * align;
  const header = concat(text, new Uint8Array(total - pre - text.length - 1).fill(0x20), [0x0a]);
  const len = new Uint8Array(pre - 8);
  const dv = new DataView(len.buffer);
  if (major === 1) dv.setUint16(0, header.length, true);
  else dv.setUint32(0, header.length, true);
  return concat([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0], len, header, data);
}
