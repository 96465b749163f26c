/**
 * `numlab formats`: one row per format, derived from the registry (never typed here).
 * Table rows render numbers with formatValue (exact); JSON rows carry full-precision numbers
 * and null where a field does not apply. INT / bipolar rows put qmax in the max column and
 * qmin in the "min normal" column (headers say so); their minSubnormal, E/M and bias are blank.
 */
import Table from 'cli-table3';
import { fail } from '../errors.js';
import { BLOCK_FORMATS, bitsPerElement, blockElement, scaleBits, type BlockSpec } from '../formats/block-spec.js';
import { limitsOf } from '../formats/limits.js';
import { parseFormatName } from '../formats/names.js';
import { REGISTRY } from '../formats/registry.js';
import type { ElementSpec } from '../formats/spec.js';
import { formatValue } from './numfmt.js';

export const KINDS = ['minifloat', 'int', 'bipolar', 'block'] as const;
export type Kind = (typeof KINDS)[number];

export interface FormatRow {
  id: string;
  kind: Exclude<Kind, 'block'>;
  bits: number;
  /** Minifloats only (null otherwise). */
  expBits: number | null;
  manBits: number | null;
  bias: number | null;
  /** Largest finite value (qmax for INT / bipolar at scale 1). */
  max: number;
  /** Minifloats only: smallest positive normal. */
  minNormal: number | null;
  /** Minifloats only: smallest positive subnormal (null if the format has none). */
  minSubnormal: number | null;
  /** INT / bipolar only: the code range at scale 1 (null for minifloats). */
  qmin: number | null;
  qmax: number | null;
  specials: string;
  overflowDefault: string;
  description: string;
  source: string;
}

export function rowOf(spec: ElementSpec): FormatRow {
  const L = limitsOf(spec);
  const text = { description: spec.description, source: spec.source };
  if (L.kind === 'minifloat') {
    return {
      id: spec.id,
      kind: spec.kind,
      bits: L.bits,
      expBits: L.expBits,
      manBits: L.manBits,
      bias: L.bias,
      max: L.max,
      minNormal: L.minNormal,
      minSubnormal: L.minSubnormal,
      qmin: null,
      qmax: null,
      specials: L.specials,
      overflowDefault: L.overflowDefault,
      ...text,
    };
  }
  return {
    id: spec.id,
    kind: spec.kind,
    bits: L.bits,
    expBits: null,
    manBits: null,
    bias: null,
    max: L.qmax,
    minNormal: null,
    minSubnormal: null,
    qmin: L.qmin,
    qmax: L.qmax,
    specials: L.kind === 'bipolar' ? 'no zero' : '0',
    overflowDefault: 'saturate',
    ...text,
  };
}

/** A block format (docs/block-formats.md): element, block, scale and storage facts, derived from its row. */
export interface BlockFormatRow {
  id: string;
  kind: 'block';
  element: string;
  /** Element code width (packed). */
  bits: number;
  /** Largest element magnitude (MXINT: on the k · 2^-(b−2) grid). */
  elementMax: number;
  blockSize: number;
  /** 'e8m0fnu', 'ue4m3' or 'e{E}' (a BFP shared exponent of E bits). */
  scale: string;
  scaleBits: number;
  scaleRule: string;
  tensorScale: 'none' | 'f32';
  /** Stored bits per element: element bits + 8 / block size. */
  bitsPerElement: number;
  description: string;
  source: string;
}

export function blockRowOf(spec: BlockSpec): BlockFormatRow {
  const el = blockElement(spec);
  return {
    id: spec.id,
    kind: 'block',
    element: spec.element,
    bits: el.bits,
    elementMax: el.max,
    blockSize: spec.blockSize,
    scale: typeof spec.scale === 'object' ? `e${spec.scale.expBits}` : spec.scale,
    scaleBits: scaleBits(spec),
    scaleRule: spec.scaleRule,
    tensorScale: spec.tensorScale,
    bitsPerElement: bitsPerElement(spec),
    description: spec.description,
    source: spec.source,
  };
}

export interface FormatsOptions {
  json?: boolean;
  kind?: string;
}

/** The rows `numlab formats [name] [--kind k]` shows: element formats first, then block formats. */
export function selectRows(name: string | undefined, kind: string | undefined): (FormatRow | BlockFormatRow)[] {
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind))
    fail('BAD_OPTION', `--kind must be one of ${KINDS.join(', ')}; got ${JSON.stringify(kind)}`, kind);
  if (name !== undefined) {
    const block = BLOCK_FORMATS.find((b) => b.id === name);
    const row = block ? blockRowOf(block) : rowOf(parseFormatName(name));
    if (kind !== undefined && row.kind !== kind)
      fail('BAD_OPTION', `format ${JSON.stringify(row.id)} is of kind ${row.kind}, not ${kind}`, name);
    return [row];
  }
  return [
    ...REGISTRY.filter((s) => kind === undefined || s.kind === kind).map(rowOf),
    ...(kind === undefined || kind === 'block' ? BLOCK_FORMATS.map(blockRowOf) : []),
  ];
}

const cell = (v: number | null) => (v === null ? '' : formatValue(v));

export function renderTable(rows: readonly FormatRow[]): string {
  const table = new Table({
    head: ['id', 'kind', 'bits', 'E/M', 'bias', 'max (qmax)', 'min normal (qmin)', 'min subnormal', 'specials', 'overflow default', 'description'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of rows) {
    const isInt = r.kind !== 'minifloat';
    table.push([
      r.id,
      r.kind,
      String(r.bits),
      r.expBits === null ? '' : `${r.expBits}/${r.manBits}`,
      r.bias === null ? '' : String(r.bias),
      cell(r.max),
      isInt ? cell(r.qmin) : cell(r.minNormal),
      cell(r.minSubnormal),
      r.specials,
      r.overflowDefault,
      r.description,
    ]);
  }
  return table.toString();
}

export function renderBlockTable(rows: readonly BlockFormatRow[]): string {
  const table = new Table({
    head: ['id', 'element', 'bits', 'element max', 'block', 'scale', 'scale rule', 'tensor scale', 'bits/elem', 'description'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of rows)
    table.push([r.id, r.element, String(r.bits), formatValue(r.elementMax), String(r.blockSize), r.scale, r.scaleRule, r.tensorScale, String(r.bitsPerElement), r.description]);
  return table.toString();
}

export function runFormats(name: string | undefined, opts: FormatsOptions, out: (s: string) => void): void {
  const rows = selectRows(name, opts.kind);
  if (opts.json) {
    out(JSON.stringify(rows, null, 2));
    return;
  }
  const el = rows.filter((r): r is FormatRow => r.kind !== 'block');
  const bl = rows.filter((r): r is BlockFormatRow => r.kind === 'block');
  out([...(el.length ? [renderTable(el)] : []), ...(bl.length ? [(el.length ? 'block formats\n' : '') + renderBlockTable(bl)] : [])].join('\n\n'));
}
