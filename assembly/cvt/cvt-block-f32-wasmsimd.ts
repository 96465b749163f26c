// Block-scaled formats: element codes (u8, KP per block, as cvt-f32-block-wasmsimd.ts writes them)
// and scale bytes → f32: x̂ = f32(value(code) · X), X = 2^(s − SBIAS) (power-of-two scales) or
// d_b = f32(UE4M3(s) · s_dec) (NV rows). A NaN scale makes the whole block NaN (0x7FC00000).
// Per batch of blocks, a factor phase computes X for four blocks per v128; then one of four element
// paths (B_DVARIANT, chosen by the caller from the row):
//   0  ≤ 4-bit codes: i8x16.swizzle on the byte planes of the 16 element values, times X
//   1  INT grid: sign-extend the b-bit codes, convert, times X · 2^−ISHIFT (one exact product)
//   2  8-bit minifloat codes on power-of-two scales: a step of 16 normal-or-zero codes is decoded
//      in the high half-words of the f32 bits with the block exponent added to the exponent field
//      (exact while e is in [ESAFELO, ESAFEHI]); other steps and blocks take path 3
//   3  table: four load32_lane per four codes from the 2^bits element values, times X; element NaN
//      codes keep their table bits (B_ELNAN rows)
//   4  INT grid words wider than 8 bits: i32 codes (KP per block, 4 bytes each), sign-extended from
//      the word width, converted (exact: |k| ≤ 2^23), times X · 2^−ISHIFT (exact on power-of-two scales)
import {
  dget, B_RULE, B_SBIAS, B_SNAN, B_NV_SDEC, B_KP, B_ELNAN, B_ISHIFT, B_CODEMASK, B_DVARIANT, B_ESAFELO, B_ESAFEHI, B_PACK4,
} from "../common/desc";
import { sel } from "../common/lanes";
import { pow2f, pow2v, ue4m3Value4 } from "./cvt-f32-block-wasmsimd";
import { gather4, hi8Store16, loadDecodeConsts, lut4Planes, lut4Store16, DecodeConsts } from "./cvt-minifloat-f32-wasmsimd";

const BATCH: i32 = 4096;
const PLANES = memory.data(64, 16);
const XS = memory.data(BATCH * 4, 16); // decode factor per block of the batch (NaN: NaN block)
const REB = memory.data(BATCH * 4, 16); // path 2: high-half-word rebias of the block (element rebias + e << 7), −1: take the table path
const TAIL = memory.data(16, 16);

/** Factors of blocks [0, n) of the batch from their scale bytes, four per step (path 2: also REB). */
function factorPhase(bd: usize, scales: usize, n: i32, rebH: i32): void {
  const eLo = i32x4.splat(dget(bd, B_ESAFELO)), eHi = i32x4.splat(dget(bd, B_ESAFEHI));
  const hi8 = dget(bd, B_DVARIANT) == 2;
  const nv = dget(bd, B_RULE) == 4;
  const bias = i32x4.splat(dget(bd, B_SBIAS));
  const snan = i32x4.splat(dget(bd, B_SNAN));
  const sdec = f32x4.splat(reinterpret<f32>(dget(bd, B_NV_SDEC)));
  const g = f32x4.splat(pow2f(-dget(bd, B_ISHIFT))); // INT grid step (1 for minifloat elements)
  for (let b: i32 = 0; b < n; b += 4) {
    let p = scales + <usize>b;
    if (n - b < 4) {
      v128.store(TAIL, i32x4.splat(0));
      memory.copy(TAIL, p, <usize>(n - b));
      p = TAIL;
    }
    const s = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
    let x: v128;
    if (nv) x = f32x4.mul(ue4m3Value4(s), sdec);
    else {
      const e = i32x4.sub(s, bias);
      if (hi8) {
        const safe = v128.andnot(v128.and(i32x4.ge_s(e, eLo), i32x4.le_s(e, eHi)), i32x4.eq(s, snan));
        v128.store(REB + (<usize>b << 2), sel(i32x4.add(i32x4.splat(rebH), i32x4.shl(e, 7)), i32x4.splat(-1), safe));
      }
      x = f32x4.mul(pow2v(i32x4.min_s(e, i32x4.splat(127))), g);
    }
    v128.store(XS + (<usize>b << 2), sel(i32x4.splat(0x7fc00000), x, i32x4.eq(s, snan)));
  }
}

@inline function nanBlock(o: usize, kp: i32): void {
  for (let j: i32 = 0; j < kp; j += 4) v128.store(o + (<usize>j << 2), i32x4.splat(0x7fc00000));
}

/** Table path for 16 codes at c: four gathers, times f; keepNan: where the product is NaN (element NaN codes, 0 · Inf) the element's own bits. */
@inline function gather16(lut: usize, c: usize, o: usize, f: v128, keepNan: bool): void {
  for (let q: i32 = 0; q < 16; q += 4) {
    const v = gather4(lut, load<u32>(c + <usize>q));
    let r = f32x4.mul(v, f);
    if (keepNan) r = sel(v, r, f32x4.ne(r, r));
    v128.store(o + (<usize>q << 2), r);
  }
}

/** Sixteen 4-bit codes from 8 packed bytes at p (LSB-first: even code in the low nibble), one per byte. */
@inline function unpack16(p: usize): v128 {
  const v = v128.load64_zero(p);
  const lo = v128.and(v, i8x16.splat(0x0f));
  const hi = v128.and(i16x8.shr_u(v, 4), i8x16.splat(0x0f));
  return i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}

@inline function elementPhase(variant: i32, elNan: bool, pack4: bool, DHI: i32, bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void {
  const kp = dget(bd, B_KP);
  // path 0
  lut4Planes(lut, PLANES);
  const p0 = v128.load(PLANES), p1 = v128.load(PLANES, 16), p2 = v128.load(PLANES, 32), p3 = v128.load(PLANES, 48);
  // path 1
  const sh = <u32>(8 - popcnt<i32>(dget(bd, B_CODEMASK)));
  // path 2
  const magMask = i32x4.extract_lane(DC.magMask, 0);
  const signMask = i32x4.extract_lane(DC.signMask, 0);
  const hidc: i32 = 1 << DC.M;
  const top = min<i32>(DC.specThr - 1, magMask); // largest finite normal magnitude
  const mm8 = i8x16.splat(<i8>magMask), hid8 = i8x16.splat(<i8>hidc), flip = i8x16.splat(<i8>0x80);
  const span8 = i8x16.splat(<i8>((top - hidc + 1) ^ 0x80));
  const nf8 = i8x16.splat(<i8>DC.nanFullC);
  const checkNanFull = DC.nanFullC >= 0;
  const mmH = i16x8.splat(<i16>magMask), smH = i16x8.splat(<i16>signMask);
  const dHi = 7 - DC.M;
  const dh = DHI >= 0 ? DHI : dHi; // a constant shift where the caller specialised it
  for (let t: i32 = 0; t < n; t++) {
    const c = src + (pack4 ? <usize>t * <usize>(kp >> 1) : <usize>t * <usize>kp);
    const o = dst + <usize>t * <usize>kp * 4;
    if (variant == 2) {
      const r = load<i32>(REB + (<usize>t << 2));
      if (r >= 0) {
        const rebHb = i16x8.splat(<i16>r); // the block exponent joins the rebias
        for (let j: i32 = 0; j < kp; j += 16) {
          const b = v128.load(c + <usize>j);
          const m = v128.and(b, mm8);
          let ok = v128.or(i8x16.lt_s(v128.xor(i8x16.sub(m, hid8), flip), span8), i8x16.eq(m, i8x16.splat(0)));
          if (checkNanFull) ok = v128.andnot(ok, i8x16.eq(b, nf8));
          if (!i8x16.all_true(ok)) {
            gather16(lut, c + <usize>j, o + (<usize>j << 2), v128.load32_splat(XS + (<usize>t << 2)), elNan);
            continue;
          }
          hi8Store16(b, mmH, dh, rebHb, smH, o + (<usize>j << 2));
        }
        continue;
      }
    }
    const x = load<f32>(XS + (<usize>t << 2));
    if (isNaN(x)) {
      nanBlock(o, kp);
      continue;
    }
    const f = f32x4.splat(x);
    const keepNan = elNan || x == Infinity; // an NV d_b past FLT_MAX: 0 · Inf keeps the zero
    if (variant == 0) {
      for (let j: i32 = 0; j < kp; j += 16) lut4Store16(pack4 ? unpack16(c + <usize>(j >> 1)) : v128.load(c + <usize>j), p0, p1, p2, p3, o + (<usize>j << 2), true, f, keepNan);
    } else if (variant == 1) {
      for (let j: i32 = 0; j < kp; j += 16) {
        const raw = pack4 ? unpack16(c + <usize>(j >> 1)) : v128.load(c + <usize>j);
        const b = i8x16.shr_s(i8x16.shl(raw, sh), sh); // sign-extend the b-bit codes
        const lo = i16x8.extend_low_i8x16_s(b), hi = i16x8.extend_high_i8x16_s(b);
        const q = o + (<usize>j << 2);
        let r0 = f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), f);
        let r1 = f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), f);
        let r2 = f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), f);
        let r3 = f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), f);
        if (keepNan) { // 0 · Inf: the zero
          const z = i32x4.splat(0);
          r0 = sel(z, r0, f32x4.ne(r0, r0));
          r1 = sel(z, r1, f32x4.ne(r1, r1));
          r2 = sel(z, r2, f32x4.ne(r2, r2));
          r3 = sel(z, r3, f32x4.ne(r3, r3));
        }
        v128.store(q, r0);
        v128.store(q, r1, 16);
        v128.store(q, r2, 32);
        v128.store(q, r3, 48);
      }
    } else {
      for (let j: i32 = 0; j < kp; j += 16) gather16(lut, c + <usize>j, o + (<usize>j << 2), f, keepNan);
    }
  }
}

function decodeSwizzle(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(0, false, false, -1, bd, lut, src, dst, n, DC); }
function decodeSwizzleP(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(0, false, true, -1, bd, lut, src, dst, n, DC); }
function decodeInt(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(1, false, false, -1, bd, lut, src, dst, n, DC); }
function decodeIntP(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(1, false, true, -1, bd, lut, src, dst, n, DC); }
function decodeHi8(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(2, false, false, -1, bd, lut, src, dst, n, DC); }
function decodeHi8Nan(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(2, true, false, -1, bd, lut, src, dst, n, DC); }
function decodeHi8NanM3(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(2, true, false, 4, bd, lut, src, dst, n, DC); } // E4M3
function decodeHi8NanM2(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(2, true, false, 5, bd, lut, src, dst, n, DC); } // E5M2
/** Path 4: nBlocks blocks of KP i32 codes at src (words of popcnt(CODEMASK) bits). */
function decodeWide(bd: usize, src: usize, dst: usize, n: i32): void {
  const kp = dget(bd, B_KP);
  const sh = <u32>(32 - popcnt<i32>(dget(bd, B_CODEMASK)));
  for (let t: i32 = 0; t < n; t++) {
    const c = src + <usize>t * <usize>kp * 4;
    const o = dst + <usize>t * <usize>kp * 4;
    const x = load<f32>(XS + (<usize>t << 2));
    if (isNaN(x)) {
      nanBlock(o, kp);
      continue;
    }
    const f = f32x4.splat(x);
    for (let j: i32 = 0; j < kp; j += 4) {
      const k = i32x4.shr_s(i32x4.shl(v128.load(c + (<usize>j << 2)), sh), sh);
      v128.store(o + (<usize>j << 2), f32x4.mul(f32x4.convert_i32x4_s(k), f));
    }
  }
}

function decodeTable(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(3, false, false, -1, bd, lut, src, dst, n, DC); }
function decodeTableNan(bd: usize, lut: usize, src: usize, dst: usize, n: i32, DC: DecodeConsts): void { elementPhase(3, true, false, -1, bd, lut, src, dst, n, DC); }

/**
 * Decode nBlocks blocks of KP u8 codes at src (B_PACK4 with 4-bit codes: KP/2 bytes of packed pairs;
 * B_DVARIANT 4: KP i32 codes)
 * with one scale byte each into KP f32 per block at dst.
 * `lut`: the element values (16 entries for ≤ 4-bit codes, else 256); `desc`: the element's
 * minifloat descriptor (path 2 only; else ignored).
 */
export function cvt_block_f32__wasmsimd(bd: usize, desc: usize, lut: usize, src: usize, scales: usize, dst: usize, nBlocks: i32): void {
  const variant = dget(bd, B_DVARIANT);
  const elNan = dget(bd, B_ELNAN) != 0;
  const DC = variant == 2 ? loadDecodeConsts(desc) : changetype<DecodeConsts>(0);
  const rebH = variant == 2 ? i32x4.extract_lane(DC.rebias, 0) >> 16 : 0; // element rebias in the high half-word
  const kp = dget(bd, B_KP);
  const pack4 = dget(bd, B_PACK4) != 0 && (variant == 0 || variant == 1);
  for (let b0: i32 = 0; b0 < nBlocks; b0 += BATCH) {
    const n = min<i32>(BATCH, nBlocks - b0);
    factorPhase(bd, scales + <usize>b0, n, rebH);
    const s = src + (pack4 ? <usize>b0 * <usize>(kp >> 1) : <usize>b0 * <usize>kp), d = dst + <usize>b0 * <usize>kp * 4;
    if (variant == 4) decodeWide(bd, src + <usize>b0 * <usize>kp * 4, d, n);
    else if (variant == 0) {
      if (pack4) decodeSwizzleP(bd, lut, s, d, n, DC);
      else decodeSwizzle(bd, lut, s, d, n, DC);
    } else if (variant == 1) {
      if (pack4) decodeIntP(bd, lut, s, d, n, DC);
      else decodeInt(bd, lut, s, d, n, DC);
    }
    else if (variant == 2) {
      if (elNan && DC.M == 3) decodeHi8NanM3(bd, lut, s, d, n, DC);
      else if (elNan && DC.M == 2) decodeHi8NanM2(bd, lut, s, d, n, DC);
      else if (elNan) decodeHi8Nan(bd, lut, s, d, n, DC);
      else decodeHi8(bd, lut, s, d, n, DC);
    } else if (elNan) decodeTableNan(bd, lut, s, d, n, DC);
    else decodeTable(bd, lut, s, d, n, DC);
  }
}
