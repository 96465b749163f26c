/**
 * Scaled quantization: per-tensor, per-channel (one scale per index of `axis`) and per-group
 * (groups of `groupSize` consecutive elements along `axis`), with scales computed from the data
 * (absmax → the element's max, as f32 or rounded up to a power of two; min/max with a zero point
 * for asymmetric INT) or supplied. Element i is divided by its scale in f32 (y = x / s, IEEE
 * division), encoded by the element codec, and decoded as decode(code) · s (f32).
 *
 * How it runs: the tensor is viewed as [outer, L, inner] around `axis`. Elements sharing a scale
 * must be contiguous for the kernels ("runs"): per-channel with axis 0 and per-group along the
 * last axis already are; otherwise the tensor is permuted to run order first (a copy) and the
 * codes permuted back. Runs stream through WASM in chunks, so WASM memory stays bounded apart
 * from one f32 scale (and i32 zero point) per run.
 */
import { fail, show } from '../errors.js';
import { CHUNK, runtime, type Runtime } from '../runtime/wasm.js';
import type { Saturation } from './policy.js';
import { checkRounding, seedWords } from './rounding.js';
import type { RoundingMode } from './spec.js';

export type Granularity = 'tensor' | 'channel' | 'group';
export type ScaleMode = 'absmax' | 'absmax_pow2';
export type Scheme = 'symmetric' | 'asymmetric';

export interface ScaledOptions {
  /** Tensor shape (row-major); default [x.length]. */
  shape?: readonly number[];
  /** Axis of channels, or along which groups run; default the last axis. Negative counts from the end. */
  axis?: number;
  /** Default 'group' when groupSize is given, else 'tensor'. */
  granularity?: Granularity;
  groupSize?: number;
  /** Computed ('absmax' default, 'absmax_pow2') or supplied (one f32 per tensor / channel / group, natural order). */
  scale?: ScaleMode | number | Float32Array;
  /** INT only: 'symmetric' (default for signed) or 'asymmetric' (default for unsigned, with zero points). */
  scheme?: Scheme;
  /** INT only: supplied zero point(s), with supplied scales. */
  zeroPoint?: number | Int32Array;
  rounding?: RoundingMode;
  saturate?: boolean | 'finite';
  seed?: number;
}

export interface ScaledEncoding {
  format: string;
  shape: number[];
  axis: number;
  granularity: Granularity;
  groupSize: number | null;
  /** One code per element, natural (row-major) order. */
  codes: Uint8Array | Uint16Array;
  /** Natural order: [1] per tensor; [L] per channel; shape with axis → L/groupSize per group. */
  scales: Float32Array;
  zeroPoints: Int32Array | null;
}

/** What the scaled driver needs from an element codec. */
export interface ElementCodec {
  readonly id: string;
  readonly codeBytes: 1 | 2;
  /** Codes are below this (2^bits). */
  readonly codeLimit: number;
  /** Largest magnitude the element represents (absmax maps to it). */
  readonly scaleTarget: number;
  /** qmin/qmax for asymmetric INT; null when zero points do not apply. */
  readonly intRange: { qmin: number; qmax: number } | null;
  readonly defaultScheme: Scheme;
  /** True when encodeY/decodeY apply the per-run scales themselves (else the driver divides/multiplies). */
  readonly fusesScale: boolean;
  /**
   * Encode x[0..m) (run-order position `first`); f32 scales and i32 zero points per run (ptr 0: none;
   * scales only when fusesScale — otherwise x arrives divided). Stochastic rounding uses element indices
   * first + i, or the i32 natural indices at `idxs` when non-zero. Returns the NaN count.
   */
  encodeY(rt: Runtime, x: number, out: number, m: number, first: number, scales: number, zps: number, runLen: number, o: RunOptions, idxs: number): number;
  /** Decode codes[0..m) to f32 (times the scales when fusesScale). Returns non-zero for invalid codes. */
  decodeY(rt: Runtime, codes: number, out: number, m: number, first: number, scales: number, zps: number, runLen: number): number;
  /** Throws for a NaN at natural index i (formats without NaN) — called only when encodeY reported NaNs. */
  nanPolicy(i: number): void;
}

export interface RunOptions {
  rounding: RoundingMode;
  saturate: Saturation;
  seedA: number;
  seedB: number;
}

export interface Plan {
  n: number;
  shape: number[];
  axis: number;
  granularity: Granularity;
  groupSize: number | null;
  outer: number;
  L: number;
  inner: number;
  /** 'none': natural order is run order; 'front': [L, outer, inner]; 'back': [outer, inner, L]. */
  perm: 'none' | 'front' | 'back';
  nRuns: number;
  runLen: number;
  scaleShape: number[];
}

/**
 * Most scales an empty tensor may claim (shape [0, L] per channel has L scales and no elements): past
 * this a shape such as [0, 2^40] is BAD_SHAPE rather than a giant scales array.
 */
export const MAX_EMPTY_SCALES = 2 ** 20;

export function makePlan(n: number, o: ScaledOptions): Plan {
  const p = planOf(n, o);
  if (p.n === 0 && p.nRuns > MAX_EMPTY_SCALES)
    fail('BAD_SHAPE', `shape ${show(p.shape)} has no elements but ${p.nRuns} ${p.granularity} scales (at most ${MAX_EMPTY_SCALES} for an empty tensor)`, p.shape);
  return p;
}

function planOf(n: number, o: ScaledOptions): Plan {
  if (!Array.isArray(o.shape) && o.shape !== undefined) fail('BAD_SHAPE', `shape must be an array, got ${show(o.shape)}`, o.shape);
  const shape = o.shape === undefined ? [n] : [...o.shape];
  if (shape.length === 0 || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    fail('BAD_SHAPE', `shape ${show(shape)} must be a non-empty list of non-negative integers`, shape);
  const prod = shape.reduce((a, b) => a * b, 1);
  if (prod !== n) fail('BAD_SHAPE', `shape ${show(shape)} has ${prod} elements but the input has ${n}`, shape);
  const rank = shape.length;
  let axis = o.axis ?? rank - 1;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) fail('BAD_SHAPE', `axis ${show(o.axis)} out of range for rank ${rank}`, o.axis);
  if (axis < 0) axis += rank;
  const granularity = o.granularity ?? (o.groupSize !== undefined ? 'group' : 'tensor');
  if (granularity !== 'tensor' && granularity !== 'channel' && granularity !== 'group')
    fail('BAD_OPTION', `granularity must be 'tensor', 'channel' or 'group', got ${show(granularity)}`, granularity);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const L = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  if (granularity === 'tensor') {
    if (o.groupSize !== undefined) fail('BAD_OPTION', `groupSize ${show(o.groupSize)} given with granularity 'tensor'`, o.groupSize);
    return { n, shape, axis, granularity, groupSize: null, outer, L, inner, perm: 'none', nRuns: 1, runLen: n, scaleShape: [1] };
  }
  if (granularity === 'channel') {
    if (o.groupSize !== undefined) fail('BAD_OPTION', `groupSize ${show(o.groupSize)} given with granularity 'channel'`, o.groupSize);
    return { n, shape, axis, granularity, groupSize: null, outer, L, inner, perm: outer === 1 ? 'none' : 'front', nRuns: L, runLen: outer * inner, scaleShape: [L] };
  }
  const g = o.groupSize;
  if (g === undefined || !Number.isSafeInteger(g) || g < 1) fail('BAD_OPTION', `groupSize must be a positive integer, got ${show(g)}`, g);
  if (L % g !== 0 || (L === 0 && n > 0)) fail('BAD_SHAPE', `groupSize ${g} does not divide axis ${axis} of length ${L} (shape ${show(shape)})`, g);
  const scaleShape = [...shape];
  scaleShape[axis] = L / g;
  return { n, shape, axis, granularity, groupSize: g, outer, L, inner, perm: inner === 1 ? 'none' : 'back', nRuns: n / g, runLen: g, scaleShape };
}

type Arr = Float32Array | Uint8Array | Uint16Array | Int32Array;

/**
 * Position in run order of each natural position is a fixed permutation; `toRun` moves natural →
 * run order, otherwise run → natural.
 */
function permute<T extends Arr>(p: Plan, a: T, toRun: boolean): T {
  if (p.perm === 'none' || a.length === 0) return a; // empty: no loop over a claimed huge axis
  const out = new (a.constructor as { new (n: number): T })(a.length);
  const { outer, L, inner } = p;
  for (let o = 0; o < outer; o++)
    for (let l = 0; l < L; l++) {
      const nat = (o * L + l) * inner;
      for (let i = 0; i < inner; i++) {
        const run = p.perm === 'front' ? (l * outer + o) * inner + i : (o * inner + i) * L + l;
        if (toRun) out[run] = a[nat + i];
        else out[nat + i] = a[run];
      }
    }
  return out;
}

/** Natural (row-major) order → run order. */
export function toRunOrder<T extends Arr>(p: Plan, a: T): T {
  return permute(p, a, true);
}

/** Run order → natural order. */
export function fromRunOrder<T extends Arr>(p: Plan, a: T): T {
  return permute(p, a, false);
}

/** Natural scale index of run r (only per-group with a permutation reorders scales). */
function scaleIndexOfRun(p: Plan, r: number): number {
  if (p.perm !== 'back' || p.granularity !== 'group') return r;
  const G = p.L / (p.groupSize as number);
  const j = r % G;
  const oi = (r - j) / G;
  const i = oi % p.inner;
  const o = (oi - i) / p.inner;
  return (o * G + j) * p.inner + i;
}

/** The smallest power of two 2^e with 2^e · target ≥ amax (f32 normal range). Exact. */
export function pow2Ceil(amax: number, target: number): number {
  const r = amax / target;
  if (r > 2 ** 127) return 2 ** 127;
  if (r <= 2 ** -126) return 2 ** -126;
  let e = Math.ceil(Math.log2(r));
  while (2 ** e * target < amax) e++;
  while (2 ** (e - 1) * target >= amax) e--;
  return 2 ** Math.min(Math.max(e, -126), 127);
}

/**
 * The scale (and zero point) of one run from its min and max:
 *   symmetric:  s = f32(amax / target), or the power of two 2^⌈log2(amax/target)⌉; amax = 0 → s = 1
 *   asymmetric: range [min(mn,0), max(mx,0)], s = f32((hi − lo)/(qmax − qmin)) (computed in f64, rounded
 *               once), zp = clamp(qmin − rne(f32(lo / s)), qmin, qmax); an all-zero run → s = 1, zp = 0
 * An f32 underflow of s to 0 is replaced by the least subnormal so division stays finite. Shared by the kernels' driver and the
 * reference twin: it is the definition, tested on its own (test/formats/scaled.test.ts).
 */
export function scaleFromMinMax(mn: number, mx: number, mode: ScaleMode, scheme: Scheme, target: number,
                                range: { qmin: number; qmax: number } | null): { scale: number; zp: number } {
  if (scheme === 'symmetric') {
    const amax = Math.max(Math.abs(mn), Math.abs(mx));
    if (amax === 0) return { scale: 1, zp: 0 };
    const scale = mode === 'absmax' ? Math.fround(amax / target) : pow2Ceil(amax, target);
    return { scale: scale === 0 ? 2 ** -149 : scale, zp: 0 };
  }
  const { qmin, qmax } = range as { qmin: number; qmax: number };
  const lo = Math.min(mn, 0);
  const hi = Math.max(mx, 0);
  const span = hi - lo; // exact in f64 (no f32 overflow); the scale is rounded to f32 once
  if (span === 0) return { scale: 1, zp: Math.min(Math.max(0, qmin), qmax) };
  let scale = mode === 'absmax' ? Math.fround(span / (qmax - qmin)) : pow2Ceil(span, qmax - qmin);
  if (scale === 0) scale = 2 ** -149;
  const zp = Math.min(Math.max(qmin - rne(Math.fround(lo / scale)), qmin), qmax);
  return { scale, zp };
}

function rne(y: number): number {
  const t = Math.floor(y);
  const d = y - t;
  return d > 0.5 || (d === 0.5 && t % 2 !== 0) ? t + 1 : t;
}

function checkScheme(c: ElementCodec, o: ScaledOptions): Scheme {
  const scheme = o.scheme ?? c.defaultScheme;
  if (scheme !== 'symmetric' && scheme !== 'asymmetric') fail('BAD_OPTION', `scheme must be 'symmetric' or 'asymmetric', got ${show(scheme)}`, scheme);
  if (scheme === 'asymmetric' && !c.intRange) fail('BAD_OPTION', `scheme 'asymmetric' (zero points) applies to INT formats, not ${c.id}`, scheme);
  return scheme;
}

const KNOWN = new Set(['shape', 'axis', 'granularity', 'groupSize', 'scale', 'scheme', 'zeroPoint', 'rounding', 'saturate', 'seed']);

export function runOptions(o: ScaledOptions): RunOptions {
  const sat = o.saturate;
  if (sat !== undefined && sat !== true && sat !== false && sat !== 'finite')
    fail('BAD_OPTION', `saturate must be true, false or 'finite', got ${show(sat)}`, sat);
  const [seedA, seedB] = seedWords(o.seed);
  return { rounding: checkRounding(o.rounding), saturate: sat === 'finite' ? 'finite' : sat ? 'propagate' : 'none', seedA, seedB };
}

/** Scales and zero points in run order, computed from x (in run order) or taken from the options. */
function runScales(rt: Runtime, c: ElementCodec, p: Plan, xr: Float32Array, o: ScaledOptions, scheme: Scheme):
  { scales: Float32Array; zps: Int32Array | null } {
  const s = o.scale ?? 'absmax';
  const zps = scheme === 'asymmetric' ? new Int32Array(p.nRuns) : null;
  const scales = new Float32Array(p.nRuns);
  if (s === 'absmax' || s === 'absmax_pow2') {
    if (o.zeroPoint !== undefined) fail('BAD_OPTION', 'zeroPoint can only be supplied together with supplied scales', o.zeroPoint);
    // runs of an empty tensor hold no elements: min = max = 0 (scale 1), and no WASM memory for them
    const mins = new Float32Array(p.nRuns).fill(p.n === 0 ? 0 : Infinity);
    const maxs = new Float32Array(p.nRuns).fill(p.n === 0 ? 0 : -Infinity);
    if (p.n > 0) rt.scoped(() => {
      const pm = rt.alloc(p.nRuns * 4);
      const px = rt.alloc(p.nRuns * 4);
      const buf = rt.alloc(CHUNK * 4);
      rt.f32(pm, p.nRuns).set(mins);
      rt.f32(px, p.nRuns).set(maxs);
      for (let off = 0; off < p.n; off += CHUNK) {
        const m = Math.min(CHUNK, p.n - off);
        rt.f32(buf, m).set(xr.subarray(off, off + m));
        (rt.exports.rminmax_f32_runs__wasmsimd as RunsMinMax)(buf, m, p.runLen, pm, px, off);
      }
      mins.set(rt.f32(pm, p.nRuns));
      maxs.set(rt.f32(px, p.nRuns));
    });
    for (let r = 0; r < p.nRuns; r++) {
      if (!Number.isFinite(mins[r]) || !Number.isFinite(maxs[r])) nonFinite(p, xr, r);
      const sz = scaleFromMinMax(mins[r], maxs[r], s, scheme, c.scaleTarget, c.intRange);
      scales[r] = sz.scale;
      if (zps) zps[r] = sz.zp;
    }
    return { scales, zps };
  }
  if (typeof s === 'number' && (!Number.isFinite(s) || !(s > 0))) fail('BAD_SCALE', `scale ${show(s)} must be finite and > 0`, s);
  if (typeof s === 'number' && Math.fround(s) !== s) fail('BAD_SCALE', `scale ${s} is not exactly a float32 (use Math.fround)`, s);
  const given = typeof s === 'number' ? new Float32Array(p.nRuns).fill(s) : s;
  if (!(given instanceof Float32Array)) fail('BAD_SCALE', `scale must be 'absmax', 'absmax_pow2', a number or a Float32Array, got ${show(s)}`, s);
  checkScales(p, given, 'supplied');
  const zpIn = o.zeroPoint;
  let zGiven: Int32Array | null = null;
  if (zpIn !== undefined) {
    if (!c.intRange) fail('BAD_OPTION', `zeroPoint applies to INT formats, not ${c.id}`, zpIn);
    if (typeof zpIn === 'number' && (!Number.isInteger(zpIn) || zpIn < c.intRange.qmin || zpIn > c.intRange.qmax))
      fail('BAD_OPTION', `zero point ${show(zpIn)} outside [${c.intRange.qmin}, ${c.intRange.qmax}]`, zpIn);
    zGiven = typeof zpIn === 'number' ? new Int32Array(p.nRuns).fill(zpIn) : zpIn;
    if (!(zGiven instanceof Int32Array)) fail('BAD_OPTION', `zeroPoint must be an integer or an Int32Array, got ${show(zpIn)}`, zpIn);
    checkZeroPoints(c, p, zGiven, 'supplied');
  }
  return { scales: reorderScales(p, given, true), zps: zGiven ? reorderScales(p, zGiven, true) : zps };
}

/** Scales given by the caller (options or a payload): one finite f32 > 0 per run. */
function checkScales(p: Plan, scales: Float32Array, what: string): void {
  if (scales.length !== p.nRuns) fail('BAD_LENGTH', `${scales.length} scales ${what}; ${p.granularity} scaling of shape ${show(p.shape)} needs ${p.nRuns}`, scales.length);
  for (let i = 0; i < scales.length; i++)
    if (!Number.isFinite(scales[i]) || !(scales[i] > 0)) fail('BAD_SCALE', `scale ${show(scales[i])} at index ${i} must be finite and > 0`, scales[i]);
}

/** Zero points given by the caller: one per run, each in the element's [qmin, qmax]. */
function checkZeroPoints(c: ElementCodec, p: Plan, zps: Int32Array, what: string): void {
  if (!c.intRange) return fail('BAD_OPTION', `zero points given for ${c.id}, which takes none`, zps);
  if (zps.length !== p.nRuns) fail('BAD_LENGTH', `${zps.length} zero points ${what}; need ${p.nRuns}`, zps.length);
  const { qmin, qmax } = c.intRange;
  for (let i = 0; i < zps.length; i++)
    if (zps[i] < qmin || zps[i] > qmax) fail('BAD_OPTION', `zero point ${zps[i]} at index ${i} outside [${qmin}, ${qmax}] of ${c.id}`, zps[i]);
}

type RunsMinMax = (src: number, n: number, runLen: number, mins: number, maxs: number, first: number) => void;
type RunsScale = (src: number, dst: number, n: number, runLen: number, scales: number, first: number) => void;

/** Copies per-run scales (and zero points) into the arena; returns their pointers (zero points: 0 if none). */
function uploadRuns(rt: Runtime, p: Plan, scales: Float32Array, zps: Int32Array | null): { ps: number; pz: number } {
  const ps = rt.alloc(p.nRuns * 4);
  rt.f32(ps, p.nRuns).set(scales);
  let pz = 0;
  if (zps) {
    pz = rt.alloc(p.nRuns * 4);
    rt.i32(pz, p.nRuns).set(zps);
  }
  return { ps, pz };
}

/** Per-scale values between run order and natural order (only per-group with a permutation differs). */
function reorderScales<T extends Float32Array | Int32Array>(p: Plan, a: T, toRun: boolean): T {
  const out = new (a.constructor as { new (n: number): T })(p.nRuns);
  for (let r = 0; r < p.nRuns; r++) {
    const k = scaleIndexOfRun(p, r);
    if (toRun) out[r] = a[k];
    else out[k] = a[r];
  }
  return out;
}

function nonFinite(p: Plan, xr: Float32Array, r: number): never {
  for (let i = r * p.runLen; i < (r + 1) * p.runLen; i++)
    if (!Number.isFinite(xr[i])) {
      const nat = naturalIndex(p, i);
      fail('NONFINITE_INPUT', `${xr[i]} at index ${nat}: a computed scale needs finite inputs (${p.granularity} ${r})`, nat);
    }
  return fail('NONFINITE_INPUT', `non-finite value in ${p.granularity} ${r}`, r);
}

/** Natural index of run-order position i. */
export function naturalIndex(p: Plan, i: number): number {
  const { outer, L, inner } = p;
  if (p.perm === 'none') return i;
  if (p.perm === 'front') {
    const ii = i % inner;
    const lo = (i - ii) / inner;
    const o = lo % outer;
    const l = (lo - o) / outer;
    return (o * L + l) * inner + ii;
  }
  const l = i % L;
  const oi = (i - l) / L;
  const ii = oi % inner;
  const o = (oi - ii) / inner;
  return (o * L + l) * inner + ii;
}

function checkKnown(o: ScaledOptions): void {
  if (typeof o !== 'object' || o === null) fail('BAD_OPTION', `options must be an object, got ${show(o)}`, o);
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) fail('BAD_OPTION', `unknown option ${show(k)}`, k);
}

export function encodeScaled(c: ElementCodec, x: Float32Array, o: ScaledOptions = {}): ScaledEncoding {
  if (!(x instanceof Float32Array)) fail('BAD_TYPE', `input must be a Float32Array, got ${show(x)}`, x);
  checkKnown(o);
  const p = makePlan(x.length, o);
  const ro = runOptions(o);
  const scheme = checkScheme(c, o);
  const rt = runtime();
  const xr = toRunOrder(p, x);
  const { scales, zps } = runScales(rt, c, p, xr, o, scheme);
  const codesRun = c.codeBytes === 1 ? new Uint8Array(p.n) : new Uint16Array(p.n);
  if (p.n > 0) rt.scoped(() => {
    const { ps, pz } = uploadRuns(rt, p, scales, zps);
    const buf = rt.alloc(CHUNK * 4);
    const out = rt.alloc(CHUNK * c.codeBytes);
    // stochastic rounding draws random bits by natural index, so permuted layouts pass the indices
    const idxs = ro.rounding === 'stochastic' && p.perm !== 'none' ? rt.alloc(CHUNK * 4) : 0;
    for (let off = 0; off < p.n; off += CHUNK) {
      const m = Math.min(CHUNK, p.n - off);
      rt.f32(buf, m).set(xr.subarray(off, off + m));
      if (!c.fusesScale) (rt.exports.div_f32_runs__wasmsimd as RunsScale)(buf, buf, m, p.runLen, ps, off);
      if (idxs) {
        const iv = rt.i32(idxs, m);
        for (let j = 0; j < m; j++) iv[j] = naturalIndex(p, off + j);
      }
      const nans = c.encodeY(rt, buf, out, m, off, c.fusesScale ? ps : 0, pz, p.runLen, ro, idxs);
      if (nans > 0) for (let i = off; i < off + m; i++) if (Number.isNaN(xr[i])) c.nanPolicy(naturalIndex(p, i));
      codesRun.set(c.codeBytes === 1 ? rt.u8(out, m) : rt.u16(out, m), off);
    }
  });
  return { format: c.id, shape: p.shape, axis: p.axis, granularity: p.granularity, groupSize: p.groupSize,
    codes: fromRunOrder(p, codesRun), scales: reorderScales(p, scales, false), zeroPoints: zps && reorderScales(p, zps, false) };
}

export function decodeScaled(c: ElementCodec, e: ScaledEncoding): Float32Array {
  if (typeof e !== 'object' || e === null) fail('BAD_TYPE', `expected an encoding object, got ${show(e)}`, e);
  if (e.format !== c.id) fail('FORMAT_MISMATCH', `payload was encoded as ${show(e.format)}, not ${c.id}`, e.format);
  const want = c.codeBytes === 1 ? Uint8Array : Uint16Array;
  if (!(e.codes instanceof want)) fail('BAD_TYPE', `${c.id} codes must be a ${want.name}, got ${show(e.codes)}`, e.codes);
  const p = makePlan(e.codes.length, { shape: e.shape, axis: e.axis, granularity: e.granularity, groupSize: e.groupSize ?? undefined });
  if (!(e.scales instanceof Float32Array)) fail('BAD_TYPE', `payload scales must be a Float32Array, got ${show(e.scales)}`, e.scales);
  checkScales(p, e.scales, 'in the payload');
  if (e.zeroPoints !== null && e.zeroPoints !== undefined) {
    if (!(e.zeroPoints instanceof Int32Array)) fail('BAD_TYPE', `payload zeroPoints must be an Int32Array or null, got ${show(e.zeroPoints)}`, e.zeroPoints);
    checkZeroPoints(c, p, e.zeroPoints, 'in the payload');
  }
  if (p.n === 0) return new Float32Array(0);
  const rt = runtime();
  const codesRun = toRunOrder(p, e.codes);
  const scales = reorderScales(p, e.scales, true);
  const zps = e.zeroPoints ? reorderScales(p, e.zeroPoints, true) : null;
  const outRun = new Float32Array(p.n);
  rt.scoped(() => {
    const { ps, pz } = uploadRuns(rt, p, scales, zps);
    const inp = rt.alloc(CHUNK * c.codeBytes);
    const buf = rt.alloc(CHUNK * 4);
    for (let off = 0; off < p.n; off += CHUNK) {
      const m = Math.min(CHUNK, p.n - off);
      (c.codeBytes === 1 ? rt.u8(inp, m) : rt.u16(inp, m)).set(codesRun.subarray(off, off + m));
      if (c.decodeY(rt, inp, buf, m, off, c.fusesScale ? ps : 0, pz, p.runLen) !== 0) badCode(c, p, codesRun, off, m);
      if (!c.fusesScale) (rt.exports.mul_f32_runs__wasmsimd as RunsScale)(buf, buf, m, p.runLen, ps, off);
      outRun.set(rt.f32(buf, m), off);
    }
  });
  return fromRunOrder(p, outRun);
}

function badCode(c: ElementCodec, p: Plan, codesRun: Uint8Array | Uint16Array, off: number, m: number): never {
  for (let i = off; i < off + m; i++)
    if (codesRun[i] >= c.codeLimit) {
      const nat = naturalIndex(p, i);
      fail('BAD_CODE', `code ${codesRun[i]} at index ${nat} does not fit ${c.id} (codes are below ${c.codeLimit})`, codesRun[i]);
    }
  return fail('BAD_CODE', `invalid code in ${c.id} payload`);
}

export function quantizeScaled(c: ElementCodec, x: Float32Array, o: ScaledOptions = {}): Float32Array {
  return decodeScaled(c, encodeScaled(c, x, o));
}
