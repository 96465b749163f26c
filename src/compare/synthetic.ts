/**
 * Built-in seeded synthetic tensors, named by a small grammar:
 *
 *   KIND[:key=value,...]      KIND: gaussian | laplace | student-t | uniform | llm-act
 *
 * keys: shape=RxC[x…] (default 256x1024), seed=N (default 1), nu=ν (student-t, default 4),
 * crest=κ (each row along the last axis gets exactly this crest factor absmax/RMS: a larger one by
 * growing its largest element, a smaller one by clipping its tail; needs κ² < row length), outliers=N and outlier-scale=s (llm-act: N
 * channels — columns — whose values are s times larger, the systematic outlier features of LLM
 * activations; defaults 8 and 30). Every tensor has unit variance before outliers/crest.
 */
import { fail, show } from '../errors.js';
import { Rng } from './random.js';

export const SYNTHETIC_KINDS = ['gaussian', 'laplace', 'student-t', 'uniform', 'llm-act'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

export interface SyntheticSpec {
  kind: SyntheticKind;
  shape: number[];
  seed: number;
  nu: number;
  crest: number | null;
  outliers: number;
  outlierScale: number;
}

const KEYS = ['shape', 'seed', 'nu', 'crest', 'outliers', 'outlier-scale'];
/** Largest synthetic tensor (elements): 2^28 f32 = 1 GiB. */
const MAX_ELEMENTS = 2 ** 28;

function num(spec: string, key: string, v: string, test: (x: number) => boolean, what: string): number {
  const x = Number(v);
  if (v.trim() === '' || !test(x)) fail('BAD_OPTION', `synthetic ${show(spec)}: ${key} must be ${what}, got ${show(v)}`, spec);
  return x;
}

export function parseSynthetic(spec: string): SyntheticSpec {
  if (typeof spec !== 'string') fail('BAD_OPTION', `synthetic spec must be a string, got ${show(spec)}`, spec);
  const text = spec.trim();
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).toLowerCase();
  if (!(SYNTHETIC_KINDS as readonly string[]).includes(kind))
    fail('BAD_OPTION', `unknown synthetic tensor kind ${show(kind.slice(0, 40))}; known: ${SYNTHETIC_KINDS.join(', ')}`, spec);
  const out: SyntheticSpec = { kind: kind as SyntheticKind, shape: [256, 1024], seed: 1, nu: 4, crest: null, outliers: 8, outlierScale: 30 };
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  for (const part of rest.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!KEYS.includes(key)) fail('BAD_OPTION', `synthetic ${show(spec)}: unknown key ${show(key.slice(0, 40))}; known: ${KEYS.join(', ')}`, spec);
    if (key === 'shape') {
      const dims = v.split(/[x×]/).map((d) => Number(d));
      if (v === '' || dims.some((d) => !Number.isSafeInteger(d) || d < 1))
        fail('BAD_OPTION', `synthetic ${show(spec)}: shape must look like 256x1024 (positive integers), got ${show(v)}`, spec);
      const n = dims.reduce((a, b) => a * b, 1);
      if (n > MAX_ELEMENTS) fail('BAD_OPTION', `synthetic ${show(spec)}: ${n} elements is more than the ${MAX_ELEMENTS} allowed`, spec);
      out.shape = dims;
    } else if (key === 'seed') out.seed = num(spec, key, v, (x) => Number.isSafeInteger(x) && x >= 0 && x < 2 ** 32, 'an integer in [0, 2^32)');
    else if (key === 'nu') out.nu = num(spec, key, v, (x) => Number.isFinite(x) && x > 0, 'a positive number');
    else if (key === 'crest') out.crest = num(spec, key, v, (x) => Number.isFinite(x) && x >= 1, 'a number ≥ 1');
    else if (key === 'outliers') out.outliers = num(spec, key, v, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer');
    else out.outlierScale = num(spec, key, v, (x) => Number.isFinite(x) && x > 0, 'a positive number');
  }
  const row = out.shape[out.shape.length - 1];
  if (out.crest !== null && out.crest * out.crest >= row)
    fail('BAD_OPTION', `synthetic ${show(spec)}: crest ${out.crest} needs rows longer than crest² = ${out.crest * out.crest} (rows have ${row})`, spec);
  if (out.kind === 'llm-act' && out.outliers > row)
    fail('BAD_OPTION', `synthetic ${show(spec)}: ${out.outliers} outlier channels but rows have only ${row}`, spec);
  return out;
}

/** Canonical name of a spec (every key spelled out), used as the tensor name. */
export function syntheticName(s: SyntheticSpec): string {
  const keys = [`shape=${s.shape.join('x')}`, `seed=${s.seed}`];
  if (s.kind === 'student-t') keys.push(`nu=${s.nu}`);
  if (s.kind === 'llm-act') keys.push(`outliers=${s.outliers}`, `outlier-scale=${s.outlierScale}`);
  if (s.crest !== null) keys.push(`crest=${s.crest}`);
  return `${s.kind}:${keys.join(',')}`;
}

/**
 * Give each row (of rowLen elements) crest factor absmax / RMS exactly κ (up to f32 rounding).
 * Above the row's own crest, its largest element grows: with S the other elements' sum of squares
 * and n the row length, it becomes a = κ·√(S/(n−κ²)). Below it, the row is clipped at the level t
 * where t / RMS(clip(row, t)) = κ (that ratio rises with t; found by bisection) — the row's tail is
 * what sets its crest factor.
 */
export function setRowCrest(x: Float32Array, rowLen: number, crest: number): void {
  for (let r = 0; r < x.length; r += rowLen) {
    const row = x.subarray(r, r + rowLen);
    let big = 0;
    let sum = 0;
    for (let i = 0; i < rowLen; i++) {
      sum += row[i] * row[i];
      if (Math.abs(row[i]) > Math.abs(row[big])) big = i;
    }
    const max = Math.abs(row[big]);
    if (sum === 0) continue;
    if (max / Math.sqrt(sum / rowLen) <= crest) {
      const a = crest * Math.sqrt((sum - max * max) / (rowLen - crest * crest));
      row[big] = row[big] < 0 ? -a : a;
      continue;
    }
    const ratio = (t: number) => {
      let q = 0;
      for (let i = 0; i < rowLen; i++) q += Math.min(Math.abs(row[i]), t) ** 2;
      return t / Math.sqrt(q / rowLen);
    };
    let lo = 0;
    let hi = max;
    for (let k = 0; k < 100 && hi - lo > hi * 1e-15; k++) {
      const mid = (lo + hi) / 2;
      if (ratio(mid) < crest) lo = mid;
      else hi = mid;
    }
    const t = (lo + hi) / 2;
    for (let i = 0; i < rowLen; i++) if (Math.abs(row[i]) > t) row[i] = row[i] < 0 ? -t : t;
  }
}

export function generate(s: SyntheticSpec): Float32Array {
  const n = s.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  const rng = new Rng(s.seed);
  const row = s.shape[s.shape.length - 1];
  switch (s.kind) {
    case 'gaussian':
      for (let i = 0; i < n; i++) x[i] = rng.normal();
      break;
    case 'laplace':
      for (let i = 0; i < n; i++) x[i] = rng.laplace();
      break;
    case 'student-t': {
      const norm = s.nu > 2 ? Math.sqrt((s.nu - 2) / s.nu) : 1;
      for (let i = 0; i < n; i++) x[i] = rng.studentT(s.nu) * norm;
      break;
    }
    case 'uniform':
      for (let i = 0; i < n; i++) x[i] = (2 * rng.uniform() - 1) * Math.sqrt(3);
      break;
    case 'llm-act': {
      // Per-channel scales log-normal (σ = 0.5), a few outlier channels s times larger.
      const chan = new Float64Array(row);
      for (let c = 0; c < row; c++) chan[c] = Math.exp(0.5 * rng.normal());
      const picked = new Set<number>();
      while (picked.size < s.outliers) picked.add(Math.floor(rng.uniform() * row));
      for (const c of picked) chan[c] *= s.outlierScale;
      for (let i = 0; i < n; i++) x[i] = rng.normal() * chan[i % row];
      break;
    }
  }
  if (s.crest !== null) setRowCrest(x, row, s.crest);
  return x;
}
