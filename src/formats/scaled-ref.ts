/**
 * Reference twin of scaled quantization (scaled.ts), written from the definition with plain index
 * arithmetic on the natural (row-major) order — no run order, no permutation, no WASM:
 * group of element (o, l, i) in the [outer, L, inner] view is 0 (tensor), l (channel), or
 * (o·L/g + ⌊l/g⌋)·inner + i (group); its scale comes from the min/max of its group through
 * scaleFromMinMax; y = f32(x / s); code = element reference encode of y.
 */
import { fail } from '../errors.js';
import { bipolarCodeRef, bipolarValueRef, intCodeRef, intValueRef } from './int-ref.js';
import { intLimits, minifloatLimits } from './limits.js';
import { decodeBitsRef, encodeRef } from './minifloat-ref.js';
import { specialCodes } from './policy.js';
import { makePlan, runOptions, scaleFromMinMax, type ScaledEncoding, type ScaledOptions, type Scheme } from './scaled.js';
import type { ElementSpec } from './spec.js';

function groupOf(p: ReturnType<typeof makePlan>, idx: number): number {
  const { L, inner } = p;
  const i = idx % inner;
  const l = Math.floor(idx / inner) % L;
  const o = Math.floor(idx / (inner * L));
  if (p.granularity === 'tensor') return 0;
  if (p.granularity === 'channel') return l;
  const g = p.groupSize as number;
  return (o * (L / g) + Math.floor(l / g)) * inner + i;
}

export function encodeScaledRef(spec: ElementSpec, x: Float32Array, o: ScaledOptions = {}): ScaledEncoding {
  const p = makePlan(x.length, o);
  const ro = runOptions(o);
  const nG = p.scaleShape.reduce((a, b) => a * b, 1);
  const isInt = spec.kind === 'int';
  const scheme: Scheme = o.scheme ?? (isInt && !spec.signed ? 'asymmetric' : 'symmetric');
  const target = spec.kind === 'minifloat' ? minifloatLimits(spec).max : intLimits(spec).qmax;
  const range = isInt ? { qmin: intLimits(spec).qmin, qmax: intLimits(spec).qmax } : null;
  const scales = new Float32Array(nG);
  const zps = scheme === 'asymmetric' ? new Int32Array(nG) : null;
  const s = o.scale ?? 'absmax';
  if (s === 'absmax' || s === 'absmax_pow2') {
    const mn = new Array<number>(nG).fill(Infinity);
    const mx = new Array<number>(nG).fill(-Infinity);
    for (let i = 0; i < x.length; i++) {
      const g = groupOf(p, i);
      if (Number.isNaN(x[i])) fail('NONFINITE_INPUT', `NaN at index ${i}`, i);
      mn[g] = Math.min(mn[g], x[i]);
      mx[g] = Math.max(mx[g], x[i]);
    }
    for (let g = 0; g < nG; g++) {
      if (!Number.isFinite(mn[g]) || !Number.isFinite(mx[g])) fail('NONFINITE_INPUT', `non-finite value in group ${g}`, g);
      const r = scaleFromMinMax(mn[g], mx[g], s, scheme, target, range);
      scales[g] = r.scale;
      if (zps) zps[g] = r.zp;
    }
  } else {
    scales.set(typeof s === 'number' ? new Float32Array(nG).fill(s) : s);
    if (zps && o.zeroPoint !== undefined) zps.set(typeof o.zeroPoint === 'number' ? new Int32Array(nG).fill(o.zeroPoint) : o.zeroPoint);
  }
  const bits = spec.kind === 'minifloat' ? minifloatLimits(spec).bits : spec.bits;
  const codes = bits <= 8 ? new Uint8Array(x.length) : new Uint16Array(x.length);
  const sc = spec.kind === 'minifloat' ? specialCodes(spec, ro.rounding, ro.saturate) : undefined;
  const yb = new Float32Array(1);
  const ybits = new Uint32Array(yb.buffer);
  for (let i = 0; i < x.length; i++) {
    const g = groupOf(p, i);
    yb[0] = x[i] / scales[g];
    const y = yb[0];
    if (spec.kind === 'minifloat') {
      const c = Number.isNaN(y) ? (ybits[0] >>> 31 ? sc!.nanNeg : sc!.nanPos) : encodeRef(spec, y, i, ro, sc);
      if (c === null) fail('NONFINITE_INPUT', `NaN at index ${i}`, i);
      codes[i] = c;
    } else {
      if (Number.isNaN(y)) fail('NONFINITE_INPUT', `NaN at index ${i}`, i);
      codes[i] = spec.kind === 'int' ? intCodeRef(spec, y, zps ? zps[g] : 0, i, ro) : bipolarCodeRef(spec, y, i, ro);
    }
  }
  return { format: spec.id, shape: p.shape, axis: p.axis, granularity: p.granularity, groupSize: p.groupSize, codes, scales, zeroPoints: zps };
}

export function decodeScaledRef(spec: ElementSpec, e: ScaledEncoding): Float32Array {
  const p = makePlan(e.codes.length, { shape: e.shape, axis: e.axis, granularity: e.granularity, groupSize: e.groupSize ?? undefined });
  const out = new Float32Array(e.codes.length);
  const ob = new Uint32Array(out.buffer);
  const tmp = new Float32Array(1);
  const tb = new Uint32Array(tmp.buffer);
  for (let i = 0; i < out.length; i++) {
    const g = groupOf(p, i);
    const c = e.codes[i];
    if (spec.kind === 'minifloat') tb[0] = decodeBitsRef(spec, c);
    else if (spec.kind === 'int') tmp[0] = intValueRef(spec, c, e.zeroPoints ? e.zeroPoints[g] : 0);
    else tmp[0] = bipolarValueRef(spec, c);
    tmp[0] = tmp[0] * e.scales[g];
    ob[i] = tb[0];
  }
  return out;
}
