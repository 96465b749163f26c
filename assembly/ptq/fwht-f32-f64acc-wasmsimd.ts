// Fast Walsh–Hadamard transform per contiguous block of b values (b a power of two), natural
// (Sylvester) order, normalised: y = H_b (s ⊙ x) / √b — for src/ptq/hadamard.ts. Accumulation in
// float64 (f64x2 lanes): the block is widened into the scratch v (times the ±1 sign, exact), the
// butterflies run stage h = 1, 2, 4, … (a, c) → (a + c, a − c) — the plain-TS fwhtInPlace, the same
// IEEE operation on every element, so the same bits —, then each value is multiplied by norm
// (= 1/√b in f64) and stored once (rounded to f32 for f32 data).

const EXP32 = i32x4.splat(0x7f800000);

/** Butterflies of v[0..b) in place, stages h = 1, 2, 4, … (h = 1: lanes of one v128). */
function fwhtBlock(v: usize, b: i32): void {
  if (b >= 2) {
    for (let i: i32 = 0; i < b; i += 2) {
      const p = v + (<usize>i << 3);
      const w = v128.load(p);
      const a = v128.shuffle<f64>(w, w, 0, 0);
      const c = v128.shuffle<f64>(w, w, 1, 1);
      v128.store(p, v128.shuffle<f64>(f64x2.add(a, c), f64x2.sub(a, c), 0, 3));
    }
  }
  for (let h: i32 = 2; h < b; h <<= 1) {
    const hb = <usize>h << 3;
    for (let i: i32 = 0; i < b; i += 2 * h) {
      let p = v + (<usize>i << 3);
      const e = p + hb;
      for (; p < e; p += 16) {
        const a = v128.load(p);
        const c = v128.load(p + hb);
        v128.store(p, f64x2.add(a, c));
        v128.store(p + hb, f64x2.sub(a, c));
      }
    }
  }
}

/**
 * nblk blocks of b values from x to out (both f32 when f64data = 0, else f64; out may equal x); signs:
 * b f64 values ±1, or 0 for none; v: scratch of b f64. Returns 1 when an input was Inf or NaN (the
 * caller then names it), else 0.
 */
export function fwht_f64acc__wasmsimd(x: usize, out: usize, nblk: i32, b: i32, signs: usize, norm: f64, v: usize, f64data: i32): i32 {
  const nv = f64x2.splat(norm);
  let bad: i32 = 0;
  let badv = i32x4.splat(0);
  for (let k: i32 = 0; k < nblk; k++) {
    const o = <usize>k * <usize>b;
    if (f64data) {
      const src = x + (o << 3);
      for (let i: i32 = 0; i < b; i++) {
        const u = load<u64>(src + (<usize>i << 3));
        if ((~u & 0x7ff0000000000000) == 0) bad = 1; // exponent all ones: Inf or NaN
        const f = reinterpret<f64>(u);
        store<f64>(v + (<usize>i << 3), signs ? f * load<f64>(signs + (<usize>i << 3)) : f);
      }
    } else {
      const src = x + (o << 2);
      let i: i32 = 0;
      for (; i + 4 <= b; i += 4) {
        const w = v128.load(src + (<usize>i << 2));
        badv = v128.or(badv, i32x4.eq(v128.and(w, EXP32), EXP32));
        let lo = f64x2.promote_low_f32x4(w);
        let hi = f64x2.promote_low_f32x4(v128.shuffle<u32>(w, w, 2, 3, 0, 1));
        if (signs) {
          lo = f64x2.mul(lo, v128.load(signs + (<usize>i << 3)));
          hi = f64x2.mul(hi, v128.load(signs + (<usize>i << 3), 16));
        }
        v128.store(v + (<usize>i << 3), lo);
        v128.store(v + (<usize>i << 3), hi, 16);
      }
      for (; i < b; i++) {
        const u = load<u32>(src + (<usize>i << 2));
        if ((~u & 0x7f800000) == 0) bad = 1;
        const f = <f64>reinterpret<f32>(u);
        store<f64>(v + (<usize>i << 3), signs ? f * load<f64>(signs + (<usize>i << 3)) : f);
      }
    }
    fwhtBlock(v, b);
    if (f64data) {
      const dst = out + (o << 3);
      let i: i32 = 0;
      for (; i + 2 <= b; i += 2) v128.store(dst + (<usize>i << 3), f64x2.mul(v128.load(v + (<usize>i << 3)), nv));
      for (; i < b; i++) store<f64>(dst + (<usize>i << 3), load<f64>(v + (<usize>i << 3)) * norm);
    } else {
      const dst = out + (o << 2);
      let i: i32 = 0;
      for (; i + 4 <= b; i += 4) {
        const lo = f32x4.demote_f64x2_zero(f64x2.mul(v128.load(v + (<usize>i << 3)), nv));
        const hi = f32x4.demote_f64x2_zero(f64x2.mul(v128.load(v + (<usize>i << 3), 16), nv));
        v128.store(dst + (<usize>i << 2), v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
      }
      for (; i < b; i++) store<f32>(dst + (<usize>i << 2), <f32>(load<f64>(v + (<usize>i << 3)) * norm));
    }
  }
  return bad | (v128.any_true(badv) ? 1 : 0);
}
