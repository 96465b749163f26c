// MX × MX GEMM (OCP MX §6 dot product; formats.md §1.6): both operands rows of blocks along k, each
// block its element values (unscaled, f32, padded with zeros to bsp, a multiple of 4) and its scale
// exponent (i32; NAN_E for a NaN scale). Per output y[i, j], per block b:
//   P_b = (s0 + s2) + (s1 + s3),  s_r = Σ over t ≡ r (mod 4) of f64(a_t) · f64(w_t), sequential from +0
//         (two f64x2 accumulators; every product of two f32 is exact in f64)
//   acc = acc + P_b · 2^(ea_b + ew_b)   (exact: a power of two well inside f64's range), b in order from +0
// then y = f32(acc). A NaN scale on either side makes that block's term NaN.
// Twin: matmulMxRef (src/gemm/gemm-ref.ts).

export const NAN_E: i32 = 0x4000;

/** 2^e as f64, e in [−1022, 1023]. */
@inline function pow2(e: i32): f64 {
  return reinterpret<f64>(<i64>(e + 1023) << 52);
}

/**
 * y[m, n] (row stride ldy) from a element values [m][nb·bsp] f32 with exponents ea [m][nb] i32, and W
 * values [n][nb·bsp] with ew [n][nb].
 */
export function gemm_mx_mx_f64acc__wasmsimd(av: usize, ea: usize, m: i32, wv: usize, ew: usize, n: i32, nb: i32, bsp: i32, y: usize, ldy: i32): void {
  const kp = <usize>(nb * bsp) << 2;
  for (let i: i32 = 0; i < m; i++) {
    const ar = av + <usize>i * kp;
    const er = ea + (<usize>(i * nb) << 2);
    for (let j: i32 = 0; j < n; j++) {
      const wr = wv + <usize>j * kp;
      const fr = ew + (<usize>(j * nb) << 2);
      let acc: f64 = 0;
      for (let b: i32 = 0; b < nb; b++) {
        const o = <usize>(b * bsp) << 2;
        let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
        for (let t: i32 = 0; t < bsp; t += 4) {
          const q = o + (<usize>t << 2);
          const x = v128.load(ar + q), w = v128.load(wr + q);
          c0 = f64x2.add(c0, f64x2.mul(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(w)));
          c1 = f64x2.add(c1, f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<u32>(x, x, 2, 3, 0, 1)), f64x2.promote_low_f32x4(v128.shuffle<u32>(w, w, 2, 3, 0, 1))));
        }
        const c = f64x2.add(c0, c1);
        const p = f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
        const e0 = load<i32>(er + (<usize>b << 2)), e1 = load<i32>(fr + (<usize>b << 2));
        acc += e0 == NAN_E || e1 == NAN_E ? NaN : p * pow2(e0 + e1);
      }
      store<f32>(y + (<usize>(i * ldy + j) << 2), <f32>acc);
    }
  }
}
