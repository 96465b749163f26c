/**
 * npm run bench — element and block codec benchmarks. Env: NUMLAB_BENCH_N (elements, default 16 Mi),
 * NUMLAB_BENCH_TIME_MS (time per row, default 1500), NUMLAB_BENCH_OUT (directory, default reports/bench),
 * NUMLAB_BENCH_ONLY (element | block | gemm | gemm-peers | ptq: one family):
 * - gemm writes <date>-<host>-<isa>-gemm.json / .md (bench/gemm/gemm.bench.ts), with the onnxruntime-web /
 *   tfjs-backend-wasm peers of bench/gemm/peers.ts unless NUMLAB_BENCH_PEERS=0; gemm-peers runs the peers
 *   alone (…-gemm-peers.json / .md). NUMLAB_BENCH_GEMM_SHAPES (e.g. 1x4096x4096,512x512x512): a subset.
 * - ptq writes …-ptq.json / .md (bench/ptq/gptq.bench.ts); NUMLAB_BENCH_PTQ_FLOAT64=1 adds the float64 GPTQ run.
 * Prints a Markdown table and writes <date>-<host>-<isa>.json (+ .md rendered from it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runtime } from '../src/runtime/wasm.js';
import { SIMD_WASM_SHA256, RELAXED_WASM_SHA256 } from '../src/runtime/wasm-binary.generated.js';
import { blockRows } from './formats/block.bench.js';
import { codecRows } from './formats/codec.bench.js';
import { selectedShapes } from './gemm/cases.js';
import { gemmBench, renderGemm, renderPeerRows, type GemmReport } from './gemm/gemm.bench.js';
import { peerBench, peerJobs } from './gemm/peers.js';
import { ptqBench, renderPtq } from './ptq/gptq.bench.js';
import { provenance, render, runRows, type BenchReport } from './harness.js';

const n = Number(process.env.NUMLAB_BENCH_N ?? 16 * 2 ** 20);
const timeMs = Number(process.env.NUMLAB_BENCH_TIME_MS ?? 1500);
const outDir = process.env.NUMLAB_BENCH_OUT ?? 'reports/bench';

const rt = runtime();
const wasmHash = rt.isa === 'wasmsimd' ? SIMD_WASM_SHA256 : RELAXED_WASM_SHA256;

/** Print one family's Markdown and write <date>-<host>-<isa>-<family>.json / .md into outDir. */
function writeFamily(family: string, report: object, md: string): void {
  process.stdout.write(md);
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `${new Date().toISOString().slice(0, 10)}-${os.hostname()}-${rt.isa}-${family}`);
  writeFileSync(base + '.json', JSON.stringify(report, null, 2) + '\n');
  writeFileSync(base + '.md', md);
  process.stderr.write(`wrote ${base}.json and .md\n`);
}

const only = process.env.NUMLAB_BENCH_ONLY; // 'element' | 'block' | 'gemm' | 'gemm-peers' | 'ptq': one family only
const log = (s: string) => process.stderr.write(s + '\n');
if (only === 'ptq') {
  const res = ptqBench(4096, 4096, 4096, process.env.NUMLAB_BENCH_PTQ_FLOAT64 === '1', log);
  const report = { kind: 'numlab-ptq-bench', ...res, provenance: provenance({ isa: rt.isa, wasm: wasmHash }) };
  writeFamily('ptq', report, renderPtq(res));
  process.exit(0);
}
if (only === 'gemm' || only === 'gemm-peers') {
  const shapes = selectedShapes();
  const prov = () => provenance({ isa: rt.isa, wasm: wasmHash, timeMsPerRow: timeMs });
  if (only === 'gemm') {
    const report: GemmReport = { ...(await gemmBench(rt, timeMs, log, { shapes, peers: process.env.NUMLAB_BENCH_PEERS !== '0' })), provenance: prov() };
    writeFamily('gemm', report, renderGemm(report));
  } else {
    const report = { kind: 'numlab-gemm-peers' as const, peerRows: await peerBench(peerJobs(shapes, timeMs)), provenance: prov() };
    const md = [`# GEMM peers ${String(report.provenance.timestamp).slice(0, 10)}`, '', `${report.provenance.cpu}, ${report.provenance.platform}, Node ${report.provenance.node}.`, '',
      ...renderPeerRows(report.peerRows), ''].join('\n');
    writeFamily('gemm-peers', report, md);
  }
  process.exit(0);
}
const { rows: elementRows, copy } = codecRows(rt, n);
const rows = [...(only === 'block' ? [] : elementRows), ...(only === 'element' ? [] : blockRows(rt, n))];
const res = await runRows(copy, rows, timeMs, log);
const report: BenchReport = {
  ...res,
  provenance: provenance({ isa: rt.isa, n, wasm: wasmHash, timeMsPerRow: timeMs }),
};
const md = render(report);
process.stdout.write(md);
mkdirSync(outDir, { recursive: true });
const base = path.join(outDir, `${new Date().toISOString().slice(0, 10)}-${os.hostname()}-${rt.isa}${n === 16 * 2 ** 20 ? '' : `-n${n}`}`);
writeFileSync(base + '.json', JSON.stringify(report, null, 2) + '\n');
writeFileSync(base + '.md', md);
process.stderr.write(`wrote ${base}.json and .md\n`);
