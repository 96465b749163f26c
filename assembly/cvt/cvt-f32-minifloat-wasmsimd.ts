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
  D_INF_NEG, D_NAN_POS, D_NAN_NEG, D_NEG_UNS, D_ZERO_IN, D_HASZERO, D_FAST, D_MAXBITS, dget,
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
  maxBits: v128 = v128.splat<i32>(0);
  subMagic: v128 = v128.splat<i32>(0);
}

// One static instance: kernels are not re-entrant and never allocate.
const EC = changetype<EncodeConsts>(memory.data(offsetof<EncodeConsts>()));

function loadEncodeConsts(desc: usize): void {
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
    EC.maxBits = i32x4.splat(dget(desc, D_MAXBITS));
    EC.subMagic = i32x4.splat((emin - M + 23 + 127) << 23); // 2^(emin − M + 23): its ulp is the subnormal spacing
    EC.sgnShift = sm == 0 ? 0 : clz<i32>(sm); // moves f32 bit 31 onto the code's sign bit
  }
}

/** Virtual magnitude code of |x| under `mode`, general method. */
@inline function magnitudeAny(bits: v128, mode: i32, idx: v128, seedA: v128, seedB: v128): v128 {
  const absb = v128.and(bits, i32x4.splat(0x7fffffff));
  const neg = i32x4.lt_s(bits, i32x4.splat(0));
  const e = i32x4.max_s(ilogb(absb), EC.emin);
  const k = i32x4.sub(i32x4.splat(EC.M), e);
  const k1 = i32x4.shr_s(k, 1);
  const q = f32x4.mul(f32x4.mul(absb, pow2(k1)), pow2(i32x4.sub(k, k1)));
  const t = f32x4.floor(q);
  const frac = f32x4.sub(q, t);
  const lo = i32x4.add(i32x4.shl(i32x4.sub(e, EC.emin), EC.M), i32x4.trunc_sat_f32x4_s(t));
  let rnd = i32x4.splat(0);
  if (mode == R_STOCHASTIC) rnd = randomBits(idx, seedA, seedB);
  const up = roundUp(mode, frac, i32x4.add(lo, EC.off), neg, rnd);
  return i32x4.sub(lo, up); // up is −1 where rounding away
}

/** Virtual magnitude code of |x| under RNE, fast path (rows with D_FAST). */
@inline function magnitudeRneFast(bits: v128, M: i32): v128 {
  const absb = v128.and(bits, i32x4.splat(0x7fffffff));
  const d = 23 - M;
  // normal range: rebias the exponent field, round the dropped bits to nearest even, shift
  const rebased = i32x4.add(absb, EC.rebias);
  const lsb = v128.and(i32x4.shr_u(rebased, d), i32x4.splat(1)); // parity of the target code (M = 0: of its exponent)
  const r = i32x4.add(rebased, i32x4.add(i32x4.splat((1 << (d - 1)) - 1), lsb));
  const vn = i32x4.shr_u(r, d);
  // subnormal range: scale to the code grid (q < 2^M), then adding 2^23 rounds q to an integer
  // (f32 RNE) that sits in the low mantissa bits
  const q = f32x4.mul(f32x4.mul(absb, EC.subScale1), EC.subScale2);
  const vs = i32x4.sub(f32x4.add(q, f32x4.splat(8388608.0)), i32x4.splat(0x4b000000));
  return sel(vs, vn, i32x4.lt_s(absb, EC.minNorm));
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

/** Lanes that need finish(): overflow, Inf/NaN input, or (unsigned rows) a negative input. */
@inline function specialLanes(bits: v128, v: v128): v128 {
  const absb = v128.and(bits, i32x4.splat(0x7fffffff));
  const s = v128.or(i32x4.gt_s(v, EC.maxV), i32x4.gt_s(absb, i32x4.splat(0x7f7fffff)));
  return v128.or(s, v128.and(EC.unsigned, i32x4.lt_s(bits, i32x4.splat(0))));
}

/** The common case of finish(): a finite in-range value of a row with zero. */
@inline function finishCommon(bits: v128, v: v128): v128 {
  const sgn = v128.and(i32x4.shr_u(bits, EC.sgnShift), EC.signMask);
  return v128.or(v, v128.and(sgn, v128.or(i32x4.ne(v, i32x4.splat(0)), EC.negZero)));
}

/**
 * RNE encode of rows with D_FAST, 16 elements per step. A step whose lanes are all finite and in
 * range takes finishCommon (sign or-ed in); any other step takes the full finish(). The ragged
 * tail goes through run(), which shares every lane function, so each element has one result.
 */
function encodeRneFast(src: usize, dst: usize, n: i32, outBytes: i32, DC: DecodeConsts): i32 {
  const n16 = n & ~15;
  let nans = i32x4.splat(0);
  const M = EC.M;
  for (let i: i32 = 0; i < n16; i += 16) {
    const inp = src + (<usize>i << 2);
    const b0 = v128.load(inp);
    const b1 = v128.load(inp, 16);
    const b2 = v128.load(inp, 32);
    const b3 = v128.load(inp, 48);
    const v0 = magnitudeRneFast(b0, M);
    const v1 = magnitudeRneFast(b1, M);
    const v2 = magnitudeRneFast(b2, M);
    const v3 = magnitudeRneFast(b3, M);
    let c0: v128, c1: v128, c2: v128, c3: v128;
    if (!v128.any_true(v128.or(v128.or(specialLanes(b0, v0), specialLanes(b1, v1)), v128.or(specialLanes(b2, v2), specialLanes(b3, v3))))) {
      c0 = finishCommon(b0, v0);
      c1 = finishCommon(b1, v1);
      c2 = finishCommon(b2, v2);
      c3 = finishCommon(b3, v3);
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

/** Rounded f32 bits of |x| for rows with D_FAST (RNE), computed in the f32 domain. */
@inline function quantizeAbsFast(absb: v128, d: i32): v128 {
  // normal range: round the dropped mantissa bits to nearest even (parity of the target code)
  const lsb = v128.and(i32x4.shr_u(i32x4.add(absb, EC.rebias), d), i32x4.splat(1));
  const rn = v128.and(i32x4.add(absb, i32x4.add(i32x4.splat((1 << (d - 1)) - 1), lsb)), i32x4.splat(~((1 << d) - 1)));
  // subnormal range: adding 2^(emin − M + 23) rounds to the subnormal grid (f32 RNE), subtracting is exact
  const rs = f32x4.sub(f32x4.add(absb, EC.subMagic), EC.subMagic);
  return sel(rs, rn, i32x4.lt_s(absb, EC.minNorm));
}

/**
 * Fused RNE quantize of rows with D_FAST, 16 elements per step, without forming codes: rounding
 * in the f32 domain. Steps with an overflow, Inf/NaN or (unsigned rows) negative lane take
 * decode4(finish(...)) for all 16 lanes. Tail through run().
 */
function quantizeRneFast(src: usize, dst: usize, n: i32, DC: DecodeConsts): i32 {
  const n16 = n & ~15;
  let nans = i32x4.splat(0);
  const d = 23 - EC.M;
  const absMask = i32x4.splat(0x7fffffff);
  const top = i32x4.splat(0x7f7fffff);
  const signBit = i32x4.splat(0x80000000);
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
    const r0 = quantizeAbsFast(a0, d);
    const r1 = quantizeAbsFast(a1, d);
    const r2 = quantizeAbsFast(a2, d);
    const r3 = quantizeAbsFast(a3, d);
    let sp = v128.or(v128.or(i32x4.gt_s(r0, EC.maxBits), i32x4.gt_s(r1, EC.maxBits)), v128.or(i32x4.gt_s(r2, EC.maxBits), i32x4.gt_s(r3, EC.maxBits)));
    sp = v128.or(sp, v128.or(v128.or(i32x4.gt_s(a0, top), i32x4.gt_s(a1, top)), v128.or(i32x4.gt_s(a2, top), i32x4.gt_s(a3, top))));
    sp = v128.or(sp, v128.and(EC.unsigned, v128.or(v128.or(b0, b1), v128.or(b2, b3))));
    const out = dst + (<usize>i << 2);
    if (!v128.any_true(v128.and(sp, v128.or(signBit, v128.not(EC.unsigned))))) {
      v128.store(out, v128.or(r0, v128.and(v128.and(b0, signBit), v128.or(i32x4.ne(r0, i32x4.splat(0)), EC.negZero))));
      v128.store(out, v128.or(r1, v128.and(v128.and(b1, signBit), v128.or(i32x4.ne(r1, i32x4.splat(0)), EC.negZero))), 16);
      v128.store(out, v128.or(r2, v128.and(v128.and(b2, signBit), v128.or(i32x4.ne(r2, i32x4.splat(0)), EC.negZero))), 32);
      v128.store(out, v128.or(r3, v128.and(v128.and(b3, signBit), v128.or(i32x4.ne(r3, i32x4.splat(0)), EC.negZero))), 48);
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
