/**
 * Block formats as registry rows (docs/block-formats.md): each row names its element format, block
 * size, scale format, default scale rule, per-tensor scale and packing; one generic block codec
 * (block-ref.ts, and the kernels built against it) serves them all. Numbers about the element
 * (max, emax, code width, grid step) are derived from the element's own row, never typed here.
 *
 * Elements are either a registered minifloat id (fp8_e4m3fn, fp4_e2m1fn, …) or `int{b}_sym`: the
 * MXINT / BFP integer element — code k in two's complement, |k| ≤ 2^(b−1) − 1, value k · 2^-(b−2)
 * (microxcaling's grid, OCP MXINT8 with −128 unused; formats.md §1.4, §2.3, §4.2) — or `int{b}`,
 * the same grid with −2^(b−1) allowed (d-Matrix asymmetric BFP). A BFP word of w bits including
 * the sign is exactly this element with b = w (formats.md §4.2), so BFP rows are built by bfpSpec
 * from their word width rather than given a grid by hand. Words are 2 … 24 bits (|k| ≤ 2^23: exact
 * in f32); codes wider than 8 bits are packed in the same LSB-first stream.
 */
import { fail, show } from '../errors.js';
import type { ScaleRule } from './block-scale.js';
import { intLimits, minifloatLayout, minifloatLimits } from './limits.js';
import { MINIFLOATS, deepFreeze, intSpec } from './registry.js';
import type { IntSpec, MinifloatSpec } from './spec.js';

/**
 * Scale rules a row can use: the four power-of-two rules of block-scale.ts (E8M0 / BFP exponent
 * scales), or 'nv_te' — the two-level NVFP4/NVINT4 recipe of TransformerEngine (formats.md §2.2).
 */
export type BlockScaleRule = ScaleRule | 'nv_te';

/**
 * Block scale format. 'e8m0fnu': OCP E8M0 (2^(c−127), 0xFF NaN). 'ue4m3': the unsigned E4M3 byte of
 * NVFP4 (7 bits, NaN 0x7F). { expBits: E }: a BFP shared exponent of E bits (2 ≤ E ≤ 8), bias
 * 2^(E−1) − 1, code c ↔ 2^(c − bias), all-ones code = NaN — for E = 8 bit-identical to E8M0.
 */
export type BlockScaleFormat = 'e8m0fnu' | 'ue4m3' | { readonly expBits: number };

export interface BlockSpec {
  kind: 'block';
  id: string;
  /** Element row id: a registered minifloat id, `int{b}_sym` (value k · 2^-(b−2), |k| ≤ 2^(b−1) − 1) or `int{b}` (−2^(b−1) ≤ k). */
  element: string;
  blockSize: number;
  scale: BlockScaleFormat;
  /** Default scale rule (selectable per call among the rules the scale format allows). */
  scaleRule: BlockScaleRule;
  /** 'f32': a second-level FP32 per-tensor scale (NVFP4 / NVINT4). */
  tensorScale: 'none' | 'f32';
  /** 'lsb_stream': codes packed with numlab's LSB-first bit stream (packing.ts), one byte per block scale. */
  packing: 'lsb_stream';
  source: string;
  description: string;
}

// ---- element facts, derived ------------------------------------------------------------------

export interface BlockElementInfo {
  kind: 'minifloat' | 'int';
  spec: MinifloatSpec | IntSpec;
  /** Code width in bits (packed width). */
  bits: number;
  /** Largest element magnitude (E4M3 448, E2M1 6, MXINT8 127/64, NVINT4 7). */
  max: number;
  /** Exponent of the largest power of two ≤ max (emax_elem). */
  emax: number;
  /** Stored mantissa bits (torchao 'even'); b − 2 for the MXINT grid. */
  mbits: number;
  /** INT elements only: value = k · 2^intExp (−(b−2) for MXINT/BFP, 0 for NVINT4's plain integers). */
  intExp: number;
}

const INT_EL = /^int([0-9]+)(_sym)?$/;

/**
 * Facts about a row's element. For INT elements the grid depends on the row: on E8M0 / BFP
 * exponent scales the element is the MXINT fixed-point grid k · 2^-(b−2) (emax 0); under the NV
 * two-level recipe it is the plain integer k (NVINT4: [−7, 7], max 7).
 */
export function blockElement(s: BlockSpec): BlockElementInfo {
  const m = INT_EL.exec(s.element);
  if (m) {
    const b = Number(m[1]);
    const spec = intSpec(b, true, m[2] !== undefined);
    const { qmax } = intLimits(spec);
    const intExp = s.scale === 'ue4m3' ? 0 : -(b - 2);
    const max = qmax * 2 ** intExp;
    return { kind: 'int', spec, bits: b, max, emax: Math.floor(Math.log2(max)), mbits: b - 2, intExp };
  }
  const spec = MINIFLOATS.find((r) => r.id === s.element);
  if (!spec) return fail('BAD_FORMAT_PARAMS', `block format ${show(s.id)}: unknown element ${show(s.element)}`, s.element);
  const L = minifloatLimits(spec);
  return { kind: 'minifloat', spec, bits: minifloatLayout(spec).bits, max: L.max, emax: L.emax, mbits: spec.manBits, intExp: 0 };
}

const BLOCK_KEYS = ['kind', 'id', 'element', 'blockSize', 'scale', 'scaleRule', 'tensorScale', 'packing', 'source', 'description'];
const POW2_RULES: readonly string[] = ['floor', 'ceil', 'rceil', 'even'];

/**
 * Checks a block row given by a caller (new BlockFormat(spec)) and returns a frozen copy, so later
 * changes to the caller's object cannot change the codec. BAD_TYPE for a non-object, BAD_FORMAT_PARAMS
 * naming the first bad field otherwise.
 */
export function checkBlockSpec(s: unknown): BlockSpec {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return fail('BAD_TYPE', `a block format row must be an object, got ${show(s)}`, s);
  const r = s as Record<string, unknown>;
  const bad = (field: string, msg: string): never =>
    fail('BAD_FORMAT_PARAMS', `block format ${show(r.id)}: ${field} ${show(r[field])} ${msg}`, r[field]);
  for (const k of Object.keys(r)) if (!BLOCK_KEYS.includes(k)) fail('BAD_FORMAT_PARAMS', `block format ${show(r.id)}: unknown field ${show(k)}`, k);
  if (r.kind !== 'block') bad('kind', "must be 'block'");
  if (typeof r.id !== 'string' || r.id.length === 0 || r.id.length > 64) bad('id', 'must be a string of 1 to 64 characters');
  if (typeof r.element !== 'string') bad('element', 'must be a string');
  if (!Number.isSafeInteger(r.blockSize) || (r.blockSize as number) < 1 || (r.blockSize as number) > 2 ** 16) bad('blockSize', 'must be an integer in 1..65536');
  const sc = r.scale;
  const expBits = sc !== null && typeof sc === 'object' ? (sc as { expBits?: unknown }).expBits : undefined;
  const pow2 = sc === 'e8m0fnu' || (sc !== null && typeof sc === 'object' && Object.keys(sc).length === 1 && Number.isInteger(expBits) && (expBits as number) >= 2 && (expBits as number) <= 8);
  if (!pow2 && sc !== 'ue4m3') bad('scale', "must be 'e8m0fnu', 'ue4m3' or { expBits: 2..8 }");
  if (sc === 'ue4m3' ? r.scaleRule !== 'nv_te' : !POW2_RULES.includes(r.scaleRule as string))
    bad('scaleRule', sc === 'ue4m3' ? "must be 'nv_te' with a ue4m3 scale" : `must be one of ${POW2_RULES.join(', ')} with a power-of-two scale`);
  if (r.tensorScale !== (sc === 'ue4m3' ? 'f32' : 'none')) bad('tensorScale', sc === 'ue4m3' ? "must be 'f32' with a ue4m3 scale" : "must be 'none' with a power-of-two scale");
  if (r.packing !== 'lsb_stream') bad('packing', "must be 'lsb_stream'");
  for (const f of ['source', 'description']) if (typeof r[f] !== 'string') bad(f, 'must be a string');
  const copy = { ...(r as unknown as BlockSpec), scale: typeof sc === 'object' ? { expBits: expBits as number } : (sc as BlockScaleFormat) };
  const el = blockElement(copy); // BAD_FORMAT_PARAMS for an unknown element
  if (el.kind === 'int' ? el.bits < 2 || el.bits > 24 : el.bits > 8)
    bad('element', `has ${el.bits}-bit codes; block elements take 2..24 bits (int) or at most 8 (minifloat)`);
  return deepFreeze(copy);
}

/** Bits of the scale format: 8 (E8M0), 7 (UE4M3, stored in a byte with a zero MSB), E (BFP exponent). */
export function scaleBits(s: BlockSpec): number {
  return s.scale === 'e8m0fnu' ? 8 : s.scale === 'ue4m3' ? 7 : s.scale.expBits;
}

/** Stored bits per element: element bits + 8 / block size (one scale byte per block; the f32 tensor scale not counted). */
export function bitsPerElement(s: BlockSpec): number {
  return blockElement(s).bits + 8 / s.blockSize;
}

// ---- rows --------------------------------------------------------------------------------------

const OCP_MX = 'OCP Microscaling Formats (MX) v1.0 §5–§6 (formats.md §1.2–§1.7)';
const INT_VS_FP = 'Chen et al., "INT v.s. FP", arXiv 2510.25602, symmetric clipping, UE8M0 scale s = 2^ceil(log2(amax/qmax)) (formats.md §2.3)';

const mx = (id: string, element: string, description: string, source = OCP_MX, scaleRule: ScaleRule = 'floor'): BlockSpec => ({
  kind: 'block', id, element, blockSize: 32, scale: 'e8m0fnu', scaleRule, tensorScale: 'none', packing: 'lsb_stream', source, description,
});

export interface BfpParams {
  id?: string;
  blockSize: number;
  /** Mantissa (word) bits; whether they include the sign is `signIncluded`. */
  mantissaBits: number;
  /** true: mantissaBits counts the sign (d-Matrix BFP[w|8]); false: sign + mantissaBits (MSFP naming). */
  signIncluded: boolean;
  /** Shared exponent width, 2..8 (default 8). */
  expBits?: number;
  /**
   * 'symmetric' (default): |k| ≤ 2^(w−1) − 1 (microxcaling, d-Matrix BFP…S); 'asymmetric': also
   * k = −2^(w−1) (d-Matrix BFP…A), the two's-complement range.
   */
  range?: 'symmetric' | 'asymmetric';
  source?: string;
  description?: string;
}

/**
 * A BFP row: w-bit words (w = mantissaBits, or mantissaBits + 1 when the sign is not included;
 * 2 ≤ w ≤ 24), grid k · 2^(e + 2 − w) with |k| ≤ 2^(w−1) − 1 (symmetric) or −2^(w−1) ≤ k ≤
 * 2^(w−1) − 1 (asymmetric) and e = ⌊log2 amax⌋ of the block (formats.md §4.2) — i.e. element
 * `int{w}_sym` / `int{w}` under the 'floor' rule with an E-bit exponent scale.
 */
export function bfpSpec(p: BfpParams): BlockSpec {
  const w = p.signIncluded ? p.mantissaBits : p.mantissaBits + 1;
  const E = p.expBits ?? 8;
  const bad = (msg: string) => fail('BAD_FORMAT_PARAMS', `BFP: ${msg}`, p);
  if (!Number.isInteger(w) || w < 2 || w > 24) bad(`word width (incl. sign) ${show(w)} outside 2..24`);
  const range = p.range ?? 'symmetric';
  if (range !== 'symmetric' && range !== 'asymmetric') bad(`range ${show(p.range)} must be 'symmetric' or 'asymmetric'`);
  const asym = range === 'asymmetric';
  if (!Number.isInteger(E) || E < 2 || E > 8) bad(`shared exponent bits ${show(E)} outside 2..8`);
  if (!Number.isSafeInteger(p.blockSize) || p.blockSize < 1) bad(`block size ${show(p.blockSize)} must be a positive integer`);
  return {
    kind: 'block',
    id: p.id ?? `bfp_w${w}_e${E}_k${p.blockSize}${asym ? 'a' : ''}`,
    element: asym ? `int${w}` : `int${w}_sym`,
    blockSize: p.blockSize,
    scale: { expBits: E },
    scaleRule: 'floor',
    tensorScale: 'none',
    packing: 'lsb_stream',
    source: p.source ?? 'block floating point, grid of formats.md §4.2 (microxcaling int elements, d-Matrix BFP[w|E]{k})',
    description:
      p.description ??
      `BFP: ${w}-bit words incl. sign (${asym ? `${-(2 ** (w - 1))} ≤ k ≤ ${2 ** (w - 1) - 1}` : `|k| ≤ ${2 ** (w - 1) - 1}`}), ${E}-bit shared exponent, block ${p.blockSize}`,
  };
}

export const BLOCK_FORMATS: readonly BlockSpec[] = deepFreeze([
  mx('mxfp8_e4m3', 'fp8_e4m3fn', 'MXFP8 (E4M3 elements), block 32, E8M0 scale'),
  mx('mxfp8_e5m2', 'fp8_e5m2', 'MXFP8 (E5M2 elements), block 32, E8M0 scale'),
  mx('mxfp6_e3m2', 'fp6_e3m2fn', 'MXFP6 (E3M2 elements), block 32, E8M0 scale'),
  mx('mxfp6_e2m3', 'fp6_e2m3fn', 'MXFP6 (E2M3 elements), block 32, E8M0 scale'),
  mx('mxfp4', 'fp4_e2m1fn', 'MXFP4 (E2M1 elements), block 32, E8M0 scale'),
  mx('mxint8', 'int8_sym', 'MXINT8: k · 2^-6, |k| ≤ 127 (−128 unused), block 32, E8M0 scale', `${OCP_MX}; §5.3.4 Table 6 (formats.md §1.4)`),
  mx('mxint6', 'int6_sym', 'MXINT6 (INT-vs-FP study): k · 2^-4, |k| ≤ 31, block 32, E8M0 scale, RCEIL', INT_VS_FP, 'rceil'),
  mx('mxint4', 'int4_sym', 'MXINT4 (INT-vs-FP study): k · 2^-2, |k| ≤ 7, block 32, E8M0 scale, RCEIL', INT_VS_FP, 'rceil'),
  {
    kind: 'block', id: 'nvfp4', element: 'fp4_e2m1fn', blockSize: 16, scale: 'ue4m3', scaleRule: 'nv_te', tensorScale: 'f32', packing: 'lsb_stream',
    source: 'NVIDIA NVFP4 (arXiv 2509.25149 App. B); TransformerEngine core_nvfp4.cuh recipe (formats.md §2.1–§2.2)',
    description: 'NVFP4: E2M1 elements, block 16, UE4M3 block scale, FP32 per-tensor scale',
  },
  {
    kind: 'block', id: 'nvint4', element: 'int4_sym', blockSize: 16, scale: 'ue4m3', scaleRule: 'nv_te', tensorScale: 'f32', packing: 'lsb_stream',
    source: 'INT-vs-FP study NVINT4 (arXiv 2510.25602, formats.md §2.3) with the NVFP4 two-level recipe of formats.md §2.2 (7 in place of 6)',
    description: 'NVINT4: INT4 in [−7, 7], block 16, UE4M3 block scale, FP32 per-tensor scale',
  },
  bfpSpec({
    id: 'msfp12', blockSize: 16, mantissaBits: 3, signIncluded: false,
    source: 'MSFP12, Rouhani et al. NeurIPS 2020 Table 1 (8-bit shared exponent, bounding box 16); sign + 3-bit mantissa (formats.md §4.1, naming UNVERIFIED there)',
    description: 'MSFP12: sign + 3-bit mantissa (4-bit words), 8-bit shared exponent, block 16',
  }),
  bfpSpec({
    id: 'msfp16', blockSize: 16, mantissaBits: 7, signIncluded: false,
    source: 'MSFP16, Rouhani et al. NeurIPS 2020 Table 1 (8-bit shared exponent, bounding box 16); sign + 7-bit mantissa (formats.md §4.1)',
    description: 'MSFP16: sign + 7-bit mantissa (8-bit words), 8-bit shared exponent, block 16',
  }),
  bfpSpec({
    id: 'bfp12', blockSize: 64, mantissaBits: 4, signIncluded: true,
    source: 'd-Matrix BFP12 = BFP[4|8]{k} (dmx-compressor, formats.md §4.2); k = 64 per Trukhanov & Soloveychik arXiv 2403.20137 (n = 64 and 32 help, 128 does not; formats.md §4.3)',
    description: 'BFP12 (d-Matrix BFP[4|8]{64}): 4-bit words incl. sign, 8-bit shared exponent, block 64',
  }),
]);

/** The registered block row of `id` (trimmed and case-folded like element names), or UNKNOWN_FORMAT. */
export function blockSpec(id: string): BlockSpec {
  const key = typeof id === 'string' ? id.trim().toLowerCase() : id;
  const r = BLOCK_FORMATS.find((b) => b.id === key);
  if (!r) return fail('UNKNOWN_FORMAT', `unknown block format ${show(id)}; known: ${BLOCK_FORMATS.map((b) => b.id).join(', ')}`, id);
  return r;
}
