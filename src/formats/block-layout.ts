/**
 * Block formats' storage layout and options, shared by the reference twin (block-ref.ts) and the
 * kernel path (block.ts): the [outer, L, inner] plan of a shape and axis, the scale shape, the
 * scale-rule and rounding options, the power-of-two scale range of a row, and the payload checks.
 * Spec-level only (docs/block-formats.md §Layout): no encoding or decoding happens here.
 */
import { fail, show } from '../errors.js';
import { checkScaleRule } from './block-scale.js';
import { blockElement, scaleBits, type BlockScaleRule, type BlockSpec } from './block-spec.js';
import type { RoundingMode } from './spec.js';

export type BlockRounding = 'rne' | 'half_away' | 'toward_zero' | 'toward_positive' | 'toward_negative';
export const BLOCK_ROUNDINGS: readonly RoundingMode[] = ['rne', 'half_away', 'toward_zero', 'toward_positive', 'toward_negative'];

export interface BlockOptions {
  /** Row-major shape; default [x.length]. */
  shape?: readonly number[];
  /** Axis along which blocks run; default the last. Negative counts from the end. */
  axis?: number;
  /** Default: the row's scaleRule. E8M0 / BFP rows: floor | ceil | rceil | even; NV rows: nv_te only. */
  scaleRule?: BlockScaleRule;
  /** Element rounding; default 'rne'. */
  rounding?: BlockRounding;
}

export interface BlockEncoding {
  format: string;
  shape: number[];
  /** Normalised (non-negative) axis. */
  axis: number;
  /** Packed element codes (LSB-first stream), natural order. */
  codes: Uint8Array;
  /** One byte per block, [outer, nBlocksAlongAxis, inner] row-major. */
  scales: Uint8Array;
  /** NV rows only: f32 decode scale s_dec = f32(1/S_enc). */
  tensorScale?: number;
}

export interface BlockPlan {
  n: number;
  shape: number[];
  axis: number;
  outer: number;
  L: number;
  inner: number;
  k: number;
  /** Blocks along the axis: ⌈L/k⌉. */
  nb: number;
  /** Total blocks: outer · nb · inner. */
  nBlocks: number;
}

export function blockPlan(spec: BlockSpec, n: number, shapeIn?: readonly number[], axisIn?: number): BlockPlan {
  if (shapeIn !== undefined && !Array.isArray(shapeIn)) fail('BAD_SHAPE', `shape must be an array, got ${show(shapeIn)}`, shapeIn);
  const shape = shapeIn === undefined ? [n] : [...shapeIn];
  if (shape.length === 0 || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    fail('BAD_SHAPE', `shape ${show(shape)} must be a non-empty list of non-negative integers`, shape);
  const prod = shape.reduce((a, b) => a * b, 1);
  if (prod !== n) fail('BAD_SHAPE', `shape ${show(shape)} has ${prod} elements but the input has ${n}`, shape);
  const rank = shape.length;
  let axis = axisIn ?? rank - 1;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) fail('BAD_SHAPE', `axis ${show(axisIn)} out of range for rank ${rank} (shape ${show(shape)})`, axisIn);
  if (axis < 0) axis += rank;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const L = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const k = spec.blockSize;
  const nb = Math.ceil(L / k);
  return { n, shape, axis, outer, L, inner, k, nb, nBlocks: outer * nb * inner };
}

/** Scale shape: `shape` with shape[axis] replaced by ⌈L/k⌉. */
export function scaleShape(p: BlockPlan): number[] {
  const s = [...p.shape];
  s[p.axis] = p.nb;
  return s;
}

export function resolveScaleRule(spec: BlockSpec, rule: unknown): BlockScaleRule {
  if (rule === undefined) return spec.scaleRule;
  if (spec.scale === 'ue4m3') {
    if (rule !== 'nv_te') fail('BAD_OPTION', `unknown scale rule ${show(rule)} for ${spec.id}; its UE4M3 block scale takes 'nv_te' only`, rule);
    return 'nv_te';
  }
  return checkScaleRule(rule);
}

/** Exponent range and NaN code of a power-of-two scale format (E8M0 = 8-bit BFP exponent). */
export function expScale(spec: BlockSpec): { bias: number; nan: number } {
  const E = spec.scale === 'e8m0fnu' ? 8 : typeof spec.scale === 'object' ? spec.scale.expBits : -1;
  if (E < 0) fail('BAD_FORMAT_PARAMS', `${spec.id} has no power-of-two scale`, spec.id);
  return { bias: 2 ** (E - 1) - 1, nan: 2 ** E - 1 };
}

/**
 * Checks an encoded payload against the row (format, shape/axis, code and scale lengths, padding bits,
 * scale bytes, tensor scale) without unpacking it; returns its plan. Shared by the twin and the kernel path.
 */
export function checkBlockPayload(spec: BlockSpec, e: BlockEncoding): BlockPlan {
  if (e === null || typeof e !== 'object') fail('BAD_TYPE', `encoded payload must be an object, got ${show(e)}`, e);
  if (e.format !== spec.id) fail('FORMAT_MISMATCH', `payload was encoded as ${show(e.format)}, not ${spec.id}`, e.format);
  if (!Array.isArray(e.shape)) fail('BAD_SHAPE', `payload shape must be an array, got ${show(e.shape)}`, e.shape);
  const n = e.shape.reduce((a: number, b: number) => a * b, 1);
  const p = blockPlan(spec, n, e.shape, e.axis);
  const el = blockElement(spec);
  if (!(e.codes instanceof Uint8Array)) fail('BAD_TYPE', `payload codes must be a Uint8Array, got ${show(e.codes)}`, e.codes);
  if (!(e.scales instanceof Uint8Array)) fail('BAD_TYPE', `payload scales must be a Uint8Array, got ${show(e.scales)}`, e.scales);
  const want = Math.ceil((p.n * el.bits) / 8);
  if (e.codes.length !== want)
    fail('BAD_LENGTH', `payload codes hold ${e.codes.length} bytes, but shape ${show(p.shape)} needs ⌈${p.n}·${el.bits}/8⌉ = ${want}`, e.codes.length);
  const used = (p.n * el.bits) % 8;
  if (used !== 0 && e.codes[want - 1] >> used !== 0)
    fail('BAD_CODE', `payload codes byte ${want - 1} has non-zero padding bits above bit ${used - 1}`, e.codes[want - 1]);
  if (e.scales.length !== p.nBlocks)
    fail('BAD_LENGTH', `payload scales hold ${e.scales.length} bytes, but shape ${show(p.shape)} along axis ${p.axis} has ${p.nBlocks} blocks of ${p.k}`, e.scales.length);
  if (spec.tensorScale === 'f32') {
    const t = e.tensorScale;
    if (typeof t !== 'number' || !Number.isFinite(t) || !(t > 0) || Math.fround(t) !== t)
      fail('BAD_SCALE', `${spec.id} payload needs tensorScale, a finite f32 > 0, got ${show(t)}`, t);
  } else if (e.tensorScale !== undefined) fail('BAD_SCALE', `${spec.id} has no tensor scale, but the payload carries ${show(e.tensorScale)}`, e.tensorScale);
  const sLimit = 2 ** scaleBits(spec);
  for (let b = 0; b < e.scales.length; b++)
    if (e.scales[b] >= sLimit) fail('BAD_CODE', `scale byte ${e.scales[b]} of block ${b} does not fit the ${scaleBits(spec)}-bit scale of ${spec.id}`, e.scales[b]);
  return p;
}
