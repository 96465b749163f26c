export { syrk_f64_pairs__wasmsimd } from "./syrk-f64-f64-pairs-wasmsimd";
export { gptq_lazy_f64__wasmsimd } from "./lazy-f64-f64-8x1-wasmsimd";
export { trsm_f64_pairs__wasmsimd } from "./trsm-f64-f64-pairs-wasmsimd";
export { chol_f64_pairs__wasmsimd } from "./chol-f64-f64-pairs-wasmsimd";
export { olive_row_f32_pairs__wasmsimd, torch_sum_f32__wasmsimd } from "./olive-f32-f32-pairs-wasmsimd";
