/**
 * Bit packing of 1..8-bit codes into bytes (docs/packing.md), over the WASM kernels in
 * assembly/pack/, streamed in CHUNK-sized pieces; plus the plain-TS reference twin (the *Ref
 * functions, written bit by bit from the layout definition) that the tests compare against.
 *
 * Stream layout (pack/unpack): code i occupies stream bits [i·b, (i+1)·b), least-significant bit
 * first; stream bit k is bit (k mod 8) of byte ⌊k/8⌋. Packed length ⌈n·b/8⌉; the unused high bits
 * of the last byte are zero (and unpack rejects a buffer where they are not).
 *
 * 4+2 split (packSplit42/unpackSplit42, 6-bit codes, as in FP6-LLM / ZeroQuant(4+2)): the lo2
 * plane holds code >> 4 (the 2 most significant bits), the hi4 plane holds code & 0xF (the 4 least
 * significant bits); each plane is an LSB-first stream of its own (2-bit and 4-bit). The plane
 * names follow the API brief: "hi4"/"lo2" name the 4-bit and 2-bit planes, NOT which bits they hold.
 */
import { fail, show } from '../errors.js';
import { CHUNK, runtime } from '../runtime/wasm.js';

/** The packing kernels' exports (assembly/pack/index.ts). */
interface PackingKernels {
  pack_u8_stream__wasmsimd(src: number, dst: number, n: number, bits: number): number;
  unpack_u8_stream__wasmsimd(src: number, dst: number, n: number, bits: number): void;
  pack_u8_split42__wasmsimd(src: number, hi4: number, lo2: number, n: number): number;
  unpack_u8_split42__wasmsimd(hi4: number, lo2: number, dst: number, n: number): void;
}

function kernels(): PackingKernels {
  return runtime().exports as unknown as PackingKernels;
}

/** The two planes of the 4+2 split: hi4 = the 4-bit plane (code & 0xF), lo2 = the 2-bit plane (code >> 4). */
export interface Split42 {
  hi4: Uint8Array;
  lo2: Uint8Array;
}

// CHUNK is a multiple of 64 (one kernel block), so every chunk starts on a byte boundary of every
// plane: chunk offset `off` codes = off·b/8 packed bytes exactly.
if (CHUNK % 64 !== 0) throw new Error(`packing needs CHUNK to be a multiple of 64, got ${CHUNK}`);

// ---- validation (shared by the kernel path and the reference twin) ---------------------------

function checkBits(bits: unknown): number {
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1 || bits > 8)
    fail('BAD_OPTION', `bits must be an integer in 1..8, got ${show(bits)}`, bits);
  return bits;
}

function checkU8(a: unknown, what: string): Uint8Array {
  if (!(a instanceof Uint8Array)) fail('BAD_TYPE', `${what} must be a Uint8Array, got ${show(a)}`, a);
  return a;
}

function checkCount(n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    fail('BAD_LENGTH', `element count n must be a non-negative integer, got ${show(n)}`, n);
  return n;
}

/** Packed byte length of n codes of b bits: ⌈n·b/8⌉. */
export function packedLength(n: number, bits: number): number {
  return Math.ceil((checkCount(n) * checkBits(bits)) / 8);
}

function checkPacked(packed: Uint8Array, n: number, bits: number, what: string): void {
  const want = Math.ceil((n * bits) / 8);
  if (packed.length !== want)
    fail('BAD_LENGTH', `${what} holds ${packed.length} bytes, but ${n} codes of ${bits} bits need ⌈${n}·${bits}/8⌉ = ${want}`, packed.length);
  const used = (n * bits) % 8;
  if (used !== 0) {
    const last = packed[want - 1];
    if (last >> used !== 0)
      fail('BAD_CODE', `${what} byte ${want - 1} = 0x${hex(last)} has non-zero padding bits above bit ${used - 1} (n = ${n}, ${bits} bits)`, last);
  }
}

function codeError(codes: Uint8Array, bits: number, from: number, to: number): never {
  for (let i = from; i < to; i++)
    if (codes[i] >> bits !== 0) fail('BAD_CODE', `code ${codes[i]} at index ${i} does not fit ${bits} bits (max ${2 ** bits - 1})`, codes[i]);
  return fail('BAD_CODE', `a code in [${from}, ${to}) does not fit ${bits} bits`);
}

function hex(x: number): string {
  return x.toString(16).toUpperCase().padStart(2, '0');
}

// ---- the WASM path ---------------------------------------------------------------------------

/** Packs b-bit codes (one per byte) into the LSB-first bit stream: ⌈n·b/8⌉ bytes. */
export function pack(codes: Uint8Array, bits: number): Uint8Array {
  checkU8(codes, 'codes');
  const b = checkBits(bits);
  const n = codes.length;
  const out = new Uint8Array(Math.ceil((n * b) / 8));
  if (n === 0) return out;
  const rt = runtime();
  const k = kernels();
  rt.scoped(() => {
    const inp = rt.alloc(CHUNK);
    const outp = rt.alloc(CHUNK);
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      rt.u8(inp, m).set(codes.subarray(off, off + m));
      if (k.pack_u8_stream__wasmsimd(inp, outp, m, b) !== 0) codeError(codes, b, off, off + m);
      out.set(rt.u8(outp, Math.ceil((m * b) / 8)), (off / 8) * b);
    }
  });
  return out;
}

/** Unpacks n b-bit codes from the LSB-first bit stream (exactly ⌈n·b/8⌉ bytes, zero padding bits). */
export function unpack(packed: Uint8Array, bits: number, n: number): Uint8Array {
  checkU8(packed, 'packed');
  const b = checkBits(bits);
  checkCount(n);
  checkPacked(packed, n, b, 'packed');
  const out = new Uint8Array(n);
  if (n === 0) return out;
  const rt = runtime();
  const k = kernels();
  rt.scoped(() => {
    const inp = rt.alloc(CHUNK);
    const outp = rt.alloc(CHUNK);
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      const start = (off / 8) * b;
      const len = Math.ceil((m * b) / 8);
      rt.u8(inp, len).set(packed.subarray(start, start + len));
      k.unpack_u8_stream__wasmsimd(inp, outp, m, b);
      out.set(rt.u8(outp, m), off);
    }
  });
  return out;
}

/** Splits 6-bit codes into the FP6-LLM 4+2 planes: hi4 = code & 0xF (⌈n/2⌉ bytes), lo2 = code >> 4 (⌈n/4⌉ bytes). */
export function packSplit42(codes: Uint8Array): Split42 {
  checkU8(codes, 'codes');
  const n = codes.length;
  const hi4 = new Uint8Array(Math.ceil(n / 2));
  const lo2 = new Uint8Array(Math.ceil(n / 4));
  if (n === 0) return { hi4, lo2 };
  const rt = runtime();
  const k = kernels();
  rt.scoped(() => {
    const inp = rt.alloc(CHUNK);
    const hp = rt.alloc(CHUNK / 2);
    const lp = rt.alloc(CHUNK / 4);
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      rt.u8(inp, m).set(codes.subarray(off, off + m));
      if (k.pack_u8_split42__wasmsimd(inp, hp, lp, m) !== 0) codeError(codes, 6, off, off + m);
      hi4.set(rt.u8(hp, Math.ceil(m / 2)), off / 2);
      lo2.set(rt.u8(lp, Math.ceil(m / 4)), off / 4);
    }
  });
  return { hi4, lo2 };
}

/** Joins the 4+2 planes back into n 6-bit codes: code = lo2 << 4 | hi4. */
export function unpackSplit42(hi4: Uint8Array, lo2: Uint8Array, n: number): Uint8Array {
  checkU8(hi4, 'hi4');
  checkU8(lo2, 'lo2');
  checkCount(n);
  checkPacked(hi4, n, 4, 'hi4');
  checkPacked(lo2, n, 2, 'lo2');
  const out = new Uint8Array(n);
  if (n === 0) return out;
  const rt = runtime();
  const k = kernels();
  rt.scoped(() => {
    const hp = rt.alloc(CHUNK / 2);
    const lp = rt.alloc(CHUNK / 4);
    const outp = rt.alloc(CHUNK);
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      const h = Math.ceil(m / 2);
      const l = Math.ceil(m / 4);
      rt.u8(hp, h).set(hi4.subarray(off / 2, off / 2 + h));
      rt.u8(lp, l).set(lo2.subarray(off / 4, off / 4 + l));
      k.unpack_u8_split42__wasmsimd(hp, lp, outp, m);
      out.set(rt.u8(outp, m), off);
    }
  });
  return out;
}

// ---- the reference twin: bit by bit from the definition --------------------------------------

/** Reference pack: stream bit i·b + j = bit j of code i; bit k lives in bit k mod 8 of byte ⌊k/8⌋. */
/**
 * Codes of 9 … 24 bits (block formats' wide BFP words) in the same LSB-first stream as pack: code i
 * occupies stream bits [i·bits, (i+1)·bits), ⌈n·bits/8⌉ bytes. Codes must fit `bits` (callers mask them).
 */
export function packWords(codes: Uint32Array, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((codes.length * bits) / 8));
  let acc = 0;
  let nacc = 0;
  let o = 0;
  for (let i = 0; i < codes.length; i++) {
    acc |= codes[i] << nacc; // < 2^(7 + 24)
    nacc += bits;
    for (; nacc >= 8; nacc -= 8, acc >>>= 8) out[o++] = acc & 0xff;
  }
  if (nacc > 0) out[o] = acc;
  return out;
}

/** Inverse of packWords (length and padding bits are the caller's to check). */
export function unpackWords(packed: Uint8Array, bits: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  const mask = 2 ** bits - 1;
  let acc = 0;
  let nacc = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (; nacc < bits; nacc += 8) acc |= packed[o++] << nacc; // nacc < bits ≤ 24: < 2^32
    out[i] = (acc & mask) >>> 0;
    acc >>>= bits;
    nacc -= bits;
  }
  return out;
}

export function packRef(codes: Uint8Array, bits: number): Uint8Array {
  checkU8(codes, 'codes');
  const b = checkBits(bits);
  const out = new Uint8Array(Math.ceil((codes.length * b) / 8));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 2 ** b) fail('BAD_CODE', `code ${c} at index ${i} does not fit ${b} bits (max ${2 ** b - 1})`, c);
    for (let j = 0; j < b; j++) {
      const k = i * b + j;
      out[Math.floor(k / 8)] |= ((c >> j) & 1) << k % 8;
    }
  }
  return out;
}

/** Reference unpack: code i = Σ_j bit(i·b + j) · 2^j. */
export function unpackRef(packed: Uint8Array, bits: number, n: number): Uint8Array {
  checkU8(packed, 'packed');
  const b = checkBits(bits);
  checkCount(n);
  checkPacked(packed, n, b, 'packed');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < b; j++) {
      const k = i * b + j;
      c |= ((packed[Math.floor(k / 8)] >> k % 8) & 1) << j;
    }
    out[i] = c;
  }
  return out;
}

/** Reference 4+2 split: the planes as code arrays, each packed with packRef. */
export function packSplit42Ref(codes: Uint8Array): Split42 {
  checkU8(codes, 'codes');
  const low4 = new Uint8Array(codes.length);
  const top2 = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 64) fail('BAD_CODE', `code ${c} at index ${i} does not fit 6 bits (max 63)`, c);
    low4[i] = c % 16;
    top2[i] = Math.floor(c / 16);
  }
  return { hi4: packRef(low4, 4), lo2: packRef(top2, 2) };
}

export function unpackSplit42Ref(hi4: Uint8Array, lo2: Uint8Array, n: number): Uint8Array {
  checkU8(hi4, 'hi4');
  checkU8(lo2, 'lo2');
  checkCount(n);
  checkPacked(hi4, n, 4, 'hi4');
  checkPacked(lo2, n, 2, 'lo2');
  const low4 = unpackRef(hi4, 4, n);
  const top2 = unpackRef(lo2, 2, n);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = top2[i] * 16 + low4[i];
  return out;
}
