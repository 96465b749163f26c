/** Summary statistics of a tensor in float64 (one pass for moments, one for kurtosis-free parts). */
import { fail, show } from '../errors.js';
import type { TensorSummary } from './types.js';

export type TensorStats = Pick<TensorSummary, 'n' | 'mean' | 'std' | 'absmax' | 'crest' | 'crestRows' | 'kurtosis' | 'nonFinite'>;

/**
 * n, mean, population std, absmax, crest factor (absmax / RMS), mean per-row crest (rows along the
 * last axis; all-zero rows are left out of that mean), excess kurtosis and the count of non-finite elements (which are left out of the rest).
 * Moments are central, accumulated with Welford's update in float64.
 */
export function tensorStats(x: Float32Array, shape: readonly number[]): TensorStats {
  const n = x.length;
  if (shape.reduce((a, d) => a * d, 1) !== n) fail('BAD_SHAPE', `tensorStats: shape ${show(shape)} does not hold ${n} elements`, shape);
  const rowLen = shape.length > 0 ? shape[shape.length - 1] : n;
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let absmax = 0;
  let sumSq = 0;
  let nonFinite = 0;
  let crestSum = 0;
  let crestRowsCounted = 0;
  for (let r = 0; r < n; r += rowLen || n) {
    const end = Math.min(n, r + (rowLen || n));
    let rowMax = 0;
    let rowSq = 0;
    let rowCount = 0;
    for (let i = r; i < end; i++) {
      const v = x[i];
      if (!Number.isFinite(v)) {
        nonFinite++;
        continue;
      }
      const a = Math.abs(v);
      if (a > rowMax) rowMax = a;
      rowSq += v * v;
      rowCount++;
      const c1 = count;
      count++;
      const d = v - mean;
      const dn = d / count;
      const dn2 = dn * dn;
      const t1 = d * dn * c1;
      mean += dn;
      m4 += t1 * dn2 * (count * count - 3 * count + 3) + 6 * dn2 * m2 - 4 * dn * m3;
      m3 += t1 * dn * (count - 2) - 3 * dn * m2;
      m2 += t1;
    }
    if (rowMax > absmax) absmax = rowMax;
    sumSq += rowSq;
    if (rowCount > 0 && rowSq > 0) {
      crestSum += rowMax / Math.sqrt(rowSq / rowCount);
      crestRowsCounted++;
    }
  }
  const variance = count > 0 ? m2 / count : 0;
  const rms = count > 0 ? Math.sqrt(sumSq / count) : 0;
  return {
    n,
    mean: count > 0 ? mean : 0,
    std: Math.sqrt(variance),
    absmax,
    crest: rms > 0 ? absmax / rms : 0,
    crestRows: crestRowsCounted > 0 ? crestSum / crestRowsCounted : 0,
    kurtosis: m2 > 0 ? (count * m4) / (m2 * m2) - 3 : 0,
    nonFinite,
  };
}
