// f32 → integer codes (y = x / s per run, IEEE f32 division), and back ((q − zp) · s). Four lanes per v128.
//   INT:      q = clamp(sign(y)·round_mode(|y|) + zp, qmin, qmax); code = q & (2^bits − 1)
// Stochastic rounding draws element i's random bits from first + i, or idxs[i] when idxs != 0.
//   bipolar:  |y| → odd level 2k+1 with k = round_mode((min(|y|, 2^b) − 1)/2) clamped to
//             [0, 2^(b−1) − 1] (|y| < 1 → k = 0); level = sign(y)·(2k+1); code = (level + 2^b − 1)/2
// Rounding acts on magnitudes exactly like the minifloat kernels (assembly/common/lanes.ts),
// so ties to even mean an even integer (INT) or an even magnitude index k (bipolar).
// Zero points (optional, ptr 0 = none) are per run of runLen elements, as in runs-f32-wasmsimd.ts.
import { randomBits, roundUp, sel, R_RNE, R_HALF_AWAY, R_TOWARD_ZERO, R_TOWARD_POS, R_TOWARD_NEG, R_TO_ODD, R_STOCHASTIC } from "../common/lanes";

const TAIL_IN = memory.data(64, 16);
const TAIL_OUT = memory.data(64, 16);
const TAIL_IDX = memory.data(64, 16);

/** Signed level per lane for INT (bipolar = false) or bipolar (true). */
@inline function level4(y: v128, mode: i32, bipolar: bool, kmax: v128, idx: v128, seedA: v128, seedB: v128): v128 {
  const neg = i32x4.lt_s(y, i32x4.splat(0));
  let a = f32x4.abs(y);
  if (bipolar) {
    a = f32x4.mul(f32x4.sub(f32x4.pmax(f32x4.pmin(a, f32x4.convert_i32x4_s(i32x4.add(i32x4.add(kmax, kmax), i32x4.splat(2)))), f32x4.splat(1)), f32x4.splat(1)), f32x4.splat(0.5));
  } else {
    a = f32x4.pmin(a, f32x4.splat(1073741824.0)); // 2^30: keeps level + zero point inside i32; clamped later anyway
  }
  const t = f32x4.floor(a);
  const frac = f32x4.sub(a, t);
  const ti = i32x4.trunc_sat_f32x4_s(t);
  let rnd = i32x4.splat(0);
  if (mode == R_STOCHASTIC) rnd = randomBits(idx, seedA, seedB);
  let k = i32x4.sub(ti, roundUp(mode, frac, ti, neg, rnd));
  if (bipolar) k = i32x4.add(i32x4.shl(i32x4.min_s(k, kmax), 1), i32x4.splat(1));
  // apply the sign (NaN lanes: abs keeps NaN, trunc_sat gives 0; the caller raises)
  return sel(i32x4.neg(k), k, neg);
}

/** INT: the clamped integer q (before masking to a code); bipolar: the code u. */
@inline function code4(y: v128, mode: i32, bipolar: bool, kmax: v128, vqmin: v128, vqmax: v128, vmask: v128, zp: v128,
                       idx: v128, sA: v128, sB: v128, noZp: bool = false, fqmin: v128 = v128.splat<i32>(0), fqmax: v128 = v128.splat<i32>(0), fmagic: v128 = v128.splat<i32>(0)): v128 {
  if (noZp) {
    // no zero point, RNE: clamp to [qmin, qmax] in f32 (exact integers), then one f32 addition of
    // 1.5·2^23 rounds to an integer that sits in the low mantissa bits
    const c = f32x4.pmin(f32x4.pmax(y, fqmin), fqmax);
    return i32x4.sub(f32x4.add(c, fmagic), fmagic);
  }
  if (mode == R_RNE && !bipolar) {
    // round half to even on the signed value (= sign · RNE(|y|)): clamp to ±2^22 (beyond, qmin/qmax
    // clamp anyway), add 1.5·2^23 so f32 addition rounds to an integer, read it from the mantissa bits
    const c = f32x4.pmin(f32x4.pmax(y, f32x4.splat(-4194304.0)), f32x4.splat(4194304.0)); // pmin/pmax: one x86 op each
    const q = i32x4.sub(f32x4.add(c, f32x4.splat(12582912.0)), i32x4.splat(0x4b400000));
    return i32x4.min_s(i32x4.max_s(i32x4.add(q, zp), vqmin), vqmax);
  }
  const lv = level4(y, mode, bipolar, kmax, idx, sA, sB);
  if (bipolar) return i32x4.shr_s(i32x4.add(lv, vmask), 1);
  return i32x4.min_s(i32x4.max_s(i32x4.add(lv, zp), vqmin), vqmax);
}

/** Loop constants of the no-zero-point RNE path, loaded from memory so they stay in registers. */
@unmanaged class FloatClamp {
  qmin: v128 = v128.splat<i32>(0);
  qmax: v128 = v128.splat<i32>(0);
  magic: v128 = v128.splat<i32>(0);
}
const FC = changetype<FloatClamp>(memory.data(offsetof<FloatClamp>(), 16));

@inline function runInt(op: i32, src: usize, dst: usize, n: i32, outBytes: i32, qmin: i32, qmax: i32, mask: i32, bipolar: bool,
                        scales: usize, zps: usize, runLen: i32, first: i32, mode: i32, seedA: i32, seedB: i32, idxs: usize, noZp: bool = false): i32 {
  if (noZp) {
    FC.qmin = f32x4.splat(<f32>qmin);
    FC.qmax = f32x4.splat(<f32>qmax);
    FC.magic = f32x4.splat(12582912.0);
  }
  const fqmin = FC.qmin, fqmax = FC.qmax, fmagic = FC.magic; // locals: V8 keeps them in registers
  const sA = i32x4.splat(seedA);
  const sB = i32x4.splat(seedB);
  const vqmin = i32x4.splat(qmin);
  const vqmax = i32x4.splat(qmax);
  const vmask = i32x4.splat(mask);
  const kmax = i32x4.splat(qmax); // bipolar: qmax holds 2^(b−1) − 1 (largest magnitude index)
  const lane = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
  const four = i32x4.splat(4);
  let nans = i32x4.splat(0);
  let i: i32 = 0;
  while (i < n) {
    // stay within one run (one scale, one zero point)
    const perRun = zps != 0 || scales != 0;
    const run = perRun ? (first + i) / runLen : 0;
    const end = perRun ? min<i32>(n, (run + 1) * runLen - first) : n;
    const zp = i32x4.splat(zps != 0 ? load<i32>(zps + (<usize>run << 2)) : 0);
    const hasScale = scales != 0;
    const sc = f32x4.splat(hasScale ? load<f32>(scales + (<usize>run << 2)) : 1);
    while (i < end) {
      const rem = end - i;
      let inp = src + (<usize>i << 2);
      if (rem < 16) {
        memory.fill(TAIL_IN, 0, 64);
        memory.copy(TAIL_IN, inp, <usize>rem << 2);
        inp = TAIL_IN;
      }
      let y0 = v128.load(inp);
      let y1 = v128.load(inp, 16);
      let y2 = v128.load(inp, 32);
      let y3 = v128.load(inp, 48);
      if (hasScale) {
        y0 = f32x4.div(y0, sc);
        y1 = f32x4.div(y1, sc);
        y2 = f32x4.div(y2, sc);
        y3 = f32x4.div(y3, sc);
      }
      nans = i32x4.sub(nans, v128.or(v128.or(f32x4.ne(y0, y0), f32x4.ne(y1, y1)), v128.or(f32x4.ne(y2, y2), f32x4.ne(y3, y3))));
      // element indices for stochastic rounding: consecutive, or read from idxs (permuted layouts)
      let x0 = i32x4.add(i32x4.splat(first + i), lane);
      let x1 = i32x4.add(x0, four);
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
      const c0 = code4(y0, mode, bipolar, kmax, vqmin, vqmax, vmask, zp, x0, sA, sB, noZp, fqmin, fqmax, fmagic);
      const c1 = code4(y1, mode, bipolar, kmax, vqmin, vqmax, vmask, zp, x1, sA, sB, noZp, fqmin, fqmax, fmagic);
      const c2 = code4(y2, mode, bipolar, kmax, vqmin, vqmax, vmask, zp, x2, sA, sB, noZp, fqmin, fqmax, fmagic);
      const c3 = code4(y3, mode, bipolar, kmax, vqmin, vqmax, vmask, zp, x3, sA, sB, noZp, fqmin, fqmax, fmagic);
      if (op == 1) {
        // fused quantize: (q − zp) · s, or the bipolar level (2u − (2^b − 1)) · s
        const out = rem < 16 ? TAIL_OUT : dst + (<usize>i << 2);
        v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(bipolar ? i32x4.sub(i32x4.add(c0, c0), vmask) : i32x4.sub(c0, zp)), sc));
        v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(bipolar ? i32x4.sub(i32x4.add(c1, c1), vmask) : i32x4.sub(c1, zp)), sc), 16);
        v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(bipolar ? i32x4.sub(i32x4.add(c2, c2), vmask) : i32x4.sub(c2, zp)), sc), 32);
        v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(bipolar ? i32x4.sub(i32x4.add(c3, c3), vmask) : i32x4.sub(c3, zp)), sc), 48);
        if (rem < 16) {
          memory.copy(dst + (<usize>i << 2), TAIL_OUT, <usize>rem << 2);
          i += rem;
        } else {
          i += 16;
        }
        continue;
      }
      const k0 = v128.and(c0, vmask), k1 = v128.and(c1, vmask), k2 = v128.and(c2, vmask), k3 = v128.and(c3, vmask);
      const out = rem < 16 ? TAIL_OUT : dst + <usize>i * <usize>outBytes;
      if (outBytes == 1) {
        v128.store(out, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(k0, k1), i16x8.narrow_i32x4_u(k2, k3)));
      } else {
        v128.store(out, i16x8.narrow_i32x4_u(k0, k1));
        v128.store(out, i16x8.narrow_i32x4_u(k2, k3), 16);
      }
      if (rem < 16) {
        memory.copy(dst + <usize>i * <usize>outBytes, TAIL_OUT, <usize>rem * <usize>outBytes);
        i += rem;
      } else {
        i += 16;
      }
    }
  }
  // NaN lanes counted once per vector group (or-ed): non-zero means "some NaN"; exact count is not needed
  return i32x4.extract_lane(nans, 0) + i32x4.extract_lane(nans, 1) + i32x4.extract_lane(nans, 2) + i32x4.extract_lane(nans, 3);
}

function encodeIntRneNoZp(src: usize, dst: usize, n: i32, outBytes: i32, qmin: i32, qmax: i32, mask: i32, scales: usize, runLen: i32, first: i32): i32 {
  return runInt(0, src, dst, n, outBytes, qmin, qmax, mask, false, scales, 0, runLen, first, R_RNE, 0, 0, 0, true);
}
function quantizeIntRneNoZp(src: usize, dst: usize, n: i32, qmin: i32, qmax: i32, mask: i32, scales: usize, runLen: i32, first: i32): i32 {
  return runInt(1, src, dst, n, 4, qmin, qmax, mask, false, scales, 0, runLen, first, R_RNE, 0, 0, 0, true);
}

@inline function dispatchInt(op: i32, src: usize, dst: usize, n: i32, outBytes: i32, qmin: i32, qmax: i32, mask: i32, bipolar: bool,
                             scales: usize, zps: usize, runLen: i32, first: i32, mode: i32, seedA: i32, seedB: i32, idxs: usize): i32 {
  if (mode == R_RNE && !bipolar && zps == 0) {
    if (op == 0) return encodeIntRneNoZp(src, dst, n, outBytes, qmin, qmax, mask, scales, runLen, first);
    return quantizeIntRneNoZp(src, dst, n, qmin, qmax, mask, scales, runLen, first);
  }
  switch (mode) {
    case R_RNE: return runInt(op, src, dst, n, outBytes, qmin, qmax, mask, bipolar, scales, zps, runLen, first, R_RNE, seedA, seedB, idxs);
    case R_HALF_AWAY: return runInt(op, src, dst, n, outBytes, qmin, qmax, mask, bipolar, scales, zps, runLen, first, R_HALF_AWAY, seedA, seedB, idxs);
    case R_TOWARD_ZERO: return runInt(op, src, dst, n, outBytes, qmin, qmax, mask, bipolar, scales, zps, runLen, first, R_TOWARD_ZERO, seedA, seedB, idxs);
    case R_TOWARD_POS: return runInt(op, src, dst, n, outBytes, qmin, qmax, mask, bipolar, scales, zps, runLen, first, R_TOWARD_POS, seedA, seedB, idxs);
    case R_TOWARD_NEG: return runInt(op, src, dst, n, outBytes, qmin, qmax, mask, bipolar, scales, zps, runLen, first, R_TOWARD_NEG, seedA, seedB, idxs);
    case R_TO_ODD: return runInt(op, src, dst, n, outBytes, qmin, qmax, mask, bipolar, scales, zps, runLen, first, R_TO_ODD, seedA, seedB, idxs);
  }
  return runInt(op, src, dst, n, outBytes, qmin, qmax, mask, bipolar, scales, zps, runLen, first, R_STOCHASTIC, seedA, seedB, idxs);
}

/**
 * INT encode of pre-scaled y. Codes are the low `bits` of the two's complement integer (unsigned
 * formats: the integer itself). Returns the NaN count (NaN lanes write garbage; the caller raises).
 */
export function cvt_f32_int__wasmsimd(src: usize, dst: usize, n: i32, outBytes: i32, qmin: i32, qmax: i32, bits: i32,
                                      scales: usize, zps: usize, runLen: i32, first: i32, mode: i32, seedA: i32, seedB: i32, idxs: usize): i32 {
  return dispatchInt(0, src, dst, n, outBytes, qmin, qmax, <i32>((1 << bits) - 1), false, scales, zps, runLen, first, mode, seedA, seedB, idxs);
}

/** Bipolar-INT encode of pre-scaled y into u8 codes. Returns the NaN count. */
export function cvt_f32_bipolar__wasmsimd(src: usize, dst: usize, n: i32, bits: i32, scales: usize, runLen: i32, first: i32, mode: i32,
                                          seedA: i32, seedB: i32, idxs: usize): i32 {
  return dispatchInt(0, src, dst, n, 1, 0, (1 << (bits - 1)) - 1, (1 << bits) - 1, true, scales, 0, runLen, first, mode, seedA, seedB, idxs);
}

/**
 * Fused INT / bipolar quantize: f32 x → (q − zp) · s (bipolar: level · s) in one pass, with the
 * rounding, clamping, scales and zero points of the encoders above. Returns the NaN count.
 */
export function qdq_f32_int__wasmsimd(src: usize, dst: usize, n: i32, qmin: i32, qmax: i32, bits: i32, bipolar: i32,
                                      scales: usize, zps: usize, runLen: i32, first: i32, mode: i32, seedA: i32, seedB: i32, idxs: usize): i32 {
  if (bipolar != 0) return dispatchInt(1, src, dst, n, 4, 0, (1 << (bits - 1)) - 1, (1 << bits) - 1, true, scales, 0, runLen, first, mode, seedA, seedB, idxs);
  return dispatchInt(1, src, dst, n, 4, qmin, qmax, <i32>((1 << bits) - 1), false, scales, zps, runLen, first, mode, seedA, seedB, idxs);
}

/**
 * INT codes → (q − zp) · s in f32 (scales/zps per run, ptr 0 = 1 / 0). `signed`: the
 * code is a `bits`-wide two's complement. Returns the OR of code bits outside the width.
 * Lanes: 16 u8 (or 8 u16) codes widen to four (two) i32x4, sign-extend by shl/shr_s, subtract zp.
 */
export function cvt_int_f32__wasmsimd(src: usize, dst: usize, n: i32, inBytes: i32, bits: i32, signed: i32,
                                      scales: usize, zps: usize, runLen: i32, first: i32): i32 {
  const shift = signed != 0 ? 32 - bits : 0;
  const outside: i32 = ~((1 << bits) - 1);
  const vout = i32x4.splat(outside);
  let vbad = i32x4.splat(0);
  let bad: i32 = 0;
  let i: i32 = 0;
  while (i < n) {
    const perRun = zps != 0 || scales != 0;
    const run = perRun ? (first + i) / runLen : 0;
    const end = perRun ? min<i32>(n, (run + 1) * runLen - first) : n;
    const zs: i32 = zps != 0 ? load<i32>(zps + (<usize>run << 2)) : 0;
    const zp = i32x4.splat(zs);
    const s1: f32 = scales != 0 ? load<f32>(scales + (<usize>run << 2)) : 1;
    const sc = f32x4.splat(s1);
    if (inBytes == 1) {
      for (; i + 16 <= end; i += 16) {
        const b = v128.load(src + <usize>i);
        const lo = i16x8.extend_low_i8x16_u(b);
        const hi = i16x8.extend_high_i8x16_u(b);
        const c0 = i32x4.extend_low_i16x8_u(lo);
        const c1 = i32x4.extend_high_i16x8_u(lo);
        const c2 = i32x4.extend_low_i16x8_u(hi);
        const c3 = i32x4.extend_high_i16x8_u(hi);
        vbad = v128.or(vbad, v128.and(v128.or(v128.or(c0, c1), v128.or(c2, c3)), vout));
        const o = dst + (<usize>i << 2);
        v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(i32x4.shl(c0, shift), shift), zp)), sc));
        v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(i32x4.shl(c1, shift), shift), zp)), sc), 16);
        v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(i32x4.shl(c2, shift), shift), zp)), sc), 32);
        v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(i32x4.shl(c3, shift), shift), zp)), sc), 48);
      }
    } else {
      for (; i + 8 <= end; i += 8) {
        const b = v128.load(src + (<usize>i << 1));
        const c0 = i32x4.extend_low_i16x8_u(b);
        const c1 = i32x4.extend_high_i16x8_u(b);
        vbad = v128.or(vbad, v128.and(v128.or(c0, c1), vout));
        const o = dst + (<usize>i << 2);
        v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(i32x4.shl(c0, shift), shift), zp)), sc));
        v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(i32x4.shl(c1, shift), shift), zp)), sc), 16);
      }
    }
    for (; i < end; i++) {
      const c: i32 = inBytes == 1 ? <i32>load<u8>(src + <usize>i) : <i32>load<u16>(src + (<usize>i << 1));
      bad |= c & outside;
      const q: i32 = ((c << shift) >> shift) - zs;
      store<f32>(dst + (<usize>i << 2), <f32>q * s1);
    }
  }
  return bad | i32x4.extract_lane(vbad, 0) | i32x4.extract_lane(vbad, 1) | i32x4.extract_lane(vbad, 2) | i32x4.extract_lane(vbad, 3);
}

/** Bipolar codes → levels (2u − (2^b − 1)) · s as f32 (scales per run, ptr 0 = 1). Returns the OR of code bits outside the width. */
export function cvt_bipolar_f32__wasmsimd(src: usize, dst: usize, n: i32, bits: i32, scales: usize, runLen: i32, first: i32): i32 {
  const top = (1 << bits) - 1;
  let bad: i32 = 0;
  let i: i32 = 0;
  while (i < n) {
    const run = scales != 0 ? (first + i) / runLen : 0;
    const end = scales != 0 ? min<i32>(n, (run + 1) * runLen - first) : n;
    const s1: f32 = scales != 0 ? load<f32>(scales + (<usize>run << 2)) : 1;
    for (; i < end; i++) {
      const c = <i32>load<u8>(src + <usize>i);
      bad |= c & ~top;
      const lv: i32 = 2 * c - top;
      store<f32>(dst + (<usize>i << 2), <f32>lv * s1);
    }
  }
  return bad;
}
