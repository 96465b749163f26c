/** The work for one tensor (in a worker or in-process): its statistics and one row per format. */
import { fail, show } from '../errors.js';
import { layerEval, type LayerEvalOptions } from './layer-eval.js';
import { measure, parseFormatSpec } from './measure.js';
import { tensorStats, type TensorStats } from './stats.js';
import type { CompareRow } from './types.js';

export interface TensorJob {
  name: string;
  shape: number[];
  data: Float32Array;
  formats: string[];
  /** Calibration activations X [tokens, in] for a 2-D weight [out, in] (layer errors). */
  calibration?: { name: string; tokens: number; data: Float32Array } & LayerEvalOptions;
}

export interface TensorJobResult {
  stats: TensorStats;
  rows: CompareRow[];
}

export function runTensor(job: TensorJob): TensorJobResult {
  const stats = tensorStats(job.data, job.shape);
  if (stats.nonFinite > 0)
    fail('NONFINITE_INPUT', `tensor ${show(job.name)} has ${stats.nonFinite} NaN/Inf element(s); compare needs finite tensors`, job.name);
  const specs = job.formats.map((f) => parseFormatSpec(f));
  const rows = specs.map((s) => measure(job.name, job.data, job.shape, s));
  const c = job.calibration;
  if (c) {
    if (job.shape.length !== 2) fail('BAD_SHAPE', `tensor ${show(job.name)}: layer errors need a 2-D weight [out, in], got shape ${show(job.shape)}`, job.shape);
    const e = layerEval(job.data, job.shape as [number, number], c.data, c.tokens, specs, c);
    rows.forEach((r, i) => {
      r.layerErr = e.layerErr[i];
      if (c.ptq && c.ptq.length > 0) r.layerErrPtq = e.layerErrPtq[i];
    });
  }
  return { stats, rows };
}
