/**
 * compare(): measure every format on every tensor and summarise. Tensors are loaded one at a time
 * per worker (a lane), so memory stays bounded by `threads` × the largest tensor, whatever the
 * number or size of the inputs. With threads > 1 the lanes run in worker_threads, each with its
 * own WASM instance; threads = 1 runs in this thread. Results do not depend on the thread count.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fail, NumlabError, show, type NumlabErrorCode } from '../errors.js';
import { parseFormatSpec, specText } from './measure.js';
import { provenance } from './provenance.js';
import { runTensor, type TensorJob, type TensorJobResult } from './run-tensor.js';
import { parsePtq, pipelineText } from './layer-eval.js';
import type { CalibrationSummary, CompareResult, CompareRow, TensorSummary } from './types.js';

export interface TensorSource {
  name: string;
  shape: number[];
  source: TensorSummary['source'];
  /** Loads the elements (called once, when a lane is free). */
  load(): Promise<Float32Array> | Float32Array;
}

export interface CompareOptions {
  tensors: readonly TensorSource[];
  /** Format specs (`mxfp4`, `int4@g128`, `mxfp4@rceil`, …; see measure.ts). */
  formats: readonly string[];
  /** Default scale granularity of element formats (tensor, channel, group:N / gN); default channel. */
  granularity?: string;
  /** Worker threads; default: all cores, at most one per tensor. */
  threads?: number;
  /** Called after each tensor. */
  onProgress?: (done: number, total: number, tensor: string) => void;
  /** For provenance: the command line, input files (hashed), seeds. */
  command?: string;
  files?: readonly string[];
  seeds?: readonly number[];
  /**
   * Calibration activations X [tokens, in] (any rank ≥ 2; leading dims are tokens): every 2-D
   * tensor [out, in] whose `in` equals an X's last dim gets layer errors ‖W X − Q(W) X‖² / ‖W X‖².
   * At most one calibration tensor per `in`.
   */
  calibration?: readonly TensorSource[];
  /** PTQ pipelines measured on top of RTN (`gptq`, `smoothquant`, `hadamard`, joined with +); needs calibration. */
  ptq?: readonly string[];
  /** SmoothQuant α (default 0.5). */
  alpha?: number;
  /** Hadamard block along `in` (default: the format's block size for block formats, else 128). */
  rotateBlock?: number;
}

const WORKER_URL = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

class Lane {
  private readonly worker: Worker | null;
  private pending: { resolve: (r: TensorJobResult) => void; reject: (e: Error) => void } | null = null;

  constructor(inThread: boolean) {
    if (inThread) {
      this.worker = null;
      return;
    }
    // Sources run under tsx or vitest (tests, `npx tsx`): the worker registers tsx's loader first.
    this.worker = WORKER_URL.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, { eval: true })
      : new Worker(WORKER_URL);
    this.worker.on('message', (m: { result?: TensorJobResult; error?: { code: NumlabErrorCode | null; message: string; value?: string } }) => {
      const p = this.pending!;
      this.pending = null;
      if (m.result) p.resolve(m.result);
      else if (m.error!.code) p.reject(new NumlabError(m.error!.code, m.error!.message, m.error!.value));
      else p.reject(new Error(`compare worker failed: ${m.error!.message}`));
    });
    this.worker.on('error', (e) => {
      const p = this.pending;
      this.pending = null;
      p?.reject(e);
    });
  }

  run(job: TensorJob): Promise<TensorJobResult> {
    if (!this.worker) return Promise.resolve().then(() => runTensor(job));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker!.postMessage({ id: 0, job }, [job.data.buffer as ArrayBuffer]);
    });
  }

  close(): Promise<number> | undefined {
    return this.worker?.terminate();
  }
}

function checkOptions(o: CompareOptions): void {
  if (o === null || typeof o !== 'object') fail('BAD_OPTION', `compare options must be an object, got ${show(o)}`, o);
  if (!Array.isArray(o.tensors) || o.tensors.length === 0) fail('BAD_OPTION', 'compare needs at least one tensor', o.tensors);
  if (!Array.isArray(o.formats) || o.formats.length === 0) fail('BAD_OPTION', 'compare needs at least one format', o.formats);
  if (o.threads !== undefined && (!Number.isSafeInteger(o.threads) || o.threads < 1))
    fail('BAD_OPTION', `threads must be a positive integer, got ${show(o.threads)}`, o.threads);
  const names = new Set<string>();
  for (const t of o.tensors) {
    if (names.has(t.name)) fail('BAD_OPTION', `two tensors are named ${show(t.name)}`, t.name);
    names.add(t.name);
  }
  if (o.calibration !== undefined && !Array.isArray(o.calibration)) fail('BAD_OPTION', `calibration must be an array of tensor sources, got ${show(o.calibration)}`, o.calibration);
  if (o.ptq !== undefined && !Array.isArray(o.ptq)) fail('BAD_OPTION', `ptq must be an array of pipelines, got ${show(o.ptq)}`, o.ptq);
  if ((o.ptq?.length ?? 0) > 0 && (o.calibration?.length ?? 0) === 0) fail('BAD_OPTION', `PTQ pipelines ${show(o.ptq)} need calibration activations (--calibration)`, o.ptq);
  if (o.alpha !== undefined && !(typeof o.alpha === 'number' && o.alpha >= 0 && o.alpha <= 1)) fail('BAD_OPTION', `SmoothQuant alpha must be a number in [0, 1], got ${show(o.alpha)}`, o.alpha);
  if (o.rotateBlock !== undefined && !(Number.isSafeInteger(o.rotateBlock) && o.rotateBlock >= 2 && (o.rotateBlock & (o.rotateBlock - 1)) === 0))
    fail('BAD_OPTION', `Hadamard block must be a power of two ≥ 2, got ${show(o.rotateBlock)}`, o.rotateBlock);
}

/** Calibration tensor per `in` (last dim); two tensors with the same `in` are ambiguous. */
function calibrationByIn(cal: readonly TensorSource[]): Map<number, TensorSource> {
  const byIn = new Map<number, TensorSource>();
  for (const c of cal) {
    if (c.shape.length < 2 || c.shape.some((d) => d < 1)) fail('BAD_SHAPE', `calibration tensor ${show(c.name)} must be [tokens, in] (rank ≥ 2, non-empty), got shape ${show(c.shape)}`, c.name);
    const inDim = c.shape[c.shape.length - 1];
    const other = byIn.get(inDim);
    if (other) fail('BAD_OPTION', `calibration tensors ${show(other.name)} and ${show(c.name)} both have last dim ${inDim}: which weights each belongs to is ambiguous (pass them in separate runs)`, c.name);
    byIn.set(inDim, c);
  }
  return byIn;
}

/** A row's options for the summary entries, only when it has any (older result.json readers see no change). */
const optionsOf = (r: CompareRow) => (r.options && Object.keys(r.options).length > 0 ? { options: r.options } : {});

/** Best row per tensor (highest QSNR) and formats ranked by mean QSNR per bit over tensors. */
export function summarise(rows: readonly CompareRow[], tensors: readonly string[]): CompareResult['best'] {
  const q = (r: CompareRow) => r.qsnrDb ?? -Infinity;
  const perTensor = tensors.map((t) => {
    const best = rows.filter((r) => r.tensor === t).reduce((a, b) => (q(b) > q(a) ? b : a));
    return { tensor: t, format: best.format, ...optionsOf(best), granularity: best.granularity, qsnrDb: best.qsnrDb };
  });
  const groups = new Map<string, CompareRow[]>();
  for (const r of rows) {
    // Options are part of a series: int4@g128 and int4@g128@asym, mxfp4 and mxfp4@sorted rank apart.
    const key = `${r.format}\u0000${JSON.stringify(r.options ?? {})}\u0000${r.granularity}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length === xs.length && v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const overall = [...groups.values()].map((g) => ({
    format: g[0].format,
    ...optionsOf(g[0]),
    granularity: g[0].granularity,
    meanQsnrDb: mean(g.map((r) => r.qsnrDb)),
    meanQsnrPerBit: mean(g.map((r) => r.qsnrPerBit)),
  }));
  overall.sort((a, b) => (b.meanQsnrPerBit ?? -Infinity) - (a.meanQsnrPerBit ?? -Infinity));
  return { perTensor, overall };
}

export async function compare(o: CompareOptions): Promise<CompareResult> {
  checkOptions(o);
  // Parsed here (typed errors before any work); workers get canonical specs with every option spelled out.
  const formats = o.formats.map((f) => specText(parseFormatSpec(f, o.granularity)));
  const ptq = (o.ptq ?? []).map((p) => pipelineText(parsePtq(p)));
  const byIn = calibrationByIn(o.calibration ?? []);
  const calOf = (t: TensorSource) => (t.shape.length === 2 ? byIn.get(t.shape[1]) : undefined);
  const loaded = new Map<string, Promise<Float32Array>>();
  const loadCal = (c: TensorSource) => {
    let p = loaded.get(c.name);
    if (!p) {
      p = Promise.resolve(c.load()).then((data) => {
        const n = c.shape.reduce((a, b) => a * b, 1);
        if (!(data instanceof Float32Array) || data.length !== n)
          fail('BAD_SHAPE', `calibration tensor ${show(c.name)}: shape ${show(c.shape)} needs ${n} f32 elements, got ${show(data)}`, c.name);
        for (let i = 0; i < n; i++) if (!Number.isFinite(data[i])) fail('NONFINITE_INPUT', `calibration tensor ${show(c.name)} has a NaN/Inf at element ${i}`, c.name);
        return data;
      });
      loaded.set(c.name, p);
    }
    return p;
  };
  const prov = await provenance(o.command ?? 'compare()', o.files ?? [], o.seeds ?? []);
  const n = o.tensors.length;
  const threads = Math.min(o.threads ?? availableParallelism(), n);
  const lanes = Array.from({ length: threads }, () => new Lane(threads === 1));
  const results: TensorJobResult[] = new Array(n);
  let next = 0;
  let done = 0;
  let failed = false;
  const work = async (lane: Lane) => {
    while (!failed && next < n) {
      const i = next++;
      const t = o.tensors[i];
      const data = await t.load();
      const expected = t.shape.reduce((a, b) => a * b, 1);
      if (!(data instanceof Float32Array) || data.length !== expected)
        fail('BAD_SHAPE', `tensor ${show(t.name)}: shape ${show(t.shape)} needs ${expected} f32 elements, got ${show(data)}`, t.name);
      const c = calOf(t);
      const calibration = c && {
        name: c.name, tokens: c.shape.slice(0, -1).reduce((a, b) => a * b, 1), data: await loadCal(c),
        ptq, alpha: o.alpha, rotateBlock: o.rotateBlock,
      };
      results[i] = await lane.run({ name: t.name, shape: t.shape, data, formats, calibration });
      o.onProgress?.(++done, n, t.name);
    }
  };
  try {
    await Promise.all(lanes.map((l) => work(l).catch((e) => { failed = true; throw e; })));
  } finally {
    await Promise.all(lanes.map((l) => l.close()));
  }
  const tensors: TensorSummary[] = o.tensors.map((t, i) => {
    const c = calOf(t);
    return { name: t.name, source: t.source, shape: t.shape, ...results[i].stats, ...(c ? { calibration: c.name } : {}) };
  });
  const rows = results.flatMap((r) => r.rows);
  const calibration: CalibrationSummary[] | undefined = o.calibration?.length
    ? o.calibration.map((c) => ({
      name: c.name, source: c.source, shape: c.shape, tokens: c.shape.slice(0, -1).reduce((a, b) => a * b, 1),
      weights: o.tensors.filter((t) => calOf(t) === c).map((t) => t.name),
    }))
    : undefined;
  return {
    schema: 'numlab.compare/1',
    provenance: prov,
    tensors,
    formats,
    rows,
    ...(calibration ? { calibration, ptq } : {}),
    best: summarise(rows, tensors.map((t) => t.name)),
  };
}
