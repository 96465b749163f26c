/**
 * matmulAsync: matmul on several threads. Node: a pool of worker_threads, each with its own numlab
 * runtime (its own WASM instance and memory — no shared memory); the rows of a are split into
 * contiguous ranges, one per worker, and every worker runs the same synchronous matmul on its
 * rows against the whole W — or, for f32 activations and at most GEMV_MAX_M rows (GEMV), the
 * columns of y (W rows) are split into ranges of multiples of 32 and every worker runs all rows
 * on its columns. Each y[i, j] is a function of row i of a, of W row j and of the kernel the
 * whole call's m selects (gemm.ts: the summation order is fixed by k, not by the row block or
 * column range; int8 activations are quantized per row; a worker's share of rows keeps the
 * caller's GEMV choice), so y is bit-identical for any thread count. Weights are posted to a worker once per PreparedWeights
 * (or per call for unprepared weights) and prepared there; a row range and y travel per call.
 * Browsers and other hosts without worker_threads: one thread (the calling one).
 * Documentation: docs/gemm.md ("Threads").
 */
import { fail, NumlabError, type NumlabErrorCode } from '../errors.js';
import type { BlockEncoding } from '../formats/block-ref.js';
import type { ScaledEncoding } from '../formats/scaled.js';
import { checkMatmul, disposeHooks, matmulChecked, prepared, prepareWeights, type MatmulCall, type MatmulOptions, type PreparedWeights } from './gemm.js';

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
  /** Columns [j0, j1) of y (GEMV split); the caller's GEMV choice. */
  j0: number;
  j1: number;
  gemv: boolean;
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
// a PreparedWeights disposed: its copies in the workers go now (a later drop of the same id on collection is a no-op)
disposeHooks.push((pw) => {
  const wid = weightIds.get(pw);
  if (wid === undefined) return;
  weightIds.delete(pw);
  for (const p of pool) p.worker.postMessage({ drop: wid });
});

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
  // GEMV (f32 activations, m ≤ GEMV_MAX_M): columns in ranges of multiples of 32; otherwise rows
  const byCols = c.act === 'f32' && c.gemv;
  const t = Math.min(want, byCols ? Math.ceil(n / 32) : m);
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
    const [i0, i1] = byCols ? [0, m] : [Math.floor((p * m) / t), Math.floor(((p + 1) * m) / t)];
    const [j0, j1] = byCols ? [colSplit(p, t, n), colSplit(p + 1, t, n)] : [0, n];
    const worker = pool[p];
    const first = !worker.seen.has(wid);
    if (cached) worker.seen.add(wid);
    const rows = a.slice(i0 * k, i1 * k);
    const job: Job = { id: nextJob++, wid: cached ? wid : -1, n, k, a: rows, m: i1 - i0, activations: typeof c.act === 'string' ? c.act : c.act.id, j0, j1, gemv: c.gemv };
    if (first || !cached) job.w = c.pw.given;
    const jobId = job.id;
    parts.push(
      new Promise<Float32Array>((resolve, reject) => {
        pending.set(jobId, { resolve, reject });
        worker.worker.postMessage(job, [rows.buffer as ArrayBuffer]);
      }).then((yp) => placePart(c, yp, i0, j0, j1)),
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

/** Start of worker p's column range of t: a multiple of 32 (the last range ends at n). */
function colSplit(p: number, t: number, n: number): number {
  return p === t ? n : Math.round((p * Math.ceil(n / 32)) / t) * 32;
}

/** A worker's part y [rows from i0][j1 − j0] into c.y. */
function placePart(c: MatmulCall, yp: Float32Array, i0: number, j0: number, j1: number): void {
  const w = j1 - j0;
  if (w === c.n) c.y.set(yp, i0 * c.n);
  else for (let i = 0; i * w < yp.length; i++) c.y.set(yp.subarray(i * w, (i + 1) * w), (i0 + i) * c.n + j0);
}

/** In a worker: the weights it holds, by id. */
const held = new Map<number, PreparedWeights>();

export function dropWeights(wid: number): void {
  held.get(wid)?.dispose();
  held.delete(wid);
}

/** In a worker: run one job (exported for gemm-worker.ts). */
export function runJob(job: Job): Reply {
  try {
    let pw: PreparedWeights;
    if (job.wid < 0) pw = prepared(job.w as Given, { n: job.n, k: job.k }, false);
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
    c.j0 = job.j0;
    c.j1 = job.j1;
    c.gemv = job.gemv;
    c.y = new Float32Array(job.m * (job.j1 - job.j0));
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
