/**
 * The block codec: format('mxfp4').encode / decode / quantize over the WASM block kernels
 * (assembly/cvt/cvt-f32-block-wasmsimd.ts, cvt-block-f32-wasmsimd.ts), streamed in chunks of whole
 * blocks. Semantics, layout and choices: docs/block-formats.md; the reference twin is block-ref.ts
 * and the tests compare the two bit for bit.
 *
 * The kernels see blocks as runs of KP f32 (KP = block size rounded up to 16, zero padded). When
 * blocks are already contiguous runs of the input (blocks along the last axis, k | L, 16 | k — every
 * registered row on its default axis) chunks are copied straight in and codes are packed by the
 * packing kernel chunk by chunk; otherwise each chunk's blocks are gathered into that layout (and
 * the results scattered back) in TypeScript.
 */
import { fail, show } from '../errors.js';
import { CHUNK, runtime, type Runtime } from '../runtime/wasm.js';
import {
  BLOCK_ROUNDINGS, blockPlan, checkBlockPayload, expScale, resolveScaleRule, scaleShape,
  type BlockEncoding, type BlockOptions, type BlockPlan,
} from './block-layout.js';
import { BLOCK_FORMATS, bitsPerElement, blockElement, checkBlockSpec, type BlockElementInfo, type BlockScaleRule, type BlockSpec } from './block-spec.js';
import { buildDescriptor, DESC } from './descriptor.js';
import { IntFormat } from './int.js';
import { intLimits, minifloatLimits } from './limits.js';
import { MinifloatFormat } from './minifloat.js';
import { pack, packWords, unpack, unpackWords } from './packing.js';
import { deepFreeze } from './registry.js';
import { outArray } from './options.js';
import { checkRounding, ROUNDING_CODES } from './rounding.js';
import type { IntSpec, MinifloatSpec } from './spec.js';

export type { BlockEncoding, BlockOptions } from './block-layout.js';

/** Slots of the block descriptor: keep in sync with B_* in assembly/common/desc.ts. */
export const BDESC = {
  KIND: 0, RULE: 1, EMAX: 2, MAXBITS: 3, MBITS: 4, ISHIFT: 5, SBIAS: 6, SNAN: 7, NV_SEOM: 8, NV_SDEC: 9,
  CODEMASK: 10, KP: 11, ELNAN: 12, DVARIANT: 13, ESAFELO: 14, ESAFEHI: 15, PACK4: 16, QNEG: 17, SLOTS: 18,
} as const;

const RULE_CODES: Record<BlockScaleRule, number> = { floor: 0, ceil: 1, rceil: 2, even: 3, nv_te: 4 };
const ENCODE_KEYS = new Set(['shape', 'axis', 'scaleRule', 'rounding']);
const QUANTIZE_KEYS = new Set([...ENCODE_KEYS, 'out']);
const DECODE_KEYS = new Set(['out']);

interface BlockKernels {
  cvt_f32_block__wasmsimd(bd: number, desc: number, src: number, amax: number, dst: number, scales: number, nBlocks: number, mode: number, op: number): number;
  cvt_block_f32__wasmsimd(bd: number, desc: number, lut: number, src: number, scales: number, dst: number, nBlocks: number): void;
  amax_finite_f32__wasmsimd(src: number, n: number): number;
  amax_blocks_f32__wasmsimd(src: number, nBlocks: number, kp: number, dst: number): number;
  pack_u8_stream__wasmsimd(src: number, dst: number, n: number, b: number): number;
  unpack_u8_stream__wasmsimd(src: number, dst: number, n: number, b: number): void;
}

const f32u = new Float32Array(1);
const u32f = new Uint32Array(f32u.buffer);
function f32bits(v: number): number {
  f32u[0] = v;
  return u32f[0] | 0;
}

/**
 * The NV tensor-level factors the kernel reads (formats.md §2.2, TransformerEngine), every step an f32
 * store: S_enc = f32(f32(448 · max_el) / amax_t), Inf → FLT_MAX, and 1 when amax_t = 0 or S_enc = 0;
 * sdec = f32(1 / S_enc), the stored tensorScale; seom = f32(S_enc · f32(1 / max_el)), which the kernel
 * multiplies each block's amax by before the UE4M3 rounding.
 */
function nvKernelFactors(elMax: number, amaxT: number): { seom: number; sdec: number } {
  const t = new Float32Array(3);
  t[0] = 448 * elMax;
  t[0] = t[0] / amaxT;
  if (t[0] === Infinity) t[0] = 3.4028234663852886e38;
  if (amaxT === 0 || t[0] === 0) t[0] = 1;
  t[1] = 1 / t[0];
  t[2] = 1 / elMax;
  t[2] = t[0] * t[2];
  return { seom: t[2], sdec: t[1] };
}

/** Options of quantize: those of encode, plus `out`. */
export interface BlockQuantizeOptions extends BlockOptions {
  /** Write the result here (a Float32Array of the input's length) instead of a new array: avoids the first-touch page faults of a fresh large output. */
  out?: Float32Array;
}

function checkBlockOptions(o: unknown, keys: ReadonlySet<string>): BlockQuantizeOptions {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null) fail('BAD_OPTION', `options must be an object, got ${show(o)}`, o);
  for (const k of Object.keys(o))
    if (!keys.has(k)) fail('BAD_OPTION', `unknown option ${show(k)}; this call takes ${[...keys].join(', ')}`, k);
  return o as BlockQuantizeOptions;
}

export class BlockFormat {
  readonly kind = 'block' as const;
  readonly id: string;
  readonly spec: BlockSpec;
  readonly element: BlockElementInfo;
  /** Element code width in bits (the packed width). */
  readonly bits: number;
  /** Stored bits per element including the block scale byte (the NV f32 tensor scale not counted). */
  readonly bitsPerElement: number;
  /** Block stride inside the kernels: block size rounded up to 16. */
  private readonly kp: number;
  /** Element values of every code (2^bits, or 16 for ≤ 4-bit codes), the decode table (16 unused entries for words > 8 bits). */
  /** @internal (benches) */
  readonly lut: Float32Array;
  private readonly elNan: boolean;
  /** INT words wider than 8 bits: the kernels read and write i32 codes (4 bytes per element). */
  private readonly wide: boolean;
  /** @internal (benches) */
  readonly decodeVariant: number;

  /** `spec`: a block row (BLOCK_FORMATS, bfpSpec or hand-made); checked, and kept as a frozen copy. */
  constructor(spec: BlockSpec) {
    spec = Object.isFrozen(spec) && BLOCK_FORMATS.includes(spec) ? spec : checkBlockSpec(spec);
    this.spec = spec;
    this.id = spec.id;
    this.element = deepFreeze(blockElement(spec));
    this.bits = this.element.bits;
    this.bitsPerElement = bitsPerElement(spec);
    this.kp = Math.ceil(spec.blockSize / 16) * 16;
    const el = this.element;
    this.wide = this.bits > 8;
    // the decode table (words up to 8 bits) from the element kernels' own decode of every code
    // (NaN codes keep their bits); wider INT words decode arithmetically (path 4), without a table
    this.lut = new Float32Array(this.wide ? 16 : Math.max(16, 2 ** this.bits));
    if (!this.wide) {
      const all = new Uint8Array(2 ** this.bits).map((_, c) => c);
      if (el.kind === 'int') this.lut.set(new IntFormat(el.spec as IntSpec).decode(all, { scale: 2 ** el.intExp }));
      else this.lut.set(new MinifloatFormat(el.spec as MinifloatSpec).decode(all));
    }
    this.elNan = el.kind === 'minifloat' && minifloatLimits(el.spec as MinifloatSpec).hasNaN;
    // decode path of the kernel (assembly/cvt/cvt-block-f32-wasmsimd.ts): 0 swizzle, 1 INT, 2 8-bit high half-word, 3 table, 4 INT words > 8 bits
    const fast = el.kind === 'minifloat' && buildDescriptor(el.spec as MinifloatSpec, 'rne', 'finite')[DESC.FAST] === 1;
    this.decodeVariant = el.kind === 'int' ? (this.wide ? 4 : 1) : this.bits <= 4 && !this.elNan ? 0 : this.bits === 8 && fast && spec.scale !== 'ue4m3' ? 2 : 3;
  }

  /** Shape of the scales array for an input shape and axis. */
  scaleShape(shape: readonly number[], axis?: number): number[] {
    if (!Array.isArray(shape)) fail('BAD_SHAPE', `shape must be an array, got ${show(shape)}`, shape);
    const n = shape.reduce((a: number, b: unknown) => a * (b as number), 1);
    if (Number.isFinite(n) && !Number.isSafeInteger(n)) fail('BAD_SHAPE', `shape ${show(shape)} has ${n} elements, more than 2^53`, shape);
    return scaleShape(blockPlan(this.spec, n, shape, axis));
  }

  encode(x: Float32Array, opts?: BlockOptions): BlockEncoding {
    const { p, rule, mode } = this.prepare(x, opts, ENCODE_KEYS);
    const codes = new Uint8Array(Math.ceil((p.n * this.bits) / 8));
    const scales = new Uint8Array(p.nBlocks);
    const enc: BlockEncoding = { format: this.id, shape: p.shape, axis: p.axis, codes, scales };
    if (this.wide) return this.encodeWide(x, p, rule, mode, enc);
    const rt = runtime();
    const k = rt.exports as unknown as BlockKernels;
    rt.scoped(() => {
      const contiguous = this.contiguous(p);
      const G = this.blocksPerChunk();
      const inp = rt.alloc(G * this.kp * 4);
      // NV rows, contiguous blocks, RNE (the kernel's two-pass path): the first pass keeps every block's
      // maximum (u32 per block) for the second; other NV encodes take the tensor amax alone
      const first = this.spec.scale === 'ue4m3' && contiguous && mode === ROUNDING_CODES.rne ? this.nvFirstPass(rt, x, p, inp) : null;
      const abuf = first ? rt.alloc(G * 4) : 0;
      const bd = this.blockDescriptor(rt, x, p, rule, enc, contiguous && this.bits === 4, first?.amax);
      const desc = this.elementDescriptor(rt);
      const cbuf = rt.alloc(G * this.kp);
      const pbuf = rt.alloc(G * this.kp);
      const sbuf = rt.alloc(G);
      const natural = contiguous ? null : new Uint8Array(p.n);
      for (let b0 = 0; b0 < p.nBlocks; b0 += G) {
        const g = Math.min(G, p.nBlocks - b0);
        const m = g * p.k;
        const packedAt = (b0 * p.k * this.bits) / 8;
        this.load(rt, x, p, b0, g, inp);
        if (first) rt.u32(abuf, g).set(first.blockMax.subarray(b0, b0 + g));
        const packed = k.cvt_f32_block__wasmsimd(bd, desc, inp, abuf, cbuf, sbuf, g, mode, 0);
        scales.set(rt.u8(sbuf, g), b0);
        if (natural) this.scatterCodes(rt.u8(cbuf, g * this.kp), natural, p, b0, g);
        else if (packed) codes.set(rt.u8(cbuf, m / 2), packedAt);
        else if (this.bits === 8) codes.set(rt.u8(cbuf, m), b0 * p.k);
        else {
          k.pack_u8_stream__wasmsimd(cbuf, pbuf, m, this.bits);
          codes.set(rt.u8(pbuf, Math.ceil((m * this.bits) / 8)), packedAt);
        }
      }
      if (natural) codes.set(this.bits === 8 ? natural : pack(natural, this.bits));
    });
    return enc;
  }

  decode(e: BlockEncoding, opts?: { out?: Float32Array }): Float32Array {
    const p = checkBlockPayload(this.spec, e);
    const out = outArray(checkBlockOptions(opts, DECODE_KEYS).out, Float32Array, p.n);
    if (this.wide) return this.decodeWide(e, p, out);
    const rt = runtime();
    const k = rt.exports as unknown as BlockKernels;
    rt.scoped(() => {
      const contiguous = this.contiguous(p);
      const pack4 = contiguous && this.bits === 4 && this.decodeVariant <= 1; // the kernel unpacks 4-bit pairs itself
      const bd = this.blockDescriptor(rt, null, p, this.spec.scaleRule, e, pack4);
      const desc = this.elementDescriptor(rt);
      const lut = rt.alloc(this.lut.length * 4);
      rt.f32(lut, this.lut.length).set(this.lut);
      const G = this.blocksPerChunk();
      const cbuf = rt.alloc(G * this.kp);
      const pbuf = rt.alloc(G * this.kp);
      const sbuf = rt.alloc(G);
      const obuf = rt.alloc(G * this.kp * 4);
      const natural = contiguous ? null : this.bits === 8 ? e.codes : unpack(e.codes, this.bits, p.n);
      for (let b0 = 0; b0 < p.nBlocks; b0 += G) {
        const g = Math.min(G, p.nBlocks - b0);
        const m = g * p.k;
        const start = (b0 * p.k * this.bits) / 8;
        const len = Math.ceil((m * this.bits) / 8);
        rt.u8(sbuf, g).set(e.scales.subarray(b0, b0 + g));
        if (natural) this.gatherCodes(natural, rt.u8(cbuf, g * this.kp), p, b0, g);
        else if (pack4) rt.u8(cbuf, len).set(e.codes.subarray(start, start + len));
        else if (this.bits === 8) rt.u8(cbuf, m).set(e.codes.subarray(b0 * p.k, (b0 + g) * p.k));
        else {
          rt.u8(pbuf, len).set(e.codes.subarray(start, start + len));
          k.unpack_u8_stream__wasmsimd(pbuf, cbuf, m, this.bits);
        }
        k.cvt_block_f32__wasmsimd(bd, desc, lut, cbuf, sbuf, obuf, g);
        this.store(rt.f32(obuf, g * this.kp), out, p, b0, g);
      }
    });
    return out;
  }

  /** decode(encode(x)) in one fused pass per block (no codes formed in memory). */
  quantize(x: Float32Array, opts?: BlockQuantizeOptions): Float32Array {
    const { p, rule, mode } = this.prepare(x, opts, QUANTIZE_KEYS);
    const out = outArray(opts?.out, Float32Array, p.n);
    const rt = runtime();
    const k = rt.exports as unknown as BlockKernels;
    rt.scoped(() => {
      const bd = this.blockDescriptor(rt, x, p, rule, null, false);
      const desc = this.elementDescriptor(rt);
      const G = this.blocksPerChunk();
      const inp = rt.alloc(G * this.kp * 4);
      const sbuf = rt.alloc(G);
      for (let b0 = 0; b0 < p.nBlocks; b0 += G) {
        const g = Math.min(G, p.nBlocks - b0);
        this.load(rt, x, p, b0, g, inp);
        k.cvt_f32_block__wasmsimd(bd, desc, inp, 0, inp, sbuf, g, mode, 1);
        this.store(rt.f32(inp, g * this.kp), out, p, b0, g);
      }
    });
    return out;
  }

  // ---- internals --------------------------------------------------------------------------------

  /** encode for INT words wider than 8 bits: the kernel writes i32 codes (op 2), packed here into the LSB-first stream. */
  private encodeWide(x: Float32Array, p: BlockPlan, rule: BlockScaleRule, mode: number, enc: BlockEncoding): BlockEncoding {
    const rt = runtime();
    const k = rt.exports as unknown as BlockKernels;
    const natural = new Uint32Array(p.n);
    rt.scoped(() => {
      const G = this.blocksPerChunk();
      const inp = rt.alloc(G * this.kp * 4);
      const cbuf = rt.alloc(G * this.kp * 4);
      const sbuf = rt.alloc(G);
      const bd = this.blockDescriptor(rt, x, p, rule, enc, false);
      for (let b0 = 0; b0 < p.nBlocks; b0 += G) {
        const g = Math.min(G, p.nBlocks - b0);
        this.load(rt, x, p, b0, g, inp);
        k.cvt_f32_block__wasmsimd(bd, 0, inp, 0, cbuf, sbuf, g, mode, 2);
        enc.scales.set(rt.u8(sbuf, g), b0);
        const c = rt.u32(cbuf, g * this.kp);
        if (this.contiguous(p)) natural.set(c.subarray(0, g * p.k), b0 * p.k);
        else this.walk(p, b0, g, (t, base, len) => {
          for (let l = 0; l < len; l++) natural[base + l * p.inner] = c[t + l];
        });
      }
    });
    enc.codes = packWords(natural, this.bits);
    return enc;
  }

  /** decode for INT words wider than 8 bits: codes unpacked to i32 here, the kernel's path 4 converts and scales them. */
  private decodeWide(e: BlockEncoding, p: BlockPlan, out: Float32Array): Float32Array {
    const rt = runtime();
    const k = rt.exports as unknown as BlockKernels;
    const natural = unpackWords(e.codes, this.bits, p.n);
    rt.scoped(() => {
      const bd = this.blockDescriptor(rt, null, p, this.spec.scaleRule, e, false);
      const G = this.blocksPerChunk();
      const cbuf = rt.alloc(G * this.kp * 4);
      const sbuf = rt.alloc(G);
      const obuf = rt.alloc(G * this.kp * 4);
      for (let b0 = 0; b0 < p.nBlocks; b0 += G) {
        const g = Math.min(G, p.nBlocks - b0);
        rt.u8(sbuf, g).set(e.scales.subarray(b0, b0 + g));
        const c = rt.u32(cbuf, g * this.kp);
        if (this.contiguous(p)) c.set(natural.subarray(b0 * p.k, (b0 + g) * p.k));
        else {
          c.fill(0);
          this.walk(p, b0, g, (t, base, len) => {
            for (let l = 0; l < len; l++) c[t + l] = natural[base + l * p.inner];
          });
        }
        k.cvt_block_f32__wasmsimd(bd, 0, 0, cbuf, sbuf, obuf, g);
        this.store(rt.f32(obuf, g * this.kp), out, p, b0, g);
      }
    });
    return out;
  }

  private prepare(x: Float32Array, opts: BlockOptions | undefined, keys: ReadonlySet<string>): { p: BlockPlan; rule: BlockScaleRule; mode: number } {
    if (!(x instanceof Float32Array)) fail('BAD_TYPE', `input must be a Float32Array, got ${show(x)}`, x);
    const o = checkBlockOptions(opts, keys);
    const p = blockPlan(this.spec, x.length, o.shape, o.axis);
    const rule = resolveScaleRule(this.spec, o.scaleRule);
    const mode = ROUNDING_CODES[checkRounding(o.rounding, BLOCK_ROUNDINGS)];
    return { p, rule, mode };
  }

  private blocksPerChunk(): number {
    return Math.max(1, Math.floor(CHUNK / this.kp));
  }

  /** Blocks are contiguous runs of the natural order, each a whole number of 16-element steps. */
  private contiguous(p: BlockPlan): boolean {
    return p.inner === 1 && p.L % p.k === 0 && p.k === this.kp;
  }

  /**
   * Writes the block descriptor (at descSlot + 128); for NV rows computes the tensor scale (and sets it
   * on `enc`). pack4: the kernels may read / write 4-bit codes as packed pairs (contiguous blocks only).
   */
  /** @internal (benches) */
  blockDescriptor(rt: Runtime, x: Float32Array | null, p: BlockPlan, rule: BlockScaleRule, enc: BlockEncoding | null, pack4: boolean, tensorAmax?: number): number {
    const el = this.element;
    const d = new Int32Array(BDESC.SLOTS);
    d[BDESC.KIND] = el.kind === 'int' ? 1 : 0;
    d[BDESC.RULE] = RULE_CODES[rule];
    d[BDESC.EMAX] = el.emax;
    d[BDESC.MAXBITS] = f32bits(el.max);
    d[BDESC.MBITS] = el.mbits;
    d[BDESC.ISHIFT] = -el.intExp;
    d[BDESC.CODEMASK] = 2 ** this.bits - 1;
    d[BDESC.KP] = this.kp;
    d[BDESC.ELNAN] = this.elNan ? 1 : 0;
    d[BDESC.DVARIANT] = this.decodeVariant;
    d[BDESC.PACK4] = pack4 ? 1 : 0;
    if (el.kind === 'int') d[BDESC.QNEG] = f32bits(-intLimits(el.spec as IntSpec).qmin);
    if (el.kind === 'minifloat') {
      const L = minifloatLimits(el.spec as MinifloatSpec);
      d[BDESC.ESAFELO] = -126 - L.emin;
      d[BDESC.ESAFEHI] = 127 - Math.floor(Math.log2(L.max));
    }
    if (this.spec.scale === 'ue4m3') {
      d[BDESC.SNAN] = 0x7f;
      if (x) {
        const t = nvKernelFactors(el.max, tensorAmax ?? this.tensorAmax(rt, x));
        d[BDESC.NV_SEOM] = f32bits(t.seom);
        d[BDESC.NV_SDEC] = f32bits(t.sdec);
        if (enc) enc.tensorScale = t.sdec;
      } else d[BDESC.NV_SDEC] = f32bits((enc as BlockEncoding).tensorScale as number);
    } else {
      const { bias, nan } = expScale(this.spec);
      d[BDESC.SBIAS] = bias;
      d[BDESC.SNAN] = nan;
    }
    const ptr = rt.descSlot + 128;
    rt.i32(ptr, d.length).set(d);
    return ptr;
  }

  /** The element's minifloat descriptor at descSlot (RNE, saturating: the kernels clamp before rounding anyway). */
  /** @internal (benches) */
  elementDescriptor(rt: Runtime): number {
    if (this.element.kind === 'int') return 0;
    const d = buildDescriptor(this.element.spec as MinifloatSpec, 'rne', 'finite');
    rt.i32(rt.descSlot, d.length).set(d);
    return rt.descSlot;
  }

  /**
   * First pass of an NV encode over contiguous blocks (chunks through `inp`): every block's max-magnitude
   * bits (the second pass reads them instead of re-reading the block) and the tensor amax (largest finite |x|).
   */
  private nvFirstPass(rt: Runtime, x: Float32Array, p: BlockPlan, inp: number): { amax: number; blockMax: Uint32Array } {
    const k = rt.exports as unknown as BlockKernels;
    const blockMax = new Uint32Array(p.nBlocks);
    const G = this.blocksPerChunk();
    return rt.scoped(() => {
      const abuf = rt.alloc(G * 4);
      let m = 0;
      for (let b0 = 0; b0 < p.nBlocks; b0 += G) {
        const g = Math.min(G, p.nBlocks - b0);
        this.load(rt, x, p, b0, g, inp);
        m = Math.max(m, k.amax_blocks_f32__wasmsimd(inp, g, this.kp, abuf) >>> 0);
        blockMax.set(rt.u32(abuf, g), b0);
      }
      u32f[0] = m;
      return { amax: f32u[0], blockMax };
    });
  }

  /** Largest finite |x| (NV tensor amax), through the kernel in chunks. */
  private tensorAmax(rt: Runtime, x: Float32Array): number {
    const k = rt.exports as unknown as BlockKernels;
    return rt.scoped(() => {
      const buf = rt.alloc(CHUNK * 4);
      let m = 0;
      for (let off = 0; off < x.length; off += CHUNK) {
        const n = Math.min(CHUNK, x.length - off);
        rt.f32(buf, n).set(x.subarray(off, off + n));
        m = Math.max(m, k.amax_finite_f32__wasmsimd(buf, n) >>> 0);
      }
      u32f[0] = m;
      return f32u[0];
    });
  }

  /** Copies blocks [b0, b0 + g) of x into the kernel layout at ptr (gathered and zero padded unless contiguous). */
  private load(rt: Runtime, x: Float32Array, p: BlockPlan, b0: number, g: number, ptr: number): void {
    if (this.contiguous(p)) {
      rt.f32(ptr, g * p.k).set(x.subarray(b0 * p.k, (b0 + g) * p.k));
      return;
    }
    const buf = rt.f32(ptr, g * this.kp);
    buf.fill(0);
    this.walk(p, b0, g, (t, base, len) => {
      for (let l = 0; l < len; l++) buf[t + l] = x[base + l * p.inner];
    });
  }

  /** Copies the kernel layout's f32 results of blocks [b0, b0 + g) to their natural positions in out. */
  private store(buf: Float32Array, out: Float32Array, p: BlockPlan, b0: number, g: number): void {
    if (this.contiguous(p)) {
      out.set(buf.subarray(0, g * p.k), b0 * p.k);
      return;
    }
    this.walk(p, b0, g, (t, base, len) => {
      for (let l = 0; l < len; l++) out[base + l * p.inner] = buf[t + l];
    });
  }

  private scatterCodes(buf: Uint8Array, natural: Uint8Array, p: BlockPlan, b0: number, g: number): void {
    this.walk(p, b0, g, (t, base, len) => {
      for (let l = 0; l < len; l++) natural[base + l * p.inner] = buf[t + l];
    });
  }

  private gatherCodes(natural: Uint8Array, buf: Uint8Array, p: BlockPlan, b0: number, g: number): void {
    buf.fill(0);
    this.walk(p, b0, g, (t, base, len) => {
      for (let l = 0; l < len; l++) buf[t + l] = natural[base + l * p.inner];
    });
  }

  /** For blocks b0 … b0+g−1: (offset in the kernel layout, natural index of its first element, element count). */
  private walk(p: BlockPlan, b0: number, g: number, fn: (t: number, base: number, len: number) => void): void {
    for (let t = 0; t < g; t++) {
      const b = b0 + t;
      const i = b % p.inner;
      const j = Math.floor(b / p.inner) % p.nb;
      const o = Math.floor(b / (p.inner * p.nb));
      const len = Math.min(p.k, p.L - j * p.k);
      fn(t * this.kp, (o * p.L + j * p.k) * p.inner + i, len);
    }
  }
}
