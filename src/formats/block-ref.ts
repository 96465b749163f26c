/**
 * Reference twin of the generic block codec (docs/block-formats.md is the prose version; this file
 * is the definition the WASM kernels will be tested against bit for bit). Plain TypeScript, plain
 * index arithmetic on the natural (row-major) order, exact arithmetic:
 *
 *  - Power-of-two scales (E8M0, BFP exponent): X = 2^e from the block amax by the scale rule
 *    (block-scale.ts); the element sees V · 2^-e, exact in doubles (never a rounded f32 division),
 *    encoded by the element's reference twin with the chosen rounding and clamped to ±max.
 *  - NV two-level scales (NVFP4, NVINT4): the TransformerEngine recipe, in f32 (Math.fround after
 *    every operation), in the evaluation order spelled out in nvTensorFactors, nvBlockScaleCode,
 *    nvDecodeFactor, nvElementFactor; decode is x̂ = f32(q · d_b).
 *
 * Storage layout (the one place it is defined in code; docs/block-formats.md §Layout):
 *  - view the shape as [outer, L, inner] around `axis` (default last); block (o, j, i) holds the
 *    elements (o, l, i) with l ∈ [j·k, min((j+1)·k, L)), k = blockSize; a ragged last block is the
 *    L mod k remaining elements, treated as if zero-padded (zeros never change amax; padding is
 *    neither stored nor returned);
 *  - codes: one code per element in natural row-major order of `shape`, packed with packRef
 *    (LSB-first bit stream of `bits`-wide codes, ⌈n·bits/8⌉ bytes; words wider than 8 bits, up to
 *    24, in the same stream: packWordsRef);
 *  - scales: one byte per block, in row-major order of the [outer, ⌈L/k⌉, inner] view (= `shape`
 *    with shape[axis] replaced by ⌈L/k⌉);
 *  - tensorScale (NV rows only): the f32 decode scale s_dec = f32(1 / S_enc).
 */
import { fail, show } from '../errors.js';
import {
  BLOCK_ROUNDINGS, blockPlan, checkBlockPayload, expScale, resolveScaleRule, type BlockEncoding, type BlockOptions, type BlockPlan,
} from './block-layout.js';
import { scaleExponent, type ElementScaleInfo } from './block-scale.js';
import { blockElement, type BlockElementInfo, type BlockSpec } from './block-spec.js';
import { intCodeRef, intValueRef } from './int-ref.js';
import { decodeBitsRef, decodeRef, encodeRef, type EncodeRefOptions } from './minifloat-ref.js';
import { packRef, unpackRef } from './packing.js';
import { MINIFLOATS } from './registry.js';
import { checkRounding } from './rounding.js';
import type { IntSpec, MinifloatSpec, RoundingMode } from './spec.js';

export { BLOCK_ROUNDINGS, blockPlan, checkBlockPayload, expScale, resolveScaleRule, scaleShape } from './block-layout.js';
export type { BlockEncoding, BlockOptions, BlockPlan, BlockRounding } from './block-layout.js';

/** Natural indices of the elements of block b (row-major in [outer, nb, inner]), in axis order. */
export function blockMembers(p: BlockPlan, b: number): number[] {
  const i = b % p.inner;
  const j = Math.floor(b / p.inner) % p.nb;
  const o = Math.floor(b / (p.inner * p.nb));
  const out: number[] = [];
  for (let l = j * p.k; l < Math.min((j + 1) * p.k, p.L); l++) out.push((o * p.L + l) * p.inner + i);
  return out;
}

// ---- scale formats ---------------------------------------------------------------------------

const UE4M3 = MINIFLOATS.find((r) => r.id === 'ue4m3') as MinifloatSpec;
const F32_MAX = 3.4028234663852886e38;
const fr = Math.fround;
const NAN_BITS = 0x7fc00000;

function elementOptions(rounding: RoundingMode): EncodeRefOptions {
  return { rounding, saturate: 'propagate', seedA: 0, seedB: 0 };
}

/** Element code of a value y already divided by the block scale (finite; exactly an f32 value for INT). */
export function elementCode(el: BlockElementInfo, y: number, idx: number, rounding: RoundingMode): number {
  if (el.kind === 'int') return intCodeRef(el.spec as IntSpec, y * 2 ** -el.intExp, 0, idx, { rounding, seedA: 0, seedB: 0 });
  // saturate 'finite': Inf (NV: x · FLT_MAX overflowing f32) clamps to ±max like a finite overflow
  const c = encodeRef(el.spec as MinifloatSpec, y, idx, { ...elementOptions(rounding), saturate: 'finite' });
  return c as number; // y is never NaN here
}

/** Exact value of an element code on its grid (INT: k · 2^intExp; minifloat: the row's value, NaN/Inf included). */
export function elementValue(el: BlockElementInfo, code: number): number {
  if (el.kind === 'int') return intValueRef(el.spec as IntSpec, code, 0) * 2 ** el.intExp;
  return decodeRef(el.spec as MinifloatSpec, code);
}

/**
 * Bits of x̂ where value · X is NaN: the element's own bits — its NaN for minifloat NaN codes, and for a
 * zero times an infinite NV d_b (a hand-made payload whose tensorScale pushes d_b past FLT_MAX) the
 * zero, which is the real product (INT zero: +0).
 */
function elementNanBits(el: BlockElementInfo, code: number): number {
  return el.kind === 'minifloat' ? decodeBitsRef(el.spec as MinifloatSpec, code) : 0;
}

function scaleInfo(el: BlockElementInfo): ElementScaleInfo {
  return { emax: el.emax, max: el.max, mbits: el.mbits };
}

/** NaN-propagating max |x| over a block (Inf counts as NaN: either makes a NaN scale). */
function blockAmax(x: Float32Array, members: number[]): number {
  let a = 0;
  for (const idx of members) {
    const v = Math.abs(x[idx]);
    if (!Number.isFinite(v)) return NaN;
    if (v > a) a = v;
  }
  return a;
}

// ---- NV two-level recipe (TransformerEngine column of formats.md §2.2) -------------------------

export interface NvTensorFactors {
  /** f32 global encode scale S_enc = min(f32(448·emax_el / amax_t), FLT_MAX); 1.0 when amax_t = 0 or S_enc = 0. */
  sEnc: number;
  /** f32(1/S_enc): the stored tensorScale. */
  sDec: number;
  /** f32(S_enc · f32(1/max_el)): block amax times this is the block scale before ue4m3 rounding. */
  sEncOverMax: number;
}

/** amax_t is the largest finite |x| of the tensor (NaN/Inf blocks are NaN blocks and do not count). */
export function nvTensorFactors(el: BlockElementInfo, amaxT: number): NvTensorFactors {
  let sEnc = Math.min(fr(fr(448 * el.max) / amaxT), F32_MAX);
  if (amaxT === 0 || sEnc === 0) sEnc = 1;
  const sDec = fr(1 / sEnc);
  return { sEnc, sDec, sEncOverMax: fr(sEnc * fr(1 / el.max)) };
}

/** Block scale code: ue4m3_RNE_satfinite(f32(amax_b · sEncOverMax)). */
export function nvBlockScaleCode(t: NvTensorFactors, amaxB: number): number {
  return encodeRef(UE4M3, fr(amaxB * t.sEncOverMax), 0, elementOptions('rne')) as number;
}

/** Per-block decode factor d_b = f32(S_dec_b · s_dec) (f32(S_dec_b) is exact: a ue4m3 value). */
export function nvDecodeFactor(sDec: number, scaleCode: number): number {
  return fr(decodeRef(UE4M3, scaleCode) * sDec);
}

/** Per-block element factor s_enc_b = min(f32(1 / d_b), FLT_MAX) (TE: 1 / (fp32(S_dec_b) · (1/S_enc))). */
export function nvElementFactor(t: NvTensorFactors, scaleCode: number): number {
  return Math.min(fr(1 / nvDecodeFactor(t.sDec, scaleCode)), F32_MAX);
}

// ---- encode / decode / quantize -------------------------------------------------------------

function checkInput(x: unknown): Float32Array {
  if (!(x instanceof Float32Array)) fail('BAD_TYPE', `input must be a Float32Array, got ${show(x)}`, x);
  return x;
}

export function encodeBlockRef(spec: BlockSpec, xIn: Float32Array, o: BlockOptions = {}): BlockEncoding {
  const x = checkInput(xIn);
  const p = blockPlan(spec, x.length, o.shape, o.axis);
  const rule = resolveScaleRule(spec, o.scaleRule);
  const rounding = checkRounding(o.rounding, BLOCK_ROUNDINGS);
  const el = blockElement(spec);
  const codes = el.bits > 8 ? new Uint32Array(p.n) : new Uint8Array(p.n);
  const scales = new Uint8Array(p.nBlocks);
  let tensorScale: number | undefined;

  if (rule === 'nv_te') {
    let amaxT = 0;
    for (let i = 0; i < x.length; i++) {
      const v = Math.abs(x[i]);
      if (Number.isFinite(v) && v > amaxT) amaxT = v;
    }
    const t = nvTensorFactors(el, amaxT);
    tensorScale = t.sDec;
    for (let b = 0; b < p.nBlocks; b++) {
      const members = blockMembers(p, b);
      const amaxB = blockAmax(x, members);
      if (Number.isNaN(amaxB)) {
        scales[b] = 0x7f; // ue4m3 NaN; codes stay 0
        continue;
      }
      const sc = nvBlockScaleCode(t, amaxB);
      scales[b] = sc;
      const f = nvElementFactor(t, sc);
      for (const idx of members) codes[idx] = elementCode(el, fr(x[idx] * f), idx, rounding);
    }
  } else {
    const { bias, nan } = expScale(spec);
    const info = scaleInfo(el);
    for (let b = 0; b < p.nBlocks; b++) {
      const members = blockMembers(p, b);
      const amax = blockAmax(x, members);
      const e0 = scaleExponent(rule, amax, info);
      if (e0 === null) {
        scales[b] = nan; // NaN scale; codes stay 0
        continue;
      }
      const e = Math.min(Math.max(e0, -bias), bias);
      scales[b] = e + bias;
      for (const idx of members) codes[idx] = elementCode(el, x[idx] * 2 ** -e, idx, rounding);
    }
  }
  const packed = codes instanceof Uint8Array ? packRef(codes, el.bits) : packWordsRef(codes, el.bits);
  const enc: BlockEncoding = { format: spec.id, shape: p.shape, axis: p.axis, codes: packed, scales };
  if (tensorScale !== undefined) enc.tensorScale = tensorScale;
  return enc;
}

/** Checks an encoded payload against the row; returns its plan and unpacked codes. */
function checkEncoding(spec: BlockSpec, e: BlockEncoding): { p: BlockPlan; codes: Uint8Array | Uint32Array } {
  const p = checkBlockPayload(spec, e);
  const bits = blockElement(spec).bits;
  return { p, codes: bits > 8 ? unpackWordsRef(e.codes, bits, p.n) : unpackRef(e.codes, bits, p.n) };
}

/** LSB-first bit stream of `bits`-wide codes (9 … 24 bits), bit by bit: code i occupies stream bits [i·bits, (i+1)·bits). */
export function packWordsRef(codes: Uint32Array, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((codes.length * bits) / 8));
  for (let i = 0; i < codes.length; i++)
    for (let j = 0; j < bits; j++) {
      const k = i * bits + j;
      out[Math.floor(k / 8)] |= (Math.floor(codes[i] / 2 ** j) % 2) << k % 8;
    }
  return out;
}

/** Inverse of packWordsRef (the payload's length and padding bits are checked by checkBlockPayload). */
export function unpackWordsRef(packed: Uint8Array, bits: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < bits; j++) {
      const k = i * bits + j;
      c += ((packed[Math.floor(k / 8)] >> k % 8) & 1) * 2 ** j;
    }
    out[i] = c;
  }
  return out;
}

export function decodeBlockRef(spec: BlockSpec, e: BlockEncoding): Float32Array {
  const { p, codes } = checkEncoding(spec, e);
  const el = blockElement(spec);
  const out = new Float32Array(p.n);
  const ob = new Uint32Array(out.buffer);
  const nv = spec.scale === 'ue4m3';
  const exp = nv ? null : expScale(spec);
  const sDec = e.tensorScale as number;
  for (let b = 0; b < p.nBlocks; b++) {
    const members = blockMembers(p, b);
    const sc = e.scales[b];
    if (nv ? sc === 0x7f : sc === (exp as { nan: number }).nan) {
      for (const idx of members) ob[idx] = NAN_BITS;
      continue;
    }
    for (const idx of members) {
      const v = elementValue(el, codes[idx]);
      // NV: x̂ = f32(q · d_b), d_b = f32(S_dec_b · s_dec): the same f32 product whose reciprocal is s_enc_b
      // pow2: x̂ = f32(q · 2^e)   (exact unless past f32 max → ±Inf)
      const r = nv ? fr(v * nvDecodeFactor(sDec, sc)) : fr(v * 2 ** (sc - (exp as { bias: number }).bias));
      if (Number.isNaN(r)) ob[idx] = elementNanBits(el, codes[idx]);
      else out[idx] = r;
    }
  }
  return out;
}

export function quantizeBlockRef(spec: BlockSpec, x: Float32Array, o: BlockOptions = {}): Float32Array {
  return decodeBlockRef(spec, encodeBlockRef(spec, x, o));
}

/** The API contract of the next session, on the reference twin: blockRefCodec(spec).encode(x, opts) etc. */
export function blockRefCodec(spec: BlockSpec) {
  return {
    spec,
    encode: (x: Float32Array, o?: BlockOptions) => encodeBlockRef(spec, x, o),
    decode: (e: BlockEncoding) => decodeBlockRef(spec, e),
    quantize: (x: Float32Array, o?: BlockOptions) => quantizeBlockRef(spec, x, o),
  };
}
