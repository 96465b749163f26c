/**
 * Reference twins of the GEMM kernels (src/gemm/gemm.ts over assembly/gemm/), plain TypeScript,
 * y = a · Wᵀ with a [m, k], W [n, k], y [m, n] row-major:
 *   matmulF64Ref     — float64 sums of the exact products, and Σ|a||w| per output for the error bound
 *   matmulF32SeqRef  — the kernels' arithmetic written out: s = f32(s + f32(a·w)), t = 0 … k−1 from +0
 *   dequantizeRef    — the weights an encoding stands for, by the formats' own reference decoders
 *   matmulInt8Ref    — activations 'int8': a quantized per row by the int8 reference codec, exact
 *                      integer dot products in BigInt against the decoded INT or bipolar-INT codes
 *                      (bipolar: 2u − (2^B − 1), formats.md §5; the bit-serial kernel's twin), then the epilogue
 *   matmulMxRef      — MX × MX: a encoded along k by the block reference codec; per block the float64
 *                      dot product of the element values (products exact; four strided partial sums,
 *                      the kernel's order) times 2^(ea + ew), summed over blocks in float64, then f32
 *   matmulQ4Ref      — the GEMV kernel on 4-bit weights (m ≤ GEMV_MAX_M): per group (INT group or channel,
 *                      MX / NV block) the sequential f32 sum of f32(a · element value), times the group's
 *                      scale once, the group terms summed in f32 in order; bound γ_(G + ⌈k/G⌉ + 2)
 * Float kernels satisfy |y − y64| ≤ γ_k · Σ_t |a[i,t]| |ŵ[j,t]|, γ_k = k·u / (1 − k·u), u = 2^−24
 * (a sequential f32 sum of k rounded products; Higham, Accuracy and Stability, §3.1), and equal
 * matmulF32SeqRef bit for bit.
 */
import { decodeBlockRef, elementValue, encodeBlockRef, nvDecodeFactor, unpackWordsRef, type BlockEncoding } from '../formats/block-ref.js';
import { expScale } from '../formats/block-layout.js';
import { blockElement } from '../formats/block-spec.js';
import { BlockFormat } from '../formats/block.js';
import { format } from '../formats/format.js';
import { BipolarFormat, IntFormat } from '../formats/int.js';
import { MinifloatFormat } from '../formats/minifloat.js';
import { bipolarValueRef, intValueRef } from '../formats/int-ref.js';
import { decodeRef } from '../formats/minifloat-ref.js';
import { decodeScaledRef, encodeScaledRef } from '../formats/scaled-ref.js';
import type { ScaledEncoding } from '../formats/scaled.js';

/** γ_k = k·u / (1 − k·u), u = 2^−24: the relative bound of a k-term f32 dot product (Infinity once k·u ≥ 1). */
export function gammaK(k: number): number {
  const ku = k * 2 ** -24;
  return ku >= 1 ? Infinity : ku / (1 - ku);
}

/** Float64 y and Σ|a||w| for each output. */
export function matmulF64Ref(a: Float32Array, w: Float32Array, m: number, n: number, k: number): { y: Float64Array; abs: Float64Array } {
  const y = new Float64Array(m * n);
  const abs = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0, t = 0;
      for (let p = 0; p < k; p++) {
        const x = a[i * k + p] * w[j * k + p];
        s += x;
        t += Math.abs(x);
      }
      y[i * n + j] = s;
      abs[i * n + j] = t;
    }
  return { y, abs };
}

/** Sequential f32 dot products in k order from +0 (no fused multiply-add): the kernels' result. */
export function matmulF32SeqRef(a: Float32Array, w: Float32Array, m: number, n: number, k: number): Float32Array {
  const y = new Float32Array(m * n);
  const f = Math.fround;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = f(s + f(a[i * k + p] * w[j * k + p]));
      y[i * n + j] = s;
    }
  return y;
}

/** The f32 weights an encoding stands for, decoded by the format's reference twin (block-ref.ts, scaled-ref.ts). */
export function dequantizeRef(e: BlockEncoding | ScaledEncoding): Float32Array {
  const f = format(e.format);
  if (f instanceof BlockFormat) return decodeBlockRef(f.spec, e as BlockEncoding);
  if (f instanceof IntFormat || f instanceof MinifloatFormat || f instanceof BipolarFormat) return decodeScaledRef(f.spec, e as ScaledEncoding);
  throw new Error(`dequantizeRef: no reference decoder for ${e.format}`);
}

/**
 * activations 'int8' against signed-INT or bipolar-INT weights with per-channel or per-tensor scales: qa, sa from
 * the int8 reference codec per row (axis 0); d = Σ qa·qw exactly (BigInt); y = f32(f32(d) · f32(sa[i] · sw[j])).
 */
export function matmulInt8Ref(a: Float32Array, w: ScaledEncoding, m: number, n: number, k: number): Float32Array {
  const int8 = format('int8') as IntFormat;
  const wf = format(w.format);
  const qw = (c: number) => BigInt(wf instanceof BipolarFormat ? bipolarValueRef(wf.spec, c) : intValueRef((wf as IntFormat).spec, c, 0));
  const qa = encodeScaledRef(int8.spec, a, { shape: [m, k], axis: 0, granularity: 'channel' });
  const f = Math.fround;
  const y = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let d = 0n;
      for (let t = 0; t < k; t++) d += BigInt(intValueRef(int8.spec, qa.codes[i * k + t], 0)) * qw(w.codes[j * k + t]);
      const sw = w.scales[w.granularity === 'tensor' ? 0 : j];
      y[i * n + j] = f(f(Number(d)) * f(qa.scales[i] * sw));
    }
  return y;
}

/**
 * MX × MX (OCP MX §6 dot product): a [m, k] encoded along k by the reference codec of `act`, W an encoding
 * [n, k] of a power-of-two-scaled block format with the same block size. For each output and block b:
 * P_b = (s0 + s2) + (s1 + s3), s_r the float64 sum (from +0, in k order) of the exact products of the element
 * values at block offsets ≡ r (mod 4); y = f32(Σ_b P_b · 2^(ea_b + ew_b)) in float64 in block order; a NaN
 * scale (either side) makes its block's term NaN.
 */
export function matmulMxRef(a: Float32Array, act: string, w: BlockEncoding, m: number, n: number, k: number): Float32Array {
  const fa = format(act) as BlockFormat, fw = format(w.format) as BlockFormat;
  const ea = encodeBlockRef(fa.spec, a, { shape: [m, k] });
  const side = (f: BlockFormat, e: BlockEncoding, rows: number) => {
    const el = blockElement(f.spec);
    const codes = unpackWordsRef(e.codes, el.bits, rows * k);
    const { bias, nan } = expScale(f.spec);
    return {
      v: (r: number, t: number) => elementValue(el, codes[r * k + t]),
      e: (r: number, b: number) => (e.scales[r * nb + b] === nan ? NaN : e.scales[r * nb + b] - bias),
    };
  };
  const bs = fa.spec.blockSize, nb = Math.ceil(k / bs);
  const A = side(fa, ea, m), W = side(fw, w, n);
  const y = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let b = 0; b < nb; b++) {
        const s = [0, 0, 0, 0];
        for (let t = b * bs; t < Math.min(k, (b + 1) * bs); t++) s[(t - b * bs) % 4] += A.v(i, t) * W.v(j, t);
        const p = s[0] + s[2] + (s[1] + s[3]);
        const x = A.e(i, b) + W.e(j, b);
        acc += Number.isNaN(x) ? NaN : p * 2 ** x;
      }
      y[i * n + j] = acc;
    }
  return y;
}


/**
 * The power of two c (1 … 64) making every value an integer of magnitude ≤ 127, or 0 when there is none:
 * the GEMV kernel holds c · value in a byte and pre-scales the activations by 2^−24 / c.
 */
export function gemvMultiplier(values: ArrayLike<number>): number {
  for (let c = 1; c <= 64; c *= 2) {
    let ok = true;
    for (let i = 0; i < values.length && ok; i++) ok = Number.isInteger(values[i] * c) && Math.abs(values[i] * c) <= 127;
    if (ok) return c;
  }
  return 0;
}

/**
 * The GEMV kernel's arithmetic on 4-bit weights (ScaledEncoding with per-tensor / per-channel scales or groups
 * of a multiple of 4 along k, zero points allowed; or a BlockEncoding with 4-bit elements, blocks along k).
 * v[j, t] = element value of the code (minus the zero point), s[j, g] = the group's scale (MX: 2^(E − bias),
 * NV: d_b = f32(S_dec_b · s_dec); a NaN scale code: NaN); c = gemvMultiplier(values of the 16 codes);
 * a' = f32(a · 2^−24 / c):
 *   S_g = Σ_(t in g) f32(a'[i, t] · (c · v[j, t] · 2^24))   (f32, sequential in k order, from +0)
 *   y[i, j] = Σ_g f32(S_g · s[j, g])                        (f32, sequential in group order, from +0)
 * Groups: INT group size; the whole row (k) for per-channel / per-tensor scales; the block (the last one ragged).
 */
export function matmulQ4Ref(a: Float32Array, w: ScaledEncoding | BlockEncoding, m: number, n: number, k: number): Float32Array {
  const fmt = format(w.format);
  let value: (code: number) => number;
  let codes: ArrayLike<number>;
  let scale: (j: number, g: number) => number;
  let zp: (j: number, g: number) => number = () => 0;
  let G: number;
  if (fmt instanceof BlockFormat) {
    const e = w as BlockEncoding, el = blockElement(fmt.spec);
    value = (c) => elementValue(el, c);
    codes = unpackWordsRef(e.codes, el.bits, n * k);
    G = fmt.spec.blockSize;
    const nb = Math.ceil(k / G);
    const nv = fmt.spec.scale === 'ue4m3';
    const ex = nv ? null : expScale(fmt.spec);
    scale = (j, g) => {
      const sc = e.scales[j * nb + g];
      if (nv) return sc === 0x7f ? NaN : nvDecodeFactor(e.tensorScale as number, sc);
      return sc === ex!.nan ? NaN : 2 ** (sc - ex!.bias);
    };
  } else {
    const e = w as ScaledEncoding;
    if (fmt instanceof IntFormat) value = (c) => intValueRef(fmt.spec, c, 0);
    else if (fmt instanceof BipolarFormat) value = (c) => bipolarValueRef(fmt.spec, c);
    else if (fmt instanceof MinifloatFormat) value = (c) => decodeRef(fmt.spec, c);
    else throw new Error(`matmulQ4Ref: ${w.format} is not a scaled element format`);
    codes = e.codes;
    G = e.granularity === 'group' ? (e.groupSize as number) : k;
    const gpr = Math.ceil(k / G);
    const at = (j: number, g: number) => (e.granularity === 'tensor' ? 0 : e.granularity === 'channel' ? j : j * gpr + g);
    scale = (j, g) => e.scales[at(j, g)];
    if (e.zeroPoints) zp = (j, g) => (e.zeroPoints as Int32Array)[at(j, g)];
  }
  const values = Array.from({ length: 16 }, (_, c) => value(c));
  const c = gemvMultiplier(values);
  if (c === 0) throw new Error(`matmulQ4Ref: ${w.format} values are not small multiples of a power of two`);
  const f = Math.fround, pre = 2 ** -24 / c;
  const y = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let g = 0; g * G < k; g++) {
        let s = 0;
        for (let t = g * G; t < Math.min(k, (g + 1) * G); t++) s = f(s + f(f(a[i * k + t] * pre) * ((values[codes[j * k + t]] - zp(j, g)) * c * 2 ** 24)));
        acc = f(acc + f(s * scale(j, g)));
      }
      y[i * n + j] = acc;
    }
  return y;
}
