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
//   element: |y| clamped to max (saturation; INT grid: to |qmin| for negative y, qmax + 1 in asymmetric
//           words), then rounded with the chosen mode (rne / half_away / toward_zero / toward_positive /
//           toward_negative); under the directed modes on power-of-two scales a nonzero x whose y
//           underflowed to ±0 keeps y = ±2^-149 (the exact y rounds away from zero there too)
//   quantize: x̂ = f32(value(code) · X), X = 2^e or d.
//
// NV rows need the tensor amax before any block, so their encode is two passes: amax_blocks_f32
// writes every block's maximum (and returns the tensor amax), then cvt_f32_block with those maxima
// (`amax`) reads each block once more for its codes only.
import {
  dget, D_FAST, D_M, D_EMIN, D_NEGZERO, D_OFF, D_SIGNMASK,
  B_KIND, B_RULE, B_EMAX, B_MAXBITS, B_MBITS, B_ISHIFT, B_SBIAS, B_SNAN, B_NV_SEOM, B_NV_SDEC, B_CODEMASK, B_KP, B_PACK4, B_QNEG,
} from "../common/desc";
import { sel, R_RNE, R_HALF_AWAY, R_TOWARD_ZERO, R_TOWARD_POS, R_TOWARD_NEG } from "../common/lanes";
import { EC, FP4_TABLE, LANE_CONSTS, fp4Index8, fp4Mag16, fp4MagicKP, fp4MaxIndex, fp4MinNormP, fp4Table, rneMag16, loadEncodeConsts, magnitudeAny } from "./cvt-f32-minifloat-wasmsimd";
import { decode4, loadDecodeConsts, DecodeConsts } from "./cvt-minifloat-f32-wasmsimd";

const FLT_MAX: f32 = 3.4028234663852886e38;
const NAN_BITS: i32 = 0x7fc00000;

/** 2^e as an f32, e in [−149, 127] (subnormal powers included). */
@inline export function pow2f(e: i32): f32 {
  return e >= -126 ? reinterpret<f32>((e + 127) << 23) : reinterpret<f32>(1 << (e + 149));
}

/** 2^e for i32 lanes e in [−127, 127] (2^−127 is the f32 subnormal 0x00400000). */
@inline export function pow2v(e: v128): v128 {
  return sel(v128.load(SC, 96), i32x4.shl(i32x4.add(e, v128.load(SC, 64)), 23), i32x4.lt_s(e, v128.load(SC, 112)));
}


// Blocks go through the kernels in groups: the scale phase reads a group from memory and writes its
// per-block factors here, the element phase re-reads the group from L1.
const GROUP: i32 = 16;
const F1S = memory.data(GROUP * 4, 16); // factor applied to x: 2^−e, or NV s_enc_b
const XS = memory.data(GROUP * 4, 16); //  decode factor 2^e, or NV d_b; NaN marks a NaN block
const F2S = memory.data(GROUP * 4, 16); // INT grid rows: second factor (1 unless 2^(ISHIFT − e) exceeds 2^127)

// Scale-phase lane constants, loaded from memory where they are used: binaryen turns splats of
// constants into v128.const, which V8 rebuilds at every use inside a loop.
const SC = memory.data<u32>([
  0x00800000, 0x00800000, 0x00800000, 0x00800000, //   0: least normal f32 bits
  0x5f800000, 0x5f800000, 0x5f800000, 0x5f800000, //  16: 2^64 (f32)
  0x007fffff, 0x007fffff, 0x007fffff, 0x007fffff, //  32: f32 mantissa field
  64, 64, 64, 64, //                                  48: the 2^64 normalisation, in exponent units
  127, 127, 127, 127, //                              64: f32 exponent bias
  0xffffff81, 0xffffff81, 0xffffff81, 0xffffff81, //  80: −127
  0x00400000, 0x00400000, 0x00400000, 0x00400000, //  96: 2^−127 (f32 subnormal)
  0xffffff82, 0xffffff82, 0xffffff82, 0xffffff82, // 112: −126
  0x0007ffff, 0x0007ffff, 0x0007ffff, 0x0007ffff, // 128: UE4M3 rounding: half an ulp minus one
  960, 960, 960, 960, //                             144: 120 << 3 (UE4M3 rebias, in code units)
  0x44000000, 0x44000000, 0x44000000, 0x44000000, // 160: 512 (f32)
  0x7e, 0x7e, 0x7e, 0x7e, //                         176: UE4M3 max code (448)
  0x3c800000, 0x3c800000, 0x3c800000, 0x3c800000, // 192: 2^−6 (f32), least normal UE4M3
  8, 8, 8, 8, //                                     208: least normal UE4M3 code
  0x3b000000, 0x3b000000, 0x3b000000, 0x3b000000, // 224: 2^−9 (f32), UE4M3 subnormal step
  0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, // 240: 1 (f32)
  0x7f7fffff, 0x7f7fffff, 0x7f7fffff, 0x7f7fffff, // 256: FLT_MAX
  0x7fc00000, 0x7fc00000, 0x7fc00000, 0x7fc00000, // 272: quiet NaN
  0, 1, 2, 3, //                                     288: lane indices
  0x7f, 0x7f, 0x7f, 0x7f, //                         304: UE4M3 NaN code
  0, 0, 0, 0, //                                     320: zero
], 16);

/** Lanes: max |x| bits over 16 f32 at r (a tree of four vectors). */
@inline function amax16(r: usize, absMask: v128): v128 {
  return i32x4.max_u(i32x4.max_u(v128.and(v128.load(r), absMask), v128.and(v128.load(r, 16), absMask)),
                     i32x4.max_u(v128.and(v128.load(r, 32), absMask), v128.and(v128.load(r, 48), absMask)));
}

/** Lanes: max |x| bits over one block of kp f32 at q (kp a multiple of 16). */
@inline function blockAmax(q: usize, kp: i32, absMask: v128): v128 {
  let m = amax16(q, absMask);
  for (let j: i32 = 16; j < kp; j += 16) m = i32x4.max_u(m, amax16(q + (<usize>j << 2), absMask));
  return m;
}

/**
 * Max-magnitude bits of four consecutive blocks of kp f32 at p, one block per lane (u32 order of
 * |x| bits = magnitude order; NaN/Inf ≥ 0x7F800000). Lanes past `count` are 0 (zero blocks).
 */
@inline function amax4(p: usize, kp: i32, count: i32, absMask: v128): v128 {
  const stride = <usize>kp << 2;
  const zero = i32x4.splat(0);
  const m0 = blockAmax(p, kp, absMask);
  const m1 = count > 1 ? blockAmax(p + stride, kp, absMask) : zero;
  const m2 = count > 2 ? blockAmax(p + 2 * stride, kp, absMask) : zero;
  const m3 = count > 3 ? blockAmax(p + 3 * stride, kp, absMask) : zero;
  // 4×4 transpose-reduce: lane b = max over the four lanes of m_b
  const a = i32x4.max_u(i8x16.shuffle(m0, m1, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23),
                        i8x16.shuffle(m0, m1, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31));
  const b = i32x4.max_u(i8x16.shuffle(m2, m3, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23),
                        i8x16.shuffle(m2, m3, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31));
  return i32x4.max_u(i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23),
                     i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
}

/**
 * Scale exponents (before clamping) of four blocks with finite max-magnitude bits u, exact from the
 * bits: f32 subnormals are normalised by an exact 2^64 scaling first (as ilogb does).
 */
@inline function scaleExp4(rule: i32, u: v128, emax: v128, flMax: v128, manMax: v128, half: v128): v128 {
  const sub = i32x4.lt_u(u, v128.load(SC)); // below the least normal f32
  const nb = sel(f32x4.mul(u, v128.load(SC, 16)), u, sub); // normalised bits
  const bexp = v128.load(SC, 64); // 127
  const fl = i32x4.sub(i32x4.sub(i32x4.shr_u(nb, 23), bexp), v128.and(sub, v128.load(SC, 48))); // ⌊log2 amax⌋
  const man = v128.and(nb, v128.load(SC, 32));
  let e: v128;
  if (rule == 0) e = i32x4.sub(fl, emax); // floor (OCP)
  else if (rule == 1) e = i32x4.sub(i32x4.sub(fl, i32x4.ne(man, i32x4.splat(0))), emax); // ceil
  else if (rule == 2) {
    // rceil: least e with 2^e · max ≥ amax = ⌊log2 amax⌋ − ⌊log2 max⌋ + (significand(amax) > significand(max))
    e = i32x4.sub(i32x4.sub(fl, flMax), i32x4.gt_u(man, manMax));
  } else {
    // even: amax rounded half-up to the element's mantissa width (may carry into the exponent)
    const r = i32x4.add(u, half);
    const rexp = i32x4.shr_u(r, 23);
    e = i32x4.sub(sel(i32x4.sub(rexp, bexp), fl, i32x4.gt_s(rexp, i32x4.splat(0))), emax);
  }
  return sel(v128.load(SC, 80), e, i32x4.eq(u, i32x4.splat(0))); // all-zero block: the least scale (−127)
}

/** UE4M3 codes of four s ≥ 0 lanes (finite or +Inf): RNE, saturating to 448 (0x7E). */
@inline function ue4m3Code4(s: v128): v128 {
  const cn = ue4m3CodeNormal4(s);
  // below 2^-6: the subnormal grid 2^-9 (exact scaling; adding 2^23 rounds to an integer, RNE)
  const two23 = v128.load(LANE_CONSTS, 48);
  const cs = i32x4.sub(f32x4.add(f32x4.mul(s, v128.load(SC, 160)), two23), two23);
  return sel(cs, cn, i32x4.lt_s(s, v128.load(SC, 192))); // s ≥ 0: its bits are a non-negative i32
}

/** ue4m3Code4's normal range (right for s ≥ 2^−6): the mantissa rounded to 3 bits (ties to even), code = (bits >> 20) − (120 << 3), at most 0x7E. */
@inline function ue4m3CodeNormal4(s: v128): v128 {
  const r = i32x4.add(s, i32x4.add(v128.load(SC, 128), v128.and(i32x4.shr_u(s, 20), v128.load(LANE_CONSTS, 16))));
  return i32x4.min_s(i32x4.sub(i32x4.shr_u(r, 20), v128.load(SC, 144)), v128.load(SC, 176));
}

/** Values of four UE4M3 codes (not 0x7F). */
@inline export function ue4m3Value4(c: v128): v128 {
  const normal = i32x4.shl(i32x4.add(c, v128.load(SC, 144)), 20);
  const subn = f32x4.mul(f32x4.convert_i32x4_s(c), v128.load(SC, 224));
  return sel(subn, normal, i32x4.lt_s(c, v128.load(SC, 208)));
}

/** The low bytes of four i32 lanes (values in [0, 255]) in the first four bytes. */
@inline function bytes4(c: v128): v128 {
  const h = i16x8.narrow_i32x4_u(c, c);
  return i8x16.narrow_i16x8_u(h, h);
}

/**
 * Scale phase of a group: for blocks [0, nBlocks) of kp f32 at src (nBlocks ≤ GROUP), four at a time, the scale
 * bytes (to `scales`) and the factors F1S / XS (XS NaN for NaN blocks).
 */
@inline function scalePhase(rule: i32, bd: usize, src: usize, scales: usize, nBlocks: i32): bool {
  const kp = dget(bd, B_KP);
  const bias = dget(bd, B_SBIAS);
  const emax = i32x4.splat(dget(bd, B_EMAX)), maxBits = dget(bd, B_MAXBITS);
  const flMax = i32x4.splat((maxBits >>> 23) - 127), manMax = i32x4.splat(maxBits & 0x7fffff);
  const half = i32x4.splat(1 << (22 - dget(bd, B_MBITS)));
  const snan = i32x4.splat(dget(bd, B_SNAN));
  const seom = f32x4.splat(reinterpret<f32>(dget(bd, B_NV_SEOM)));
  const sdec = f32x4.splat(reinterpret<f32>(dget(bd, B_NV_SDEC)));
  const ishift = i32x4.splat(dget(bd, B_ISHIFT));
  const biasV = i32x4.splat(bias), nbiasV = i32x4.splat(-bias);
  const absMask = v128.load(LANE_CONSTS);
  let anyBad = i32x4.splat(0);
  const n4 = nBlocks & ~3;
  for (let b: i32 = 0; b < nBlocks; b += 4) {
    const p = src + <usize>b * <usize>kp * 4;
    const u = b < n4 ? amax4(p, kp, 4, absMask) : amax4(p, kp, nBlocks - b, absMask);
    const bad = i32x4.ge_u(u, v128.load(LANE_CONSTS, 80));
    let code: v128, f1: v128, x: v128;
    if (rule == 4) {
      code = ue4m3Code4(f32x4.mul(u, seom));
      x = f32x4.mul(ue4m3Value4(code), sdec); // d_b = f32(S_dec_b · s_dec)
      f1 = f32x4.pmin(f32x4.div(v128.load(SC, 240), x), v128.load(SC, 256)); // s_enc_b = min(f32(1/d_b), FLT_MAX)
      v128.store(F2S + (<usize>b << 2), v128.load(SC, 240));
    } else {
      const e = i32x4.min_s(i32x4.max_s(scaleExp4(rule, u, emax, flMax, manMax, half), nbiasV), biasV);
      code = i32x4.add(e, biasV);
      // y = x · 2^(ISHIFT − e): the INT grid step joins the scale (split in two factors past 2^127)
      const fe = i32x4.sub(ishift, e);
      const fe1 = i32x4.min_s(fe, v128.load(SC, 64));
      f1 = pow2v(fe1);
      v128.store(F2S + (<usize>b << 2), pow2v(i32x4.sub(fe, fe1)));
      x = pow2v(e);
    }
    anyBad = v128.or(anyBad, bad);
    code = sel(snan, code, bad);
    x = sel(v128.load(SC, 272), x, bad);
    v128.store(F1S + (<usize>b << 2), f1);
    v128.store(XS + (<usize>b << 2), x);
    const c8 = bytes4(code);
    if (b < n4) v128.store32_lane(scales + <usize>b, c8, 0);
    else {
      v128.store(TAIL, c8);
      memory.copy(scales + <usize>b, TAIL, <usize>(nBlocks - b));
    }
  }
  return v128.any_true(anyBad);
}

const TAIL = memory.data(16, 16);

function scalesFloor(bd: usize, src: usize, scales: usize, n: i32): bool { return scalePhase(0, bd, src, scales, n); }
function scalesCeil(bd: usize, src: usize, scales: usize, n: i32): bool { return scalePhase(1, bd, src, scales, n); }
function scalesRceil(bd: usize, src: usize, scales: usize, n: i32): bool { return scalePhase(2, bd, src, scales, n); }
function scalesEven(bd: usize, src: usize, scales: usize, n: i32): bool { return scalePhase(3, bd, src, scales, n); }
function scalesNv(bd: usize, src: usize, scales: usize, n: i32): bool { return scalePhase(4, bd, src, scales, n); }

/** Scale phase of n blocks by the row's rule; true when some block is a NaN block. */
function scales4(bd: usize, src: usize, scales: usize, n: i32): bool {
  const rule = dget(bd, B_RULE);
  if (rule == 0) return scalesFloor(bd, src, scales, n);
  if (rule == 1) return scalesCeil(bd, src, scales, n);
  if (rule == 2) return scalesRceil(bd, src, scales, n);
  if (rule == 3) return scalesEven(bd, src, scales, n);
  return scalesNv(bd, src, scales, n);
}

// Element variants (compile-time constants of the per-variant loops).
const V_MF_FAST: i32 = 0; //  minifloat quantize, RNE, one f32 rounding (D_FAST rows with M ≥ 1 and a signed zero)
const V_MF_ANY: i32 = 1; //   minifloat, general method (any rounding mode)
const V_INT: i32 = 2; //      INT grid

/** Minifloat code of four lanes by the general method (`a` = |y| bits clamped to max, `b` = y bits for the sign). */
@inline function mfCode(mode: i32, b: v128, a: v128, off: v128, negZero: v128, signMask: v128): v128 {
  const v = magnitudeAny(v128.or(a, v128.and(b, i32x4.splat(0x80000000))), mode, i32x4.splat(0), i32x4.splat(0), i32x4.splat(0));
  const zero = i32x4.splat(0);
  const mag = i32x4.max_s(i32x4.add(v, off), zero);
  const neg = i32x4.lt_s(b, zero);
  return v128.or(mag, v128.and(v128.and(neg, v128.or(i32x4.ne(mag, zero), negZero)), signMask));
}

/**
 * Signed INT level of four lanes: round |y| (clamped to qmax, or to qneg for negative y, in f32; both
 * ≤ 2^23, so t + 2^23 is exact) with `mode`, apply the sign.
 */
@inline function intLevel(mode: i32, b: v128, qmaxF: v128, qnegF: v128): v128 {
  const neg = i32x4.lt_s(b, i32x4.splat(0));
  const a = f32x4.pmin(f32x4.abs(b), sel(qnegF, qmaxF, neg));
  const magic = f32x4.splat(8388608.0); // 2^23: adding it rounds a (< 2^23) to an integer, RNE
  let k: v128;
  if (mode == R_RNE) {
    k = i32x4.sub(f32x4.add(a, magic), i32x4.splat(0x4b000000));
  } else {
    const t = f32x4.floor(a);
    k = i32x4.sub(f32x4.add(t, magic), i32x4.splat(0x4b000000));
    if (mode == R_HALF_AWAY) k = i32x4.sub(k, f32x4.ge(f32x4.sub(a, t), f32x4.splat(0.5)));
    if (mode == R_TOWARD_POS) k = i32x4.sub(k, v128.andnot(f32x4.gt(a, t), neg));
    if (mode == R_TOWARD_NEG) k = i32x4.sub(k, v128.and(f32x4.gt(a, t), neg));
  }
  return sel(i32x4.neg(k), k, neg);
}

/** y, or ±2^-149 (y's sign) where y is ±0 but x is not: a product that underflowed stays nonzero. */
@inline function keepNonzero(y: v128, x: v128): v128 {
  const absMask = i32x4.splat(0x7fffffff), zero = i32x4.splat(0);
  return v128.or(y, v128.and(v128.andnot(i32x4.ne(v128.and(x, absMask), zero), i32x4.ne(v128.and(y, absMask), zero)), i32x4.splat(1)));
}

/**
 * The per-variant loop. op 0: u8 codes to dst; 1: f32 x̂ to dst; 2 (INT grid): i32 codes (KP per
 * block, masked to the word width) to dst — words wider than 8 bits. `mode` is constant per call site.
 */
@inline function blocks(op: i32, variant: i32, mode: i32, bd: usize, src: usize, dst: usize, scales: usize, nBlocks: i32, DC: DecodeConsts): void {
  const kp = dget(bd, B_KP);
  const maxBits = i32x4.splat(dget(bd, B_MAXBITS));
  const ishift = dget(bd, B_ISHIFT);
  const qmaxF = f32x4.splat(reinterpret<f32>(dget(bd, B_MAXBITS)) * pow2f(ishift)); // INT grid: max in units of k
  const qnegF = f32x4.splat(reinterpret<f32>(dget(bd, B_QNEG))); //                   and |least level|
  const keepTiny = (mode == R_TOWARD_POS || mode == R_TOWARD_NEG) && dget(bd, B_RULE) != 4; // pow2 scales: y exact but for underflow
  const g = f32x4.splat(pow2f(-ishift));
  const codeMask = i32x4.splat(dget(bd, B_CODEMASK));
  const absMask = i32x4.splat(0x7fffffff);
  // minifloat constants (EC was loaded from the element descriptor)
  const off = EC.off, negZero = EC.negZero, signMask = EC.signMask, minNorm = EC.minNorm;
  const signBit = v128.load(LANE_CONSTS, 32), expMask = v128.load(LANE_CONSTS, 80), magicK = i32x4.splat(((23 - EC.M) << 23) | 0x400000);
  for (let b0: i32 = 0; b0 < nBlocks; b0 += GROUP) {
    const nb = min<i32>(GROUP, nBlocks - b0);
    scales4(bd, src + <usize>b0 * <usize>kp * 4, scales + <usize>b0, nb);
    for (let t: i32 = 0; t < nb; t++) {
      const blk = b0 + t;
      const p = src + <usize>blk * <usize>kp * 4;
      const xb = load<f32>(XS + (<usize>t << 2));
      if (isNaN(xb)) { // NaN block: codes 0, or NaN values
        if (op == 0) memory.fill(dst + <usize>blk * <usize>kp, 0, <usize>kp);
        else if (op == 2) memory.fill(dst + <usize>blk * <usize>kp * 4, 0, <usize>kp * 4);
        else {
          const q = dst + <usize>blk * <usize>kp * 4;
          for (let j: i32 = 0; j < kp; j += 4) v128.store(q + (<usize>j << 2), i32x4.splat(NAN_BITS));
        }
        continue;
      }
      const f1 = f32x4.splat(load<f32>(F1S + (<usize>t << 2)));
      const xs = f32x4.splat(xb);
      for (let j: i32 = 0; j < kp; j += 16) {
        const q = p + (<usize>j << 2);
        let c0: v128, c1: v128, c2: v128, c3: v128;
        let y0 = f32x4.mul(v128.load(q), f1);
        let y1 = f32x4.mul(v128.load(q, 16), f1);
        let y2 = f32x4.mul(v128.load(q, 32), f1);
        let y3 = f32x4.mul(v128.load(q, 48), f1);
        if (variant == V_INT) {
          const f2 = f32x4.splat(load<f32>(F2S + (<usize>t << 2)));
          y0 = f32x4.mul(y0, f2);
          y1 = f32x4.mul(y1, f2);
          y2 = f32x4.mul(y2, f2);
          y3 = f32x4.mul(y3, f2);
        }
        if (keepTiny) {
          y0 = keepNonzero(y0, v128.load(q));
          y1 = keepNonzero(y1, v128.load(q, 16));
          y2 = keepNonzero(y2, v128.load(q, 32));
          y3 = keepNonzero(y3, v128.load(q, 48));
        }
        if (variant == V_INT) {
          c0 = intLevel(mode, y0, qmaxF, qnegF);
          c1 = intLevel(mode, y1, qmaxF, qnegF);
          c2 = intLevel(mode, y2, qmaxF, qnegF);
          c3 = intLevel(mode, y3, qmaxF, qnegF);
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
          if (op == 2) {
            const o = dst + (<usize>(blk * kp + j) << 2);
            v128.store(o, c0);
            v128.store(o, c1, 16);
            v128.store(o, c2, 32);
            v128.store(o, c3, 48);
            continue;
          }
        } else {
          // saturate: clamp |y| to the element max (u32 order of non-negative f32 bits; Inf clamps too)
          const a0 = i32x4.min_u(v128.and(y0, absMask), maxBits);
          const a1 = i32x4.min_u(v128.and(y1, absMask), maxBits);
          const a2 = i32x4.min_u(v128.and(y2, absMask), maxBits);
          const a3 = i32x4.min_u(v128.and(y3, absMask), maxBits);
          if (variant == V_MF_FAST) {
            // quantize, RNE, M ≥ 1: one f32 addition rounds |y| to the element grid, normal and subnormal
            // alike (C = 1.5 · 2^23 · the spacing of the binade of max(|y|, least normal); quantizeRneFastT)
            const k0 = i32x4.add(v128.and(i32x4.max_u(a0, minNorm), expMask), magicK);
            const k1 = i32x4.add(v128.and(i32x4.max_u(a1, minNorm), expMask), magicK);
            const k2 = i32x4.add(v128.and(i32x4.max_u(a2, minNorm), expMask), magicK);
            const k3 = i32x4.add(v128.and(i32x4.max_u(a3, minNorm), expMask), magicK);
            const o = dst + (<usize>(blk * kp + j) << 2);
            v128.store(o, f32x4.mul(v128.or(f32x4.sub(f32x4.add(a0, k0), k0), v128.and(y0, signBit)), xs));
            v128.store(o, f32x4.mul(v128.or(f32x4.sub(f32x4.add(a1, k1), k1), v128.and(y1, signBit)), xs), 16);
            v128.store(o, f32x4.mul(v128.or(f32x4.sub(f32x4.add(a2, k2), k2), v128.and(y2, signBit)), xs), 32);
            v128.store(o, f32x4.mul(v128.or(f32x4.sub(f32x4.add(a3, k3), k3), v128.and(y3, signBit)), xs), 48);
            continue;
          }
          c0 = mfCode(mode, y0, a0, off, negZero, signMask);
          c1 = mfCode(mode, y1, a1, off, negZero, signMask);
          c2 = mfCode(mode, y2, a2, off, negZero, signMask);
          c3 = mfCode(mode, y3, a3, off, negZero, signMask);
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
}

// ---- the RNE encode paths of the benchmarked rows, specialised -----------------------------------


/**
 * Lane constants of the NV encoders, written once per call and loaded where they are used (kept in
 * memory, not as v128.const, which V8 rebuilds at every use in a loop).
 */
@unmanaged class NvConsts {
  absMask: v128 = v128.splat<i32>(0);
  signByte: v128 = v128.splat<i32>(0); // the code's sign bit (0x08) in every byte
  // E2M1-like elements
  minNormP: v128 = v128.splat<i32>(0); // fp4Mag16's constants
  magicKP: v128 = v128.splat<i32>(0);
  fbase: v128 = v128.splat<i32>(0); //   index base, i16 lanes
  // the loop's packed path (nvPacked8): index bases per lane parity, sign bits per lane parity, pair table
  pairBase: v128 = v128.splat<i32>(0);
  pairSign: v128 = v128.splat<i32>(0);
  pairTable: v128 = v128.splat<i32>(0);
  // INT elements
  qmax: v128 = v128.splat<i32>(0);
  qmin: v128 = v128.splat<i32>(0);
  codeMask: v128 = v128.splat<i32>(0);
}
const NC = changetype<NvConsts>(memory.data(offsetof<NvConsts>(), 16));

/** Fills NC for an NV row (EC loaded for minifloat elements). */
@inline function loadNvConsts(FP4: bool, bd: usize): void {
  NC.absMask = v128.load(LANE_CONSTS);
  NC.signByte = i8x16.splat(0x08);
  if (!FP4) {
    const qmax = reinterpret<f32>(dget(bd, B_MAXBITS)) * pow2f(dget(bd, B_ISHIFT));
    NC.qmax = f32x4.splat(qmax);
    NC.qmin = f32x4.splat(-qmax);
    NC.codeMask = i32x4.splat(dget(bd, B_CODEMASK));
    return;
  }
  NC.minNormP = fp4MinNormP();
  NC.magicKP = fp4MagicKP();
  const base = fp4Table();
  NC.fbase = i16x8.splat(<i16>base);
  // pair table: even lanes index 0 … 7 → code, odd lanes 8 … 15 → code << 4 (the index of the least
  // subnormal, FP4_TABLE's 1, is 0 here; zero's index is negative and swizzles to 0)
  const pb = changetype<usize>(NC) + offsetof<NvConsts>("pairBase");
  const pt = changetype<usize>(NC) + offsetof<NvConsts>("pairTable");
  const ps = changetype<usize>(NC) + offsetof<NvConsts>("pairSign");
  for (let i: i32 = 0; i < 8; i++) {
    const c = <u32>load<u8>(FP4_TABLE + <usize>(i + 1));
    store<u8>(pt + <usize>i, <u8>c);
    store<u8>(pt + <usize>(i + 8), <u8>(c << 4));
    store<u16>(pb + <usize>(i << 1), <u16>(i & 1 ? base + 1 - 8 : base + 1));
  }
  for (let i: i32 = 0; i < 16; i++) store<u8>(ps + <usize>i, <u8>(i & 1 ? 0x80 : 0x08));
}

/**
 * The NV loop's E2M1 codes of 16 scaled values y, packed: 8 bytes in the low half (even element in
 * the low nibble). Only for |y| < 7, whose rounded values stop at the element max 6: the index
 * (rounded bits >> 22, less the least subnormal's) is 0 … 7, and odd elements take it plus 8 from
 * the lane-parity base, where the pair table holds their code shifted left by 4; zero's index is
 * negative and gives 0. Signs: 0x08 on even, 0x80 on odd negative lanes. One pairwise byte add
 * then forms each output byte.
 */
@inline function nvPacked8(y0: v128, y1: v128, y2: v128, y3: v128): v128 {
  const absMask = NC.absMask, minNormP = NC.minNormP, magicKP = NC.magicKP;
  const pairBase = NC.pairBase;
  const idx = i8x16.narrow_i16x8_s(fp4Index8(v128.and(y0, absMask), v128.and(y1, absMask), minNormP, magicKP, pairBase),
                                   fp4Index8(v128.and(y2, absMask), v128.and(y3, absMask), minNormP, magicKP, pairBase));
  const sg = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(y0, y1), i16x8.narrow_i32x4_s(y2, y3)); // bit 7: the sign
  const codes = v128.or(i8x16.swizzle(NC.pairTable, idx), v128.and(i8x16.lt_s(sg, i8x16.splat(0)), NC.pairSign));
  const w = i16x8.extadd_pairwise_i8x16_u(codes);
  return i8x16.narrow_i16x8_u(w, w);
}

/** Stores 16 byte codes at out + j, or (pack4) their 4-bit pairs as 8 bytes at out + j/2 (LSB-first stream: even code in the low nibble). */
@inline function storeCodes16(codes: v128, out: usize, j: i32, pack4: bool): void {
  if (!pack4) {
    v128.store(out + <usize>j, codes);
    return;
  }
  const w = v128.and(v128.or(codes, i16x8.shr_u(codes, 4)), v128.load(LANE_CONSTS, 96)); // lane = even | odd << 4
  v128.store64_lane(out + <usize>(j >> 1), i8x16.narrow_i16x8_u(w, w), 0);
}

/**
 * RNE byte codes (4-bit, sign in bit 3) of 16 scaled values y of an NV block. INT elements: y clamped
 * to ±qmax and rounded by one f32 addition of 1.5 · 2^23. E2M1-like elements: magnitudes from
 * fp4Mag16 (any |y|, Inf included: a block whose scale rounded to 0 has the factor FLT_MAX) or-ed
 * with sign bytes taken from y by saturating narrows (an i32's sign survives two signed narrows as
 * bit 7 of a byte; an i16 shift by 4 moves it to bit 3, the mask drops what came from the
 * neighbouring byte).
 */
@inline function nvCodes16(FP4: bool, y0: v128, y1: v128, y2: v128, y3: v128, clamp: bool): v128 {
  if (!FP4) {
    const qmax = NC.qmax, qmin = NC.qmin, imagic = v128.load(LANE_CONSTS, 64), codeMask = NC.codeMask;
    const c0 = v128.and(i32x4.sub(f32x4.add(f32x4.pmax(f32x4.pmin(y0, qmax), qmin), imagic), imagic), codeMask);
    const c1 = v128.and(i32x4.sub(f32x4.add(f32x4.pmax(f32x4.pmin(y1, qmax), qmin), imagic), imagic), codeMask);
    const c2 = v128.and(i32x4.sub(f32x4.add(f32x4.pmax(f32x4.pmin(y2, qmax), qmin), imagic), imagic), codeMask);
    const c3 = v128.and(i32x4.sub(f32x4.add(f32x4.pmax(f32x4.pmin(y3, qmax), qmin), imagic), imagic), codeMask);
    return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3));
  }
  const sg = v128.and(i16x8.shr_u(i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(y0, y1), i16x8.narrow_i32x4_s(y2, y3)), 4), NC.signByte);
  const absMask = NC.absMask;
  return v128.or(fp4Mag16(v128.and(y0, absMask), v128.and(y1, absMask), v128.and(y2, absMask), v128.and(y3, absMask),
                          NC.minNormP, NC.magicKP, NC.fbase, v128.load(FP4_TABLE), clamp), sg);
}

/**
 * RNE encode, specialised. INT-grid rows (INT): y = x · 2^(ISHIFT − e) (· F2S), clamped to ±qmax and
 * rounded in one f32 addition. Minifloat-element rows with D_FAST, a signed zero and zero offset
 * (every MX FP element), for a constant code layout: D = 23 − M, SGNSH = 8 − code bits. Codes = narrowed
 * magnitudes or-ed with sign bytes taken from the f32 inputs by saturating narrows (the sign bit of
 * an i32 survives two signed narrows as bit 7 of a byte).
 */
@inline function encFastT(D: i32, SGNSH: i32, pack4: bool, FP4: bool, INT: bool, bd: usize, src: usize, dst: usize, scales: usize, nBlocks: i32): void {
  const absMask = v128.load(LANE_CONSTS), one = v128.load(LANE_CONSTS, 16), magic = v128.load(LANE_CONSTS, 48);
  const zero = i32x4.splat(0);
  const kp = dget(bd, B_KP);
  const maxBits = i32x4.splat(dget(bd, B_MAXBITS));
  const rebRound = i32x4.add(EC.rebias, i32x4.splat((1 << (D - 1)) - 1)); // lsb of the f32 bits at D = lsb of the rebased bits (D ≤ 22)
  const minNorm = EC.minNorm;
  const minNormM1 = i32x4.sub(minNorm, one);
  const emin = i32x4.extract_lane(EC.emin, 0);
  const s1 = i32x4.splat((EC.M - emin + 127) << 23);
  const blendAlways = EC.M <= 1 && emin >= -2; // FP4-like rows: most scaled values are subnormal
  const signByte = i8x16.splat(<i8>(0x80 >> SGNSH));
  const minNormP = fp4MinNormP(), magicKP = fp4MagicKP();
  const fbase = i16x8.splat(<i16>(FP4 ? fp4Table() : 0)), ftable = v128.load(FP4_TABLE);
  // INT grid rows
  const imagic = v128.load(LANE_CONSTS, 64);
  const qmax = f32x4.splat(reinterpret<f32>(dget(bd, B_MAXBITS)) * pow2f(dget(bd, B_ISHIFT)));
  const qmin = f32x4.splat(-reinterpret<f32>(dget(bd, B_QNEG)));
  const codeMask = i32x4.splat(dget(bd, B_CODEMASK));
  const outStride: usize = pack4 ? <usize>(kp >> 1) : <usize>kp; // code bytes per block
  for (let b0: i32 = 0; b0 < nBlocks; b0 += GROUP) {
    const nb = min<i32>(GROUP, nBlocks - b0);
    const anyNan = scales4(bd, src + <usize>b0 * <usize>kp * 4, scales + <usize>b0, nb);
    let p = src + <usize>b0 * <usize>kp * 4;
    let out = dst + <usize>b0 * outStride;
    for (let t: i32 = 0; t < nb; t++, p += <usize>kp * 4, out += outStride) {
      if (anyNan && isNaN(load<f32>(XS + (<usize>t << 2)))) {
        memory.fill(out, 0, outStride); // NaN block: codes 0
        continue;
      }
      const f1 = v128.load32_splat(F1S + (<usize>t << 2));
      const f2: f32 = INT ? load<f32>(F2S + (<usize>t << 2)) : 1;
      for (let j: i32 = 0; j < kp; j += 16) {
        const q = p + (<usize>j << 2);
        let y0 = f32x4.mul(v128.load(q), f1);
        let y1 = f32x4.mul(v128.load(q, 16), f1);
        let y2 = f32x4.mul(v128.load(q, 32), f1);
        let y3 = f32x4.mul(v128.load(q, 48), f1);
        if (INT) {
          if (f2 != 1) { // 2^(ISHIFT − e) past 2^127: the rest of the factor
            const f2v = f32x4.splat(f2);
            y0 = f32x4.mul(y0, f2v);
            y1 = f32x4.mul(y1, f2v);
            y2 = f32x4.mul(y2, f2v);
            y3 = f32x4.mul(y3, f2v);
          }
          // clamp to ±qmax, then one f32 addition of 1.5 · 2^23 leaves the signed integer in the low mantissa bits
          const c0 = v128.and(i32x4.sub(f32x4.add(f32x4.pmax(f32x4.pmin(y0, qmax), qmin), imagic), imagic), codeMask);
          const c1 = v128.and(i32x4.sub(f32x4.add(f32x4.pmax(f32x4.pmin(y1, qmax), qmin), imagic), imagic), codeMask);
          const c2 = v128.and(i32x4.sub(f32x4.add(f32x4.pmax(f32x4.pmin(y2, qmax), qmin), imagic), imagic), codeMask);
          const c3 = v128.and(i32x4.sub(f32x4.add(f32x4.pmax(f32x4.pmin(y3, qmax), qmin), imagic), imagic), codeMask);
          storeCodes16(i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3)), out, j, pack4);
          continue;
        }
        // sign bytes: an i16 shift moves bit 7 to the code's sign bit, the mask drops what came from the neighbouring byte
        let sg = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(y0, y1), i16x8.narrow_i32x4_s(y2, y3));
        if (SGNSH != 0) sg = i16x8.shr_u(sg, SGNSH);
        if (FP4) { // fp4Mag16 saturates by its table
          storeCodes16(v128.or(fp4Mag16(v128.and(y0, absMask), v128.and(y1, absMask), v128.and(y2, absMask), v128.and(y3, absMask),
                                        minNormP, magicKP, fbase, ftable), v128.and(sg, signByte)), out, j, pack4);
          continue;
        }
        // saturate: |y| clamped to the element max (u32 order of non-negative f32 bits)
        const a0 = i32x4.min_u(v128.and(y0, absMask), maxBits);
        const a1 = i32x4.min_u(v128.and(y1, absMask), maxBits);
        const a2 = i32x4.min_u(v128.and(y2, absMask), maxBits);
        const a3 = i32x4.min_u(v128.and(y3, absMask), maxBits);
        const mag = rneMag16(D, a0, a1, a2, a3, rebRound, one, blendAlways, minNorm, minNormM1, s1, magic);
        storeCodes16(v128.or(mag, v128.and(sg, signByte)), out, j, pack4);
      }
    }
  }
}

function encFast20s0(bd: usize, s: usize, d: usize, sc: usize, n: i32): void { encFastT(20, 0, false, false, false, bd, s, d, sc, n); } // E4M3
function encFast21s0(bd: usize, s: usize, d: usize, sc: usize, n: i32): void { encFastT(21, 0, false, false, false, bd, s, d, sc, n); } // E5M2
function encFast21s2(bd: usize, s: usize, d: usize, sc: usize, n: i32): void { encFastT(21, 2, false, false, false, bd, s, d, sc, n); } // E3M2
function encFast20s2(bd: usize, s: usize, d: usize, sc: usize, n: i32): void { encFastT(20, 2, false, false, false, bd, s, d, sc, n); } // E2M3
function encFast22s4(bd: usize, s: usize, d: usize, sc: usize, n: i32): void { encFastT(22, 4, false, true, false, bd, s, d, sc, n); } // E2M1
function encFast22s4p(bd: usize, s: usize, d: usize, sc: usize, n: i32): void { encFastT(22, 4, true, true, false, bd, s, d, sc, n); } // E2M1, packed
function encIntRne(bd: usize, s: usize, d: usize, sc: usize, n: i32): void { encFastT(0, 0, false, false, true, bd, s, d, sc, n); } // INT grid
function encIntRneP(bd: usize, s: usize, d: usize, sc: usize, n: i32): void { encFastT(0, 0, true, false, true, bd, s, d, sc, n); } // INT grid, 4-bit packed


// ---- NV rows with the block maxima from the first pass ----------------------------------------

const NVF1 = memory.data(128 * 4, 16); // s_enc_b by scale code: min(f32(1/f32(S · s_dec)), FLT_MAX)
const TAILA = memory.data(16, 16);

/**
 * NV encode, RNE, blocks of 16 packed 4-bit codes (E2M1-like or INT elements), with the block maxima
 * (|x| bits, u32 per block, as amax_blocks_f32 wrote them) at amax: first every block's UE4M3 code
 * (four per vector) into the scale bytes, then each block's factor from NVF1 by its scale byte and
 * its 16 codes. The element loop reads the codes back from memory rather than from the code vector:
 * taking a lane out of a vector into an address put a long chain (lane → register → address → load)
 * in front of every block, and the encode took 1.3–1.4 times as long with it.
 *
 * The loops have no branch; the scale codes come from the normal-range rounding alone
 * (nvScaleCodesNormal4). For a block whose code is normal (8 … 0x7E), |y| < 6.5: S_b is
 * v = amax_b · s_enc / 6 rounded to 3 mantissa bits (v / S_b < 1.07), and S_b · s_dec ≥ 2^−6 · 2^−128
 * keeps at least 15 bits (s_dec ≥ f32(1/FLT_MAX)), so s_enc_b is 1/(S_b · s_dec) within 2^−14. Its
 * E2M1 indices therefore stop at the max's (6 for E2M1, the one NV element: nvPacked8 relies on it)
 * and need no clamp. The blocks whose loop code is
 * below 8 or 0x7E are looked at again afterwards (nvRedoIf): a NaN/Inf block (its loop code is 0x7E)
 * gets the NaN scale and codes 0; a block with a subnormal or zero scale (|y| up to 9, or up to Inf
 * with the factor FLT_MAX) is encoded again on the clamped path.
 */
@inline function encNvT(FP4: bool, bd: usize, src: usize, amax: usize, dst: usize, scales: usize, nBlocks: i32): void {
  loadNvConsts(FP4, bd);
  const sdec = f32x4.splat(reinterpret<f32>(dget(bd, B_NV_SDEC)));
  const one = f32x4.splat(1.0), fmax = f32x4.splat(FLT_MAX), step = i32x4.splat(4);
  let cv = v128.load(SC, 288); // 0, 1, 2, 3
  for (let c: i32 = 0; c < 128; c += 4, cv = i32x4.add(cv, step)) {
    v128.store(NVF1 + (<usize>c << 2), f32x4.pmin(f32x4.div(one, f32x4.mul(ue4m3Value4(cv), sdec)), fmax));
  }
  const seom = f32x4.splat(reinterpret<f32>(dget(bd, B_NV_SEOM)));
  const n4 = nBlocks & ~3;
  let p = src, out = dst;
  for (let b: i32 = 0; b < n4; b += 4) {
    v128.store32_lane(scales + <usize>b, bytes4(nvScaleCodesNormal4(v128.load(amax + (<usize>b << 2)), seom)), 0);
  }
  for (let b: i32 = 0; b < n4; b += 4, p += 256, out += 32) {
    const sc = scales + <usize>b;
    nvBlock(FP4, p, out, <i32>load<u8>(sc), false);
    nvBlock(FP4, p + 64, out + 8, <i32>load<u8>(sc, 1), false);
    nvBlock(FP4, p + 128, out + 16, <i32>load<u8>(sc, 2), false);
    nvBlock(FP4, p + 192, out + 24, <i32>load<u8>(sc, 3), false);
  }
  if (n4 < nBlocks) {
    const count = nBlocks - n4; // the last 1–3 blocks: maxima and scale bytes through TAILA
    v128.store(TAILA, i32x4.splat(0));
    memory.copy(TAILA, amax + (<usize>n4 << 2), <usize>count << 2);
    const code = nvScaleCodes4(v128.load(TAILA), seom);
    v128.store32_lane(TAILA, bytes4(code), 0);
    memory.copy(scales + <usize>n4, TAILA, <usize>count);
    for (let i: i32 = 0; i < count; i++) nvRedo(FP4, p + (<usize>i << 6), out + (<usize>i << 3), <i32>load<u8>(scales + <usize>(n4 + i)));
  }
  // the blocks the loop may have done wrong: loop scale code below 8 or at least 0x7E, found 16 scale bytes at a time
  const n16 = n4 & ~15;
  const eight = i8x16.splat(8), big = i8x16.splat(0x7d);
  for (let b: i32 = 0; b < n16; b += 16) {
    const v = v128.load(scales + <usize>b); // codes 0 … 0x7E: non-negative bytes
    if (!v128.any_true(v128.or(i8x16.lt_s(v, eight), i8x16.gt_s(v, big)))) continue;
    for (let i: i32 = b; i < b + 16; i++) nvRedoIf(FP4, src, amax, dst, scales, seom, i);
  }
  for (let i: i32 = n16; i < n4; i++) nvRedoIf(FP4, src, amax, dst, scales, seom, i);
}

/**
 * The loop's UE4M3 codes of four blocks from their maxima u: the normal-range rounding alone, kept in
 * [0, 0x7E]. It equals nvScaleCodes4 wherever it gives 8 … 0x7D; below 8 (a subnormal or zero scale)
 * and at 0x7E (NaN/Inf maxima land there too) nvRedoIf looks again.
 */
@inline function nvScaleCodesNormal4(u: v128, seom: v128): v128 {
  return i32x4.max_s(ue4m3CodeNormal4(f32x4.mul(u, seom)), v128.load(SC, 320));
}

/** UE4M3 codes of four blocks from their maxima u (|x| bits): NaN/Inf maxima (u > 0x7F7FFFFF; u < 2^31) get 0x7F. */
@inline function nvScaleCodes4(u: v128, seom: v128): v128 {
  // ue4m3Code4 gives at most 0x7E for any s ≥ 0, NaN included, so or-ing 0x7F makes the NaN code
  return v128.or(ue4m3Code4(f32x4.mul(u, seom)), v128.and(i32x4.gt_s(u, v128.load(SC, 256)), v128.load(SC, 304)));
}

/** One NV block of 16 f32 at p: its 8 code bytes to out, for scale code ci (not the NaN code); clamp: see fp4Mag16. */
@inline function nvBlock(FP4: bool, p: usize, out: usize, ci: i32, clamp: bool): void {
  const f1 = v128.load32_splat(NVF1 + (<usize>ci << 2));
  const y0 = f32x4.mul(v128.load(p), f1), y1 = f32x4.mul(v128.load(p, 16), f1), y2 = f32x4.mul(v128.load(p, 32), f1), y3 = f32x4.mul(v128.load(p, 48), f1);
  if (FP4 && !clamp) {
    v128.store64_lane(out, nvPacked8(y0, y1, y2, y3), 0);
    return;
  }
  storeCodes16(nvCodes16(FP4, y0, y1, y2, y3, clamp), out, 0, true);
}

/**
 * Block i again where the loop's code was not the whole rule (scale byte below 8 or 0x7E): the full
 * code, and the block encoded again (on the clamped path) where that code differs from the loop's, is
 * the NaN code (codes 0) or is below 8 with a nonzero block (scale subnormal or 0: |y| up to 9 or,
 * with the factor FLT_MAX, Inf).
 */
@inline function nvRedoIf(FP4: bool, src: usize, amax: usize, dst: usize, scales: usize, seom: v128, i: i32): void {
  const loop = <i32>load<u8>(scales + <usize>i);
  if (loop >= 8 && loop < 0x7e) return;
  const u = load<u32>(amax + (<usize>i << 2));
  const ci = i32x4.extract_lane(nvScaleCodes4(i32x4.splat(u), seom), 0);
  store<u8>(scales + <usize>i, <u8>ci);
  if (ci != loop || ci == 0x7f || (ci < 8 && u != 0)) nvRedo(FP4, src + (<usize>i << 6), dst + (<usize>i << 3), ci);
}

/** One NV block with every case handled: NaN scale code (0x7F) → codes 0, else the clamped path. */
function nvRedo(FP4: bool, p: usize, out: usize, ci: i32): void {
  if (ci == 0x7f) store<u64>(out, 0); // UE4M3 codes of finite maxima stop at 0x7E
  else if (FP4) nvBlock(true, p, out, ci, true);
  else nvBlock(false, p, out, ci, true);
}

function encNvFp4(bd: usize, s: usize, a: usize, d: usize, sc: usize, n: i32): void { encNvT(true, bd, s, a, d, sc, n); }
function encNvInt4(bd: usize, s: usize, a: usize, d: usize, sc: usize, n: i32): void { encNvT(false, bd, s, a, d, sc, n); }

/** The specialised encode path for this row, if there is one (returns false otherwise). */
function encodeSpecialised(bd: usize, desc: usize, src: usize, amax: usize, dst: usize, scales: usize, nBlocks: i32): bool {
  const pack4 = dget(bd, B_PACK4) != 0;
  const nvPre = amax != 0 && pack4 && dget(bd, B_RULE) == 4 && dget(bd, B_KP) == 16;
  if (dget(bd, B_KIND) == 1) {
    if (nvPre) encNvInt4(bd, src, amax, dst, scales, nBlocks);
    else if (pack4) encIntRneP(bd, src, dst, scales, nBlocks);
    else encIntRne(bd, src, dst, scales, nBlocks);
    return true;
  }
  if (dget(desc, D_FAST) == 0 || dget(desc, D_NEGZERO) == 0 || dget(desc, D_OFF) != 0) return false;
  const D = 23 - dget(desc, D_M);
  const sm = dget(desc, D_SIGNMASK);
  const sgnsh = sm == 0x80 ? 0 : sm == 0x20 ? 2 : sm == 0x08 ? 4 : -1;
  if (D == 20 && sgnsh == 0) encFast20s0(bd, src, dst, scales, nBlocks);
  else if (D == 21 && sgnsh == 0) encFast21s0(bd, src, dst, scales, nBlocks);
  else if (D == 21 && sgnsh == 2) encFast21s2(bd, src, dst, scales, nBlocks);
  else if (D == 20 && sgnsh == 2) encFast20s2(bd, src, dst, scales, nBlocks);
  else if (D == 22 && sgnsh == 4 && fp4Table() >= 0) {
    if (nvPre && fp4MaxIndex <= 8) encNvFp4(bd, src, amax, dst, scales, nBlocks); // E2M1: the max's index is 8 (nvPacked8)
    else if (pack4) encFast22s4p(bd, src, dst, scales, nBlocks);
    else encFast22s4(bd, src, dst, scales, nBlocks);
  }
  else return false;
  return true;
}

// One small function per variant: V8 compiles small wasm functions better than one with every variant inlined.
function encMfRne(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_ANY, R_RNE, bd, s, d, sc, n, DC); }
function encMfAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_ANY, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function encMfZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_ANY, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }
function encMfPos(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_ANY, R_TOWARD_POS, bd, s, d, sc, n, DC); }
function encMfNeg(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_MF_ANY, R_TOWARD_NEG, bd, s, d, sc, n, DC); }
function encIntAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_INT, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function encIntZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_INT, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }
function encIntPos(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_INT, R_TOWARD_POS, bd, s, d, sc, n, DC); }
function encIntNeg(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(0, V_INT, R_TOWARD_NEG, bd, s, d, sc, n, DC); }
// INT words wider than 8 bits: i32 codes (op 2)
function encWideRne(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(2, V_INT, R_RNE, bd, s, d, sc, n, DC); }
function encWideAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(2, V_INT, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function encWideZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(2, V_INT, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }
function encWidePos(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(2, V_INT, R_TOWARD_POS, bd, s, d, sc, n, DC); }
function encWideNeg(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(2, V_INT, R_TOWARD_NEG, bd, s, d, sc, n, DC); }
function qMfFast(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_FAST, R_RNE, bd, s, d, sc, n, DC); }
function qMfRne(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_ANY, R_RNE, bd, s, d, sc, n, DC); }
function qMfAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_ANY, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function qMfZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_ANY, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }
function qMfPos(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_ANY, R_TOWARD_POS, bd, s, d, sc, n, DC); }
function qMfNeg(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_MF_ANY, R_TOWARD_NEG, bd, s, d, sc, n, DC); }
function qIntRne(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_INT, R_RNE, bd, s, d, sc, n, DC); }
function qIntAway(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_INT, R_HALF_AWAY, bd, s, d, sc, n, DC); }
function qIntZero(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_INT, R_TOWARD_ZERO, bd, s, d, sc, n, DC); }
function qIntPos(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_INT, R_TOWARD_POS, bd, s, d, sc, n, DC); }
function qIntNeg(bd: usize, s: usize, d: usize, sc: usize, n: i32, DC: DecodeConsts): void { blocks(1, V_INT, R_TOWARD_NEG, bd, s, d, sc, n, DC); }

/**
 * Encode (op 0: u8 codes, KP per block) or quantize (op 1: f32) nBlocks blocks of KP f32 at src;
 * scale bytes to `scales`. Returns 1 when the codes were written as packed 4-bit pairs (B_PACK4 set
 * and an RNE path that packs), else 0. `desc` is the element's minifloat descriptor (ignored for INT rows);
 * mode: R_RNE, R_HALF_AWAY, R_TOWARD_ZERO, R_TOWARD_POS or R_TOWARD_NEG; op 2: i32 codes (INT rows
 * whose words are wider than 8 bits). `amax`: 0, or the blocks' maxima as amax_blocks_f32
 * wrote them (u32 per block), which the NV encode path (RNE, packed) uses instead of re-reading the
 * blocks; other paths ignore it.
 */
export function cvt_f32_block__wasmsimd(bd: usize, desc: usize, src: usize, amax: usize, dst: usize, scales: usize, nBlocks: i32, mode: i32, op: i32): i32 {
  let DC = changetype<DecodeConsts>(0);
  if (op == 0 && mode == R_RNE) {
    if (dget(bd, B_KIND) == 0) loadEncodeConsts(desc);
    if (encodeSpecialised(bd, desc, src, amax, dst, scales, nBlocks)) return dget(bd, B_PACK4);
  }
  if (dget(bd, B_KIND) == 1) {
    if (op == 2) {
      if (mode == R_RNE) encWideRne(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_HALF_AWAY) encWideAway(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_TOWARD_POS) encWidePos(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_TOWARD_NEG) encWideNeg(bd, src, dst, scales, nBlocks, DC);
      else encWideZero(bd, src, dst, scales, nBlocks, DC);
    } else if (op == 0) {
      if (mode == R_HALF_AWAY) encIntAway(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_TOWARD_POS) encIntPos(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_TOWARD_NEG) encIntNeg(bd, src, dst, scales, nBlocks, DC);
      else encIntZero(bd, src, dst, scales, nBlocks, DC);
    } else {
      if (mode == R_RNE) qIntRne(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_HALF_AWAY) qIntAway(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_TOWARD_POS) qIntPos(bd, src, dst, scales, nBlocks, DC);
      else if (mode == R_TOWARD_NEG) qIntNeg(bd, src, dst, scales, nBlocks, DC);
      else qIntZero(bd, src, dst, scales, nBlocks, DC);
    }
    return 0;
  }
  loadEncodeConsts(desc);
  DC = loadDecodeConsts(desc);
  const fastQ = dget(desc, D_FAST) != 0 && dget(desc, D_M) >= 1 && dget(desc, D_NEGZERO) != 0 && dget(desc, D_SIGNMASK) != 0;
  if (op == 1 && mode == R_RNE && fastQ) qMfFast(bd, src, dst, scales, nBlocks, DC);
  else if (op == 0) {
    if (mode == R_RNE) encMfRne(bd, src, dst, scales, nBlocks, DC);
    else if (mode == R_HALF_AWAY) encMfAway(bd, src, dst, scales, nBlocks, DC);
    else if (mode == R_TOWARD_POS) encMfPos(bd, src, dst, scales, nBlocks, DC);
    else if (mode == R_TOWARD_NEG) encMfNeg(bd, src, dst, scales, nBlocks, DC);
    else encMfZero(bd, src, dst, scales, nBlocks, DC);
  } else {
    if (mode == R_RNE) qMfRne(bd, src, dst, scales, nBlocks, DC);
    else if (mode == R_HALF_AWAY) qMfAway(bd, src, dst, scales, nBlocks, DC);
    else if (mode == R_TOWARD_POS) qMfPos(bd, src, dst, scales, nBlocks, DC);
    else if (mode == R_TOWARD_NEG) qMfNeg(bd, src, dst, scales, nBlocks, DC);
    else qMfZero(bd, src, dst, scales, nBlocks, DC);
  }
  return 0;
}

/** Largest finite |x| of n f32 at src, as f32 bits (NaN/Inf lanes count as 0): the NV tensor amax. */
export function amax_finite_f32__wasmsimd(src: usize, n: i32): u32 {
  const absMask = v128.load(LANE_CONSTS);
  let m0 = i32x4.splat(0), m1 = i32x4.splat(0);
  const n8 = n & ~7;
  for (let i: i32 = 0; i < n8; i += 8) {
    m0 = i32x4.max_u(m0, v128.and(v128.load(src + (<usize>i << 2)), absMask));
    m1 = i32x4.max_u(m1, v128.and(v128.load(src + (<usize>i << 2), 16), absMask));
  }
  const m = i32x4.max_u(m0, m1);
  let r = max<u32>(max<u32>(<u32>i32x4.extract_lane(m, 0), <u32>i32x4.extract_lane(m, 1)), max<u32>(<u32>i32x4.extract_lane(m, 2), <u32>i32x4.extract_lane(m, 3)));
  if (r >= 0x7f800000) r = amaxFiniteMasked(src, n8); // some NaN/Inf: the masked loop
  for (let i: i32 = n8; i < n; i++) {
    const a = load<u32>(src + (<usize>i << 2)) & 0x7fffffff;
    if (a < 0x7f800000) r = max<u32>(r, a);
  }
  return r;
}

/** Largest finite |x| bits of the first n8 f32 (n8 a multiple of 8), NaN/Inf lanes counted as 0. */
function amaxFiniteMasked(src: usize, n8: i32): u32 {
  const absMask = v128.load(LANE_CONSTS), inf = i32x4.splat(0x7f800000);
  let m = i32x4.splat(0);
  for (let i: i32 = 0; i < n8; i += 4) {
    const a = v128.and(v128.load(src + (<usize>i << 2)), absMask);
    m = i32x4.max_u(m, v128.and(a, i32x4.lt_u(a, inf)));
  }
  return max<u32>(max<u32>(<u32>i32x4.extract_lane(m, 0), <u32>i32x4.extract_lane(m, 1)), max<u32>(<u32>i32x4.extract_lane(m, 2), <u32>i32x4.extract_lane(m, 3)));
}

/**
 * First pass of the NV recipe: the max-magnitude bits of each of nBlocks blocks of kp f32 at src
 * (kp a multiple of 16; u32 per block to dst, ≥ 0x7F800000 for a block with NaN/Inf), returning
 * the largest finite |x| bits of all the elements (the tensor amax of these blocks).
 */
export function amax_blocks_f32__wasmsimd(src: usize, nBlocks: i32, kp: i32, dst: usize): u32 {
  const absMask = v128.load(LANE_CONSTS);
  let m = i32x4.splat(0);
  const n4 = nBlocks & ~3;
  const stride4 = <usize>kp << 4; // bytes of four blocks
  let p = src;
  for (let b: i32 = 0; b < n4; b += 4, p += stride4) {
    const u = amax4(p, kp, 4, absMask);
    v128.store(dst + (<usize>b << 2), u);
    m = i32x4.max_u(m, u);
  }
  if (n4 < nBlocks) {
    const u = amax4(p, kp, nBlocks - n4, absMask);
    v128.store(TAILA, u);
    memory.copy(dst + (<usize>n4 << 2), TAILA, <usize>(nBlocks - n4) << 2);
    m = i32x4.max_u(m, u);
  }
  const r = max<u32>(max<u32>(<u32>i32x4.extract_lane(m, 0), <u32>i32x4.extract_lane(m, 1)), max<u32>(<u32>i32x4.extract_lane(m, 2), <u32>i32x4.extract_lane(m, 3)));
  return r >= 0x7f800000 ? amaxFiniteMasked(src, nBlocks * kp) : r; // a NaN/Inf block: the finite elements' max
}
