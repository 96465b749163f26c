/**
 * matmul / prepareWeights: y = a · Wᵀ on the WASM GEMM kernels (assembly/gemm/). a is [m, k] f32,
 * W [n, k] (out × in, as a PyTorch Linear) — f32, a ScaledEncoding (encodeScaled, per-tensor,
 * per-channel along axis 0, or per-group along k) or a BlockEncoding (blocks along k, axis 1) —
 * and y [m, n] f32, all row-major. Low-bit weights are decoded inside the kernel, 32 rows × a k
 * chunk at a time, exactly as the format's decoder decodes them; every y[i, j] is the sequential
 * f32 sum over t of f32(a[i, t] · ŵ[j, t]) (gemm-ref.ts matmulF32SeqRef, bit for bit).
 *
 * Only pointers and numbers cross into WASM: a, W and y stream through the arena in row chunks of
 * at most CHUNK_ELEMS f32 each, so WASM memory stays bounded whatever the shapes.
 * Documentation: docs/gemm.md.
 */
import { fail, show } from '../errors.js';
import { BlockFormat } from '../formats/block.js';
import { checkBlockPayload, nvDecodeFactor, type BlockEncoding, type BlockPlan } from '../formats/block-ref.js';
import { expScale } from '../formats/block-layout.js';
import { format } from '../formats/format.js';
import { BipolarFormat, IntFormat } from '../formats/int.js';
import { bipolarValueRef, intValueRef } from '../formats/int-ref.js';
import { minifloatLimits } from '../formats/limits.js';
import { MinifloatFormat } from '../formats/minifloat.js';
import { decodeBitsRef } from '../formats/minifloat-ref.js';
import { pack, unpack } from '../formats/packing.js';
import type { ScaledEncoding } from '../formats/scaled.js';
import { runtime, type Runtime } from '../runtime/wasm.js';
import { gemvMultiplier } from './gemm-ref.js';

export interface MatmulOptions {
  m: number;
  n: number;
  k: number;
  /**
   * Positive integer. matmul runs on the calling thread whatever the value; matmulAsync splits the rows
   * of a over this many workers (default: all cores when m·n·k ≥ 2^24, else 1). Results never depend on it.
   */
  threads?: number;
  /** Write y here (a Float32Array of m·n) instead of a new array. */
  out?: Float32Array;
  /**
   * 'f32' (default), or 'int8': a quantized per row (symmetric, scale amax/127, as
   * format('int8').encodeScaled(a, { shape: [m, k], axis: 0, granularity: 'channel' })), then an exact
   * int8 × int8 → int32 kernel; weights: a ScaledEncoding of a signed INT of ≤ 8 bits with per-channel or
   * per-tensor scales and no zero points; y = f32(f32(d) · f32(sa[i] · sw[j])). Or a block format id with a
   * power-of-two scale ('mxfp8_e4m3', 'mxint8', 'mxfp4', BFP rows, …): MX × MX — a encoded along k by that
   * block codec, weights a BlockEncoding of such a format with the same block size; per-block dot products
   * of the elements times the product of the two scales (OCP MX §6), summed in float64 (docs/gemm.md).
   */
  activations?: string;
}

/** Weights repacked once into the kernels' layout (prepareWeights); reusable across matmul calls. */
export interface PreparedWeights {
  readonly kind: 'prepared';
  readonly n: number;
  readonly k: number;
  /** Where the weights came from: 'f32', or the encoding's format id. */
  readonly source: string;
  /** @internal */
  readonly plan: WeightPlan;
  /** @internal the weights as given (posted once to matmulAsync's workers, which prepare their own) */
  readonly given: Float32Array | BlockEncoding | ScaledEncoding;
  /** @internal WASM-resident copies (the GEMV kernel's nibble panels) may be made: prepareWeights' result, not a per-call preparation */
  readonly keep: boolean;
  /**
   * Free the WASM memory these weights hold (4-bit weights keep their GEMV layout resident in WASM memory after
   * the first GEMV call; a FinalizationRegistry frees it too once the object is garbage-collected) and their copies
   * in matmulAsync's workers. Using the weights afterwards raises BAD_OPTION. Idempotent.
   */
  dispose(): void;
  /** True once dispose() has run. */
  readonly disposed: boolean;
}

type WeightPlan =
  | { t: 'f32'; panels: Float32Array }
  | { t: 'scaled'; codes: Uint8Array; scales: Float32Array; zps: Int32Array | null; gpr: number; gs: number; mode: number; bits: number; lut: Float32Array;
      signedInt: boolean; bipolar: boolean; panel?: PanelOrder; q8?: Int8Array; q8res?: Pinned; planes?: Uint32Array; q4?: NibblePanels | null }
  | { t: 'block'; fmt: BlockFormat; enc: BlockEncoding; bp: BlockPlan; codes: Uint8Array; scales: Uint8Array; nb: number; kp: number; pack4: boolean; mx?: MxRows;
      q4?: NibblePanels | null };

/**
 * 4-bit weights for the GEMV kernel (assembly/gemm/gemv-f32-q4-nibble-wasmsimd.ts): np panels (np even) of
 * 8 W rows, per 4 k steps 16 bytes of two codes each; group scales f32 [np][gpr][8]; table variant: tab
 * (v = tab[code]); sub variant: codes u = q − qmin and zb i8 [np][gpr][16] (v = u − zb = q − zp).
 * Activations are pre-scaled by pre = 2^−24 / c (c: the power of two making the element values integers).
 */
interface NibblePanels {
  np: number;
  kq: number;
  gpr: number;
  /** Group length (a multiple of 4; kq for per-channel scales). */
  gl: number;
  codes: Uint8Array;
  scales: Float32Array;
  zb: Int8Array | null;
  tab: Int8Array;
  pre: number;
  /** The scales times pre, when every one is exact (then f32(c·v·2^24 · s') = f32(v · s)); null otherwise; built on first use. */
  sPre?: Float32Array | null;
  /** The panels resident in one runtime's WASM memory (pinned block; see residentNibbles). */
  res?: Resident;
}

/** A block pinned in a runtime's memory (Runtime.pin), owned by prepared weights. */
interface Pinned {
  rt: Runtime;
  ptr: number;
}

/** Nibble panels pinned in a runtime's memory: codes (+ SLACK), scales, zero-point bytes (0 if none), the 16-byte table. */
interface Resident extends Pinned {
  codes: number;
  scales: number;
  zb: number;
  tab: number;
}

/** Rows of blocks for the MX × MX kernel: element values [rows][nb·bsp] (blocks padded with zeros to bsp), scale exponents [rows][nb]. */
interface MxRows {
  vals: Float32Array;
  exps: Int32Array;
}

/** Scaled INT weights in the kernels' panel order: codes [⌈n/8⌉][k][8], scales and zero points [⌈n/8⌉][gpr][8]. */
interface PanelOrder {
  codes: Uint8Array;
  scales: Float32Array;
  zps: Int32Array | null;
}

interface GemmKernels {
  gemm_f32_f32_4x8__wasmsimd(a: number, m: number, k: number, wp: number, n: number, y: number, ldy: number): void;
  pack_f32_panels__wasmsimd(w: number, nr: number, k: number, dst: number): void;
  gemm_f32_scaled__wasmsimd(a: number, m: number, k: number, codes: number, scales: number, zps: number, gpr: number, gs: number,
    mode: number, bits: number, lut: number, n: number, y: number, ldy: number): void;
  gemm_i8_i8_4x8__wasmsimd(a16: number, m: number, kp: number, wp: number, n: number, sa: number, sw: number, d: number, y: number, ldy: number): void;
  pack_i8_rows4__wasmsimd(codes: number, m: number, k: number, kp: number, dst: number): void;
  gemm_f32_block__wasmsimd(a: number, m: number, k: number, bd: number, desc: number, lut: number, codes: number, scales: number,
    nb: number, kp: number, pack4: number, n: number, y: number, ldy: number): void;
  gemm_i8_bipolar_bitserial__wasmsimd(ap: number, m: number, wp: number, n: number, bits: number, kw: number, sa: number, sw: number, y: number, ldy: number): void;
  gemm_mx_mx_f64acc__wasmsimd(av: number, ea: number, m: number, wv: number, ew: number, n: number, nb: number, bsp: number, y: number, ldy: number): void;
  gemv_f32_q4_nibble__wasmsimd(a: number, m: number, kq: number, codes: number, scales: number, zb: number, spg: number, gpr: number,
    tab: number, np: number, y: number, ldy: number): void;
  gemm_f32_q4_nibble_panel__wasmsimd(a: number, m: number, k: number, codes: number, scales: number, zb: number, tab: number,
    kq: number, gpr: number, gl: number, n: number, y: number, ldy: number): void;
}

/**
 * Calls of at most this many rows with 4-bit weights run the GEMV kernel (group sums, the scale applied once per
 * group: gemm-ref.ts matmulQ4Ref); more rows run the panel GEMM (matmulF32SeqRef's order).
 */
export const GEMV_MAX_M = 8;

/** Largest a, W or y chunk in WASM memory, in f32 elements (8 MiB each). */
export const CHUNK_ELEMS = 1 << 21;
const SLACK = 64; // bytes read past the last code row by the 16-wide decoders
const OPTION_KEYS = new Set(['m', 'n', 'k', 'threads', 'out', 'activations']);
const WEIGHT_FORMATS = 'Float32Array [n, k]; ScaledEncoding of an INT or bipolar-INT (≤ 8-bit) or ≤ 8-bit minifloat format; BlockEncoding of a block format with blocks of a multiple of 16';

function dim(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail('BAD_SHAPE', `${name} must be a non-negative integer, got ${show(v)}`, v);
  return v;
}

function isPrepared(w: unknown): w is PreparedWeights {
  return typeof w === 'object' && w !== null && (w as PreparedWeights).kind === 'prepared' && 'plan' in w;
}

/**
 * Repack W [n, k] once into the kernels' layout (f32: panels of 8 rows; encodings: checked, ragged blocks padded).
 * 4-bit weights keep their GEMV layout resident in WASM memory from the first GEMV call until dispose() or garbage collection.
 */
export function prepareWeights(w: Float32Array | BlockEncoding | ScaledEncoding, dims: { n: number; k: number }): PreparedWeights {
  return prepared(w, dims, true);
}

/** The resident pinned blocks of prepared weights, freed when the weights are garbage-collected without dispose(). */
const unpinLater = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Pinned>((r) => r.rt.unpin(r.ptr)) : null;

/** Called with the weights on dispose() (gemm-threads.ts drops the workers' copies). */
export const disposeHooks: ((pw: PreparedWeights) => void)[] = [];

/** @internal prepareWeights, or (keep false) a per-call preparation that never pins WASM memory. */
export function prepared(w: Float32Array | BlockEncoding | ScaledEncoding, dims: { n: number; k: number }, keep: boolean): PreparedWeights {
  const { n, k, source, plan } = preparedPlan(w, dims);
  let disposed = false;
  const pw: PreparedWeights = {
    kind: 'prepared', n, k, source, plan, given: w, keep,
    get disposed() {
      return disposed;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      const q = plan.t === 'f32' ? undefined : plan.q4;
      if (q?.res) {
        unpinLater?.unregister(q);
        q.res.rt.unpin(q.res.ptr);
        q.res = undefined;
      }
      if (plan.t === 'scaled' && plan.q8res) {
        unpinLater?.unregister(plan);
        plan.q8res.rt.unpin(plan.q8res.ptr);
        plan.q8res = undefined;
      }
      for (const h of disposeHooks) h(pw);
    },
  };
  return pw;
}

function preparedPlan(w: Float32Array | BlockEncoding | ScaledEncoding, dims: { n: number; k: number }): { n: number; k: number; source: string; plan: WeightPlan } {
  if (typeof dims !== 'object' || dims === null) fail('BAD_OPTION', `prepareWeights needs { n, k }, got ${show(dims)}`, dims);
  const n = dim(dims.n, 'n');
  const k = dim(dims.k, 'k');
  if (w instanceof Float32Array) {
    if (w.length !== n * k) fail('BAD_LENGTH', `weights hold ${w.length} values; [n, k] = [${n}, ${k}] needs ${n * k}`, w.length);
    return { n, k, source: 'f32', plan: { t: 'f32', panels: packPanels(w, n, k) } };
  }
  if (typeof w !== 'object' || w === null || typeof (w as { format?: unknown }).format !== 'string')
    fail('BAD_TYPE', `weights must be a ${WEIGHT_FORMATS}; got ${show(w)}`, w);
  const f = format((w as { format: string }).format);
  if (f instanceof BlockFormat) return { n, k, source: f.id, plan: blockPlanOf(f, w as BlockEncoding, n, k) };
  return { n, k, source: f.id, plan: scaledPlanOf(f, w as ScaledEncoding, n, k) };
}

/** f32 W [n, k] → ⌈n/8⌉ panels [k][8] (rows past n zero), through the packing kernel in chunks. */
function packPanels(w: Float32Array, n: number, k: number): Float32Array {
  const np = Math.ceil(n / 8);
  const out = new Float32Array(np * 8 * k);
  if (k === 0) return out;
  const rt = runtime();
  const kx = rt.exports as unknown as GemmKernels;
  const rows = rowsPerChunk(k, 8);
  rt.scoped(() => {
    const src = rt.alloc(rows * k * 4);
    const dst = rt.alloc(rows * k * 4);
    for (let j0 = 0; j0 < n; j0 += rows) {
      const nr = Math.min(rows, n - j0);
      rt.f32(src, nr * k).set(w.subarray(j0 * k, (j0 + nr) * k));
      kx.pack_f32_panels__wasmsimd(src, nr, k, dst);
      out.set(rt.f32(dst, Math.ceil(nr / 8) * 8 * k), j0 * k);
    }
  });
  return out;
}

/** Rows of length k per chunk: a multiple of `mult`, at least `mult`, about CHUNK_ELEMS elements. */
function rowsPerChunk(k: number, mult: number): number {
  return Math.max(mult, Math.floor(CHUNK_ELEMS / Math.max(k, 1) / mult) * mult);
}

function checkEncodingShape(e: { shape: unknown; format: string }, n: number, k: number): void {
  const s = e.shape;
  if (!Array.isArray(s) || s.length !== 2 || s[0] !== n || s[1] !== k)
    fail('BAD_SHAPE', `${e.format} weights have shape ${show(s)}; matmul needs [n, k] = [${n}, ${k}]`, s);
}

function scaledPlanOf(f: ReturnType<typeof format>, e: ScaledEncoding, n: number, k: number): WeightPlan {
  checkEncodingShape(e, n, k);
  if (!(f instanceof IntFormat || f instanceof MinifloatFormat || f instanceof BipolarFormat))
    fail('FORMAT_MISMATCH', `matmul takes weights as ${WEIGHT_FORMATS}; ${f.id} is not one of them`, f.id);
  const bits = f instanceof MinifloatFormat ? minifloatLimits(f.spec).bits : f.bits;
  if (bits > 8 || !(e.codes instanceof Uint8Array))
    fail('FORMAT_MISMATCH', `matmul takes scaled weights with ≤ 8-bit codes (a Uint8Array); ${f.id} has ${bits}-bit codes`, f.id);
  if (e.codes.length !== n * k) fail('BAD_LENGTH', `${f.id} weights hold ${e.codes.length} codes; [${n}, ${k}] needs ${n * k}`, e.codes.length);
  let gpr: number, gs: number;
  if (e.granularity === 'tensor') [gpr, gs] = [1, Math.max(k, 1)];
  else if (e.granularity === 'channel' && e.axis === 0) [gpr, gs] = [1, Math.max(k, 1)];
  else if (e.granularity === 'group' && e.axis === 1 && typeof e.groupSize === 'number' && e.groupSize > 0 && k % e.groupSize === 0)
    [gpr, gs] = [k / e.groupSize, e.groupSize];
  else
    fail('BAD_SHAPE', `${f.id} weights scaled per ${show(e.granularity)} along axis ${show(e.axis)}: matmul needs per-tensor, per-channel along axis 0 (n) or per-group along axis 1 (k)`, e.axis);
  const nScales = e.granularity === 'tensor' ? 1 : n * gpr;
  if (!(e.scales instanceof Float32Array) || e.scales.length !== nScales)
    fail('BAD_LENGTH', `${f.id} weights carry ${show(e.scales)} scales; need a Float32Array of ${nScales}`, e.scales);
  if (e.zeroPoints !== null && (!(e.zeroPoints instanceof Int32Array) || e.zeroPoints.length !== nScales))
    fail('BAD_LENGTH', `${f.id} zero points ${show(e.zeroPoints)}; need null or an Int32Array of ${nScales}`, e.zeroPoints);
  if (e.zeroPoints !== null && !(f instanceof IntFormat)) fail('BAD_OPTION', `zero points given for ${f.id}`, e.zeroPoints);
  const limit = 2 ** bits;
  for (let i = 0; i < e.codes.length; i++)
    if (e.codes[i] >= limit) fail('BAD_CODE', `code ${e.codes[i]} at index ${i} does not fit ${f.id} (codes are below ${limit})`, e.codes[i]);
  // per-tensor: the one scale (and zero point) repeated per row, so the kernels see per-channel
  const scales = e.granularity === 'tensor' ? new Float32Array(n).fill(e.scales[0]) : e.scales;
  const zps = e.zeroPoints && e.granularity === 'tensor' ? new Int32Array(n).fill(e.zeroPoints[0]) : e.zeroPoints;
  const lut = new Float32Array(256);
  const lb = new Uint32Array(lut.buffer);
  for (let c = 0; c < limit; c++) {
    if (f instanceof IntFormat) lut[c] = intValueRef(f.spec, c, 0);
    else if (f instanceof BipolarFormat) lut[c] = bipolarValueRef(f.spec, c);
    else lb[c] = decodeBitsRef(f.spec, c);
  }
  const codes = new Uint8Array(n * k + SLACK);
  codes.set(e.codes);
  // INT codes with per-channel scales or even groups: the panel-order kernel path; otherwise the value table
  const mode = f instanceof IntFormat && (gpr === 1 || gs % 2 === 0) ? (f.spec.signed ? 0 : 1) : 2;
  const signedInt = f instanceof IntFormat && f.spec.signed;
  return { t: 'scaled', codes, scales, zps, gpr, gs, mode, bits, lut, signedInt, bipolar: f instanceof BipolarFormat };
}

/** Row-major codes [n][k] and per-row scales / zero points [n][gpr] → panel order (rows past n: code 0, scale 1, zero point 0). */
function toPanelOrder(codes: Uint8Array, scales: Float32Array, zps: Int32Array | null, n: number, k: number, gpr: number): PanelOrder {
  const np = Math.ceil(n / 8);
  const pc = new Uint8Array(np * 8 * k + SLACK);
  const psc = new Float32Array(np * 8 * gpr).fill(1);
  const pz = zps ? new Int32Array(np * 8 * gpr) : null;
  for (let j = 0; j < n; j++) {
    const base = (j >> 3) * 8 * k + (j & 7);
    for (let t = 0; t < k; t++) pc[base + t * 8] = codes[j * k + t];
    const sb = (j >> 3) * 8 * gpr + (j & 7);
    for (let g = 0; g < gpr; g++) {
      psc[sb + g * 8] = scales[j * gpr + g];
      if (pz) pz[sb + g * 8] = (zps as Int32Array)[j * gpr + g];
    }
  }
  return { codes: pc, scales: psc, zps: pz };
}

/**
 * Natural codes [n][k] (one per byte; `map` turns a code into the stored nibble) → the GEMV kernel's nibble
 * panels: ⌈n/16⌉·2 panels of ⌈k/4⌉ × 16 bytes (rows and steps past n and k: code 0).
 */
function nibbleCodes(nat: Uint8Array, n: number, k: number, kq: number, map: Uint8Array): { codes: Uint8Array; np: number } {
  const np = Math.ceil(n / 16) * 2, steps = kq / 4;
  const codes = new Uint8Array(np * steps * 16 + SLACK);
  for (let j = 0; j < n; j++) {
    const base = (j >> 3) * steps * 16 + (j & 7);
    for (let t = 0; t < k; t++) {
      const c = map[nat[j * k + t]];
      const at = base + (t >> 2) * 16 + (t & 1) * 8;
      codes[at] |= (t & 2) === 0 ? c : c << 4;
    }
  }
  return { codes, np };
}

/** A scaled plan's GEMV layout, or null when the kernel does not take it (not 4-bit, groups not a multiple of 4, odd values). */
function scaledNibbles(pl: Extract<WeightPlan, { t: 'scaled' }>, n: number, k: number): NibblePanels | null {
  if (pl.bits !== 4 || (pl.gpr > 1 && pl.gs % 4 !== 0)) return null;
  const vals = pl.lut.subarray(0, 16);
  const c = gemvMultiplier(vals);
  if (c === 0) return null;
  const kq = Math.ceil(k / 4) * 4, gpr = pl.gpr, gl = gpr === 1 ? kq : pl.gs;
  const map = new Uint8Array(256), tab = new Int8Array(16);
  let qmin = 0;
  if (pl.zps) {
    // sub variant (INT values, c = 1): stored u = q − qmin, zb = zp − qmin, v = u − zb = q − zp must fit an i8
    qmin = Math.min(...vals);
    for (let i = 0; i < pl.zps.length; i++) if (Math.abs(pl.zps[i] - qmin) > 112) return null;
    for (let code = 0; code < 16; code++) map[code] = vals[code] - qmin;
  } else {
    for (let code = 0; code < 16; code++) [map[code], tab[code]] = [code, vals[code] * c];
  }
  const { codes, np } = nibbleCodes(pl.codes, n, k, kq, map);
  const scales = new Float32Array(np * gpr * 8);
  const zb = pl.zps ? new Int8Array(np * gpr * 16) : null;
  for (let j = 0; j < n; j++)
    for (let g = 0; g < gpr; g++) {
      const pg = (j >> 3) * gpr + g;
      scales[pg * 8 + (j & 7)] = pl.scales[j * gpr + g];
      if (zb) zb[pg * 16 + (j & 7)] = zb[pg * 16 + 8 + (j & 7)] = (pl.zps as Int32Array)[j * gpr + g] - qmin;
    }
  return { np, kq, gpr, gl, codes, scales, zb, tab, pre: 2 ** -24 / c };
}

/** A block plan's GEMV layout (4-bit elements; the block's decode factor as an f32 scale), or null. */
function blockNibbles(pl: Extract<WeightPlan, { t: 'block' }>, n: number, k: number): NibblePanels | null {
  const f = pl.fmt;
  if (f.bits !== 4) return null;
  const vals = f.lut.subarray(0, 16);
  const c = gemvMultiplier(vals);
  if (c === 0) return null;
  const bs = f.spec.blockSize, nb = Math.ceil(k / bs), kq = nb * bs;
  const map = new Uint8Array(256), tab = new Int8Array(16);
  for (let code = 0; code < 16; code++) [map[code], tab[code]] = [code, vals[code] * c];
  const nat = unpack(pl.enc.codes, 4, n * k);
  const { codes, np } = nibbleCodes(nat, n, k, kq, map);
  const nv = f.spec.scale === 'ue4m3';
  const exp = nv ? null : expScale(f.spec);
  const factor = new Float32Array(256);
  for (let sc = 0; sc < 256; sc++)
    factor[sc] = nv ? (sc === 0x7f ? NaN : nvDecodeFactor(pl.enc.tensorScale as number, sc)) : sc === exp!.nan ? NaN : 2 ** (sc - exp!.bias);
  const scales = new Float32Array(np * nb * 8);
  for (let j = 0; j < n; j++)
    for (let b = 0; b < nb; b++) scales[((j >> 3) * nb + b) * 8 + (j & 7)] = factor[pl.enc.scales[j * nb + b]];
  return { np, kq, gpr: nb, gl: bs, codes, scales, zb: null, tab, pre: 2 ** -24 / c };
}

/** The GEMV layout of prepared weights (built on first use), or null when the GEMV kernel does not take them. */
function nibblesOf(pw: PreparedWeights): NibblePanels | null {
  const pl = pw.plan;
  if (pl.t === 'f32') return null;
  if (pl.q4 === undefined) pl.q4 = pl.t === 'scaled' ? scaledNibbles(pl, pw.n, pw.k) : blockNibbles(pl, pw.n, pw.k);
  return pl.q4;
}

/** True when a call of m rows (f32 activations) on these weights runs the GEMV kernel (docs/gemm.md). */
export function usesGemvKernel(pw: PreparedWeights, m: number): boolean {
  return m <= GEMV_MAX_M && nibblesOf(pw) !== null;
}

function blockPlanOf(f: BlockFormat, e: BlockEncoding, n: number, k: number): WeightPlan {
  const p = checkBlockPayload(f.spec, e);
  checkEncodingShape(e, n, k);
  if (p.axis !== 1) fail('BAD_SHAPE', `${f.id} weights have blocks along axis ${p.axis}; matmul needs blocks along k (axis 1)`, p.axis);
  const bs = f.spec.blockSize;
  if (bs % 16 !== 0) fail('FORMAT_MISMATCH', `${f.id} has blocks of ${bs}; matmul takes block formats whose block size is a multiple of 16`, bs);
  const kp = bs;
  const nb = p.nb;
  const pack4 = f.bits === 4 && f.decodeVariant <= 1;
  const rowCodes = nb * kp;
  let codes: Uint8Array;
  if (k === rowCodes && (pack4 || f.bits === 8)) {
    codes = new Uint8Array(e.codes.length + SLACK);
    codes.set(e.codes);
  } else {
    // ragged last blocks or codes narrower than a byte the kernel cannot read packed: one row of nb·kp codes per W row
    const nat = f.bits === 8 ? e.codes : unpack(e.codes, f.bits, n * k);
    const padded = new Uint8Array(n * rowCodes);
    for (let j = 0; j < n; j++) padded.set(nat.subarray(j * k, (j + 1) * k), j * rowCodes);
    const stored = pack4 ? pack(padded, 4) : padded;
    codes = new Uint8Array(stored.length + SLACK);
    codes.set(stored);
  }
  return { t: 'block', fmt: f, enc: e, bp: p, codes, scales: e.scales, nb, kp, pack4 };
}

/** matmul's checked arguments (shared with matmulAsync, gemm-threads.ts). */
export interface MatmulCall {
  m: number;
  n: number;
  k: number;
  /** 'f32', 'int8', or the activations' block format (MX × MX). */
  act: 'f32' | 'int8' | BlockFormat;
  threads: number | undefined;
  pw: PreparedWeights;
  /** y [m][j1 − j0]: the columns [j0, j1) of the product (matmulAsync's GEMV split; else [0, n)). */
  y: Float32Array;
  j0: number;
  j1: number;
  /** Run 4-bit weights on the GEMV kernel: m ≤ GEMV_MAX_M of the whole call (a worker's share of rows keeps the caller's choice). */
  gemv: boolean;
}

/** Check matmul's arguments (typed errors before any work) and prepare the weights. */
export function checkMatmul(a: Float32Array, w: Float32Array | BlockEncoding | ScaledEncoding | PreparedWeights, opts: MatmulOptions): MatmulCall {
  if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `matmul needs options { m, n, k }, got ${show(opts)}`, opts);
  for (const key of Object.keys(opts)) if (!OPTION_KEYS.has(key)) fail('BAD_OPTION', `unknown matmul option ${show(key)}; options are ${[...OPTION_KEYS].join(', ')}`, key);
  const m = dim(opts.m, 'm');
  const n = dim(opts.n, 'n');
  const k = dim(opts.k, 'k');
  if (opts.threads !== undefined && (typeof opts.threads !== 'number' || !Number.isSafeInteger(opts.threads) || opts.threads < 1))
    fail('BAD_OPTION', `threads must be a positive integer, got ${show(opts.threads)}`, opts.threads);
  const act = activationsOf(opts.activations);
  if (!(a instanceof Float32Array)) fail('BAD_TYPE', `a must be a Float32Array, got ${show(a)}`, a);
  if (a.length !== m * k) fail('BAD_LENGTH', `a holds ${a.length} values; [m, k] = [${m}, ${k}] needs ${m * k}`, a.length);
  const out = opts.out;
  if (out !== undefined && !(out instanceof Float32Array)) fail('BAD_TYPE', `out must be a Float32Array, got ${show(out)}`, out);
  if (out !== undefined && out.length !== m * n) fail('BAD_LENGTH', `out holds ${out.length} values; [m, n] = [${m}, ${n}] needs ${m * n}`, out.length);
  let pw: PreparedWeights;
  if (isPrepared(w)) {
    if (w.disposed) fail('BAD_OPTION', `prepared weights [${w.n}, ${w.k}] (${w.source}) were disposed; prepare them again`, w.source);
    if (w.n !== n || w.k !== k) fail('BAD_SHAPE', `prepared weights are [${w.n}, ${w.k}]; matmul needs [n, k] = [${n}, ${k}]`, [w.n, w.k]);
    pw = w;
  } else if (w instanceof Float32Array && w.length !== n * k) {
    fail('BAD_LENGTH', `weights hold ${w.length} values; [n, k] = [${n}, ${k}] needs ${n * k}`, w.length);
  } else pw = prepared(w, { n, k }, false);
  return { m, n, k, act, threads: opts.threads, pw: pw!, y: out ?? new Float32Array(m * n), j0: 0, j1: n, gemv: m <= GEMV_MAX_M };
}

/** The work of matmul once checked, on this thread. */
export function matmulChecked(a: Float32Array, c: MatmulCall): Float32Array {
  const { m, n, k, y, pw } = c;
  if (m === 0 || n === 0 || c.j1 === c.j0) return y;
  if (k === 0) return y.fill(0);
  const whole = c.j0 === 0 && c.j1 === n;
  if (!whole && c.act !== 'f32') fail('BAD_OPTION', `a column range [${c.j0}, ${c.j1}) needs f32 activations`, [c.j0, c.j1]);
  if (c.act === 'int8') runInt8(runtime(), a, pw, m, n, k, y);
  else if (c.act instanceof BlockFormat) runMx(runtime(), a, c.act, pw, m, n, k, y);
  else if (c.gemv && nibblesOf(pw)) runGemv(runtime(), a, pw, nibblesOf(pw)!, m, k, y, c.j0, c.j1);
  else if (panelNibbles(pw)) runNibblePanels(runtime(), a, panelNibbles(pw)!, m, k, y, c.j0, c.j1);
  else run(runtime(), a, pw, m, n, k, y, c.j0, c.j1);
  return y;
}

/**
 * y = a · Wᵀ: a [m, k], W [n, k] (f32, an encoding, or prepareWeights' result), y [m, n], all row-major f32.
 * Synchronous, on the calling thread whatever `threads` says; matmulAsync (gemm-threads.ts) runs on workers.
 */
export function matmul(a: Float32Array, w: Float32Array | BlockEncoding | ScaledEncoding | PreparedWeights, opts: MatmulOptions): Float32Array {
  return matmulChecked(a, checkMatmul(a, w, opts));
}

/** Columns [lo, hi) of y = a · Wᵀ into y [m][hi − lo] (lo a multiple of 8) on the panel GEMM kernels. */
function run(rt: Runtime, a: Float32Array, pw: PreparedWeights, m: number, n: number, k: number, y: Float32Array, lo: number, hi: number): void {
  const kx = rt.exports as unknown as GemmKernels;
  const pl = pw.plan;
  const nw = Math.min(Math.ceil((hi - lo) / 32) * 32, rowsPerChunk(k, 32)); // W rows per chunk
  const ma = Math.min(m, Math.max(1, Math.floor(CHUNK_ELEMS / k)), Math.max(1, Math.floor(CHUNK_ELEMS / nw))); // a rows per chunk
  rt.scoped(() => {
    const pa = rt.alloc(ma * k * 4);
    const py = rt.alloc(ma * nw * 4);
    let pwBuf = 0, ps = 0, pz = 0, plut = 0;
    if (pl.t === 'f32') pwBuf = rt.alloc(nw * k * 4);
    else if (pl.t === 'scaled') {
      pwBuf = rt.alloc(nw * k + SLACK);
      ps = rt.alloc(nw * pl.gpr * 4);
      if (pl.zps) pz = rt.alloc(nw * pl.gpr * 4);
      plut = rt.alloc(256 * 4);
      rt.f32(plut, 256).set(pl.lut);
    } else {
      const rowBytes = pl.pack4 ? (pl.nb * pl.kp) / 2 : pl.nb * pl.kp;
      pwBuf = rt.alloc(nw * rowBytes + SLACK);
      ps = rt.alloc(nw * pl.nb);
      plut = rt.alloc(pl.fmt.lut.length * 4);
      rt.f32(plut, pl.fmt.lut.length).set(pl.fmt.lut);
    }
    const aOnce = ma === m;
    if (aOnce) rt.f32(pa, m * k).set(a);
    for (let j0 = lo; j0 < hi; j0 += nw) {
      const nr = Math.min(nw, hi - j0);
      // this chunk's W rows into WASM memory
      if (pl.t === 'f32') rt.f32(pwBuf, Math.ceil(nr / 8) * 8 * k).set(pl.panels.subarray(j0 * k, (j0 + Math.ceil(nr / 8) * 8) * k));
      else if (pl.t === 'scaled') {
        // panel order (mode 0 / 1): whole panels of 8 rows, the last one padded
        const src = pl.mode < 2 ? (pl.panel ??= toPanelOrder(pl.codes, pl.scales, pl.zps, n, k, pl.gpr)) : pl;
        const rows = pl.mode < 2 ? Math.ceil(nr / 8) * 8 : nr;
        rt.u8(pwBuf, rows * k + SLACK).set(src.codes.subarray(j0 * k, (j0 + rows) * k + SLACK));
        rt.f32(ps, rows * pl.gpr).set(src.scales.subarray(j0 * pl.gpr, (j0 + rows) * pl.gpr));
        if (src.zps) rt.i32(pz, rows * pl.gpr).set(src.zps.subarray(j0 * pl.gpr, (j0 + rows) * pl.gpr));
      } else {
        const rowBytes = pl.pack4 ? (pl.nb * pl.kp) / 2 : pl.nb * pl.kp;
        rt.u8(pwBuf, nr * rowBytes + SLACK).set(pl.codes.subarray(j0 * rowBytes, (j0 + nr) * rowBytes + SLACK));
        rt.u8(ps, nr * pl.nb).set(pl.scales.subarray(j0 * pl.nb, (j0 + nr) * pl.nb));
      }
      for (let i0 = 0; i0 < m; i0 += ma) {
        const mr = Math.min(ma, m - i0);
        if (!aOnce) rt.f32(pa, mr * k).set(a.subarray(i0 * k, (i0 + mr) * k));
        if (pl.t === 'f32') kx.gemm_f32_f32_4x8__wasmsimd(pa, mr, k, pwBuf, nr, py, nr);
        else if (pl.t === 'scaled') kx.gemm_f32_scaled__wasmsimd(pa, mr, k, pwBuf, ps, pz, pl.gpr, pl.gs, pl.mode, pl.bits, plut, nr, py, nr);
        else {
          // descriptors live in fixed slots: written right before the call
          const bd = pl.fmt.blockDescriptor(rt, null, pl.bp, pl.fmt.spec.scaleRule, pl.enc, pl.pack4);
          const desc = pl.fmt.elementDescriptor(rt);
          kx.gemm_f32_block__wasmsimd(pa, mr, k, bd, desc, plut, pwBuf, ps, pl.nb, pl.kp, pl.pack4 ? 1 : 0, nr, py, nr);
        }
        storeY(y, rt.f32(py, mr * nr), i0, j0 - lo, mr, nr, hi - lo);
      }
    }
  });
}

/**
 * The nibble panels resident in rt's memory, pinned (and filled) on first use: prepareWeights' weights only, and
 * only when the runtime can pin (its arena empty); null otherwise (the caller copies per call). A block pinned in
 * another runtime (another ISA) stays there: this runtime copies.
 */
function residentNibbles(rt: Runtime, pw: PreparedWeights, q: NibblePanels): Resident | null {
  if (q.res) return q.res.rt === rt ? q.res : null;
  const cb = q.np * q.kq * 4 + SLACK, sb = q.np * q.gpr * 32, zbb = q.zb ? q.np * q.gpr * 16 : 0;
  const at = (x: number) => Math.ceil(x / 64) * 64;
  const ptr = pinFor(rt, pw, at(cb) + at(sb) + at(zbb) + 64);
  if (ptr < 0) return null;
  const r: Resident = { rt, ptr, codes: ptr, scales: ptr + at(cb), zb: q.zb ? ptr + at(cb) + at(sb) : 0, tab: ptr + at(cb) + at(sb) + at(zbb) };
  rt.u8(r.codes, cb).fill(0).set(q.codes);
  rt.f32(r.scales, q.np * q.gpr * 8).set(q.scales);
  if (q.zb) rt.u8(r.zb, zbb).set(new Uint8Array(q.zb.buffer, q.zb.byteOffset, zbb));
  rt.u8(r.tab, 16).set(new Uint8Array(q.tab.buffer, q.tab.byteOffset, 16));
  q.res = r;
  unpinLater?.register(pw, r, q);
  return r;
}

/** A pinned block of `bytes` for prepareWeights' weights in rt; −1 for per-call preparations or when rt cannot pin (the caller copies). */
function pinFor(rt: Runtime, pw: PreparedWeights, bytes: number): number {
  if (!pw.keep) return -1;
  try {
    return rt.pin(bytes);
  } catch {
    return -1; // no room to pin: copy per call
  }
}

/**
 * Columns [lo, hi) of y (lo a multiple of 16) on the GEMV kernel: a pre-scaled by 2^−24 / c and padded to kq;
 * W's nibble panels streamed in place when resident (residentNibbles), else copied in chunks of about
 * 4·CHUNK_ELEMS code bytes.
 */
function runGemv(rt: Runtime, a: Float32Array, pw: PreparedWeights, q: NibblePanels, m: number, k: number, y: Float32Array, lo: number, hi: number): void {
  const kx = rt.exports as unknown as GemmKernels;
  const { kq, gpr } = q;
  const res = residentNibbles(rt, pw, q);
  const pbytes = kq * 4; // code bytes per panel
  const pc = Math.max(2, Math.floor((CHUNK_ELEMS * 4) / pbytes / 2) * 2); // panels per chunk (even)
  const p0 = lo / 8, p1 = Math.ceil(hi / 16) * 2;
  const w = hi - lo;
  rt.scoped(() => {
    const pa = rt.alloc(m * kq * 4);
    const py = rt.alloc(m * pc * 32);
    let pcodes = 0, ps = 0, pz = 0, pt = 0;
    if (res) pt = res.tab;
    else {
      pcodes = rt.alloc(pc * pbytes + SLACK);
      ps = rt.alloc(pc * gpr * 32);
      pz = q.zb ? rt.alloc(pc * gpr * 16) : 0;
      pt = rt.alloc(16);
      rt.u8(pt, 16).set(new Uint8Array(q.tab.buffer, q.tab.byteOffset, 16));
    }
    const av = rt.f32(pa, m * kq).fill(0);
    for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) av[i * kq + t] = a[i * k + t] * q.pre;
    for (let c0 = p0; c0 < p1; c0 += pc) {
      const np = Math.min(pc, p1 - c0);
      if (res) {
        // in place: this chunk's panels inside the resident block
        pcodes = res.codes + c0 * pbytes;
        ps = res.scales + c0 * gpr * 32;
        pz = q.zb ? res.zb + c0 * gpr * 16 : 0;
      } else {
        rt.u8(pcodes, np * pbytes).set(q.codes.subarray(c0 * pbytes, (c0 + np) * pbytes));
        rt.f32(ps, np * gpr * 8).set(q.scales.subarray(c0 * gpr * 8, (c0 + np) * gpr * 8));
        if (q.zb) rt.u8(pz, np * gpr * 16).set(new Uint8Array(q.zb.buffer, c0 * gpr * 16, np * gpr * 16));
      }
      kx.gemv_f32_q4_nibble__wasmsimd(pa, m, kq, pcodes, ps, pz, q.gl / 4, gpr, pt, np, py, np * 8);
      const j0 = c0 * 8, nr = Math.min(np * 8, hi - j0);
      storeY(y, rt.f32(py, m * np * 8).subarray(0, m * np * 8), 0, j0 - lo, m, nr, w, np * 8);
    }
  });
}

/**
 * 4-bit weights the panel GEMM decodes from nibble panels (m above GEMV_MAX_M): block formats and value-table
 * scaled formats (whose own paths decode row by row and transpose), when every scale times 2^−24 / c is exact
 * (the decoded weights are then the decoder's, bit for bit). INT weights with their panel-order path: null.
 */
function panelNibbles(pw: PreparedWeights): NibblePanels | null {
  const pl = pw.plan;
  if (pl.t === 'f32' || (pl.t === 'scaled' && pl.mode < 2)) return null;
  const q = nibblesOf(pw);
  if (!q) return null;
  if (q.sPre === undefined) {
    const sp = new Float32Array(q.scales.length);
    let exact = true;
    for (let i = 0; i < sp.length && exact; i++) {
      sp[i] = q.scales[i] * q.pre;
      exact = Object.is(sp[i] / q.pre, q.scales[i]) || Number.isNaN(q.scales[i]);
    }
    q.sPre = exact ? sp : null;
  }
  return q.sPre ? q : null;
}

/** Columns [lo, hi) of y (lo a multiple of 16) on the panel GEMM, W decoded from nibble panels per k chunk. */
function runNibblePanels(rt: Runtime, a: Float32Array, q: NibblePanels, m: number, k: number, y: Float32Array, lo: number, hi: number): void {
  const kx = rt.exports as unknown as GemmKernels;
  const { kq, gpr } = q;
  const pbytes = kq * 4; // code bytes per panel
  const nw = Math.min(Math.ceil((hi - lo) / 32) * 32, Math.max(32, Math.floor((CHUNK_ELEMS * 4) / pbytes / 4) * 32)); // W rows per chunk
  const ma = Math.min(m, Math.max(1, Math.floor(CHUNK_ELEMS / k)), Math.max(1, Math.floor(CHUNK_ELEMS / nw)));
  rt.scoped(() => {
    const pa = rt.alloc(ma * k * 4), py = rt.alloc(ma * nw * 4);
    const pcodes = rt.alloc((nw / 8) * pbytes + SLACK), ps = rt.alloc((nw / 8) * gpr * 32);
    const pz = q.zb ? rt.alloc((nw / 8) * gpr * 16) : 0;
    const pt = rt.alloc(16);
    rt.u8(pt, 16).set(new Uint8Array(q.tab.buffer, q.tab.byteOffset, 16));
    const aOnce = ma === m;
    if (aOnce) rt.f32(pa, m * k).set(a);
    for (let j0 = lo; j0 < hi; j0 += nw) {
      const nr = Math.min(nw, hi - j0), p0 = j0 / 8, np = Math.min(Math.ceil(nr / 8), q.np - p0);
      rt.u8(pcodes, np * pbytes).set(q.codes.subarray(p0 * pbytes, (p0 + np) * pbytes));
      rt.f32(ps, np * gpr * 8).set((q.sPre as Float32Array).subarray(p0 * gpr * 8, (p0 + np) * gpr * 8));
      if (q.zb) rt.u8(pz, np * gpr * 16).set(new Uint8Array(q.zb.buffer, p0 * gpr * 16, np * gpr * 16));
      for (let i0 = 0; i0 < m; i0 += ma) {
        const mr = Math.min(ma, m - i0);
        if (!aOnce) rt.f32(pa, mr * k).set(a.subarray(i0 * k, (i0 + mr) * k));
        kx.gemm_f32_q4_nibble_panel__wasmsimd(pa, mr, k, pcodes, ps, pz, pt, kq, gpr, q.gl, nr, py, nr);
        storeY(y, rt.f32(py, mr * nr), i0, j0 - lo, mr, nr, hi - lo);
      }
    }
  });
}

const ACTIVATIONS = "'f32', 'int8', or a block format id with a power-of-two scale and ≤ 8-bit elements ('mxfp8_e4m3', 'mxint8', 'mxfp4', 'bfp12', …)";

function activationsOf(v: unknown): 'f32' | 'int8' | BlockFormat {
  if (v === undefined || v === 'f32') return 'f32';
  if (v === 'int8') return 'int8';
  let f: unknown = null;
  if (typeof v === 'string')
    try {
      f = format(v);
    } catch {
      f = null;
    }
  if (!(f instanceof BlockFormat) || !mxCapable(f)) fail('BAD_OPTION', `activations ${show(v)} not supported; supported: ${ACTIVATIONS}`, v);
  return f;
}

/** A block format the MX × MX kernel takes: power-of-two scale (E8M0 or a BFP exponent), no tensor scale, ≤ 8-bit elements. */
function mxCapable(f: BlockFormat): boolean {
  return f.spec.scale !== 'ue4m3' && f.spec.tensorScale === 'none' && f.bits <= 8;
}

/** Block rows (codes in natural order, one row of k per W / a row) → element values and scale exponents for the MX × MX kernel. */
export function mxRows(f: BlockFormat, codes: Uint8Array, scales: Uint8Array, rows: number, k: number): MxRows {
  const bs = f.spec.blockSize, bsp = Math.ceil(bs / 4) * 4, nb = Math.ceil(k / bs);
  const nat = f.bits === 8 ? codes : unpack(codes, f.bits, rows * k);
  const { bias, nan } = expScale(f.spec);
  const vals = new Float32Array(rows * nb * bsp);
  const exps = new Int32Array(rows * nb);
  const lut = f.lut;
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < k; t++) {
      const b = Math.floor(t / bs);
      vals[(r * nb + b) * bsp + (t - b * bs)] = lut[nat[r * k + t]];
    }
    for (let b = 0; b < nb; b++) {
      const c = scales[r * nb + b];
      exps[r * nb + b] = c === nan ? MX_NAN_E : c - bias;
    }
  }
  return { vals, exps };
}

/** The kernel's exponent of a NaN scale (assembly/gemm/gemm-mx-mx-f64acc-wasmsimd.ts NAN_E). */
const MX_NAN_E = 0x4000;

function runMx(rt: Runtime, a: Float32Array, fa: BlockFormat, pw: PreparedWeights, m: number, n: number, k: number, y: Float32Array): void {
  const pl = pw.plan;
  if (pl.t !== 'block' || !mxCapable(pl.fmt) || pl.fmt.spec.blockSize !== fa.spec.blockSize)
    fail('FORMAT_MISMATCH', `activations ${show(fa.id)} take weights as a BlockEncoding of a block format with a power-of-two scale, ≤ 8-bit elements and blocks of ${fa.spec.blockSize} along k; got ${pw.source}${pl.t === 'block' ? ` (blocks of ${pl.fmt.spec.blockSize})` : ''}`, pw.source);
  const bs = fa.spec.blockSize, bsp = Math.ceil(bs / 4) * 4, nb = Math.ceil(k / bs), kp = nb * bsp;
  const wm = (pl.mx ??= mxRows(pl.fmt, pl.enc.codes, pl.enc.scales, n, k));
  const kx = rt.exports as unknown as GemmKernels;
  const nw = Math.min(n, Math.max(1, Math.floor(CHUNK_ELEMS / kp)));
  const ma = Math.min(m, Math.max(1, Math.floor(CHUNK_ELEMS / kp)), Math.max(1, Math.floor(CHUNK_ELEMS / nw)));
  rt.scoped(() => {
    const pav = rt.alloc(ma * kp * 4), pea = rt.alloc(ma * nb * 4), pwv = rt.alloc(nw * kp * 4), pew = rt.alloc(nw * nb * 4), py = rt.alloc(ma * nw * 4);
    for (let i0 = 0; i0 < m; i0 += ma) {
      const mr = Math.min(ma, m - i0);
      // this chunk of a, encoded along k by the activations' block codec
      const ea = fa.encode(a.subarray(i0 * k, (i0 + mr) * k), { shape: [mr, k] });
      const am = mxRows(fa, ea.codes, ea.scales, mr, k);
      rt.f32(pav, mr * kp).set(am.vals);
      rt.i32(pea, mr * nb).set(am.exps);
      for (let j0 = 0; j0 < n; j0 += nw) {
        const nr = Math.min(nw, n - j0);
        rt.f32(pwv, nr * kp).set(wm.vals.subarray(j0 * kp, (j0 + nr) * kp));
        rt.i32(pew, nr * nb).set(wm.exps.subarray(j0 * nb, (j0 + nr) * nb));
        kx.gemm_mx_mx_f64acc__wasmsimd(pav, pea, mr, pwv, pew, nr, nb, bsp, py, nr);
        storeY(y, rt.f32(py, mr * nr), i0, j0, mr, nr, n);
      }
    }
  });
}

/**
 * Rows of `bits`-bit codes (one per byte, row length k) → bit-planes along k: [rows][bits][kw] 64-bit words
 * (as pairs of u32, little-endian: bit t of a plane is code t's bit), kw = ⌈k/64⌉, padding zero.
 */
export function bitPlanes(codes: Uint8Array, rows: number, k: number, bits: number): Uint32Array {
  const kw = Math.ceil(k / 64), out = new Uint32Array(rows * bits * kw * 2);
  for (let r = 0; r < rows; r++)
    for (let t = 0; t < k; t++) {
      const c = codes[r * k + t];
      if (c === 0) continue;
      const word = t >>> 5, bit = 1 << (t & 31);
      for (let i = 0; i < bits; i++) if ((c >>> i) & 1) out[(r * bits + i) * kw * 2 + word] |= bit;
    }
  return out;
}

/** int8 activations × bipolar-INT weights: the bit-serial kernel (exact i64 sums), the int8 path's epilogue. */
function runBitSerial(rt: Runtime, a: Float32Array, pw: PreparedWeights, m: number, n: number, k: number, y: Float32Array): void {
  const pl = pw.plan as Extract<WeightPlan, { t: 'scaled' }>;
  if (pl.gpr !== 1)
    fail('FORMAT_MISMATCH', `activations 'int8' take bipolar-INT weights (${pw.source}) with per-channel or per-tensor scales; got group scales`, pw.source);
  const kw = Math.ceil(k / 64), B = pl.bits;
  const wPlanes = (pl.planes ??= bitPlanes(pl.codes, n, k, B));
  const qa = format('int8').encodeScaled(a, { shape: [m, k], axis: 0, granularity: 'channel' });
  const kx = rt.exports as unknown as GemmKernels;
  const rowW = B * kw * 2, rowA = 8 * kw * 2; // u32 per W / a row
  const nw = Math.min(n, Math.max(1, Math.floor(CHUNK_ELEMS / rowW)));
  const ma = Math.min(m, Math.max(1, Math.floor(CHUNK_ELEMS / rowA)), Math.max(1, Math.floor(CHUNK_ELEMS / nw)));
  rt.scoped(() => {
    const pa = rt.alloc(ma * rowA * 4), pq = rt.alloc(nw * rowW * 4), psa = rt.alloc(ma * 4), psw = rt.alloc(nw * 4), py = rt.alloc(ma * nw * 4);
    for (let i0 = 0; i0 < m; i0 += ma) {
      const mr = Math.min(ma, m - i0);
      rt.u32(pa, mr * rowA).set(bitPlanes((qa.codes as Uint8Array).subarray(i0 * k, (i0 + mr) * k), mr, k, 8));
      rt.f32(psa, mr).set(qa.scales.subarray(i0, i0 + mr));
      for (let j0 = 0; j0 < n; j0 += nw) {
        const nr = Math.min(nw, n - j0);
        rt.u32(pq, nr * rowW).set(wPlanes.subarray(j0 * rowW, (j0 + nr) * rowW));
        rt.f32(psw, nr).set(pl.scales.subarray(j0, j0 + nr));
        kx.gemm_i8_bipolar_bitserial__wasmsimd(pa, mr, pq, nr, B, kw, psa, psw, py, nr);
        storeY(y, rt.f32(py, mr * nr), i0, j0, mr, nr, n);
      }
    }
  });
}

/** A chunk's results yv [mr][ld] (ld ≥ nr; default nr) into y [·][n] at row i0, column j0. */
function storeY(y: Float32Array, yv: Float32Array, i0: number, j0: number, mr: number, nr: number, n: number, ld = nr): void {
  if (nr === n && ld === nr) y.set(yv, i0 * n);
  else for (let i = 0; i < mr; i++) y.set(yv.subarray(i * ld, i * ld + nr), (i0 + i) * n + j0);
}

/** Largest k of the int8 path: |d| ≤ k · 128 · 128 stays below 2^31. */
export const INT8_MAX_K = 2 ** 17 - 1;

/**
 * Rows of b-bit two's-complement codes (one per byte, row length k) → the int8 kernel's W panels
 * (assembly/gemm/gemm-i8-i8-4x8-wasmsimd.ts): [⌈rows/8⌉][kp/2][8][2] int8, zero past k and past the last row.
 */
function int8Panels(codes: Uint8Array, rows: number, k: number, kp: number, bits: number): Int8Array {
  const out = new Int8Array(Math.ceil(rows / 8) * kp * 8);
  const sh = 32 - bits;
  for (let j = 0; j < rows; j++) {
    const o = (j >> 3) * kp * 8 + (j & 7) * 2;
    for (let t = 0; t < k; t++) out[o + (t >> 1) * 16 + (t & 1)] = (codes[j * k + t] << sh) >> sh;
  }
  return out;
}

function runInt8(rt: Runtime, a: Float32Array, pw: PreparedWeights, m: number, n: number, k: number, y: Float32Array): void {
  const pl = pw.plan;
  if (pl.t === 'scaled' && pl.bipolar) return runBitSerial(rt, a, pw, m, n, k, y);
  if (pl.t !== 'scaled' || !pl.signedInt || pl.gpr !== 1 || pl.zps)
    fail('FORMAT_MISMATCH', `activations 'int8' take weights as a ScaledEncoding of a signed INT format (int8, int4, …) or a bipolar-INT format (bipolar{B}) with per-channel or per-tensor scales and no zero points; got ${pw.source}${pl.t === 'scaled' && pl.gpr !== 1 ? ' with group scales' : pl.t === 'scaled' && pl.zps ? ' with zero points' : ''}`, pw.source);
  if (k > INT8_MAX_K) fail('BAD_SHAPE', `activations 'int8' need k ≤ ${INT8_MAX_K} (exact int32 sums), got ${k}`, k);
  const kp = Math.ceil(k / 8) * 8;
  const q8 = (pl.q8 ??= int8Panels(pl.codes, n, k, kp, pl.bits));
  // prepared weights: the panels pinned once and used in place (as the GEMV's nibble panels)
  if (!pl.q8res) {
    const ptr = pinFor(rt, pw, q8.length);
    if (ptr >= 0) {
      rt.u8(ptr, q8.length).set(new Uint8Array(q8.buffer, q8.byteOffset, q8.length));
      pl.q8res = { rt, ptr };
      unpinLater?.register(pw, pl.q8res, pl);
    }
  }
  const res = pl.q8res?.rt === rt ? pl.q8res : null;
  const qa = format('int8').encodeScaled(a, { shape: [m, k], axis: 0, granularity: 'channel' });
  const codes = qa.codes as Uint8Array;
  const kx = rt.exports as unknown as GemmKernels;
  // W rows per chunk: a multiple of 8 (whole panels); rows of a: a multiple of 4 (the kernel pads to 4 with zero rows)
  const nw = Math.min(Math.ceil(n / 8) * 8, Math.max(8, Math.floor(CHUNK_ELEMS / kp / 8) * 8));
  const ma = Math.min(Math.ceil(m / 4) * 4, Math.max(4, Math.floor(CHUNK_ELEMS / kp / 8) * 4), Math.max(4, Math.floor(CHUNK_ELEMS / nw / 4) * 4));
  rt.scoped(() => {
    const pa = rt.alloc(ma * kp * 2), pc = rt.alloc(ma * k), pq = res ? 0 : rt.alloc(nw * kp), psa = rt.alloc(ma * 4), psw = rt.alloc(nw * 4);
    const pd = rt.alloc(ma * nw * 4), py = rt.alloc(ma * nw * 4);
    // a's rows into the kernel's panels of 4 rows (int16, padded with zeros): once per call when they fit one chunk
    const packA = (i0: number, mr: number) => {
      rt.u8(pc, mr * k).set(codes.subarray(i0 * k, (i0 + mr) * k));
      kx.pack_i8_rows4__wasmsimd(pc, mr, k, kp, pa);
      rt.f32(psa, mr).set(qa.scales.subarray(i0, i0 + mr));
    };
    const aOnce = ma >= m;
    if (aOnce) packA(0, m);
    for (let j0 = 0; j0 < n; j0 += nw) {
      const nr = Math.min(nw, n - j0);
      const pq8 = res ? res.ptr + j0 * kp : pq;
      if (!res) rt.u8(pq, Math.ceil(nr / 8) * 8 * kp).set(new Uint8Array(q8.buffer, j0 * kp, Math.ceil(nr / 8) * 8 * kp));
      rt.f32(psw, nr).set(pl.scales.subarray(j0, j0 + nr));
      for (let i0 = 0; i0 < m; i0 += ma) {
        const mr = Math.min(ma, m - i0);
        if (!aOnce) packA(i0, mr);
        kx.gemm_i8_i8_4x8__wasmsimd(pa, mr, kp, pq8, nr, psa, psw, pd, py, nr);
        storeY(y, rt.f32(py, mr * nr), i0, j0, mr, nr, n);
      }
    }
  });
}
