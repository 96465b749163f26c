// WASM entry: every kernel numlab exports. Only pointers and numbers cross the boundary.
export { cvt_f32_minifloat__wasmsimd, qdq_f32_minifloat__wasmsimd } from "./cvt/cvt-f32-minifloat-wasmsimd";
export { cvt_minifloat_f32__wasmsimd } from "./cvt/cvt-minifloat-f32-wasmsimd";

/** First byte above the static data; JS places its arena from here (rounded up to 64 bytes). */
export function heap_base(): usize {
  return __heap_base;
}

/** Baseline for benches: memory.copy of n bytes. */
export function copy_bytes(dst: usize, src: usize, n: usize): void {
  memory.copy(dst, src, n);
}
export { div_f32_scalar__wasmsimd, mul_f32_scalar__wasmsimd } from "./cvt/scale-f32-scalar-wasmsimd";
