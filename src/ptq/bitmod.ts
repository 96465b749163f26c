/**
 * BitMoD (Chen et al., HPCA 2025, arXiv 2411.11745; spec formats.md §6): per group of weights, pick
 * the data type with the least squared error from a small family of 3- or 4-bit value sets — FP3/FP4
 * with one extra value in the code a sign-magnitude FP spends on −0: "extra resolution" (ER, ±3 /
 * ±10, inside the range) or "extra asymmetry" (EA, ±6 / ±16, beyond it). Rules follow the authors'
 * AWQ-BitMoD `auto_dtype.py` (quant_dtype / search_group_dtype):
 *
 * - scale = amax|w| / max|value| of the type, rounded to FP16 (the reference stores FP16 scales and,
 *   on its FP16 weights, computes in FP16): here the quotient is rounded to f32 (as torch divides an
 *   f32 tensor), then to FP16 (RNE). On FP16 inputs this is the reference's FP16 quotient exactly.
 * - each w / scale (f32 division) maps to the nearest value; on an exact tie the lower value wins
 *   (the reference's argmin over the ascending value list returns the first).
 * - a type's group error is the mean of (v·scale − w)²; the type with the smallest wins, ties to the
 *   earlier candidate (the reference updates on strictly less), candidates by default in the
 *   reference's order ER_POS, ER_NEG, EA_POS, EA_NEG.
 *
 * Deviations, all documented in docs/outliers.md: distances and errors are compared exactly (f64)
 * where the reference rounds them to the weight dtype; the quantized value v·scale uses the FP16 scale
 * (so decode is exact); a group whose FP16 scale is 0 (all zeros, or amax below FP16's range) decodes
 * to zeros where the reference's 0/0 yields NaN and keeps its zero initial error; an FP16 scale that
 * overflows is a typed error.
 */
import { fail, show } from '../errors.js';
import { pack, unpack } from '../formats/packing.js';
import { f16ToF32, f32ToF16 } from '../io/half.js';
import { checkShape } from './check.js';

export type BitmodTypeName = 'int' | 'fp' | 'er_pos' | 'er_neg' | 'ea_pos' | 'ea_neg';
export type BitmodBits = 3 | 4;

export interface BitmodType {
  /** `int4`, `fp4`, `fp4_er_pos`, …, as in the reference. */
  id: string;
  name: BitmodTypeName;
  bits: BitmodBits;
  /** The values, ascending and distinct (the reference's list). */
  values: readonly number[];
  /**
   * Code → value, 2^bits entries, sign-magnitude: code c < 2^(bits−1) is +mag[c], c > 2^(bits−1) is
   * −mag[c − 2^(bits−1)], and the −0 code 2^(bits−1) holds the extra value (base INT/FP: 0, never
   * produced by the encoder). mag = 0..3 (INT3), 0..7 (INT4), 0,1,2,4 (FP3), 0,1,2,3,4,6,8,12 (FP4).
   */
  codes: Float32Array;
  /** The extra value in the −0 code, null for the base types. */
  extra: number | null;
  /** max |value|: amax maps to it. */
  qmax: number;
}

const MAGS: Record<BitmodBits, { int: number[]; fp: number[] }> = {
  3: { int: [0, 1, 2, 3], fp: [0, 1, 2, 4] },
  4: { int: [0, 1, 2, 3, 4, 5, 6, 7], fp: [0, 1, 2, 3, 4, 6, 8, 12] },
};
/** Extra value of each extended type: ER inside the FP range (3 / 10), EA one step beyond it (6 / 16). */
const EXTRA: Record<BitmodBits, Record<'er_pos' | 'er_neg' | 'ea_pos' | 'ea_neg', number>> = {
  3: { er_pos: 3, er_neg: -3, ea_pos: 6, ea_neg: -6 },
  4: { er_pos: 10, er_neg: -10, ea_pos: 16, ea_neg: -16 },
};

/** Order of the type index stored per group (`types`). */
export const BITMOD_TYPE_NAMES: readonly BitmodTypeName[] = ['int', 'fp', 'er_pos', 'er_neg', 'ea_pos', 'ea_neg'];
/** The reference's candidate set and order (search_group_dtype). */
export const BITMOD_DEFAULT_CANDIDATES: readonly BitmodTypeName[] = ['er_pos', 'er_neg', 'ea_pos', 'ea_neg'];

function makeType(bits: BitmodBits, name: BitmodTypeName): BitmodType {
  const mag = name === 'int' ? MAGS[bits].int : MAGS[bits].fp;
  const half = 1 << (bits - 1);
  const extra = name === 'int' || name === 'fp' ? null : EXTRA[bits][name];
  const codes = new Float32Array(2 * half);
  for (let c = 0; c < half; c++) codes[c] = mag[c];
  codes[half] = extra ?? 0;
  for (let c = 1; c < half; c++) codes[half + c] = -mag[c];
  const values = [...new Set(Array.from(codes))].sort((a, b) => a - b);
  const family = name === 'int' ? 'int' : 'fp';
  return {
    id: name === 'int' || name === 'fp' ? `${family}${bits}` : `fp${bits}_${name}`,
    name, bits, values, codes, extra,
    qmax: Math.max(...values.map(Math.abs)),
  };
}

/** The data types as data: BITMOD_TYPES[bits][i] for i in BITMOD_TYPE_NAMES order. */
export const BITMOD_TYPES: Readonly<Record<BitmodBits, readonly BitmodType[]>> = {
  3: BITMOD_TYPE_NAMES.map((n) => makeType(3, n)),
  4: BITMOD_TYPE_NAMES.map((n) => makeType(4, n)),
};

export interface BitmodOptions {
  /** [rows, cols] of W (row-major); groups run along cols. */
  shape: [number, number];
  bits: BitmodBits;
  /** Weights per group along a row, dividing cols; −1 = one group per row. Default 128. */
  groupSize?: number;
  /** Types to choose from (distinct, 1–6 of BITMOD_TYPE_NAMES); default the reference's four. */
  candidates?: readonly BitmodTypeName[];
}

export interface BitmodEncoding {
  shape: [number, number];
  bits: BitmodBits;
  /** Resolved group size (cols for −1). */
  groupSize: number;
  candidates: BitmodTypeName[];
  /** Element codes (sign-magnitude, see BitmodType.codes), row-major, packed `bits` wide LSB first (pack()). */
  codes: Uint8Array;
  /** One FP16 scale per group (IEEE binary16 bits), groups row-major [rows, cols / groupSize]. */
  scales: Uint16Array;
  /** Per group: index of its type in BITMOD_TYPES[bits] (BITMOD_TYPE_NAMES order). */
  types: Uint8Array;
  /** Per group: mean squared error of the chosen type (f64). */
  groupMse: Float64Array;
  /** Fake-quantized weights: bitmodDecode(this) bit for bit. */
  weight: Float32Array;
  /** Storage: codes + 16-bit scales + ⌈log2 candidates⌉ bits of type per group. */
  storageBits: number;
}

/** ⌈log2 n⌉ bits to name one of n candidates (0 for one). */
export function typeBits(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

function checkBits(bits: unknown): BitmodBits {
  if (bits !== 3 && bits !== 4) fail('BAD_OPTION', `bitmod bits must be 3 or 4, got ${show(bits)}`, bits);
  return bits;
}

function checkCandidates(c: unknown): BitmodTypeName[] {
  if (c === undefined) return [...BITMOD_DEFAULT_CANDIDATES];
  if (!Array.isArray(c) || c.length === 0) fail('BAD_OPTION', `bitmod candidates must be a non-empty array of type names, got ${show(c)}`, c);
  for (const n of c) {
    if (!BITMOD_TYPE_NAMES.includes(n)) fail('BAD_OPTION', `unknown bitmod type ${show(n)}; types: ${BITMOD_TYPE_NAMES.join(', ')}`, n);
  }
  if (new Set(c).size !== c.length) fail('BAD_OPTION', `bitmod candidates repeat a type: ${show(c)}`, c);
  return [...c] as BitmodTypeName[];
}

function resolveGroup(groupSize: unknown, cols: number): number {
  if (groupSize === -1) return cols;
  if (!Number.isInteger(groupSize) || (groupSize as number) < 1) fail('BAD_OPTION', `bitmod groupSize must be a positive integer or -1, got ${show(groupSize)}`, groupSize);
  if (cols % (groupSize as number) !== 0) fail('BAD_OPTION', `bitmod groupSize ${groupSize} does not divide cols = ${cols}`, groupSize);
  return groupSize as number;
}

/**
 * Index (into the ascending values) of the value nearest x, exact ties to the lower value: the number
 * of midpoints (v_k + v_k+1) / 2 strictly below x (midpoints are exact halves; x is an f32).
 */
function nearest(mids: Float64Array, x: number): number {
  let k = 0;
  while (k < mids.length && x > mids[k]) k++;
  return k;
}

/** FP16 bits of the scale amax / qmax (f32 quotient, then FP16 RNE). */
export function bitmodScale(amax: number, qmax: number): number {
  return f32ToF16(Math.fround(amax / qmax));
}

/** One group's fit: the min-MSE type, its FP16 scale and the group quantized with them. */
export interface BitmodGroupFit {
  /** Index into BITMOD_TYPES[bits] (BITMOD_TYPE_NAMES order). */
  type: number;
  /** FP16 bits of the scale. */
  scale: number;
  mse: number;
  codes: Uint8Array;
  weight: Float32Array;
}

export interface BitmodFitter {
  /** The group fit of bitmod() on the f32 values w (what names the group in an FP16 overflow error). */
  fit(w: Float32Array, what: string): BitmodGroupFit;
  /** Code of the value of type `type` nearest x (ties to the lower value), at FP16 scale `scale`: bitmod()'s element rule. */
  code(type: number, scale: number, x: number): number;
}

/** bitmod()'s group fit and element rule for a bit width and candidate set (checked). */
export function bitmodFitter(bitsIn: unknown, candidatesIn?: unknown): BitmodFitter {
  const bits = checkBits(bitsIn);
  const candidates = checkCandidates(candidatesIn);
  const types = candidates.map((n) => BITMOD_TYPES[bits][BITMOD_TYPE_NAMES.indexOf(n)]);
  const lookup = BITMOD_TYPES[bits].map((ty) => ({
    mids: Float64Array.from(ty.values.slice(1), (v, k) => (ty.values[k] + v) / 2),
    codeOf: Uint8Array.from(ty.values, (v) => ty.codes.indexOf(v)),
    zero: ty.codes.indexOf(0),
  }));
  const code = (t: number, s: number, x: number): number => {
    const { mids, codeOf, zero } = lookup[t];
    return s === 0 ? zero : codeOf[nearest(mids, Math.fround(x / s))];
  };
  return {
    code: (type, scale, x) => code(type, f16ToF32(scale), x),
    fit(W, what) {
      const G = W.length;
      let amax = 0;
      for (let i = 0; i < G; i++) amax = Math.max(amax, Math.abs(W[i]));
      const tryCodes = new Uint8Array(G);
      const tryW = new Float32Array(G);
      let best: BitmodGroupFit | null = null;
      for (const ty of types) {
        const t = BITMOD_TYPE_NAMES.indexOf(ty.name);
        const h = bitmodScale(amax, ty.qmax);
        if ((h & 0x7fff) === 0x7c00) fail('BAD_SCALE', `bitmod ${what}: amax ${show(amax)} / ${ty.qmax} overflows the FP16 scale (max 65504)`, amax);
        const s = f16ToF32(h);
        let se = 0;
        for (let i = 0; i < G; i++) {
          const w = W[i];
          const c = code(t, s, w);
          const q = Math.fround(ty.codes[c] * s);
          tryCodes[i] = c;
          tryW[i] = q === 0 ? 0 : q;
          se += (tryW[i] - w) ** 2;
        }
        const err = se / G;
        if (best === null || err < best.mse) best = { type: t, scale: h, mse: err, codes: tryCodes.slice(), weight: tryW.slice() };
      }
      return best as BitmodGroupFit;
    },
  };
}

/** Quantize W group by group, each with its min-MSE type. */
export function bitmod(W: Float32Array, opts: BitmodOptions): BitmodEncoding {
  if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `bitmod options must be an object, got ${show(opts)}`, opts);
  if (!(W instanceof Float32Array)) fail('BAD_TYPE', `bitmod W must be a Float32Array, got ${show(W)}`, W);
  const [rows, cols] = checkShape(opts.shape, 'bitmod W');
  if (W.length !== rows * cols) fail('BAD_LENGTH', `bitmod W has ${W.length} values, shape [${rows}, ${cols}] needs ${rows * cols}`, W.length);
  for (let i = 0; i < W.length; i++) {
    if (!Number.isFinite(W[i])) fail('NONFINITE_INPUT', `bitmod W[${i}] is ${show(W[i])} (must be finite)`, W[i]);
  }
  const bits = checkBits(opts.bits);
  const G = resolveGroup(opts.groupSize ?? 128, cols);
  const candidates = checkCandidates(opts.candidates);
  const fitter = bitmodFitter(bits, candidates);
  const nGroups = W.length / G;
  const codes = new Uint8Array(W.length);
  const weight = new Float32Array(W.length);
  const scales = new Uint16Array(nGroups);
  const typeOf = new Uint8Array(nGroups);
  const groupMse = new Float64Array(nGroups);
  for (let g = 0; g < nGroups; g++) {
    const off = g * G;
    const f = fitter.fit(W.subarray(off, off + G), `group ${g} (row ${Math.floor(off / cols)})`);
    codes.set(f.codes, off);
    weight.set(f.weight, off);
    scales[g] = f.scale;
    typeOf[g] = f.type;
    groupMse[g] = f.mse;
  }
  return {
    shape: [rows, cols], bits, groupSize: G, candidates,
    codes: pack(codes, bits), scales, types: typeOf, groupMse, weight,
    storageBits: W.length * bits + nGroups * (16 + typeBits(candidates.length)),
  };
}

/** Weights of a bitmod encoding: code value × FP16 scale of its group, in the group's type. */
export function bitmodDecode(enc: BitmodEncoding): Float32Array {
  if (typeof enc !== 'object' || enc === null) fail('BAD_OPTION', `bitmodDecode needs a bitmod encoding, got ${show(enc)}`, enc);
  const [rows, cols] = checkShape(enc.shape, 'bitmodDecode');
  const bits = checkBits(enc.bits);
  const G = resolveGroup(enc.groupSize, cols);
  const n = rows * cols;
  const nGroups = n / G;
  if (!(enc.scales instanceof Uint16Array) || enc.scales.length !== nGroups)
    fail('BAD_LENGTH', `bitmodDecode: scales must be a Uint16Array of ${nGroups} FP16 scales, got ${show(enc.scales)}`, enc.scales);
  if (!(enc.types instanceof Uint8Array) || enc.types.length !== nGroups)
    fail('BAD_LENGTH', `bitmodDecode: types must be a Uint8Array of ${nGroups} type indices, got ${show(enc.types)}`, enc.types);
  if (!(enc.codes instanceof Uint8Array)) fail('BAD_TYPE', `bitmodDecode: codes must be a packed Uint8Array, got ${show(enc.codes)}`, enc.codes);
  const codes = unpack(enc.codes, bits, n);
  const out = new Float32Array(n);
  for (let g = 0; g < nGroups; g++) {
    const t = enc.types[g];
    if (t >= BITMOD_TYPE_NAMES.length) fail('BAD_CODE', `bitmodDecode: group ${g} has type index ${t}; there are ${BITMOD_TYPE_NAMES.length} types`, t);
    const s = f16ToF32(enc.scales[g]);
    if (!Number.isFinite(s)) fail('BAD_SCALE', `bitmodDecode: group ${g} has a non-finite FP16 scale 0x${enc.scales[g].toString(16)}`, enc.scales[g]);
    const table = BITMOD_TYPES[bits][t].codes;
    for (let i = g * G; i < (g + 1) * G; i++) {
      const q = Math.fround(table[codes[i]] * s);
      out[i] = q === 0 ? 0 : q;
    }
  }
  return out;
}
