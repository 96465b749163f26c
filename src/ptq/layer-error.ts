/**
 * Layer evaluation (spec ptq.md §1.1): ‖W X − Q X‖² / ‖W X‖² in float64, with W, Q [rows, cols]
 * and calibration X [tokens, cols] (rows of X are tokens, as in HessianAccumulator.add), or from a
 * HessianAccumulator (H ∝ X Xᵀ, and the scale cancels in the ratio).
 */
import { fail, show } from '../errors.js';
import { checkInt, checkMatrix, checkShape, isReal, type Real } from './check.js';
import { HessianAccumulator } from './hessian.js';

export interface LayerErrorOptions {
  /** [rows, cols] of W and Q. */
  shape: [number, number];
  /** Rows of X (tokens); required when X is an array. */
  tokens?: number;
}

export function layerError(W: Real, Q: Real, X: Real | HessianAccumulator, opts: LayerErrorOptions): number {
  const [rows, cols] = checkShape(opts?.shape, 'layerError weight');
  const text = `[${rows}, ${cols}]`;
  checkMatrix(W, rows * cols, 'layerError W', text);
  checkMatrix(Q, rows * cols, 'layerError Q', text);
  const d = new Float64Array(cols);
  let num = 0;
  let den = 0;
  if (X instanceof HessianAccumulator) {
    if (X.cols !== cols) fail('BAD_SHAPE', `Hessian accumulator has ${X.cols} cols, W has ${cols}`, X.cols);
    const H = X.H;
    const hw = new Float64Array(cols);
    const hd = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) d[j] = W[r * cols + j] - Q[r * cols + j];
      hw.fill(0);
      hd.fill(0);
      for (let i = 0; i < cols; i++) {
        const wi = W[r * cols + i];
        const di = d[i];
        for (let j = 0; j < cols; j++) {
          hw[j] += wi * H[i * cols + j];
          hd[j] += di * H[i * cols + j];
        }
      }
      for (let j = 0; j < cols; j++) {
        den += hw[j] * W[r * cols + j];
        num += hd[j] * d[j];
      }
    }
  } else {
    if (!isReal(X)) fail('BAD_TYPE', `X must be a Float32Array, Float64Array or HessianAccumulator, got ${show(X)}`, X);
    const tokens = checkInt(opts.tokens, 'layerError tokens', 1, 2 ** 31 - 1);
    checkMatrix(X, tokens * cols, 'layerError X', `[${tokens}, ${cols}]`);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) d[j] = W[r * cols + j] - Q[r * cols + j];
      for (let t = 0; t < tokens; t++) {
        let y = 0;
        let e = 0;
        for (let j = 0; j < cols; j++) {
          const x = X[t * cols + j];
          y += W[r * cols + j] * x;
          e += d[j] * x;
        }
        den += y * y;
        num += e * e;
      }
    }
  }
  if (den === 0) fail('BAD_OPTION', 'layerError is undefined: ‖W X‖ = 0 (W or X is zero on the calibration data)', den);
  return num / den;
}
