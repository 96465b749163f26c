/**
 * What the compare reports show, as plain-text tables: number formatting, row labels and sort
 * order shared by the Markdown and the HTML renderer. Nothing here computes a metric; cells are the
 * result's own numbers, written out. Text is not escaped here: each renderer escapes for its syntax.
 */
import type { CompareResult, CompareRow, Provenance, RotationStudyResult, StudyPair, TensorSummary } from './types.js';

/** A table as text cells; `numeric` marks the right-aligned columns. */
export interface TextTable {
  head: string[];
  numeric: boolean[];
  body: string[][];
}

const DASH = '—';

/** QSNR in dB to 2 decimals; +Infinity (exact) as ∞, null (Σx² = 0) as a dash. */
export function fmtDb(v: number | null): string {
  if (v === null || Number.isNaN(v)) return DASH;
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  return v.toFixed(2);
}

/** QSNR per bit to 3 decimals (same special values as fmtDb). */
export function fmtPerBit(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return fmtDb(v);
  return v.toFixed(3);
}

/** A magnitude to `digits` significant digits (0 stays 0, e-notation below 1e-6 or from 1e21). */
export function fmtSig(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return fmtDb(v);
  if (v === 0) return '0';
  return v.toPrecision(digits);
}

/** A fraction as a percentage without the sign: 2 decimals, or 2 significant digits below 0.01 %; null (not defined) as a dash. */
export function fmtPct(frac: number | null): string {
  if (frac === null || !Number.isFinite(frac)) return fmtDb(frac);
  if (frac === 0) return '0';
  const p = frac * 100;
  return Math.abs(p) >= 0.01 ? p.toFixed(2) : p.toPrecision(2);
}

/** Cosine with at least 6 decimals, more while the text would otherwise read as exactly 1. */
export function fmtCosine(c: number | null): string {
  if (c === null || !Number.isFinite(c)) return fmtDb(c);
  if (c === 1) return '1';
  let d = 6;
  while (d < 16 && (c.toFixed(d) === '1.' + '0'.repeat(d) || c.toFixed(d) === '-1.' + '0'.repeat(d))) d++;
  return c.toFixed(d);
}

/** Bits per element: up to 6 decimals, trailing zeros dropped (4.25, 4.28125, 8.000244, 8). */
export function fmtBits(v: number): string {
  if (!Number.isFinite(v)) return fmtDb(v);
  return String(Number(v.toFixed(6)));
}

/** `format` plus, when present, its other options (`int4 scheme=asym`); granularity has its own column. */
export function formatLabel(row: Pick<CompareRow, 'format' | 'options'>): string {
  const opts = Object.entries(row.options).map(([k, v]) => `${k}=${String(v)}`);
  return [row.format, ...opts].join(' ');
}

/** One series of the plots and one line of the overall table: format, options and granularity. */
export function seriesLabel(row: Pick<CompareRow, 'format' | 'options' | 'granularity'>): string {
  return `${formatLabel(row)} (${row.granularity})`;
}

/** Sort key of QSNR: exact (+∞) first, then descending, null last. */
function qsnrKey(v: number | null): number {
  return v === null || Number.isNaN(v) ? -Infinity : v;
}

/** Rows by QSNR, best first; ties by fewer bits per element, then by label (a total, stable order). */
export function sortByQsnr(rows: readonly CompareRow[]): CompareRow[] {
  return [...rows].sort((a, b) => {
    const ka = qsnrKey(a.qsnrDb);
    const kb = qsnrKey(b.qsnrDb);
    if (ka !== kb) return kb > ka ? 1 : -1;
    if (a.qsnrDb === null && b.qsnrDb !== null) return 1;
    if (b.qsnrDb === null && a.qsnrDb !== null) return -1;
    if (a.bitsPerElement !== b.bitsPerElement) return a.bitsPerElement - b.bitsPerElement;
    const la = seriesLabel(a);
    const lb = seriesLabel(b);
    return la < lb ? -1 : la > lb ? 1 : 0;
  });
}

/** Provenance as (label, value) lines. */
export function provenanceItems(p: Provenance): [string, string][] {
  const inputs = p.inputs.map((i) => `${i.path} (${i.bytes} B, sha256 ${i.sha256})`);
  return [
    ['tool', `${p.tool} ${p.version}`],
    ['git', p.gitSha ?? 'unknown (not a git checkout)'],
    ['node', p.node],
    ['isa', p.isa],
    ['started', p.startedAt],
    ['command', p.command],
    ['inputs', inputs.length ? inputs.join('; ') : 'none (synthetic only)'],
    ['seeds', p.seeds.length ? p.seeds.join(', ') : 'none'],
  ];
}

function sourceText(t: TensorSummary): string {
  return t.source.kind === 'file' ? `${t.source.path} (${t.source.dtype})` : `synthetic ${t.source.spec} seed ${t.source.seed}`;
}

export function tensorTable(tensors: readonly TensorSummary[]): TextTable {
  return {
    head: ['tensor', 'source', 'shape', 'n', 'mean', 'std', 'absmax', 'crest', 'crest (rows)', 'kurtosis', 'non-finite'],
    numeric: [false, false, false, true, true, true, true, true, true, true, true],
    body: tensors.map((t) => [
      t.name,
      sourceText(t),
      `[${t.shape.join(', ')}]`,
      String(t.n),
      fmtSig(t.mean),
      fmtSig(t.std),
      fmtSig(t.absmax),
      t.crest.toFixed(2),
      t.crestRows.toFixed(2),
      t.kurtosis.toFixed(2),
      String(t.nonFinite),
    ]),
  };
}

/** The per-tensor table: rows sorted by QSNR, best first. */
/** A layer error ‖WX − QX‖²/‖WX‖² to 3 significant digits; null (undefined or not applicable) as a dash. */
export function fmtLayerErr(v: number | null | undefined): string {
  return v === null || v === undefined ? DASH : fmtSig(v, 3);
}

export function formatTable(rows: readonly CompareRow[]): TextTable {
  // Layer-error columns (--calibration) only when some row has them: RTN, then each PTQ pipeline.
  const layer = rows.some((r) => r.layerErr !== undefined);
  const pipelines = Array.from(new Set(rows.flatMap((r) => Object.keys(r.layerErrPtq ?? {}))));
  return {
    head: ['format', 'granularity', 'bits/elem', 'QSNR dB', 'QSNR/bit', 'RMSE', 'max abs err', 'cosine', 'clipped %', 'flushed %',
      ...(layer ? ['layer err'] : []), ...pipelines.map((p) => `layer err ${p}`)],
    numeric: [false, false, true, true, true, true, true, true, true, true, ...(layer ? [true] : []), ...pipelines.map(() => true)],
    body: sortByQsnr(rows).map((r) => [
      formatLabel(r),
      r.granularity,
      fmtBits(r.bitsPerElement),
      fmtDb(r.qsnrDb),
      fmtPerBit(r.qsnrPerBit),
      fmtSig(r.rmse),
      fmtSig(r.maxAbsErr),
      fmtCosine(r.cosine),
      fmtPct(r.clippedFrac),
      fmtPct(r.flushedFrac),
      ...(layer ? [fmtLayerErr(r.layerErr)] : []),
      ...pipelines.map((p) => fmtLayerErr(r.layerErrPtq?.[p])),
    ]),
  };
}

export function bestPerTensorTable(best: CompareResult['best']): TextTable {
  return {
    head: ['tensor', 'best format', 'granularity', 'QSNR dB'],
    numeric: [false, false, false, true],
    body: best.perTensor.map((b) => [b.tensor, formatLabel({ format: b.format, options: b.options ?? {} }), b.granularity, fmtDb(b.qsnrDb)]),
  };
}

/** The overall ranking by mean QSNR per bit, best first (null last), as the engine computed it. */
export function overallTable(best: CompareResult['best']): TextTable {
  const sorted = [...best.overall].sort((a, b) => qsnrKey(b.meanQsnrPerBit) - qsnrKey(a.meanQsnrPerBit) || 0);
  return {
    head: ['rank', 'format', 'granularity', 'mean QSNR dB', 'mean QSNR/bit'],
    numeric: [true, false, false, true, true],
    body: sorted.map((o, i) => [String(i + 1), formatLabel({ format: o.format, options: o.options ?? {} }), o.granularity, fmtDb(o.meanQsnrDb), fmtPerBit(o.meanQsnrPerBit)]),
  };
}

function fmtCrossover(v: number | null): string {
  return v === null ? 'none in range' : v.toFixed(2);
}

/** One line per INT/FP pair of the study: crossovers measured, theoretical and published. */
export function studyPairsTable(pairs: readonly StudyPair[]): TextTable {
  return {
    head: ['INT', 'FP', 'block', 'κ crossover measured', 'κ crossover theory', 'κ crossover published'],
    numeric: [false, false, true, true, true, true],
    body: pairs.map((p) => [
      p.int,
      p.fp,
      String(p.blockSize),
      fmtCrossover(p.crossoverMeasured),
      fmtCrossover(p.crossoverTheory),
      p.crossoverPublished === null ? DASH : p.crossoverPublished.toFixed(2),
    ]),
  };
}

/** The points of one pair: κ, and QSNR measured and in theory for INT and FP. */
export function studyPointsTable(pair: StudyPair): TextTable {
  return {
    head: ['κ', `${pair.int} dB`, `${pair.fp} dB`, `${pair.int} theory dB`, `${pair.fp} theory dB`, 'better'],
    numeric: [true, true, true, true, true, false],
    body: pair.points.map((q) => [
      q.crest.toFixed(2),
      fmtDb(q.qsnrInt),
      fmtDb(q.qsnrFp),
      fmtDb(q.theoryInt),
      fmtDb(q.theoryFp),
      q.qsnrInt > q.qsnrFp ? 'INT' : q.qsnrInt < q.qsnrFp ? 'FP' : 'tie',
    ]),
  };
}

const rotationLabel = (b: number | null) => (b === null ? 'none' : `hadamard ${b}`);
const fmtSignedDb = (v: number) => (Number.isFinite(v) ? (v > 0 ? '+' : '') + v.toFixed(2) : fmtDb(v));

/** Rotation study: one line per tensor and rotation, QSNR per format and mean block crest factors. */
export function rotationTable(r: RotationStudyResult): TextTable {
  return {
    head: ['tensor', 'rotation', 'crest /16', 'crest /32', ...r.formats.map((f) => `${f} dB`)],
    numeric: [false, false, true, true, ...r.formats.map(() => true)],
    body: r.tensors.flatMap((t) => t.rows.map((row) => [
      t.name, rotationLabel(row.rotation), row.crest16.toFixed(2), row.crest32.toFixed(2), ...r.formats.map((f) => fmtDb(row.qsnrDb[f])),
    ])),
  };
}

/** Rotation study: QSNR(INT) − QSNR(FP) per rotation, and whether the rotation flips the winner to INT. */
export function rotationPairsTable(r: RotationStudyResult): TextTable {
  return {
    head: ['tensor', 'INT', 'FP', ...r.rotations.map((b) => `INT − FP dB, ${rotationLabel(b)}`), 'flip to INT'],
    numeric: [false, false, false, ...r.rotations.map(() => true), false],
    body: r.pairs.map((p) => [p.tensor, p.int, p.fp, ...p.intMinusFpDb.map(fmtSignedDb), p.flipped ? 'yes' : 'no']),
  };
}

export const ROTATION_NOTE = 'INT − FP > 0: the INT format has the higher QSNR. "flip to INT": FP wins without rotation and INT with every rotation block.';
