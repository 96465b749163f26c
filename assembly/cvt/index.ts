export { cvt_f32_minifloat__wasmsimd, qdq_f32_minifloat__wasmsimd } from "./cvt-f32-minifloat-wasmsimd";
export { cvt_minifloat_f32__wasmsimd } from "./cvt-minifloat-f32-wasmsimd";
export { div_f32_scalar__wasmsimd, mul_f32_scalar__wasmsimd } from "./scale-f32-scalar-wasmsimd";
export { div_f32_runs__wasmsimd, mul_f32_runs__wasmsimd, rminmax_f32_runs__wasmsimd } from "./runs-f32-wasmsimd";
export { anynan_f32__wasmsimd } from "./anynan-f32-wasmsimd";
export { cvt_f32_int__wasmsimd, cvt_f32_bipolar__wasmsimd, qdq_f32_int__wasmsimd, cvt_int_f32__wasmsimd, cvt_bipolar_f32__wasmsimd } from "./cvt-f32-int-wasmsimd";
export { cvt_f32_block__wasmsimd, amax_finite_f32__wasmsimd, amax_blocks_f32__wasmsimd } from "./cvt-f32-block-wasmsimd";
export { cvt_block_f32__wasmsimd } from "./cvt-block-f32-wasmsimd";
