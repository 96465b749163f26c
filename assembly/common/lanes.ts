// Lane-level building blocks shared by the minifloat kernels. Every function works on four
// i32/f32 lanes at once; all descriptor values arrive already splatted, so the kernels can hoist
// them out of their loops. Masks are all-ones lanes (−1) for true, 0 for false.

/** 2^k for each i32 lane k in [−126, 127], built from the exponent field. */
@inline export function pow2(k: v128): v128 {
  return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
}

/**
 * Exact floor(log2 |x|) for finite nonzero f32 lanes (f32 subnormals included: they are scaled
 * by 2^64 first so the exponent field carries their binade). `absb` = bits with the sign cleared.
 */
@inline export function ilogb(absb: v128): v128 {
  const sub = i32x4.eq(i32x4.shr_u(absb, 23), i32x4.splat(0));
  const scaled = f32x4.mul(absb, f32x4.splat(18446744073709551616.0)); // 2^64
  const xb = v128.bitselect(scaled, absb, sub);
  return i32x4.sub(i32x4.sub(i32x4.shr_u(xb, 23), i32x4.splat(127)), v128.and(sub, i32x4.splat(64)));
}

/** murmur3 fmix32 on each lane. */
@inline export function fmix32(h0: v128): v128 {
  let h = v128.xor(h0, i32x4.shr_u(h0, 16));
  h = i32x4.mul(h, i32x4.splat(0x85ebca6b));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(0xc2b2ae35));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/** The 32 random bits used by stochastic rounding for element index `idx` (see src/formats/rounding.ts). */
@inline export function randomBits(idx: v128, seedA: v128, seedB: v128): v128 {
  return fmix32(v128.xor(i32x4.mul(v128.xor(idx, seedA), i32x4.splat(0x9e3779b9)), seedB));
}

// Rounding-mode numbers (src/formats/rounding.ts ROUNDING_CODES).
export const R_RNE: i32 = 0;
export const R_HALF_AWAY: i32 = 1;
export const R_TOWARD_ZERO: i32 = 2;
export const R_TOWARD_POS: i32 = 3;
export const R_TOWARD_NEG: i32 = 4;
export const R_TO_ODD: i32 = 5;
export const R_STOCHASTIC: i32 = 6;

/**
 * Round-up decision for a magnitude whose lower neighbour has code `loCode` and whose position
 * between its two neighbours is `frac` in [0, 1) (exact). Returns an all-ones mask where the
 * magnitude rounds away from zero. `neg` is the input's sign mask, `rnd` the random bits.
 */
@inline export function roundUp(mode: i32, frac: v128, loCode: v128, neg: v128, rnd: v128): v128 {
  const half = f32x4.splat(0.5);
  const zero = f32x4.splat(0);
  const odd = i32x4.ne(v128.and(loCode, i32x4.splat(1)), i32x4.splat(0));
  if (mode == R_RNE) return v128.or(f32x4.gt(frac, half), v128.and(f32x4.eq(frac, half), odd));
  if (mode == R_HALF_AWAY) return f32x4.ge(frac, half);
  if (mode == R_TOWARD_ZERO) return i32x4.splat(0);
  if (mode == R_TOWARD_POS) return v128.andnot(f32x4.gt(frac, zero), neg);
  if (mode == R_TOWARD_NEG) return v128.and(f32x4.gt(frac, zero), neg);
  if (mode == R_TO_ODD) return v128.andnot(f32x4.gt(frac, zero), odd);
  // stochastic: round away iff floor(frac·2^32) + R ≥ 2^32, i.e. the u32 sum carries
  const fl = i32x4.trunc_sat_f32x4_u(f32x4.floor(f32x4.mul(frac, f32x4.splat(4294967296.0))));
  return i32x4.lt_u(i32x4.add(fl, rnd), fl);
}

/**
 * Lane select with all-ones / all-zeros masks: a where mask, else b. The relaxed-SIMD build uses
 * i32x4.relaxed_laneselect (one blendv on x86), which is exact for such masks; the baseline uses
 * v128.bitselect. Only full-lane masks may be passed.
 */
@inline export function sel(a: v128, b: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, mask);
  return v128.bitselect(a, b, mask);
}

