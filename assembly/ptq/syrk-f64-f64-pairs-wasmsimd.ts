// GPTQ Hessian update S = Xᵀ X (lower triangle, pairs of columns) in float64 f64x2 lanes, for
// src/ptq/hessian.ts. Input: the scaled calibration batch with channels interleaved in pairs,
// xp[(p·rows + t)·2 + l] = x[t, 2p + l] (an odd channel count padded with a zero channel). Output
// s[i·ld + j] for every i and every j of the pairs p ≤ i/2 (so j ≤ i + 1; the caller reads j ≤ i).
//
// Summation order: every s[i, j] is the sequential f64 chain s = s + x[t, i]·x[t, j] for
// t = 0 … rows−1 from +0 (no FMA), the order of the TypeScript loop it replaces — bit for bit.
// With tri = 1 the chains of channels 2q, 2q+1 start at t = 2q (the Cholesky inverse's
// Σ_{k ≥ i} Y[k][i]·Y[k][j], Y lower triangular: the one extra term of channel 2q+1 is
// Y[2q][2q+1] = 0, and +0 + (±0) = +0, so the chain equals the one from t = i).
// Blocking: 2 channels i × 2 pairs p (4 f64x2 accumulators) per pass over t.

/** Channels 2q, 2q+1 (splats from the pair at xi) × the pairs at xj0 (and xj1 when two): rows s0, s1 of S. */
@inline function tile2x2(xi: usize, xj0: usize, xj1: usize, t0: i32, rows: i32, s0: usize, s1: usize, two: bool): void {
  let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
  for (let t: i32 = t0; t < rows; t++) {
    const o = <usize>t << 4;
    const b0 = v128.load64_splat(xi + o);
    const b1 = v128.load64_splat(xi + o + 8);
    const w0 = v128.load(xj0 + o);
    a00 = f64x2.add(a00, f64x2.mul(b0, w0));
    a10 = f64x2.add(a10, f64x2.mul(b1, w0));
    if (two) {
      const w1 = v128.load(xj1 + o);
      a01 = f64x2.add(a01, f64x2.mul(b0, w1));
      a11 = f64x2.add(a11, f64x2.mul(b1, w1));
    }
  }
  v128.store(s0, a00);
  v128.store(s1, a10);
  if (two) {
    v128.store(s0, a01, 16);
    v128.store(s1, a11, 16);
  }
}

/**
 * xp: rows × npairs interleaved pairs (see above); s: output, row stride ld f64 (ld ≥ 2·npairs).
 * Channel pairs (2q, 2q+1) for q in [q0, q1) are processed together as the two i rows; pairs p ≤ q
 * as the j columns. (The caller runs q in chunks so that V8 tiers the kernel up between calls.)
 */
export function syrk_f64_pairs__wasmsimd(xp: usize, rows: i32, q0: i32, q1: i32, s: usize, ld: i32, tri: i32): void {
  const pairBytes = <usize>rows << 4;
  const rowBytes = <usize>ld << 3;
  for (let q: i32 = q0; q < q1; q++) {
    const xi = xp + <usize>q * pairBytes;
    const s0 = s + <usize>(2 * q) * rowBytes;
    const s1 = s0 + rowBytes;
    const t0: i32 = tri ? 2 * q : 0;
    let p: i32 = 0;
    for (; p + 1 <= q; p += 2) {
      const xj = xp + <usize>p * pairBytes;
      tile2x2(xi, xj, xj + pairBytes, t0, rows, s0 + (<usize>(2 * p) << 3), s1 + (<usize>(2 * p) << 3), true);
    }
    if (p <= q) {
      const xj = xp + <usize>p * pairBytes;
      tile2x2(xi, xj, 0, t0, rows, s0 + (<usize>(2 * p) << 3), s1 + (<usize>(2 * p) << 3), false);
    }
  }
}
