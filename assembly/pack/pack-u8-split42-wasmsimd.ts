// 6-bit codes ↔ the ZeroQuant(4+2) / FP6-LLM "4+2 split" planes (docs/packing.md):
//   lo2 plane: code >> 4   (the 2 most significant bits: sign + exponent MSB for E3M2/E2M3)
//   hi4 plane: code & 0xF  (the 4 least significant bits)
// each plane packed as its own LSB-first stream (2-bit: 4 codes per byte, c[4j] in bits 0-1;
// 4-bit: 2 codes per byte, c[2j] in the low nibble). Blocks of 64 codes = 32 hi4 bytes + 16 lo2
// bytes; a partial last block runs through zero-padded scratch blocks.
import { anyBits, pack2x64, pack4x32, unpack2x64, unpack4x32 } from "./blocks";

const TAIL_CODES = memory.data(64, 16);
const TAIL_HI4 = memory.data(32, 16);
const TAIL_LO2 = memory.data(16, 16);

@inline function splitBlock(s: usize, hi4: usize, lo2: usize): v128 {
  const v0 = v128.load(s), v1 = v128.load(s, 16), v2 = v128.load(s, 32), v3 = v128.load(s, 48);
  const m = i8x16.splat(0x0f);
  v128.store(hi4, pack4x32(v128.and(v0, m), v128.and(v1, m)));
  v128.store(hi4, pack4x32(v128.and(v2, m), v128.and(v3, m)), 16);
  // codes < 64 give tops < 4; larger codes are flagged below
  v128.store(lo2, pack2x64(i8x16.shr_u(v0, 4), i8x16.shr_u(v1, 4), i8x16.shr_u(v2, 4), i8x16.shr_u(v3, 4)));
  return v128.and(v128.or(v128.or(v0, v1), v128.or(v2, v3)), i8x16.splat(<i8>0xc0));
}

@inline function joinBlock(hi4: usize, lo2: usize, d: usize): void {
  unpack2x64(v128.load(lo2), d); // the tops, then merged with the nibbles in place
  for (let k: usize = 0; k < 2; k++) {
    const v = v128.load(hi4 + (k << 4));
    const lo = v128.and(v, i8x16.splat(0x0f));
    const hi = i8x16.shr_u(v, 4);
    const p = d + (k << 5);
    const n0 = i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const n1 = i8x16.shuffle(lo, hi, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    v128.store(p, v128.or(n0, i8x16.shl(v128.load(p), 4)));
    v128.store(p, v128.or(n1, i8x16.shl(v128.load(p, 16), 4)), 16);
  }
}

/**
 * Split n 6-bit codes at src into the hi4 plane (⌈n/2⌉ bytes) and the lo2 plane (⌈n/4⌉ bytes).
 * Returns the OR of all code bits at or above bit 6 (non-zero: some code ≥ 64; the caller raises).
 */
export function pack_u8_split42__wasmsimd(src: usize, hi4: usize, lo2: usize, n: i32): i32 {
  const full = n >> 6;
  let bad = i8x16.splat(0);
  for (let k = 0; k < full; k++) bad = v128.or(bad, splitBlock(src + (<usize>k << 6), hi4 + (<usize>k << 5), lo2 + (<usize>k << 4)));
  const rem = n & 63;
  if (rem != 0) {
    memory.fill(TAIL_CODES, 0, 64);
    memory.copy(TAIL_CODES, src + (<usize>full << 6), <usize>rem);
    bad = v128.or(bad, splitBlock(TAIL_CODES, TAIL_HI4, TAIL_LO2));
    memory.copy(hi4 + (<usize>full << 5), TAIL_HI4, <usize>((rem + 1) >> 1));
    memory.copy(lo2 + (<usize>full << 4), TAIL_LO2, <usize>((rem + 3) >> 2));
  }
  return anyBits(bad);
}

/** Join the planes (⌈n/2⌉ hi4 bytes, ⌈n/4⌉ lo2 bytes) back into n codes at dst: code = lo2 << 4 | hi4. */
export function unpack_u8_split42__wasmsimd(hi4: usize, lo2: usize, dst: usize, n: i32): void {
  const full = n >> 6;
  for (let k = 0; k < full; k++) joinBlock(hi4 + (<usize>k << 5), lo2 + (<usize>k << 4), dst + (<usize>k << 6));
  const rem = n & 63;
  if (rem != 0) {
    memory.fill(TAIL_HI4, 0, 32);
    memory.fill(TAIL_LO2, 0, 16);
    memory.copy(TAIL_HI4, hi4 + (<usize>full << 5), <usize>((rem + 1) >> 1));
    memory.copy(TAIL_LO2, lo2 + (<usize>full << 4), <usize>((rem + 3) >> 2));
    joinBlock(TAIL_HI4, TAIL_LO2, TAIL_CODES);
    memory.copy(dst + (<usize>full << 6), TAIL_CODES, <usize>rem);
  }
}
