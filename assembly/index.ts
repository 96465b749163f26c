// WASM entry: every kernel numlab exports. Only pointers and numbers cross the boundary.
// Each kernel family keeps its own index file; add a family here with one line.
export * from "./cvt/index";
export * from "./pack/index";
export * from "./gemm/index";
export * from "./ptq/index";

/** First byte above the static data; JS places its arena from here (rounded up to 64 bytes). */
export function heap_base(): usize {
  return __heap_base;
}

/** Baseline for benches: memory.copy of n bytes. */
export function copy_bytes(dst: usize, src: usize, n: usize): void {
  memory.copy(dst, src, n);
}

/** 1 in the relaxed-SIMD build, 0 in the SIMD baseline. */
export function isa_relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
