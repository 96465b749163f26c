// GPTQ's in-block rank-1 update in float64 f64x2 lanes, for src/ptq/gptq.ts: for every column j in
// [j0, j1) of the column-major block w (rows per column), w[j·rows + r] = w[j·rows + r] ∓ x[r]·v[j]
// (mode 1: subtract, 0: add) — one multiply and one add per element (no FMA), the TypeScript loop
// it replaces (gptqRank1Ref in src/ptq/kernels-ref.ts), bit for bit.

export function gptq_rank1_f64__wasmsimd(x: usize, rows: i32, w: usize, v: usize, j0: i32, j1: i32, mode: i32): void {
  const colBytes = <usize>rows << 3;
  const sub = mode != 0;
  for (let j = j0; j < j1; j++) {
    const s = v128.load64_splat(v + (<usize>j << 3));
    const wj = w + <usize>j * colBytes;
    let r: i32 = 0;
    for (; r + 4 <= rows; r += 4) {
      const o = wj + (<usize>r << 3);
      const e = x + (<usize>r << 3);
      const p0 = f64x2.mul(v128.load(e), s);
      const p1 = f64x2.mul(v128.load(e, 16), s);
      if (sub) {
        v128.store(o, f64x2.sub(v128.load(o), p0));
        v128.store(o, f64x2.sub(v128.load(o, 16), p1), 16);
      } else {
        v128.store(o, f64x2.add(v128.load(o), p0));
        v128.store(o, f64x2.add(v128.load(o, 16), p1), 16);
      }
    }
    const sv = load<f64>(v + (<usize>j << 3));
    for (; r < rows; r++) {
      const o = wj + (<usize>r << 3);
      const p = load<f64>(x + (<usize>r << 3)) * sv;
      store<f64>(o, sub ? load<f64>(o) - p : load<f64>(o) + p);
    }
  }
}
