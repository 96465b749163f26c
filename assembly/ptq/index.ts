export { syrk_f64_pairs__wasmsimd } from "./syrk-f64-f64-pairs-wasmsimd";
export { gptq_lazy_f64__wasmsimd } from "./lazy-f64-f64-8x1-wasmsimd";
export { trsm_f64_pairs__wasmsimd } from "./trsm-f64-f64-pairs-wasmsimd";
export { chol_f64_pairs__wasmsimd } from "./chol-f64-f64-pairs-wasmsimd";
export { olive_row_f32_pairs__wasmsimd, torch_sum_f32__wasmsimd } from "./olive-f32-f32-pairs-wasmsimd";
export { gemm_f64_4x4__wasmsimd, gemm_f64_4x4_packed__wasmsimd, gemm_f64_pack_b4__wasmsimd } from "./gemm-f64-f64-4x4-wasmsimd";
export { gptq_rank1_f64__wasmsimd } from "./rank1-f64-f64-cols-wasmsimd";
export { fwht_f64acc__wasmsimd } from "./fwht-f32-f64acc-wasmsimd";
