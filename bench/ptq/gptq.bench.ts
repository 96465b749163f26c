/**
 * PTQ bench (issue 12): GPTQ on a rows × cols layer with `tokens` calibration tokens, one thread.
 * - Hessian accumulation (add_batch): tokens in batches of 128 (WASM f64x2 Xᵀ X), reported apart —
 *   the reference figure below does not include it;
 * - fasterquant: gptq 4-bit asym g128 in the default precision 'fast', against TORCH_FASTERQUANT_S;
 *   with NUMLAB_BENCH_PTQ_FLOAT64=1 also precision 'float64' (the spec-exact mode) and the code
 *   agreement of the two;
 * - the same-run f32 GEMM (128 × 4096 × 4096 matmul) as a gauge of the machine's state (docs/gemm.md:
 *   ≈ 36 GFLOP/s one core on a quiet machine), since the fasterquant time is mostly f64 Cholesky and f32 GEMM;
 * - OliVe (olive(), per channel, int and flint searched, the WASM row kernel) on 256 rows of W, next to its
 *   plain-TS reference pipeline (src/ptq/olive-ref.ts, the literal scan) on 16 rows: elements per second, the
 *   ratio per element, and the two equal bit for bit on those 16 rows;
 * - hadamard (WASM FWHT) on a [rows, cols] f32 tensor per block size, in GB/s (read + write), next to a
 *   plain copy of the same bytes.
 * Wall-clock and process CPU times (the CPU time is what one core spent, the wall time includes waiting
 * on a shared machine). One timed run for the GPTQ rows (each takes seconds); best of 5 for the rest.
 * CLI: npx tsx bench/ptq/gptq.bench.ts [rows cols tokens]; npm run bench with NUMLAB_BENCH_ONLY=ptq.
 */
import { pathToFileURL } from 'node:url';
import { gptq, hadamard, HessianAccumulator, matmul, olive } from '../../src/index.js';
import { oliveGrid } from '../../src/ptq/olive-grids.js';
import { refOlive } from '../../src/ptq/olive-ref.js';
import { runtime } from '../../src/runtime/wasm.js';

/**
 * IST-DASLab/gptq `fasterquant` (torch, float32, CPU, one core) on 4096 × 4096, g128, 4096 calibration
 * tokens: ≈ 40 s — the figure of issue 12 ("torch CPU ≈ 40 s on one core of this machine class"); it
 * covers damping, Cholesky, cholesky_inverse, the upper Cholesky and the quantization loop, not
 * add_batch (the Hessian accumulation). Not re-measured here (no torch on this machine).
 */
export const TORCH_FASTERQUANT_S = 40;

export interface PtqBenchRow {
  what: string;
  wallMs: number;
  cpuMs: number;
  note: string;
}

export interface PtqBench {
  shape: [number, number, number];
  rows: PtqBenchRow[];
  /** hadamard() GB/s (checks, copies into and out of WASM memory, a new output array) and the kernel alone on data in WASM memory. */
  fwht: { block: string; gbps: number; copyRatio: number; kernelGBps: number }[];
  copyGBps: number;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function timed<T>(fn: () => T): { v: T; wallMs: number; cpuMs: number } {
  const c = cpuNow();
  const t = performance.now();
  const v = fn();
  return { v, wallMs: performance.now() - t, cpuMs: cpuNow() - c };
}

function best(fn: () => void, reps = 5): number {
  let b = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

export function ptqBench(rows = 4096, cols = 4096, tokens = 4096, float64 = false, log: (s: string) => void = () => {}): PtqBench {
  let seed = 1;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const W = Float32Array.from({ length: rows * cols }, next);
  const X = Float32Array.from({ length: tokens * cols }, next);
  const out: PtqBenchRow[] = [];

  const hs = timed(() => {
    const h = new HessianAccumulator(cols);
    for (let t = 0; t < tokens; t += 128) h.add(X.subarray(t * cols, Math.min(t + 128, tokens) * cols), { rows: Math.min(128, tokens - t) });
    void h.H; // the mirrored matrix, as gptq reads it
    return h;
  });
  out.push({ what: `Hessian accumulation, ${tokens} tokens (${Math.ceil(tokens / 128)} × add of ≤ 128)`, wallMs: hs.wallMs, cpuMs: hs.cpuMs, note: 'not in the torch figure' });
  log(`hessian ${hs.wallMs.toFixed(0)} ms`);
  const h = hs.v;

  const fast = timed(() => gptq(W, h, { shape: [rows, cols], bits: 4, groupSize: 128 }));
  const at4096 = rows === 4096 && cols === 4096 && tokens === 4096; // the shape of the torch figure
  const ratio = (ms: number) => (at4096 ? `${((TORCH_FASTERQUANT_S * 1000) / ms).toFixed(1)}× faster than the torch figure (${TORCH_FASTERQUANT_S} s)` : 'n/a (torch figure is 4096³)');
  out.push({ what: `fasterquant ${rows}×${cols} 4-bit asym g128, precision 'fast'`, wallMs: fast.wallMs, cpuMs: fast.cpuMs, note: `wall ${ratio(fast.wallMs)}; CPU ${ratio(fast.cpuMs)}` });
  log(`fast ${fast.wallMs.toFixed(0)} ms`);
  if (float64) {
    const ex = timed(() => gptq(W, h, { shape: [rows, cols], bits: 4, groupSize: 128, precision: 'float64' }));
    let same = 0;
    for (let i = 0; i < ex.v.codes.length; i++) if (ex.v.codes[i] === fast.v.codes[i]) same++;
    const agree = (100 * same) / ex.v.codes.length;
    out.push({ what: `fasterquant ${rows}×${cols} 4-bit asym g128, precision 'float64'`, wallMs: ex.wallMs, cpuMs: ex.cpuMs,
      note: `codes equal to 'fast': ${agree.toFixed(4)} %; loss ${ex.v.loss.toPrecision(10)} vs ${fast.v.loss.toPrecision(10)}` });
    log(`float64 ${ex.wallMs.toFixed(0)} ms`);
  }

  const [m, n, k] = [128, 4096, 4096];
  const a = Float32Array.from({ length: m * k }, next);
  const w = Float32Array.from({ length: n * k }, next);
  const y = new Float32Array(m * n);
  matmul(a, w, { m, n, k, out: y });
  let g = { wallMs: Infinity, cpuMs: Infinity };
  for (let r = 0; r < 3; r++) {
    const t = timed(() => matmul(a, w, { m, n, k, out: y }));
    if (t.wallMs < g.wallMs) g = t;
  }
  const gf = (ms: number) => ((2 * m * n * k) / 1e6 / ms).toFixed(1);
  out.push({ what: 'gauge: f32 matmul 128×4096×4096 (best of 3)', wallMs: g.wallMs, cpuMs: g.cpuMs, note: `${gf(g.wallMs)} GFLOP/s wall, ${gf(g.cpuMs)} CPU (quiet machine: ≈ 36)` });

  // OliVe's alpha search on 256 rows with the WASM row kernel (olive()); the plain-TS reference pipeline
  // (the literal linear scan of src/ptq/olive-ref.ts) on 16 of them, per element, and checked equal there
  const orows = Math.min(256, rows);
  const rrows = Math.min(16, orows);
  const ox = W.subarray(0, orows * cols);
  const ok = timed(() => olive(ox, { shape: [orows, cols], granularity: 'channel' }));
  const rx = W.subarray(0, rrows * cols);
  const oref = timed(() => refOlive(rx, rrows, [oliveGrid('int', 4, true), oliveGrid('flint', 4, true)], 75, 250));
  const small = olive(rx, { shape: [rrows, cols], granularity: 'channel' }).weight;
  const same = small.every((v, i) => Object.is(v, oref.v.weight[i]));
  const perEl = (ms: number, n: number) => ms / n;
  out.push({ what: `OliVe 4-bit per channel, ${orows}×${cols}, int and flint searched (WASM row kernel)`, wallMs: ok.wallMs, cpuMs: ok.cpuMs,
    note: `${(ox.length / ok.cpuMs / 1e3).toFixed(2)} M elements/s CPU; ${(perEl(oref.cpuMs, rx.length) / perEl(ok.cpuMs, ox.length)).toFixed(1)}× faster per element than the plain-TS reference scan (${rrows} rows, ${oref.cpuMs.toFixed(0)} ms CPU), weights ${same ? 'equal bit for bit' : 'DIFFER'} there` });
  log(`olive ${ok.wallMs.toFixed(0)} ms, ref ${oref.wallMs.toFixed(0)} ms`);

  // FWHT on a [rows, cols] f32 tensor (16 Mi values at 4096²), read + write bytes per second
  const T = W;
  const bytes = T.length * 4 * 2;
  const dst = new Float32Array(T.length);
  const copyMs = best(() => dst.set(T));
  const copyGBps = bytes / copyMs / 1e6;
  const fwht: PtqBench['fwht'] = [];
  const rt = runtime();
  const kx = rt.exports as unknown as { fwht_f64acc__wasmsimd(x: number, out: number, nblk: number, b: number, signs: number, norm: number, v: number, f64data: number): number };
  for (const block of [16, 32, 64, 128, undefined]) {
    const ms = best(() => hadamard(T, { shape: [rows, cols], block }));
    const gbps = bytes / ms / 1e6;
    const b = block ?? cols;
    const chunk = Math.max(b, 1 << 18); // the values hadamard passes per kernel call
    const kms = rt.scoped(() => {
      const px = rt.alloc(chunk * 4);
      const pv = rt.alloc(b * 8);
      new Float32Array(rt.memory.buffer, px, chunk).set(T.subarray(0, chunk));
      return best(() => kx.fwht_f64acc__wasmsimd(px, px, chunk / b, b, 0, 1 / Math.sqrt(b), pv, 0), 20);
    });
    fwht.push({ block: block === undefined ? `full ${cols}` : String(block), gbps, copyRatio: gbps / copyGBps, kernelGBps: (chunk * 8) / kms / 1e6 });
  }
  return { shape: [rows, cols, tokens], rows: out, fwht, copyGBps };
}

export function renderPtq(b: PtqBench): string {
  const [rows, cols, tokens] = b.shape;
  const lines = [
    `## GPTQ ${rows}×${cols}, ${tokens} tokens (node ${process.version}, one thread)`,
    '',
    '| run | wall ms | CPU ms | note |',
    '|---|---:|---:|---|',
    ...b.rows.map((r) => `| ${r.what} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.note} |`),
    '',
    `## hadamard (WASM FWHT, f64 butterflies) on [${rows}, ${cols}] f32, best of 5; copy of the same bytes ${b.copyGBps.toFixed(2)} GB/s`,
    '',
    '| block | hadamard() GB/s (read + write) | × copy | kernel alone, data in WASM memory, GB/s |',
    '|---|---:|---:|---:|',
    ...b.fwht.map((f) => `| ${f.block} | ${f.gbps.toFixed(2)} | ${f.copyRatio.toFixed(2)} | ${f.kernelGBps.toFixed(2)} |`),
    '',
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [rows, cols, tokens] = [process.argv[2] ?? 4096, process.argv[3] ?? 4096, process.argv[4] ?? 4096].map(Number);
  process.stdout.write(renderPtq(ptqBench(rows, cols, tokens, process.env.NUMLAB_BENCH_PTQ_FLOAT64 === '1', (s) => process.stderr.write(s + '\n'))));
}
