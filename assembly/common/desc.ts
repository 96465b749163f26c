// Slot indices of the minifloat descriptor: an i32 array that JS writes into wasm memory
// (src/formats/descriptor.ts builds it from a registry row and call options) and kernels read.
// Keep in sync with DESC in src/formats/descriptor.ts (test/runtime/descriptor.test.ts checks it).
export const D_M: i32 = 0; //         mantissa (trailing significand) bits
export const D_EMIN: i32 = 1; //      exponent of the lowest normal binade, in the virtual encoding
export const D_VBIAS: i32 = 2; //     virtual exponent bias
export const D_OFF: i32 = 3; //       code = virtual magnitude + D_OFF (−2^M for formats without zero)
export const D_MAXV: i32 = 4; //      largest finite virtual magnitude
export const D_SIGNMASK: i32 = 5; //  sign bit of a code (0 for unsigned formats)
export const D_NEGZERO: i32 = 6; //   1 when the format has −0
export const D_OVF_POS: i32 = 7; //   code written on positive overflow
export const D_OVF_NEG: i32 = 8; //   code written on negative overflow
export const D_INF_POS: i32 = 9; //   code for a +Inf input
export const D_INF_NEG: i32 = 10; //  code for a −Inf input
export const D_NAN_POS: i32 = 11; //  code for a NaN input with sign 0
export const D_NAN_NEG: i32 = 12; //  code for a NaN input with sign 1
export const D_NEG_UNS: i32 = 13; //  code for a negative value that does not round to 0 (unsigned formats)
export const D_ZERO_IN: i32 = 14; //  code for a ±0 input when the format has no zero
export const D_HASZERO: i32 = 15; //  1 when the format has a zero
export const D_FAST: i32 = 16; //     1 when the integer RNE fast path is exact for this format
export const D_INF_MAG: i32 = 17; //  magnitude code of Inf (−1: none)
export const D_NAN_MAG: i32 = 18; //  magnitudes ≥ this are NaN (0x7fffffff: none)
export const D_NAN_FULL: i32 = 19; // one full code that is NaN (−1: none)
export const D_NAN_SIGNED: i32 = 20; // 1 when decoded NaNs keep the code's sign bit
export const D_MAGMASK: i32 = 21; //  mask of the magnitude bits of a code
export const D_OVFBITS: i32 = 22; //  f32 bits of the least |x| that overflows under RNE
export const D_SLOTS: i32 = 23;

@inline export function dget(desc: usize, slot: i32): i32 {
  return load<i32>(desc + (<usize>slot << 2));
}

// Slot indices of the block descriptor (src/formats/block.ts builds it; the block kernels read it).
// Keep in sync with BDESC in src/formats/block.ts (test/runtime/descriptor.test.ts checks it).
export const B_KIND: i32 = 0; //     element kind: 0 minifloat (element descriptor alongside), 1 INT grid
export const B_RULE: i32 = 1; //     scale rule: 0 floor, 1 ceil, 2 rceil, 3 even, 4 NV two-level (TE recipe)
export const B_EMAX: i32 = 2; //     exponent of the largest power of two ≤ element max
export const B_MAXBITS: i32 = 3; //  f32 bits of the element max (|y| is clamped to it)
export const B_MBITS: i32 = 4; //    element mantissa bits (rule 'even')
export const B_ISHIFT: i32 = 5; //   INT grid: value = k · 2^−ISHIFT
export const B_SBIAS: i32 = 6; //    power-of-two scale: code = e + SBIAS, e clamped to ±SBIAS
export const B_SNAN: i32 = 7; //     scale code of a NaN block (0xFF E8M0, 0x7F UE4M3, all ones for a BFP exponent)
export const B_NV_SEOM: i32 = 8; //  NV: f32 bits of S_enc · f32(1/max)
export const B_NV_SDEC: i32 = 9; //  NV: f32 bits of s_dec = f32(1/S_enc)
export const B_CODEMASK: i32 = 10; // (1 << element bits) − 1
export const B_KP: i32 = 11; //      block stride in elements (block size rounded up to 16; padding is zero)
export const B_ELNAN: i32 = 12; //   1 when some element code decodes to NaN (decode keeps its bits)
export const B_DVARIANT: i32 = 13; // decode path: 0 swizzle (≤ 4-bit codes), 1 INT convert, 2 8-bit minifloat high-half-word, 3 table, 4 INT words > 8 bits (i32 codes)
export const B_ESAFELO: i32 = 14; // 8-bit minifloat decode: block exponents e in [ESAFELO, ESAFEHI] keep every normal element value × 2^e a normal f32
export const B_ESAFEHI: i32 = 15;
export const B_PACK4: i32 = 16; //   4-bit codes packed in pairs (LSB-first stream) in the kernel's code buffer
export const B_QNEG: i32 = 17; //    INT grid: |least level| in units of the grid step, as f32 bits (qmax, or qmax + 1 for asymmetric words)
export const B_SLOTS: i32 = 18;
