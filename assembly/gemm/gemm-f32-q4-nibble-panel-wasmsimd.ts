// f32 activations × 4-bit weights in the GEMV kernel's nibble panels (gemv-f32-q4-nibble-wasmsimd.ts),
// for calls of more rows than the GEMV kernel takes: each panel group's k chunk is decoded straight
// into PANELS (no row decode, no transpose) and the panel GEMM runs on it — the summation order and
// the result are those of gemm-f32-f32-4x8-wasmsimd.ts on the decoded weights.
// Decoding: the spread code value V = c·v·2^24 (exact in f32) times s' = s · 2^−24 / c, which the
// caller passes only when every s' is exact (s'·2^24·c == s): then f32(V · s') = f32(v · s), the
// weight the format's decoder gives, bit for bit (NaN, ±Inf and ±0 scales included).
import { decodedKc, gemmDriver, DPS, PANELS } from "./gemm-f32-f32-4x8-wasmsimd";
import { nibbles, spread } from "./gemv-f32-q4-nibble-wasmsimd";

let gCodes: usize = 0, gScales: usize = 0, gZb: usize = 0, gTab: usize = 0, gPstride: usize = 0, gGpr: i32 = 0, gGl: i32 = 0;

/** Panel pc's k steps [k0, k0 + kc) (kc rounded up to 4) decoded as f32 [kc][8] into d. */
@inline function decodePanel(sub: bool, pc: usize, k0: i32, kc: i32, d: usize): void {
  const T = v128.load(gTab);
  const lowMask = i8x16.splat(0x0f);
  let c = gCodes + pc * gPstride + (<usize>(k0 >> 2) << 4);
  const sp = gScales + ((pc * <usize>gGpr) << 5), zp = gZb + ((pc * <usize>gGpr) << 4);
  let g = k0 / gGl;
  let end = (g + 1) * gGl - k0; // first t of the next group (gl a multiple of 4)
  let s0 = v128.load(sp + (<usize>g << 5)), s1 = v128.load(sp + (<usize>g << 5), 16);
  let zv = sub ? v128.load(zp + (<usize>g << 4)) : lowMask;
  for (let t: i32 = 0; t < kc; t += 4) {
    if (t >= end) {
      g++;
      end += gGl;
      s0 = v128.load(sp + (<usize>g << 5));
      s1 = v128.load(sp + (<usize>g << 5), 16);
      if (sub) zv = v128.load(zp + (<usize>g << 4));
    }
    const r = v128.load(c);
    const l = nibbles(r, false, sub, T, zv, lowMask), h = nibbles(r, true, sub, T, zv, lowMask);
    const o = d + (<usize>t << 5);
    v128.store(o, f32x4.mul(spread(l, 0), s0)); v128.store(o, f32x4.mul(spread(l, 1), s1), 16);
    v128.store(o, f32x4.mul(spread(l, 2), s0), 32); v128.store(o, f32x4.mul(spread(l, 3), s1), 48);
    v128.store(o, f32x4.mul(spread(h, 0), s0), 64); v128.store(o, f32x4.mul(spread(h, 1), s1), 80);
    v128.store(o, f32x4.mul(spread(h, 2), s0), 96); v128.store(o, f32x4.mul(spread(h, 3), s1), 112);
    c += 16;
  }
}

function tablePanel(pc: usize, k0: i32, kc: i32, d: usize): void { decodePanel(false, pc, k0, kc, d); }
function subPanel(pc: usize, k0: i32, kc: i32, d: usize): void { decodePanel(true, pc, k0, kc, d); }

function nibblePanels(j0: i32, nc: i32, k0: i32, kc: i32): usize {
  for (let p: i32 = 0; p < (nc + 7) >> 3; p++) {
    const pc = <usize>((j0 >> 3) + p);
    if (gZb == 0) tablePanel(pc, k0, kc, PANELS + <usize>p * DPS);
    else subPanel(pc, k0, kc, PANELS + <usize>p * DPS);
  }
  return PANELS;
}

/**
 * y[m, n] (row stride ldy) = a[m, k] · Ŵᵀ, Ŵ decoded from nibble panels: codes ⌈n/8⌉ panels of kq/4 × 16
 * bytes, s' [panel][gpr][8] f32 (the scales times 2^−24 / c), zb 0 (table variant, tab 16 bytes) or
 * [panel][gpr][16] i8 (sub variant); gl: group length (a multiple of 4).
 */
export function gemm_f32_q4_nibble_panel__wasmsimd(a: usize, m: i32, k: i32, codes: usize, scales: usize, zb: usize, tab: usize,
                                                   kq: i32, gpr: i32, gl: i32, n: i32, y: usize, ldy: i32): void {
  gCodes = codes; gScales = scales; gZb = zb; gTab = tab; gPstride = <usize>(kq >> 2) << 4; gGpr = gpr; gGl = gl;
  gemmDriver(a, m, k, n, y, ldy, decodedKc(m), nibblePanels, DPS);
}
