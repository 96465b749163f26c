/** The work for one tensor (in a worker or in-process): its statistics and one row per format. */
import { fail, show } from '../errors.js';
import { measure, parseFormatSpec } from './measure.js';
import { tensorStats, type TensorStats } from './stats.js';
import type { CompareRow } from './types.js';

export interface TensorJob {
  name: string;
  shape: number[];
  data: Float32Array;
  formats: string[];
}

export interface TensorJobResult {
  stats: TensorStats;
  rows: CompareRow[];
}

export function runTensor(job: TensorJob): TensorJobResult {
  const stats = tensorStats(job.data, job.shape);
  if (stats.nonFinite > 0)
    fail('NONFINITE_INPUT', `tensor ${show(job.name)} has ${stats.nonFinite} NaN/Inf element(s); compare needs finite tensors`, job.name);
  const rows = job.formats.map((f) => measure(job.name, job.data, job.shape, parseFormatSpec(f)));
  return { stats, rows };
}
