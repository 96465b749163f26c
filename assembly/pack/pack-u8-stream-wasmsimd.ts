// b-bit codes (one per byte, b = 1..8) ↔ the LSB-first packed bit stream (docs/packing.md):
// code i occupies stream bits [i·b, (i+1)·b), least-significant bit first; stream bit k is bit
// (k mod 8) of byte ⌊k/8⌋; the packed length is ⌈n·b/8⌉ and the unused high bits of the last
// byte are zero. Work goes in blocks of 64 codes = 8·b bytes (SIMD for b = 1, 2, 4, 6, 8; a
// 64-bit accumulator for 3, 5, 7); a partial last block runs through zero-padded scratch blocks,
// so nothing is read or written outside [src, src + in) and [dst, dst + out).
import {
  anyBits, packBlock1, packBlock2, packBlock4, packBlock6, packBlock8, packBlockScalar,
  unpackBlock1, unpackBlock2, unpackBlock4, unpackBlock6, unpackBlock8, unpackBlockScalar,
} from "./blocks";

const TAIL_CODES = memory.data(64, 16);
const TAIL_BYTES = memory.data(64, 16);

@inline function packBlock(s: usize, d: usize, b: i32): i32 {
  switch (b) {
    case 1: return anyBits(packBlock1(s, d));
    case 2: return anyBits(packBlock2(s, d));
    case 4: return anyBits(packBlock4(s, d));
    case 6: return anyBits(packBlock6(s, d));
    case 8: return anyBits(packBlock8(s, d));
    default: return <i32>packBlockScalar(s, d, <u32>b);
  }
}

@inline function unpackBlock(s: usize, d: usize, b: i32): void {
  switch (b) {
    case 1: unpackBlock1(s, d); break;
    case 2: unpackBlock2(s, d); break;
    case 4: unpackBlock4(s, d); break;
    case 6: unpackBlock6(s, d); break;
    case 8: unpackBlock8(s, d); break;
    default: unpackBlockScalar(s, d, <u32>b);
  }
}

/**
 * Pack n codes (u8) at src into ⌈n·b/8⌉ bytes at dst. Returns the OR of all code bits at or
 * above bit b: non-zero means some code ≥ 2^b (the caller raises; dst is then unspecified).
 */
export function pack_u8_stream__wasmsimd(src: usize, dst: usize, n: i32, b: i32): i32 {
  const full = n >> 6;
  let bad: i32 = 0;
  // one loop per width, so the width switch is hoisted out of the block loop
  switch (b) {
    case 1: for (let k = 0; k < full; k++) bad |= packBlock(src + (<usize>k << 6), dst + <usize>k * 8, 1); break;
    case 2: for (let k = 0; k < full; k++) bad |= packBlock(src + (<usize>k << 6), dst + <usize>k * 16, 2); break;
    case 4: for (let k = 0; k < full; k++) bad |= packBlock(src + (<usize>k << 6), dst + <usize>k * 32, 4); break;
    case 6: for (let k = 0; k < full; k++) bad |= packBlock(src + (<usize>k << 6), dst + <usize>k * 48, 6); break;
    case 8: memory.copy(dst, src, <usize>full << 6); break;
    default: for (let k = 0; k < full; k++) bad |= packBlock(src + (<usize>k << 6), dst + <usize>k * <usize>(b << 3), b);
  }
  const rem = n & 63;
  if (rem != 0) {
    memory.fill(TAIL_CODES, 0, 64);
    memory.copy(TAIL_CODES, src + (<usize>full << 6), <usize>rem);
    bad |= packBlock(TAIL_CODES, TAIL_BYTES, b);
    memory.copy(dst + <usize>full * <usize>(b << 3), TAIL_BYTES, <usize>((rem * b + 7) >> 3));
  }
  return bad;
}

/** Unpack n codes from the ⌈n·b/8⌉ bytes at src into one u8 per code at dst (padding bits are ignored here). */
export function unpack_u8_stream__wasmsimd(src: usize, dst: usize, n: i32, b: i32): void {
  const full = n >> 6;
  switch (b) {
    case 1: for (let k = 0; k < full; k++) unpackBlock(src + <usize>k * 8, dst + (<usize>k << 6), 1); break;
    case 2: for (let k = 0; k < full; k++) unpackBlock(src + <usize>k * 16, dst + (<usize>k << 6), 2); break;
    case 4: for (let k = 0; k < full; k++) unpackBlock(src + <usize>k * 32, dst + (<usize>k << 6), 4); break;
    case 6: for (let k = 0; k < full; k++) unpackBlock(src + <usize>k * 48, dst + (<usize>k << 6), 6); break;
    case 8: memory.copy(dst, src, <usize>full << 6); break;
    default: for (let k = 0; k < full; k++) unpackBlock(src + <usize>k * <usize>(b << 3), dst + (<usize>k << 6), b);
  }
  const rem = n & 63;
  if (rem != 0) {
    memory.fill(TAIL_BYTES, 0, 64);
    memory.copy(TAIL_BYTES, src + <usize>full * <usize>(b << 3), <usize>((rem * b + 7) >> 3));
    unpackBlock(TAIL_BYTES, TAIL_CODES, b);
    memory.copy(dst + (<usize>full << 6), TAIL_CODES, <usize>rem);
  }
}
