/**
 * SmoothQuant (spec ptq.md §2): per-input-channel activation absmax, s_j = max|X_j|^α / max|W_j|^(1−α)
 * with the reference's clamps (weight absmax ≥ 1e-5, s ≥ 1e-5), folded into the preceding
 * LayerNorm/RMSNorm (weight and bias ÷ s) and the following linears (column j × s_j), so the float
 * output is unchanged. Parameters are f32 like the reference's weight dtype; s is computed in
 * float64 and rounded to f32 once, folds are single f32 operations.
 */
import { fail, show } from '../errors.js';
import { checkInt, checkMatrix, checkShape } from './check.js';

/** Running per-channel max |x| over calibration batches [rows, cols] (the reference's act_scales). */
export class ActivationAbsMax {
  readonly cols: number;
  readonly absmax: Float32Array;
  constructor(cols: number) {
    this.cols = checkInt(cols, 'ActivationAbsMax cols', 1, 2 ** 24);
    this.absmax = new Float32Array(cols);
  }
  add(x: Float32Array | Float64Array, opts: { rows: number }): this {
    const rows = checkInt(opts?.rows, 'ActivationAbsMax.add rows', 1, 2 ** 31 - 1);
    const c = this.cols;
    checkMatrix(x, rows * c, 'calibration batch', `[${rows}, ${c}]`);
    const m = this.absmax;
    for (let t = 0; t < rows; t++) {
      for (let j = 0; j < c; j++) {
        const v = Math.fround(Math.abs(x[t * c + j]));
        if (v > m[j]) m[j] = v;
      }
    }
    return this;
  }
}

export interface SmoothLinear {
  /** [out, in] row-major; in = channels. */
  weight: Float32Array;
  shape: [number, number];
}

export interface SmoothQuantOptions {
  /** Per-channel max |x| of the linears' input (ActivationAbsMax.absmax). */
  actScales: Float32Array;
  /** The linears fed by the norm (e.g. q, k, v); their max |W[:, j]| is taken jointly. */
  linears: SmoothLinear[];
  /** The preceding LayerNorm (weight, bias) or RMSNorm (weight). */
  norm: { weight: Float32Array; bias?: Float32Array };
  /** Migration strength α in [0, 1]; default 0.5. */
  alpha?: number;
}

export interface SmoothQuantResult {
  /** s_j (f32). */
  scales: Float32Array;
  /** New norm parameters: weight / s (and bias / s). */
  norm: { weight: Float32Array; bias?: Float32Array };
  /** New linear weights: W[:, j] · s_j, same order and shapes as the input. */
  linears: Float32Array[];
}

const EPS = Math.fround(1e-5);

export function smoothquant(o: SmoothQuantOptions): SmoothQuantResult {
  const alpha = o?.alpha ?? 0.5;
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) fail('BAD_OPTION', `alpha must be a number in [0, 1], got ${show(alpha)}`, alpha);
  if (!(o.actScales instanceof Float32Array)) fail('BAD_TYPE', `actScales must be a Float32Array, got ${show(o.actScales)}`, o.actScales);
  const c = o.actScales.length;
  checkMatrix(o.actScales, c, 'actScales', `[${c}]`);
  for (let j = 0; j < c; j++) if (o.actScales[j] < 0) fail('BAD_OPTION', `actScales[${j}] is negative (${o.actScales[j]})`, o.actScales[j]);
  if (!Array.isArray(o.linears) || o.linears.length === 0) fail('BAD_OPTION', `linears must be a non-empty array, got ${show(o.linears)}`, o.linears);
  const wmax = new Float32Array(c);
  for (const [k, l] of o.linears.entries()) {
    const [out, inp] = checkShape(l?.shape, `linears[${k}]`);
    if (inp !== c) fail('BAD_SHAPE', `linears[${k}] has ${inp} input channels, actScales has ${c}`, l.shape);
    if (!(l.weight instanceof Float32Array)) fail('BAD_TYPE', `linears[${k}].weight must be a Float32Array, got ${show(l.weight)}`, l.weight);
    checkMatrix(l.weight, out * inp, `linears[${k}].weight`, `[${out}, ${inp}]`);
    for (let r = 0; r < out; r++) for (let j = 0; j < c; j++) wmax[j] = Math.max(wmax[j], Math.abs(l.weight[r * c + j]));
  }
  const norm = o.norm;
  for (const key of ['weight', 'bias'] as const) {
    const v = norm?.[key];
    if (key === 'bias' && v === undefined) continue;
    if (!(v instanceof Float32Array)) fail('BAD_TYPE', `norm.${key} must be a Float32Array, got ${show(v)}`, v);
    checkMatrix(v, c, `norm.${key}`, `[${c}]`);
  }
  const s = new Float32Array(c);
  for (let j = 0; j < c; j++) {
    const w = Math.max(wmax[j], EPS);
    s[j] = Math.max(Math.fround(o.actScales[j] ** alpha / w ** (1 - alpha)), EPS);
  }
  const div = (v: Float32Array) => v.map((x, j) => x / s[j]);
  const linears = o.linears.map((l) => l.weight.map((x, i) => x * s[i % c]));
  return { scales: s, norm: norm.bias ? { weight: div(norm.weight), bias: div(norm.bias) } : { weight: div(norm.weight) }, linears };
}
