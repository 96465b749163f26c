// Setup of the 'wasmrelaxedsimd' vitest project: Node 20 runs relaxed SIMD only behind a V8 flag.
import v8 from 'node:v8';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
