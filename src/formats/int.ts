/**
 * INT and bipolar-INT codecs over the WASM kernels. Codes are unpacked, one per element:
 * Uint8Array for ≤ 8 bits, else Uint16Array; a signed INT code is the low `bits` of its two's
 * complement (int4 −1 → 0xF), so codes pack directly (packing.ts). Element-level calls take a
 * per-tensor scale (default 1) and, for INT, a zero point (default 0):
 *   encode: q = clamp(round(x / scale) + zeroPoint, qmin, qmax)      decode: (q − zeroPoint) · scale
 * Per-channel and per-group scaling: encodeScaled / decodeScaled / quantizeScaled (scaled.ts).
 * NaN inputs raise NONFINITE_INPUT; ±Inf saturate to qmin/qmax (levels ±(2^b − 1) for bipolar).
 */
import { fail, show } from '../errors.js';
import { CHUNK, runtime, type Runtime } from '../runtime/wasm.js';
import { intLimits, type IntLimits } from './limits.js';
import { checkScale, firstNaN, outArray } from './options.js';
import { ROUNDING_CODES } from './rounding.js';
import {
  decodeScaled, encodeScaled, quantizeScaled, runOptions, type ElementCodec, type RunOptions, type ScaledEncoding,
  type ScaledOptions, type Scheme,
} from './scaled.js';
import type { BipolarSpec, IntSpec, RoundingMode } from './spec.js';

export interface IntElementOptions {
  rounding?: RoundingMode;
  seed?: number;
  /** Per-tensor scale (finite, > 0, an f32); default 1. */
  scale?: number;
  /** INT only: zero point in [qmin, qmax]; default 0. */
  zeroPoint?: number;
  /** quantize only: write the result here (a Float32Array of the input's length; encode/decode reject it). */
  out?: Float32Array | Uint8Array | Uint16Array;
}

interface IntKernels {
  cvt_f32_int__wasmsimd(src: number, dst: number, n: number, outBytes: number, qmin: number, qmax: number, bits: number, scales: number, zps: number, runLen: number, first: number, mode: number, seedA: number, seedB: number, idxs: number): number;
  cvt_int_f32__wasmsimd(src: number, dst: number, n: number, inBytes: number, bits: number, signed: number, scales: number, zps: number, runLen: number, first: number): number;
  cvt_f32_bipolar__wasmsimd(src: number, dst: number, n: number, bits: number, scales: number, runLen: number, first: number, mode: number, seedA: number, seedB: number, idxs: number): number;
  cvt_bipolar_f32__wasmsimd(src: number, dst: number, n: number, bits: number, scales: number, runLen: number, first: number): number;
  qdq_f32_int__wasmsimd(src: number, dst: number, n: number, qmin: number, qmax: number, bits: number, bipolar: number, scales: number, zps: number, runLen: number, first: number, mode: number, seedA: number, seedB: number, idxs: number): number;
}

const k = (rt: Runtime) => rt.exports as unknown as IntKernels;

abstract class IntegerFormatBase implements ElementCodec {
  abstract readonly kind: 'int' | 'bipolar';
  readonly id: string;
  readonly limits: IntLimits;
  readonly codeBytes: 1 | 2;
  readonly codeLimit: number;
  abstract readonly scaleTarget: number;
  abstract readonly intRange: { qmin: number; qmax: number } | null;
  abstract readonly defaultScheme: Scheme;

  constructor(id: string, limits: IntLimits) {
    this.id = id;
    this.limits = Object.freeze(limits);
    Object.defineProperty(this, 'limits', { writable: false, configurable: false });
    this.codeBytes = limits.bits <= 8 ? 1 : 2;
    this.codeLimit = 2 ** limits.bits;
  }

  get bits(): number {
    return this.limits.bits;
  }

  readonly fusesScale = true;
  abstract encodeY(rt: Runtime, x: number, out: number, m: number, first: number, scales: number, zps: number, runLen: number, o: RunOptions, idxs: number): number;
  abstract decodeY(rt: Runtime, codes: number, out: number, m: number, first: number, scales: number, zps: number, runLen: number): number;

  nanPolicy(i: number): void {
    fail('NONFINITE_INPUT', `NaN at index ${i} cannot be encoded in ${this.id}`, i);
  }

  /**
   * Checks element-level options (encode, decode and quantize alike): scale a finite f32 > 0 (a number:
   * never 'absmax' or an array, which belong to encodeScaled), zeroPoint an integer in [qmin, qmax] (INT
   * only), rounding and seed as the scaled options; BAD_OPTION / BAD_SCALE naming the value.
   */
  private element(opts: IntElementOptions | undefined): ScaledOptions & { scale: number } {
    if (opts === undefined) return { scale: 1 };
    if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `options must be an object, got ${show(opts)}`, opts);
    for (const key of Object.keys(opts))
      if (!['rounding', 'seed', 'scale', 'zeroPoint', 'out'].includes(key)) fail('BAD_OPTION', `unknown option ${show(key)}`, key);
    const scale = checkScale(opts.scale === undefined ? 1 : opts.scale, 'scale');
    const zp = opts.zeroPoint;
    if (zp !== undefined) {
      if (!this.intRange) fail('BAD_OPTION', `zeroPoint applies to INT formats, not ${this.id}`, zp);
      if (typeof zp !== 'number' || !Number.isInteger(zp)) fail('BAD_OPTION', `zeroPoint must be an integer, got ${show(zp)}`, zp);
      if (zp < this.intRange.qmin || zp > this.intRange.qmax)
        fail('BAD_OPTION', `zero point ${show(zp)} outside [${this.intRange.qmin}, ${this.intRange.qmax}] of ${this.id}`, zp);
    }
    const o: ScaledOptions & { scale: number } = { rounding: opts.rounding, seed: opts.seed, scale, zeroPoint: zp,
      scheme: zp !== undefined ? 'asymmetric' : 'symmetric' };
    runOptions(o); // rounding and seed
    return o;
  }

  /** One code per element (see the module comment). */
  encode(x: Float32Array, opts?: IntElementOptions): Uint8Array | Uint16Array {
    if (opts?.out !== undefined) fail('BAD_OPTION', `out is taken by ${this.id}.quantize only`, 'out');
    return encodeScaled(this, x, this.element(opts)).codes;
  }

  /** (q − zeroPoint) · scale for each code. */
  decode(codes: Uint8Array | Uint16Array, opts?: Pick<IntElementOptions, 'scale' | 'zeroPoint'>): Float32Array {
    if ((opts as IntElementOptions | undefined)?.out !== undefined) fail('BAD_OPTION', `out is taken by ${this.id}.quantize only`, 'out');
    const o = this.element(opts);
    const n = (codes as { length?: number })?.length ?? 0;
    const want = this.codeBytes === 1 ? Uint8Array : Uint16Array;
    if (!(codes instanceof want)) fail('BAD_TYPE', `${this.id} codes must be a ${want.name} (one code per element), got ${show(codes)}`, codes);
    const scales = new Float32Array([o.scale]);
    const zp = o.zeroPoint as number | undefined;
    return decodeScaled(this, { format: this.id, shape: [n], axis: 0, granularity: 'tensor', groupSize: null, codes, scales,
      zeroPoints: zp !== undefined ? new Int32Array([zp]) : null });
  }

  /** decode(encode(x)) in one fused WASM pass (qdq_f32_int__wasmsimd). */
  quantize(x: Float32Array, opts?: IntElementOptions): Float32Array {
    if (!(x instanceof Float32Array)) fail('BAD_TYPE', `input must be a Float32Array, got ${show(x)}`, x);
    const so = this.element(opts);
    const ro = runOptions(so);
    const scale = so.scale;
    const zp = (so.zeroPoint as number | undefined) ?? 0;
    const out = outArray(opts?.out, Float32Array, x.length);
    if (opts?.out !== undefined) {
      const i = firstNaN(x); // before anything is written into the caller's array
      if (i >= 0) this.nanPolicy(i);
    }
    const rt = runtime();
    rt.scoped(() => {
      const buf = rt.alloc(CHUNK * 4);
      const pz = rt.alloc(4);
      const ps = rt.alloc(4);
      rt.i32(pz, 1)[0] = zp;
      rt.f32(ps, 1)[0] = scale;
      const { qmin, qmax } = this.limits;
      for (let off = 0; off < x.length; off += CHUNK) {
        const m = Math.min(CHUNK, x.length - off);
        rt.f32(buf, m).set(x.subarray(off, off + m));
        const nans = k(rt).qdq_f32_int__wasmsimd(buf, buf, m, qmin, qmax, this.bits, this.kind === 'bipolar' ? 1 : 0, ps, pz, 0x7fffffff, off,
          ROUNDING_CODES[ro.rounding], ro.seedA, ro.seedB, 0);
        if (nans > 0) for (let i = off; i < off + m; i++) if (Number.isNaN(x[i])) this.nanPolicy(i);
        out.set(rt.f32(buf, m), off);
      }
    });
    return out;
  }

  encodeScaled(x: Float32Array, opts?: ScaledOptions): ScaledEncoding {
    return encodeScaled(this, x, opts);
  }
  decodeScaled(e: ScaledEncoding): Float32Array {
    return decodeScaled(this, e);
  }
  quantizeScaled(x: Float32Array, opts?: ScaledOptions): Float32Array {
    return quantizeScaled(this, x, opts);
  }
}

export class IntFormat extends IntegerFormatBase {
  readonly kind = 'int' as const;
  readonly spec: IntSpec;
  readonly scaleTarget: number;
  readonly intRange: { qmin: number; qmax: number };
  readonly defaultScheme: Scheme;

  constructor(spec: IntSpec) {
    super(spec.id, intLimits(spec));
    this.spec = spec;
    this.intRange = Object.freeze({ qmin: this.limits.qmin, qmax: this.limits.qmax });
    this.scaleTarget = this.limits.qmax;
    this.defaultScheme = spec.signed ? 'symmetric' : 'asymmetric';
  }

  encodeY(rt: Runtime, x: number, out: number, m: number, first: number, scales: number, zps: number, runLen: number, o: RunOptions, idxs: number): number {
    return k(rt).cvt_f32_int__wasmsimd(x, out, m, this.codeBytes, this.limits.qmin, this.limits.qmax, this.bits, scales, zps, runLen, first,
      ROUNDING_CODES[o.rounding], o.seedA, o.seedB, idxs);
  }

  decodeY(rt: Runtime, codes: number, out: number, m: number, first: number, scales: number, zps: number, runLen: number): number {
    return k(rt).cvt_int_f32__wasmsimd(codes, out, m, this.codeBytes, this.bits, this.spec.signed ? 1 : 0, scales, zps, runLen, first);
  }
}

export class BipolarFormat extends IntegerFormatBase {
  readonly kind = 'bipolar' as const;
  readonly spec: BipolarSpec;
  readonly scaleTarget: number;
  readonly intRange = null;
  readonly defaultScheme: Scheme = 'symmetric';

  constructor(spec: BipolarSpec) {
    super(spec.id, intLimits(spec));
    this.spec = spec;
    this.scaleTarget = this.limits.qmax;
  }

  encodeY(rt: Runtime, x: number, out: number, m: number, first: number, scales: number, _zps: number, runLen: number, o: RunOptions, idxs: number): number {
    return k(rt).cvt_f32_bipolar__wasmsimd(x, out, m, this.bits, scales, runLen, first, ROUNDING_CODES[o.rounding], o.seedA, o.seedB, idxs);
  }

  decodeY(rt: Runtime, codes: number, out: number, m: number, first: number, scales: number, _zps: number, runLen: number): number {
    return k(rt).cvt_bipolar_f32__wasmsimd(codes, out, m, this.bits, scales, runLen, first);
  }
}
