/**
 * What GPTQ needs from a quantizer (spec ptq.md §1.8): fit per-row params for a slot (a group of
 * columns) from a slice of W, and quantize one column with a slot's params, returning values and
 * codes. Four kinds: the reference min/max INT quantizer (no `format`), the method formats
 * bitmod3|bitmod4 and nupes<b> (method-quantizers.ts), numlab element formats
 * (per-row or per-group f32 scales by the encodeScaled convention, through the reference twin) and
 * numlab block formats (blocks along cols, block scales fitted as the format defines).
 */
import { fail, show } from '../errors.js';
import { format as formatCodec, type ElementFormat } from '../formats/format.js';
import { IntFormat } from '../formats/int.js';
import type { IntSpec } from '../formats/spec.js';
import type { BlockFormat } from '../formats/block.js';
import { elementCode, elementValue, expScale, nvBlockScaleCode, nvDecodeFactor, nvElementFactor, nvTensorFactors, packWordsRef, type BlockEncoding } from '../formats/block-ref.js';
import { scaleExponent } from '../formats/block-scale.js';
import { blockElement, type BlockSpec } from '../formats/block-spec.js';
import { packRef } from '../formats/packing.js';
import { decodeScaledRef, encodeScaledRef } from '../formats/scaled-ref.js';
import type { ScaledEncoding, ScaledOptions } from '../formats/scaled.js';
import { checkInt } from './check.js';
import { minmaxCode, minmaxFit } from './minmax.js';
import type { GptqOptions } from './gptq.js';
import { methodId } from './method-ids.js';
import type { BitmodEncoding } from './bitmod.js';
import type { NupesEncoding } from './nupes.js';
import type { OliveEncoding } from './olive.js';
import { methodQuantizer } from './method-quantizers.js';

export interface ColumnQuantizer {
  /** Columns per params slot, -1 = one slot fitted on the whole W. */
  readonly groupSize: number;
  /** Fit slot `slot` on columns [c0, c1) of the column-major rows-high matrix src. */
  fit(src: Float64Array, c0: number, c1: number, slot: number): void;
  /** Quantize the column src[off .. off+rows) with slot's params into q; codes of original column oc. */
  quantize(src: Float64Array, off: number, slot: number, q: Float64Array, codes: Uint8Array | Uint16Array, oc: number): void;
  newCodes(n: number): Uint8Array | Uint16Array;
  /** [rows, slots] row-major: the value multiplier (and zero point) of each row and slot. */
  scales(): Float64Array;
  zeros(): Float64Array;
  /** The format's own payload (decode it with format(id).decodeScaled / .decode), null for the INT quantizer. */
  encoding(codes: Uint8Array | Uint16Array): GptqEncoding | null;
}

/** A format's own payload of a GPTQ result (see GptqResult.encoding). */
export type GptqEncoding = ScaledEncoding | BlockEncoding | BitmodEncoding | NupesEncoding | OliveEncoding;

export interface QuantizerSetup {
  opts: GptqOptions;
  rows: number;
  cols: number;
  groupSize: number;
  /** The original weight (NV formats fix their per-tensor scale on it before GPTQ). */
  W: Float32Array | Float64Array;
  /** Encode through the plain-TS reference twins (gptq engine 'ts') instead of the WASM codecs; same bits. */
  ref?: boolean;
}

export function columnQuantizer(s: QuantizerSetup): ColumnQuantizer {
  if (s.opts.format === undefined) return minmaxQuantizer(s);
  if (typeof s.opts.format !== 'string') fail('UNKNOWN_FORMAT', `format must be a format name, got ${show(s.opts.format)}`, s.opts.format);
  const m = methodId(s.opts.format);
  if (m && s.opts.actOrder && !s.opts.staticGroups && (s.groupSize !== -1 || (m.family === 'bitmod' && s.opts.groupSize === undefined))) {
    fail('BAD_OPTION', `format ${show(s.opts.format)} with actOrder needs staticGroups: true or groupSize -1 (groups must stay contiguous in the original column order)`, s.opts.format);
  }
  if (m) return methodQuantizer(m.family, m.bits, s);
  const f = formatCodec(s.opts.format);
  if (s.opts.actOrder && !s.opts.staticGroups && (s.groupSize !== -1 || f.kind === 'block')) {
    fail('BAD_OPTION', `format ${show(s.opts.format)} with actOrder needs staticGroups: true (groups/blocks must stay contiguous in the original column order)`, s.opts.format);
  }
  return f.kind === 'block' ? blockQuantizer(f, s) : elementQuantizer(f, s);
}

function minmaxQuantizer({ opts, rows, cols, groupSize }: QuantizerSetup): ColumnQuantizer {
  const bits = checkInt(opts.bits ?? 4, 'bits', 1, 16);
  const sym = opts.sym ?? false;
  if (typeof sym !== 'boolean') fail('BAD_OPTION', `sym must be a boolean, got ${show(sym)}`, sym);
  const maxq = 2 ** bits - 1;
  const slots = groupSize === -1 ? 1 : cols / groupSize;
  const scales = new Float64Array(rows * slots);
  const zeros = new Float64Array(rows * slots);
  return {
    groupSize,
    fit(src, c0, c1, slot) {
      minmaxFit(src, rows, c0, c1, maxq, sym, scales, zeros, slots, slot);
    },
    quantize(src, off, slot, q, codes, oc) {
      for (let r = 0; r < rows; r++) {
        const sc = scales[r * slots + slot];
        const z = zeros[r * slots + slot];
        const code = minmaxCode(src[off + r], sc, z, maxq);
        codes[r * cols + oc] = code;
        q[r] = sc * (code - z);
      }
    },
    newCodes: (n) => (bits <= 8 ? new Uint8Array(n) : new Uint16Array(n)),
    scales: () => scales,
    zeros: () => zeros,
    encoding: () => null,
  };
}

/** Element format: scale per row (groupSize −1) or per row and group, fitted by encodeScaled's absmax (and zero point) rule. */
function elementQuantizer(f: ElementFormat, { rows, cols, groupSize, ref }: QuantizerSetup): ColumnQuantizer {
  const enc = (x: Float32Array, o: ScaledOptions) => (ref ? encodeScaledRef(f.spec, x, o) : f.encodeScaled(x, o));
  const dec = (e: ScaledEncoding) => (ref ? decodeScaledRef(f.spec, e) : f.decodeScaled(e));
  const slots = groupSize === -1 ? 1 : cols / groupSize;
  const sc32 = new Float32Array(rows * slots);
  let zps: Int32Array | null = null;
  const col = new Float32Array(rows);
  const colScale = new Float32Array(rows);
  const colZp = new Int32Array(rows);
  return {
    groupSize,
    fit(src, c0, c1, slot) {
      const k = c1 - c0;
      const x = new Float32Array(rows * k);
      for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) x[r * k + j] = src[(c0 + j) * rows + r];
      const e = enc(x, { shape: [rows, k], axis: 0, granularity: 'channel' });
      for (let r = 0; r < rows; r++) sc32[r * slots + slot] = e.scales[r];
      if (e.zeroPoints) {
        zps ??= new Int32Array(rows * slots);
        for (let r = 0; r < rows; r++) zps[r * slots + slot] = e.zeroPoints[r];
      }
    },
    quantize(src, off, slot, q, codes, oc) {
      for (let r = 0; r < rows; r++) {
        col[r] = src[off + r];
        colScale[r] = sc32[r * slots + slot];
        if (zps) colZp[r] = zps[r * slots + slot];
      }
      // saturate: GPTQ updates can push later columns past the range the scales were fitted on
      const o: ScaledOptions = { shape: [rows], axis: 0, granularity: 'channel', scale: colScale, saturate: true };
      if (zps) Object.assign(o, { scheme: 'asymmetric', zeroPoint: colZp });
      const e = enc(col, o);
      const v = dec(e);
      for (let r = 0; r < rows; r++) {
        codes[r * cols + oc] = e.codes[r];
        q[r] = v[r];
      }
    },
    newCodes: (n) => (f.codeBytes === 1 ? new Uint8Array(n) : new Uint16Array(n)),
    scales: () => Float64Array.from(sc32),
    zeros: () => (zps ? Float64Array.from(zps) : new Float64Array(rows * slots)),
    encoding: (codes) => ({
      format: f.id, shape: [rows, cols], axis: groupSize === -1 ? 0 : 1, granularity: groupSize === -1 ? 'channel' : 'group',
      groupSize: groupSize === -1 ? null : groupSize, codes, scales: sc32, zeroPoints: zps,
    }),
  };
}

/**
 * Block format: blocks of the format's size along cols (groupSize must be −1 or that size). Block
 * scales follow the format's default rule: E8M0/BFP exponents from the block amax, NV rows with the
 * per-tensor factors fixed on the original W before GPTQ. Values are the reference decode.
 */
function blockQuantizer(f: BlockFormat, { rows, cols, groupSize, W, ref }: QuantizerSetup): ColumnQuantizer {
  const spec: BlockSpec = f.spec;
  const k = spec.blockSize;
  if (groupSize !== -1 && groupSize !== k) fail('BAD_OPTION', `${f.id} has blocks of ${k} along cols; groupSize must be -1 or ${k}, got ${groupSize}`, groupSize);
  if (cols % k !== 0) fail('BAD_SHAPE', `${f.id} needs cols to be a multiple of its block size ${k}, got ${cols}`, cols);
  if (spec.scaleRule !== 'nv_te' && spec.scale === 'ue4m3') fail('BAD_FORMAT_PARAMS', `${f.id}: unsupported scale rule ${spec.scaleRule}`, spec.scaleRule);
  const el = blockElement(spec);
  const slots = cols / k;
  const bytes = new Uint8Array(rows * slots);
  const dec = new Float64Array(rows * slots); // value = element value · dec (NV: then rounded to f32)
  const enc = new Float64Array(rows * slots); // element input = x · enc
  const nv = spec.scaleRule === 'nv_te';
  let amaxT = 0;
  for (let i = 0; i < W.length; i++) amaxT = Math.max(amaxT, Math.abs(Math.fround(W[i])));
  const t = nv ? nvTensorFactors(el, amaxT) : null;
  const exp = nv ? null : expScale(spec);
  const info = { emax: el.emax, max: el.max, mbits: el.mbits };
  const fr = Math.fround;
  // WASM path: the element's own codec on y = x·enc (exact in f32: a power of two, or NV's f32 product),
  // saturating, round half to even; the element scale 2^intExp of INT elements as a per-element scale
  const codec: ElementFormat = el.kind === 'int' ? new IntFormat(el.spec as IntSpec) : (formatCodec(spec.element) as ElementFormat);
  const lut = Float64Array.from({ length: 2 ** el.bits }, (_, c) => elementValue(el, c));
  const y = new Float32Array(rows);
  const ys = new Float32Array(rows).fill(2 ** el.intExp);
  const yo: ScaledOptions = { shape: [rows], axis: 0, granularity: 'channel', scale: ys, saturate: true };
  return {
    groupSize: k,
    fit(src, c0, c1, slot) {
      for (let r = 0; r < rows; r++) {
        let a = 0;
        for (let j = c0; j < c1; j++) a = Math.max(a, Math.abs(fr(src[j * rows + r])));
        const i = r * slots + slot;
        if (t) {
          const sc = nvBlockScaleCode(t, a);
          bytes[i] = sc;
          dec[i] = nvDecodeFactor(t.sDec, sc);
          enc[i] = nvElementFactor(t, sc);
        } else {
          const { bias } = exp as { bias: number };
          const e = Math.min(Math.max(scaleExponent(spec.scaleRule as 'floor', a, info) as number, -bias), bias);
          bytes[i] = e + bias;
          dec[i] = 2 ** e;
          enc[i] = 2 ** -e;
        }
      }
    },
    quantize(src, off, slot, q, codes, oc) {
      if (ref) {
        for (let r = 0; r < rows; r++) {
          const i = r * slots + slot;
          const x = fr(src[off + r]);
          const code = elementCode(el, t ? fr(x * enc[i]) : x * enc[i], 0, 'rne');
          codes[r * cols + oc] = code;
          q[r] = fr(elementValue(el, code) * dec[i]);
        }
        return;
      }
      for (let r = 0; r < rows; r++) y[r] = fr(src[off + r]) * enc[r * slots + slot];
      const c = codec.encodeScaled(y, yo).codes;
      for (let r = 0; r < rows; r++) {
        codes[r * cols + oc] = c[r];
        q[r] = fr(lut[c[r]] * dec[r * slots + slot]);
      }
    },
    newCodes: (n) => (el.bits <= 8 ? new Uint8Array(n) : new Uint16Array(n)),
    scales: () => dec,
    zeros: () => new Float64Array(rows * slots),
    encoding: (codes) => {
      const packed = codes instanceof Uint8Array ? packRef(codes, el.bits) : packWordsRef(Uint32Array.from(codes), el.bits);
      const e: BlockEncoding = { format: f.id, shape: [rows, cols], axis: 1, codes: packed, scales: bytes };
      if (t) e.tensorScale = t.sDec;
      return e;
    },
  };
}
