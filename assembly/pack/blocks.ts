// Block building blocks of the bit-packing kernels (docs/packing.md). A block is 64 codes, one
// per byte, and b·8 packed bytes: the LSB-first stream where code i holds stream bits
// [i·b, (i+1)·b) and stream bit k is bit (k mod 8) of byte ⌊k/8⌋. Every block function reads and
// writes exactly its block (no over-read, no over-write), so callers can run them in place on
// caller buffers; partial blocks go through zero-padded scratch blocks in the kernels.
//
// Pack functions return the OR of all code bits at or above bit b (non-zero: some code does not
// fit; the caller raises). For invalid codes the packed bytes are unspecified.

// ---- vector helpers ------------------------------------------------------------------------

/** 32 codes < 16 (two vectors) → 16 bytes: byte j = c[2j] | c[2j+1] << 4. */
@inline export function pack4x32(v0: v128, v1: v128): v128 {
  const m = i16x8.splat(0x00ff);
  // i16 lane = c0 | c1 << 8; lane >> 4 brings c1 to bits 4..7 (c0 >> 4 = 0 for valid codes)
  const x0 = v128.and(v128.or(v0, i16x8.shr_u(v0, 4)), m);
  const x1 = v128.and(v128.or(v1, i16x8.shr_u(v1, 4)), m);
  return i8x16.narrow_i16x8_u(x0, x1);
}

/** 64 codes < 4 (four vectors) → 16 bytes: byte j = c[4j] | c[4j+1] << 2 | c[4j+2] << 4 | c[4j+3] << 6. */
@inline export function pack2x64(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(pack2lane(v0), pack2lane(v1)), i16x8.narrow_i32x4_u(pack2lane(v2), pack2lane(v3)));
}

/** 16 codes < 4 → one packed byte in the low 8 bits of each i32 lane. */
@inline function pack2lane(v: v128): v128 {
  // i16: c0 | c1 << 8 → c0 | c1 << 2 (4 bits); i32: p0 | p1 << 16 → p0 | p1 << 4 (8 bits)
  const x = v128.and(v128.or(v, i16x8.shr_u(v, 6)), i16x8.splat(0x000f));
  return v128.and(v128.or(x, i32x4.shr_u(x, 12)), i32x4.splat(0xff));
}

/** 16 codes < 64 → one 24-bit group c0 | c1 << 6 | c2 << 12 | c3 << 18 in each i32 lane. */
@inline function pack6lane(v: v128): v128 {
  const x = v128.or(v128.and(v, i16x8.splat(0x003f)), v128.and(i16x8.shr_u(v, 2), i16x8.splat(0x0fc0)));
  return v128.or(v128.and(x, i32x4.splat(0x000fff)), v128.and(i32x4.shr_u(x, 4), i32x4.splat(0xfff000)));
}

/** 32 bytes → 32 codes < 16 at d (16 bytes in v): low nibble first. */
@inline export function unpack4x32(v: v128, d: usize): void {
  const lo = v128.and(v, i8x16.splat(0x0f));
  const hi = i8x16.shr_u(v, 4);
  v128.store(d, i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
  v128.store(d, i8x16.shuffle(lo, hi, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), 16);
}

/** 16 bytes in v → 64 codes < 4 at d: bits 0-1 first. */
@inline export function unpack2x64(v: v128, d: usize): void {
  const m = i8x16.splat(3);
  const a = v128.and(v, m);
  const b = v128.and(i8x16.shr_u(v, 2), m);
  const c = v128.and(i8x16.shr_u(v, 4), m);
  const e = i8x16.shr_u(v, 6);
  const ab0 = i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const ab1 = i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const ce0 = i8x16.shuffle(c, e, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const ce1 = i8x16.shuffle(c, e, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  v128.store(d, i8x16.shuffle(ab0, ce0, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
  v128.store(d, i8x16.shuffle(ab0, ce0, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 16);
  v128.store(d, i8x16.shuffle(ab1, ce1, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), 32);
  v128.store(d, i8x16.shuffle(ab1, ce1, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 48);
}

/** Each i32 lane holds a 24-bit group (top byte ignored) → four codes < 64, one per byte. */
@inline function unpack6lane(w: v128): v128 {
  return v128.or(
    v128.or(v128.and(w, i32x4.splat(0x3f)), v128.and(i32x4.shl(w, 2), i32x4.splat(0x3f00))),
    v128.or(v128.and(i32x4.shl(w, 4), i32x4.splat(0x3f0000)), v128.and(i32x4.shl(w, 6), i32x4.splat(0x3f000000))),
  );
}

// ---- whole blocks: 64 codes at s ↔ 8·b bytes at d --------------------------------------------

@inline export function packBlock1(s: usize, d: usize): v128 {
  let bad = i8x16.splat(0);
  for (let k: usize = 0; k < 4; k++) {
    const v = v128.load(s + (k << 4));
    bad = v128.or(bad, v);
    // 0 − c is 0x00 or 0xFF for c in {0, 1}: the sign bits are the codes
    store<u16>(d + (k << 1), <u16>i8x16.bitmask(i8x16.sub(i8x16.splat(0), v)));
  }
  return v128.and(bad, i8x16.splat(<i8>0xfe));
}

@inline export function packBlock2(s: usize, d: usize): v128 {
  const v0 = v128.load(s), v1 = v128.load(s, 16), v2 = v128.load(s, 32), v3 = v128.load(s, 48);
  v128.store(d, pack2x64(v0, v1, v2, v3));
  return v128.and(v128.or(v128.or(v0, v1), v128.or(v2, v3)), i8x16.splat(<i8>0xfc));
}

@inline export function packBlock4(s: usize, d: usize): v128 {
  const v0 = v128.load(s), v1 = v128.load(s, 16), v2 = v128.load(s, 32), v3 = v128.load(s, 48);
  v128.store(d, pack4x32(v0, v1));
  v128.store(d, pack4x32(v2, v3), 16);
  return v128.and(v128.or(v128.or(v0, v1), v128.or(v2, v3)), i8x16.splat(<i8>0xf0));
}

/** 64 codes → 48 bytes: every 4 codes make 3 bytes (the FP6 4→3 packing). */
@inline export function packBlock6(s: usize, d: usize): v128 {
  const v0 = v128.load(s), v1 = v128.load(s, 16), v2 = v128.load(s, 32), v3 = v128.load(s, 48);
  const y0 = pack6lane(v0), y1 = pack6lane(v1), y2 = pack6lane(v2), y3 = pack6lane(v3);
  // keep bytes 0-2 of every i32 lane: 12 bytes per vector, 48 in all
  v128.store(d, i8x16.shuffle(y0, y1, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20));
  v128.store(d, i8x16.shuffle(y1, y2, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20, 21, 22, 24, 25), 16);
  v128.store(d, i8x16.shuffle(y2, y3, 10, 12, 13, 14, 16, 17, 18, 20, 21, 22, 24, 25, 26, 28, 29, 30), 32);
  return v128.and(v128.or(v128.or(v0, v1), v128.or(v2, v3)), i8x16.splat(<i8>0xc0));
}

@inline export function packBlock8(s: usize, d: usize): v128 {
  v128.store(d, v128.load(s));
  v128.store(d, v128.load(s, 16), 16);
  v128.store(d, v128.load(s, 32), 32);
  v128.store(d, v128.load(s, 48), 48);
  return i8x16.splat(0);
}

/** Any b in 1..8 (used for 3, 5, 7): a 64-bit accumulator flushed 32 bits at a time (64·b bits = 2b words). */
@inline export function packBlockScalar(s: usize, d: usize, b: u32): u32 {
  let acc: u64 = 0;
  let nb: u32 = 0;
  let bad: u32 = 0;
  let o = d;
  for (let i: usize = 0; i < 64; i++) {
    const c = <u32>load<u8>(s + i);
    bad |= c;
    acc |= <u64>c << nb;
    nb += b;
    if (nb >= 32) {
      store<u32>(o, <u32>acc);
      o += 4;
      acc >>= 32;
      nb -= 32;
    }
  }
  return bad >> b;
}

@inline export function unpackBlock1(s: usize, d: usize): void {
  const bit = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  const one = i8x16.splat(1);
  const w = v128.load64_zero(s);
  // byte j of the block repeated 8 times, one bit kept per lane, then 0/1
  const r0 = i8x16.shuffle(w, w, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
  const r1 = i8x16.shuffle(w, w, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
  const r2 = i8x16.shuffle(w, w, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5);
  const r3 = i8x16.shuffle(w, w, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);
  v128.store(d, i8x16.min_u(v128.and(r0, bit), one));
  v128.store(d, i8x16.min_u(v128.and(r1, bit), one), 16);
  v128.store(d, i8x16.min_u(v128.and(r2, bit), one), 32);
  v128.store(d, i8x16.min_u(v128.and(r3, bit), one), 48);
}

@inline export function unpackBlock2(s: usize, d: usize): void {
  unpack2x64(v128.load(s), d);
}

@inline export function unpackBlock4(s: usize, d: usize): void {
  unpack4x32(v128.load(s), d);
  unpack4x32(v128.load(s, 16), d + 32);
}

/** 48 bytes → 64 codes: every 3 bytes make 4 codes. */
@inline export function unpackBlock6(s: usize, d: usize): void {
  const a = v128.load(s), b = v128.load(s, 16), c = v128.load(s, 32);
  // gather each 3-byte group into the low 24 bits of an i32 lane (the 4th byte is ignored)
  const g0 = i8x16.shuffle(a, a, 0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 0);
  const g1 = i8x16.shuffle(a, b, 12, 13, 14, 0, 15, 16, 17, 0, 18, 19, 20, 0, 21, 22, 23, 0);
  const g2 = i8x16.shuffle(b, c, 8, 9, 10, 0, 11, 12, 13, 0, 14, 15, 16, 0, 17, 18, 19, 0);
  const g3 = i8x16.shuffle(c, c, 4, 5, 6, 0, 7, 8, 9, 0, 10, 11, 12, 0, 13, 14, 15, 0);
  v128.store(d, unpack6lane(g0));
  v128.store(d, unpack6lane(g1), 16);
  v128.store(d, unpack6lane(g2), 32);
  v128.store(d, unpack6lane(g3), 48);
}

@inline export function unpackBlock8(s: usize, d: usize): void {
  packBlock8(s, d);
}

/** Any b in 1..8 (used for 3, 5, 7): refill a 64-bit accumulator 32 bits at a time (reads exactly 2b words). */
@inline export function unpackBlockScalar(s: usize, d: usize, b: u32): void {
  const mask: u64 = (<u64>1 << b) - 1;
  let acc: u64 = 0;
  let nb: u32 = 0;
  let p = s;
  for (let i: usize = 0; i < 64; i++) {
    if (nb < b) {
      acc |= <u64>load<u32>(p) << nb;
      p += 4;
      nb += 32;
    }
    store<u8>(d + i, <u8>(acc & mask));
    acc >>= b;
    nb -= b;
  }
}

/** OR of the four i32 lanes. */
@inline export function anyBits(v: v128): i32 {
  return i32x4.extract_lane(v, 0) | i32x4.extract_lane(v, 1) | i32x4.extract_lane(v, 2) | i32x4.extract_lane(v, 3);
}
