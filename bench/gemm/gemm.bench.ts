/**
 * GEMM bench (issue 11): matmul on the issue's six shapes through the public API with prepared
 * weights (a and the weights' chunks copied into WASM memory each call, as matmul does), in GFLOP/s
 * (int8 activations: GOP/s, 2 ops per multiply-add), next to the same-run WASM SIMD peak: an f32x4
 * mul+add loop on 12 independent accumulator chains (no FMA in the SIMD baseline), measured before
 * and after the rows; fractions use the higher of the two, so a disturbed peak never flatters them.
 * GEMV rows also report the weight bytes streamed per second. Rows of 128 or more activation rows
 * run again on 2 threads (matmulAsync: worker_threads, rows of a split) with their speed-up over one
 * thread; 512³ adds MX × MX (mxfp8_e4m3 × mxfp4) and the bit-serial int8 × bipolar4 kernel.
 *
 * In the same run (between the rows and the second peak, numlab's workers stopped) the peers of
 * bench/gemm/peers.ts measure the same shapes: each numlab row gets its matching peer's speed and
 * numlab's ratio to it (f32: onnxruntime-web MatMul and tfjs-backend-wasm matMul; int4 g32 and
 * mxfp4: MatMulNBits 4-bit block 32; int8 × int8: MatMulInteger u8 × s8), on the same thread count,
 * and the issue's targets with met / short.
 */
import { format, matmul, matmulAsync, prepareWeights, stopGemmWorkers, type ElementFormat } from '../../src/index.js';
import type { Runtime } from '../../src/runtime/wasm.js';
import { measure, measureCall } from '../harness.js';
import { int4g32, int8channel, shapeData, shapeName } from './cases.js';
import { peerBench, peerJobs, type PeerRow } from './peers.js';

/** A peer's speed on a numlab row's shape and thread count, and numlab's ratio to it (numlab / peer). */
export interface PeerRef {
  peer: string;
  op: string;
  gflops: number;
  ratio: number;
}

/** One of the issue's targets on a row: `got` against `want` (both ratios). */
export interface Target {
  what: string;
  want: number;
  got: number;
  met: boolean;
}

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
  peers?: PeerRef[];
  targets?: Target[];
}

export interface GemmReport {
  kind: 'numlab-gemm-bench';
  provenance: Record<string, string | number>;
  peak: { gflops: number; before: number; after: number; chains: number };
  rows: GemmRow[];
  /** The peers' own measurements (empty when NUMLAB_BENCH_PEERS=0). */
  peerRows: PeerRow[];
}

/** Which peer operations match a numlab row (weights / activations). */
const PEER_OPS: Record<string, { peer: PeerRow['peer']; op: string }[]> = {
  'f32 / f32': [{ peer: 'onnxruntime-web', op: 'MatMul' }, { peer: 'tfjs-backend-wasm', op: 'matMul' }],
  'int4 g32 / f32': [{ peer: 'onnxruntime-web', op: 'MatMulNBits' }],
  'mxfp4 / f32': [{ peer: 'onnxruntime-web', op: 'MatMulNBits' }],
  'int8 channel / int8': [{ peer: 'onnxruntime-web', op: 'MatMulInteger' }],
};

export const PEER_LABEL: Record<PeerRow['peer'], string> = { 'onnxruntime-web': 'ORT', 'tfjs-backend-wasm': 'tfjs' };

export function matchPeers(row: Pick<GemmRow, 'shape' | 'weights' | 'activations' | 'threads' | 'gflops'>, peerRows: PeerRow[]): PeerRef[] {
  return (PEER_OPS[`${row.weights} / ${row.activations}`] ?? []).flatMap(({ peer, op }) =>
    peerRows.filter((p) => p.peer === peer && p.op === op && p.shape === row.shape && p.threads === row.threads)
      .map((p) => ({ peer, op, gflops: p.gflops, ratio: row.gflops / p.gflops })));
}

/**
 * The issue's targets (one core unless stated): f32 128×4096² ≥ 0.75 of peak and ≥ 1.3× ORT MatMul;
 * 4-bit weights (int4 g32 and mxfp4) GEMV 1×4096² ≥ 30× and GEMM 128×4096² ≥ 1.5× MatMulNBits;
 * int8 128×4096² ≥ 1.1× MatMulInteger; two threads ≥ 1.8× one thread on the 128-row shapes.
 */
export function targetsFor(row: Omit<GemmRow, 'targets'>): Target[] {
  const t: Target[] = [];
  const add = (what: string, want: number, got: number | undefined) => { if (got !== undefined) t.push({ what, want, got, met: got >= want }); };
  const vs = (op: string) => row.peers?.find((p) => p.peer === 'onnxruntime-web' && p.op === op)?.ratio;
  const fourBit = row.weights === 'int4 g32' || row.weights === 'mxfp4';
  if (row.threads === 1 && row.shape === '128×4096×4096' && row.weights === 'f32') {
    add('× peak', 0.75, row.fractionOfPeak);
    add('× ORT MatMul', 1.3, vs('MatMul'));
  }
  if (row.threads === 1 && row.shape === '1×4096×4096' && fourBit) add('× ORT MatMulNBits', 30, vs('MatMulNBits'));
  if (row.threads === 1 && row.shape === '128×4096×4096' && fourBit) add('× ORT MatMulNBits', 1.5, vs('MatMulNBits'));
  if (row.threads === 1 && row.shape === '128×4096×4096' && row.activations === 'int8') add('× ORT MatMulInteger', 1.1, vs('MatMulInteger'));
  if (row.threads === 2 && row.shape.startsWith('128×')) add('× 1 thread', 1.8, row.speedup);
  return t;
}

async function peak(rt: Runtime, timeMs: number): Promise<number> {
  const f = rt.exports.peak_f32x4_chain12__wasmsimd as (iters: number, seed: number) => number;
  const iters = 2e6;
  const m = await measure('peak', () => void f(iters, 0.5), timeMs);
  return (96 * iters) / m.median / 1e6;
}

export interface GemmBenchOptions {
  shapes: [number, number, number][];
  /** Run the peers (bench/gemm/peers.ts) in the same run. */
  peers: boolean;
}

export async function gemmBench(rt: Runtime, timeMs: number, log: (s: string) => void, opts: GemmBenchOptions): Promise<Omit<GemmReport, 'provenance'>> {
  const before = await peak(rt, timeMs);
  log(`peak (f32x4 mul+add, 12 chains) ${before.toFixed(1)} GFLOP/s`);
  const measured: Omit<GemmRow, 'fractionOfPeak'>[] = [];
  for (const [m, n, k] of opts.shapes) {
    const { a, w } = shapeData(m, n, k);
    const kinds: { weights: string; activations: string; w: () => Parameters<typeof prepareWeights>[0]; bytes: number }[] = [
      { weights: 'f32', activations: 'f32', w: () => w, bytes: n * k * 4 },
      { weights: 'int4 g32', activations: 'f32', w: () => int4g32(w, n, k), bytes: n * k / 2 + (n * k / 32) * 4 },
      { weights: 'mxfp4', activations: 'f32', w: () => format('mxfp4').encode(w, { shape: [n, k] }), bytes: n * k / 2 + n * k / 32 },
      { weights: 'int8 channel', activations: 'int8', w: () => int8channel(w, n, k), bytes: n * k + n * 4 },
    ];
    if (m === 512)
      kinds.push(
        { weights: 'mxfp4', activations: 'mxfp8_e4m3', w: () => format('mxfp4').encode(w, { shape: [n, k] }), bytes: n * k / 2 + n * k / 32 },
        { weights: 'bipolar4 channel', activations: 'int8', w: () => (format('bipolar4') as ElementFormat).encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel' }), bytes: n * k / 2 + n * 4 },
      );
    for (const kd of kinds) {
      const pw = prepareWeights(kd.w(), { n, k });
      const out = new Float32Array(m * n);
      const r = await measureCall(`${shapeName([m, n, k])} ${kd.weights}`, () => void matmul(a, pw, { m, n, k, out, activations: kd.activations }), timeMs);
      const row = { shape: shapeName([m, n, k]), weights: kd.weights, activations: kd.activations, threads: 1, weightBytes: kd.bytes, medianMs: r.median, p25Ms: r.p25, p75Ms: r.p75,
        samples: r.n, gflops: (2 * m * n * k) / r.median / 1e6, weightGBps: kd.bytes / r.median / 1e6 };
      measured.push(row);
      log(`${row.shape} ${row.weights} × ${row.activations}: ${r.median.toFixed(2)} ms, ${row.gflops.toFixed(2)} G${kd.activations === 'int8' ? 'OP' : 'FLOP'}/s`);
      if (m >= 128 && m * n * k >= 2 ** 26) {
        await matmulAsync(a, pw, { m, n, k, out, activations: kd.activations, threads: 2 }); // workers started, weights posted
        const r2 = await measureCall(`${row.shape} ${kd.weights} 2 threads`, () => matmulAsync(a, pw, { m, n, k, out, activations: kd.activations, threads: 2 }), timeMs);
        const row2 = { ...row, threads: 2, speedup: r.median / r2.median, medianMs: r2.median, p25Ms: r2.p25, p75Ms: r2.p75, samples: r2.n,
          gflops: (2 * m * n * k) / r2.median / 1e6, weightGBps: kd.bytes / r2.median / 1e6 };
        measured.push(row2);
        log(`${row.shape} ${row.weights} × ${row.activations}, 2 threads: ${r2.median.toFixed(2)} ms, ${row2.speedup.toFixed(2)}× one thread`);
      }
    }
  }
  await stopGemmWorkers();
  const peerRows = opts.peers ? await peerBench(peerJobs(opts.shapes, timeMs)) : [];
  const after = await peak(rt, timeMs);
  log(`peak again ${after.toFixed(1)} GFLOP/s`);
  const p = Math.max(before, after);
  const rows = measured.map((r) => {
    const row = { ...r, fractionOfPeak: r.gflops / p, peers: matchPeers(r, peerRows) };
    return { ...row, targets: targetsFor(row) };
  });
  return { kind: 'numlab-gemm-bench', peak: { gflops: p, before, after, chains: 12 }, rows, peerRows };
}

/** The peers' own rows as a Markdown table (formatting only). */
export function renderPeerRows(rows: PeerRow[]): string[] {
  return [
    '| peer | op | weights (numlab twin) | shape m×n×k | threads | median ms | p25–p75 ms | G(FL)OP/s | output check |',
    '|---|---|---|---|---:|---:|---:|---:|---|',
    ...rows.map((x) => `| ${x.peer} | ${x.op} | ${x.weights} × ${x.activations} | ${x.shape} | ${x.threads} | ${x.medianMs.toFixed(2)} | ${x.p25Ms.toFixed(2)}–${x.p75Ms.toFixed(2)} | ${x.gflops.toFixed(2)} | ${x.check} |`),
  ];
}

/** Markdown from a GEMM report (formatting only). */
export function renderGemm(r: GemmReport): string {
  const p = r.provenance;
  const targets = r.rows.flatMap((x) => (x.targets ?? []).map((t) => ({ x, t })));
  return [
    `# numlab GEMM bench ${String(p.timestamp).slice(0, 10)}`,
    '',
    `${p.cpu}, ${p.platform}, Node ${p.node}, ISA ${p.isa}, git ${p.git}, wasm ${p.wasm}; one thread unless the row says 2 (matmulAsync, × 1 thread: speed-up).`,
    '',
    `Peak: f32x4 mul+add on ${r.peak.chains} independent chains, ${r.peak.gflops.toFixed(1)} GFLOP/s (the higher of ${r.peak.before.toFixed(1)} before the rows and ` +
      `${r.peak.after.toFixed(1)} after). int8 rows count 2 integer ops per multiply-add (GOP/s) against the same f32 peak.`,
    '',
    'Peers (same shapes and thread count, same run): ORT = onnxruntime-web (wasm EP), tfjs = tfjs-backend-wasm; their G(FL)OP/s and numlab\'s ratio to them (× = numlab / peer).',
    '',
    '| shape m×n×k | weights | activations | threads | × 1 thread | median ms | p25–p75 ms | GFLOP/s | × peak | weight GB/s | peers: G(FL)OP/s (× numlab) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...r.rows.map((x) => `| ${x.shape} | ${x.weights} | ${x.activations} | ${x.threads ?? 1} | ${x.speedup === undefined ? '' : x.speedup.toFixed(2)} | ${x.medianMs.toFixed(2)} | ${x.p25Ms.toFixed(2)}–${x.p75Ms.toFixed(2)} | ${x.gflops.toFixed(2)} | ${x.fractionOfPeak.toFixed(2)} | ${x.weightGBps.toFixed(2)} | ` +
      `${(x.peers ?? []).map((q) => `${PEER_LABEL[q.peer as PeerRow['peer']] ?? q.peer} ${q.op} ${q.gflops.toFixed(2)} (${q.ratio.toFixed(2)}×)`).join('; ')} |`),
    '',
    ...(targets.length
      ? ['Targets (issue 11):', '', '| row | target | got | met |', '|---|---|---:|---|',
          ...targets.map(({ x, t }) => `| ${x.shape} ${x.weights} × ${x.activations}, ${x.threads} thread${x.threads > 1 ? 's' : ''} | ≥ ${t.want} ${t.what} | ${t.got.toFixed(2)} | ${t.met ? 'met' : '**short**'} |`), '']
      : []),
    ...(r.peerRows.length ? ['Peer rows (each output checked once against numlab\'s for the same inputs before timing):', '', ...renderPeerRows(r.peerRows), ''] : []),
  ].join('\n');
}
