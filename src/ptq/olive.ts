/**
 * OliVe outlier-victim pair (OVP) quantization (arXiv 2304.07493; spec ptq.md §5, formats.md §7), value
 * for value as the authors' emulation (clevercool/ANT-Quantization, olive_quantization/antquant/
 * quant_modules.py + quant/quant_kernel.cu): 3σ init, alpha = x_max · i/100 for i = low, low + 2, … <
 * high, per-row (or per-tensor) MSE, int vs flint by summed MSE, nearest value of normal ∪ abfloat
 * with ties to the later list entry, then the pair rule on the flattened tensor. The f32 order of
 * operations is the emulation's (scale = alpha / max, d = x / scale, x̂ = q · scale).
 *
 * Storage is a real format: 4-bit codes two per byte (element 2k in the low nibble), each pair either
 * (normal, normal), (outlier, identifier) or (identifier, outlier); see olive-grids.ts for the codes
 * and docs/outliers.md for the layout. oliveDecode maps the storage back to `weight` bit for bit.
 *
 * Fast path: the nearest-value scan is a table indexed by the top bits of d's f32 pattern (every
 * decision point of the scan is a short dyadic midpoint, so it starts a table bin; the bin start
 * itself, where ties land, has its own entry). Each candidate row is scored by the WASM SIMD kernel
 * (assembly/ptq/olive-f32-f32-pairs-wasmsimd.ts; Work.rowScore without a kernel is its TypeScript twin),
 * sums in torch's CPU f32 order (torchSumF32). The reference twin is olive-ref.ts.
 */
import { fail, show } from '../errors.js';
import {
  OLIVE_OUTLIER_THRESHOLD,
  OLIVE_SCAN_START,
  codeOf,
  normalValue,
  oliveGrid,
  outlierValue,
  type OliveGrid,
  type OliveType,
} from './olive-grids.js';
// The 3σ init is no hot path: the fast path uses the reference twin's.
import { refXMax, torchSumF32 } from './olive-ref.js';
import { runtime, type Runtime } from '../runtime/wasm.js';

export type { OliveType, OliveGrid } from './olive-grids.js';
export { oliveGrid } from './olive-grids.js';

export type OliveGranularity = 'tensor' | 'channel';

export interface OliveOptions {
  /** Row-major shape; default [x.length]. 'channel' = one scale per index of axis 0 (row of [out, in]). */
  shape?: readonly number[];
  granularity: OliveGranularity;
  /** 4 (default) or 8 (int only, as the reference forces for > 6 bits). */
  bits?: number;
  /** 'auto' (default, the reference's ant-int-flint: the type with the lower summed MSE; ties to int). */
  type?: OliveType | 'auto';
  /** Fixed scale(s) (x̂ = code value · scale): skips the alpha search. One number, or one per row. */
  scale?: number | Float32Array | readonly number[];
  /** Alpha multipliers i / 100 for i = low, low + 2, … < high (defaults 75 and 250, the LLM scripts'). */
  low?: number;
  high?: number;
  /** 'auto' (default): signed grids iff min(x) < 0, as the reference's update_signed. */
  signed?: 'auto' | boolean;
}

export interface OliveEncoding {
  bits: 4 | 8;
  signed: boolean;
  type: OliveType;
  granularity: OliveGranularity;
  shape: number[];
  /** bits 4: ⌈N/2⌉ bytes, element 2k in the low nibble; bits 8: 2⌈N/2⌉ bytes. An odd N's pad slot is 0 or the identifier. */
  codes: Uint8Array;
  /** Unsigned only: one bit per pair (pair p = bit p % 8 of byte p / 8), set for (outlier, victim) pairs. */
  escapes: Uint8Array | null;
  /** f32 scale per row ('channel') or [1] ('tensor'). */
  scales: Float32Array;
}

export interface OliveResult extends OliveEncoding {
  /** Fake-quantized values (f32), = oliveDecode(this). */
  weight: Float32Array;
  /** Pairs holding an outlier (the odd tail counts as a pair with its pad slot). */
  outlierPairs: number;
  /** Chosen alpha per scale (null with a fixed scale). */
  alphas: Float32Array | null;
  /** 3σ init per scale (null with a fixed scale). */
  xMax: Float32Array | null;
  /** Summed best MSE of each type tried (the type choice's scores). */
  typeScores: Partial<Record<OliveType, number>>;
  /** The chosen type's score per scale (the reference's f32 row MSE at the chosen alpha; NaN for a zero row). */
  rowMse: Float32Array;
  /** Mean squared error of weight vs x (float64). */
  mse: number;
  /** Elements the reference's scan zeroes because they are > 102400 grid units from every value. */
  farZeroed: number;
}

const f = Math.fround;
const ABS = 0x7fffffff;
const EXP_ALL = 0x7f800000;

// ---------------------------------------------------------------------------------------------
// Nearest-value tables
// ---------------------------------------------------------------------------------------------

interface Table {
  shift: number;
  low: number;
  interior: Float32Array;
  start: Float32Array;
  farBits: number;
}

const f1 = new Float32Array(1);
const u1 = new Uint32Array(f1.buffer);
const bitsOf = (v: number): number => ((f1[0] = v), u1[0]);
const fromBits = (b: number): number => ((u1[0] = b >>> 0), f1[0]);

function trailingZeros(b: number): number {
  let n = 0;
  while (n < 23 && ((b >>> n) & 1) === 0) n++;
  return n;
}

const tables = new Map<OliveGrid, Table>();

/** Table of the scan's answer per bin of the f32 pattern's top bits, built from the midpoints (not the scan). */
function tableOf(g: OliveGrid): Table {
  const hit = tables.get(g);
  if (hit) return hit;
  const order = Array.from(g.scan, (v, pos) => ({ v, pos })).sort((a, b) => a.v - b.v);
  const mids: number[] = [];
  for (let k = 0; k + 1 < order.length; k++) {
    const m = (order[k].v + order[k + 1].v) / 2;
    if (f(m) !== m) throw new Error(`olive: midpoint ${m} is not an f32`);
    mids.push(m);
  }
  const shift = Math.min(...mids.map((m) => trailingZeros(bitsOf(Math.abs(m)))));
  const nearest = (v: number): number => {
    let lo = 0;
    let hi = order.length - 1;
    if (v <= order[lo].v) return order[lo].v;
    if (v >= order[hi].v) return order[hi].v;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (order[mid].v <= v) lo = mid;
      else hi = mid;
    }
    const m = mids[lo];
    if (v !== m) return v < m ? order[lo].v : order[hi].v;
    return order[lo].pos > order[hi].pos ? order[lo].v : order[hi].v;
  };
  const n = 2 ** (32 - shift);
  const interior = new Float32Array(n);
  const start = new Float32Array(n);
  for (let key = 0; key < n; key++) {
    const b = key * 2 ** shift;
    if (((b >>> 0) & EXP_ALL) === EXP_ALL) continue;
    start[key] = nearest(fromBits(b));
    interior[key] = nearest(fromBits(b + 1));
  }
  const t: Table = { shift, low: 2 ** shift - 1, interior, start, farBits: bitsOf(g.outlierMax + OLIVE_SCAN_START) };
  tables.set(g, t);
  return t;
}

/** The scan's answer for one d (0 beyond 102400 units of every value, and for non-finite d). */
function nearestOne(t: Table, d: number): number {
  const b = bitsOf(d);
  if ((b & ABS) > t.farBits) return 0;
  const key = b >>> t.shift;
  return (b & t.low) === 0 ? t.start[key] : t.interior[key];
}

// ---------------------------------------------------------------------------------------------
// The forward (one candidate) and the search
// ---------------------------------------------------------------------------------------------

/** Which row scorer runs: the WASM SIMD kernel, or its TypeScript twin (tests compare the two). */
export type OliveImpl = 'wasm' | 'ts';

interface RowKernel {
  olive_row_f32_pairs__wasmsimd(x: number, npairs: number, s: number, interior: number, start: number, shift: number, farBits: number, q: number, err: number): number;
  torch_sum_f32__wasmsimd(p: number, n: number): number;
}

/** The kernel's arena: x, q, the squared errors, and each grid's tables (allocated before any view is made). */
class KernelCtx {
  readonly k: RowKernel;
  readonly px: number;
  readonly tablePtrs = new Map<Table, { interior: number; start: number }>();
  private readonly pq: number;
  private readonly pErr: number;
  readonly qv: Float32Array;
  readonly errv: Float32Array;
  constructor(
    readonly rt: Runtime,
    x: Float32Array,
    L: number,
    tabs: readonly Table[],
  ) {
    this.k = rt.exports as unknown as RowKernel;
    this.px = rt.alloc(4 * x.length);
    this.pq = rt.alloc(4 * L);
    this.pErr = rt.alloc(4 * L);
    for (const t of tabs) this.tablePtrs.set(t, { interior: rt.alloc(4 * t.interior.length), start: rt.alloc(4 * t.start.length) });
    rt.f32(this.px, x.length).set(x);
    for (const [t, p] of this.tablePtrs) {
      rt.f32(p.interior, t.interior.length).set(t.interior);
      rt.f32(p.start, t.start.length).set(t.start);
    }
    this.qv = rt.f32(this.pq, L);
    this.errv = rt.f32(this.pErr, L);
  }

  /** Whole pairs of a row starting at flattened index a (even); false if some d is not finite. */
  run(t: Table, a: number, npairs: number, s: number): boolean {
    const p = this.tablePtrs.get(t)!;
    return this.k.olive_row_f32_pairs__wasmsimd(this.px + 4 * a, npairs, s, p.interior, p.start, t.shift, t.farBits, this.pq, this.pErr) === 1;
  }

  /** torch's f32 sum of the first n squared errors. */
  errSum(n: number): number {
    return this.k.torch_sum_f32__wasmsimd(this.pErr, n);
  }
}

/** Working set of one tensor: rows × L, flattened length N. */
class Work {
  readonly N: number;
  readonly L: number;
  readonly dBuf: Float32Array;
  readonly dBits: Uint32Array;
  readonly q: Float32Array;
  readonly err: Float32Array;
  constructor(
    readonly x: Float32Array,
    readonly rows: number,
    readonly kernel: KernelCtx | null,
  ) {
    this.N = x.length;
    this.L = x.length / rows;
    this.dBuf = new Float32Array(this.L);
    this.dBits = new Uint32Array(this.dBuf.buffer);
    this.q = new Float32Array(this.L);
    this.err = new Float32Array(this.L);
  }

  /** q = scan(x / s) over row r into this.q; false if some d is not finite. */
  quantRow(t: Table, r: number, s: number): boolean {
    const { x, L, dBuf, dBits, q } = this;
    const a = r * L;
    const { shift, low, interior, start, farBits } = t;
    for (let k = 0; k < L; k++) dBuf[k] = x[a + k] / s;
    let finite = true;
    for (let k = 0; k < L; k++) {
      const b = dBits[k];
      const key = b >>> shift;
      let v = (b & low) === 0 ? start[key] : interior[key];
      if ((b & ABS) > farBits) {
        v = 0;
        if ((b & EXP_ALL) === EXP_ALL) finite = false;
      }
      q[k] = v;
    }
    return finite;
  }

  /** Is element j an outlier when its row uses scale s? */
  outlierAt(t: Table, j: number, s: number): boolean {
    return Math.abs(nearestOne(t, f(this.x[j] / s))) > OLIVE_OUTLIER_THRESHOLD;
  }

  /**
   * Victim flags of row r from this.q (the pair rule on the flattened tensor: an odd element is the
   * victim of an outlier at j − 1; an even one of an outlier at j + 1 when it is no outlier itself;
   * an odd N's last element of an outlier at 0, as torch.roll wraps). scaleOfRow gives neighbours' scales.
   */
  victim(t: Table, r: number, k: number, scaleOfRow: (row: number) => number): boolean {
    const { L, N, q } = this;
    const j = r * L + k;
    if (j % 2 === 1) return this.out(t, r, j - 1, scaleOfRow);
    if (j + 1 < N) return this.out(t, r, j + 1, scaleOfRow) && !(Math.abs(q[k]) > OLIVE_OUTLIER_THRESHOLD);
    return this.out(t, r, 0, scaleOfRow);
  }

  /** Outlier flag of element i, from this.q when i is in row r, else quantized with its own row's scale. */
  private out(t: Table, r: number, i: number, scaleOfRow: (row: number) => number): boolean {
    const kk = i - r * this.L;
    if (kk >= 0 && kk < this.L) return Math.abs(this.q[kk]) > OLIVE_OUTLIER_THRESHOLD;
    return this.outlierAt(t, i, scaleOfRow(Math.floor(i / this.L)));
  }

  /**
   * Row r's MSE at scale s, as torch's CPU `.mean(-1)` of the f32 squared errors (torchSumF32, ÷ L in
   * f32); NaN if some d is not finite, like the reference's NaN forward.
   */
  rowScore(t: Table, r: number, s: number, scaleOfRow: (row: number) => number): number {
    const { x, L, q } = this;
    const a = r * L;
    const T = OLIVE_OUTLIER_THRESHOLD;
    const kc = (a & 1) === 0 ? this.kernel : null;
    const err = kc ? kc.errv : this.err;
    let finite: boolean;
    if ((a & 1) === 0) {
      // Row starts a pair: whole pairs in the row, then an odd row's last element (pairs across rows).
      const end = L & ~1;
      if (kc) {
        finite = kc.run(t, a, end >> 1, s);
        q[0] = kc.qv[0];
        if (end < L) {
          const d = f(x[a + L - 1] / s);
          if (!Number.isFinite(d)) finite = false;
          q[L - 1] = nearestOne(t, d);
        }
      } else {
        finite = this.quantRow(t, r, s);
        for (let k = 0; k < end; k += 2) {
          let v0 = q[k];
          let v1 = q[k + 1];
          if (Math.abs(v0) > T) v1 = 0;
          else if (Math.abs(v1) > T) v0 = 0;
          const e0 = f(f(v0 * s) - x[a + k]);
          const e1 = f(f(v1 * s) - x[a + k + 1]);
          err[k] = e0 * e0;
          err[k + 1] = e1 * e1;
        }
      }
      if (end < L) {
        const v = this.victim(t, r, L - 1, scaleOfRow) ? 0 : q[L - 1];
        const e = f(f(v * s) - x[a + L - 1]);
        err[L - 1] = e * e;
      }
    } else {
      // Row starts mid-pair (odd L, odd r): element by element, the first and last pair across rows.
      finite = this.quantRow(t, r, s);
      for (let k = 0; k < L; k++) {
        const j = a + k;
        let v = q[k];
        let isVictim: boolean;
        if (k === 0 || k === L - 1) isVictim = this.victim(t, r, k, scaleOfRow);
        else if (j & 1) isVictim = Math.abs(q[k - 1]) > T;
        else isVictim = Math.abs(q[k + 1]) > T && !(Math.abs(v) > T);
        if (isVictim) v = 0;
        const e = f(f(v * s) - x[j]);
        err[k] = e * e;
      }
    }
    if (!finite) return NaN;
    return f((kc ? kc.errSum(L) : torchSumF32(err, 0, L)) / L);
  }
}

interface Found {
  alpha: Float32Array;
  best: Float32Array;
}

function search(w: Work, g: OliveGrid, xMax: Float32Array, low: number, high: number): Found {
  const t = tableOf(g);
  const alpha = Float32Array.from(xMax);
  const best = new Float32Array(w.rows).fill(1e10);
  const mults: number[] = [];
  for (let i = low; i < high; i += 2) mults.push(f(i * 0.01));
  let mult = 0;
  const scaleOfRow = (row: number): number => f(f(xMax[row] * mult) / g.normalMax);
  for (let r = 0; r < w.rows; r++) {
    for (let c = 0; c < mults.length; c++) {
      mult = mults[c];
      const a = f(xMax[r] * mult);
      const score = w.rowScore(t, r, f(a / g.normalMax), scaleOfRow);
      if (score < best[r]) {
        best[r] = score;
        alpha[r] = a;
      }
    }
  }
  return { alpha, best };
}

function fixedScores(w: Work, g: OliveGrid, scales: Float32Array): Float32Array {
  const t = tableOf(g);
  const best = new Float32Array(w.rows);
  for (let r = 0; r < w.rows; r++) best[r] = w.rowScore(t, r, scales[r], (row) => scales[row]);
  return best;
}

/** Summed per-row scores, as the reference's best_score.sum() (torch's f32 sum). */
const total = (b: Float32Array): number => torchSumF32(b, 0, b.length);

/** The final forward: grid values after the pair rule (normalized units) for every element. */
function finalQ(x: Float32Array, rows: number, scales: Float32Array, g: OliveGrid): { q: Float32Array; farZeroed: number } {
  const t = tableOf(g);
  const N = x.length;
  const L = N / rows;
  const q = new Float32Array(N);
  let farZeroed = 0;
  for (let j = 0; j < N; j++) {
    const r = Math.floor(j / L);
    const s = scales[r];
    if (x[j] === 0 && s === 0) continue;
    const d = f(x[j] / s);
    if (!Number.isFinite(d)) {
      fail('BAD_SCALE', `olive: x[${j}] = ${show(x[j])} divided by the scale ${show(s)} of row ${r} is ${show(d)} (the reference would give NaN)`, s);
    }
    if (Math.abs(d) > g.outlierMax + OLIVE_SCAN_START) farZeroed++;
    q[j] = nearestOne(t, d);
  }
  const out = (j: number): boolean => Math.abs(q[j]) > OLIVE_OUTLIER_THRESHOLD;
  const victim = new Uint8Array(N);
  for (let j = 0; j < N; j++) {
    if (j % 2 === 1) victim[j] = out(j - 1) ? 1 : 0;
    else if (j + 1 < N) victim[j] = out(j + 1) && !out(j) ? 1 : 0;
    else victim[j] = out(0) ? 1 : 0;
  }
  for (let j = 0; j < N; j++) if (victim[j]) q[j] = 0;
  return { q, farZeroed };
}

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

function pack(q: Float32Array, g: OliveGrid): { codes: Uint8Array; escapes: Uint8Array | null; outlierPairs: number } {
  const N = q.length;
  const pairs = Math.ceil(N / 2);
  const slot = new Uint8Array(2 * pairs);
  const escapes = g.signed ? null : new Uint8Array(Math.ceil(pairs / 8));
  let outlierPairs = 0;
  for (let p = 0; p < pairs; p++) {
    const q0 = q[2 * p];
    const q1 = 2 * p + 1 < N ? q[2 * p + 1] : 0;
    const o0 = Math.abs(q0) > OLIVE_OUTLIER_THRESHOLD;
    const o1 = Math.abs(q1) > OLIVE_OUTLIER_THRESHOLD;
    if (o0 && o1) throw new Error('olive: two outliers in one pair after the pair rule');
    const victimCode = g.signed ? g.identifier : 0;
    if (o0 || o1) {
      outlierPairs++;
      if (escapes) escapes[p >> 3] |= 1 << (p & 7);
      slot[2 * p] = o0 ? codeOf(g, q0) : victimCode;
      slot[2 * p + 1] = o1 ? codeOf(g, q1) : victimCode;
    } else {
      slot[2 * p] = codeOf(g, q0);
      slot[2 * p + 1] = codeOf(g, q1);
    }
  }
  if (g.bits === 8) return { codes: slot, escapes, outlierPairs };
  const codes = new Uint8Array(pairs);
  for (let p = 0; p < pairs; p++) codes[p] = slot[2 * p] | (slot[2 * p + 1] << 4);
  return { codes, escapes, outlierPairs };
}

/** The grid value (normalized units) the reference's scan picks for d = x / scale (0 when far or non-finite). */
export function oliveNearest(g: OliveGrid, d: number): number {
  return nearestOne(tableOf(g), d);
}

/** OVP storage of grid values q (normalized units, after the pair rule): codes, escapes, outlier pairs. */
export function olivePack(q: Float32Array, g: OliveGrid): { codes: Uint8Array; escapes: Uint8Array | null; outlierPairs: number } {
  return pack(q, g);
}

/** Decodes OliVe storage to the fake-quantized f32 values (bit for bit the encoder's `weight`). */
export function oliveDecode(enc: OliveEncoding): Float32Array {
  if (typeof enc !== 'object' || enc === null) fail('BAD_OPTION', `oliveDecode needs an olive encoding, got ${show(enc)}`, enc);
  const bits = enc.bits;
  if (bits !== 4 && bits !== 8) fail('BAD_OPTION', `olive bits must be 4 or 8, got ${show(bits)}`, bits);
  if (enc.type !== 'int' && enc.type !== 'flint') fail('BAD_OPTION', `olive type must be 'int' or 'flint', got ${show(enc.type)}`, enc.type);
  if (typeof enc.signed !== 'boolean') fail('BAD_OPTION', `olive signed must be a boolean, got ${show(enc.signed)}`, enc.signed);
  const g = gridFor(enc.type, bits, enc.signed);
  const { N, rows } = layout(enc.shape, enc.granularity);
  const pairs = Math.ceil(N / 2);
  if (!(enc.codes instanceof Uint8Array) || enc.codes.length !== (bits === 4 ? pairs : 2 * pairs)) {
    fail('BAD_LENGTH', `olive codes must be a Uint8Array of ${bits === 4 ? pairs : 2 * pairs} bytes for ${N} values, got ${show(enc.codes)}`, enc.codes);
  }
  if (!(enc.scales instanceof Float32Array) || enc.scales.length !== rows) {
    fail('BAD_LENGTH', `olive scales must be a Float32Array of ${rows}, got ${show(enc.scales)}`, enc.scales);
  }
  if (!g.signed && (!(enc.escapes instanceof Uint8Array) || enc.escapes.length !== Math.ceil(pairs / 8))) {
    fail('BAD_LENGTH', `unsigned olive storage needs escapes of ${Math.ceil(pairs / 8)} bytes, got ${show(enc.escapes)}`, enc.escapes);
  }
  const L = N / rows;
  const out = new Float32Array(N);
  const put = (j: number, v: number): void => {
    if (j < N) out[j] = f(v * enc.scales[Math.floor(j / L)]);
  };
  const outlier = (c: number, p: number): number => {
    const v = outlierValue(g, c);
    if (Number.isNaN(v)) fail('BAD_CODE', `olive pair ${p}: ${show(c)} is not an outlier code`, c);
    return v;
  };
  for (let p = 0; p < pairs; p++) {
    const c0 = bits === 4 ? enc.codes[p] & 15 : enc.codes[2 * p];
    const c1 = bits === 4 ? enc.codes[p] >> 4 : enc.codes[2 * p + 1];
    let v0: number;
    let v1: number;
    const escaped = g.signed ? c0 === g.identifier || c1 === g.identifier : (enc.escapes![p >> 3] >> (p & 7)) & 1;
    if (!escaped) {
      v0 = normalValue(g, c0);
      v1 = normalValue(g, c1);
    } else {
      const victimCode = g.signed ? g.identifier : 0;
      if ((c0 === victimCode) === (c1 === victimCode)) fail('BAD_CODE', `olive pair ${p} (${c0}, ${c1}) needs exactly one victim slot`, [c0, c1]);
      v0 = c0 === victimCode ? 0 : outlier(c0, p);
      v1 = c1 === victimCode ? 0 : outlier(c1, p);
    }
    put(2 * p, v0);
    put(2 * p + 1, v1);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

function gridFor(type: OliveType, bits: number, signed: boolean): OliveGrid {
  if (bits === 8 && type === 'flint') fail('BAD_OPTION', `olive type 'flint' needs bits 4 (the reference uses int above 6 bits), got bits ${show(bits)}`, type);
  return oliveGrid(type, bits, signed);
}

function layout(shape: unknown, granularity: unknown): { N: number; rows: number } {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    fail('BAD_SHAPE', `olive shape must be a non-empty array of positive integers, got ${show(shape)}`, shape);
  }
  if (granularity !== 'tensor' && granularity !== 'channel') {
    fail('BAD_OPTION', `olive granularity must be 'tensor' or 'channel', got ${show(granularity)}`, granularity);
  }
  const N = shape.reduce((a: number, b: number) => a * b, 1);
  return { N, rows: granularity === 'channel' ? shape[0] : 1 };
}

function checkScales(scale: unknown, rows: number): Float32Array {
  const vals = typeof scale === 'number' ? [scale] : Array.isArray(scale) || scale instanceof Float32Array ? Array.from(scale as ArrayLike<number>) : null;
  if (vals === null) fail('BAD_SCALE', `olive scale must be a number, an array or a Float32Array, got ${show(scale)}`, scale);
  if (vals.length !== 1 && vals.length !== rows) fail('BAD_SCALE', `olive needs 1 or ${rows} scales, got ${vals.length}`, vals.length);
  for (const v of vals) {
    if (typeof v !== 'number' || !Number.isFinite(f(v)) || !(f(v) > 0)) fail('BAD_SCALE', `olive scale must be a finite f32 > 0, got ${show(v)}`, v);
  }
  return vals.length === rows ? Float32Array.from(vals) : new Float32Array(rows).fill(vals[0]);
}

function checkMultiplier(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 100000) fail('BAD_OPTION', `olive ${what} must be an integer in [1, 100000], got ${show(v)}`, v);
  return v as number;
}

/** OliVe fake quantization with OVP storage; see the file comment and docs/outliers.md. */
export function olive(x: Float32Array, opts: OliveOptions): OliveResult {
  return oliveWith(x, opts, 'wasm');
}

/** olive with a chosen row scorer (the kernel or its twin give the same result bit for bit). */
export function oliveWith(x: Float32Array, opts: OliveOptions, impl: OliveImpl): OliveResult {
  if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `olive options must be an object, got ${show(opts)}`, opts);
  if (!(x instanceof Float32Array)) fail('BAD_TYPE', `olive x must be a Float32Array, got ${show(x)}`, x);
  const shape = opts.shape === undefined ? [x.length] : opts.shape;
  const { N, rows } = layout(shape, opts.granularity);
  if (N !== x.length) fail('BAD_LENGTH', `olive x has ${x.length} values, shape ${show(shape)} needs ${N}`, x.length);
  let min = Infinity;
  for (let i = 0; i < N; i++) {
    if (!Number.isFinite(x[i])) fail('NONFINITE_INPUT', `olive x[${i}] is ${show(x[i])} (must be finite)`, x[i]);
    if (x[i] < min) min = x[i];
  }
  const bits = opts.bits ?? 4;
  if (bits !== 4 && bits !== 8) fail('BAD_OPTION', `olive bits must be 4 or 8, got ${show(bits)}`, bits);
  const typeOpt = opts.type ?? 'auto';
  if (typeOpt !== 'auto' && typeOpt !== 'int' && typeOpt !== 'flint') fail('BAD_OPTION', `olive type must be 'int', 'flint' or 'auto', got ${show(typeOpt)}`, typeOpt);
  const signedOpt = opts.signed ?? 'auto';
  if (signedOpt !== 'auto' && typeof signedOpt !== 'boolean') fail('BAD_OPTION', `olive signed must be 'auto' or a boolean, got ${show(signedOpt)}`, signedOpt);
  if (signedOpt === false && min < 0) fail('BAD_OPTION', `olive signed: false, but the input has ${show(min)} < 0`, min);
  const signed = signedOpt === 'auto' ? min < 0 : signedOpt;
  const low = checkMultiplier(opts.low ?? 75, 'low');
  const high = checkMultiplier(opts.high ?? 250, 'high');
  if (high <= low) fail('BAD_OPTION', `olive high (${show(high)}) must exceed low (${show(low)})`, high);
  const types: OliveType[] = typeOpt !== 'auto' ? [typeOpt] : bits > 6 ? ['int'] : ['int', 'flint'];
  const grids = types.map((t) => gridFor(t, bits, signed));
  if (impl === 'ts') return encodeWith(x, opts, shape, rows, grids, new Work(x, rows, null));
  const rt = runtime();
  return rt.scoped(() => encodeWith(x, opts, shape, rows, grids, new Work(x, rows, new KernelCtx(rt, x, N / rows, grids.map(tableOf)))));
}

function encodeWith(
  x: Float32Array,
  opts: OliveOptions,
  shape: readonly number[],
  rows: number,
  grids: readonly OliveGrid[],
  w: Work,
): OliveResult {
  const typeScores: Partial<Record<OliveType, number>> = {};
  const N = x.length;
  const bits = grids[0].bits as 4 | 8;
  const signed = grids[0].signed;
  const { low, high } = { low: opts.low ?? 75, high: opts.high ?? 250 };

  let chosen = grids[0];
  let scales: Float32Array;
  let rowMse: Float32Array;
  let alphas: Float32Array | null = null;
  let xMax: Float32Array | null = null;
  if (opts.scale !== undefined) {
    scales = checkScales(opts.scale, rows);
    rowMse = new Float32Array(0);
    for (const g of grids) {
      const scores = fixedScores(w, g, scales);
      const s = total(scores);
      typeScores[g.type] = s;
      if (g === grids[0] || s < typeScores[chosen.type]!) {
        chosen = g;
        rowMse = scores;
      }
    }
  } else {
    if (N / rows < 2) fail('BAD_SHAPE', `olive needs at least 2 values per scale for the 3σ init (n − 1 std), shape ${show(shape)} with granularity ${show(opts.granularity)} has ${N / rows}`, shape);
    xMax = refXMax(x, rows);
    const bad = xMax.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail('BAD_SCALE', `olive: the 3σ init of ${rows > 1 ? `row ${bad}` : 'the tensor'} overflows f32 (x_max = ${show(xMax[bad])})`, xMax[bad]);
    let found: Found | null = null;
    for (const g of grids) {
      const fd = search(w, g, xMax, low, high);
      const s = total(fd.best);
      typeScores[g.type] = s;
      if (found === null || s < typeScores[chosen.type]!) {
        found = fd;
        chosen = g;
      }
    }
    alphas = found!.alpha;
    rowMse = found!.best.map((v) => (v === 1e10 ? NaN : v));
    scales = alphas.map((a) => f(a / chosen.normalMax));
  }

  const { q, farZeroed } = finalQ(x, rows, scales, chosen);
  const L = N / rows;
  const weight = new Float32Array(N);
  let err = 0;
  for (let j = 0; j < N; j++) {
    weight[j] = f(q[j] * scales[Math.floor(j / L)]);
    if (!Number.isFinite(weight[j])) fail('BAD_SCALE', `olive: x[${j}] = ${show(x[j])} quantizes to ${show(weight[j])} at scale ${show(scales[Math.floor(j / L)])} (f32 overflow)`, x[j]);
    err += (weight[j] - x[j]) ** 2;
  }
  const { codes, escapes, outlierPairs } = pack(q, chosen);
  return {
    bits,
    signed,
    type: chosen.type,
    granularity: opts.granularity,
    shape: [...shape],
    codes,
    escapes,
    scales,
    weight,
    outlierPairs,
    alphas,
    xMax,
    typeScores,
    rowMse,
    mse: err / N,
    farZeroed,
  };
}

/** Plug-in shape for `numlab compare` methods: x̂ and the storage bits (codes + escapes + f32 scales + 1 type bit). */
export function oliveQuantize(
  x: Float32Array,
  shape: readonly number[],
  opts: { granularity: OliveGranularity; type?: OliveType | 'auto' },
): { xhat: Float32Array; storageBits: number } {
  if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `oliveQuantize options must be an object, got ${show(opts)}`, opts);
  const r = olive(x, { shape, granularity: opts.granularity, type: opts.type });
  const escapeBits = r.escapes ? Math.ceil(x.length / 2) : 0;
  return { xhat: r.weight, storageBits: 8 * r.codes.length + escapeBits + 32 * r.scales.length + 1 };
}
