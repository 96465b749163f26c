// Block-scaled formats (OCP MX, NVFP4/NVINT4, BFP): f32 → element codes + one scale byte per block,
// and the fused quantize f32 → f32, in one pass over each block: block amax, scale selection,
// element encoding. The reference twin is src/formats/block-ref.ts; docs/block-formats.md has
// the rules. The block descriptor (slots B_* in assembly/common/desc.ts) carries the row; for
// minifloat elements the element's own descriptor (D_*) comes alongside.
//
// Input layout: nBlocks blocks of KP f32 each (KP = block size rounded up to 16, padded with zeros
// by the caller, which never changes a block's amax). Output: KP u8 codes per block (encode) or KP
// f32 (quantize), and one scale byte per block.
//
// Per block:
//   amax  = max over |x| bits as u32 (exact; ≥ 0x7F800000 means NaN/Inf in the block → NaN block:
//           scale = B_SNAN, codes 0, quantize gives NaN)
//   pow2 rows: e from the rule (exact from the bits), clamped to ±SBIAS; y = x · 2^−e (exact unless
//           the product is an f32 subnormal, far below every element's half step), INT grid · 2^ISHIFT
//   NV rows:   S = ue4m3_rne_satfinite(f32(amax · SEOM)); d = f32(S · SDEC); y = f32(x · min(f32(1/d), FLT_MAX))
//   element: |y| clamped to max (saturation), then rounded with the chosen mode (rne / half_away / toward_zero)
//   quantize: x̂ = f32(value(code) · X), X = 2^e or d.
import {
  dget, D_FAST, D_M, D_EMIN,
  B_KIND, B_RULE, B_EMAX, B_MAXBITS, B_MBITS, B_ISHIFT, B_SBIAS, B_SNAN, B_NV_SEOM, B_NV_SDEC, B_CODEMASK, B_KP,
} from "../common/desc";
import { sel, R_RNE, R_HALF_AWAY, R_TOWARD_ZERO } from "../common/lanes";
import { EC, loadEncodeConsts, magnitudeAny, magNormal, magSub, anySubnormal } from "./cvt-f32-minifloat-wasmsimd";
import { decode4, loadDecodeConsts, DecodeConsts } from "./cvt-minifloat-f32-wasmsimd";

const FLT_MAX: f32 = 3.4028234663852886e38;
const NAN_BITS: i32 = 0x7fc00000;

/** ⌊log2⌋ of a finite non-zero |x| given its bits (f32 subnormals from the leading mantissa bit). */
@inline function floorLog2Bits(u: u32): i32 {
  return u >= 0x800000 ? <i32>(u >> 23) - 127 : -118 - <i32>clz<u32>(u);
}

/** Significand of a finite non-zero |x| normalised to [2^23, 2^24). */
@inline function sig24(u: u32): u32 {
  return u >= 0x800000 ? (u & 0x7fffff) | 0x800000 : u << (clz<u32>(u) - 8);
}

/** Unbiased scale exponent of a block with max-magnitude bits u (finite), before clamping. */
function scaleExponent(rule: i32, u: u32, emax: i32, maxBits: u32, mbits: i32): i32 {
  if (u == 0) return -127; // all-zero block: the least scale (code 0 after clamping)
  if (rule == 0) return floorLog2Bits(u) - emax; // floor (OCP)
  if (rule == 1) return floorLog2Bits(u) + (sig24(u) != 0x800000 ? 1 : 0) - emax; // ceil
  if (rule == 2) return floorLog2Bits(u) - floorLog2Bits(maxBits) + (sig24(u) > sig24(maxBits) ? 1 : 0); // rceil: least e, 2^e·max ≥ amax
  const r = u + (<u32>1 << <u32>(22 - mbits)); // even: amax rounded half-up to the element's mantissa width
  return (r >> 23 > 0 ? <i32>(r >> 23) - 127 : floorLog2Bits(u)) - emax;
}

/** 2^e as an f32, e in [−149, 127] (subnormal powers included). */
@inline export function pow2f(e: i32): f32 {
  return e >= -126 ? reinterpret<f32>((e + 127) << 23) : reinterpret<f32>(1 << (e + 149));
}

/** UE4M3 code of s ≥ 0 (f32, finite or +Inf), RNE, saturating to 448 (0x7E). */
@inline function ue4m3Code(s: f32): i32 {
  const u = reinterpret<u32>(s);
  if (u >= 0x43e00000) return 0x7e; // ≥ 448
  if (u < 0x3c800000) return <i32>nearest<f32>(s * 512.0); // below 2^-6: subnormal grid 2^-9 (exact scaling; 8 = least normal)
  const r = u + 0x7ffff + ((u >> 20) & 1); // round the mantissa to 3 bits, ties to even
  return (<i32>(r >> 23) - 120) << 3 | <i32>((r >> 20) & 7);
}

/** Value of a UE4M3 code (not 0x7F). */
@inline export function ue4m3Value(c: i32): f32 {
  const E = c >> 3, m = c & 7;
  return E == 0 ? <f32>m * <f32>0.001953125 : <f32>(m + 8) * pow2f(E - 10);
}

// Per-block factors, set by blockScale().
let F1: f32 = 1; // first factor applied to x (2^−e, or NV s_enc_b)
let X: f32 = 1; //  decode factor (2^e, or NV d_b)

/**
 * Scale byte of the block whose max-magnitude bits are u (finite); sets F1 and X. For NV rows the
 * scale byte is a UE4M3 code; otherwise e + SBIAS.
 */
@inline function blockScale(bd: usize, u: u32): i32 {
  if (dget(bd, B_RULE) == 4) {
    const code = ue4m3Code(reinterpret<f32>(u) * reinterpret<f32>(dget(bd, B_NV_SEOM)));
    X = ue4m3Value(code) * reinterpret<f32>(dget(bd, B_NV_SDEC));
    F1 = min<f32>(<f32>1.0 / X, FLT_MAX);
    return code;
  }
  const bias = dget(bd, B_SBIAS);
  const e = min<i32>(max<i32>(scaleExponent(dget(bd, B_RULE), u, dget(bd, B_EMAX), <u32>dget(bd, B_MAXBITS), dget(bd, B_MBITS)), -bias), bias);
  F1 = pow2f(-e);
  X = pow2f(e);
  return e + bias;
}

/** Max over the |x| bits of KP f32 at p (u32 order = magnitude order; NaN/Inf ≥ 0x7F800000). */
@inline function blockAmaxBits(p: usize, kp: i32): u32 {
  const absMask = i32x4.splat(0x7fffffff);
  let m0 = v128.and(v128.load(p), absMask);
  let m1 = v128.and(v128.load(p, 16), absMask);
  let m2 = v128.and(v128.load(p, 32), absMask);
  let m3 = v128.and(v128.load(p, 48), absMask);
  for (let j: i32 = 16; j < kp; j += 16) {
    const q = p + (<usize>j << 2);
    m0 = i32x4.max_u(m0, v128.and(v128.load(q), absMask));
    m1 = i32x4.max_u(m1, v128.and(v128.load(q, 16), absMask));
    m2 = i32x4.max_u(m2, v128.and(v128.load(q, 32), absMask));
    m3 = i32x4.max_u(m3, v128.and(v128.load(q, 48), absMask));
  }
  const m = i32x4.max_u(i32x4.max_u(m0, m1), i32x4.max_u(m2, m3));
  const h = i32x4.max_u(m, i8x16.shuffle(m, m, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  return max<u32>(<u32>i32x4.extract_lane(h, 0), <u32>i32x4.extract_lane(h, 1));
}

// Element variants (compile-time constants of the per-variant loops).
const V_MF_FAST: i32 = 0; //  minifloat, RNE, integer rounding of the f32 bits (rows with D_FAST)
const V_MF_ANY: i32 = 1; //   minifloat, general method (any rounding mode)
const V_INT: i32 = 2; //      INT grid

/** Minifloat code of four lanes (y already clamped to ±max in `a` = |y| bits; `b` = y bits for the sign). */
@inline function mfCode(variant: i32, mode: i32, b: v128, a: v128, fastV: v128, negZeroFast: bool, off: v128, negZero: v128, signMask: v128, sgnShift: i32): v128 {
  let v: v128;
  if (variant == V_MF_FAST) v = fastV;
  else v = magnitudeAny(v128.or(a, v128.and(b, i32x4.splat(0x80000000))), mode, i32x4.splat(0), i32x4.splat(0), i32x4.splat(0));
  if (negZeroFast) return v128.or(v, v128.and(i32x4.shr_u(b, sgnShift), signMask));
  const zero = i32x4.splat(0);
  const mag = i32x4.max_s(i32x4.add(v, off), zero);
  const neg = i32x4.lt_s(b, zero);
  return v128.or(mag, v128.and(v128.and(neg, v128.or(i32x4.ne(mag, zero), negZero)), signMask));
}

/** Signed INT level of four lanes: round |y| (clamped to qmax in f32) with `mode`, apply the sign. */
@inline function intLevel(mode: i32, b: v128, qmaxF: v128): v128 {
  const a = f32x4.pmin(f32x4.abs(b), qmaxF);
  const magic = f32x4.splat(8388608.0); // 2^23: adding it rounds a (< 2^23) to an integer, RNE
  let k: v128;
  if (mode == R_RNE) {
    k = i32x4.sub(f32x4.add(a, magic), i32x4.splat(0x4b000000));
  } else {
    const t = f32x4.floor(a);
    k = i32x4.sub(f32x4.add(t, magic), i32x4.splat(0x4b000000));
    if (mode == R_HALF_AWAY) k = i32x4.sub(k, f32x4.ge(f32x4.sub(a, t), f32x4.splat(0.5)));
  }
  return sel(i32x4.neg(k), k, i32x4.lt_s(b, i32x4.splat(0)));
}

/**
 * The per-variant loop. op 0: u8 codes to dst; 1: f32 x̂ to dst. `mode` is constant per call site.
 */
@inline function blocks(op: i32, variant: i32, mode: i32, bd: usize, src: usize, dst: usize, scales: usize, nBlocks: i32, DC: DecodeConsts): void {
  const kp = dget(bd, B_KP);
  const snan = dget(bd, B_SNAN);
  const maxBits = i32x4.splat(dget(bd, B_MAXBITS));
  const ishift = dget(bd, B_ISHIFT);
  const f2 = f32x4.splat(pow2f(ishift));
  const qmaxF = f32x4.splat(reinterpret<f32>(dget(bd, B_MAXBITS)) * pow2f(ishift)); // INT grid: max in units of k
  const g = f32x4.splat(pow2f(-ishift));
  const codeMask = i32x4.splat(dget(bd, B_CODEMASK));
  const absMask = i32x4.splat(0x7fffffff);
  // minifloat constants (EC was loaded from the element descriptor)
  const M = EC.M;
  const d = 23 - M;
  const rebias = EC.rebias, roundC = i32x4.splat((1 << (d - 1)) - 1), minNorm = EC.minNorm;
  const minNormM1 = i32x4.sub(minNorm, i32x4.splat(1));
  const emin = i32x4.extract_lane(EC.emin, 0);
  const s1 = i32x4.splat((M - emin + 127) << 23); // 2^(M − emin): scales the subnormal range onto the code grid
  const blendAlways = M <= 1 && emin >= -2; // FP4-like rows: most scaled values are subnormal
  const off = EC.off, negZero = EC.negZero, signMask = EC.signMask, sgnShift = EC.sgnShift;
  const negZeroFast = variant == V_MF_FAST && i32x4.extract_lane(negZero, 0) != 0;
  for (let blk: i32 = 0; blk < nBlocks; blk++) {
    const p = src + <usize>blk * <usize>kp * 4;
    const u = blockAmaxBits(p, kp);
    if (u >= 0x7f800000) {
      store<u8>(scales + <usize>blk, <u8>snan);
      if (op == 0) memory.fill(dst + <usize>blk * <usize>kp, 0, <usize>kp);
      else {
        const q = dst + <usize>blk * <usize>kp * 4;
        for (let j: i32 = 0; j < kp; j += 4) v128.store(q + (<usize>j << 2), i32x4.splat(NAN_BITS));
      }
      continue;
    }
    store<u8>(scales + <usize>blk, <u8>blockScale(bd, u));
    const f1 = f32x4.splat(F1);
    const xs = f32x4.splat(X);
    for (let j: i32 = 0; j < kp; j += 16) {
      const q = p + (<usize>j << 2);
      let c0: v128, c1: v128, c2: v128, c3: v128;
      let y0 = f32x4.mul(v128.load(q), f1);
      let y1 = f32x4.mul(v128.load(q, 16), f1);
      let y2 = f32x4.mul(v128.load(q, 32), f1);
      let y3 = f32x4.mul(v128.load(q, 48), f1);
      if (variant == V_INT) {
        if (ishift != 0) {
          y0 = f32x4.mul(y0, f2);
          y1 = f32x4.mul(y1, f2);
          y2 = f32x4.mul(y2, f2);
          y3 = f32x4.mul(y3, f2);
        }
        c0 = intLevel(mode, y0, qmaxF);
        c1 = intLevel(mode, y1, qmaxF);
        c2 = intLevel(mode, y2, qmaxF);
        c3 = intLevel(mode, y3, qmaxF);
        if (op == 1) {
          const o = dst + (<usize>(blk * kp + j) << 2);
          v128.store(o, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(c0), g), xs));
          v128.store(o, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(c1), g), xs), 16);
          v128.store(o, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(c2), g), xs), 32);
          v128.store(o, f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(c3), g), xs), 48);
          continue;
        }
        c0 = v128.and(c0, codeMask);
        c1 = v128.and(c1, codeMask);
        c2 = v128.and(c2, codeMask);
        c3 = v128.and(c3, codeMask);
      } else {
        // saturate: clamp |y| to the element max (u32 order of non-negative f32 bits; Inf clamps too)
        const a0 = i32x4.min_u(v128.and(y0, absMask), maxBits);
        const a1 = i32x4.min_u(v128.and(y1, absMask), maxBits);
        const a2 = i32x4.min_u(v128.and(y2, absMask), maxBits);
        const a3 = i32x4.min_u(v128.and(y3, absMask), maxBits);
        let v0 = i32x4.splat(0), v1 = i32x4.splat(0), v2 = i32x4.splat(0), v3 = i32x4.splat(0);
        if (variant == V_MF_FAST) {
          v0 = magNormal(a0, d, rebias, roundC);
          v1 = magNormal(a1, d, rebias, roundC);
          v2 = magNormal(a2, d, rebias, roundC);
          v3 = magNormal(a3, d, rebias, roundC);
          if (blendAlways || anySubnormal(a0, a1, a2, a3, minNormM1)) {
            v0 = sel(magSub(a0, s1, s1, true), v0, i32x4.lt_s(a0, minNorm));
            v1 = sel(magSub(a1, s1, s1, true), v1, i32x4.lt_s(a1, minNorm));
            v2 = sel(magSub(a2, s1, s1, true), v2, i32x4.lt_s(a2, minNorm));
            v3 = sel(magSub(a3, s1, s1, true), v3, i32x4.lt_s(a3, minNorm));
          } else {
            const z = i32x4.splat(0);
            v0 = i32x4.max_s(v0, z);
            v1 = i32x4.max_s(v1, z);
            v2 = i32x4.max_s(v2, z);
            v3 = i32x4.max_s(v3, z);
          }
        }
        c0 = mfCode(variant, mode, y0, a0, v0, negZeroFast, off, negZero, signMask, sgnShift);
        c1 = mfCode(variant, mode, y1, a1, v1, negZeroFast, off, negZero, signMask, sgnShift);
        c2 = mfCode(variant, mode, y2, a2, v2, negZeroFast, off, negZero, signMask, sgnShift);
        c3 = mfCode(variant, mode, y3, a3, v3, negZeroFast, off, negZero, signMask, sgnShift);
        if (op == 1) {
          const o = dst + (<usize>(blk * kp + j) << 2);
          v128.store(o, f32x4.mul(decode4(c0, DC), xs));
          v128.store(o, f32x4.mul(decode4(c1, DC), xs), 16);
          v128.store(o, f32x4.mul(decode4(c2, DC), xs), 32);
          v128.store(o, f32x4.mul(decode4(c3, DC), xs), 48);
          continue;
        }
      }
      v128.store(dst + <usize>(blk * kp + j), i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3)));
    }
  }
}

// One small function per variant: V8 compiles small wasm functions better than one with every variant inlined.
function encMfFast(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_FAST, R_RNE, bd, s, d, sc, n, DC); }
function encMfRne(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_ANY, R_RNE, bd, s, d, sc, n, DC); }
function encMfAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_ANY, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function encMfZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_ANY, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }
function encIntRne(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_INT, R_RNE, bd, s, d, sc, n, DC); }
function encIntAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_INT, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function encIntZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_INT, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }
function qMfFast(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_FAST, R_RNE, bd, s, d, sc, n, DC); }
function qMfRne(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_ANY, R_RNE, bd, s, d, sc, n, DC); }
function qMfAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_ANY, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function qMfZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_ANY, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }
function qIntRne(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_INT, R_RNE, bd, s, d, sc, n, DC); }
function qIntAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_INT, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function qIntZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_INT, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }

/**
 * Encode (op 0: u8 codes, KP per block) or quantize (op 1: f32) nBlocks blocks of KP f32 at src;
 * scale bytes to `scales`. `desc` is the element's minifloat descriptor (ignored for INT rows);
 * mode: R_RNE, R_HALF_AWAY or R_TOWARD_ZERO.
 */
export function cvt_f32_block__wasmsimd(bd: usize, desc: usize, src: usize, dst: usize, scales: usize, nBlocks: i32, mode: i32, op: i32): void {
  let DC = changetype<DecodeConsts>(0);
  if (dget(bd, B_KIND) == 1) {
    if (op == 0) {
      if (mode == R_RNE) encIntRne(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_HALF_AWAY) encIntAway(bd, src, dst, scales, nBlocks, DC);
      else encIntZero(bd, src, dst, scales, nBlocks, DC);
    } else {
      if (mode == R_RNE) qIntRne(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_HALF_AWAY) qIntAway(bd, src, dst, scales, nBlocks, DC);
      else qIntZero(bd, src, dst, scales, nBlocks, DC);
    }
    return;
  }
  loadEncodeConsts(desc);
  DC = loadDecodeConsts(desc);
  const fast = dget(desc, D_FAST) != 0 && dget(desc, D_M) - dget(desc, D_EMIN) <= 126;
  if (mode == R_RNE && fast) {
    if (op == 0) encMfFast(bd, src, dst, scales, nBlocks, DC);
    else qMfFast(bd, src, dst, scales, nBlocks, DC);
  } else if (op == 0) {
    if (mode == R_RNE) encMfRne(bd, src, dst, scales, nBlocks, DC);
    else if (mode == R_HALF_AWAY) encMfAway(bd, src, dst, scales, nBlocks, DC);
    else encMfZero(bd, src, dst, scales, nBlocks, DC);
  } else {
    if (mode == R_RNE) qMfRne(bd, src, dst, scales, nBlocks, DC);
    else if (mode == R_HALF_AWAY) qMfAway(bd, src, dst, scales, nBlocks, DC);
    else qMfZero(bd, src, dst, scales, nBlocks, DC);
  }
}

/** Largest finite |x| of n f32 at src, as f32 bits (NaN/Inf lanes count as 0): the NV tensor amax. */
export function amax_finite_f32__wasmsimd(src: usize, n: i32): u32 {
  const absMask = i32x4.splat(0x7fffffff), inf = i32x4.splat(0x7f800000);
  let m0 = i32x4.splat(0), m1 = i32x4.splat(0);
  const n8 = n & ~7;
  for (let i: i32 = 0; i < n8; i += 8) {
    const a = v128.and(v128.load(src + (<usize>i << 2)), absMask);
    const b = v128.and(v128.load(src + (<usize>i << 2), 16), absMask);
    m0 = i32x4.max_u(m0, v128.and(a, i32x4.lt_u(a, inf)));
    m1 = i32x4.max_u(m1, v128.and(b, i32x4.lt_u(b, inf)));
  }
  const m = i32x4.max_u(m0, m1);
  let r = max<u32>(max<u32>(<u32>i32x4.extract_lane(m, 0), <u32>i32x4.extract_lane(m, 1)), max<u32>(<u32>i32x4.extract_lane(m, 2), <u32>i32x4.extract_lane(m, 3)));
  for (let i: i32 = n8; i < n; i++) {
    const a = load<u32>(src + (<usize>i << 2)) & 0x7fffffff;
    if (a < 0x7f800000) r = max<u32>(r, a);
  }
  return r;
}
