/**
 * GEMM peers (issue 11): the bench's shapes on onnxruntime-web (wasm execution provider: MatMul f32,
 * MatMulInteger u8 × s8, com.microsoft MatMulNBits 4-bit block 32; 1 and 2 threads) and on
 * @tensorflow/tfjs-backend-wasm (f32 matMul, 1 thread), each checked once per shape against numlab's
 * own result for the same inputs and weights before it is timed.
 *
 * onnxruntime-web fixes its thread count (env.wasm.numThreads) when its WASM module starts, once per
 * process, so every (peer, threads) pair runs in its own child process (bench/gemm/peer-process.ts,
 * forked with the parent's Node flags, so under tsx too); the child rebuilds the seeded inputs of
 * bench/gemm/cases.ts and sends its rows back. In Node, onnxruntime-web's threaded build runs its
 * pthreads on worker_threads (numThreads 2 = the calling thread + one worker). tfjs-backend-wasm's
 * threaded build does not start in Node (its pthread workers load from blob: URLs, which
 * worker_threads rejects; its feature test reports no multithread support), so tfjs runs 1 thread.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { format, matmul, type ElementFormat, type ScaledEncoding } from '../../src/index.js';
import { gammaK } from '../../src/gemm/gemm-ref.js';
import { measureCall } from '../harness.js';
import { int4g32, int8channel, shapeData, shapeName } from './cases.js';
import { matmulIntegerModel, matmulModel, matmulNBitsModel } from './onnx.js';

export type PeerName = 'onnxruntime-web' | 'tfjs-backend-wasm';

export interface PeerRow {
  peer: PeerName;
  /** MatMul | MatMulInteger | MatMulNBits | matMul */
  op: string;
  /** numlab's weights of the same values: f32, int4 g32 (MatMulNBits), int8 channel (MatMulInteger). */
  weights: string;
  activations: string;
  shape: string;
  threads: number;
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  samples: number;
  /** GFLOP/s, or GOP/s for MatMulInteger (2 ops per multiply-add). */
  gflops: number;
  /** How the peer's output compared with numlab's on the same inputs. */
  check: string;
}

export interface PeerJob { peer: PeerName; threads: number; shapes: [number, number, number][]; timeMs: number }

function transpose<T extends Float32Array | Int8Array>(x: T, rows: number, cols: number, make: (len: number) => T): T {
  const t = make(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
  return t;
}

const abs = (x: Float32Array): Float32Array => x.map(Math.abs);

/**
 * A peer's f32 result against numlab's for the same a and ŵ: both are within γ_k·Σ|a||ŵ| of the exact
 * product (any summation order, with or without FMA), so they differ by at most 2γ_k·Σ|a||ŵ|. Σ|a||ŵ|
 * comes from numlab's matmul of |a| and |ŵ| (non-negative terms: at least (1 − γ_k) of the exact sum).
 * Throws on the first element past the bound or not finite.
 */
export function checkWithinBound(what: string, got: Float32Array, want: Float32Array, a: Float32Array, wHat: Float32Array, m: number, n: number, k: number): string {
  if (got.length !== m * n) throw new Error(`${what}: ${got.length} outputs, want ${m * n}`);
  const g = gammaK(k);
  const s = matmul(abs(a), abs(wHat), { m, n, k });
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const bound = (2 * g * s[i]) / (1 - g);
    const err = Math.abs(got[i] - want[i]);
    if (!Number.isFinite(got[i]) || !(err <= bound))
      throw new Error(`${what}: y[${Math.floor(i / n)}, ${i % n}] = ${got[i]}, numlab ${want[i]}: |Δ| ${err} past 2γ_k·Σ|a||ŵ| = ${bound}`);
    if (bound > 0) worst = Math.max(worst, err / bound);
  }
  return worst === 0 ? 'equal to numlab in every element (bound 2γ_k·Σ|a||ŵ|)' : `within 2γ_k·Σ|a||ŵ| of numlab (largest |Δ| ${worst.toPrecision(2)} of it)`;
}

/** numlab's int8 path from an int32 product: y = f32(f32(d) · f32(sa[i] · sw[j])) (docs/gemm.md). */
export function int8Epilogue(d: Int32Array, sa: Float32Array, sw: Float32Array, m: number, n: number): Float32Array {
  const y = new Float32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) y[i * n + j] = Math.fround(Math.fround(d[i * n + j]) * Math.fround(sa[i] * sw[j]));
  return y;
}

/** Bit for bit (the int8 path is exact up to numlab's f32 epilogue). Throws on the first difference. */
export function checkBits(what: string, got: Float32Array, want: Float32Array): string {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length), w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  if (g.length !== w.length) throw new Error(`${what}: ${g.length} outputs, want ${w.length}`);
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) throw new Error(`${what}: output ${i} is ${got[i]}, numlab ${want[i]}`);
  return 'bit-exact with numlab (int32 products, then numlab\'s f32 epilogue)';
}

/** MatMulNBits' B: uint8 [n, k/32, 16], two codes a byte, lower nibble first; u = q + 8 (zero point 8). */
export function packNBits(e: ScaledEncoding): Uint8Array {
  const [n, k] = e.shape;
  const p = new Uint8Array((n * k) / 2);
  // int4 codes are two's complement nibbles: q + 8 flips the sign bit
  for (let i = 0; i < p.length; i++) p[i] = ((e.codes[2 * i] ^ 8) & 15) | (((e.codes[2 * i + 1] ^ 8) & 15) << 4);
  return p;
}

async function ortRows(job: PeerJob, log: (s: string) => void): Promise<PeerRow[]> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = job.threads;
  const rows: PeerRow[] = [];
  for (const [m, n, k] of job.shapes) {
    if (k % 32 !== 0) throw new Error(`MatMulNBits block 32 needs k a multiple of 32, not ${k}`);
    const { a, w } = shapeData(m, n, k);
    const e4 = int4g32(w, n, k);
    const e8 = int8channel(w, n, k);
    const qa = (format('int8') as ElementFormat).encodeScaled(a, { shape: [m, k], axis: 0, granularity: 'channel' });
    const ua = qa.codes.map((c) => c ^ 0x80) as Uint8Array; // u8 with zero point 128: ua − 128 = numlab's int8 code
    const cases: { op: string; weights: string; activations: string; model: () => Uint8Array; feed: () => InstanceType<typeof ort.Tensor>;
      check: (y: InstanceType<typeof ort.Tensor>) => string }[] = [
      { op: 'MatMul', weights: 'f32', activations: 'f32', model: () => matmulModel(m, n, k, transpose(w, n, k, (l) => new Float32Array(l))),
        feed: () => new ort.Tensor('float32', a, [m, k]),
        check: (y) => checkWithinBound('MatMul', y.data as Float32Array, matmul(a, w, { m, n, k }), a, w, m, n, k) },
      { op: 'MatMulNBits', weights: 'int4 g32', activations: 'f32', model: () => matmulNBitsModel(m, n, k, 32, packNBits(e4), e4.scales),
        feed: () => new ort.Tensor('float32', a, [m, k]),
        check: (y) => checkWithinBound('MatMulNBits', y.data as Float32Array, matmul(a, e4, { m, n, k }), a, (format('int4') as ElementFormat).decodeScaled(e4), m, n, k) },
      { op: 'MatMulInteger', weights: 'int8 channel', activations: 'int8',
        model: () => matmulIntegerModel(m, n, k, transpose(new Int8Array(e8.codes.buffer, e8.codes.byteOffset, n * k), n, k, (l) => new Int8Array(l)), 128),
        feed: () => new ort.Tensor('uint8', ua, [m, k]),
        check: (y) => checkBits('MatMulInteger', int8Epilogue(y.data as Int32Array, qa.scales, e8.scales, m, n), matmul(a, e8, { m, n, k, activations: 'int8' })) },
    ];
    for (const c of cases) {
      const session = await ort.InferenceSession.create(c.model(), { executionProviders: ['wasm'] });
      const feeds = { A: c.feed() };
      const check = c.check((await session.run(feeds)).Y);
      const r = await measureCall(`${c.op} ${shapeName([m, n, k])}`, () => session.run(feeds), job.timeMs);
      await session.release();
      const row: PeerRow = { peer: 'onnxruntime-web', op: c.op, weights: c.weights, activations: c.activations, shape: shapeName([m, n, k]), threads: job.threads,
        medianMs: r.median, p25Ms: r.p25, p75Ms: r.p75, samples: r.n, gflops: (2 * m * n * k) / r.median / 1e6, check };
      rows.push(row);
      log(`onnxruntime-web ${row.op} ${row.shape}, ${job.threads} thread${job.threads > 1 ? 's' : ''}: ${r.median.toFixed(2)} ms, ${row.gflops.toFixed(2)} G${c.activations === 'int8' ? 'OP' : 'FLOP'}/s; ${check}`);
    }
  }
  return rows;
}

async function tfjsRows(job: PeerJob, log: (s: string) => void): Promise<PeerRow[]> {
  if (job.threads !== 1) throw new Error(`tfjs-backend-wasm runs one thread in Node (its threaded build does not start there), not ${job.threads}`);
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(dist + path.sep);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not start');
  await tf.ready();
  const rows: PeerRow[] = [];
  for (const [m, n, k] of job.shapes) {
    const { a, w } = shapeData(m, n, k);
    // W as [k, n], transposed once (as prepared weights): tfjs-backend-wasm 4.22's matMul with
    // transposeB = true is several times slower (it transposes B on every call)
    const wT = tf.tensor2d(transpose(w, n, k, (l) => new Float32Array(l)), [k, n]);
    const run = (): Float32Array => {
      const at = tf.tensor2d(a, [m, k]);
      const y = tf.matMul(at, wT);
      const out = y.dataSync() as Float32Array;
      at.dispose();
      y.dispose();
      return out;
    };
    const check = checkWithinBound('tfjs matMul', run(), matmul(a, w, { m, n, k }), a, w, m, n, k);
    const r = await measureCall(`tfjs ${shapeName([m, n, k])}`, run, job.timeMs);
    wT.dispose();
    const row: PeerRow = { peer: 'tfjs-backend-wasm', op: 'matMul', weights: 'f32', activations: 'f32', shape: shapeName([m, n, k]), threads: 1,
      medianMs: r.median, p25Ms: r.p25, p75Ms: r.p75, samples: r.n, gflops: (2 * m * n * k) / r.median / 1e6, check };
    rows.push(row);
    log(`tfjs-backend-wasm matMul ${row.shape}: ${r.median.toFixed(2)} ms, ${row.gflops.toFixed(2)} GFLOP/s; ${check}`);
  }
  return rows;
}

/** Runs one job in this process (the child's side). */
export function runPeerJob(job: PeerJob, log: (s: string) => void): Promise<PeerRow[]> {
  return job.peer === 'onnxruntime-web' ? ortRows(job, log) : tfjsRows(job, log);
}

/** The jobs of a full peer run: onnxruntime-web on 1 and 2 threads, tfjs-backend-wasm on 1. */
export function peerJobs(shapes: [number, number, number][], timeMs: number): PeerJob[] {
  return [
    { peer: 'onnxruntime-web', threads: 1, shapes, timeMs },
    { peer: 'onnxruntime-web', threads: 2, shapes, timeMs },
    { peer: 'tfjs-backend-wasm', threads: 1, shapes, timeMs },
  ];
}

/** Runs each job in a child process of its own, one after the other; rejects if a child fails. */
export async function peerBench(jobs: PeerJob[]): Promise<PeerRow[]> {
  const rows: PeerRow[] = [];
  for (const job of jobs) {
    const child = fork(new URL('./peer-process.ts', import.meta.url), [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    const got = await new Promise<PeerRow[]>((resolve, reject) => {
      let result: PeerRow[] | null = null;
      child.on('message', (msg) => (result = msg as PeerRow[]));
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        code === 0 && result ? resolve(result) : reject(new Error(`peer process ${job.peer}, ${job.threads} thread(s) ended with ${signal ?? `exit code ${code}`}${result ? '' : ', no rows'}`)));
    });
    rows.push(...got);
  }
  return rows;
}
