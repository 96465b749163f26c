// Bit-packing kernels (owned by src/formats/packing.ts). Export them here.
export { pack_u8_stream__wasmsimd, unpack_u8_stream__wasmsimd } from "./pack-u8-stream-wasmsimd";
export { pack_u8_split42__wasmsimd, unpack_u8_split42__wasmsimd } from "./pack-u8-split42-wasmsimd";
