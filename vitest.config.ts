import { defineConfig } from 'vitest/config';

// Two projects: the whole suite on the SIMD baseline, and the kernel-facing suites again on the
// optional relaxed-SIMD build (Node 20 enables it only behind --experimental-wasm-relaxed-simd;
// NUMLAB_ISA=wasmrelaxedsimd makes test/runtime/isa.test.ts insist that it really was chosen).
const common = { testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { test: { ...common, name: 'wasmsimd', include: ['test/**/*.test.ts'], env: { NUMLAB_ISA: 'wasmsimd' } } },
      {
        test: {
          ...common,
          name: 'wasmrelaxedsimd',
          include: ['test/runtime/isa.test.ts', 'test/formats/minifloat.kernel.test.ts', 'test/formats/scaled.test.ts', 'test/formats/packing.test.ts', 'test/formats/block.test.ts', 'test/formats/options.test.ts', 'test/gemm/gemm.test.ts'],
          env: { NUMLAB_ISA: 'wasmrelaxedsimd' },
          setupFiles: ['test/helpers/relaxed-setup.ts'],
        },
      },
    ],
  },
});
