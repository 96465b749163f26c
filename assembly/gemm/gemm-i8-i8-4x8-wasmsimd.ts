// int8 × int8 → int32 GEMM, exact: d[i, j] = Σ_t qa[i, t] · qw[j, t]. Operands, packed by the caller:
// - a: panels of 4 rows, [⌈m/4⌉][kp/2][4][2] int16 (the int8 codes sign-extended; kp a multiple of 8, zero
//   padded, rows past m zero; pack_i8_rows4__wasmsimd): one v128.load32_splat is the pair (a[i, t], a[i, t+1])
//   in every lane, the 4 rows at immediate offsets 0, 4, 8, 12 of one pointer;
// - W: panels of 8 W rows, [⌈n/8⌉][kp/2][8][2] int8 (per k pair, W rows 0–7 × (t, t+1); rows past n zero):
//   two v128.load8x8_s give (w[j, t], w[j, t+1]) for j = 0–3 and 4–7 as i16 pairs.
// Micro-kernel 4 rows × 8 W rows (the m mod 4 rows left: 1 row × 8 W rows): eight i32x4 accumulators whose lanes are outputs (no lane reduction);
// per k pair 2 W loads, 4 splats, 8 i32x4.dot_i16x8_s (a[t]·w[t] + a[t+1]·w[t+1], ≤ 2·128·128 = 2^15) and
// 8 adds, two k pairs a loop step, both streams through one pointer each with immediate offsets. k in chunks of KC (a panel chunk of KC/2 × 16 bytes stays in L1 while every row block passes),
// partial sums added into d (i32 [⌈m/4⌉·4][⌈n/8⌉·8]). Integer sums are exact in any order while
// |d| ≤ k·2^14 < 2^31 (the caller keeps k ≤ 131071). Epilogue: y = f32(f32(d) · f32(sa[i] · sw[j])).

const KC: i32 = 512;

/**
 * y[m, n] (row stride ldy, f32) from packed int8 codes (a16, wp as above) with f32 scales sa[m], sw[n]:
 * d (i32 [⌈m/4⌉·4][⌈n/8⌉·8], zeroed here) = qa · qwᵀ exactly, then y = f32(f32(d) · f32(sa[i] · sw[j])).
 */
export function gemm_i8_i8_4x8__wasmsimd(a16: usize, m: i32, kp: i32, wp: usize, n: i32, sa: usize, sw: usize, d: usize, y: usize, ldy: i32): void {
  const mp = (m + 3) & ~3, mf = m & ~3, np = (n + 7) >> 3;
  const ld = <usize>np << 5; // bytes per d row
  memory.fill(d, 0, <usize>mp * ld);
  const la = <usize>kp << 1; // bytes per a row (one row of a panel of 4 rows: 4·la bytes a panel)
  const lp = <usize>kp << 3; // bytes per W panel
  for (let k0: i32 = 0; k0 < kp; k0 += KC) {
    const kc = <usize>min<i32>(KC, kp - k0);
    for (let p: i32 = 0; p < np; p++) {
      const w = wp + <usize>p * lp + (<usize>k0 << 3);
      for (let i: i32 = 0; i < mf; i += 4) {
        let pa = a16 + <usize>i * la + (<usize>k0 << 3), pw = w;
        const end = pw + (kc << 3);
        let s00 = i32x4.splat(0), s01 = i32x4.splat(0), s10 = i32x4.splat(0), s11 = i32x4.splat(0);
        let s20 = i32x4.splat(0), s21 = i32x4.splat(0), s30 = i32x4.splat(0), s31 = i32x4.splat(0);
        while (pw < end) {
          const wl = v128.load8x8_s(pw), wh = v128.load8x8_s(pw, 8);
          let x = v128.load32_splat(pa);
          s00 = i32x4.add(s00, i32x4.dot_i16x8_s(x, wl)); s01 = i32x4.add(s01, i32x4.dot_i16x8_s(x, wh));
          x = v128.load32_splat(pa, 4);
          s10 = i32x4.add(s10, i32x4.dot_i16x8_s(x, wl)); s11 = i32x4.add(s11, i32x4.dot_i16x8_s(x, wh));
          x = v128.load32_splat(pa, 8);
          s20 = i32x4.add(s20, i32x4.dot_i16x8_s(x, wl)); s21 = i32x4.add(s21, i32x4.dot_i16x8_s(x, wh));
          x = v128.load32_splat(pa, 12);
          s30 = i32x4.add(s30, i32x4.dot_i16x8_s(x, wl)); s31 = i32x4.add(s31, i32x4.dot_i16x8_s(x, wh));
          pw += 16;
          pa += 16;
        }
        const d0 = d + <usize>i * ld + (<usize>p << 5), d1 = d0 + ld, d2 = d1 + ld, d3 = d2 + ld;
        v128.store(d0, i32x4.add(v128.load(d0), s00)); v128.store(d0, i32x4.add(v128.load(d0, 16), s01), 16);
        v128.store(d1, i32x4.add(v128.load(d1), s10)); v128.store(d1, i32x4.add(v128.load(d1, 16), s11), 16);
        v128.store(d2, i32x4.add(v128.load(d2), s20)); v128.store(d2, i32x4.add(v128.load(d2, 16), s21), 16);
        v128.store(d3, i32x4.add(v128.load(d3), s30)); v128.store(d3, i32x4.add(v128.load(d3, 16), s31), 16);
      }
      // rows past the last whole panel of 4 (m mod 4 of them, in the last a panel): one row × 8 W rows
      for (let i: i32 = mf; i < m; i++) {
        let pa = a16 + <usize>mf * la + (<usize>(i - mf) << 2) + (<usize>k0 << 3), pw = w;
        const end = pw + (kc << 3);
        let s0 = i32x4.splat(0), s1 = i32x4.splat(0);
        while (pw < end) {
          const x = v128.load32_splat(pa);
          s0 = i32x4.add(s0, i32x4.dot_i16x8_s(x, v128.load8x8_s(pw)));
          s1 = i32x4.add(s1, i32x4.dot_i16x8_s(x, v128.load8x8_s(pw, 8)));
          pw += 16;
          pa += 16;
        }
        const d0 = d + <usize>i * ld + (<usize>p << 5);
        v128.store(d0, i32x4.add(v128.load(d0), s0)); v128.store(d0, i32x4.add(v128.load(d0, 16), s1), 16);
      }
    }
  }
  for (let i: i32 = 0; i < m; i++) {
    const s = load<f32>(sa + (<usize>i << 2));
    const di = d + <usize>i * ld, yi = y + (<usize>i * <usize>ldy << 2);
    for (let j: i32 = 0; j < n; j++) {
      const c: f32 = s * load<f32>(sw + (<usize>j << 2));
      store<f32>(yi + (<usize>j << 2), <f32>load<i32>(di + (<usize>j << 2)) * c);
    }
  }
}

/** int8 codes [m][k] (row length k) → a's panels as above: dst [⌈m/4⌉][kp/2][4][2] int16, zero past k and past row m. */
export function pack_i8_rows4__wasmsimd(codes: usize, m: i32, k: i32, kp: i32, dst: usize): void {
  const mp = (m + 3) & ~3;
  memory.fill(dst, 0, <usize>mp * <usize>kp * 2);
  for (let i: i32 = 0; i < m; i++) {
    const src = codes + <usize>i * <usize>k;
    const o = dst + <usize>(i >> 2) * (<usize>kp << 3) + (<usize>(i & 3) << 2);
    for (let t: i32 = 0; t < k; t++) store<i16>(o + (<usize>(t >> 1) << 4) + (<usize>(t & 1) << 1), <i16>load<i8>(src + <usize>t));
  }
}
