/** tensorStats on small inputs whose moments are worked out by hand. */
import { describe, expect, it } from 'vitest';
import { tensorStats } from '../../src/compare/stats.js';
import { thrown } from '../helpers/errors.js';

describe('tensorStats', () => {
  it('[1, 2, 3, 4]: mean 5/2, variance 5/4, RMS √7.5, excess kurtosis 4·(41/4)/25 − 3', () => {
    expect(tensorStats(new Float32Array([1, 2, 3, 4]), [4])).toEqual({
      n: 4,
      mean: 2.5,
      std: Math.sqrt(1.25),
      absmax: 4,
      crest: 4 / Math.sqrt(7.5),
      crestRows: 4 / Math.sqrt(7.5),
      kurtosis: -1.36,
      nonFinite: 0,
    });
  });

  it('rows along the last axis: [[1, −1, 0], [4, 0, 0]]', () => {
    const s = tensorStats(new Float32Array([1, -1, 0, 4, 0, 0]), [2, 3]);
    expect(s.n).toBe(6);
    expect(s.mean).toBeCloseTo(2 / 3, 15);
    expect(s.std).toBeCloseTo(Math.sqrt(23 / 9), 15); // Σd² = 138/9 over 6
    expect(s.absmax).toBe(4);
    expect(s.crest).toBeCloseTo(4 / Math.sqrt(3), 15); // RMS = √(18/6)
    expect(s.crestRows).toBeCloseTo((1 / Math.sqrt(2 / 3) + 4 / Math.sqrt(16 / 3)) / 2, 15);
    expect(s.kurtosis).toBeCloseTo((6 * 10674) / 81 / (46 / 3) ** 2 - 3, 14); // Σd⁴ = 10674/81, Σd² = 46/3
  });

  it('leaves non-finite elements out of every statistic and counts them', () => {
    const s = tensorStats(new Float32Array([2, NaN, -Infinity, 2, -2]), [5]);
    expect(s).toMatchObject({ n: 5, nonFinite: 2, absmax: 2, crest: 1, crestRows: 1, kurtosis: -1.5 });
    expect(s.mean).toBeCloseTo(2 / 3, 15);
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 9), 15);
  });

  it('all-zero rows are left out of the row-crest mean; empty, scalar and all-zero tensors give zeros', () => {
    expect(tensorStats(new Float32Array([0, 0, 3, 0]), [2, 2]).crestRows).toBe(3 / Math.sqrt(4.5));
    expect(tensorStats(new Float32Array(0), [0, 3])).toEqual({ n: 0, mean: 0, std: 0, absmax: 0, crest: 0, crestRows: 0, kurtosis: 0, nonFinite: 0 });
    expect(tensorStats(new Float32Array([5]), [])).toEqual({ n: 1, mean: 5, std: 0, absmax: 5, crest: 1, crestRows: 1, kurtosis: 0, nonFinite: 0 });
    expect(tensorStats(new Float32Array(3), [3])).toMatchObject({ std: 0, crest: 0, crestRows: 0, kurtosis: 0 });
  });

  it('rejects a shape that does not hold the data (BAD_SHAPE) instead of using wrong rows', () => {
    const e = thrown(() => tensorStats(new Float32Array(6), [4]));
    expect(e.code).toBe('BAD_SHAPE');
    expect(e.message).toContain('shape [4] does not hold 6 elements');
  });
});
