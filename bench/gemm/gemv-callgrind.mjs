// Instruction count of the 4-bit GEMV kernel alone (1×4096×4096, g32), for comparing kernel variants on a
// shared machine:
//   for r in 0 10; do M=1 valgrind --tool=callgrind --smc-check=all --callgrind-out-file=/tmp/cg.$r \
//     node --no-liftoff bench/gemm/gemv-callgrind.mjs build/numlab.simd.wasm $r [zp]; done
// (env M: rows, default 1). (Ir of 10 calls − Ir of 0 calls) / 10 = instructions per GEMV. Instantiates the built WASM directly
// (no numlab runtime); the codes' contents do not change the instruction count.
import { readFileSync } from 'node:fs';
const wasm = readFileSync(process.argv[2]);
const reps = Number(process.argv[3]);
const M = Number(process.env.M ?? 1);
const zb = process.argv[4] === 'zp';
const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { abort() { throw new Error('abort'); } } });
const x = inst.exports;
const mem = x.memory;
const base = Math.ceil(x.heap_base() / 65536 + 1) * 65536;
const kq = 4096, np = 512, gpr = 128;
const need = base + kq * 4 * 16 + np * kq * 4 + np * gpr * 32 + np * gpr * 16 + 64 + 16 * np * 32 + 1024;
mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536) + 1);
const pa = base, pc = pa + kq * 4 * 16, ps = pc + np * kq * 4, pz = ps + np * gpr * 32, pt = pz + np * gpr * 16, py = pt + 64; // y: M rows of np·8
new Uint8Array(mem.buffer, pc, np * kq * 4).fill(0x5a);
new Float32Array(mem.buffer, ps, np * gpr * 8).fill(1);
new Float32Array(mem.buffer, pa, kq * M).fill(0.5);
for (let r = 0; r < reps; r++) x.gemv_f32_q4_nibble__wasmsimd(pa, M, kq, pc, ps, zb ? pz : 0, 8, gpr, pt, np, py, np * 8);
