/**
 * matmulAsync: matmul on several threads. Node: a pool of worker_threads, each with its own numlab
 * runtime (its own WASM instance and memory — no shared memory); the rows of a are split into
 * contiguous ranges, one per worker, and every worker runs the same synchronous matmul on its
 * rows against the whole W. Each y[i, j] is a function of row i of a and of W alone (gemm.ts: the
 * summation order is fixed by k, not by the row block; int8 activations are quantized per row), so
 * y is bit-identical for any thread count. Weights are posted to a worker once per PreparedWeights
 * (or per call for unprepared weights) and prepared there; a row range and y travel per call.
 * Browsers and other hosts without worker_threads: one thread (the calling one).
 * Documentation: docs/gemm.md ("Threads").
 */
import { fail, NumlabError, type NumlabErrorCode } from '../errors.js';
import type { BlockEncoding } from '../formats/block-ref.js';
import type { ScaledEncoding } from '../formats/scaled.js';
import { checkMatmul, matmulChecked, prepareWeights, type MatmulOptions, type PreparedWeights } from './gemm.js';

/** m·n·k from which matmulAsync uses all cores by default. */
export const THREADS_MIN_WORK = 2 ** 24;

type Given = PreparedWeights['given'];

interface Job {
  id: number;
  wid: number;
  /** The weights, the first time this worker sees `wid`. */
  w?: Given;
  n: number;
  k: number;
  a: Float32Array;
  m: number;
  activations: string;
}

interface Reply {
  id: number;
  y?: Float32Array;
  /** A NumlabError (code set) or another failure (code null). */
  error?: { code: NumlabErrorCode | null; message: string; value?: unknown };
}

interface PoolWorker {
  worker: NodeWorker;
  /** Weight ids this worker holds. */
  seen: Set<number>;
}

interface NodeWorker {
  postMessage(msg: unknown, transfer?: ArrayBuffer[]): void;
  on(ev: 'message', fn: (r: Reply) => void): void;
  on(ev: 'error', fn: (e: Error) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

const pool: PoolWorker[] = [];
const pending = new Map<number, { resolve: (y: Float32Array) => void; reject: (e: unknown) => void }>();
let nextJob = 1;
let nextWeights = 1;
const weightIds = new WeakMap<PreparedWeights, number>();
// a PreparedWeights the caller dropped: its copies in the workers go too
const dropped = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<number>((wid) => { for (const p of pool) p.worker.postMessage({ drop: wid }); })
  : null;

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Cores of this host (1 where unknown). */
async function cores(): Promise<number> {
  if (!isNode()) return 1;
  const os = await import('node:os');
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/** One more worker in the pool. */
async function spawn(): Promise<void> {
  const { Worker } = await import('node:worker_threads');
  // built package: dist/gemm/gemm-worker.js beside this file; from sources (tests, tsx): the .ts through tsx
  const here = import.meta.url;
  let worker: NodeWorker;
  if (here.endsWith('.ts')) {
    const url = new URL('./gemm-worker.ts', here).href;
    const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
    worker = new Worker(code, { eval: true }) as unknown as NodeWorker;
  } else worker = new Worker(new URL('./gemm-worker.js', here)) as unknown as NodeWorker;
  worker.unref();
  worker.on('message', (r: Reply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.error) p.reject(r.error.code ? new NumlabError(r.error.code, r.error.message, r.error.value) : new Error(r.error.message));
    else p.resolve(r.y as Float32Array);
  });
  worker.on('error', (e: Error) => {
    // a crashed worker: fail everything in flight and drop it from the pool
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(e);
    }
    const i = pool.findIndex((p) => p.worker === worker);
    if (i >= 0) pool.splice(i, 1);
  });
  pool.push({ worker, seen: new Set() });
}

/** Terminate the pool's workers (they are unref'd, so a process exits without this; tests call it). */
export async function stopGemmWorkers(): Promise<void> {
  const ws = pool.splice(0);
  await Promise.all(ws.map((p) => p.worker.terminate()));
}

/**
 * y = a · Wᵀ as matmul, on `threads` threads (default: all cores when m·n·k ≥ 2^24, else one).
 * Node: worker_threads, rows of a split across them; elsewhere the calling thread. Bit-identical to
 * matmul for any thread count. Arguments are checked before any work: bad input rejects with the
 * same NumlabError matmul throws.
 */
export async function matmulAsync(a: Float32Array, w: Float32Array | BlockEncoding | ScaledEncoding | PreparedWeights, opts: MatmulOptions): Promise<Float32Array> {
  // prepared weights keep their identity (posted once per worker); others are prepared here, posted per call
  const c = checkMatmul(a, w, opts);
  const { m, n, k } = c;
  const want = c.threads ?? (m * n * k >= THREADS_MIN_WORK ? await cores() : 1);
  const t = Math.min(want, m);
  if (t <= 1 || k === 0 || n === 0 || !isNode()) return matmulChecked(a, c);
  let wid = weightIds.get(c.pw);
  if (wid === undefined) {
    wid = nextWeights++;
    if (c.pw === w) {
      weightIds.set(c.pw, wid); // a caller's PreparedWeights: cached in the workers
      dropped?.register(c.pw, wid);
    }
  }
  const cached = c.pw === w;
  while (pool.length < t) await spawn();
  const parts: Promise<void>[] = [];
  for (let p = 0; p < t; p++) {
    const i0 = Math.floor((p * m) / t), i1 = Math.floor(((p + 1) * m) / t);
    const worker = pool[p];
    const first = !worker.seen.has(wid);
    if (cached) worker.seen.add(wid);
    const rows = a.slice(i0 * k, i1 * k);
    const job: Job = { id: nextJob++, wid: cached ? wid : -1, n, k, a: rows, m: i1 - i0, activations: typeof c.act === 'string' ? c.act : c.act.id };
    if (first || !cached) job.w = c.pw.given;
    const jobId = job.id;
    parts.push(
      new Promise<Float32Array>((resolve, reject) => {
        pending.set(jobId, { resolve, reject });
        worker.worker.postMessage(job, [rows.buffer as ArrayBuffer]);
      }).then((yp) => c.y.set(yp, i0 * n)),
    );
  }
  try {
    await Promise.all(parts);
  } catch (e) {
    // a worker that failed mid-call may hold a half-posted weight cache: forget this weight id
    for (const pw of pool) pw.seen.delete(wid);
    throw e;
  }
  return c.y;
}

/** In a worker: the weights it holds, by id. */
const held = new Map<number, PreparedWeights>();

export function dropWeights(wid: number): void {
  held.delete(wid);
}

/** In a worker: run one job (exported for gemm-worker.ts). */
export function runJob(job: Job): Reply {
  try {
    let pw: PreparedWeights;
    if (job.wid < 0) pw = prepareWeights(job.w as Given, { n: job.n, k: job.k });
    else {
      let h = held.get(job.wid);
      if (!h) {
        if (job.w === undefined) fail('BAD_OPTION', `gemm worker: weights ${job.wid} were never posted`, job.wid);
        h = prepareWeights(job.w, { n: job.n, k: job.k });
        held.set(job.wid, h);
      }
      pw = h;
    }
    const c = checkMatmul(job.a, pw, { m: job.m, n: job.n, k: job.k, activations: job.activations });
    return { id: job.id, y: matmulChecked(job.a, c) };
  } catch (e) {
    if (e instanceof NumlabError) return { id: job.id, error: { code: e.code, message: e.message, value: cloneable(e.value) } };
    return { id: job.id, error: { code: null, message: `gemm worker: ${(e as Error).message}` } };
  }
}

function cloneable(v: unknown): unknown {
  try {
    structuredClone(v);
    return v;
  } catch {
    return String(v);
  }
}
