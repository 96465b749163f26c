// MX × MX GEMM (OCP MX §6 dot product; formats.md §1.6): both operands rows of blocks along k, each
// block its element values (unscaled, f32, padded with zeros to bsp, a multiple of 4) and its scale
// exponent (i32; NAN_E for a NaN scale). Per output y[i, j], per block b:
//   P_b = (s0 + s2) + (s1 + s3),  s_r = Σ over t ≡ r (mod 4) of f64(a_t) · f64(w_t), sequential from +0
//         (two f64x2 accumulators; every product of two f32 is exact in f64)
//   acc = acc + P_b · 2^(ea_b + ew_b)   (exact: a power of two well inside f64's range), b in order from +0
// then y = f32(acc). A NaN scale on either side makes that block's term NaN. Four W rows share each
// load of a (1 × 4 outputs, each with its own accumulators).
// Twin: matmulMxRef (src/gemm/gemm-ref.ts).

export const NAN_E: i32 = 0x4000;

/** 2^e as f64, e in [−1022, 1023]. */
@inline function pow2(e: i32): f64 {
  return reinterpret<f64>(<i64>(e + 1023) << 52);
}

@inline function lo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1));
}
@inline function hsum(c0: v128, c1: v128): f64 {
  const c = f64x2.add(c0, c1);
  return f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
}
/** The block term of one output: P_b · 2^(e0 + e1), NaN for a NaN scale. */
@inline function term(p: f64, e0: i32, e1: i32): f64 {
  return e0 == NAN_E || e1 == NAN_E ? NaN : p * pow2(e0 + e1);
}

/**
 * y[m, n] (row stride ldy) from a element values [m][nb·bsp] f32 with exponents ea [m][nb] i32, and W
 * values [n][nb·bsp] with ew [n][nb]. Four W rows at a time share each load of a (every output keeps
 * its own accumulators, so the order above holds whatever the blocking).
 */
export function gemm_mx_mx_f64acc__wasmsimd(av: usize, ea: usize, m: i32, wv: usize, ew: usize, n: i32, nb: i32, bsp: i32, y: usize, ldy: i32): void {
  const kp = <usize>(nb * bsp) << 2;
  const n4 = n & ~3;
  for (let i: i32 = 0; i < m; i++) {
    const ar = av + <usize>i * kp;
    const er = ea + (<usize>(i * nb) << 2);
    const yr = y + (<usize>(i * ldy) << 2);
    for (let j: i32 = 0; j < n4; j += 4) {
      const w0 = wv + <usize>j * kp, w1 = w0 + kp, w2 = w1 + kp, w3 = w2 + kp;
      const f0 = ew + (<usize>(j * nb) << 2), f1 = f0 + (<usize>nb << 2), f2 = f1 + (<usize>nb << 2), f3 = f2 + (<usize>nb << 2);
      let y0: f64 = 0, y1: f64 = 0, y2: f64 = 0, y3: f64 = 0;
      for (let b: i32 = 0; b < nb; b++) {
        const o = <usize>(b * bsp) << 2;
        let p0 = f64x2.splat(0), q0 = f64x2.splat(0), p1 = f64x2.splat(0), q1 = f64x2.splat(0);
        let p2 = f64x2.splat(0), q2 = f64x2.splat(0), p3 = f64x2.splat(0), q3 = f64x2.splat(0);
        for (let t: i32 = 0; t < bsp; t += 4) {
          const q = o + (<usize>t << 2);
          const x = v128.load(ar + q);
          const xl = lo(x), xh = hi(x);
          let w = v128.load(w0 + q);
          p0 = f64x2.add(p0, f64x2.mul(xl, lo(w))); q0 = f64x2.add(q0, f64x2.mul(xh, hi(w)));
          w = v128.load(w1 + q);
          p1 = f64x2.add(p1, f64x2.mul(xl, lo(w))); q1 = f64x2.add(q1, f64x2.mul(xh, hi(w)));
          w = v128.load(w2 + q);
          p2 = f64x2.add(p2, f64x2.mul(xl, lo(w))); q2 = f64x2.add(q2, f64x2.mul(xh, hi(w)));
          w = v128.load(w3 + q);
          p3 = f64x2.add(p3, f64x2.mul(xl, lo(w))); q3 = f64x2.add(q3, f64x2.mul(xh, hi(w)));
        }
        const e = load<i32>(er + (<usize>b << 2)), bo = <usize>b << 2;
        y0 += term(hsum(p0, q0), e, load<i32>(f0 + bo));
        y1 += term(hsum(p1, q1), e, load<i32>(f1 + bo));
        y2 += term(hsum(p2, q2), e, load<i32>(f2 + bo));
        y3 += term(hsum(p3, q3), e, load<i32>(f3 + bo));
      }
      store<f32>(yr + (<usize>j << 2), <f32>y0);
      store<f32>(yr + (<usize>(j + 1) << 2), <f32>y1);
      store<f32>(yr + (<usize>(j + 2) << 2), <f32>y2);
      store<f32>(yr + (<usize>(j + 3) << 2), <f32>y3);
    }
    for (let j: i32 = n4; j < n; j++) {
      const wr = wv + <usize>j * kp;
      const fr = ew + (<usize>(j * nb) << 2);
      let acc: f64 = 0;
      for (let b: i32 = 0; b < nb; b++) {
        const o = <usize>(b * bsp) << 2;
        let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
        for (let t: i32 = 0; t < bsp; t += 4) {
          const q = o + (<usize>t << 2);
          const x = v128.load(ar + q), w = v128.load(wr + q);
          c0 = f64x2.add(c0, f64x2.mul(lo(x), lo(w)));
          c1 = f64x2.add(c1, f64x2.mul(hi(x), hi(w)));
        }
        acc += term(hsum(c0, c1), load<i32>(er + (<usize>b << 2)), load<i32>(fr + (<usize>b << 2)));
      }
      store<f32>(yr + (<usize>j << 2), <f32>acc);
    }
  }
}
