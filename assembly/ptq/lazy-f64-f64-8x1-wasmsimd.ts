// GPTQ lazy batch update (spec ptq.md §1.4 step 7) in float64 f64x2 lanes, for src/ptq/gptq.ts:
// for every column j in [j0, j1): acc = Σ_k err[k·rows + r] · u[k·ldu + j] (k = 0 … n−1 ascending,
// from +0), then w[j·rows + r] −= acc. err: the block's scaled errors, column-major rows × n; u: the
// block's n rows of U (row stride ldu); w: the column-major weight (rows per column).
//
// Summation order: per (r, j) the sequential f64 chain of the TypeScript loop it replaces (no FMA),
// then one subtraction — bit for bit. Vectorised over rows: 8 rows (4 f64x2 accumulators) per pass
// over k, then pairs, then a scalar last row.

export function gptq_lazy_f64__wasmsimd(err: usize, rows: i32, n: i32, u: usize, ldu: i32, j0: i32, j1: i32, w: usize): void {
  const colBytes = <usize>rows << 3;
  const uRow = <usize>ldu << 3;
  for (let j = j0; j < j1; j++) {
    const uj = u + (<usize>j << 3);
    const wj = w + <usize>j * colBytes;
    let r: i32 = 0;
    for (; r + 8 <= rows; r += 8) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let e = err + (<usize>r << 3);
      let up = uj;
      for (let k: i32 = 0; k < n; k++) {
        const b = v128.load64_splat(up);
        a0 = f64x2.add(a0, f64x2.mul(v128.load(e), b));
        a1 = f64x2.add(a1, f64x2.mul(v128.load(e, 16), b));
        a2 = f64x2.add(a2, f64x2.mul(v128.load(e, 32), b));
        a3 = f64x2.add(a3, f64x2.mul(v128.load(e, 48), b));
        e += colBytes;
        up += uRow;
      }
      const o = wj + (<usize>r << 3);
      v128.store(o, f64x2.sub(v128.load(o), a0));
      v128.store(o, f64x2.sub(v128.load(o, 16), a1), 16);
      v128.store(o, f64x2.sub(v128.load(o, 32), a2), 32);
      v128.store(o, f64x2.sub(v128.load(o, 48), a3), 48);
    }
    for (; r + 2 <= rows; r += 2) {
      let a0 = f64x2.splat(0);
      let e = err + (<usize>r << 3);
      let up = uj;
      for (let k: i32 = 0; k < n; k++) {
        a0 = f64x2.add(a0, f64x2.mul(v128.load(e), v128.load64_splat(up)));
        e += colBytes;
        up += uRow;
      }
      const o = wj + (<usize>r << 3);
      v128.store(o, f64x2.sub(v128.load(o), a0));
    }
    if (r < rows) {
      let a: f64 = 0;
      let e = err + (<usize>r << 3);
      let up = uj;
      for (let k: i32 = 0; k < n; k++) {
        a += load<f64>(e) * load<f64>(up);
        e += colBytes;
        up += uRow;
      }
      const o = wj + (<usize>r << 3);
      store<f64>(o, load<f64>(o) - a);
    }
  }
}
