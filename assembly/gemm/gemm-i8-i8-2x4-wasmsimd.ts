// int8 × int8 → int32 GEMM, exact: d[i, j] = Σ_t qa[i, t] · qw[j, t] over int8 codes, both operands
// rows along k (zero padded to kp, a multiple of 8). Micro-kernel 2 rows × 4 W rows: eight i32x4
// accumulators of i32x4.dot_i16x8_s on sign-extended lanes (v128.load8x8_s), reduced across lanes
// at the end of each k chunk of KC8 and added to d. Integer sums are exact in any order (callers
// keep k · 128 · 128 < 2^31); the epilogue applies the scales: y = f32(f32(d) · f32(sa[i] · sw[j])).

const KC8: i32 = 1024;
const DUMMY = memory.data(4 * 4 * 2, 16); // results of rows / columns past the edge

@inline function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** 2 a rows (a0, a1) × 4 W rows (w0…w3), k steps [0, kc) (kc a multiple of 8); adds the sums to d0 (row a0) and d1 (row a1), 4 i32 each. */
@inline function kernel2x4(a0: usize, a1: usize, w0: usize, w1: usize, w2: usize, w3: usize, kc: i32, d0: usize, d1: usize): void {
  let s00 = i32x4.splat(0), s01 = i32x4.splat(0), s02 = i32x4.splat(0), s03 = i32x4.splat(0);
  let s10 = i32x4.splat(0), s11 = i32x4.splat(0), s12 = i32x4.splat(0), s13 = i32x4.splat(0);
  for (let t: i32 = 0; t < kc; t += 8) {
    const o = <usize>t;
    const x0 = v128.load8x8_s(a0 + o), x1 = v128.load8x8_s(a1 + o);
    let w = v128.load8x8_s(w0 + o);
    s00 = i32x4.add(s00, i32x4.dot_i16x8_s(x0, w)); s10 = i32x4.add(s10, i32x4.dot_i16x8_s(x1, w));
    w = v128.load8x8_s(w1 + o);
    s01 = i32x4.add(s01, i32x4.dot_i16x8_s(x0, w)); s11 = i32x4.add(s11, i32x4.dot_i16x8_s(x1, w));
    w = v128.load8x8_s(w2 + o);
    s02 = i32x4.add(s02, i32x4.dot_i16x8_s(x0, w)); s12 = i32x4.add(s12, i32x4.dot_i16x8_s(x1, w));
    w = v128.load8x8_s(w3 + o);
    s03 = i32x4.add(s03, i32x4.dot_i16x8_s(x0, w)); s13 = i32x4.add(s13, i32x4.dot_i16x8_s(x1, w));
  }
  store<i32>(d0, load<i32>(d0) + hsum(s00)); store<i32>(d0 + 4, load<i32>(d0 + 4) + hsum(s01));
  store<i32>(d0 + 8, load<i32>(d0 + 8) + hsum(s02)); store<i32>(d0 + 12, load<i32>(d0 + 12) + hsum(s03));
  store<i32>(d1, load<i32>(d1) + hsum(s10)); store<i32>(d1 + 4, load<i32>(d1 + 4) + hsum(s11));
  store<i32>(d1 + 8, load<i32>(d1 + 8) + hsum(s12)); store<i32>(d1 + 12, load<i32>(d1 + 12) + hsum(s13));
}

/**
 * y[m, n] (row stride ldy, f32) from int8 codes qa [m][kp] and qw [n][kp] with f32 scales sa[m], sw[n]:
 * d (i32 [m][n], zeroed here) = qa · qwᵀ exactly, then y = f32(f32(d) · f32(sa[i] · sw[j])).
 */
export function gemm_i8_i8_2x4__wasmsimd(qa: usize, m: i32, kp: i32, qw: usize, n: i32, sa: usize, sw: usize, d: usize, y: usize, ldy: i32): void {
  memory.fill(d, 0, <usize>m * <usize>n * 4);
  const lk = <usize>kp;
  const ld = <usize>n << 2;
  for (let k0: i32 = 0; k0 < kp; k0 += KC8) {
    const kc = min<i32>(KC8, kp - k0);
    const a = qa + <usize>k0, w = qw + <usize>k0;
    for (let j: i32 = 0; j < n; j += 4) {
      const full = j + 4 <= n;
      // W rows past n repeat row j; their sums go to DUMMY
      const w0 = w + <usize>j * lk;
      const w1 = j + 1 < n ? w0 + lk : w0, w2 = j + 2 < n ? w0 + 2 * lk : w0, w3 = j + 3 < n ? w0 + 3 * lk : w0;
      for (let i: i32 = 0; i < m; i += 2) {
        const a0 = a + <usize>i * lk, a1 = i + 1 < m ? a0 + lk : a0;
        const d0 = d + <usize>i * ld + (<usize>j << 2);
        if (full && i + 1 < m) kernel2x4(a0, a1, w0, w1, w2, w3, kc, d0, d0 + ld);
        else {
          const cols = min<i32>(4, n - j);
          memory.fill(DUMMY, 0, 32);
          kernel2x4(a0, a1, w0, w1, w2, w3, kc, DUMMY, DUMMY + 16);
          for (let c: i32 = 0; c < cols; c++) {
            store<i32>(d0 + (<usize>c << 2), load<i32>(d0 + (<usize>c << 2)) + load<i32>(DUMMY + (<usize>c << 2)));
            if (i + 1 < m) store<i32>(d0 + ld + (<usize>c << 2), load<i32>(d0 + ld + (<usize>c << 2)) + load<i32>(DUMMY + 16 + (<usize>c << 2)));
          }
        }
      }
    }
  }
  for (let i: i32 = 0; i < m; i++) {
    const s = load<f32>(sa + (<usize>i << 2));
    for (let j: i32 = 0; j < n; j++) {
      const c: f32 = s * load<f32>(sw + (<usize>j << 2));
      store<f32>(y + (<usize>i * <usize>ldy + <usize>j << 2), <f32>load<i32>(d + (<usize>i * ld) + (<usize>j << 2)) * c);
    }
  }
}
