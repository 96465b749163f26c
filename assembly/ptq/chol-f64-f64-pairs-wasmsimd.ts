// Cholesky–Banachiewicz A = L Lᵀ (spec ptq.md §1.4 step 6), two rows of L per pass in f64x2
// lanes, for src/ptq/linalg.ts. a: row-major n × n (lower triangle read). Output
// lp[(q·n + k)·2 + lane] = L[2q + lane][k] (rows interleaved in pairs; zero above the diagonal).
//
// Order, per row i and column j ≤ i: v = a[i][j]; v −= L[i][k]·L[j][k] for k = 0 … j−1; then
// L[i][j] = v / L[j][j], or L[i][i] = √v — the TypeScript loop it replaces, bit for bit. The two
// rows of a pair share every column j < 2q; then row 2q's pivot, row 2q+1's column 2q, and row
// 2q+1's pivot (scalar). A pivot v that is not > 0 stops the kernel: info receives its row (i32 at
// +0) and v (f64 at +8), and the kernel returns 0 (1 when every pair in range succeeded).

/** Rows q·2, q·2+1 for q in [q0, q1) (the caller runs chunks so that V8 tiers the kernel up between calls). */
export function chol_f64_pairs__wasmsimd(a: usize, n: i32, q0: i32, q1: i32, lp: usize, info: usize): i32 {
  const rowBytes = <usize>n << 3;
  const pairBytes = <usize>n << 4;
  for (let q: i32 = q0; q < q1; q++) {
    const i0 = 2 * q;
    const two = i0 + 1 < n;
    const a0 = a + <usize>i0 * rowBytes;
    const a1 = two ? a0 + rowBytes : a0; // a lone last row: lane 1 mirrors lane 0 and is never read
    const lq = lp + <usize>q * pairBytes;
    memory.fill(lq, 0, pairBytes);
    for (let j: i32 = 0; j < i0; j++) {
      // L[j][k] for k < j: lane (j & 1) of pair j >> 1.
      const lj = lp + <usize>(j >> 1) * pairBytes + (<usize>(j & 1) << 3);
      let v = f64x2.replace_lane(f64x2.splat(load<f64>(a0 + (<usize>j << 3))), 1, load<f64>(a1 + (<usize>j << 3)));
      for (let k: i32 = 0; k < j; k++) v = f64x2.sub(v, f64x2.mul(v128.load(lq + (<usize>k << 4)), v128.load64_splat(lj + (<usize>k << 4))));
      v128.store(lq + (<usize>j << 4), f64x2.div(v, v128.load64_splat(lj + (<usize>j << 4))));
    }
    // Row i0's pivot and row i0+1's column i0: L[i0][k] is lane 0 of the pair itself.
    let v = f64x2.replace_lane(f64x2.splat(load<f64>(a0 + (<usize>i0 << 3))), 1, load<f64>(a1 + (<usize>i0 << 3)));
    for (let k: i32 = 0; k < i0; k++) {
      const x = v128.load(lq + (<usize>k << 4));
      v = f64x2.sub(v, f64x2.mul(x, v128.load64_splat(lq + (<usize>k << 4))));
    }
    const p0 = f64x2.extract_lane(v, 0);
    if (!(p0 > 0)) {
      store<i32>(info, i0);
      store<f64>(info, p0, 8);
      return 0;
    }
    const d0 = Math.sqrt(p0);
    store<f64>(lq + (<usize>i0 << 4), d0);
    if (!two) continue;
    store<f64>(lq + (<usize>i0 << 4), f64x2.extract_lane(v, 1) / d0, 8);
    // Row i0+1's pivot: v = a[i1][i1] − Σ_{k ≤ i0} L[i1][k]², scalar.
    let p1 = load<f64>(a1 + (<usize>(i0 + 1) << 3));
    for (let k: i32 = 0; k <= i0; k++) {
      const x = load<f64>(lq + (<usize>k << 4), 8);
      p1 -= x * x;
    }
    if (!(p1 > 0)) {
      store<i32>(info, i0 + 1);
      store<f64>(info, p1, 8);
      return 0;
    }
    store<f64>(lq + (<usize>(i0 + 1) << 4), Math.sqrt(p1), 8);
  }
  return 1;
}
