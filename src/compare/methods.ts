/**
 * Method formats of `numlab compare`: quantization methods that are not registry rows (each picks
 * its own grid or type per tensor, channel or group), parsed by parseFormatSpec beside registry ids
 * and measured with the same metrics. Storage bits count codes, scales and every piece of per-slot
 * metadata the decoder needs.
 *
 *   nupes<b>[@tensor|@channel]   NUPES power-exponent INT (src/ptq/nupes.ts), data-free exponent search
 *   bitmod3|bitmod4[@gN|@channel] BitMoD per-group data type mixture (src/ptq/bitmod.ts), default g128
 *   olive4|olive8[@tensor|@channel] OliVe outlier-victim pairs (src/ptq/olive.ts), int/flint by MSE
 *
 * The block-format transform `@sorted` (channel rearrangement, src/ptq/rearrange.ts) lives here too.
 */
import { fail, show } from '../errors.js';
import { f16ToF32 } from '../io/half.js';
import { BITMOD_TYPES, bitmod, typeBits, type BitmodBits } from '../ptq/bitmod.js';
import { nupesDecode, nupesSearch } from '../ptq/nupes.js';
import { methodId, type MethodFamily } from '../ptq/method-ids.js';
import { olive } from '../ptq/olive.js';
import { oliveGrid } from '../ptq/olive-grids.js';
import { inversePermutation, permuteChannels, rearrangeChannels } from '../ptq/rearrange.js';
import { clipBounds, extremeCodes } from './clip.js';

export type MethodGranularity = 'tensor' | 'channel' | { group: number };

/** What a method returns for measure(): x̂ and its cost; hi/lo null when clipping is not defined for it. */
export interface MethodQuantized {
  xhat: Float32Array;
  /** Per element: x above hi or below lo was clipped (saturated); null = not defined (clipped reported as null). */
  hi: Float32Array | null;
  lo: Float32Array | null;
  storageBits: number;
  bytes: number;
  granularity: string;
}

export interface MethodDef {
  /** Family name (`nupes`, `bitmod`). */
  family: MethodFamily;
  /** Help text: the spec syntax. */
  syntax: string;
  describe: string;
  /** Granularity from the spec's options (already parsed words) and the run's default; fails on what the method cannot do. */
  granularity(given: MethodGranularity | undefined, dflt: MethodGranularity, text: string): MethodGranularity;
  quantize(x: Float32Array, shape: number[], bits: number, g: MethodGranularity, text: string): MethodQuantized;
}

/** Canonical text of a method's granularity option (`channel`, `group:128`). */
export const methodOptionText = (g: MethodGranularity): string => (typeof g === 'object' ? `group:${g.group}` : g);

/** Granularity label of a row: 1-D tensors have no channels. */
function label(g: MethodGranularity, rank: number): string {
  return typeof g === 'object' ? `group:${g.group}` : rank < 2 ? 'tensor' : g;
}

/** Granularity rule of per-tensor / per-channel methods: the run's default when it is one of those, else channel. */
function tensorOrChannel(family: string): MethodDef['granularity'] {
  return (given, dflt, text) => {
    if (given !== undefined && typeof given === 'object') fail('BAD_OPTION', `${show(text)}: ${family} takes @tensor or @channel, not groups`, text);
    return given ?? (typeof dflt === 'object' ? 'channel' : dflt);
  };
}

const nupesMethod: MethodDef = {
  family: 'nupes',
  syntax: 'nupes<b>[@tensor|@channel]',
  describe: 'NUPES power companding sign(x)|x|^a on a symmetric b-bit INT grid (b 2..16), exponent a by the data-free MSE search; per channel by default',
  granularity: tensorOrChannel('nupes'),
  quantize(x, shape, bits, g) {
    const granularity = g === 'channel' && shape.length >= 2 ? 'channel' : 'tensor';
    const enc = nupesSearch(x, { bits, shape, axis: 0, granularity });
    const n = x.length;
    const { hi, lo } = clipBounds((code) => {
      const codes = enc.int.codes instanceof Uint16Array ? new Uint16Array(n).fill(code) : new Uint8Array(n).fill(code);
      return nupesDecode({ ...enc, int: { ...enc.int, codes } });
    }, extremeCodes(`int${bits}`));
    // f32 scale and f32 exponent per slot.
    const slots = enc.scales.length + enc.a.length;
    return {
      xhat: enc.weight, hi, lo,
      storageBits: n * bits + 32 * slots,
      bytes: Math.ceil((n * bits) / 8) + 4 * slots,
      granularity: label(g, shape.length),
    };
  },
};

const bitmodMethod: MethodDef = {
  family: 'bitmod',
  syntax: 'bitmod3|bitmod4[@gN|@channel]',
  describe: 'BitMoD: per group the min-MSE type of FP3/FP4 with an extra value (ER ±3/±10, EA ±6/±16), FP16 scale and 2 type bits per group; default g128, @channel = one group per row',
  granularity(given, _dflt, text) {
    if (given === 'tensor') fail('BAD_OPTION', `${show(text)}: bitmod groups run along rows: @gN or @channel (one group per row), not @tensor`, text);
    return given ?? { group: 128 };
  },
  quantize(x, shape, bits, g, text) {
    const cols = shape.length === 0 ? 1 : shape[shape.length - 1];
    const rows = cols === 0 ? 0 : x.length / cols;
    if (typeof g === 'object' && cols % g.group !== 0)
      fail('BAD_OPTION', `${show(text)}: group size ${g.group} does not divide the last dimension ${cols} of shape ${show(shape)}`, text);
    const enc = bitmod(x, { shape: [rows, cols], bits: bits as BitmodBits, groupSize: typeof g === 'object' ? g.group : -1 });
    const G = enc.groupSize;
    const hi = new Float32Array(x.length);
    const lo = new Float32Array(x.length);
    for (let grp = 0; grp < enc.types.length; grp++) {
      const v = BITMOD_TYPES[enc.bits][enc.types[grp]].values;
      const s = f16ToF32(enc.scales[grp]);
      const m = v.length - 1;
      // Beyond the extreme value by more than half the last step there (s = 0: nothing is representable
      // but 0, and the group counts as flushed, not clipped).
      hi.fill(s === 0 ? Infinity : (v[m] + (v[m] - v[m - 1]) / 2) * s, grp * G, (grp + 1) * G);
      lo.fill(s === 0 ? -Infinity : (v[0] - (v[1] - v[0]) / 2) * s, grp * G, (grp + 1) * G);
    }
    const groups = enc.types.length;
    return {
      xhat: enc.weight, hi, lo,
      storageBits: enc.storageBits,
      bytes: Math.ceil((x.length * bits) / 8) + 2 * groups + Math.ceil((groups * typeBits(enc.candidates.length)) / 8),
      granularity: label(g, shape.length),
    };
  },
};

const oliveMethod: MethodDef = {
  family: 'olive',
  syntax: 'olive4|olive8[@tensor|@channel]',
  describe: 'OliVe outlier-victim pairs: int4/flint4 normal grid (chosen by MSE) with abfloat outliers, the pair partner zeroed, 3σ alpha search; per channel by default (8-bit: int with E2M5 outliers)',
  granularity: tensorOrChannel('olive'),
  quantize(x, shape, bits, g) {
    const granularity = g === 'channel' && shape.length >= 2 ? 'channel' : 'tensor';
    const r = olive(x, { shape: shape.length === 0 ? [x.length] : shape, granularity, bits });
    const grid = oliveGrid(r.type, r.bits, r.signed);
    const m = grid.outlierMag.length - 1;
    // Clipped: beyond the largest outlier value by more than half the last outlier step (a scale of 0
    // represents nothing but 0: flushed, not clipped). Unsigned grids (min x ≥ 0) have no lower end.
    const edge = grid.outlierMag[m] + (grid.outlierMag[m] - grid.outlierMag[m - 1]) / 2;
    const n = x.length;
    const per = r.scales.length === 1 ? n : n / r.scales.length;
    const hi = new Float32Array(n);
    const lo = new Float32Array(n);
    for (let i = 0; i < r.scales.length; i++) {
      const s = r.scales[i];
      hi.fill(s === 0 ? Infinity : edge * s, i * per, (i + 1) * per);
      lo.fill(s === 0 || !r.signed ? -Infinity : -edge * s, i * per, (i + 1) * per);
    }
    const escapeBits = r.escapes ? Math.ceil(n / 2) : 0;
    // Codes, the unsigned escape bitmap, an f32 scale per slot and one bit naming the normal type.
    return {
      xhat: r.weight, hi, lo,
      storageBits: 8 * r.codes.length + escapeBits + 32 * r.scales.length + 1,
      bytes: r.codes.length + Math.ceil(escapeBits / 8) + 4 * r.scales.length + 1,
      granularity: label(g, shape.length),
    };
  },
};

/** The method formats. */
export const METHODS: readonly MethodDef[] = [nupesMethod, bitmodMethod, oliveMethod];

/** The method a format id names, or null for a registry id. Bad widths fail (src/ptq/method-ids.ts). */
export function methodOf(id: string): { def: MethodDef; bits: number } | null {
  const m = methodId(id);
  if (!m) return null;
  const def = METHODS.find((d) => d.family === m.family);
  if (!def) throw new Error(`unreachable: method family ${m.family} has no MethodDef`);
  return { def, bits: m.bits };
}

/**
 * `@sorted` on a block format: permute the last axis (k) by the K-sort (columns by L2 norm over all
 * rows, descending, stable), quantize with `run`, and un-permute x̂ and the clip bounds, so every
 * metric compares with the original x. The permutation is free at inference (both operands of the
 * product are permuted the same way), so it adds no storage.
 */
export function withSortedChannels<T extends { xhat: Float32Array; hi?: Float32Array; lo?: Float32Array }>(
  x: Float32Array, shape: number[], run: (xs: Float32Array) => T): T {
  const d = shape.length === 0 ? 1 : shape[shape.length - 1];
  if (x.length === 0 || d <= 1) return run(x);
  const { perm, K } = rearrangeChannels(x, x.subarray(0, d), { shape: [x.length / d, d] });
  const r = run(K);
  const inv = inversePermutation(perm);
  const back = (v: Float32Array) => permuteChannels(v, inv, d);
  return { ...r, xhat: back(r.xhat), ...(r.hi ? { hi: back(r.hi) } : {}), ...(r.lo ? { lo: back(r.lo) } : {}) };
}

/** Help lines for `numlab compare --help` and the docs: one per method, plus the block transform. */
export function methodHelp(): string[] {
  return [...METHODS.map((m) => `${m.syntax}: ${m.describe}`), 'BLOCK_ID@sorted: block format after sorting the last axis by channel norm (K-sort), x̂ un-permuted'];
}
