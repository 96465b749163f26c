// GEMV (and small m) over 4-bit weights packed two codes a byte in a nibble-panel layout (built once
// by prepareWeights, src/gemm/gemm.ts nibblePanels): the weights stream once, each code is decoded
// with SIMD byte shuffles, products are summed per group (INT group / channel, MX / NV block) and the
// group's scale is applied once.
//
// Layout: panels of 8 W rows (columns of y); per panel and per 4 k steps 16 bytes: byte b holds in its
// low nibble the code of (t = 4s + ⌊b/8⌋, column b mod 8) and in its high nibble that of
// (t = 4s + 2 + ⌊b/8⌋, column b mod 8). Scales f32 [panel][group][8]; zero-point vectors (sub variant)
// i8 [panel][group][16] (byte b: the column b mod 8's zb).
//
// A code becomes a small integer v (an i8) by a 16-entry byte table (table variant: v = tab[code],
// the element value times a power of two c) or by a subtraction (sub variant: the code is u = q − qmin,
// v = u − zb = q − zp). A constant swizzle puts v into the top byte of an i32 lane (v · 2^24, exact),
// converted to f32. The activations come pre-scaled by 2^−24 / c (a' = f32(a · 2^−24 / c), done by
// the caller), so f32(a' · v · 2^24) = f32(a · value) whenever a' is exact (|a| ≥ 2^−101 or 0).
//
// Arithmetic (the twin is src/gemm/gemm-ref.ts matmulQ4Ref), for each y[i, j]:
//   S_g = sequential f32 sum, from +0, of f32(a'[t] · V[j, t]) over the group's t in k order
//   y   = sequential f32 sum, from +0, of f32(S_g · scale[j, g]) over the groups in order.

/** Bytes 4q … 4q + 3 of x into the top byte of the i32 lanes, converted: four values · 2^24 as f32. */
@inline export function spread(x: v128, q: i32): v128 {
  const m = q == 0 ? i8x16(-128, -128, -128, 0, -128, -128, -128, 1, -128, -128, -128, 2, -128, -128, -128, 3)
          : q == 1 ? i8x16(-128, -128, -128, 4, -128, -128, -128, 5, -128, -128, -128, 6, -128, -128, -128, 7)
          : q == 2 ? i8x16(-128, -128, -128, 8, -128, -128, -128, 9, -128, -128, -128, 10, -128, -128, -128, 11)
          : i8x16(-128, -128, -128, 12, -128, -128, -128, 13, -128, -128, -128, 14, -128, -128, -128, 15);
  return f32x4.convert_i32x4_s(i8x16.swizzle(x, m));
}

/** The low (high) nibbles of r as i8 values: tab[code] (table variant) or code − zv (sub variant). */
@inline export function nibbles(r: v128, high: bool, sub: bool, T: v128, zv: v128, mask: v128): v128 {
  const x = high ? v128.and(i16x8.shr_u(r, 4), mask) : v128.and(r, mask);
  return sub ? i8x16.sub(x, zv) : i8x16.swizzle(T, x);
}

@inline function gemvRows(sub: bool, i0: i32, a: usize, m: i32, kq: i32, codes: usize, scales: usize, zb: usize, spg: i32, gpr: i32,
                          tab: usize, np: i32, y: usize, ldy: i32): void {
  const T = v128.load(tab);
  const lowMask = i8x16.splat(0x0f);
  const pstride = <usize>(kq >> 2) << 4; // code bytes per panel
  for (let i: i32 = i0; i < m; i++) {
    const ar = a + ((<usize>i * <usize>kq) << 2);
    const yr = y + ((<usize>i * <usize>ldy) << 2);
    // two panels (16 columns) at a time: four accumulator chains per group, four for y
    for (let p: i32 = 0; p < np; p += 2) {
      let c0 = codes + <usize>p * pstride;
      let c1 = c0 + pstride;
      const s0 = scales + ((<usize>p * <usize>gpr) << 5), s1 = s0 + (<usize>gpr << 5);
      const z0 = zb + ((<usize>p * <usize>gpr) << 4), z1 = z0 + (<usize>gpr << 4);
      let y0 = f32x4.splat(0), y1 = f32x4.splat(0), y2 = f32x4.splat(0), y3 = f32x4.splat(0);
      let at = ar;
      for (let g: i32 = 0; g < gpr; g++) {
        let x0 = f32x4.splat(0), x1 = f32x4.splat(0), x2 = f32x4.splat(0), x3 = f32x4.splat(0);
        const zv0 = sub ? v128.load(z0 + (<usize>g << 4)) : lowMask, zv1 = sub ? v128.load(z1 + (<usize>g << 4)) : lowMask;
        for (let s: i32 = 0; s < spg; s++) {
          const r0 = v128.load(c0), r1 = v128.load(c1);
          const l0 = nibbles(r0, false, sub, T, zv0, lowMask), h0 = nibbles(r0, true, sub, T, zv0, lowMask);
          const l1 = nibbles(r1, false, sub, T, zv1, lowMask), h1 = nibbles(r1, true, sub, T, zv1, lowMask);
          let b = v128.load32_splat(at); // k step 4s
          x0 = f32x4.add(x0, f32x4.mul(b, spread(l0, 0))); x1 = f32x4.add(x1, f32x4.mul(b, spread(l0, 1)));
          x2 = f32x4.add(x2, f32x4.mul(b, spread(l1, 0))); x3 = f32x4.add(x3, f32x4.mul(b, spread(l1, 1)));
          b = v128.load32_splat(at, 4); // 4s + 1
          x0 = f32x4.add(x0, f32x4.mul(b, spread(l0, 2))); x1 = f32x4.add(x1, f32x4.mul(b, spread(l0, 3)));
          x2 = f32x4.add(x2, f32x4.mul(b, spread(l1, 2))); x3 = f32x4.add(x3, f32x4.mul(b, spread(l1, 3)));
          b = v128.load32_splat(at, 8); // 4s + 2
          x0 = f32x4.add(x0, f32x4.mul(b, spread(h0, 0))); x1 = f32x4.add(x1, f32x4.mul(b, spread(h0, 1)));
          x2 = f32x4.add(x2, f32x4.mul(b, spread(h1, 0))); x3 = f32x4.add(x3, f32x4.mul(b, spread(h1, 1)));
          b = v128.load32_splat(at, 12); // 4s + 3
          x0 = f32x4.add(x0, f32x4.mul(b, spread(h0, 2))); x1 = f32x4.add(x1, f32x4.mul(b, spread(h0, 3)));
          x2 = f32x4.add(x2, f32x4.mul(b, spread(h1, 2))); x3 = f32x4.add(x3, f32x4.mul(b, spread(h1, 3)));
          c0 += 16;
          c1 += 16;
          at += 16;
        }
        const so = <usize>g << 5;
        y0 = f32x4.add(y0, f32x4.mul(x0, v128.load(s0 + so))); y1 = f32x4.add(y1, f32x4.mul(x1, v128.load(s0 + so, 16)));
        y2 = f32x4.add(y2, f32x4.mul(x2, v128.load(s1 + so))); y3 = f32x4.add(y3, f32x4.mul(x3, v128.load(s1 + so, 16)));
      }
      const yo = yr + (<usize>p << 5);
      v128.store(yo, y0); v128.store(yo, y1, 16); v128.store(yo, y2, 32); v128.store(yo, y3, 48);
    }
  }
}

/** One row's four accumulators of a 4-row block: x0 += b · v0, x1 += b · v1 (kept as macros by inlining). */
@inline function madd(x: v128, b: v128, v: v128): v128 {
  return f32x4.add(x, f32x4.mul(b, v));
}

/**
 * Rows [0, m4) (m4 a multiple of 4), four at a time against one panel: every code decoded once for four
 * rows. Same sums in the same order as gemvRows (each row's chains see the same terms in k order); the
 * group terms go straight into y (zeroed first), read back per group.
 */
@inline function gemvRows4(sub: bool, a: usize, m4: i32, kq: i32, codes: usize, scales: usize, zb: usize, spg: i32, gpr: i32,
                           tab: usize, np: i32, y: usize, ldy: i32): void {
  const T = v128.load(tab);
  const lowMask = i8x16.splat(0x0f);
  const pstride = <usize>(kq >> 2) << 4;
  const lda = <usize>kq << 2, ly = <usize>ldy << 2;
  for (let i: i32 = 0; i < m4; i += 4) {
    const a0 = a + <usize>i * lda;
    const y0 = y + <usize>i * ly;
    for (let p: i32 = 0; p < np; p++) {
      const yp = y0 + (<usize>p << 5);
      v128.store(yp, f32x4.splat(0)); v128.store(yp, f32x4.splat(0), 16);
      v128.store(yp + ly, f32x4.splat(0)); v128.store(yp + ly, f32x4.splat(0), 16);
      v128.store(yp + 2 * ly, f32x4.splat(0)); v128.store(yp + 2 * ly, f32x4.splat(0), 16);
      v128.store(yp + 3 * ly, f32x4.splat(0)); v128.store(yp + 3 * ly, f32x4.splat(0), 16);
      let c0 = codes + <usize>p * pstride;
      const s0 = scales + ((<usize>p * <usize>gpr) << 5);
      const z0 = zb + ((<usize>p * <usize>gpr) << 4);
      let at = a0;
      for (let g: i32 = 0; g < gpr; g++) {
        let x00 = f32x4.splat(0), x01 = f32x4.splat(0), x10 = f32x4.splat(0), x11 = f32x4.splat(0);
        let x20 = f32x4.splat(0), x21 = f32x4.splat(0), x30 = f32x4.splat(0), x31 = f32x4.splat(0);
        const zv = sub ? v128.load(z0 + (<usize>g << 4)) : lowMask;
        for (let s: i32 = 0; s < spg; s++) {
          const r0 = v128.load(c0);
          const l0 = nibbles(r0, false, sub, T, zv, lowMask), h0 = nibbles(r0, true, sub, T, zv, lowMask);
          let v0: v128, v1: v128, b: v128;
          v0 = spread(l0, 0); v1 = spread(l0, 1); // k step 4s + 0
          b = v128.load32_splat(at, 0); x00 = madd(x00, b, v0); x01 = madd(x01, b, v1);
          b = v128.load32_splat(at + lda, 0); x10 = madd(x10, b, v0); x11 = madd(x11, b, v1);
          b = v128.load32_splat(at + 2 * lda, 0); x20 = madd(x20, b, v0); x21 = madd(x21, b, v1);
          b = v128.load32_splat(at + 3 * lda, 0); x30 = madd(x30, b, v0); x31 = madd(x31, b, v1);
          v0 = spread(l0, 2); v1 = spread(l0, 3); // k step 4s + 1
          b = v128.load32_splat(at, 4); x00 = madd(x00, b, v0); x01 = madd(x01, b, v1);
          b = v128.load32_splat(at + lda, 4); x10 = madd(x10, b, v0); x11 = madd(x11, b, v1);
          b = v128.load32_splat(at + 2 * lda, 4); x20 = madd(x20, b, v0); x21 = madd(x21, b, v1);
          b = v128.load32_splat(at + 3 * lda, 4); x30 = madd(x30, b, v0); x31 = madd(x31, b, v1);
          v0 = spread(h0, 0); v1 = spread(h0, 1); // k step 4s + 2
          b = v128.load32_splat(at, 8); x00 = madd(x00, b, v0); x01 = madd(x01, b, v1);
          b = v128.load32_splat(at + lda, 8); x10 = madd(x10, b, v0); x11 = madd(x11, b, v1);
          b = v128.load32_splat(at + 2 * lda, 8); x20 = madd(x20, b, v0); x21 = madd(x21, b, v1);
          b = v128.load32_splat(at + 3 * lda, 8); x30 = madd(x30, b, v0); x31 = madd(x31, b, v1);
          v0 = spread(h0, 2); v1 = spread(h0, 3); // k step 4s + 3
          b = v128.load32_splat(at, 12); x00 = madd(x00, b, v0); x01 = madd(x01, b, v1);
          b = v128.load32_splat(at + lda, 12); x10 = madd(x10, b, v0); x11 = madd(x11, b, v1);
          b = v128.load32_splat(at + 2 * lda, 12); x20 = madd(x20, b, v0); x21 = madd(x21, b, v1);
          b = v128.load32_splat(at + 3 * lda, 12); x30 = madd(x30, b, v0); x31 = madd(x31, b, v1);
          c0 += 16;
          at += 16;
        }
        const so = s0 + (<usize>g << 5);
        const sc0 = v128.load(so), sc1 = v128.load(so, 16);
        v128.store(yp, madd(v128.load(yp), x00, sc0)); v128.store(yp, madd(v128.load(yp, 16), x01, sc1), 16);
        v128.store(yp + ly, madd(v128.load(yp + ly), x10, sc0)); v128.store(yp + ly, madd(v128.load(yp + ly, 16), x11, sc1), 16);
        v128.store(yp + 2 * ly, madd(v128.load(yp + 2 * ly), x20, sc0)); v128.store(yp + 2 * ly, madd(v128.load(yp + 2 * ly, 16), x21, sc1), 16);
        v128.store(yp + 3 * ly, madd(v128.load(yp + 3 * ly), x30, sc0)); v128.store(yp + 3 * ly, madd(v128.load(yp + 3 * ly, 16), x31, sc1), 16);
      }
    }
  }
}

/**
 * y[i, 0 … 8·np) (row stride ldy) for i < m, a: m rows of kq pre-scaled activations (kq a multiple of 4,
 * zero past k). codes: np panels (np even) of kq/4 × 16 bytes; scales [np][gpr][8] f32; spg = group
 * length / 4 (gpr · spg = kq / 4). zb = 0: table variant, tab 16 bytes (v = tab[code]); else sub
 * variant, zb [np][gpr][16] i8 (v = code − zb).
 */
export function gemv_f32_q4_nibble__wasmsimd(a: usize, m: i32, kq: i32, codes: usize, scales: usize, zb: usize, spg: i32, gpr: i32,
                                             tab: usize, np: i32, y: usize, ldy: i32): void {
  const m4 = m & ~3; // rows in blocks of four, then one at a time
  if (zb == 0) {
    gemvRows4(false, a, m4, kq, codes, scales, 0, spg, gpr, tab, np, y, ldy);
    gemvRows(false, m4, a, m, kq, codes, scales, 0, spg, gpr, tab, np, y, ldy);
  } else {
    gemvRows4(true, a, m4, kq, codes, scales, zb, spg, gpr, tab, np, y, ldy);
    gemvRows(true, m4, a, m, kq, codes, scales, zb, spg, gpr, tab, np, y, ldy);
  }
}

/**
 * The memory bound of the GEMV: reads `bytes` (a multiple of 64) from p with v128 loads into four i32x4
 * sums, and returns their lane sum (so the reads are kept) — the time to stream the packed weights.
 */
export function stream_sum_u8__wasmsimd(p: usize, bytes: i32): i32 {
  let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
  const end = p + <usize>bytes;
  for (; p < end; p += 64) {
    s0 = i32x4.add(s0, v128.load(p)); s1 = i32x4.add(s1, v128.load(p, 16));
    s2 = i32x4.add(s2, v128.load(p, 32)); s3 = i32x4.add(s3, v128.load(p, 48));
  }
  const s = i32x4.add(i32x4.add(s0, s1), i32x4.add(s2, s3));
  return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
}
