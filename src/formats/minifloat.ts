/** The minifloat codec: the public encode/decode/quantize over the WASM kernels, streamed in chunks. */
import { fail, show } from '../errors.js';
import { CHUNK, runtime, type Runtime } from '../runtime/wasm.js';
import { buildDescriptor } from './descriptor.js';
import { minifloatLayout, minifloatLimits, type MinifloatLimits } from './limits.js';
import { checkF32, checkOptions, firstNaN, outArray, type ElementOptions } from './options.js';
import { ROUNDING_CODES } from './rounding.js';
import { decodeScaled, encodeScaled, quantizeScaled, type RunOptions, type ScaledEncoding, type ScaledOptions } from './scaled.js';
import type { MinifloatSpec } from './spec.js';

export type Codes = Uint8Array | Uint16Array;

export class MinifloatFormat {
  readonly kind = 'minifloat' as const;
  readonly id: string;
  readonly spec: MinifloatSpec;
  readonly limits: MinifloatLimits;
  /** Bytes per unpacked code: 1 for ≤ 8 bits, else 2. */
  readonly codeBytes: 1 | 2;

  constructor(spec: MinifloatSpec) {
    this.spec = spec;
    this.id = spec.id;
    this.limits = Object.freeze(minifloatLimits(spec));
    Object.defineProperty(this, 'limits', { writable: false, configurable: false });
    this.codeBytes = this.limits.bits <= 8 ? 1 : 2;
  }

  get bits(): number {
    return this.limits.bits;
  }

  /** One code per element, unpacked (Uint8Array for ≤ 8-bit formats, else Uint16Array). */
  encode(x: Float32Array, opts?: ElementOptions): Codes {
    checkF32(x);
    const o = checkOptions(opts);
    const out: Codes = this.codeBytes === 1 ? outArray(opts?.out, Uint8Array, x.length) : outArray(opts?.out, Uint16Array, x.length);
    this.checkBeforeOut(opts?.out, x);
    const rt = runtime();
    rt.scoped(() => {
      const desc = this.descriptor(rt, o.rounding, o.saturate);
      const inp = rt.alloc(CHUNK * 4);
      const outp = rt.alloc(CHUNK * this.codeBytes);
      for (let off = 0; off < x.length; off += CHUNK) {
        const m = Math.min(CHUNK, x.length - off);
        rt.f32(inp, m).set(x.subarray(off, off + m));
        if (o.scale !== 1) rt.exports.div_f32_scalar__wasmsimd(inp, inp, m, o.scale);
        const nans = rt.exports.cvt_f32_minifloat__wasmsimd(desc, inp, outp, m, this.codeBytes, ROUNDING_CODES[o.rounding], o.seedA, o.seedB, off, 0);
        if (nans > 0) this.nanError(x, off, m);
        out.set(this.codeBytes === 1 ? rt.u8(outp, m) : rt.u16(outp, m), off);
      }
    });
    return out;
  }

  /** Values of codes (NaN codes decode to 0x7FC00000, with the code's sign where the row's NaNs carry one). */
  decode(codes: Codes, opts?: Pick<ElementOptions, 'scale' | 'out'>): Float32Array {
    const want = this.codeBytes === 1 ? Uint8Array : Uint16Array;
    if (!(codes instanceof want))
      fail('BAD_TYPE', `${this.id} codes must be a ${want.name} (one code per element), got ${show(codes)}`, codes);
    const o = checkOptions(opts);
    const out = outArray(opts?.out, Float32Array, codes.length);
    if (opts?.out !== undefined && this.codeLimit < 2 ** (8 * this.codeBytes))
      for (let i = 0; i < codes.length; i++) if (codes[i] >= this.codeLimit) this.codeError(codes, i, 1);
    const rt = runtime();
    rt.scoped(() => {
      const desc = this.descriptor(rt, 'rne', 'none');
      const inp = rt.alloc(CHUNK * this.codeBytes);
      const outp = rt.alloc(CHUNK * 4);
      for (let off = 0; off < codes.length; off += CHUNK) {
        const m = Math.min(CHUNK, codes.length - off);
        (this.codeBytes === 1 ? rt.u8(inp, m) : rt.u16(inp, m)).set(codes.subarray(off, off + m));
        const bad = rt.exports.cvt_minifloat_f32__wasmsimd(desc, inp, outp, m, this.codeBytes);
        if (bad !== 0) this.codeError(codes, off, m);
        if (o.scale !== 1) rt.exports.mul_f32_scalar__wasmsimd(outp, outp, m, o.scale);
        out.set(rt.f32(outp, m), off);
      }
    });
    return out;
  }

  /** decode(encode(x)) in one fused pass. */
  quantize(x: Float32Array, opts?: ElementOptions): Float32Array {
    checkF32(x);
    const o = checkOptions(opts);
    const out = outArray(opts?.out, Float32Array, x.length);
    this.checkBeforeOut(opts?.out, x);
    const rt = runtime();
    rt.scoped(() => {
      const desc = this.descriptor(rt, o.rounding, o.saturate);
      const buf = rt.alloc(CHUNK * 4);
      for (let off = 0; off < x.length; off += CHUNK) {
        const m = Math.min(CHUNK, x.length - off);
        rt.f32(buf, m).set(x.subarray(off, off + m));
        if (o.scale !== 1) rt.exports.div_f32_scalar__wasmsimd(buf, buf, m, o.scale);
        const nans = rt.exports.qdq_f32_minifloat__wasmsimd(desc, buf, buf, m, ROUNDING_CODES[o.rounding], o.seedA, o.seedB, off);
        if (nans > 0) this.nanError(x, off, m);
        if (o.scale !== 1) rt.exports.mul_f32_scalar__wasmsimd(buf, buf, m, o.scale);
        out.set(rt.f32(buf, m), off);
      }
    });
    return out;
  }

  /** Writes the kernel descriptor into the runtime's descriptor slot; returns its pointer. */
  descriptor(rt: Runtime, rounding: MinifloatSpec['rounding'], sat: 'none' | 'propagate' | 'finite'): number {
    const d = buildDescriptor(this.spec, rounding, sat);
    rt.i32(rt.descSlot, d.length).set(d);
    return rt.descSlot;
  }

  // ElementCodec (scaled.ts): per-channel / per-group scaling with this format as the element.
  get codeLimit(): number {
    return 2 ** this.limits.bits;
  }
  get scaleTarget(): number {
    return this.limits.max;
  }
  readonly intRange = null;
  readonly defaultScheme = 'symmetric' as const;

  readonly fusesScale = false;

  encodeY(rt: Runtime, y: number, out: number, m: number, first: number, _scales: number, _zps: number, _runLen: number, o: RunOptions, idxs: number): number {
    const desc = this.descriptor(rt, o.rounding, o.saturate);
    return rt.exports.cvt_f32_minifloat__wasmsimd(desc, y, out, m, this.codeBytes, ROUNDING_CODES[o.rounding], o.seedA, o.seedB, first, idxs);
  }

  decodeY(rt: Runtime, codes: number, out: number, m: number): number {
    return rt.exports.cvt_minifloat_f32__wasmsimd(this.descriptor(rt, 'rne', 'none'), codes, out, m, this.codeBytes);
  }

  nanPolicy(i: number): void {
    if (!this.limits.hasNaN) fail('NONFINITE_INPUT', `NaN at index ${i} cannot be encoded in ${this.id}, which has no NaN`, i);
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

  /** Into a caller's `out`: a NaN the format cannot hold is reported before anything is written. */
  private checkBeforeOut(out: unknown, x: Float32Array): void {
    if (out === undefined || this.limits.hasNaN) return;
    const i = firstNaN(x);
    if (i >= 0) this.nanPolicy(i);
  }

  private nanError(x: Float32Array, off: number, m: number): void {
    for (let i = off; i < off + m; i++) if (Number.isNaN(x[i])) this.nanPolicy(i);
  }

  private codeError(codes: Codes, off: number, m: number): never {
    const L = minifloatLayout(this.spec);
    for (let i = off; i < off + m; i++)
      if (codes[i] > (L.signMask | L.magMask))
        fail('BAD_CODE', `code ${codes[i]} at index ${i} does not fit ${this.id} (${L.bits} bits)`, codes[i]);
    return fail('BAD_CODE', `invalid code in ${this.id} input`);
  }
}
