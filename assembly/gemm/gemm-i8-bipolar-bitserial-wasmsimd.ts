// Bit-serial GEMM of int8 activations × bipolar-INT weights (formats.md §5). A weight code u of B bits
// stands for q = Σ_i (2·b_i − 1)·2^i = 2u − (2^B − 1); an int8 activation code is
// qa = −128·a_7 + Σ_{j<7} a_j·2^j. Both are stored as bit-planes along k, 64 codes per u64 word
// (rows zero padded to kw words): activations [m][8][kw], weights [n][B][kw]. Then exactly, in i64:
//   Σ_t qa_t·q_t = Σ_i 2^i · (2·Σ_j c_j·popcount(A_j AND W_i) − Σ_t qa_t),  c_j = 2^j (j < 7), c_7 = −128,
//   Σ_t qa_t = Σ_j c_j·popcount(A_j)
// and the epilogue of the int8 path: y = f32(f32(d) · f32(sa[i] · sw[j])). Twin: matmulBipolarRef.

/** popcount of the AND of two rows of kw u64 words. */
@inline function andCount(x: usize, w: usize, kw: i32): i64 {
  let c: i64 = 0;
  for (let t: i32 = 0; t < kw; t++) c += popcnt<i64>(load<i64>(x + (<usize>t << 3)) & load<i64>(w + (<usize>t << 3)));
  return c;
}

export function gemm_i8_bipolar_bitserial__wasmsimd(ap: usize, m: i32, wp: usize, n: i32, bits: i32, kw: i32, sa: usize, sw: usize, y: usize, ldy: i32): void {
  const plane = <usize>kw << 3;
  for (let i: i32 = 0; i < m; i++) {
    const ar = ap + <usize>i * 8 * plane;
    // Σ_t qa_t from the activation planes
    let sumA: i64 = 0;
    for (let ja: i32 = 0; ja < 8; ja++) {
      let c: i64 = 0;
      const x = ar + <usize>ja * plane;
      for (let t: i32 = 0; t < kw; t++) c += popcnt<i64>(load<i64>(x + (<usize>t << 3)));
      sumA += ja == 7 ? -128 * c : c << ja;
    }
    const si = load<f32>(sa + (<usize>i << 2));
    for (let j: i32 = 0; j < n; j++) {
      const wr = wp + <usize>j * <usize>bits * plane;
      let d: i64 = 0;
      for (let ib: i32 = 0; ib < bits; ib++) {
        const w = wr + <usize>ib * plane;
        let s: i64 = 0;
        for (let ja: i32 = 0; ja < 7; ja++) s += andCount(ar + <usize>ja * plane, w, kw) << ja;
        s -= andCount(ar + 7 * plane, w, kw) << 7;
        d += (2 * s - sumA) << ib;
      }
      const sj = load<f32>(sw + (<usize>j << 2));
      store<f32>(y + (<usize>(i * ldy + j) << 2), <f32>d * (si * sj));
    }
  }
}
