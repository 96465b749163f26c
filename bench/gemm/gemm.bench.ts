/**
 * GEMM bench (issue 11, first slice): matmul on the issue's shapes through the public API with
 * prepared weights (a and the weights' chunks copied into WASM memory each call, as matmul does),
 * in GFLOP/s (int8 activations: GOP/s, 2 ops per multiply-add), next to the same-run WASM SIMD peak:
 * an f32x4 mul+add loop on 12 independent accumulator chains (no FMA in the SIMD baseline), measured
 * before and after the rows; fractions use the higher of the two, so a disturbed peak never flatters
 * them. GEMV rows also report the weight bytes streamed per second. Rows of 128 or more activation rows
 * run again on 2 threads (matmulAsync: worker_threads, rows of a split) with their speed-up over one
 * thread; 512³ adds MX × MX (mxfp8_e4m3 × mxfp4) and the bit-serial int8 × bipolar4 kernel.
 */
import { format, matmul, matmulAsync, prepareWeights, stopGemmWorkers, type ElementFormat } from '../../src/index.js';
import type { Runtime } from '../../src/runtime/wasm.js';
import { measure } from '../harness.js';

export interface GemmRow {
  shape: string;
  weights: string;
  activations: string;
  threads: number;
  /** threads > 1: time of the one-thread row over this row's. */
  speedup?: number;
  /** Bytes of the weights as stored (codes + scales). */
  weightBytes: number;
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  samples: number;
  gflops: number;
  fractionOfPeak: number;
  weightGBps: number;
}

export interface GemmReport {
  kind: 'numlab-gemm-bench';
  provenance: Record<string, string | number>;
  peak: { gflops: number; before: number; after: number; chains: number };
  rows: GemmRow[];
}

export const GEMM_SHAPES: readonly [number, number, number][] = [[1, 4096, 4096], [128, 4096, 4096], [512, 512, 512]];

/** A seeded generator of uniform numbers in [−1, 1). */
function values(len: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0) / 2 ** 31) - 1;
  return x;
}

async function peak(rt: Runtime, timeMs: number): Promise<number> {
  const f = rt.exports.peak_f32x4_chain12__wasmsimd as (iters: number, seed: number) => number;
  const iters = 2e6;
  const m = await measure('peak', () => void f(iters, 0.5), timeMs);
  return (96 * iters) / m.median / 1e6;
}

export async function gemmBench(rt: Runtime, timeMs: number, log: (s: string) => void): Promise<Omit<GemmReport, 'provenance'>> {
  const before = await peak(rt, timeMs);
  log(`peak (f32x4 mul+add, 12 chains) ${before.toFixed(1)} GFLOP/s`);
  const measured: Omit<GemmRow, 'fractionOfPeak'>[] = [];
  for (const [m, n, k] of GEMM_SHAPES) {
    const a = values(m * k, 1);
    const w = values(n * k, 2);
    const kinds: { weights: string; activations: string; w: () => Parameters<typeof prepareWeights>[0]; bytes: number }[] = [
      { weights: 'f32', activations: 'f32', w: () => w, bytes: n * k * 4 },
      { weights: 'int4 g32', activations: 'f32', w: () => (format('int4') as ElementFormat).encodeScaled(w, { shape: [n, k], axis: 1, granularity: 'group', groupSize: 32 }), bytes: n * k / 2 + (n * k / 32) * 4 },
      { weights: 'mxfp4', activations: 'f32', w: () => format('mxfp4').encode(w, { shape: [n, k] }), bytes: n * k / 2 + n * k / 32 },
      { weights: 'int8 channel', activations: 'int8', w: () => (format('int8') as ElementFormat).encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel' }), bytes: n * k + n * 4 },
    ];
    if (m === 512)
      kinds.push(
        { weights: 'mxfp4', activations: 'mxfp8_e4m3', w: () => format('mxfp4').encode(w, { shape: [n, k] }), bytes: n * k / 2 + n * k / 32 },
        { weights: 'bipolar4 channel', activations: 'int8', w: () => (format('bipolar4') as ElementFormat).encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel' }), bytes: n * k / 2 + n * 4 },
      );
    for (const kd of kinds) {
      const pw = prepareWeights(kd.w(), { n, k });
      const out = new Float32Array(m * n);
      const r = await measure(`${m}×${n}×${k} ${kd.weights}`, () => void matmul(a, pw, { m, n, k, out, activations: kd.activations }), timeMs);
      const row = { shape: `${m}×${n}×${k}`, weights: kd.weights, activations: kd.activations, threads: 1, weightBytes: kd.bytes, medianMs: r.median, p25Ms: r.p25, p75Ms: r.p75,
        samples: r.n, gflops: (2 * m * n * k) / r.median / 1e6, weightGBps: kd.bytes / r.median / 1e6 };
      measured.push(row);
      log(`${row.shape} ${row.weights} × ${row.activations}: ${r.median.toFixed(2)} ms, ${row.gflops.toFixed(2)} G${kd.activations === 'int8' ? 'OP' : 'FLOP'}/s`);
      if (m >= 128 && m * n * k >= 2 ** 26) {
        await matmulAsync(a, pw, { m, n, k, out, activations: kd.activations, threads: 2 }); // workers started, weights posted
        const r2 = await measure(`${m}×${n}×${k} ${kd.weights} 2 threads`, () => matmulAsync(a, pw, { m, n, k, out, activations: kd.activations, threads: 2 }).then(() => undefined), timeMs);
        const row2 = { ...row, threads: 2, speedup: r.median / r2.median, medianMs: r2.median, p25Ms: r2.p25, p75Ms: r2.p75, samples: r2.n,
          gflops: (2 * m * n * k) / r2.median / 1e6, weightGBps: kd.bytes / r2.median / 1e6 };
        measured.push(row2);
        log(`${row.shape} ${row.weights} × ${row.activations}, 2 threads: ${r2.median.toFixed(2)} ms, ${row2.speedup.toFixed(2)}× one thread`);
      }
    }
  }
  await stopGemmWorkers();
  const after = await peak(rt, timeMs);
  log(`peak again ${after.toFixed(1)} GFLOP/s`);
  const p = Math.max(before, after);
  return { kind: 'numlab-gemm-bench', peak: { gflops: p, before, after, chains: 12 }, rows: measured.map((r) => ({ ...r, fractionOfPeak: r.gflops / p })) };
}

/** Markdown from a GEMM report (formatting only). */
export function renderGemm(r: GemmReport): string {
  const p = r.provenance;
  return [
    `# numlab GEMM bench ${String(p.timestamp).slice(0, 10)}`,
    '',
    `${p.cpu}, ${p.platform}, Node ${p.node}, ISA ${p.isa}, git ${p.git}, wasm ${p.wasm}; one thread unless the row says 2 (matmulAsync, × 1 thread: speed-up).`,
    '',
    `Peak: f32x4 mul+add on ${r.peak.chains} independent chains, ${r.peak.gflops.toFixed(1)} GFLOP/s (the higher of ${r.peak.before.toFixed(1)} before the rows and ` +
      `${r.peak.after.toFixed(1)} after). int8 rows count 2 integer ops per multiply-add (GOP/s) against the same f32 peak.`,
    '',
    '| shape m×n×k | weights | activations | threads | × 1 thread | median ms | p25–p75 ms | GFLOP/s | × peak | weight GB/s |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map((x) => `| ${x.shape} | ${x.weights} | ${x.activations} | ${x.threads ?? 1} | ${x.speedup === undefined ? '' : x.speedup.toFixed(2)} | ${x.medianMs.toFixed(2)} | ${x.p25Ms.toFixed(2)}–${x.p75Ms.toFixed(2)} | ${x.gflops.toFixed(2)} | ${x.fractionOfPeak.toFixed(2)} | ${x.weightGBps.toFixed(2)} |`),
    '',
  ].join('\n');
}
