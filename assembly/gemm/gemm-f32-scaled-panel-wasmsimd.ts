// f32 activations × scaled-element weights (format(id).encodeScaled with per-tensor, per-channel
// (axis 0) or per-group (along k) scales): one code byte per weight, decoded inside the GEMM four
// panels at a time into PANELS, never as a whole matrix. Each weight is decoded exactly as
// decodeScaled does it — ŵ = f32(f32(value(code) − zp) · s) — so y equals the f32 GEMM of the
// decoded matrix bit for bit (the summation order is the one of gemm-f32-f32-4x8-wasmsimd.ts).
//   INT codes with per-channel scales or groups of an even size: codes laid out by prepareWeights in
//   the panel order [panel][k][8], so 16 code bytes are two k steps of a panel: sign-extended (signed
//   rows) or zero-extended, minus the 8 columns' zero points, times their scales, stored straight
//   into PANELS (no transpose);
//   otherwise W rows one value at a time from the f32 table `lut` of the element's values
//   (minifloats, odd group sizes), transposed into PANELS.
import { decodedKc, decodedPanels, gemmDriver, DPS, PANELS } from "./gemm-f32-f32-4x8-wasmsimd";

@inline function ext16(raw: v128, sh: i32, signed: bool, q: i32): v128 {
  // lane group q (0…3) of 16 code bytes as i32 values
  const s8 = signed ? i8x16.shr_s(i8x16.shl(raw, sh), sh) : raw;
  const h = q < 2 ? (signed ? i16x8.extend_low_i8x16_s(s8) : i16x8.extend_low_i8x16_u(s8))
                  : (signed ? i16x8.extend_high_i8x16_s(s8) : i16x8.extend_high_i8x16_u(s8));
  return (q & 1) == 0 ? (signed ? i32x4.extend_low_i16x8_s(h) : i32x4.extend_low_i16x8_u(h))
                      : (signed ? i32x4.extend_high_i16x8_s(h) : i32x4.extend_high_i16x8_u(h));
}

/** Panel `pc` (codes [k][8] bytes, scales and zero points [gpr][8]) at k steps [k0, k0 + kc) → PANELS slot d. */
@inline function decodeIntPanel(signed: bool, c: usize, sp: usize, zp: usize, d: usize, kc: i32, k0: i32, sh: i32, gs: i32): void {
  // the group changes only at multiples of gs (even, or the row length): no division per step
  let g = k0 / gs;
  let end = (g + 1) * gs - k0; // first t of the next group
  let s0 = v128.load(sp + (<usize>g << 5)), s1 = v128.load(sp + (<usize>g << 5), 16);
  let z0 = zp != 0 ? v128.load(zp + (<usize>g << 5)) : i32x4.splat(0), z1 = zp != 0 ? v128.load(zp + (<usize>g << 5), 16) : i32x4.splat(0);
  for (let t: i32 = 0; t < kc; t += 2) {
    if (t >= end) {
      g++;
      end += gs;
      s0 = v128.load(sp + (<usize>g << 5));
      s1 = v128.load(sp + (<usize>g << 5), 16);
      if (zp != 0) {
        z0 = v128.load(zp + (<usize>g << 5));
        z1 = v128.load(zp + (<usize>g << 5), 16);
      }
    }
    const raw = v128.load(c + (<usize>t << 3)); // steps t and t + 1, 8 columns each
    const o = d + (<usize>t << 5);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ext16(raw, sh, signed, 0), z0)), s0));
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ext16(raw, sh, signed, 1), z1)), s1), 16);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ext16(raw, sh, signed, 2), z0)), s0), 32);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ext16(raw, sh, signed, 3), z1)), s1), 48);
  }
}

function decodeSignedPanel(c: usize, sp: usize, zp: usize, d: usize, kc: i32, k0: i32, sh: i32, gs: i32): void { decodeIntPanel(true, c, sp, zp, d, kc, k0, sh, gs); }
function decodeUnsignedPanel(c: usize, sp: usize, zp: usize, d: usize, kc: i32, k0: i32, sh: i32, gs: i32): void { decodeIntPanel(false, c, sp, zp, d, kc, k0, sh, gs); }

function decodeTableRow(lut: usize, c: usize, d: usize, kc: i32, k0: i32, srow: usize, zrow: usize, gs: i32): void {
  let g = k0 / gs;
  let r = k0 - g * gs; // position inside group g
  for (let t: i32 = 0; t < kc; t++) {
    const z: f32 = zrow != 0 ? <f32>load<i32>(zrow + (<usize>g << 2)) : 0;
    store<f32>(d + (<usize>t << 2), (load<f32>(lut + (<usize>load<u8>(c + <usize>t) << 2)) - z) * load<f32>(srow + (<usize>g << 2)));
    if (++r == gs) {
      r = 0;
      g++;
    }
  }
}

let gCodes: usize = 0, gScales: usize = 0, gZps: usize = 0, gGpr: i32 = 0, gGs: i32 = 0, gMode: i32 = 0, gSh: i32 = 0, gLut: usize = 0, gK: i32 = 0;

function scaledRow(j: i32, k0: i32, kc: i32, d: usize): void {
  const c = gCodes + <usize>j * <usize>gK + <usize>k0;
  const srow = gScales + (<usize>j * <usize>gGpr << 2), zrow = gZps != 0 ? gZps + (<usize>j * <usize>gGpr << 2) : 0;
  decodeTableRow(gLut, c, d, kc, k0, srow, zrow, gGs);
}

function scaledPanels(j0: i32, nc: i32, k0: i32, kc: i32): usize {
  return decodedPanels(j0, nc, k0, kc, scaledRow);
}

function intPanels(j0: i32, nc: i32, k0: i32, kc: i32): usize {
  for (let p: i32 = 0; p < (nc + 7) >> 3; p++) {
    const pc = (j0 >> 3) + p;
    const c = gCodes + (<usize>pc * <usize>gK + <usize>k0) * 8;
    const sp = gScales + <usize>pc * <usize>gGpr * 32, zp = gZps != 0 ? gZps + <usize>pc * <usize>gGpr * 32 : 0;
    if (gMode == 0) decodeSignedPanel(c, sp, zp, PANELS + <usize>p * DPS, kc, k0, gSh, gGs);
    else decodeUnsignedPanel(c, sp, zp, PANELS + <usize>p * DPS, kc, k0, gSh, gGs);
  }
  return PANELS;
}

/**
 * y[m, n] (row stride ldy) = a[m, k] · Ŵᵀ, Ŵ[j, t] = (value(codes[j·k + t]) − zp) · s of (j, t),
 * group of t = ⌊t / gs⌋, gpr groups per row.
 * mode 0 / 1: signed / unsigned b-bit INT codes in panel order: codes [⌈n/8⌉][k][8] bytes, scales (f32)
 *   and zps (i32, 0: none) [⌈n/8⌉][gpr][8]; gs even or k (16 bytes of slack after the codes).
 * mode 2: table lut (f32 per code), codes row-major [n][k], scales and zps [n][gpr].
 */
export function gemm_f32_scaled__wasmsimd(a: usize, m: i32, k: i32, codes: usize, scales: usize, zps: usize, gpr: i32, gs: i32,
                                          mode: i32, bits: i32, lut: usize, n: i32, y: usize, ldy: i32): void {
  gCodes = codes; gScales = scales; gZps = zps; gGpr = gpr; gGs = gs; gMode = mode; gSh = 8 - bits; gLut = lut; gK = k;
  gemmDriver(a, m, k, n, y, ldy, decodedKc(m), mode < 2 ? intPanels : scaledPanels, DPS);
}
