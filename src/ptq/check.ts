/** Input checks shared by the PTQ entry points (typed NumlabErrors naming the bad value). */
import { fail, show } from '../errors.js';

export type Real = Float32Array | Float64Array;

export function isReal(x: unknown): x is Real {
  return x instanceof Float32Array || x instanceof Float64Array;
}

/** A [rows, cols] shape of positive integers. */
export function checkShape(shape: unknown, what: string): [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    fail('BAD_SHAPE', `${what} shape must be [rows, cols] of positive integers, got ${show(shape)}`, shape);
  }
  return [shape[0], shape[1]];
}

/** A Float32Array/Float64Array of exactly n finite values. */
export function checkMatrix(x: unknown, n: number, what: string, shapeText: string): Real {
  if (!isReal(x)) fail('BAD_TYPE', `${what} must be a Float32Array or Float64Array, got ${show(x)}`, x);
  if (x.length !== n) fail('BAD_LENGTH', `${what} has ${x.length} values, shape ${shapeText} needs ${n}`, x.length);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) fail('NONFINITE_INPUT', `${what}[${i}] is ${show(x[i])} (must be finite)`, x[i]);
  }
  return x;
}

export function checkInt(v: unknown, what: string, min: number, max: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    fail('BAD_OPTION', `${what} must be an integer in [${min}, ${max}], got ${show(v)}`, v);
  }
  return v as number;
}
