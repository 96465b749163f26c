/**
 * Reference twin of scaled quantization (scaled.ts), written from the definition with plain index
 * arithmetic on the natural (row-major) order — no run order, no permutation, no WASM:
 * group of element (o, l, i) in the [outer, L, inner] view is 0 (tensor), l (channel), or
 * (o·L/g + ⌊l/g⌋)·inner + i (group); its scale comes from the min/max of its group through
 * scaleRef; y = f32(x / s); code = element reference encode of y. Nothing here comes from scaled.ts
 * (types aside): the plan, the options and the scales are derived again, so the tests compare two
 * derivations.
 */
import { fail } from '../errors.js';
import { bipolarCodeRef, bipolarValueRef, intCodeRef, intValueRef, type IntRefOptions } from './int-ref.js';
import { intLimits, minifloatLimits } from './limits.js';
import { decodeBitsRef, encodeRef, type EncodeRefOptions } from './minifloat-ref.js';
import { specialCodes } from './policy.js';
import { checkRounding, roundsUp, seedWords } from './rounding.js';
import type { Granularity, ScaledEncoding, ScaledOptions, Scheme } from './scaled.js';
import type { ElementSpec } from './spec.js';

/** The [outer, L, inner] view of a shape around its axis, and the group of every natural index. */
interface View {
  shape: number[];
  axis: number;
  granularity: Granularity;
  groupSize: number | null;
  /** Number of scales. */
  nG: number;
  groupOf(idx: number): number;
}

function view(n: number, shapeIn: readonly number[] | undefined, axisIn: number | undefined, granIn: Granularity | undefined,
              groupSize: number | null | undefined): View {
  const shape = shapeIn === undefined ? [n] : [...shapeIn];
  const axis = axisIn === undefined ? shape.length - 1 : axisIn < 0 ? axisIn + shape.length : axisIn;
  const granularity = granIn ?? (groupSize != null ? 'group' : 'tensor');
  const L = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const g = granularity === 'group' ? (groupSize as number) : 0;
  const nG = granularity === 'tensor' ? 1 : granularity === 'channel' ? L : n / g;
  const groupOf = (idx: number) => {
    const i = idx % inner;
    const l = Math.floor(idx / inner) % L;
    const o = Math.floor(idx / (inner * L));
    if (granularity === 'tensor') return 0;
    if (granularity === 'channel') return l;
    return (o * (L / g) + Math.floor(l / g)) * inner + i;
  };
  return { shape, axis, granularity, groupSize: granularity === 'group' ? g : null, nG, groupOf };
}

/** Round half to even of a double. */
function roundEven(y: number): number {
  const a = Math.abs(y);
  const t = Math.floor(a);
  const k = roundsUp('rne', a - t, t % 2 === 1, y < 0, 0) ? t + 1 : t;
  return y < 0 ? -k : k;
}

/** The least 2^e (e an integer) with 2^e · target ≥ amax, e clamped to the f32 normal range [−126, 127]. */
function pow2AtLeast(amax: number, target: number): number {
  let e = -126;
  while (e < 127 && 2 ** e * target < amax) e++;
  return 2 ** e;
}

/**
 * Scale (and zero point) of a group from its min and max, from the definition (docs, scaled.ts header):
 * symmetric s = f32(amax / target) or the least power of two with s · target ≥ amax, s = 1 for an all-zero
 * group; asymmetric over [min(mn, 0), max(mx, 0)]: s = f32(span / (qmax − qmin)) (or its power of two),
 * zp = clamp(qmin − rne(f32(lo / s)), qmin, qmax), s = 1 and zp = clamp(0) for an all-zero group.
 * A scale that underflows f32 to 0 becomes the least subnormal 2^−149.
 */
export function scaleRef(mn: number, mx: number, pow2: boolean, scheme: Scheme, target: number, qmin: number, qmax: number): { scale: number; zp: number } {
  const sym = scheme === 'symmetric';
  const lo = sym ? 0 : Math.min(mn, 0);
  const span = sym ? Math.max(-mn, mx) : Math.max(mx, 0) - lo;
  const den = sym ? target : qmax - qmin;
  if (span === 0) return { scale: 1, zp: sym ? 0 : Math.min(Math.max(0, qmin), qmax) };
  const s0 = pow2 ? pow2AtLeast(span, den) : Math.fround(span / den);
  const scale = s0 === 0 ? 2 ** -149 : s0;
  return { scale, zp: sym ? 0 : Math.min(Math.max(qmin - roundEven(Math.fround(lo / scale)), qmin), qmax) };
}

export function encodeScaledRef(spec: ElementSpec, x: Float32Array, o: ScaledOptions = {}): ScaledEncoding {
  const v = view(x.length, o.shape, o.axis, o.granularity, o.groupSize);
  const [seedA, seedB] = seedWords(o.seed);
  const rounding = checkRounding(o.rounding);
  const ri: IntRefOptions = { rounding, seedA, seedB };
  const ro: EncodeRefOptions = { ...ri, saturate: o.saturate === 'finite' ? 'finite' : o.saturate ? 'propagate' : 'none' };
  const nG = v.nG;
  const isInt = spec.kind === 'int';
  const scheme: Scheme = o.scheme ?? (isInt && !spec.signed ? 'asymmetric' : 'symmetric');
  const target = spec.kind === 'minifloat' ? minifloatLimits(spec).max : intLimits(spec).qmax;
  const { qmin, qmax } = isInt ? intLimits(spec) : { qmin: 0, qmax: 0 };
  const scales = new Float32Array(nG);
  const zps = scheme === 'asymmetric' ? new Int32Array(nG) : null;
  const s = o.scale ?? 'absmax';
  if (s === 'absmax' || s === 'absmax_pow2') {
    const mn = new Array<number>(nG).fill(Infinity);
    const mx = new Array<number>(nG).fill(-Infinity);
    for (let i = 0; i < x.length; i++) {
      const g = v.groupOf(i);
      if (Number.isNaN(x[i])) fail('NONFINITE_INPUT', `NaN at index ${i}`, i);
      mn[g] = Math.min(mn[g], x[i]);
      mx[g] = Math.max(mx[g], x[i]);
    }
    for (let g = 0; g < nG; g++) {
      if (!Number.isFinite(mn[g]) || !Number.isFinite(mx[g])) fail('NONFINITE_INPUT', `non-finite value in group ${g}`, g);
      const r = scaleRef(mn[g], mx[g], s === 'absmax_pow2', scheme, target, qmin, qmax);
      scales[g] = r.scale;
      if (zps) zps[g] = r.zp;
    }
  } else {
    scales.set(typeof s === 'number' ? new Float32Array(nG).fill(s) : s);
    if (zps && o.zeroPoint !== undefined) zps.set(typeof o.zeroPoint === 'number' ? new Int32Array(nG).fill(o.zeroPoint) : o.zeroPoint);
  }
  const bits = spec.kind === 'minifloat' ? minifloatLimits(spec).bits : spec.bits;
  const codes = bits <= 8 ? new Uint8Array(x.length) : new Uint16Array(x.length);
  const sc = spec.kind === 'minifloat' ? specialCodes(spec, rounding, ro.saturate) : undefined;
  const yb = new Float32Array(1);
  const ybits = new Uint32Array(yb.buffer);
  for (let i = 0; i < x.length; i++) {
    const g = v.groupOf(i);
    yb[0] = x[i] / scales[g];
    const y = yb[0];
    if (spec.kind === 'minifloat') {
      const c = Number.isNaN(y) ? (ybits[0] >>> 31 ? sc!.nanNeg : sc!.nanPos) : encodeRef(spec, y, i, ro, sc);
      if (c === null) fail('NONFINITE_INPUT', `NaN at index ${i}`, i);
      codes[i] = c;
    } else {
      if (Number.isNaN(y)) fail('NONFINITE_INPUT', `NaN at index ${i}`, i);
      codes[i] = spec.kind === 'int' ? intCodeRef(spec, y, zps ? zps[g] : 0, i, ri) : bipolarCodeRef(spec, y, i, ri);
    }
  }
  return { format: spec.id, shape: v.shape, axis: v.axis, granularity: v.granularity, groupSize: v.groupSize, codes, scales, zeroPoints: zps };
}

export function decodeScaledRef(spec: ElementSpec, e: ScaledEncoding): Float32Array {
  const v = view(e.codes.length, e.shape, e.axis, e.granularity, e.groupSize);
  const out = new Float32Array(e.codes.length);
  const ob = new Uint32Array(out.buffer);
  const tmp = new Float32Array(1);
  const tb = new Uint32Array(tmp.buffer);
  for (let i = 0; i < out.length; i++) {
    const g = v.groupOf(i);
    const c = e.codes[i];
    if (spec.kind === 'minifloat') tb[0] = decodeBitsRef(spec, c);
    else if (spec.kind === 'int') tmp[0] = intValueRef(spec, c, e.zeroPoints ? e.zeroPoints[g] : 0);
    else tmp[0] = bipolarValueRef(spec, c);
    tmp[0] = tmp[0] * e.scales[g];
    ob[i] = tb[0];
  }
  return out;
}
