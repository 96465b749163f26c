// HessianAccumulator: the add_batch running mean equals 2/n Σ x xᵀ (n = samples), exactly symmetric.
import { describe, expect, it } from 'vitest';
import { HessianAccumulator } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { randMatrix } from '../helpers/ptq.js';

function direct(x: Float64Array, tokens: number, cols: number, n: number): Float64Array {
  const h = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) for (let t = 0; t < tokens; t++) h[i * cols + j] += x[t * cols + i] * x[t * cols + j];
  return h.map((v) => (2 / n) * v);
}

describe('HessianAccumulator', () => {
  const cols = 12;
  const X = randMatrix(30 * cols, 41);

  it('one add: H = 2 Σ x xᵀ; three adds of 10 tokens: H = 2/3 Σ x xᵀ; samples counts n', () => {
    const one = new HessianAccumulator(cols).add(X, { rows: 30 });
    const three = new HessianAccumulator(cols);
    for (let b = 0; b < 3; b++) three.add(X.subarray(b * 10 * cols, (b + 1) * 10 * cols), { rows: 10 });
    const weighted = new HessianAccumulator(cols).add(X, { rows: 30, samples: 3 });
    expect(three.n).toBe(3);
    for (const [h, n] of [[one, 1], [three, 3], [weighted, 3]] as const) {
      const d = direct(X, 30, cols, n);
      for (let i = 0; i < d.length; i++) expect(Math.abs(h.H[i] - d[i])).toBeLessThan(1e-12 * Math.abs(d[i]) + 1e-14);
      for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) expect(h.H[i * cols + j]).toBe(h.H[j * cols + i]);
    }
  });

  it('the first update is exact: x·sqrt(2) products summed over tokens in order', () => {
    const h = new HessianAccumulator(2).add(Float64Array.from([1, 2, 3, 4]), { rows: 2 });
    const k = Math.SQRT2;
    expect(Array.from(h.H)).toEqual([k * k + 3 * k * (3 * k), k * (2 * k) + 3 * k * (4 * k), k * (2 * k) + 3 * k * (4 * k), 2 * k * (2 * k) + 4 * k * (4 * k)]);
  });

  it('typed errors', () => {
    expect(thrown(() => new HessianAccumulator(0)).code).toBe('BAD_OPTION');
    expect(thrown(() => new HessianAccumulator(2).add(new Float64Array(4), {} as { rows: number })).code).toBe('BAD_OPTION');
    expect(thrown(() => new HessianAccumulator(2).add(new Float64Array(4), { rows: 2, samples: 0 })).code).toBe('BAD_OPTION');
    expect(thrown(() => new HessianAccumulator(2).add([1, 2] as unknown as Float64Array, { rows: 1 })).code).toBe('BAD_TYPE');
  });
});
