/**
 * IEEE binary16 (F16) and bfloat16 (BF16) <-> float32, written from the formats' definitions.
 * Widening is exact (every F16 and BF16 value is a float32); narrowing rounds to nearest, ties to
 * even, overflowing to ±Inf; NaN stays NaN (quiet, sign and top payload bits kept).
 * (Arrow JS's float16 helpers round incorrectly, so numlab does not use them.)
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

let F16_TABLE: Float32Array | undefined;

/** All 65536 F16 codes widened to float32 (built once, 256 KiB). */
export function f16Table(): Float32Array {
  if (F16_TABLE) return F16_TABLE;
  const t = new Float32Array(65536);
  const bits = new Uint32Array(t.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0x1f) bits[h] = sign | 0x7f800000 | (m << 13); // Inf / NaN (payload kept)
    else if (e !== 0) bits[h] = sign | ((e - 15 + 127) << 23) | (m << 13);
    else t[h] = (sign ? -m : m) * 2 ** -24; // zero / subnormal: m·2^-24 is exact in float32
  }
  F16_TABLE = t;
  return t;
}

export function f16ToF32(h: number): number {
  return f16Table()[h & 0xffff];
}

export function bf16ToF32(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0];
}

/** float32 bits -> F16 bits, round to nearest even. */
export function f32BitsToF16(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const e = (u >>> 23) & 0xff;
  const m = u & 0x7fffff;
  if (e === 0xff) return m === 0 ? sign | 0x7c00 : sign | 0x7e00 | (m >>> 13); // NaN stays a quiet NaN
  if (e > 142) return sign | 0x7c00; // |x| >= 2^16: beyond the largest F16 (65504) by more than half an ulp
  if (e >= 113) {
    // normal F16 range (2^-14 <= |x| < 2^16); a carry out of the mantissa moves to the next binade or Inf
    let h = ((e - 112) << 10) | (m >>> 13);
    const rest = m & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    return sign | h;
  }
  // |x| < 2^-14: F16 subnormals are q·2^-24; x = full·2^-(shift) in those units
  const shift = 126 - e;
  if (e === 0 || shift > 25) return sign; // below half of 2^-24 (2^-25 itself ties to 0)
  const full = m | 0x800000;
  let q = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (q & 1) === 1)) q++;
  return sign | q;
}

/** float32 bits -> BF16 bits, round to nearest even. */
export function f32BitsToBf16(u: number): number {
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff; // NaN: quiet, sign kept
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

export function f32ToF16(x: number): number {
  f32[0] = x;
  return f32BitsToF16(u32[0]);
}

export function f32ToBf16(x: number): number {
  f32[0] = x;
  return f32BitsToBf16(u32[0]);
}
