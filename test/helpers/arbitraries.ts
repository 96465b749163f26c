/**
 * fast-check arbitraries for codec properties. Inputs are RAW f32 bit patterns (every sign, exponent,
 * payload and subnormal is reachable), built as Float32Arrays from their bits so NaN signs and
 * payloads survive into the codec. Grid-aware arbitraries add values near the format's own values
 * (exact values, midpoints, ±1 f32 ulp), which raw bits rarely hit for narrow formats.
 *
 * The grid is computed by decoding every code through the public codec (not the reference twin).
 */
import fc from 'fast-check';
import type { MinifloatFormat } from '../../src/formats/minifloat.js';

const f1 = new Float32Array(1);
const i1 = new Int32Array(f1.buffer);
const u1 = new Uint32Array(f1.buffer);

/** The f32 whose bit pattern is `bits` (taken mod 2^32). */
export function f32FromBits(bits: number): number {
  i1[0] = bits | 0;
  return f1[0];
}

/** The bit pattern of Math.fround(x), as an unsigned 32-bit integer. */
export function bitsOfF32(x: number): number {
  f1[0] = x;
  return u1[0];
}

/** One f32 from a uniformly random 32-bit pattern (NaN sign/payload may be lost once it becomes a JS number). */
export function float32raw(): fc.Arbitrary<number> {
  return fc.integer().map(f32FromBits);
}

/** A raw 32-bit pattern as a signed int (use this when NaN bits matter, then build a Float32Array). */
export function f32bitsRaw(): fc.Arbitrary<number> {
  return fc.integer();
}

/** Float32Array from int32 bit patterns (bit-exact, NaN payloads and signs preserved). */
export function f32ArrayFromBits(bits: readonly number[]): Float32Array {
  return new Float32Array(Int32Array.from(bits).buffer);
}

/** Raw-bit Float32Arrays of length 0..maxLength (default 100: covers empty, short and ragged SIMD tails). */
export function float32ArrayRaw(maxLength = 100): fc.Arbitrary<Float32Array> {
  return fc.array(fc.integer(), { minLength: 0, maxLength, size: 'max' }).map(f32ArrayFromBits);
}

/** A code index of a `bits`-wide format. */
export function codeIndex(bits: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 ** bits - 1 });
}

/** Arrays of code indices, typed as the codec expects (Uint8Array ≤ 8 bits, else Uint16Array). */
export function codeArray(fmt: MinifloatFormat, maxLength = 100): fc.Arbitrary<Uint8Array | Uint16Array> {
  return fc
    .array(codeIndex(fmt.bits), { maxLength })
    .map((a) => (fmt.codeBytes === 1 ? Uint8Array.from(a) : Uint16Array.from(a)));
}

export interface Grid {
  /** Every code of the format. */
  codes: Uint8Array | Uint16Array;
  /** decode(codes), bit-exact. */
  values: Float32Array;
  /** The distinct finite values, ascending (−0 and +0 collapse to one entry, 0). */
  sorted: Float64Array;
}

const grids = new Map<string, Grid>();

/** All codes decoded through the codec, and the sorted finite value set. */
export function gridOf(fmt: MinifloatFormat): Grid {
  let g = grids.get(fmt.id);
  if (!g) {
    const n = 2 ** fmt.bits;
    const codes = fmt.codeBytes === 1 ? new Uint8Array(n) : new Uint16Array(n);
    for (let c = 0; c < n; c++) codes[c] = c;
    const values = fmt.decode(codes);
    const set = new Set<number>();
    for (const v of values) if (Number.isFinite(v)) set.add(v === 0 ? 0 : v);
    const sorted = Float64Array.from([...set].sort((a, b) => a - b));
    g = { codes, values, sorted };
    grids.set(fmt.id, g);
  }
  return g;
}

/**
 * Neighbours of x on the finite grid: lo = largest grid value ≤ x, hi = smallest ≥ x
 * (lo === hi when x is on the grid; undefined past either end).
 */
export function neighbours(g: Grid, x: number): { lo: number | undefined; hi: number | undefined } {
  const s = g.sorted;
  let a = 0;
  let b = s.length; // first index with s[i] > x
  while (a < b) {
    const m = (a + b) >> 1;
    if (s[m] <= x) a = m + 1;
    else b = m;
  }
  const lo = a > 0 ? s[a - 1] : undefined;
  const hi = lo === x ? x : a < s.length ? s[a] : undefined;
  return { lo, hi };
}

function nextUpF32(x: number): number {
  if (x === 0) return f32FromBits(1);
  const b = bitsOfF32(x);
  return f32FromBits(x > 0 ? b + 1 : b - 1);
}

/**
 * Bit patterns of f32 values near the grid: a grid value, the midpoint to its upper neighbour,
 * or one of those moved by ±1..2 f32 ulps; either sign. Always finite.
 */
export function nearGridBits(fmt: MinifloatFormat): fc.Arbitrary<number> {
  const s = gridOf(fmt).sorted;
  return fc
    .tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.boolean(), fc.integer({ min: -2, max: 2 }), fc.boolean())
    .map(([i, mid, ulps, neg]) => {
      let v = mid && i + 1 < s.length ? (s[i] + s[i + 1]) / 2 : s[i];
      v = Math.fround(v);
      for (let k = 0; k < Math.abs(ulps); k++) v = ulps > 0 ? nextUpF32(v) : -nextUpF32(-v);
      return bitsOfF32(neg ? -v : v) | 0;
    });
}

/** Raw bits, near-grid values and edge cases, mixed. */
export function interestingBits(fmt: MinifloatFormat): fc.Arbitrary<number> {
  const edges = [0, -0, Infinity, -Infinity, 1, -1, 3.4028234663852886e38, 2 ** -149].map((x) => bitsOfF32(x) | 0);
  edges.push(0x7fc00000, 0xffc00000 | 0, 0x7f800001, 0xff812345 | 0);
  return fc.oneof(
    { arbitrary: fc.integer(), weight: 2 },
    { arbitrary: nearGridBits(fmt), weight: 3 },
    { arbitrary: fc.constantFrom(...edges), weight: 1 },
  );
}

/** Float32Arrays of interesting values, length 0..maxLength. */
export function interestingArray(fmt: MinifloatFormat, maxLength = 100): fc.Arbitrary<Float32Array> {
  return fc.array(interestingBits(fmt), { maxLength, size: 'max' }).map(f32ArrayFromBits);
}

/**
 * Float32Arrays clustered around one near-grid value: bit patterns base + k with |k| up to about two grid
 * spacings (2^(24 − P) f32 ulps per spacing, P = mantissa bits + 1), so neighbouring inputs that straddle
 * grid points and midpoints appear together (for order laws such as monotonicity).
 */
export function clusterArray(fmt: MinifloatFormat, maxLength = 100): fc.Arbitrary<Float32Array> {
  const span = 2 ** (24 - (fmt.spec.manBits + 1)) * 2;
  return fc
    .tuple(nearGridBits(fmt), fc.array(fc.integer({ min: -span, max: span }), { maxLength, size: 'max' }))
    .map(([base, ks]) => f32ArrayFromBits(ks.map((k) => (base + k) | 0)));
}

/** One interesting f32 as a number (NaN bits not preserved: use the array arbitraries for NaN signs). */
export function interestingF32(fmt: MinifloatFormat): fc.Arbitrary<number> {
  return interestingBits(fmt).map(f32FromBits);
}
