// f32 activations × scaled-element weights (format(id).encodeScaled with per-tensor, per-channel
// (axis 0) or per-group (along k) scales): one code byte per weight, decoded inside the GEMM four
// panels at a time into PANELS, never as a whole matrix. Each weight is decoded exactly as
// decodeScaled does it — ŵ = f32(f32(value(code) − zp) · s) — so y equals the f32 GEMM of the
// decoded matrix bit for bit (the summation order is the one of gemm-f32-f32-4x8-wasmsimd.ts).
//   INT codes: sign-extended (signed rows) or zero-extended b-bit bytes, 16 per step when the
//   scale is constant over each step (per channel, or groups of a multiple of 16);
//   otherwise one value at a time from the f32 table `lut` of the element's values (minifloats,
//   ragged groups).
import { decodedKc, decodedPanels, gemmDriver, DPS } from "./gemm-f32-f32-4x8-wasmsimd";

@inline function ext16(raw: v128, sh: i32, signed: bool, q: i32): v128 {
  // lane group q (0…3) of 16 code bytes as i32 values
  const s8 = signed ? i8x16.shr_s(i8x16.shl(raw, sh), sh) : raw;
  const h = q < 2 ? (signed ? i16x8.extend_low_i8x16_s(s8) : i16x8.extend_low_i8x16_u(s8))
                  : (signed ? i16x8.extend_high_i8x16_s(s8) : i16x8.extend_high_i8x16_u(s8));
  return (q & 1) == 0 ? (signed ? i32x4.extend_low_i16x8_s(h) : i32x4.extend_low_i16x8_u(h))
                      : (signed ? i32x4.extend_high_i16x8_s(h) : i32x4.extend_high_i16x8_u(h));
}

@inline function decodeIntRow(signed: bool, c: usize, d: usize, kc: i32, k0: i32, sh: i32, srow: usize, zrow: usize, gs: i32): void {
  // the group changes only at multiples of gs (a multiple of 16, or the row length): no division per step
  let g = k0 / gs;
  let end = (g + 1) * gs - k0; // first t of the next group
  let s = v128.load32_splat(srow + (<usize>g << 2));
  let z = zrow != 0 ? v128.load32_splat(zrow + (<usize>g << 2)) : i32x4.splat(0);
  for (let t: i32 = 0; t < kc; t += 16) {
    if (t >= end) {
      g++;
      end += gs;
      s = v128.load32_splat(srow + (<usize>g << 2));
      if (zrow != 0) z = v128.load32_splat(zrow + (<usize>g << 2));
    }
    const raw = v128.load(c + <usize>t);
    const o = d + (<usize>t << 2);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ext16(raw, sh, signed, 0), z)), s));
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ext16(raw, sh, signed, 1), z)), s), 16);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ext16(raw, sh, signed, 2), z)), s), 32);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ext16(raw, sh, signed, 3), z)), s), 48);
  }
}

function decodeSigned(c: usize, d: usize, kc: i32, k0: i32, sh: i32, srow: usize, zrow: usize, gs: i32): void { decodeIntRow(true, c, d, kc, k0, sh, srow, zrow, gs); }
function decodeUnsigned(c: usize, d: usize, kc: i32, k0: i32, sh: i32, srow: usize, zrow: usize, gs: i32): void { decodeIntRow(false, c, d, kc, k0, sh, srow, zrow, gs); }

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
  if (gMode == 2 || (gGpr != 1 && gGs % 16 != 0)) decodeTableRow(gLut, c, d, kc, k0, srow, zrow, gGs);
  else if (gMode == 0) decodeSigned(c, d, kc, k0, gSh, srow, zrow, gGs);
  else decodeUnsigned(c, d, kc, k0, gSh, srow, zrow, gGs);
}

function scaledPanels(j0: i32, nc: i32, k0: i32, kc: i32): usize {
  return decodedPanels(j0, nc, k0, kc, scaledRow);
}

/**
 * y[m, n] (row stride ldy) = a[m, k] · Ŵᵀ, Ŵ[j, t] = (value(codes[j·k + t]) − zp) · s of (j, t):
 * scales (f32) and zps (i32, 0: none) hold gpr values per row, group of t = ⌊t / gs⌋.
 * mode 0: signed b-bit INT codes, 1: unsigned, 2: table lut (f32 per code). codes: 16 bytes of slack.
 */
export function gemm_f32_scaled__wasmsimd(a: usize, m: i32, k: i32, codes: usize, scales: usize, zps: usize, gpr: i32, gs: i32,
                                          mode: i32, bits: i32, lut: usize, n: i32, y: usize, ldy: i32): void {
  gCodes = codes; gScales = scales; gZps = zps; gGpr = gpr; gGs = gs; gMode = mode; gSh = 8 - bits; gLut = lut; gK = k;
  gemmDriver(a, m, k, n, y, ldy, decodedKc(m), scaledPanels, DPS);
}
