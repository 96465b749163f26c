// ‖W X − Q X‖² / ‖W X‖² on hand cases, and the Hessian form equal to the X form.
import { describe, expect, it } from 'vitest';
import { gptq, HessianAccumulator, layerError } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { hessianOf, randMatrix } from '../helpers/ptq.js';

describe('layerError', () => {
  it('hand cases', () => {
    // W = [1, 2], Q = [1, 1], X = [[1, 1]]: WX = 3, QX = 2 ⇒ 1/9
    expect(layerError(Float64Array.from([1, 2]), Float64Array.from([1, 1]), Float64Array.from([1, 1]), { shape: [1, 2], tokens: 1 })).toBe(1 / 9);
    // X = I (2 tokens): ‖W − Q‖² / ‖W‖² = (0.25 + 0.25) / (1 + 4 + 9 + 16)
    const W = Float64Array.from([1, 2, 3, 4]);
    const Q = Float64Array.from([1.5, 2, 3, 3.5]);
    expect(layerError(W, Q, Float64Array.from([1, 0, 0, 1]), { shape: [2, 2], tokens: 2 })).toBe(0.5 / 30);
    expect(layerError(W, W, Float64Array.from([1, 0, 0, 1]), { shape: [2, 2], tokens: 2 })).toBe(0);
  });

  it('the HessianAccumulator form equals the X form; GPTQ beats its own H = I (RTN) run', () => {
    const rows = 4;
    const cols = 32;
    const W = randMatrix(rows * cols, 21);
    const X = randMatrix(64 * cols, 22);
    const h = hessianOf(X, 64, cols, 16);
    const q = gptq(W, h, { shape: [rows, cols], bits: 3 }).weight;
    const viaX = layerError(W, q, X, { shape: [rows, cols], tokens: 64 });
    expect(Math.abs(layerError(W, q, h, { shape: [rows, cols] }) - viaX)).toBeLessThan(1e-12);
    const I = new Float64Array(cols * cols).map((_, k) => (k % (cols + 1) === 0 ? 1 : 0));
    const rtn = gptq(W, I, { shape: [rows, cols], bits: 3 }).weight;
    expect(viaX).toBeLessThan(layerError(W, rtn, X, { shape: [rows, cols], tokens: 64 }));
  });

  it('typed errors', () => {
    const W = Float64Array.from([1, 2]);
    expect(thrown(() => layerError(W, W, Float64Array.from([0, 0]), { shape: [1, 2], tokens: 1 })).code).toBe('BAD_OPTION');
    expect(thrown(() => layerError(W, Float64Array.from([1]), Float64Array.from([1, 1]), { shape: [1, 2], tokens: 1 })).code).toBe('BAD_LENGTH');
    expect(thrown(() => layerError(W, W, Float64Array.from([1, 1]), { shape: [1, 2] })).code).toBe('BAD_OPTION');
    expect(thrown(() => layerError(W, W, new HessianAccumulator(3), { shape: [1, 2] })).code).toBe('BAD_SHAPE');
    expect(thrown(() => layerError(Float64Array.from([1, Infinity]), W, Float64Array.from([1, 1]), { shape: [1, 2], tokens: 1 })).code).toBe('NONFINITE_INPUT');
  });
});
