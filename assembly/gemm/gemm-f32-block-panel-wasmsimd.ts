// f32 activations × block-scaled weights (MX, NV, BFP rows of the block registry; blocks along k):
// each W row's blocks in a k chunk are decoded by the block codec's own kernel
// (cvt_block_f32__wasmsimd, the one format(id).decode runs) into ROWS, four panels at a time, and
// transposed into PANELS — so y equals the f32 GEMM of the decoded matrix bit for bit, and the
// dequantized matrix never exists beyond 32 rows × one k chunk.
import { cvt_block_f32__wasmsimd } from "../cvt/cvt-block-f32-wasmsimd";
import { decodedKc, decodedPanels, gemmDriver, DPS } from "./gemm-f32-f32-4x8-wasmsimd";

let gBd: usize = 0, gDesc: usize = 0, gLut: usize = 0, gCodes: usize = 0, gScales: usize = 0, gNb: i32 = 0, gKp: i32 = 0, gPack4: bool = false, gRowBytes: usize = 0;

function blockRow(j: i32, k0: i32, kc: i32, d: usize): void {
  const c = gCodes + <usize>j * gRowBytes + (gPack4 ? <usize>k0 >> 1 : <usize>k0);
  cvt_block_f32__wasmsimd(gBd, gDesc, gLut, c, gScales + <usize>j * <usize>gNb + <usize>(k0 / gKp), d, (kc + gKp - 1) / gKp);
}

function blockPanels(j0: i32, nc: i32, k0: i32, kc: i32): usize {
  return decodedPanels(j0, nc, k0, kc, blockRow);
}

/**
 * y[m, n] (row stride ldy) = a[m, k] · Ŵᵀ with W given as block codes: row j holds nb blocks of kp
 * codes (one byte each, or packed pairs when pack4), scale byte of block b of row j at scales[j·nb + b].
 * bd, desc, lut: as for cvt_block_f32__wasmsimd. The k chunk is rounded down to a multiple of kp.
 */
export function gemm_f32_block__wasmsimd(a: usize, m: i32, k: i32, bd: usize, desc: usize, lut: usize, codes: usize, scales: usize,
                                         nb: i32, kp: i32, pack4: i32, n: i32, y: usize, ldy: i32): void {
  gBd = bd; gDesc = desc; gLut = lut; gCodes = codes; gScales = scales; gNb = nb; gKp = kp; gPack4 = pack4 != 0;
  gRowBytes = pack4 != 0 ? <usize>(nb * kp) >> 1 : <usize>(nb * kp);
  gemmDriver(a, m, k, n, y, ldy, (decodedKc(m) / kp) * kp, blockPanels, DPS);
}
