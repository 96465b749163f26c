/**
 * NUPES / PowerQuant power companding (spec ptq.md §3): t = sign(x)|x|^a quantized on numlab's
 * symmetric b-bit INT grid (format('int{b}').encodeScaled, so rounding and scales are numlab's), and
 * x̂ = sign(v)|v|^(1/a) on decode. a = 1 is plain INT bit for bit. The exponent is searched data-free
 * (MSE of the weight, per tensor, channel or group) or data-driven (layer output error ‖W X − Q(W) X‖² on
 * calibration X, per tensor or output row): a grid over [0.25, 2] in steps of 0.05 (a = 1 on it), then golden-section refinement
 * inside ±0.05 of the best grid point; the best value seen wins, ties to the earlier (a = 1 is tried
 * first), so the search never loses to a = 1.
 */
import { fail, show } from '../errors.js';
import { format } from '../formats/format.js';
import type { IntFormat } from '../formats/int.js';
import { makePlan, type ScaledEncoding } from '../formats/scaled.js';
import { checkInt, checkMatrix, checkShape, isReal, type Real } from './check.js';
import { layerError } from './layer-error.js';

/** 'group': one exponent and scale per run of `groupSize` elements along `axis` (the scaled driver's groups). */
export type NupesGranularity = 'tensor' | 'channel' | 'group';

export interface NupesOptions {
  /** INT width, 2..16. */
  bits: number;
  /** Power exponent(s) > 0: one number, or one per channel / group (natural order of the scales). */
  a: number | readonly number[] | Float64Array;
  /** Row-major shape; default [x.length]. */
  shape?: readonly number[];
  /** Channel axis; default the last. Negative counts from the end. */
  axis?: number;
  granularity: NupesGranularity;
  /** Elements per group along `axis` (granularity 'group'). */
  groupSize?: number;
}

export interface NupesEncoding {
  /** The INT encoding of the powered values (codes, one f32 scale per tensor / channel). */
  int: ScaledEncoding;
  codes: Uint8Array | Uint16Array;
  scales: Float32Array;
  /** Exponent per tensor ([1]), per channel ([L]) or per group (the scales' natural order). */
  a: Float64Array;
  /** Dequantized values x̂ (natural order). */
  weight: Float32Array;
}

export interface NupesSearchOptions {
  bits: number;
  shape?: readonly number[];
  axis?: number;
  granularity: NupesGranularity;
  /** Elements per group along `axis` (granularity 'group'). */
  groupSize?: number;
}

export interface NupesSearchResult extends NupesEncoding {
  /** Objective at the chosen exponent(s): MSE (data-free) or layerError (data-driven). */
  error: number;
  /** The same objective at a = 1 (plain INT). */
  errorAtOne: number;
}

export const NUPES_A_MIN = 0.25;
export const NUPES_A_MAX = 2;
const GRID_STEP = 0.05;
const GOLDEN_ITERS = 12;
const F32_MAX = 3.4028234663852886e38;

function intFormat(bits: unknown): IntFormat {
  const b = checkInt(bits, 'nupes bits', 2, 16);
  return format(`int${b}`) as IntFormat;
}

function checkA(a: unknown, L: number, granularity: NupesGranularity): Float64Array {
  // L: the number of slots (channels or groups)
  const vals = typeof a === 'number' ? [a] : Array.isArray(a) || a instanceof Float64Array ? Array.from(a as ArrayLike<number>) : null;
  if (vals === null) fail('BAD_OPTION', `nupes a must be a number or an array of numbers, got ${show(a)}`, a);
  for (const v of vals) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail('BAD_OPTION', `nupes exponent a must be finite and > 0, got ${show(v)}`, v);
  }
  if (vals.length === 1) return new Float64Array(granularity === 'tensor' ? 1 : L).fill(vals[0]);
  if (granularity === 'tensor' || vals.length !== L)
    fail('BAD_OPTION', `nupes a has ${vals.length} exponents; granularity ${show(granularity)} needs 1${granularity !== 'tensor' ? ` or ${L}` : ''}`, vals.length);
  return Float64Array.from(vals);
}

function checkGranularity(g: unknown): NupesGranularity {
  if (g !== 'tensor' && g !== 'channel' && g !== 'group') fail('BAD_OPTION', `nupes granularity must be 'tensor', 'channel' or 'group', got ${show(g)}`, g);
  return g;
}

function checkInput(x: unknown, what: string): Float32Array {
  if (!(x instanceof Float32Array)) fail('BAD_TYPE', `${what} must be a Float32Array, got ${show(x)}`, x);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) fail('NONFINITE_INPUT', `${what}[${i}] is ${show(x[i])} (must be finite)`, x[i]);
  }
  return x;
}

interface Layout {
  shape: number[];
  axis: number;
  L: number;
  inner: number;
  /** Group size ('group'), else null. */
  G: number | null;
  /** Slots: 1 (tensor), L (channel) or the number of groups. */
  slots: number;
}

/** Slot (exponent / scale index, natural order) of element i. */
function slotOf(lay: Layout, i: number): number {
  if (lay.slots === 1) return 0;
  const l = Math.floor(i / lay.inner) % lay.L;
  if (lay.G === null) return l;
  const o = Math.floor(i / (lay.L * lay.inner));
  return (o * (lay.L / lay.G) + Math.floor(l / lay.G)) * lay.inner + (i % lay.inner);
}

function layout(n: number, o: { shape?: readonly number[]; axis?: number; granularity: NupesGranularity; groupSize?: number | null }): Layout {
  const p = makePlan(n, { shape: o.shape, axis: o.axis, granularity: o.granularity, ...(o.granularity === 'group' ? { groupSize: o.groupSize ?? undefined } : {}) });
  const slots = p.granularity === 'tensor' ? 1 : p.granularity === 'channel' ? p.L : p.n / (p.groupSize as number);
  return { shape: p.shape, axis: p.axis, L: p.L, inner: p.inner, G: p.groupSize, slots };
}

/** sign(v)|v|^p per element, p from the element's channel (a single exponent when p.length is 1). */
function power(x: Float32Array, p: Float64Array, lay: Layout, invert: boolean): Float32Array {
  const out = new Float32Array(x.length);
  const per = p.length > 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const e = per ? p[slotOf(lay, i)] : p[0];
    const k = invert ? 1 / e : e;
    const y = v === 0 ? v : Math.sign(v) * Math.abs(v) ** k;
    out[i] = y;
    if (!Number.isFinite(out[i])) {
      // Forward: |x|^a past the f32 range is bad input. Inverse: the grid's top code can round a hair
      // above the input's absmax, so |v|^(1/a) may pass f32 max by a few ulps: saturate to it.
      if (!invert) fail('BAD_OPTION', `nupes: |x|^a overflows f32 at x[${i}] = ${show(v)} with a = ${show(e)}`, v);
      out[i] = Math.sign(y) * F32_MAX;
    }
  }
  return out;
}

/** sign(x_i)|x_i|^(a_i) (invert: ^(1/a_i)) with exponent a_i for element i, as nupes() powers a channel's elements. */
export function nupesPowerEach(x: Float32Array, a: Float64Array, invert: boolean): Float32Array {
  return power(x, a, { shape: [x.length], axis: 0, L: x.length, inner: 1, G: null, slots: x.length }, invert);
}

function encodeWith(fmt: IntFormat, x: Float32Array, a: Float64Array, lay: Layout, granularity: NupesGranularity): NupesEncoding {
  const t = power(x, a, lay, false);
  const int = fmt.encodeScaled(t, { shape: lay.shape, axis: lay.axis, granularity, scheme: 'symmetric', ...(lay.G !== null ? { groupSize: lay.G } : {}) });
  const weight = power(fmt.decodeScaled(int), a, lay, true);
  return { int, codes: int.codes, scales: int.scales, a, weight };
}

/** Quantize x with the power exponent(s) a on a symmetric b-bit INT grid. */
export function nupes(x: Float32Array, opts: NupesOptions): NupesEncoding {
  if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `nupes options must be an object, got ${show(opts)}`, opts);
  const fmt = intFormat(opts.bits);
  const granularity = checkGranularity(opts.granularity);
  checkInput(x, 'nupes x');
  const lay = layout(x.length, { shape: opts.shape, axis: opts.axis, granularity, groupSize: opts.groupSize });
  return encodeWith(fmt, x, checkA(opts.a, lay.slots, granularity), lay, granularity);
}

/** Dequantize a nupes encoding: decode the INT codes, then undo the power. */
export function nupesDecode(enc: NupesEncoding): Float32Array {
  if (typeof enc !== 'object' || enc === null || typeof enc.int !== 'object' || enc.int === null)
    fail('BAD_OPTION', `nupesDecode needs a nupes encoding, got ${show(enc)}`, enc);
  const fmt = format(enc.int.format);
  if (fmt.kind !== 'int') fail('FORMAT_MISMATCH', `nupes encoding holds ${show(enc.int.format)}, not an INT format`, enc.int.format);
  const g = checkGranularity(enc.int.granularity);
  const lay = layout(enc.int.codes.length, { shape: enc.int.shape, axis: enc.int.axis, granularity: g, groupSize: enc.int.groupSize });
  return power((fmt as IntFormat).decodeScaled(enc.int), checkA(enc.a, lay.slots, g), lay, true);
}

/**
 * Minimise per-slot errors over a (slot = the tensor, or one channel): errs(a) returns one error per
 * slot for the exponent vector a. Grid first (a = 1 first), then golden section around each slot's best.
 */
function search(slots: number, errs: (a: Float64Array) => Float64Array): { a: Float64Array; err: Float64Array; atOne: Float64Array } {
  const bestA = new Float64Array(slots).fill(1);
  const atOne = errs(bestA);
  const bestE = Float64Array.from(atOne);
  const tryA = (a: Float64Array): Float64Array => {
    const e = errs(a);
    for (let s = 0; s < slots; s++) {
      if (e[s] < bestE[s]) {
        bestE[s] = e[s];
        bestA[s] = a[s];
      }
    }
    return e;
  };
  const steps = Math.round((NUPES_A_MAX - NUPES_A_MIN) / GRID_STEP);
  for (let k = 0; k <= steps; k++) {
    const v = NUPES_A_MIN + k * GRID_STEP;
    if (Math.abs(v - 1) > 1e-12) tryA(new Float64Array(slots).fill(v));
  }
  const g = (Math.sqrt(5) - 1) / 2;
  const lo = bestA.map((v) => Math.max(NUPES_A_MIN, v - GRID_STEP));
  const hi = bestA.map((v) => Math.min(NUPES_A_MAX, v + GRID_STEP));
  let c = lo.map((l, s) => hi[s] - g * (hi[s] - l));
  let d = lo.map((l, s) => l + g * (hi[s] - l));
  let fc = tryA(c);
  let fd = tryA(d);
  for (let it = 0; it < GOLDEN_ITERS; it++) {
    const nc = new Float64Array(slots);
    const nd = new Float64Array(slots);
    for (let s = 0; s < slots; s++) {
      if (fc[s] < fd[s]) {
        hi[s] = d[s];
        nd[s] = c[s];
        nc[s] = hi[s] - g * (hi[s] - lo[s]);
      } else {
        lo[s] = c[s];
        nc[s] = d[s];
        nd[s] = lo[s] + g * (hi[s] - lo[s]);
      }
    }
    c = nc;
    d = nd;
    fc = tryA(c);
    fd = tryA(d);
  }
  return { a: bestA, err: bestE, atOne };
}

/** Sum of squared errors per slot (the tensor, each channel or each group). */
function sqErrPerSlot(x: Float32Array, y: Float32Array, lay: Layout, slots: number): Float64Array {
  const e = new Float64Array(slots);
  for (let i = 0; i < x.length; i++) {
    const s = slots === 1 ? 0 : slotOf(lay, i);
    e[s] += (x[i] - y[i]) ** 2;
  }
  return e;
}

/** Data-free exponent search: minimise the weight MSE, per tensor or per channel. */
export function nupesSearch(x: Float32Array, opts: NupesSearchOptions): NupesSearchResult {
  if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `nupesSearch options must be an object, got ${show(opts)}`, opts);
  const fmt = intFormat(opts.bits);
  const granularity = checkGranularity(opts.granularity);
  checkInput(x, 'nupesSearch x');
  if (x.length === 0) fail('BAD_SHAPE', 'nupesSearch needs a non-empty tensor', x.length);
  const lay = layout(x.length, { shape: opts.shape, axis: opts.axis, granularity, groupSize: opts.groupSize });
  const slots = lay.slots;
  const r = search(slots, (a) => sqErrPerSlot(x, encodeWith(fmt, x, a, lay, granularity).weight, lay, slots));
  const enc = encodeWith(fmt, x, r.a, lay, granularity);
  const sum = (e: Float64Array) => e.reduce((p, v) => p + v, 0) / x.length;
  return { ...enc, error: sum(sqErrPerSlot(x, enc.weight, lay, 1)), errorAtOne: sum(r.atOne) };
}

export interface NupesCalibratedOptions {
  bits: number;
  /** [rows, cols] of W (rows = output channels). */
  shape: [number, number];
  /** Rows of X (tokens); X is [tokens, cols]. */
  tokens: number;
  /** 'channel' = one exponent per output row (axis 0), where the layer error splits by row. */
  granularity: NupesGranularity;
}

/**
 * Data-driven exponent search: minimise ‖W X − Q(W) X‖² (X as in layerError: [tokens, cols]), per
 * tensor or per output row. error / errorAtOne are layerError ratios.
 */
export function nupesCalibrated(W: Float32Array, X: Real, opts: NupesCalibratedOptions): NupesSearchResult {
  if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `nupesCalibrated options must be an object, got ${show(opts)}`, opts);
  const fmt = intFormat(opts.bits);
  const granularity = checkGranularity(opts.granularity);
  if (granularity === 'group') fail('BAD_OPTION', `nupesCalibrated searches per tensor or per output row ('tensor' or 'channel'), got ${show(granularity)}`, granularity);
  const [rows, cols] = checkShape(opts.shape, 'nupesCalibrated weight');
  checkInput(W, 'nupesCalibrated W');
  checkMatrix(W, rows * cols, 'nupesCalibrated W', `[${rows}, ${cols}]`);
  if (!isReal(X)) fail('BAD_TYPE', `nupesCalibrated X must be a Float32Array or Float64Array, got ${show(X)}`, X);
  const tokens = checkInt(opts.tokens, 'nupesCalibrated tokens', 1, 2 ** 31 - 1);
  checkMatrix(X, tokens * cols, 'nupesCalibrated X', `[${tokens}, ${cols}]`);
  // H = Xᵀ X (f64): row r's output error is d_r H d_rᵀ with d_r = w_r − q_r.
  const H = new Float64Array(cols * cols);
  for (let t = 0; t < tokens; t++) {
    for (let i = 0; i < cols; i++) {
      const xi = X[t * cols + i];
      if (xi === 0) continue;
      for (let j = 0; j < cols; j++) H[i * cols + j] += xi * X[t * cols + j];
    }
  }
  const lay = layout(W.length, { shape: [rows, cols], axis: 0, granularity });
  const slots = granularity === 'channel' ? rows : 1;
  const d = new Float64Array(cols);
  const rowErrs = (q: Float32Array): Float64Array => {
    const e = new Float64Array(slots);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) d[j] = W[r * cols + j] - q[r * cols + j];
      let s = 0;
      for (let i = 0; i < cols; i++) {
        if (d[i] === 0) continue;
        let hi = 0;
        for (let j = 0; j < cols; j++) hi += H[i * cols + j] * d[j];
        s += d[i] * hi;
      }
      e[slots === 1 ? 0 : r] += s;
    }
    return e;
  };
  const r = search(slots, (a) => rowErrs(encodeWith(fmt, W, a, lay, granularity).weight));
  const enc = encodeWith(fmt, W, r.a, lay, granularity);
  const one = encodeWith(fmt, W, new Float64Array(slots).fill(1), lay, granularity);
  const le = (q: Float32Array) => layerError(W, q, X, { shape: [rows, cols], tokens });
  return { ...enc, error: le(enc.weight), errorAtOne: le(one.weight) };
}
