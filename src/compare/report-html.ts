/**
 * `numlab compare` and `numlab study` results as one self-contained HTML file: inline CSS, inline
 * SVG plots rendered here in Node, no script and no network (a Content-Security-Policy forbids
 * both). Every data mark has class `data-mark` and a <title> tooltip; every plot is an
 * `<svg class="plot" data-plot="…">`. Scales, ticks, colours and paths come from d3.
 * Node-side only (imports d3 by bare specifier): not exported from src/index.ts.
 */
import { extent, group, max, mean, sum } from 'd3-array';
import { scaleBand, scaleLinear, scaleOrdinal, scaleSequential, type ScaleLinear } from 'd3-scale';
import { interpolateViridis, schemeDark2, schemeTableau10 } from 'd3-scale-chromatic';
import { line } from 'd3-shape';
import { paretoFront } from './pareto.js';
import {
  bestPerTensorTable,
  fmtBits,
  fmtDb,
  formatTable,
  overallTable,
  provenanceItems,
  ROTATION_NOTE,
  rotationPairsTable,
  rotationTable,
  seriesLabel,
  studyPairsTable,
  studyPointsTable,
  tensorTable,
  type TextTable,
} from './report-format.js';
import {
  axisBottom,
  axisLeft,
  bandAxisBottom,
  bandAxisLeft,
  CHAR_W,
  clip,
  dashAttr,
  esc,
  labelsSvg,
  legend,
  mark,
  placeLabels,
  px,
  svgOpen,
  type Box,
  type LegendItem,
} from './report-svg.js';
import type { CompareResult, CompareRow, Provenance, RotationStudyResult, StudyPair, StudyResult } from './types.js';

const W = 760;
const MARGIN = { top: 16, right: 24, bottom: 48, left: 64 };

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; background: #fff; }
h1 { font-size: 1.6em; margin: 0.4em 0; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 0.9em; }
dl.provenance dt { font-weight: 600; } dl.provenance dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; font-size: 0.88em; margin: 8px 0 16px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e5e5e5; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.ranked tbody tr:first-child td { font-weight: 600; }
figure { margin: 12px 0 28px; } figcaption { font-size: 0.88em; color: #555; max-width: 760px; }
svg.plot { max-width: 100%; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.plot text { fill: #222; } svg.plot .axis-label { font-weight: 600; } svg.plot .point-label { font-size: 10.5px; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.plot .panel-title { font-weight: 600; }
.best { font-size: 1.05em; }
`;

function htmlTable(t: TextTable, cls = ''): string {
  const cell = (tag: string, s: string, i: number) => `<${tag}${t.numeric[i] ? ' class="num"' : ''}>${esc(s)}</${tag}>`;
  const head = `<tr>${t.head.map((h, i) => cell('th', h, i)).join('')}</tr>`;
  const body = t.body.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

function provenanceHtml(p: Provenance): string {
  return `<dl class="provenance">${provenanceItems(p)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('')}</dl>`;
}

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${CSS}</style></head>`,
    `<body><main>\n${body}\n</main></body></html>`,
    '',
  ].join('\n');
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

/** Categorical colours by series label, in a fixed order so every plot agrees. */
function palette(labels: readonly string[]): (label: string) => string {
  return scaleOrdinal<string, string>().domain(labels).range([...schemeTableau10, ...schemeDark2]);
}

/** A linear scale over `values` with 6 % padding each side, then made nice by d3. */
function padded(values: readonly number[], range: [number, number]): ScaleLinear<number, number> {
  const [lo, hi] = extent(values) as [number, number];
  const span = hi - lo || Math.abs(hi) || 1;
  return scaleLinear()
    .domain([lo - 0.06 * span, hi + 0.06 * span])
    .range(range)
    .nice();
}

function finiteQsnr(r: CompareRow): r is CompareRow & { qsnrDb: number } {
  return r.qsnrDb !== null && Number.isFinite(r.qsnrDb);
}

function emptyPlot(id: string, title: string, why: string): string {
  return `${svgOpen(id, title, W, 60)}<text x="${W / 2}" y="34" text-anchor="middle">${esc(why)}</text></svg>`;
}

/** Plot frame: inner box and the bottom edge below which legends go. */
function frame(innerH: number, left = MARGIN.left) {
  const inner: Box = { left, top: MARGIN.top, right: W - MARGIN.right, bottom: MARGIN.top + innerH };
  return { inner, legendTop: inner.bottom + MARGIN.bottom };
}

interface SeriesPoint {
  label: string;
  x: number;
  y: number;
  rows: (CompareRow & { qsnrDb: number })[];
}

/** (a) QSNR vs bits per element: one ring per row, one labelled dot per series mean, Pareto front line. */
export function plotQsnrVsBits(result: CompareResult, color: (s: string) => string): string {
  const id = 'qsnr-vs-bits';
  const title = 'QSNR vs effective bits per element';
  const rows = result.rows.filter(finiteQsnr);
  if (rows.length === 0) return emptyPlot(id, title, 'No finite QSNR to plot (all exact or undefined).');
  const series: SeriesPoint[] = Array.from(group(rows, seriesLabel), ([label, rs]) => ({
    label,
    x: mean(rs, (r) => r.bitsPerElement)!,
    y: mean(rs, (r) => r.qsnrDb)!,
    rows: rs,
  }));
  const front = paretoFront(series);
  const onFront = new Set(front);
  const { inner, legendTop } = frame(360);
  const x = padded(rows.map((r) => r.bitsPerElement), [inner.left, inner.right]);
  const y = padded(rows.map((r) => r.qsnrDb), [inner.bottom, inner.top]);
  const parts = [svgOpen(id, title, W, 0)];
  parts.push(axisBottom(x, inner.bottom, inner.top, 'effective bits per element (element + scale overhead)'));
  parts.push(axisLeft(y, inner.left, inner.right, 'QSNR (dB)'));
  const path = line<SeriesPoint>()
    .x((d) => x(d.x))
    .y((d) => y(d.y))(front);
  parts.push(`<path class="pareto-front" d="${path ?? ''}" fill="none" stroke="#222" stroke-width="1.5"${dashAttr('dashed')}><title>${esc(`Pareto front: ${front.map((f) => f.label).join(', ')}`)}</title></path>`);
  for (const s of series)
    for (const r of s.rows)
      parts.push(mark('ring', x(r.bitsPerElement), y(r.qsnrDb), 3.2, color(s.label), `${r.tensor} · ${s.label}: ${fmtDb(r.qsnrDb)} dB at ${fmtBits(r.bitsPerElement)} bits/elem`, 'row-mark'));
  for (const s of series) {
    const tip = `${s.label}: mean ${fmtDb(s.y)} dB over ${s.rows.length} tensor(s) at ${fmtBits(s.x)} bits/elem${onFront.has(s) ? ' (Pareto front)' : ''}`;
    parts.push(mark('circle', x(s.x), y(s.y), 5.5, color(s.label), tip, 'mean-mark', `data-series="${esc(s.label)}" data-front="${onFront.has(s)}"`));
  }
  const dots: Box[] = series.map((s) => ({ left: x(s.x) - 6, right: x(s.x) + 6, top: y(s.y) - 6, bottom: y(s.y) + 6 }));
  parts.push(labelsSvg(placeLabels(series.map((s) => ({ x: x(s.x), y: y(s.y), text: s.label })), inner, dots)));
  const lg = legend(
    [
      { label: 'mean over tensors (labelled)', color: '#555', shape: 'circle' },
      { label: 'one tensor', color: '#555', shape: 'ring' },
      { label: 'Pareto front of the means (fewer bits, higher QSNR)', color: '#222', shape: 'dashed' },
    ],
    inner.left,
    legendTop,
    inner.right - inner.left,
  );
  parts.push(lg.svg, '</svg>');
  return withHeight(parts, legendTop + lg.height + 6);
}

/** Sets the height of an SVG opened with height 0 once the content is laid out. */
function withHeight(parts: string[], height: number): string {
  parts[0] = parts[0].replace(/viewBox="0 0 (\S+) 0" width="(\S+)" height="0"/, `viewBox="0 0 $1 ${px(height)}" width="$2" height="${px(height)}"`);
  return parts.join('');
}

function seriesLegend(labels: readonly string[], color: (s: string) => string, shape: LegendItem['shape'] = 'circle'): LegendItem[] {
  return labels.map((label) => ({ label, color: color(label), shape }));
}

/** (b) QSNR vs the tensor's crest factor, one line per series through its tensors. */
export function plotQsnrVsCrest(result: CompareResult, color: (s: string) => string): string {
  const id = 'qsnr-vs-crest';
  const title = 'QSNR vs tensor crest factor';
  const crestOf = new Map(result.tensors.map((t) => [t.name, t.crest]));
  const rows = result.rows.filter((r) => finiteQsnr(r) && crestOf.has(r.tensor)) as (CompareRow & { qsnrDb: number })[];
  if (rows.length === 0) return emptyPlot(id, title, 'No finite QSNR to plot (all exact or undefined).');
  const { inner, legendTop } = frame(340);
  const x = padded(rows.map((r) => crestOf.get(r.tensor)!), [inner.left, inner.right]);
  const y = padded(rows.map((r) => r.qsnrDb), [inner.bottom, inner.top]);
  const parts = [svgOpen(id, title, W, 0)];
  parts.push(axisBottom(x, inner.bottom, inner.top, 'tensor crest factor κ = absmax / RMS'));
  parts.push(axisLeft(y, inner.left, inner.right, 'QSNR (dB)'));
  const groups = Array.from(group(rows, seriesLabel));
  for (const [label, rs] of groups) {
    const pts = [...rs].sort((a, b) => crestOf.get(a.tensor)! - crestOf.get(b.tensor)!);
    const d = line<CompareRow & { qsnrDb: number }>()
      .x((r) => x(crestOf.get(r.tensor)!))
      .y((r) => y(r.qsnrDb))(pts);
    parts.push(`<path class="series-line" d="${d ?? ''}" fill="none" stroke="${color(label)}" stroke-width="1.6"><title>${esc(label)}</title></path>`);
    for (const r of pts)
      parts.push(mark('circle', x(crestOf.get(r.tensor)!), y(r.qsnrDb), 4, color(label), `${r.tensor} (κ ${crestOf.get(r.tensor)!.toFixed(2)}) · ${label}: ${fmtDb(r.qsnrDb)} dB`));
  }
  const lg = legend(seriesLegend(groups.map(([l]) => l), color), inner.left, legendTop, inner.right - inner.left);
  parts.push(lg.svg, '</svg>');
  return withHeight(parts, legendTop + lg.height + 6);
}

/** (c) Heat map of QSNR, tensors down, series across, values written in the cells, colour bar below. */
export function plotHeatmap(result: CompareResult, seriesOrder: readonly string[]): string {
  const id = 'qsnr-heatmap';
  const title = 'QSNR by tensor and format';
  const finite = result.rows.filter(finiteQsnr).map((r) => r.qsnrDb);
  if (result.rows.length === 0) return emptyPlot(id, title, 'No rows.');
  const tensors = result.tensors.map((t) => t.name);
  const labelChars = 26;
  const axisChars = 24;
  const longest = Math.min(axisChars, max(seriesOrder, (s) => s.length) ?? 1) * CHAR_W;
  const rad = (35 * Math.PI) / 180;
  // room for the tensor names, and for the first rotated format label reaching left of its column
  const left = Math.max(Math.min(labelChars, max(tensors, (t) => t.length) ?? 1) * CHAR_W + 16, longest * Math.cos(rad) - 14);
  const cellH = 28;
  const cellW = Math.max(44, Math.min(96, (W - left - MARGIN.right) / Math.max(1, seriesOrder.length)));
  const xb = scaleBand<string>().domain(seriesOrder).range([left, left + cellW * seriesOrder.length]).padding(0.04);
  const yb = scaleBand<string>().domain(tensors).range([MARGIN.top, MARGIN.top + cellH * tensors.length]).padding(0.06);
  const [lo0, hi0] = finite.length ? (extent(finite) as [number, number]) : [0, 1];
  const [lo, hi] = lo0 === hi0 ? [lo0 - 1, hi0 + 1] : [lo0, hi0];
  const fill = scaleSequential(interpolateViridis).domain([lo, hi]);
  const shade = scaleLinear().domain([lo, hi]).range([0, 1]);
  const bottomOfCells = MARGIN.top + cellH * tensors.length;
  const labelDepth = longest * Math.sin(rad) + 24;
  const width = Math.max(W, left + cellW * seriesOrder.length + MARGIN.right);
  const parts = [svgOpen(id, title, width, 0)];
  const byKey = new Map(result.rows.map((r) => [`${r.tensor}\u0000${seriesLabel(r)}`, r]));
  for (const t of tensors)
    for (const s of seriesOrder) {
      const r = byKey.get(`${t}\u0000${s}`);
      const cx = xb(s)!;
      const cy = yb(t)!;
      const cw = xb.bandwidth();
      const ch = yb.bandwidth();
      if (!r) {
        parts.push(`<rect x="${px(cx)}" y="${px(cy)}" width="${px(cw)}" height="${px(ch)}" fill="#f0f0f0"><title>${esc(`${t} · ${s}: not measured`)}</title></rect>`);
        continue;
      }
      const q = r.qsnrDb;
      const finiteQ = q !== null && Number.isFinite(q);
      const bg = finiteQ ? fill(q) : q === Infinity ? '#ffffff' : '#d9d9d9';
      const ink = finiteQ && shade(q) < 0.6 ? '#ffffff' : '#111111';
      parts.push(
        `<rect class="data-mark cell" x="${px(cx)}" y="${px(cy)}" width="${px(cw)}" height="${px(ch)}" fill="${bg}" stroke="#bbb" stroke-width="${finiteQ ? 0 : 0.8}">` +
          `<title>${esc(`${t} · ${s}: ${fmtDb(q)} dB`)}</title></rect>`,
        `<text x="${px(cx + cw / 2)}" y="${px(cy + ch / 2)}" dy="0.32em" text-anchor="middle" style="fill:${ink}" pointer-events="none">${esc(fmtDb(q))}</text>`,
      );
    }
  parts.push(bandAxisLeft(yb, left, labelChars), bandAxisBottom(xb, bottomOfCells, axisChars));
  // colour bar: the interpolator sampled by d3 at 11 stops, ticks from a linear scale over the domain
  const barTop = bottomOfCells + labelDepth + 10;
  const barLeft = left;
  const barW = Math.min(320, width - barLeft - MARGIN.right);
  const stops = Array.from({ length: 11 }, (_, i) => `<stop offset="${i * 10}%" stop-color="${interpolateViridis(i / 10)}"/>`).join('');
  const bar = scaleLinear().domain([lo, hi]).range([barLeft, barLeft + barW]);
  parts.push(
    `<defs><linearGradient id="numlab-viridis" x1="0" x2="1" y1="0" y2="0">${stops}</linearGradient></defs>`,
    `<g class="legend colour-scale"><text x="${px(barLeft)}" y="${px(barTop - 4)}">QSNR (dB)</text>`,
    `<rect x="${px(barLeft)}" y="${px(barTop)}" width="${px(barW)}" height="12" fill="url(#numlab-viridis)" stroke="#999" stroke-width="0.5"/>`,
  );
  const fmt = bar.tickFormat(5);
  for (const t of bar.ticks(5))
    parts.push(
      `<line x1="${px(bar(t))}" x2="${px(bar(t))}" y1="${px(barTop + 12)}" y2="${px(barTop + 16)}" stroke="#333"/>`,
      `<text x="${px(bar(t))}" y="${px(barTop + 27)}" text-anchor="middle">${esc(fmt(t))}</text>`,
    );
  parts.push(`<text x="${px(barLeft + barW + 12)}" y="${px(barTop + 10)}">white: exact (∞) · grey: undefined (—)</text></g>`, '</svg>');
  return withHeight(parts, barTop + 36);
}

/** (d) Error histograms as small multiples, one panel per (tensor × series), each bar a data mark. */
export function plotHistograms(result: CompareResult, seriesOrder: readonly string[], color: (s: string) => string): string {
  const id = 'error-histograms';
  const title = 'Error histograms: (x̂ − x) / RMS(x)';
  const rank = new Map(seriesOrder.map((s, i) => [s, i]));
  const tensorRank = new Map(result.tensors.map((t, i) => [t.name, i]));
  const rows = [...result.rows]
    .filter((r) => r.histogram.counts.length > 0)
    .sort((a, b) => (tensorRank.get(a.tensor) ?? 0) - (tensorRank.get(b.tensor) ?? 0) || rank.get(seriesLabel(a))! - rank.get(seriesLabel(b))!);
  if (rows.length === 0) return emptyPlot(id, title, 'No histograms in the result.');
  const cols = 4;
  const pw = (W - 16) / cols;
  const ph = 128;
  const pin = { left: 40, right: 10, top: 34, bottom: 24 };
  const parts = [svgOpen(id, title, W, 0)];
  rows.forEach((r, k) => {
    const ox = 8 + (k % cols) * pw;
    const oy = 8 + Math.floor(k / cols) * ph;
    const s = seriesLabel(r);
    const { range, counts } = r.histogram;
    const total = sum(counts) || 1;
    const x = scaleLinear().domain([-range, range]).range([ox + pin.left, ox + pw - pin.right]);
    const y = scaleLinear()
      .domain([0, max(counts)! / total || 1])
      .range([oy + ph - pin.bottom, oy + pin.top])
      .nice();
    const bw = (2 * range) / counts.length;
    const chars = Math.floor((pw - 12) / CHAR_W);
    const dbText = ` · ${fmtDb(r.qsnrDb)} dB`;
    parts.push(
      `<g class="panel"><text class="panel-title" x="${px(ox + 4)}" y="${px(oy + 10)}"><title>${esc(`${r.tensor} · ${s}`)}</title>${esc(clip(r.tensor, chars - 2))}</text>`,
      `<text x="${px(ox + 4)}" y="${px(oy + 23)}"><title>${esc(s)}</title>${esc(clip(s, chars - dbText.length))}${esc(dbText)}</text>`,
      `<g font-size="9.5">`,
      axisBottom(x, oy + ph - pin.bottom, oy + pin.top, '', [-range, 0, range]),
      axisLeft(y, ox + pin.left, ox + pw - pin.right, '', 2),
      '</g>',
    );
    counts.forEach((c, i) => {
      if (c === 0) return;
      const a = -range + i * bw;
      const edge = i === 0 ? ' and below' : i === counts.length - 1 ? ' and above' : '';
      const tip = `${r.tensor} · ${s}: [${fmtBits(a)}, ${fmtBits(a + bw)})${edge}: ${c} of ${total} (${((100 * c) / total).toFixed(2)} %)`;
      parts.push(
        `<rect class="data-mark bar" x="${px(x(a))}" y="${px(y(c / total))}" width="${px(Math.max(0.5, x(a + bw) - x(a) - 0.3))}" ` +
          `height="${px(y(0) - y(c / total))}" fill="${color(s)}"><title>${esc(tip)}</title></rect>`,
      );
    });
    parts.push('</g>');
  });
  const top = 8 + Math.ceil(rows.length / cols) * ph + 6;
  parts.push(
    `<text x="8" y="${px(top + 4)}">x: error (x̂ − x) / RMS(x), out-of-range errors in the end bins · y: share of elements per bin</text>`,
  );
  const lg = legend(seriesLegend(seriesOrder, color, 'square'), 8, top + 12, W - 16);
  parts.push(lg.svg, '</svg>');
  return withHeight(parts, top + 12 + lg.height + 6);
}

/** Series labels (format, options, granularity) in the order they first appear in the rows. */
function seriesOrderOf(result: CompareResult): string[] {
  return Array.from(new Set(result.rows.map(seriesLabel)));
}

export function renderHtml(result: CompareResult): string {
  const order = seriesOrderOf(result);
  const color = palette(order);
  const ranked = overallTable(result.best);
  const body: string[] = ['<h1>numlab compare</h1>', provenanceHtml(result.provenance)];
  body.push('<h2>Tensors</h2>', htmlTable(tensorTable(result.tensors)));
  body.push('<h2>Best format</h2>');
  if (ranked.body.length > 0) {
    const [, format, granularity, , perBit] = ranked.body[0];
    body.push(`<p class="best">Best overall by mean QSNR per bit: <strong>${esc(format)}</strong> (${esc(granularity)}), ${esc(perBit)} dB/bit.</p>`);
  }
  body.push('<p>Per tensor (highest QSNR):</p>', htmlTable(bestPerTensorTable(result.best)));
  body.push('<p>Overall (mean over tensors, ranked by QSNR per bit):</p>', htmlTable(ranked, 'ranked'));
  body.push('<h2>Plots</h2>');
  body.push(
    figure(plotQsnrVsBits(result, color), 'QSNR against storage cost. Rings: one tensor; dots: mean over tensors of each format; dashed line: the formats no other beats on both bits and mean QSNR. Exact (∞) and undefined QSNR are left out.'),
    figure(plotQsnrVsCrest(result, color), 'How each format degrades as the tensor’s crest factor (outliers) grows.'),
    figure(plotHeatmap(result, order), 'QSNR of every tensor × format; brighter is better.'),
    figure(plotHistograms(result, order, color), 'Distribution of the quantization error relative to the tensor’s RMS, per tensor and format.'),
  );
  for (const t of result.tensors) {
    const rows = result.rows.filter((r) => r.tensor === t.name);
    body.push(`<h2>Tensor ${esc(t.name)}</h2>`, rows.length ? htmlTable(formatTable(rows), 'ranked') : '<p><em>No rows for this tensor.</em></p>');
  }
  return page(`numlab compare — ${result.tensors.map((t) => t.name).join(', ')}`, body.join('\n'));
}

/** QSNR vs κ for one INT/FP pair: measured markers, theory lines, crossovers as vertical lines. */
export function plotStudyPair(pair: StudyPair, index: number): string {
  const id = `study-${index}-${pair.int}-vs-${pair.fp}`;
  const title = `${pair.int} vs ${pair.fp}: QSNR vs crest factor`;
  if (pair.points.length === 0) return emptyPlot(id, title, 'No points.');
  const [cInt, cFp] = schemeTableau10;
  const { inner, legendTop } = frame(300);
  const pts = [...pair.points].sort((a, b) => a.crest - b.crest);
  const x = padded(pts.map((p) => p.crest), [inner.left, inner.right]);
  const y = padded(pts.flatMap((p) => [p.qsnrInt, p.qsnrFp, p.theoryInt, p.theoryFp]).filter(Number.isFinite), [inner.bottom, inner.top]);
  const parts = [svgOpen(id, title, W, 0)];
  parts.push(axisBottom(x, inner.bottom, inner.top, 'block crest factor κ = amax / σ'));
  parts.push(axisLeft(y, inner.left, inner.right, 'QSNR (dB)'));
  const [d0, d1] = x.domain();
  const cross: { k: number | null; what: string; shape: 'line' | 'dashed' | 'dotted' }[] = [
    { k: pair.crossoverMeasured, what: 'measured', shape: 'line' },
    { k: pair.crossoverTheory, what: 'theory', shape: 'dashed' },
    { k: pair.crossoverPublished, what: 'published', shape: 'dotted' },
  ];
  const crossLabels = [];
  const crossBoxes: Box[] = [];
  const crossLegend: LegendItem[] = [];
  for (const c of cross) {
    if (c.k === null || c.k < d0 || c.k > d1) continue;
    const cx = x(c.k);
    crossBoxes.push({ left: cx - 1, right: cx + 1, top: inner.top, bottom: inner.bottom });
    crossLegend.push({ label: `crossover: ${c.what}`, color: '#444', shape: c.shape });
    parts.push(
      `<line class="crossover data-mark" x1="${px(cx)}" x2="${px(cx)}" y1="${px(inner.top)}" y2="${px(inner.bottom)}" stroke="#444" stroke-width="1.2"${dashAttr(c.shape)}>` +
        `<title>${esc(`crossover (${c.what}): κ = ${c.k.toFixed(2)}`)}</title></line>`,
    );
    crossLabels.push({ x: cx, y: inner.top + 8, text: `${c.what} κ=${c.k.toFixed(2)}` });
  }
  const theory = (get: (p: (typeof pts)[number]) => number) =>
    line<(typeof pts)[number]>()
      .defined((p) => Number.isFinite(get(p)))
      .x((p) => x(p.crest))
      .y((p) => y(get(p)))(pts) ?? '';
  parts.push(
    `<path class="data-mark theory" d="${theory((p) => p.theoryInt)}" fill="none" stroke="${cInt}" stroke-width="1.8"><title>${esc(`${pair.int} theory (closed form)`)}</title></path>`,
    `<path class="data-mark theory" d="${theory((p) => p.theoryFp)}" fill="none" stroke="${cFp}" stroke-width="1.8"><title>${esc(`${pair.fp} theory (closed form)`)}</title></path>`,
  );
  for (const p of pts) {
    const k = `κ ${p.crest.toFixed(2)}`;
    if (Number.isFinite(p.qsnrInt)) parts.push(mark('circle', x(p.crest), y(p.qsnrInt), 4, cInt, `${pair.int} at ${k}: ${fmtDb(p.qsnrInt)} dB (theory ${fmtDb(p.theoryInt)})`));
    if (Number.isFinite(p.qsnrFp)) parts.push(mark('square', x(p.crest), y(p.qsnrFp), 3.6, cFp, `${pair.fp} at ${k}: ${fmtDb(p.qsnrFp)} dB (theory ${fmtDb(p.theoryFp)})`));
  }
  parts.push(labelsSvg(placeLabels(crossLabels, inner, crossBoxes)));
  const lg = legend(
    [
      { label: `${pair.int} measured`, color: cInt, shape: 'circle' },
      { label: `${pair.fp} measured`, color: cFp, shape: 'square' },
      { label: `${pair.int} theory`, color: cInt, shape: 'line' },
      { label: `${pair.fp} theory`, color: cFp, shape: 'line' },
      ...crossLegend,
    ],
    inner.left,
    legendTop,
    inner.right - inner.left,
  );
  parts.push(lg.svg, '</svg>');
  return withHeight(parts, legendTop + lg.height + 6);
}

export function renderStudyHtml(study: StudyResult): string {
  const body: string[] = ['<h1>numlab study int-vs-fp</h1>', provenanceHtml(study.provenance)];
  body.push('<h2>Crossovers</h2>', '<p>κ = amax/σ of the blocks; INT has the higher QSNR below the crossover.</p>', htmlTable(studyPairsTable(study.pairs)));
  study.pairs.forEach((p, i) => {
    body.push(
      `<h2>${esc(p.int)} vs ${esc(p.fp)} (block ${p.blockSize})</h2>`,
      figure(plotStudyPair(p, i), 'Markers: measured QSNR; lines: the closed-form theory; vertical lines: crossovers (INT better to the left).'),
      `<details><summary>QSNR at each of the ${p.points.length} crest factors</summary>\n${htmlTable(studyPointsTable(p))}\n</details>`,
    );
  });
  return page('numlab study int-vs-fp', body.join('\n'));
}

export function renderRotationHtml(study: RotationStudyResult): string {
  const body = ['<h1>numlab study rotation</h1>', provenanceHtml(study.provenance)];
  body.push('<h2>Does a block Hadamard rotation flip INT above FP?</h2>', `<p>${esc(ROTATION_NOTE)}</p>`, htmlTable(rotationPairsTable(study)));
  body.push('<h2>QSNR per tensor and rotation</h2>', '<p>QSNR in the rotated basis; crest = mean amax/RMS of blocks of 16 / 32 along k.</p>', htmlTable(rotationTable(study)));
  return page('numlab study rotation', body.join('\n'));
}
