/**
 * npm run bench — element and block codec benchmarks. Env: NUMLAB_BENCH_N (elements, default 16 Mi),
 * NUMLAB_BENCH_TIME_MS (time per row, default 1500), NUMLAB_BENCH_OUT (directory, default reports/bench),
 * NUMLAB_BENCH_ONLY (element | block | gemm: one family; gemm writes <date>-<host>-<isa>-gemm.json / .md, bench/gemm/gemm.bench.ts).
 * Prints a Markdown table and writes <date>-<host>-<isa>.json (+ .md rendered from it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runtime } from '../src/runtime/wasm.js';
import { SIMD_WASM_SHA256, RELAXED_WASM_SHA256 } from '../src/runtime/wasm-binary.generated.js';
import { blockRows } from './formats/block.bench.js';
import { codecRows } from './formats/codec.bench.js';
import { gemmBench, renderGemm, type GemmReport } from './gemm/gemm.bench.js';
import { provenance, render, runRows, type BenchReport } from './harness.js';

const n = Number(process.env.NUMLAB_BENCH_N ?? 16 * 2 ** 20);
const timeMs = Number(process.env.NUMLAB_BENCH_TIME_MS ?? 1500);
const outDir = process.env.NUMLAB_BENCH_OUT ?? 'reports/bench';

const rt = runtime();
const only = process.env.NUMLAB_BENCH_ONLY; // 'element' | 'block' | 'gemm': one family only
if (only === 'gemm') {
  const res = await gemmBench(rt, timeMs, (s) => process.stderr.write(s + '\n'));
  const report: GemmReport = { ...res, provenance: provenance({ isa: rt.isa, wasm: rt.isa === 'wasmsimd' ? SIMD_WASM_SHA256 : RELAXED_WASM_SHA256, timeMsPerRow: timeMs }) };
  const md = renderGemm(report);
  process.stdout.write(md);
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `${new Date().toISOString().slice(0, 10)}-${os.hostname()}-${rt.isa}-gemm`);
  writeFileSync(base + '.json', JSON.stringify(report, null, 2) + '\n');
  writeFileSync(base + '.md', md);
  process.stderr.write(`wrote ${base}.json and .md\n`);
  process.exit(0);
}
const { rows: elementRows, copy } = codecRows(rt, n);
const rows = [...(only === 'block' ? [] : elementRows), ...(only === 'element' ? [] : blockRows(rt, n))];
const res = await runRows(copy, rows, timeMs, (s) => process.stderr.write(s + '\n'));
const report: BenchReport = {
  ...res,
  provenance: provenance({ isa: rt.isa, n, wasm: rt.isa === 'wasmsimd' ? SIMD_WASM_SHA256 : RELAXED_WASM_SHA256, timeMsPerRow: timeMs }),
};
const md = render(report);
process.stdout.write(md);
mkdirSync(outDir, { recursive: true });
const base = path.join(outDir, `${new Date().toISOString().slice(0, 10)}-${os.hostname()}-${rt.isa}${n === 16 * 2 ** 20 ? '' : `-n${n}`}`);
writeFileSync(base + '.json', JSON.stringify(report, null, 2) + '\n');
writeFileSync(base + '.md', md);
process.stderr.write(`wrote ${base}.json and .md\n`);
