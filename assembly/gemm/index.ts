export { gemm_f32_f32_4x8__wasmsimd, pack_f32_panels__wasmsimd } from "./gemm-f32-f32-4x8-wasmsimd";
export { gemm_f32_scaled__wasmsimd } from "./gemm-f32-scaled-panel-wasmsimd";
export { gemm_f32_block__wasmsimd } from "./gemm-f32-block-panel-wasmsimd";
export { peak_f32x4_chain12__wasmsimd } from "./peak-f32-chain12-wasmsimd";
export { gemm_i8_i8_4x8__wasmsimd, pack_i8_rows4__wasmsimd } from "./gemm-i8-i8-4x8-wasmsimd";
export { gemm_mx_mx_f64acc__wasmsimd } from "./gemm-mx-mx-f64acc-wasmsimd";
export { gemm_i8_bipolar_bitserial__wasmsimd } from "./gemm-i8-bipolar-bitserial-wasmsimd";
export { gemv_f32_q4_nibble__wasmsimd, stream_sum_u8__wasmsimd } from "./gemv-f32-q4-nibble-wasmsimd";
export { gemm_f32_q4_nibble_panel__wasmsimd } from "./gemm-f32-q4-nibble-panel-wasmsimd";
