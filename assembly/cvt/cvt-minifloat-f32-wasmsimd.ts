// minifloat codes (u8 or u16) → f32, any registry row, by arithmetic on the code bits:
//   v   = magnitude − D_OFF                     (virtual magnitude)
//   eb  = v >> M;  sig = (v & (2^M−1)) | (eb > 0 ? 2^M : 0)
//   x   = sig · 2^(max(eb,1) − bias − M)       exact: small integer times a power of two (two factors)
// then sign, Inf and NaN codes by selects. Lanes: four i32 codes → four f32 per v128.
import { D_M, D_EMIN, D_VBIAS, D_OFF, D_SIGNMASK, D_INF_MAG, D_NAN_MAG, D_NAN_FULL, D_NAN_SIGNED, D_MAGMASK, D_FAST, dget } from "../common/desc";
import { pow2, sel } from "../common/lanes";

@unmanaged export class DecodeConsts {
  M: i32 = 0;
  signShift: i32 = 0;
  fmask: v128 = v128.splat<i32>(0);
  hidden: v128 = v128.splat<i32>(0);
  biasM: v128 = v128.splat<i32>(0);
  off: v128 = v128.splat<i32>(0);
  signMask: v128 = v128.splat<i32>(0);
  magMask: v128 = v128.splat<i32>(0);
  infMag: v128 = v128.splat<i32>(0);
  nanMag: v128 = v128.splat<i32>(0);
  nanFull: v128 = v128.splat<i32>(0);
  nanSignMask: v128 = v128.splat<i32>(0);
  // fast path (rows with D_FAST)
  rebias: v128 = v128.splat<i32>(0);
  subScale1: v128 = v128.splat<i32>(0);
  subScale2: v128 = v128.splat<i32>(0);
  specThr: i32 = 0; //  magnitudes ≥ this may be Inf/NaN
  nanFullC: i32 = 0;
}

const DCS = changetype<DecodeConsts>(memory.data(offsetof<DecodeConsts>()));

export function loadDecodeConsts(desc: usize): DecodeConsts {
  const M = dget(desc, D_M);
  DCS.M = M;
  const sm = dget(desc, D_SIGNMASK);
  DCS.signShift = sm == 0 ? 0 : 31 - (31 - clz<i32>(sm));
  DCS.fmask = i32x4.splat((1 << M) - 1);
  DCS.hidden = i32x4.splat(1 << M);
  DCS.biasM = i32x4.splat(dget(desc, D_VBIAS) + M);
  DCS.off = i32x4.splat(dget(desc, D_OFF));
  DCS.signMask = i32x4.splat(sm);
  DCS.magMask = i32x4.splat(dget(desc, D_MAGMASK));
  DCS.infMag = i32x4.splat(dget(desc, D_INF_MAG));
  DCS.nanMag = i32x4.splat(dget(desc, D_NAN_MAG));
  DCS.nanFull = i32x4.splat(dget(desc, D_NAN_FULL));
  DCS.nanSignMask = i32x4.splat(dget(desc, D_NAN_SIGNED) != 0 ? 0x80000000 : 0);
  const vbias = dget(desc, D_VBIAS);
  DCS.rebias = i32x4.splat((127 - vbias) << 23);
  const k = dget(desc, D_EMIN) - M; // subnormal spacing 2^k, as two normal factors
  const k1 = k >> 1;
  DCS.subScale1 = i32x4.splat((k1 + 127) << 23);
  DCS.subScale2 = i32x4.splat((k - k1 + 127) << 23);
  const inf = dget(desc, D_INF_MAG);
  DCS.specThr = min<i32>(inf < 0 ? 0x7fffffff : inf, dget(desc, D_NAN_MAG));
  DCS.nanFullC = dget(desc, D_NAN_FULL);
  return DCS;
}

/** Decode four codes (i32 lanes) to four f32 lanes. */
@inline export function decode4(codes: v128, C: DecodeConsts): v128 {
  const zero = i32x4.splat(0);
  const mag = v128.and(codes, C.magMask);
  const v = i32x4.sub(mag, C.off);
  const eb = i32x4.shr_u(v, C.M);
  const normal = i32x4.gt_s(eb, zero);
  const sig = v128.or(v128.and(v, C.fmask), v128.and(normal, C.hidden));
  const ex = i32x4.sub(i32x4.max_s(eb, i32x4.splat(1)), C.biasM);
  const ex1 = i32x4.shr_s(ex, 1);
  const mag32 = f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(sig), pow2(ex1)), pow2(i32x4.sub(ex, ex1)));
  const sign = i32x4.shl(v128.and(codes, C.signMask), C.signShift);
  let out = v128.or(mag32, sign);
  out = sel(v128.or(i32x4.splat(0x7f800000), sign), out, i32x4.eq(mag, C.infMag));
  const nan = v128.or(i32x4.ge_s(mag, C.nanMag), i32x4.eq(codes, C.nanFull));
  return sel(v128.or(i32x4.splat(0x7fc00000), v128.and(sign, C.nanSignMask)), out, nan);
}

/** Finite normal codes of D_FAST rows: rebias the exponent field of the shifted magnitude bits. */
@inline function decodeNormal4(codes: v128, magMask: v128, d: i32, rebias: v128, signMask: v128, signShift: i32): v128 {
  const mag = v128.and(codes, magMask);
  return v128.or(i32x4.add(i32x4.shl(mag, d), rebias), i32x4.shl(v128.and(codes, signMask), signShift));
}

/**
 * Eight finite normal 8-bit codes (i16 lanes, M ≤ 7, sign in bit 7 or none) → the high half-words of
 * their f32 bits: exponent rebiased, mantissa at the top of the f32 mantissa, sign at bit 15.
 */
@inline export function decodeNormalHi8(x: v128, magMask: v128, dHi: i32, rebiasHi: v128, signMask: v128): v128 {
  const mag = v128.and(x, magMask);
  // ±0 codes (magnitude 0) keep only their sign
  const m = v128.andnot(i16x8.add(i16x8.shl(mag, dHi), rebiasHi), i16x8.eq(mag, i16x8.splat(0)));
  return v128.or(m, i16x8.shl(v128.and(x, signMask), 8));
}

/** Sixteen normal-or-zero 8-bit codes b → sixteen f32 at o, through the high half-words (decodeNormalHi8). */
@inline export function hi8Store16(b: v128, mmH: v128, dHi: i32, rebH: v128, smH: v128, o: usize): void {
  const hl = decodeNormalHi8(i16x8.extend_low_i8x16_u(b), mmH, dHi, rebH, smH);
  const hh = decodeNormalHi8(i16x8.extend_high_i8x16_u(b), mmH, dHi, rebH, smH);
  // each half-word into the high half of an i32 lane: interleave with zeros (one unpack instruction)
  const z = i32x4.splat(0);
  v128.store(o, i8x16.shuffle(z, hl, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
  v128.store(o, i8x16.shuffle(z, hl, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 16);
  v128.store(o, i8x16.shuffle(z, hh, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), 32);
  v128.store(o, i8x16.shuffle(z, hh, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 48);
}

/** Finite codes of D_FAST rows including zero and subnormals (an exact integer-times-power-of-two). */
@inline function decodeMixed4(codes: v128, magMask: v128, d: i32, rebias: v128, s1: v128, s2: v128, signMask: v128, signShift: i32, hidden: v128): v128 {
  const mag = v128.and(codes, magMask);
  const nb = i32x4.add(i32x4.shl(mag, d), rebias);
  const sb = f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(mag), s1), s2);
  return v128.or(sel(sb, nb, i32x4.lt_s(mag, hidden)), i32x4.shl(v128.and(codes, signMask), signShift));
}

/**
 * 8-bit codes of D_FAST rows (M ≤ 7, sign in bit 7 or none), 16 per step. One test per step — every
 * magnitude zero or normal-and-finite, no NaN code — picks the high-half-word path; other steps (and
 * the tail, and invalid codes) go to decodeFast, which handles everything.
 * u8 range test as a signed compare: a <u b ⇔ (a ⊕ 0x80) <s (b ⊕ 0x80).
 */
@inline function decodeHi8T(src: usize, dst: usize, n: i32, C: DecodeConsts, DHI: i32): i32 {
  const magMask = i32x4.extract_lane(C.magMask, 0);
  const signMask = i32x4.extract_lane(C.signMask, 0);
  const hidc: i32 = 1 << C.M;
  const top = min<i32>(C.specThr - 1, magMask); // largest finite normal magnitude
  const mm8 = i8x16.splat(<i8>magMask), hid8 = i8x16.splat(<i8>hidc), flip = i8x16.splat(<i8>0x80);
  const span8 = i8x16.splat(<i8>((top - hidc + 1) ^ 0x80));
  const nf8 = i8x16.splat(<i8>C.nanFullC);
  const checkNanFull = C.nanFullC >= 0;
  const checkWidth = (magMask | signMask) != 0xff;
  const mmH = i16x8.splat(<i16>magMask), smH = i16x8.splat(<i16>signMask);
  const dHi = DHI >= 0 ? DHI : 7 - C.M, rebH = i16x8.splat(<i16>(i32x4.extract_lane(C.rebias, 0) >> 16)); // DHI: a constant shift
  const n16 = n & ~15;
  let r: i32 = 0;
  for (let i: i32 = 0; i < n16; i += 16) {
    const b = v128.load(src + <usize>i);
    const m = v128.and(b, mm8);
    let ok = v128.or(i8x16.lt_s(v128.xor(i8x16.sub(m, hid8), flip), span8), i8x16.eq(m, i8x16.splat(0)));
    if (checkNanFull) ok = v128.andnot(ok, i8x16.eq(b, nf8));
    if (checkWidth) ok = v128.and(ok, i8x16.eq(b, v128.or(m, v128.and(b, i8x16.splat(<i8>signMask)))));
    if (!i8x16.all_true(ok)) {
      r |= decodeFast(src + <usize>i, dst + (<usize>i << 2), 16, 1, C);
      continue;
    }
    hi8Store16(b, mmH, dHi, rebH, smH, dst + (<usize>i << 2));
  }
  if (n16 < n) r |= decodeFast(src + <usize>n16, dst + (<usize>n16 << 2), n - n16, 1, C);
  return r;
}

function decodeHi8(src: usize, dst: usize, n: i32, C: DecodeConsts): i32 { return decodeHi8T(src, dst, n, C, -1); }
function decodeHi8M3(src: usize, dst: usize, n: i32, C: DecodeConsts): i32 { return decodeHi8T(src, dst, n, C, 4); } // E4M3-like
function decodeHi8M2(src: usize, dst: usize, n: i32, C: DecodeConsts): i32 { return decodeHi8T(src, dst, n, C, 5); } // E5M2-like

/**
 * Decode of D_FAST rows, 16 codes per step: a step with no possible Inf/NaN code takes
 * decodeFinite4, any other step decode4. Tail and invalid-code detection through the general loop.
 */
function decodeFast(src: usize, dst: usize, n: i32, inBytes: i32, C: DecodeConsts): i32 {
  const n16 = n & ~15;
  const magMask = i32x4.extract_lane(C.magMask, 0);
  const outside = v128.not(v128.or(C.magMask, C.signMask));
  let bad = i32x4.splat(0);
  const vmag = C.magMask, d = 23 - C.M, rebias = C.rebias, s1 = C.subScale1, s2 = C.subScale2, sm = C.signMask, ss = C.signShift, hid = C.hidden;
  const hidc: i32 = 1 << C.M;
  const hid8 = i8x16.splat(<i8>min<i32>(hidc, 255)), hid16 = i16x8.splat(<i16>hidc);
  const thr8 = i8x16.splat(<i8>min<i32>(C.specThr - 1, 255)), mm8 = i8x16.splat(<i8>magMask), nf8 = i8x16.splat(<i8>C.nanFullC);
  const thr16 = i16x8.splat(<i16>min<i32>(C.specThr - 1, 65535)), mm16 = i16x8.splat(<i16>magMask), nf16 = i16x8.splat(<i16>C.nanFullC);
  const mmH = i16x8.splat(<i16>magMask), smH = i16x8.splat(<i16>i32x4.extract_lane(C.signMask, 0));
  const dHi = 7 - C.M, rebH = i16x8.splat(<i16>(i32x4.extract_lane(C.rebias, 0) >> 16));
  for (let i: i32 = 0; i < n16; i += 16) {
    let c0: v128, c1: v128, c2: v128, c3: v128, sp: bool, sub: bool;
    if (inBytes == 1) {
      const b = v128.load(src + <usize>i);
      const m = v128.and(b, mm8);
      sp = v128.any_true(v128.or(i8x16.gt_u(m, thr8), i8x16.eq(b, nf8)));
      // true subnormal codes (0 < magnitude < 2^M); zeros are handled on the normal path
      sub = v128.any_true(i8x16.lt_u(i8x16.sub(m, i8x16.splat(1)), i8x16.sub(hid8, i8x16.splat(1))));
      const lo = i16x8.extend_low_i8x16_u(b);
      const hi = i16x8.extend_high_i8x16_u(b);
      if (!sp && !sub) {
        // normal codes only: f32 = high half-word << 16 (M ≤ 7 mantissa bits fit the high half)
        bad = v128.or(bad, v128.and(b, i8x16.splat(<i8>~(magMask | i32x4.extract_lane(C.signMask, 0)))));
        const hl = decodeNormalHi8(lo, mmH, dHi, rebH, smH);
        const hh = decodeNormalHi8(hi, mmH, dHi, rebH, smH);
        const o = dst + (<usize>i << 2);
        v128.store(o, i32x4.shl(i32x4.extend_low_i16x8_u(hl), 16));
        v128.store(o, i32x4.shl(i32x4.extend_high_i16x8_u(hl), 16), 16);
        v128.store(o, i32x4.shl(i32x4.extend_low_i16x8_u(hh), 16), 32);
        v128.store(o, i32x4.shl(i32x4.extend_high_i16x8_u(hh), 16), 48);
        continue;
      }
      c0 = i32x4.extend_low_i16x8_u(lo);
      c1 = i32x4.extend_high_i16x8_u(lo);
      c2 = i32x4.extend_low_i16x8_u(hi);
      c3 = i32x4.extend_high_i16x8_u(hi);
    } else {
      const p = src + (<usize>i << 1);
      const lo = v128.load(p);
      const hi = v128.load(p, 16);
      sp = v128.any_true(v128.or(v128.or(i16x8.gt_u(v128.and(lo, mm16), thr16), i16x8.gt_u(v128.and(hi, mm16), thr16)),
                                 v128.or(i16x8.eq(lo, nf16), i16x8.eq(hi, nf16))));
      sub = v128.any_true(v128.or(i16x8.lt_u(v128.and(lo, mm16), hid16), i16x8.lt_u(v128.and(hi, mm16), hid16)));
      c0 = i32x4.extend_low_i16x8_u(lo);
      c1 = i32x4.extend_high_i16x8_u(lo);
      c2 = i32x4.extend_low_i16x8_u(hi);
      c3 = i32x4.extend_high_i16x8_u(hi);
    }
    bad = v128.or(bad, v128.and(v128.or(v128.or(c0, c1), v128.or(c2, c3)), outside));
    const out = dst + (<usize>i << 2);
    if (!sp && !sub) {
      v128.store(out, decodeNormal4(c0, vmag, d, rebias, sm, ss));
      v128.store(out, decodeNormal4(c1, vmag, d, rebias, sm, ss), 16);
      v128.store(out, decodeNormal4(c2, vmag, d, rebias, sm, ss), 32);
      v128.store(out, decodeNormal4(c3, vmag, d, rebias, sm, ss), 48);
    } else if (!sp) {
      v128.store(out, decodeMixed4(c0, vmag, d, rebias, s1, s2, sm, ss, hid));
      v128.store(out, decodeMixed4(c1, vmag, d, rebias, s1, s2, sm, ss, hid), 16);
      v128.store(out, decodeMixed4(c2, vmag, d, rebias, s1, s2, sm, ss, hid), 32);
      v128.store(out, decodeMixed4(c3, vmag, d, rebias, s1, s2, sm, ss, hid), 48);
    } else {
      v128.store(out, decode4(c0, C));
      v128.store(out, decode4(c1, C), 16);
      v128.store(out, decode4(c2, C), 32);
      v128.store(out, decode4(c3, C), 48);
    }
  }
  let r = i32x4.extract_lane(bad, 0) | i32x4.extract_lane(bad, 1) | i32x4.extract_lane(bad, 2) | i32x4.extract_lane(bad, 3);
  if (n16 < n) r |= decodeGeneral(src + <usize>n16 * <usize>inBytes, dst + (<usize>n16 << 2), n - n16, inBytes, C);
  return r;
}

// Byte planes of the 16-entry f32 table of a ≤ 4-bit format: PLANES + 16·k holds byte k of each value.
const LUT = memory.data(64, 16);
const PLANES = memory.data(64, 16);

/**
 * ≤ 4-bit formats: table lookup. The 16 values (specials included) come from decode4 once per call;
 * per 16 codes, four i8x16.swizzle pick the four bytes of each value and eight shuffles interleave
 * them into four f32 vectors. Codes ≥ 16 swizzle to 0 and are reported through the returned bits.
 */
function decodeLut4(src: usize, dst: usize, n: i32, C: DecodeConsts): i32 {
  const idx = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
  for (let q: i32 = 0; q < 4; q++) v128.store(LUT + (<usize>q << 4), decode4(i32x4.add(idx, i32x4.splat(q * 4)), C));
  lut4Planes(LUT, PLANES);
  const p0 = v128.load(PLANES), p1 = v128.load(PLANES, 16), p2 = v128.load(PLANES, 32), p3 = v128.load(PLANES, 48);
  const outside = i8x16.splat(<i8>~(i32x4.extract_lane(C.magMask, 0) | i32x4.extract_lane(C.signMask, 0)));
  let bad = i32x4.splat(0);
  const n16 = n & ~15;
  const one = f32x4.splat(1);
  for (let i: i32 = 0; i < n16; i += 16) {
    const b = v128.load(src + <usize>i);
    bad = v128.or(bad, v128.and(b, outside));
    lut4Store16(b, p0, p1, p2, p3, dst + (<usize>i << 2), false, one);
  }
  let r = i32x4.extract_lane(bad, 0) | i32x4.extract_lane(bad, 1) | i32x4.extract_lane(bad, 2) | i32x4.extract_lane(bad, 3);
  if (n16 < n) r |= decodeGeneral(src + <usize>n16, dst + (<usize>n16 << 2), n - n16, 1, C);
  return r;
}

/** Byte planes of a 16-entry f32 table at lut: planes + 16·k holds byte k of each value. */
@inline export function lut4Planes(lut: usize, planes: usize): void {
  for (let j: i32 = 0; j < 16; j++)
    for (let k: i32 = 0; k < 4; k++) store<u8>(planes + <usize>(k * 16 + j), load<u8>(lut + <usize>(j * 4 + k)));
}

/**
 * Sixteen 4-bit codes (one per byte of b) → sixteen f32 at out: four i8x16.swizzle pick the four
 * bytes of each table value, eight shuffles interleave them; `scaled`: each value times f (keepNan:
 * where the product is NaN, the value's own bits).
 */
@inline export function lut4Store16(b: v128, p0: v128, p1: v128, p2: v128, p3: v128, out: usize, scaled: bool, f: v128, keepNan: bool = false): void {
  const q0 = i8x16.swizzle(p0, b);
  const q1 = i8x16.swizzle(p1, b);
  const q2 = i8x16.swizzle(p2, b);
  const q3 = i8x16.swizzle(p3, b);
  const l01 = i8x16.shuffle(q0, q1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const h01 = i8x16.shuffle(q0, q1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const l23 = i8x16.shuffle(q2, q3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const h23 = i8x16.shuffle(q2, q3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  let v0 = i8x16.shuffle(l01, l23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
  let v1 = i8x16.shuffle(l01, l23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
  let v2 = i8x16.shuffle(h01, h23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
  let v3 = i8x16.shuffle(h01, h23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
  if (scaled && keepNan) {
    // where value · f is NaN (0 · Inf), keep the value's own bits
    let r = f32x4.mul(v0, f); v0 = sel(v0, r, f32x4.ne(r, r));
    r = f32x4.mul(v1, f); v1 = sel(v1, r, f32x4.ne(r, r));
    r = f32x4.mul(v2, f); v2 = sel(v2, r, f32x4.ne(r, r));
    r = f32x4.mul(v3, f); v3 = sel(v3, r, f32x4.ne(r, r));
  } else if (scaled) {
    v0 = f32x4.mul(v0, f);
    v1 = f32x4.mul(v1, f);
    v2 = f32x4.mul(v2, f);
    v3 = f32x4.mul(v3, f);
  }
  v128.store(out, v0);
  v128.store(out, v1, 16);
  v128.store(out, v2, 32);
  v128.store(out, v3, 48);
}

/** Four f32 from the table at lut, indexed by the four bytes of w. */
@inline export function gather4(lut: usize, w: u32): v128 {
  let v = v128.load32_zero(lut + ((w & 0xff) << 2));
  v = v128.load32_lane(lut + (((w >> 8) & 0xff) << 2), v, 1);
  v = v128.load32_lane(lut + (((w >> 16) & 0xff) << 2), v, 2);
  return v128.load32_lane(lut + ((w >> 24) << 2), v, 3);
}

// The 256-entry f32 table of an 8-bit-coded format (codes past the format's width are flagged, not used).
const LUT256 = memory.data(1024, 16);

/**
 * 5..8-bit formats: table lookup. The 256 values (specials included) come from decode4 once per
 * call; each output lane is one v128.load32_lane from the table.
 */
function decodeLut8(src: usize, dst: usize, n: i32, C: DecodeConsts): i32 {
  const idx = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
  for (let q: i32 = 0; q < 64; q++) v128.store(LUT256 + (<usize>q << 4), decode4(i32x4.add(idx, i32x4.splat(q * 4)), C));
  const width = i32x4.extract_lane(C.magMask, 0) | i32x4.extract_lane(C.signMask, 0);
  const outside: u32 = ~(<u32>width * 0x01010101);
  let bad: u32 = 0;
  const n4 = n & ~3;
  for (let i: i32 = 0; i < n4; i += 4) {
    const w = load<u32>(src + <usize>i);
    bad |= w & outside;
    v128.store(dst + (<usize>i << 2), gather4(LUT256, w));
  }
  for (let i: i32 = n4; i < n; i++) {
    const c = <u32>load<u8>(src + <usize>i);
    bad |= c & outside;
    store<u32>(dst + (<usize>i << 2), load<u32>(LUT256 + (c << 2)));
  }
  return <i32>bad;
}

const TAIL_IN = memory.data(64, 16);
const TAIL_OUT = memory.data(64, 16);

/**
 * Decode n codes (inBytes 1 or 2 each) at src into f32 at dst. Returns the OR of all code bits
 * outside the format's width (non-zero: some code was invalid; the caller raises).
 */
export function cvt_minifloat_f32__wasmsimd(desc: usize, src: usize, dst: usize, n: i32, inBytes: i32): i32 {
  const C = loadDecodeConsts(desc);
  const width = i32x4.extract_lane(C.magMask, 0) | i32x4.extract_lane(C.signMask, 0);
  if (inBytes == 1 && width < 16) return decodeLut4(src, dst, n, C);
  // 8-bit codes: the rows with D_FAST build f32 high half-words in i16 lanes; the others use a table
  if (inBytes == 1 && (dget(desc, D_FAST) == 0 || C.M > 7 || (i32x4.extract_lane(C.signMask, 0) != 0x80 && i32x4.extract_lane(C.signMask, 0) != 0)))
    return decodeLut8(src, dst, n, C);
  if (inBytes == 1) return C.M == 3 ? decodeHi8M3(src, dst, n, C) : C.M == 2 ? decodeHi8M2(src, dst, n, C) : decodeHi8(src, dst, n, C);
  if (dget(desc, D_FAST) != 0) return decodeFast(src, dst, n, inBytes, C);
  return decodeGeneral(src, dst, n, inBytes, C);
}

function decodeGeneral(src: usize, dst: usize, n: i32, inBytes: i32, C: DecodeConsts): i32 {
  const outside = v128.not(v128.or(C.magMask, C.signMask));
  let bad = i32x4.splat(0);
  let i: i32 = 0;
  while (i < n) {
    const rem = n - i;
    let inp = src + <usize>i * <usize>inBytes;
    if (rem < 16) {
      memory.fill(TAIL_IN, 0, 64);
      memory.copy(TAIL_IN, inp, <usize>rem * <usize>inBytes);
      inp = TAIL_IN;
    }
    let c0: v128, c1: v128, c2: v128, c3: v128;
    if (inBytes == 1) {
      const b = v128.load(inp);
      const lo = i16x8.extend_low_i8x16_u(b);
      const hi = i16x8.extend_high_i8x16_u(b);
      c0 = i32x4.extend_low_i16x8_u(lo);
      c1 = i32x4.extend_high_i16x8_u(lo);
      c2 = i32x4.extend_low_i16x8_u(hi);
      c3 = i32x4.extend_high_i16x8_u(hi);
    } else {
      const lo = v128.load(inp);
      const hi = v128.load(inp, 16);
      c0 = i32x4.extend_low_i16x8_u(lo);
      c1 = i32x4.extend_high_i16x8_u(lo);
      c2 = i32x4.extend_low_i16x8_u(hi);
      c3 = i32x4.extend_high_i16x8_u(hi);
    }
    bad = v128.or(bad, v128.and(v128.or(v128.or(c0, c1), v128.or(c2, c3)), outside));
    const out = rem < 16 ? TAIL_OUT : dst + (<usize>i << 2);
    v128.store(out, decode4(c0, C));
    v128.store(out, decode4(c1, C), 16);
    v128.store(out, decode4(c2, C), 32);
    v128.store(out, decode4(c3, C), 48);
    if (rem < 16) memory.copy(dst + (<usize>i << 2), TAIL_OUT, <usize>rem << 2);
    i += 16;
  }
  return i32x4.extract_lane(bad, 0) | i32x4.extract_lane(bad, 1) | i32x4.extract_lane(bad, 2) | i32x4.extract_lane(bad, 3);
}
