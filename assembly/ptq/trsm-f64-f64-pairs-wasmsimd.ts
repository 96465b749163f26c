// The Cholesky inverse's forward substitution Y = L⁻¹ (spec ptq.md §1.4 step 6), two columns of Y
// per pass in f64x2 lanes, for src/ptq/linalg.ts. l: lower factor, row-major n × n. Output
// yp[(q·n + k)·2 + lane] = Y[k][2q + lane] (columns interleaved in pairs; zero above the diagonal).
//
// Order: per column c and row i > c, s = Σ_{k=c}^{i−1} l[i][k]·Y[k][c] (k ascending, from +0), then
// Y[i][c] = −s / l[i][i]; Y[c][c] = 1 / l[c][c] — the TypeScript loop it replaces, bit for bit. The
// pair's second column starts its chain one k early, at Y[2q][2q+1] = 0: +0 + (±0) = +0, so its
// sums are unchanged.

/** Column pairs q in [q0, q1) (the caller runs chunks so that V8 tiers the kernel up between calls). */
export function trsm_f64_pairs__wasmsimd(l: usize, n: i32, q0: i32, q1: i32, yp: usize): void {
  const rowBytes = <usize>n << 3;
  for (let q: i32 = q0; q < q1; q++) {
    const c = 2 * q;
    const col = yp + <usize>q * (<usize>n << 4);
    memory.fill(col, 0, <usize>n << 4);
    store<f64>(col + (<usize>c << 4), 1 / load<f64>(l + <usize>c * rowBytes + (<usize>c << 3)));
    for (let i = c + 1; i < n; i++) {
      const li = l + <usize>i * rowBytes;
      let s = f64x2.splat(0);
      for (let k = c; k < i; k++) s = f64x2.add(s, f64x2.mul(v128.load64_splat(li + (<usize>k << 3)), v128.load(col + (<usize>k << 4))));
      const d = load<f64>(li + (<usize>i << 3));
      let y = f64x2.div(f64x2.neg(s), f64x2.splat(d));
      if (i === c + 1) y = f64x2.replace_lane(y, 1, 1 / d);
      v128.store(col + (<usize>i << 4), y);
    }
  }
}
