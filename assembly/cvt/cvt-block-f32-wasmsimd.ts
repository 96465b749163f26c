// Block-scaled formats: element codes (u8, KP per block, as cvt-f32-block-wasmsimd.ts writes them)
// and scale bytes → f32. Table lookup: the caller writes the 2^bits element values (f32, exact) at
// `lut`; 4-bit codes go through i8x16.swizzle on its byte planes, wider codes through four
// load32_lane per four codes. Then x̂ = f32(value · X), X = 2^(s − SBIAS) (power-of-two scales) or
// f32(UE4M3(s) · s_dec) (NV rows); a NaN scale makes the whole block NaN (0x7FC00000); element
// NaN codes keep their table bits (B_ELNAN rows).
import { dget, B_RULE, B_SBIAS, B_SNAN, B_NV_SDEC, B_KP, B_ELNAN } from "../common/desc";
import { sel } from "../common/lanes";
import { pow2f, ue4m3Value } from "./cvt-f32-block-wasmsimd";
import { gather4, lut4Planes, lut4Store16 } from "./cvt-minifloat-f32-wasmsimd";

const PLANES = memory.data(64, 16);

/** Decode factor of scale byte s, or NaN when s is the NaN scale. */
@inline function blockFactor(bd: usize, s: i32): f32 {
  if (s == dget(bd, B_SNAN)) return NaN;
  if (dget(bd, B_RULE) == 4) return ue4m3Value(s) * reinterpret<f32>(dget(bd, B_NV_SDEC));
  return pow2f(s - dget(bd, B_SBIAS));
}

@inline function decodeBlocks(wide: bool, elNan: bool, bd: usize, lut: usize, src: usize, scales: usize, dst: usize, nBlocks: i32): void {
  const kp = dget(bd, B_KP);
  lut4Planes(lut, PLANES);
  const p0 = v128.load(PLANES), p1 = v128.load(PLANES, 16), p2 = v128.load(PLANES, 32), p3 = v128.load(PLANES, 48);
  for (let blk: i32 = 0; blk < nBlocks; blk++) {
    const x = blockFactor(bd, <i32>load<u8>(scales + <usize>blk));
    const c = src + <usize>blk * <usize>kp;
    const o = dst + <usize>blk * <usize>kp * 4;
    if (isNaN(x)) {
      for (let j: i32 = 0; j < kp; j += 4) v128.store(o + (<usize>j << 2), i32x4.splat(0x7fc00000));
      continue;
    }
    const f = f32x4.splat(x);
    if (!wide) {
      for (let j: i32 = 0; j < kp; j += 16) lut4Store16(v128.load(c + <usize>j), p0, p1, p2, p3, o + (<usize>j << 2), true, f);
      continue;
    }
    for (let j: i32 = 0; j < kp; j += 4) {
      const v = gather4(lut, load<u32>(c + <usize>j));
      let r = f32x4.mul(v, f);
      if (elNan) r = sel(v, r, f32x4.ne(v, v));
      v128.store(o + (<usize>j << 2), r);
    }
  }
}

function decode4bit(bd: usize, lut: usize, src: usize, scales: usize, dst: usize, nBlocks: i32): void { decodeBlocks(false, false, bd, lut, src, scales, dst, nBlocks); }
function decodeWide(bd: usize, lut: usize, src: usize, scales: usize, dst: usize, nBlocks: i32): void { decodeBlocks(true, false, bd, lut, src, scales, dst, nBlocks); }
function decodeWideNan(bd: usize, lut: usize, src: usize, scales: usize, dst: usize, nBlocks: i32): void { decodeBlocks(true, true, bd, lut, src, scales, dst, nBlocks); }

/**
 * Decode nBlocks blocks of KP u8 codes at src with one scale byte each into KP f32 per block at dst.
 * `lut`: 2^bits f32 element values (bits ≤ 4: 16 entries, swizzle path; else 256 entries).
 */
export function cvt_block_f32__wasmsimd(bd: usize, lut: usize, src: usize, scales: usize, dst: usize, nBlocks: i32, bits: i32): void {
  if (bits <= 4 && dget(bd, B_ELNAN) == 0) decode4bit(bd, lut, src, scales, dst, nBlocks);
  else if (dget(bd, B_ELNAN) == 0) decodeWide(bd, lut, src, scales, dst, nBlocks);
  else decodeWideNan(bd, lut, src, scales, dst, nBlocks);
}
