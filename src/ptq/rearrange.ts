/**
 * Channel rearrangement for block formats (K-sort, Trukhanov & Soloveychik, arXiv 2403.20137; spec
 * ptq.md §4): sort the inner (k) channels of K by their L2 norm, descending (stable: ties keep index
 * order), so channels of similar magnitude share a block, and apply the same permutation to Q, so
 * Q·Kᵀ is unchanged (Σ_i q_i k_i = Σ_j q_P(j) k_P(j)). With keepPairs the unit is the RoPE pair
 * (2i, 2i+1), sorted by pair norm ‖k_2i‖² + ‖k_2i+1‖², so a rotated pair stays adjacent and in order.
 * The permutation acts within the inner dimension only: K and Q are [rows, d], d the head dim.
 */
import { fail, show } from '../errors.js';
import { checkInt, checkMatrix, checkShape, isReal, type Real } from './check.js';

export interface RearrangeOptions {
  /** [rows, d] of K (keys: tokens × head dim). Q is [Q.length / d, d]. */
  shape: [number, number];
  /** Block size of the target format: checked to tile d (and to be even with keepPairs); the sort does not depend on it. */
  blockSize?: number;
  /** Keep RoPE pairs (2i, 2i+1) together (Meta interleaved layout); d must be even. */
  keepPairs?: boolean;
}

export interface RearrangeResult<T extends Real> {
  /** New channel j holds old channel perm[j]. */
  perm: Int32Array;
  /** perm applied to K's and Q's channels (same array types as the inputs). */
  K: T;
  Q: T;
  /** L2 norm of each original channel of K (f64). */
  norms: Float64Array;
}

/** Gather channels: out[r, j] = x[r, perm[j]] for x [rows, d]. */
export function permuteChannels<T extends Real>(x: T, perm: Int32Array, d: number): T {
  if (!isReal(x)) fail('BAD_TYPE', `permuteChannels x must be a Float32Array or Float64Array, got ${show(x)}`, x);
  checkPerm(perm, d);
  if (x.length % d !== 0) fail('BAD_LENGTH', `permuteChannels x has ${x.length} values, not a multiple of d = ${d}`, x.length);
  const out = new (x.constructor as new (n: number) => T)(x.length);
  for (let r = 0; r < x.length; r += d) {
    for (let j = 0; j < d; j++) out[r + j] = x[r + perm[j]];
  }
  return out;
}

/** Inverse permutation: permuteChannels(permuteChannels(x, p, d), inversePermutation(p), d) is x. */
export function inversePermutation(perm: Int32Array): Int32Array {
  checkPerm(perm, perm?.length);
  const inv = new Int32Array(perm.length);
  for (let j = 0; j < perm.length; j++) inv[perm[j]] = j;
  return inv;
}

function checkPerm(perm: unknown, d: number): asserts perm is Int32Array {
  if (!(perm instanceof Int32Array)) fail('BAD_TYPE', `perm must be an Int32Array, got ${show(perm)}`, perm);
  if (perm.length !== d) fail('BAD_LENGTH', `perm has ${perm.length} entries, d is ${d}`, perm.length);
  const seen = new Uint8Array(d);
  for (let j = 0; j < d; j++) {
    const p = perm[j];
    if (p < 0 || p >= d || seen[p]) fail('BAD_OPTION', `perm is not a permutation of 0..${d - 1}: perm[${j}] = ${p}`, p);
    seen[p] = 1;
  }
}

/** K-sort: the norm-sorting permutation of K's channels, applied to K and Q. */
export function rearrangeChannels<T extends Real>(K: T, Q: T, opts: RearrangeOptions): RearrangeResult<T> {
  if (typeof opts !== 'object' || opts === null) fail('BAD_OPTION', `rearrangeChannels options must be an object, got ${show(opts)}`, opts);
  const [rows, d] = checkShape(opts.shape, 'rearrangeChannels K');
  checkMatrix(K, rows * d, 'rearrangeChannels K', `[${rows}, ${d}]`);
  if (!isReal(Q)) fail('BAD_TYPE', `rearrangeChannels Q must be a Float32Array or Float64Array, got ${show(Q)}`, Q);
  if (Q.length === 0 || Q.length % d !== 0) fail('BAD_LENGTH', `rearrangeChannels Q has ${Q.length} values, need a positive multiple of d = ${d}`, Q.length);
  checkMatrix(Q, Q.length, 'rearrangeChannels Q', `[${Q.length / d}, ${d}]`);
  const keepPairs = opts.keepPairs ?? false;
  if (typeof keepPairs !== 'boolean') fail('BAD_OPTION', `keepPairs must be a boolean, got ${show(keepPairs)}`, keepPairs);
  if (keepPairs && d % 2 !== 0) fail('BAD_SHAPE', `keepPairs needs an even head dim, got d = ${d}`, d);
  if (opts.blockSize !== undefined) {
    const b = checkInt(opts.blockSize, 'rearrangeChannels blockSize', 1, d);
    if (d % b !== 0) fail('BAD_OPTION', `blockSize ${b} does not tile the head dim d = ${d}`, b);
    if (keepPairs && b % 2 !== 0) fail('BAD_OPTION', `blockSize ${b} is odd: a RoPE pair would straddle two blocks`, b);
  }
  const sq = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) sq[j] += K[r * d + j] * K[r * d + j];
  }
  const norms = sq.map(Math.sqrt);
  const unit = keepPairs ? 2 : 1;
  const units = Array.from({ length: d / unit }, (_, u) => u);
  const key = (u: number) => (keepPairs ? sq[2 * u] + sq[2 * u + 1] : sq[u]);
  units.sort((x, y) => key(y) - key(x) || x - y);
  const perm = new Int32Array(d);
  units.forEach((u, k) => {
    for (let m = 0; m < unit; m++) perm[k * unit + m] = u * unit + m;
  });
  return { perm, K: permuteChannels(K, perm, d), Q: permuteChannels(Q, perm, d), norms };
}
