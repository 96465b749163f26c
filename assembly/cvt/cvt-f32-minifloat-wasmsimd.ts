// f32 → minifloat codes (and the fused quantize f32 → minifloat → f32), any row of the registry,
// every rounding mode. The format arrives as a descriptor (assembly/common/desc.ts).
//
// Lanes: each v128 holds four f32 inputs / four i32 codes. A step handles 16 elements
// (four vectors), then narrows the codes to u8 (16 lanes) or u16 (2 × 8 lanes).
//
// Method (exact for every registry row; test/formats/minifloat.kernel.test.ts proves it
// against the reference twin src/formats/minifloat-ref.ts):
//   e   = max(floor(log2|x|), emin)           binade of x, clamped to the subnormal binade
//   q   = |x| · 2^(M − e)                     exact: a power-of-two scaling
//   lo  = ((e − emin) << M) + floor(q)         virtual magnitude code of the lower neighbour
//   v   = lo + roundUp(mode, q − floor(q))     neighbours are consecutive codes, carries included
// then overflow, sign, zero, Inf and NaN policies are applied by selects (finish()).
// RNE has a faster path for rows with D_FAST: integer rounding of the f32 bits for the normal
// range, f32x4.nearest for the subnormal range.
import {
  D_M, D_EMIN, D_VBIAS, D_OFF, D_MAXV, D_SIGNMASK, D_NEGZERO, D_OVF_POS, D_OVF_NEG, D_INF_POS,
  D_INF_NEG, D_NAN_POS, D_NAN_NEG, D_NEG_UNS, D_ZERO_IN, D_HASZERO, D_FAST, D_OVFBITS, dget,
} from "../common/desc";
import { pow2, ilogb, randomBits, roundUp, sel, R_RNE, R_HALF_AWAY, R_TOWARD_ZERO, R_TOWARD_POS, R_TOWARD_NEG, R_TO_ODD, R_STOCHASTIC } from "../common/lanes";
import { decode4, DecodeConsts, loadDecodeConsts } from "./cvt-minifloat-f32-wasmsimd";

/** Descriptor values the encoder needs, splatted once per call. */
@unmanaged export class EncodeConsts {
  M: i32 = 0;
  emin: v128 = v128.splat<i32>(0);
  off: v128 = v128.splat<i32>(0);
  maxV: v128 = v128.splat<i32>(0);
  signMask: v128 = v128.splat<i32>(0);
  negZero: v128 = v128.splat<i32>(0);
  unsigned: v128 = v128.splat<i32>(0);
  hasZero: v128 = v128.splat<i32>(0);
  ovfPos: v128 = v128.splat<i32>(0);
  ovfNeg: v128 = v128.splat<i32>(0);
  infPos: v128 = v128.splat<i32>(0);
  infNeg: v128 = v128.splat<i32>(0);
  nanPos: v128 = v128.splat<i32>(0);
  nanNeg: v128 = v128.splat<i32>(0);
  negUns: v128 = v128.splat<i32>(0);
  zeroIn: v128 = v128.splat<i32>(0);
  // fast RNE path
  minNorm: v128 = v128.splat<i32>(0);
  rebias: v128 = v128.splat<i32>(0);
  subScale1: v128 = v128.splat<i32>(0);
  subScale2: v128 = v128.splat<i32>(0);
  // fast RNE common case
  sgnShift: i32 = 0;
  ovfBits: i32 = 0;
  subScaleOne: v128 = v128.splat<i32>(0); // 2^(M − emin) when it is a normal f32
  subMagic: v128 = v128.splat<i32>(0);
}

// Lane constants in memory, loaded once per call into locals: written as v128.const, the optimiser
// folds them back into the loops, where V8 rebuilds each one with one or two instructions per use.
export const LANE_CONSTS = memory.data<u32>([
  0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, //  0: |x| mask
  1, 1, 1, 1, //                                      16: one
  0x80000000, 0x80000000, 0x80000000, 0x80000000, // 32: f32 sign bit
  0x4b000000, 0x4b000000, 0x4b000000, 0x4b000000, // 48: 2^23 (f32)
  0x4b400000, 0x4b400000, 0x4b400000, 0x4b400000, // 64: 1.5 · 2^23 (f32)
  0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000, // 80: f32 exponent field
  0x00ff00ff, 0x00ff00ff, 0x00ff00ff, 0x00ff00ff, // 96: low byte of each i16 lane
  0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0f0f, // 112: 15 in every byte
], 16);

// One static instance: kernels are not re-entrant and never allocate.
export const EC = changetype<EncodeConsts>(memory.data(offsetof<EncodeConsts>()));

export function loadEncodeConsts(desc: usize): void {
  const M = dget(desc, D_M);
  const emin = dget(desc, D_EMIN);
  EC.M = M;
  EC.emin = i32x4.splat(emin);
  EC.off = i32x4.splat(dget(desc, D_OFF));
  EC.maxV = i32x4.splat(dget(desc, D_MAXV));
  const sm = dget(desc, D_SIGNMASK);
  EC.signMask = i32x4.splat(sm);
  EC.unsigned = i32x4.splat(sm == 0 ? -1 : 0);
  EC.negZero = i32x4.splat(dget(desc, D_NEGZERO) != 0 ? -1 : 0);
  EC.hasZero = i32x4.splat(dget(desc, D_HASZERO) != 0 ? -1 : 0);
  EC.ovfPos = i32x4.splat(dget(desc, D_OVF_POS));
  EC.ovfNeg = i32x4.splat(dget(desc, D_OVF_NEG));
  EC.infPos = i32x4.splat(dget(desc, D_INF_POS));
  EC.infNeg = i32x4.splat(dget(desc, D_INF_NEG));
  EC.nanPos = i32x4.splat(dget(desc, D_NAN_POS));
  EC.nanNeg = i32x4.splat(dget(desc, D_NAN_NEG));
  EC.negUns = i32x4.splat(dget(desc, D_NEG_UNS));
  EC.zeroIn = i32x4.splat(dget(desc, D_ZERO_IN));
  if (dget(desc, D_FAST) != 0) {
    EC.minNorm = i32x4.splat((emin + 127) << 23);
    EC.rebias = i32x4.splat((dget(desc, D_VBIAS) - 127) << 23);
    const k = M - emin; // > 0, at most 10 + 126
    const k1 = k >> 1;
    EC.subScale1 = i32x4.splat((k1 + 127) << 23);
    EC.subScale2 = i32x4.splat((k - k1 + 127) << 23);
    EC.ovfBits = dget(desc, D_OVFBITS);
    EC.subMagic = i32x4.splat((emin - M + 23 + 127) << 23); // 2^(emin − M + 23): its ulp is the subnormal spacing
    EC.sgnShift = sm == 0 ? 0 : clz<i32>(sm); // moves f32 bit 31 onto the code's sign bit
  }
}

/** Virtual magnitude code of |x| under `mode`, general method. */
@inline export function magnitudeAny(bits: v128, mode: i32, idx: v128, seedA: v128, seedB: v128): v128 {
  const absb = v128.and(bits, i32x4.splat(0x7fffffff));
  const neg = i32x4.lt_s(bits, i32x4.splat(0));
  const e = i32x4.max_s(ilogb(absb), EC.emin);
  const k = i32x4.sub(i32x4.splat(EC.M), e);
  const k1 = i32x4.shr_s(k, 1);
  // k = −1 (bias 0, M = 0: grid step 2) halves |x|: an f32 subnormal's q may underflow to 0, so
  // nonzero inputs keep q ≥ 2^-149 (ν stays > 0 for the directed modes; nearest and stochastic
  // decisions are the same for any ν below 2^-32)
  const q = f32x4.max(f32x4.mul(f32x4.mul(absb, pow2(k1)), pow2(i32x4.sub(k, k1))),
    v128.and(i32x4.ne(absb, i32x4.splat(0)), i32x4.splat(1)));
  const t = f32x4.floor(q);
  const frac = f32x4.sub(q, t);
  const lo = i32x4.add(i32x4.shl(i32x4.sub(e, EC.emin), EC.M), i32x4.trunc_sat_f32x4_s(t));
  let rnd = i32x4.splat(0);
  if (mode == R_STOCHASTIC) rnd = randomBits(idx, seedA, seedB);
  const up = roundUp(mode, frac, i32x4.add(lo, EC.off), neg, rnd);
  return i32x4.sub(lo, up); // up is −1 where rounding away
}

/** Descriptor values of the fast RNE paths, copied into locals by each kernel so V8 keeps them in registers. */
@inline function magnitudeRneFastP(bits: v128, d: i32, rebias: v128, roundC: v128, s1: v128, s2: v128, minNorm: v128): v128 {
  const absb = v128.and(bits, i32x4.splat(0x7fffffff));
  // normal range: rebias the exponent field, round the dropped bits to nearest even, shift
  const rebased = i32x4.add(absb, rebias);
  const lsb = v128.and(i32x4.shr_u(rebased, d), i32x4.splat(1)); // parity of the target code (M = 0: of its exponent)
  const vn = i32x4.shr_u(i32x4.add(rebased, i32x4.add(roundC, lsb)), d);
  // subnormal range: scale to the code grid (q < 2^M), then adding 2^23 rounds q to an integer
  // (f32 RNE) that sits in the low mantissa bits
  const q = f32x4.mul(f32x4.mul(absb, s1), s2);
  const vs = i32x4.sub(f32x4.add(q, f32x4.splat(8388608.0)), i32x4.splat(0x4b000000));
  return sel(vs, vn, i32x4.lt_s(absb, minNorm));
}

/** Virtual magnitude code of |x| under RNE, fast path (rows with D_FAST). */
@inline function magnitudeRneFast(bits: v128, M: i32): v128 {
  const d = 23 - M;
  return magnitudeRneFastP(bits, d, EC.rebias, i32x4.splat((1 << (d - 1)) - 1), EC.subScale1, EC.subScale2, EC.minNorm);
}

/** Apply overflow, sign, zero, Inf and NaN policies to virtual magnitudes `v` of inputs `bits`. */
@inline function finish(bits: v128, v: v128): v128 {
  const zero = i32x4.splat(0);
  const absb = v128.and(bits, i32x4.splat(0x7fffffff));
  const neg = i32x4.lt_s(bits, zero);
  let mag = i32x4.max_s(i32x4.add(v, EC.off), zero); // no-zero rows: underflow clamps to the least code
  const magNz = i32x4.ne(mag, zero);
  let code = v128.or(mag, v128.and(v128.and(neg, v128.or(magNz, EC.negZero)), EC.signMask));
  code = sel(sel(EC.ovfNeg, EC.ovfPos, neg), code, i32x4.gt_s(v, EC.maxV));
  // unsigned rows: a negative value that does not round to zero (any negative, in rows without zero)
  const negUns = v128.and(v128.and(neg, EC.unsigned), v128.or(i32x4.ne(v, zero), v128.not(EC.hasZero)));
  code = sel(EC.negUns, code, negUns);
  code = sel(EC.zeroIn, code, v128.andnot(i32x4.eq(absb, zero), EC.hasZero));
  code = sel(sel(EC.infNeg, EC.infPos, neg), code, i32x4.eq(absb, i32x4.splat(0x7f800000)));
  return sel(sel(EC.nanNeg, EC.nanPos, neg), code, i32x4.gt_s(absb, i32x4.splat(0x7f800000)));
}

@inline function isNan(bits: v128): v128 {
  return i32x4.gt_s(v128.and(bits, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
}

// Scratch for the ragged tail: the tail is copied here, padded with zeros, and run through the
// same vector code, so every element takes exactly one code path.
const TAIL_IN = memory.data(64, 16);
const TAIL_OUT = memory.data(64, 16);
const TAIL_IDX = memory.data(64, 16);

/**
 * The shared loop. `op` 0: encode to u8/u16 codes (outBytes 1/2); 1: fused quantize to f32.
 * Returns the number of NaN inputs seen.
 */
@inline function run(op: i32, src: usize, dst: usize, n: i32, outBytes: i32, mode: i32, fast: bool,
                     seedA: v128, seedB: v128, idxBase: i32, idxs: usize, DC: DecodeConsts): i32 {
  let nanAcc = i32x4.splat(0);
  let i: i32 = 0;
  const lane = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
  while (i < n) {
    const rem = n - i;
    let inp = src + (<usize>i << 2);
    if (rem < 16) {
      memory.fill(TAIL_IN, 0, 64);
      memory.copy(TAIL_IN, inp, <usize>rem << 2);
      inp = TAIL_IN;
    }
    const b0 = v128.load(inp);
    const b1 = v128.load(inp, 16);
    const b2 = v128.load(inp, 32);
    const b3 = v128.load(inp, 48);
    let v0: v128, v1: v128, v2: v128, v3: v128;
    if (fast) {
      v0 = magnitudeRneFast(b0, EC.M);
      v1 = magnitudeRneFast(b1, EC.M);
      v2 = magnitudeRneFast(b2, EC.M);
      v3 = magnitudeRneFast(b3, EC.M);
    } else {
      // element indices for stochastic rounding: consecutive, or read from idxs (permuted layouts)
      let x0 = i32x4.add(i32x4.splat(idxBase + i), lane);
      let x1 = i32x4.add(x0, i32x4.splat(4));
      let x2 = i32x4.add(x0, i32x4.splat(8));
      let x3 = i32x4.add(x0, i32x4.splat(12));
      if (mode == R_STOCHASTIC && idxs != 0) {
        let ip = idxs + (<usize>i << 2);
        if (rem < 16) {
          memory.fill(TAIL_IDX, 0, 64);
          memory.copy(TAIL_IDX, ip, <usize>rem << 2);
          ip = TAIL_IDX;
        }
        x0 = v128.load(ip);
        x1 = v128.load(ip, 16);
        x2 = v128.load(ip, 32);
        x3 = v128.load(ip, 48);
      }
      v0 = magnitudeAny(b0, mode, x0, seedA, seedB);
      v1 = magnitudeAny(b1, mode, x1, seedA, seedB);
      v2 = magnitudeAny(b2, mode, x2, seedA, seedB);
      v3 = magnitudeAny(b3, mode, x3, seedA, seedB);
    }
    const c0 = finish(b0, v0);
    const c1 = finish(b1, v1);
    const c2 = finish(b2, v2);
    const c3 = finish(b3, v3);
    nanAcc = i32x4.sub(i32x4.sub(nanAcc, i32x4.add(isNan(b0), isNan(b1))), i32x4.add(isNan(b2), isNan(b3))); // masks are −1
    if (op == 0) {
      const out = rem < 16 ? TAIL_OUT : dst + (<usize>i * <usize>outBytes);
      if (outBytes == 1) {
        v128.store(out, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3)));
      } else {
        v128.store(out, i16x8.narrow_i32x4_u(c0, c1));
        v128.store(out, i16x8.narrow_i32x4_u(c2, c3), 16);
      }
      if (rem < 16) memory.copy(dst + (<usize>i * <usize>outBytes), TAIL_OUT, <usize>rem * <usize>outBytes);
    } else {
      const out = rem < 16 ? TAIL_OUT : dst + (<usize>i << 2);
      v128.store(out, decode4(c0, DC));
      v128.store(out, decode4(c1, DC), 16);
      v128.store(out, decode4(c2, DC), 32);
      v128.store(out, decode4(c3, DC), 48);
      if (rem < 16) memory.copy(dst + (<usize>i << 2), TAIL_OUT, <usize>rem << 2);
    }
    i += 16;
  }
  // lanes of the zero padding are never NaN, so the count is exact
  return i32x4.extract_lane(nanAcc, 0) + i32x4.extract_lane(nanAcc, 1) + i32x4.extract_lane(nanAcc, 2) + i32x4.extract_lane(nanAcc, 3);
}

/** Normal-range RNE magnitude (integer rounding of the rebased f32 bits). */
/**
 * Normal-range RNE magnitude. Below the normal range the rebased bits are negative (D_FAST: bias ≤ 127)
 * and so is the result: callers clamp those lanes to 0 (right for zeros) or blend magSub over them.
 */
@inline export function magNormal(absb: v128, d: i32, rebias: v128, roundC: v128): v128 {
  const rebased = i32x4.add(absb, rebias);
  const lsb = v128.and(i32x4.shr_u(rebased, d), i32x4.splat(1)); // parity of the target code (M = 0: of its exponent)
  return i32x4.shr_s(i32x4.add(rebased, i32x4.add(roundC, lsb)), d);
}

/** Whether any lane of four |x| vectors lies strictly between 0 and the least normal (u32 trick: 0 − 1 wraps high). */
@inline export function anySubnormal(a0: v128, a1: v128, a2: v128, a3: v128, minNormM1: v128): bool {
  const one = i32x4.splat(1);
  const m = i32x4.min_u(i32x4.min_u(i32x4.sub(a0, one), i32x4.sub(a1, one)), i32x4.min_u(i32x4.sub(a2, one), i32x4.sub(a3, one)));
  return v128.any_true(i32x4.lt_u(m, minNormM1));
}

/** Subnormal-range RNE magnitude: scale to the code grid, adding 2^23 rounds to an integer (f32 RNE). */
@inline export function magSub(absb: v128, s1: v128, s2: v128, oneFactor: bool): v128 {
  const q = oneFactor ? f32x4.mul(absb, s1) : f32x4.mul(f32x4.mul(absb, s1), s2);
  return i32x4.sub(f32x4.add(q, f32x4.splat(8388608.0)), i32x4.splat(0x4b000000));
}

/**
 * RNE encode of rows with D_FAST, 16 elements per step. Per step, two whole-step tests pick the work:
 * any lane at or past the overflow point (or Inf/NaN, or negative in unsigned rows) → the full
 * finish() on all 16; any lane below the least normal → the subnormal path is blended in. Otherwise
 * the code is the normal-range magnitude with the sign bit or-ed in. The ragged tail goes through
 * run(), which shares every lane function, so each element has exactly one result.
 */
@inline function encodeRneFastT(src: usize, dst: usize, n: i32, outBytes: i32, DC: DecodeConsts, negZeroRow: bool, oneFactor: bool): i32 {
  const n16 = n & ~15;
  let nans = i32x4.splat(0);
  const d = 23 - EC.M;
  const rebias = EC.rebias, roundC = i32x4.splat((1 << (d - 1)) - 1), minNorm = EC.minNorm;
  const s1 = oneFactor ? EC.subScaleOne : EC.subScale1, s2 = EC.subScale2;
  const sgnShift = EC.sgnShift, signMask = EC.signMask;
  // rows with at most one mantissa bit and a few normal binades (FP4-like): most values of a scaled
  // tensor are subnormal, so blending every step is cheaper than testing every step
  const blendAlways = EC.M <= 1 && i32x4.extract_lane(EC.emin, 0) >= -2;
  const ovf = i32x4.splat(EC.ovfBits - 1);
  const unsignedRow = i32x4.extract_lane(EC.unsigned, 0) != 0;
  const absMask = i32x4.splat(0x7fffffff);
  const signBit = i32x4.splat(0x80000000);
  const minNormM1 = i32x4.sub(minNorm, i32x4.splat(1));
  for (let i: i32 = 0; i < n16; i += 16) {
    const inp = src + (<usize>i << 2);
    const b0 = v128.load(inp);
    const b1 = v128.load(inp, 16);
    const b2 = v128.load(inp, 32);
    const b3 = v128.load(inp, 48);
    const a0 = v128.and(b0, absMask);
    const a1 = v128.and(b1, absMask);
    const a2 = v128.and(b2, absMask);
    const a3 = v128.and(b3, absMask);
    const hi = i32x4.max_s(i32x4.max_s(a0, a1), i32x4.max_s(a2, a3));
    let special = v128.any_true(i32x4.gt_s(hi, ovf));
    if (unsignedRow) special = special || v128.any_true(v128.and(v128.or(v128.or(b0, b1), v128.or(b2, b3)), signBit));
    // zeros are common (ReLU, pruning) and come out of the normal path as 0; only true
    // subnormal-range lanes send a step through the blend
    let v0 = magNormal(a0, d, rebias, roundC);
    let v1 = magNormal(a1, d, rebias, roundC);
    let v2 = magNormal(a2, d, rebias, roundC);
    let v3 = magNormal(a3, d, rebias, roundC);
    if (blendAlways || anySubnormal(a0, a1, a2, a3, minNormM1)) {
      // zero lanes are below the least normal too, and magSub gives them 0
      v0 = sel(magSub(a0, s1, s2, oneFactor), v0, i32x4.lt_s(a0, minNorm));
      v1 = sel(magSub(a1, s1, s2, oneFactor), v1, i32x4.lt_s(a1, minNorm));
      v2 = sel(magSub(a2, s1, s2, oneFactor), v2, i32x4.lt_s(a2, minNorm));
      v3 = sel(magSub(a3, s1, s2, oneFactor), v3, i32x4.lt_s(a3, minNorm));
    } else {
      const z = i32x4.splat(0);
      v0 = i32x4.max_s(v0, z);
      v1 = i32x4.max_s(v1, z);
      v2 = i32x4.max_s(v2, z);
      v3 = i32x4.max_s(v3, z);
    }
    let c0: v128, c1: v128, c2: v128, c3: v128;
    if (!special) {
      if (negZeroRow) {
        c0 = v128.or(v0, v128.and(i32x4.shr_u(b0, sgnShift), signMask));
        c1 = v128.or(v1, v128.and(i32x4.shr_u(b1, sgnShift), signMask));
        c2 = v128.or(v2, v128.and(i32x4.shr_u(b2, sgnShift), signMask));
        c3 = v128.or(v3, v128.and(i32x4.shr_u(b3, sgnShift), signMask));
      } else {
        const z = i32x4.splat(0);
        c0 = v128.or(v0, v128.and(v128.and(i32x4.shr_u(b0, sgnShift), signMask), i32x4.ne(v0, z)));
        c1 = v128.or(v1, v128.and(v128.and(i32x4.shr_u(b1, sgnShift), signMask), i32x4.ne(v1, z)));
        c2 = v128.or(v2, v128.and(v128.and(i32x4.shr_u(b2, sgnShift), signMask), i32x4.ne(v2, z)));
        c3 = v128.or(v3, v128.and(v128.and(i32x4.shr_u(b3, sgnShift), signMask), i32x4.ne(v3, z)));
      }
    } else {
      c0 = finish(b0, v0);
      c1 = finish(b1, v1);
      c2 = finish(b2, v2);
      c3 = finish(b3, v3);
      nans = i32x4.sub(i32x4.sub(nans, i32x4.add(isNan(b0), isNan(b1))), i32x4.add(isNan(b2), isNan(b3)));
    }
    const out = dst + <usize>i * <usize>outBytes;
    if (outBytes == 1) {
      v128.store(out, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3)));
    } else {
      v128.store(out, i16x8.narrow_i32x4_u(c0, c1));
      v128.store(out, i16x8.narrow_i32x4_u(c2, c3), 16);
    }
  }
  let total = i32x4.extract_lane(nans, 0) + i32x4.extract_lane(nans, 1) + i32x4.extract_lane(nans, 2) + i32x4.extract_lane(nans, 3);
  if (n16 < n) total += run(0, src + (<usize>n16 << 2), dst + <usize>n16 * <usize>outBytes, n - n16, outBytes, R_RNE, true,
                            i32x4.splat(0), i32x4.splat(0), 0, 0, DC);
  return total;
}

/**
 * RNE magnitude codes of 16 lanes |x| (below the overflow point) of D_FAST rows, narrowed to bytes,
 * for a constant D = 23 − M ≤ 22: the normal range rounds the rebased bits (the parity bit at D of
 * |x| is that of the rebased bits: the rebias has no bits below 23); the subnormal range scales onto
 * the code grid (adding 2^23 rounds to an integer). FP4-like rows (blendAlways) take the larger of the
 * two paths on min(|x|, least normal) — below the least normal the normal path is ≤ the subnormal
 * one, at and above it the subnormal path gives the least normal code 2^M ≤ the normal one; other
 * rows blend the subnormal path in only when a lane needs it.
 */
@inline export function rneMag16(D: i32, a0: v128, a1: v128, a2: v128, a3: v128, rebRound: v128, one: v128, blendAlways: bool,
                                 minNorm: v128, minNormM1: v128, s1: v128, magic: v128): v128 {
  let v0 = i32x4.shr_s(i32x4.add(i32x4.add(a0, rebRound), v128.and(i32x4.shr_u(a0, D), one)), D);
  let v1 = i32x4.shr_s(i32x4.add(i32x4.add(a1, rebRound), v128.and(i32x4.shr_u(a1, D), one)), D);
  let v2 = i32x4.shr_s(i32x4.add(i32x4.add(a2, rebRound), v128.and(i32x4.shr_u(a2, D), one)), D);
  let v3 = i32x4.shr_s(i32x4.add(i32x4.add(a3, rebRound), v128.and(i32x4.shr_u(a3, D), one)), D);
  if (blendAlways) {
    v0 = i32x4.max_s(v0, i32x4.sub(f32x4.add(f32x4.mul(i32x4.min_u(a0, minNorm), s1), magic), magic));
    v1 = i32x4.max_s(v1, i32x4.sub(f32x4.add(f32x4.mul(i32x4.min_u(a1, minNorm), s1), magic), magic));
    v2 = i32x4.max_s(v2, i32x4.sub(f32x4.add(f32x4.mul(i32x4.min_u(a2, minNorm), s1), magic), magic));
    v3 = i32x4.max_s(v3, i32x4.sub(f32x4.add(f32x4.mul(i32x4.min_u(a3, minNorm), s1), magic), magic));
  } else if (v128.any_true(i32x4.lt_u(i32x4.min_u(i32x4.min_u(i32x4.sub(a0, one), i32x4.sub(a1, one)), i32x4.min_u(i32x4.sub(a2, one), i32x4.sub(a3, one))), minNormM1))) {
    // some lane strictly between 0 and the least normal (u32 trick: 0 − 1 wraps high)
    v0 = sel(i32x4.sub(f32x4.add(f32x4.mul(a0, s1), magic), magic), v0, i32x4.lt_s(a0, minNorm));
    v1 = sel(i32x4.sub(f32x4.add(f32x4.mul(a1, s1), magic), magic), v1, i32x4.lt_s(a1, minNorm));
    v2 = sel(i32x4.sub(f32x4.add(f32x4.mul(a2, s1), magic), magic), v2, i32x4.lt_s(a2, minNorm));
    v3 = sel(i32x4.sub(f32x4.add(f32x4.mul(a3, s1), magic), magic), v3, i32x4.lt_s(a3, minNorm));
  } else {
    const zero = i32x4.splat(0);
    v0 = i32x4.max_s(v0, zero); // zeros come out of the normal path negative
    v1 = i32x4.max_s(v1, zero);
    v2 = i32x4.max_s(v2, zero);
    v3 = i32x4.max_s(v3, zero);
  }
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(v0, v1), i16x8.narrow_i32x4_u(v2, v3));
}

/**
 * E2M1-like rows (M = 1, at most 16 magnitudes): the magnitude codes of 16 lanes |x| of any size (Inf
 * included; NaN never comes here) by one f32 rounding and a table.
 *
 * Rounding: (|x| + C) − C rounds |x| to the grid of its binade (spacing 2^(E−1) for |x| in
 * [2^E, 2^(E+1)), E ≥ emin; the subnormal spacing below), ties to the even code, with
 * C = bits(max(|x|, least normal + 8 ulps)) + (22 << 23) − 8 (fp4MinNormP, fp4MagicKP): |x|'s own
 * bits moved up 22 binades, less 8 of their ulps. Why this is the grid's magic number:
 *   - C's ulp is the spacing 2^(E−1), so C lies on the grid;
 *   - C is at least 9 spacings below 2^(E+23) and |x| < 4 spacings, so |x| + C stays in C's binade;
 *   - |x| within 8 ulps above 2^E takes C one binade lower (grid: half the spacing), where |x| still
 *     rounds to 2^E;
 *   - a tie has its low 22 bits zero, so C is an even number of spacings and the tie goes to even;
 *   - below the least normal + 8 ulps, C = 2^(emin+22): the subnormal grid.
 * C is not the textbook 1.5 · 2^23 · spacing, but the rounded value is the same for every |x|
 * (checked outside the repo over every non-negative f32 bit pattern for emin −125, −100, −6, −2, 0,
 * 1, 3, 20; the kernels against their twin by `npm run verify:exhaustive -- fp4_e2m1fn`). It saves
 * the exponent mask of the textbook form.
 *
 * Index: the rounded value's bits >> 22 (exponent and its one mantissa bit) minus the index base
 * (`base`, i16 lanes) index FP4_TABLE: formed in i16 lanes, narrowed with unsigned saturation (zero:
 * a negative index → 0) and (clamp) clamped to 15. fp4Table maps every index past the max's to the
 * max code, so the table is the saturation (huge |x|: C overflows into NaN or wraps negative, and the
 * index is past the max's either way). Without the clamp an index of 16 or more gives code 0: only
 * for callers whose |x| stays below 2^(emax+2).
 */
@inline export function fp4Mag16(a0: v128, a1: v128, a2: v128, a3: v128, minNormP: v128, magicKP: v128, base: v128, table: v128, clamp: bool = true): v128 {
  const idx = i8x16.narrow_i16x8_u(fp4Index8(a0, a1, minNormP, magicKP, base), fp4Index8(a2, a3, minNormP, magicKP, base));
  return i8x16.swizzle(table, clamp ? i8x16.min_u(idx, v128.load(LANE_CONSTS, 112)) : idx);
}

/** fp4Mag16's rounding of eight lanes |x| (two vectors): the rounded values' bits >> 22 less `base`, in i16 lanes. */
@inline export function fp4Index8(a0: v128, a1: v128, minNormP: v128, magicKP: v128, base: v128): v128 {
  const c0 = i32x4.add(i32x4.max_u(a0, minNormP), magicKP);
  const c1 = i32x4.add(i32x4.max_u(a1, minNormP), magicKP);
  return i16x8.sub(i16x8.narrow_i32x4_u(i32x4.shr_u(f32x4.sub(f32x4.add(a0, c0), c0), 22), i32x4.shr_u(f32x4.sub(f32x4.add(a1, c1), c1), 22)), base);
}

/** fp4Mag16's `minNormP` (EC loaded): the least normal's bits + 8. */
@inline export function fp4MinNormP(): v128 {
  return i32x4.add(EC.minNorm, i32x4.splat(8));
}

/** fp4Mag16's `magicKP` (EC loaded, M = 1): 22 binades less 8 ulps. */
@inline export function fp4MagicKP(): v128 {
  return i32x4.splat(((23 - EC.M) << 23) - 8);
}

export const FP4_TABLE = memory.data(16, 16);
/** The max's index in FP4_TABLE (fp4Table sets it). */
export let fp4MaxIndex: i32 = 0;

/**
 * For rows with M = 1 (EC loaded): fills FP4_TABLE (rounded-value index → magnitude code) and returns
 * the index base, or −1 when the row has more than 15 indices (not FP4-like).
 */
export function fp4Table(): i32 {
  const emin = i32x4.extract_lane(EC.emin, 0);
  const base = ((emin + 126) << 1) - 1; // the least subnormal 2^(emin − 1) has index 1
  const maxV = i32x4.extract_lane(EC.maxV, 0);
  const rebias = i32x4.extract_lane(EC.rebias, 0);
  const maxIdx = (((maxV << 22) - rebias) >> 22) - base;
  if (EC.M != 1 || emin < -125 || maxIdx > 15) return -1; // the max's index must fit the table
  fp4MaxIndex = maxIdx;
  const mn = reinterpret<f32>((emin + 127) << 23);
  for (let i: i32 = 0; i < 16; i++) {
    const bits = (i + base) << 22;
    const v = reinterpret<f32>(bits);
    // indices past the max's are the max code (callers that saturate by index); other off-grid indices are never produced
    const c = i > maxIdx ? maxV : i == 0 ? 0 : v < mn ? <i32>(v * reinterpret<f32>((1 - emin + 127) << 23)) : (bits + rebias) >> 22;
    store<u8>(FP4_TABLE + <usize>i, <u8>min<i32>(max<i32>(c, 0), 15));
  }
  return base;
}

/**
 * RNE encode of signed rows with D_FAST, a signed zero and one-byte codes whose sign bit is bit
 * 7 − SGNSH, for a constant D = 23 − M ≤ 22 (constant shifts). Steps without special lanes: the
 * normal-range magnitude (the parity bit at D of the f32 bits is that of the rebased bits, as the
 * rebias has no bits below 23), the subnormal range (FP4-like rows: the larger of the two paths on
 * min(|x|, least normal); others: blended in when a lane needs it), then the narrowed magnitudes
 * or-ed with sign bytes taken from the inputs by saturating narrows (an i32's sign survives two
 * signed narrows as bit 7). Special steps and the tail: as encodeRneFastT.
 */
@inline function encodeByteK(D: i32, SGNSH: i32, FP4: bool, src: usize, dst: usize, n: i32, DC: DecodeConsts, fbaseS: i32 = 0): i32 {
  const n16 = n & ~15;
  let nans = i32x4.splat(0);
  const absMask = v128.load(LANE_CONSTS), one = v128.load(LANE_CONSTS, 16), magic = v128.load(LANE_CONSTS, 48);
  const zero = i32x4.splat(0);
  const rebRound = i32x4.add(EC.rebias, i32x4.splat((1 << (D - 1)) - 1));
  const minNorm = EC.minNorm, minNormM1 = i32x4.sub(EC.minNorm, one), s1 = EC.subScaleOne;
  const blendAlways = EC.M <= 1 && i32x4.extract_lane(EC.emin, 0) >= -2; // FP4-like rows: see encodeRneFastT
  const ovf = i32x4.splat(EC.ovfBits - 1);
  const signByte = i8x16.splat(<i8>(0x80 >> SGNSH));
  const minNormP = fp4MinNormP(), magicKP = fp4MagicKP();
  const fbase = i16x8.splat(<i16>fbaseS), ftable = v128.load(FP4_TABLE);
  for (let i: i32 = 0; i < n16; i += 16) {
    const inp = src + (<usize>i << 2);
    const b0 = v128.load(inp);
    const b1 = v128.load(inp, 16);
    const b2 = v128.load(inp, 32);
    const b3 = v128.load(inp, 48);
    const a0 = v128.and(b0, absMask);
    const a1 = v128.and(b1, absMask);
    const a2 = v128.and(b2, absMask);
    const a3 = v128.and(b3, absMask);
    const out = dst + <usize>i;
    if (v128.any_true(i32x4.gt_s(i32x4.max_s(i32x4.max_s(a0, a1), i32x4.max_s(a2, a3)), ovf))) {
      const c0 = finish(b0, magnitudeRneFast(b0, EC.M));
      const c1 = finish(b1, magnitudeRneFast(b1, EC.M));
      const c2 = finish(b2, magnitudeRneFast(b2, EC.M));
      const c3 = finish(b3, magnitudeRneFast(b3, EC.M));
      nans = i32x4.sub(i32x4.sub(nans, i32x4.add(isNan(b0), isNan(b1))), i32x4.add(isNan(b2), isNan(b3)));
      v128.store(out, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3)));
      continue;
    }
    let sg = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(b0, b1), i16x8.narrow_i32x4_s(b2, b3));
    if (SGNSH != 0) sg = i16x8.shr_u(sg, SGNSH); // the mask below drops what the i16 shift brings in from the neighbouring byte
    if (FP4) {
      v128.store(out, v128.or(fp4Mag16(a0, a1, a2, a3, minNormP, magicKP, fbase, ftable), v128.and(sg, signByte)));
      continue;
    }
    const mag = rneMag16(D, a0, a1, a2, a3, rebRound, one, blendAlways, minNorm, minNormM1, s1, magic);
    v128.store(out, v128.or(mag, v128.and(sg, signByte)));
  }
  let total = i32x4.extract_lane(nans, 0) + i32x4.extract_lane(nans, 1) + i32x4.extract_lane(nans, 2) + i32x4.extract_lane(nans, 3);
  if (n16 < n) total += run(0, src + (<usize>n16 << 2), dst + <usize>n16, n - n16, 1, R_RNE, true,
                            i32x4.splat(0), i32x4.splat(0), 0, 0, DC);
  return total;
}

function encodeByte20s0(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 { return encodeByteK(20, 0, false, src, dst, n, DC); } // E4M3
function encodeByte21s0(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 { return encodeByteK(21, 0, false, src, dst, n, DC); } // E5M2
function encodeByte21s2(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 { return encodeByteK(21, 2, false, src, dst, n, DC); } // E3M2
function encodeByte20s2(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 { return encodeByteK(20, 2, false, src, dst, n, DC); } // E2M3
function encodeByte22s4(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 {
  const base = fp4Table();
  if (base >= 0) return encodeByteK(22, 4, true, src, dst, n, DC, base); // E2M1: one rounding and a table
  return encodeByteK(22, 4, false, src, dst, n, DC);
}

function encodeRneFast(src: usize, dst: usize, n: i32, outBytes: i32, DC: DecodeConsts): i32 {
  // one scaling factor covers the subnormal range when 2^(M − emin) is a normal f32 (all but bf16-like rows)
  const one = EC.M - i32x4.extract_lane(EC.emin, 0) <= 126;
  if (one) {
    EC.subScaleOne = i32x4.splat((EC.M - i32x4.extract_lane(EC.emin, 0) + 127) << 23);
    const sm = i32x4.extract_lane(EC.signMask, 0);
    if (outBytes == 1 && i32x4.extract_lane(EC.negZero, 0) != 0 && i32x4.extract_lane(EC.off, 0) == 0) {
      const D = 23 - EC.M;
      if (D == 20 && sm == 0x80) return encodeByte20s0(src, dst, n, DC);
      if (D == 21 && sm == 0x80) return encodeByte21s0(src, dst, n, DC);
      if (D == 21 && sm == 0x20) return encodeByte21s2(src, dst, n, DC);
      if (D == 20 && sm == 0x20) return encodeByte20s2(src, dst, n, DC);
      if (D == 22 && sm == 0x08) return encodeByte22s4(src, dst, n, DC);
    }
    if (i32x4.extract_lane(EC.negZero, 0) != 0) return encodeRneFastT(src, dst, n, outBytes, DC, true, true);
    return encodeRneFastT(src, dst, n, outBytes, DC, false, true);
  }
  if (i32x4.extract_lane(EC.negZero, 0) != 0) return encodeRneFastT(src, dst, n, outBytes, DC, true, false);
  return encodeRneFastT(src, dst, n, outBytes, DC, false, false);
}

/**
 * Fused RNE quantize of rows with D_FAST, 16 elements per step, without forming codes: rounding
 * in the f32 domain. A step with a lane at or past the overflow point, Inf/NaN or (unsigned rows)
 * negative takes decode4(finish(...)) for all 16 lanes; the subnormal rounding is blended in only
 * for steps that have a lane below the least normal. Tail through run().
 */
@inline function quantizeRneFastT(src: usize, dst: usize, n: i32, DC: DecodeConsts, negZeroRow: bool, DK: i32): i32 {
  const n16 = n & ~15;
  let nans = i32x4.splat(0);
  // DK: 23 − M as a constant (constant shifts) where the caller specialised it; the masks stay runtime values
  const d = DK > 0 ? DK : 23 - EC.M;
  const absMask = v128.load(LANE_CONSTS), one = v128.load(LANE_CONSTS, 16), signBit = v128.load(LANE_CONSTS, 32);
  const expMask = v128.load(LANE_CONSTS, 80), magicK = i32x4.splat(((23 - EC.M) << 23) | 0x400000);
  const rebias = EC.rebias, roundC = i32x4.splat((1 << (22 - EC.M)) - 1), keep = i32x4.splat(~((1 << (23 - EC.M)) - 1));
  const magic = EC.subMagic, minNorm = EC.minNorm;
  const ovf = i32x4.splat(EC.ovfBits - 1);
  const unsignedRow = i32x4.extract_lane(EC.unsigned, 0) != 0;
  const z = i32x4.splat(0);
  const minNormM1 = i32x4.sub(minNorm, i32x4.splat(1));
  const blendAlways = EC.M <= 1 && i32x4.extract_lane(EC.emin, 0) >= -2; // FP4-like rows: see encodeRneFastT
  for (let i: i32 = 0; i < n16; i += 16) {
    const inp = src + (<usize>i << 2);
    const b0 = v128.load(inp);
    const b1 = v128.load(inp, 16);
    const b2 = v128.load(inp, 32);
    const b3 = v128.load(inp, 48);
    const a0 = v128.and(b0, absMask);
    const a1 = v128.and(b1, absMask);
    const a2 = v128.and(b2, absMask);
    const a3 = v128.and(b3, absMask);
    let special = v128.any_true(i32x4.gt_s(i32x4.max_s(i32x4.max_s(a0, a1), i32x4.max_s(a2, a3)), ovf));
    if (unsignedRow) special = special || v128.any_true(v128.and(v128.or(v128.or(b0, b1), v128.or(b2, b3)), signBit));
    const out = dst + (<usize>i << 2);
    if (!special) {
      let r0: v128, r1: v128, r2: v128, r3: v128;
      if (DK > 0) {
        // M ≥ 1: one f32 addition rounds |x| to its grid, normal and subnormal alike: C = 1.5 · 2^23 ·
        // spacing, the spacing being that of the binade of max(|x|, least normal); (|x| + C) − C is |x|
        // rounded to a multiple of the spacing, ties to the even multiple = the even code (M ≥ 1)
        const c0 = i32x4.add(v128.and(i32x4.max_u(a0, minNorm), expMask), magicK);
        const c1 = i32x4.add(v128.and(i32x4.max_u(a1, minNorm), expMask), magicK);
        const c2 = i32x4.add(v128.and(i32x4.max_u(a2, minNorm), expMask), magicK);
        const c3 = i32x4.add(v128.and(i32x4.max_u(a3, minNorm), expMask), magicK);
        r0 = f32x4.sub(f32x4.add(a0, c0), c0);
        r1 = f32x4.sub(f32x4.add(a1, c1), c1);
        r2 = f32x4.sub(f32x4.add(a2, c2), c2);
        r3 = f32x4.sub(f32x4.add(a3, c3), c3);
      } else {
        // normal range: round the dropped mantissa bits to nearest even (the parity of the target code is
        // bit d of the rebased bits: for M = 0 the rebias's own low exponent bit counts)
        const pb0 = i32x4.add(a0, rebias), pb1 = i32x4.add(a1, rebias);
        const pb2 = i32x4.add(a2, rebias), pb3 = i32x4.add(a3, rebias);
        r0 = v128.and(i32x4.add(a0, i32x4.add(roundC, v128.and(i32x4.shr_u(pb0, d), one))), keep);
        r1 = v128.and(i32x4.add(a1, i32x4.add(roundC, v128.and(i32x4.shr_u(pb1, d), one))), keep);
        r2 = v128.and(i32x4.add(a2, i32x4.add(roundC, v128.and(i32x4.shr_u(pb2, d), one))), keep);
        r3 = v128.and(i32x4.add(a3, i32x4.add(roundC, v128.and(i32x4.shr_u(pb3, d), one))), keep);
        // subnormal range: adding 2^(emin − M + 23) rounds to the subnormal grid (f32 RNE); subtracting is exact
        // zeros round to 0 on the normal path already; only true subnormal-range lanes need the blend
        if (blendAlways || anySubnormal(a0, a1, a2, a3, minNormM1)) {
          r0 = sel(f32x4.sub(f32x4.add(a0, magic), magic), r0, i32x4.lt_s(a0, minNorm));
          r1 = sel(f32x4.sub(f32x4.add(a1, magic), magic), r1, i32x4.lt_s(a1, minNorm));
          r2 = sel(f32x4.sub(f32x4.add(a2, magic), magic), r2, i32x4.lt_s(a2, minNorm));
          r3 = sel(f32x4.sub(f32x4.add(a3, magic), magic), r3, i32x4.lt_s(a3, minNorm));
        }
      }
      if (negZeroRow) {
        v128.store(out, v128.or(r0, v128.and(b0, signBit)));
        v128.store(out, v128.or(r1, v128.and(b1, signBit)), 16);
        v128.store(out, v128.or(r2, v128.and(b2, signBit)), 32);
        v128.store(out, v128.or(r3, v128.and(b3, signBit)), 48);
      } else {
        v128.store(out, v128.or(r0, v128.and(v128.and(b0, signBit), i32x4.ne(r0, z))));
        v128.store(out, v128.or(r1, v128.and(v128.and(b1, signBit), i32x4.ne(r1, z))), 16);
        v128.store(out, v128.or(r2, v128.and(v128.and(b2, signBit), i32x4.ne(r2, z))), 32);
        v128.store(out, v128.or(r3, v128.and(v128.and(b3, signBit), i32x4.ne(r3, z))), 48);
      }
    } else {
      v128.store(out, decode4(finish(b0, magnitudeRneFast(b0, EC.M)), DC));
      v128.store(out, decode4(finish(b1, magnitudeRneFast(b1, EC.M)), DC), 16);
      v128.store(out, decode4(finish(b2, magnitudeRneFast(b2, EC.M)), DC), 32);
      v128.store(out, decode4(finish(b3, magnitudeRneFast(b3, EC.M)), DC), 48);
      nans = i32x4.sub(i32x4.sub(nans, i32x4.add(isNan(b0), isNan(b1))), i32x4.add(isNan(b2), isNan(b3)));
    }
  }
  let total = i32x4.extract_lane(nans, 0) + i32x4.extract_lane(nans, 1) + i32x4.extract_lane(nans, 2) + i32x4.extract_lane(nans, 3);
  if (n16 < n) total += run(1, src + (<usize>n16 << 2), dst + (<usize>n16 << 2), n - n16, 4, R_RNE, true,
                            i32x4.splat(0), i32x4.splat(0), 0, 0, DC);
  return total;
}

function quantizeRneFastM1(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 { return quantizeRneFastT(src, dst, n, DC, true, 22); }
function quantizeRneFastM2(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 { return quantizeRneFastT(src, dst, n, DC, true, 21); }
function quantizeRneFastM3(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 { return quantizeRneFastT(src, dst, n, DC, true, 20); }

function quantizeRneFast(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 {
  if (i32x4.extract_lane(EC.negZero, 0) != 0) {
    if (EC.M == 1) return quantizeRneFastM1(src, dst, n, DC);
    if (EC.M == 2) return quantizeRneFastM2(src, dst, n, DC);
    if (EC.M == 3) return quantizeRneFastM3(src, dst, n, DC);
    return quantizeRneFastT(src, dst, n, DC, true, 0);
  }
  return quantizeRneFastT(src, dst, n, DC, false, 0);
}

@inline function dispatch(op: i32, desc: usize, src: usize, dst: usize, n: i32, outBytes: i32, mode: i32,
                          seedA: i32, seedB: i32, idxBase: i32, idxs: usize): i32 {
  loadEncodeConsts(desc);
  const DC = loadDecodeConsts(desc);
  const sA = i32x4.splat(seedA);
  const sB = i32x4.splat(seedB);
  if (mode == R_RNE && dget(desc, D_FAST) != 0) return op == 0 ? encodeRneFast(src, dst, n, outBytes, DC) : quantizeRneFast(src, dst, n, DC);
  switch (mode) {
    case R_RNE: return run(op, src, dst, n, outBytes, R_RNE, false, sA, sB, idxBase, idxs, DC);
    case R_HALF_AWAY: return run(op, src, dst, n, outBytes, R_HALF_AWAY, false, sA, sB, idxBase, idxs, DC);
    case R_TOWARD_ZERO: return run(op, src, dst, n, outBytes, R_TOWARD_ZERO, false, sA, sB, idxBase, idxs, DC);
    case R_TOWARD_POS: return run(op, src, dst, n, outBytes, R_TOWARD_POS, false, sA, sB, idxBase, idxs, DC);
    case R_TOWARD_NEG: return run(op, src, dst, n, outBytes, R_TOWARD_NEG, false, sA, sB, idxBase, idxs, DC);
    case R_TO_ODD: return run(op, src, dst, n, outBytes, R_TO_ODD, false, sA, sB, idxBase, idxs, DC);
  }
  return run(op, src, dst, n, outBytes, R_STOCHASTIC, false, sA, sB, idxBase, idxs, DC);
}

/**
 * Encode n f32 at src into codes at dst (outBytes 1 or 2 per code). Stochastic rounding draws the
 * random bits of element i from its index: idxBase + i, or idxs[i] when idxs != 0. Returns the NaN count.
 */
export function cvt_f32_minifloat__wasmsimd(desc: usize, src: usize, dst: usize, n: i32, outBytes: i32, mode: i32,
                                            seedA: i32, seedB: i32, idxBase: i32, idxs: usize): i32 {
  return dispatch(0, desc, src, dst, n, outBytes, mode, seedA, seedB, idxBase, idxs);
}

/** Quantize n f32 at src to the format and back (decode(encode(x))) into f32 at dst. Returns the NaN count. */
export function qdq_f32_minifloat__wasmsimd(desc: usize, src: usize, dst: usize, n: i32, mode: i32,
                                            seedA: i32, seedB: i32, idxBase: i32): i32 {
  return dispatch(1, desc, src, dst, n, 4, mode, seedA, seedB, idxBase, 0);
}
