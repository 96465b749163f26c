/**
 * 4-bit GEMV against its memory bound (issue 11): `npx tsx bench/gemm/gemv-bound.ts` (env: NUMLAB_GEMV_RUNS,
 * default 25; NUMLAB_GEMV_M, default 1). For 1×4096×4096 int4 g32, uint4 g32 (zero points), mxfp4 and nvfp4
 * weights, best of the runs (the machine is shared: minima, not medians):
 *   - matmul on prepared weights (copies into WASM memory included), and matmulAsync on 2 threads;
 *   - the GEMV kernel alone on the same nibble panels already in WASM memory;
 *   - stream: a v128 read/sum loop (stream_sum_u8__wasmsimd) over the same bytes (codes + scales + zero
 *     points) — L3-resident, as the kernel sees them when called repeatedly — and the same bytes at the
 *     DRAM rate (the loop over a 256 MiB buffer, past every cache), the "streaming the packed
 *     weights from memory".
 * Prints a Markdown table.
 */
import { format, matmul, matmulAsync, prepareWeights, stopGemmWorkers, type BlockEncoding, type ScaledEncoding } from '../../src/index.js';
import { runtime } from '../../src/runtime/wasm.js';

const RUNS = Number(process.env.NUMLAB_GEMV_RUNS ?? 25);
const m = Number(process.env.NUMLAB_GEMV_M ?? 1);
const [n, k] = [4096, 4096];

interface Kx {
  gemv_f32_q4_nibble__wasmsimd(a: number, m: number, kq: number, codes: number, scales: number, zb: number, spg: number, gpr: number,
    tab: number, np: number, y: number, ldy: number): void;
  stream_sum_u8__wasmsimd(p: number, bytes: number): number;
}
/** The nibble panels prepareWeights builds on first GEMV use (gemm.ts NibblePanels; internal). */
interface Nib { np: number; kq: number; gpr: number; gl: number; codes: Uint8Array; scales: Float32Array; zb: Int8Array | null; tab: Int8Array }

function data(len: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0;
    x[i] = (s / 2 ** 32 - 0.5) * 8;
  }
  return x;
}

function best(f: () => unknown): number {
  let b = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    f();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

async function bestAsync(f: () => Promise<unknown>): Promise<number> {
  let b = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    await f();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

const rt = runtime();
const kx = rt.exports as unknown as Kx;
// DRAM rate: 256 MiB, past the caches
const dramBytes = 256 * 2 ** 20;
const dramMs = rt.scoped(() => {
  const p = rt.alloc(dramBytes);
  rt.u8(p, dramBytes).fill(1);
  let b = Infinity;
  for (let r = 0; r < Math.max(3, RUNS / 5); r++) {
    const t = performance.now();
    kx.stream_sum_u8__wasmsimd(p, dramBytes);
    b = Math.min(b, performance.now() - t);
  }
  return b;
});
const dramGBs = dramBytes / dramMs / 1e6;

const W = data(n * k, 1);
const weights: Array<[string, ScaledEncoding | BlockEncoding]> = [
  ['int4 g32', format('int4').encodeScaled(W, { shape: [n, k], axis: 1, granularity: 'group', groupSize: 32 })],
  ['uint4 g32 zp', format('uint4').encodeScaled(W, { shape: [n, k], axis: 1, granularity: 'group', groupSize: 32 })],
  ['mxfp4', format('mxfp4').encode(W, { shape: [n, k] }) as BlockEncoding],
  ['nvfp4', format('nvfp4').encode(W, { shape: [n, k] }) as BlockEncoding],
];
const lines = [
  `${m}×${n}×${k}, best of ${RUNS}; DRAM stream ${dramGBs.toFixed(1)} GB/s (256 MiB in ${dramMs.toFixed(1)} ms)`,
  '',
  '| weights | bytes streamed | matmul | matmulAsync 2 thr. | kernel | stream (L3) | stream at DRAM rate | DRAM bound / matmul | DRAM bound / kernel |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const [name, e] of weights) {
  const pw = prepareWeights(e, { n, k });
  const a = data(m * k, 2);
  matmul(a, pw, { m, n, k }); // builds the nibble panels
  const tMat = best(() => matmul(a, pw, { m, n, k }));
  await matmulAsync(a, pw, { m, n, k, threads: 2 });
  const tAsync = await bestAsync(() => matmulAsync(a, pw, { m, n, k, threads: 2 }));
  const q = (pw.plan as unknown as { q4: Nib }).q4;
  const bytes = q.np * q.kq * 4 + q.scales.length * 4 + (q.zb ? q.zb.length : 0);
  const [tKer, tL3] = rt.scoped(() => {
    const pa = rt.alloc(m * q.kq * 4), pc = rt.alloc(q.codes.length), ps = rt.alloc(q.scales.length * 4), pt = rt.alloc(16), py = rt.alloc(m * q.np * 32);
    const pz = q.zb ? rt.alloc(q.zb.length) : 0;
    rt.f32(pa, m * q.kq).set(a.subarray(0, m * q.kq));
    rt.u8(pc, q.codes.length).set(q.codes);
    rt.f32(ps, q.scales.length).set(q.scales);
    if (q.zb) rt.u8(pz, q.zb.length).set(new Uint8Array(q.zb.buffer));
    rt.u8(pt, 16).set(new Uint8Array(q.tab.buffer));
    const tk = best(() => kx.gemv_f32_q4_nibble__wasmsimd(pa, m, q.kq, pc, ps, pz, q.gl / 4, q.gpr, pt, q.np, py, q.np * 8));
    const sb = rt.alloc(bytes + 64);
    rt.u8(sb, bytes).fill(1);
    return [tk, best(() => kx.stream_sum_u8__wasmsimd(sb, Math.floor(bytes / 64) * 64))];
  });
  const tDram = bytes / 1e6 / dramGBs;
  lines.push(`| ${name} | ${(bytes / 2 ** 20).toFixed(2)} MiB | ${tMat.toFixed(2)} ms (${((2 * m * n * k) / tMat / 1e6).toFixed(1)} GFLOP/s) | ${tAsync.toFixed(2)} ms | ${tKer.toFixed(2)} ms | ${tL3.toFixed(2)} ms | ${tDram.toFixed(2)} ms | ${(tDram / tMat).toFixed(2)} | ${(tDram / tKer).toFixed(2)} |`);
}
await stopGemmWorkers();
process.stdout.write(lines.join('\n') + '\n');
