/**
 * RENDERING FIXTURE, not a measurement: a small CompareResult and StudyResult built in code so the
 * report renderers can be tested on realistic shapes. The QSNR values are chosen by hand (per
 * tensor below); the other metrics are made consistent with them (RMSE = std·10^(−QSNR/20), …).
 *
 * Hand-checked facts the tests rely on:
 * - series means (over the 3 tensors): int8 37, fp8_e4m3fn 31.5, mxfp8_e4m3 31.8, mxfp6_e2m3 26,
 *   mxfp4 17.5, nvfp4 20.5, int4 scheme=asym 15 dB;
 * - the Pareto front of those means (fewer bits, higher QSNR) is mxfp4, nvfp4, mxfp6_e2m3,
 *   fp8_e4m3fn, int8; int4 (4.28125 bits, 15 dB, beaten by mxfp4) and mxfp8_e4m3 (8.25 bits,
 *   31.8 dB, beaten by int8) are dominated;
 * - the third tensor's name holds `<script>`, `&`, quotes and a `|`.
 */
import type { CompareResult, CompareRow, ErrorHistogram, Provenance, StudyPair, StudyPoint, StudyResult, TensorSummary } from '../../src/compare/types.js';

export const EVIL_NAME = `<script>alert("x")</script> & 'q' | w_2*`;

const N = 131072;

export const FIXTURE_PROVENANCE: Provenance = {
  tool: 'numlab',
  version: '0.1.0',
  gitSha: '3f451d9c0ffee0000000000000000000000000aa',
  node: 'v20.19.0',
  isa: 'wasmsimd',
  startedAt: '2026-12-06T01:00:00.000Z',
  command: 'numlab compare "model & co/w1.npy" act.npy --synthetic "gauss+outliers" --formats int8,fp8_e4m3fn,mxfp8_e4m3,mxfp6_e2m3,mxfp4,nvfp4,int4',
  inputs: [
    { path: 'model & co/w1.npy', sha256: 'a'.repeat(64), bytes: 4 * N + 128 },
    { path: 'act.npy', sha256: 'b'.repeat(64), bytes: 4 * N + 128 },
  ],
  seeds: [7],
};

const TENSORS: TensorSummary[] = [
  { name: 'layers.0.mlp.w1', source: { kind: 'file', path: 'model & co/w1.npy', dtype: 'float32' }, shape: [256, 512], n: N, mean: -1.2e-4, std: 0.0213, absmax: 0.0873, crest: 4.1, crestRows: 3.62, kurtosis: 0.08, nonFinite: 0 },
  { name: 'layers.0.attn.act', source: { kind: 'file', path: 'act.npy', dtype: 'float32' }, shape: [128, 1024], n: N, mean: 0.031, std: 1.87, absmax: 17.8, crest: 9.5, crestRows: 6.1, kurtosis: 12.4, nonFinite: 0 },
  { name: EVIL_NAME, source: { kind: 'synthetic', spec: 'gauss(0,1)+outliers(p=1e-3,x20)', seed: 7 }, shape: [N], n: N, mean: 0.0021, std: 1.0, absmax: 21.0, crest: 21.0, crestRows: 21.0, kurtosis: 38.2, nonFinite: 0 },
];

interface SeriesSpec {
  format: string;
  kind: 'element' | 'block';
  granularity: string;
  options: Record<string, string | number | boolean>;
  bits: number;
  /** QSNR dB on the three tensors, in TENSORS order. */
  qsnr: [number, number, number];
  clipped: number;
  flushed: number;
  /** Error shape for the histogram: uniform-ish rounding (int) or magnitude-proportional (fp). */
  shape: 'gauss' | 'laplace';
}

const SERIES: SeriesSpec[] = [
  { format: 'int8', kind: 'element', granularity: 'channel', options: {}, bits: 8.0625, qsnr: [44, 38, 29], clipped: 0, flushed: 0.0012, shape: 'gauss' },
  { format: 'fp8_e4m3fn', kind: 'element', granularity: 'tensor', options: {}, bits: 8 + 32 / N, qsnr: [31.6, 31.5, 31.4], clipped: 0, flushed: 3.1e-5, shape: 'laplace' },
  { format: 'mxfp8_e4m3', kind: 'block', granularity: 'block:32', options: {}, bits: 8.25, qsnr: [31.9, 31.8, 31.7], clipped: 0, flushed: 0, shape: 'laplace' },
  { format: 'mxfp6_e2m3', kind: 'block', granularity: 'block:32', options: {}, bits: 6.25, qsnr: [26.5, 26, 25.5], clipped: 0, flushed: 0.0041, shape: 'laplace' },
  { format: 'mxfp4', kind: 'block', granularity: 'block:32', options: {}, bits: 4.25, qsnr: [18, 17.5, 17], clipped: 0.0009, flushed: 0.071, shape: 'laplace' },
  { format: 'nvfp4', kind: 'block', granularity: 'block:16', options: {}, bits: 4.5 + 32 / N, qsnr: [21, 20.5, 20], clipped: 0, flushed: 0.038, shape: 'laplace' },
  { format: 'int4', kind: 'element', granularity: 'group:128', options: { scheme: 'asym' }, bits: 4 + 36 / 128, qsnr: [19, 15, 11], clipped: 0, flushed: 0.093, shape: 'gauss' },
];

/** 33 symmetric bins over [−range, range] of an error with RMS `sigma` (relative to RMS(x)). */
function histogram(sigma: number, shape: 'gauss' | 'laplace'): ErrorHistogram {
  const bins = 33;
  const range = Number((4 * sigma).toPrecision(2));
  const w = (2 * range) / bins;
  const density = (e: number) => (shape === 'gauss' ? Math.exp(-(e * e) / (2 * sigma * sigma)) : Math.exp(-Math.abs(e) * Math.SQRT2 / sigma));
  const raw = Array.from({ length: bins }, (_, i) => density(-range + (i + 0.5) * w));
  const total = raw.reduce((a, b) => a + b, 0);
  const counts = raw.map((d) => Math.round((N * d) / total));
  return { range, counts };
}

function row(t: TensorSummary, s: SeriesSpec, q: number): CompareRow {
  const rel = 10 ** (-q / 20);
  const rmse = t.std * rel;
  return {
    tensor: t.name,
    format: s.format,
    kind: s.kind,
    granularity: s.granularity,
    options: s.options,
    n: t.n,
    mse: rmse * rmse,
    rmse,
    qsnrDb: q,
    maxAbsErr: rmse * (s.shape === 'gauss' ? 1.73 : 4.2),
    meanRelErr: rel * 0.8,
    cosine: Math.sqrt(1 - rel * rel),
    clippedFrac: s.clipped,
    flushedFrac: s.flushed,
    bitsPerElement: s.bits,
    bytes: Math.ceil((t.n * s.bits) / 8),
    qsnrPerBit: q / s.bits,
    histogram: histogram(rel, s.shape),
    ms: 1.5 + s.bits / 4,
  };
}

/** A fresh copy each call (tests may edit it). */
export function compareFixture(): CompareResult {
  const rows = TENSORS.flatMap((t, i) => SERIES.map((s) => row(t, s, s.qsnr[i])));
  const mean3 = (q: number[]) => (q[0] + q[1] + q[2]) / 3;
  return structuredClone({
    schema: 'numlab.compare/1',
    provenance: FIXTURE_PROVENANCE,
    tensors: TENSORS,
    formats: SERIES.map((s) => s.format),
    rows,
    best: {
      perTensor: [
        { tensor: TENSORS[0].name, format: 'int8', granularity: 'channel', qsnrDb: 44 },
        { tensor: TENSORS[1].name, format: 'int8', granularity: 'channel', qsnrDb: 38 },
        { tensor: TENSORS[2].name, format: 'mxfp8_e4m3', granularity: 'block:32', qsnrDb: 31.7 },
      ],
      overall: SERIES.map((s) => ({ format: s.format, granularity: s.granularity, meanQsnrDb: mean3(s.qsnr), meanQsnrPerBit: mean3(s.qsnr) / s.bits })),
    },
  } satisfies CompareResult);
}

/** The series labels on the Pareto front of the fixture's means, by ascending bits (hand-checked). */
export const FIXTURE_FRONT = ['mxfp4 (block:32)', 'nvfp4 (block:16)', 'mxfp6_e2m3 (block:32)', 'fp8_e4m3fn (tensor)', 'int8 (channel)'];
export const FIXTURE_DOMINATED = ['int4 scheme=asym (group:128)', 'mxfp8_e4m3 (block:32)'];

function studyPoints(kappas: number[], int: (k: number) => number, fp: (k: number) => number): StudyPoint[] {
  // measured = theory plus a small deterministic wobble (a fixture, not a simulation)
  return kappas.map((k, i) => ({
    crest: k,
    qsnrInt: int(k) + 0.25 * Math.sin(3 * i),
    qsnrFp: fp(k) + 0.2 * Math.cos(2 * i),
    theoryInt: int(k),
    theoryFp: fp(k),
  }));
}

const range = (a: number, b: number, step: number) => Array.from({ length: Math.round((b - a) / step) + 1 }, (_, i) => a + i * step);

export function studyFixture(): StudyResult {
  const mx: StudyPair = {
    int: 'mxint8',
    fp: 'mxfp8_e4m3',
    blockSize: 32,
    // INT closed form of formats.md (b = 8, ρ = 1.5) and E4M3's flat ≈31.86 dB
    points: studyPoints(range(1.5, 10, 0.5), (k) => 49.42 - 20 * Math.log10(k), () => 31.86),
    crossoverMeasured: 7.42,
    crossoverTheory: 7.55,
    crossoverPublished: 7.55,
  };
  const nv: StudyPair = {
    int: 'nvint4',
    fp: 'nvfp4',
    blockSize: 16,
    // fitted through the κ = 2, 3, 4 values of formats.md's table
    points: studyPoints(range(1.5, 5, 0.25), (k) => 28.71 - 20 * Math.log10(k), (k) => 20.76 + 1.12 * (k - 2) - 0.105 * (k - 2) * (k - 3)),
    crossoverMeasured: 2.45,
    crossoverTheory: 2.39,
    crossoverPublished: null,
  };
  return structuredClone({ schema: 'numlab.study.int-vs-fp/1', provenance: FIXTURE_PROVENANCE, pairs: [mx, nv] } satisfies StudyResult);
}

/**
 * The compare fixture widened for layout tests: four tensors with short names (`w0`…`w3`; the
 * 4th a copy of the 1st, 1 dB lower) and every row again at two more group sizes under long
 * format names (21 series). Still a rendering fixture.
 */
export function wideFixture(): CompareResult {
  const r = compareFixture();
  const short = new Map(r.tensors.map((t, i) => [t.name, `w${i}`]));
  r.tensors = [...r.tensors, { ...r.tensors[0], name: 'w3', crest: 5.5 }].map((t) => ({ ...t, name: short.get(t.name) ?? t.name }));
  r.rows = r.rows.map((x) => ({ ...x, tensor: short.get(x.tensor)! }));
  r.rows.push(...r.rows.filter((x) => x.tensor === 'w0').map((x) => ({ ...x, tensor: 'w3', qsnrDb: x.qsnrDb! - 1 })));
  r.rows.push(
    ...r.rows.flatMap((x, k) =>
      [32, 64].map((g) => ({
        ...x,
        format: `${x.format}_with_a_long_variant_name_g${g}`,
        granularity: `group:${g}`,
        qsnrDb: x.qsnrDb! - g / 40 + (k % 3) * 0.3,
        bitsPerElement: x.bitsPerElement + 16 / g,
      })),
    ),
  );
  r.best.perTensor = r.best.perTensor.map((b) => ({ ...b, tensor: short.get(b.tensor)! }));
  return r;
}
