/**
 * SVG building blocks for the HTML report, rendered in Node as strings: escaping, axes from d3-scale
 * ticks, legends, data marks with <title> tooltips and a label placer that keeps labels apart.
 * Scales, ticks and colours come from d3; this file only lays them out.
 */
import type { ScaleBand, ScaleLinear } from 'd3-scale';

/** Text or attribute value safe inside HTML/SVG (& < > " ' as entities). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A coordinate with at most 2 decimals (keeps the SVG short and diff-stable). */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export const FONT = 11;
/** Rough width of one character of the report's sans-serif at FONT px, for layout only. */
export const CHAR_W = 6.4;

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function textWidth(s: string, size = FONT): number {
  return s.length * CHAR_W * (size / FONT);
}

/** Shortened to n characters with an ellipsis (the full text goes in a <title>). */
export function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

export function svgOpen(id: string, title: string, width: number, height: number): string {
  return (
    `<svg class="plot" data-plot="${esc(id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${px(width)} ${px(height)}" ` +
    `width="${px(width)}" height="${px(height)}" role="img" font-size="${FONT}"><title>${esc(title)}</title>`
  );
}

type Linear = ScaleLinear<number, number>;

/**
 * Bottom axis with d3's nice ticks (or the given tick values, written to 3 significant digits),
 * light grid lines up to `gridTop`, and a centred label.
 */
export function axisBottom(x: Linear, y0: number, gridTop: number, label: string, ticks: number | readonly number[] = 8): string {
  const fmt = typeof ticks === 'number' ? x.tickFormat(ticks) : (v: number) => String(Number(v.toPrecision(3)));
  const values = typeof ticks === 'number' ? x.ticks(ticks) : ticks;
  const [r0, r1] = x.range();
  const parts = [`<g class="axis axis-x"><line x1="${px(r0)}" x2="${px(r1)}" y1="${px(y0)}" y2="${px(y0)}" stroke="#333"/>`];
  for (const t of values) {
    const xx = px(x(t));
    parts.push(
      `<line class="grid" x1="${xx}" x2="${xx}" y1="${px(gridTop)}" y2="${px(y0)}" stroke="#e3e3e3"/>`,
      `<line x1="${xx}" x2="${xx}" y1="${px(y0)}" y2="${px(y0 + 5)}" stroke="#333"/>`,
      `<text x="${xx}" y="${px(y0 + 17)}" text-anchor="middle">${esc(fmt(t))}</text>`,
    );
  }
  if (label) parts.push(`<text class="axis-label" x="${px((r0 + r1) / 2)}" y="${px(y0 + 36)}" text-anchor="middle">${esc(label)}</text>`);
  parts.push('</g>');
  return parts.join('');
}

/** Left axis with d3's nice ticks, light grid lines across to `gridRight`, and a rotated label. */
export function axisLeft(y: Linear, x0: number, gridRight: number, label: string, ticks = 6): string {
  const fmt = y.tickFormat(ticks);
  const [r0, r1] = y.range();
  const parts = [`<g class="axis axis-y"><line x1="${px(x0)}" x2="${px(x0)}" y1="${px(r0)}" y2="${px(r1)}" stroke="#333"/>`];
  for (const t of y.ticks(ticks)) {
    const yy = px(y(t));
    parts.push(
      `<line class="grid" x1="${px(x0)}" x2="${px(gridRight)}" y1="${yy}" y2="${yy}" stroke="#e3e3e3"/>`,
      `<line x1="${px(x0 - 5)}" x2="${px(x0)}" y1="${yy}" y2="${yy}" stroke="#333"/>`,
      `<text x="${px(x0 - 8)}" y="${yy}" dy="0.32em" text-anchor="end">${esc(fmt(t))}</text>`,
    );
  }
  const mid = (r0 + r1) / 2;
  if (label) parts.push(`<text class="axis-label" transform="translate(${px(x0 - 42)},${px(mid)}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);
  parts.push('</g>');
  return parts.join('');
}

/** Category labels under a band axis (rotated when long), each with its full text as <title>. */
export function bandAxisBottom(x: ScaleBand<string>, y0: number, maxChars: number): string {
  const parts = ['<g class="axis axis-x">'];
  for (const d of x.domain()) {
    const cx = px((x(d) ?? 0) + x.bandwidth() / 2);
    parts.push(
      `<text transform="translate(${cx},${px(y0 + 8)}) rotate(-35)" text-anchor="end" dy="0.7em">` +
        `<title>${esc(d)}</title>${esc(clip(d, maxChars))}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

export function bandAxisLeft(y: ScaleBand<string>, x0: number, maxChars: number): string {
  const parts = ['<g class="axis axis-y">'];
  for (const d of y.domain()) {
    const cy = px((y(d) ?? 0) + y.bandwidth() / 2);
    parts.push(`<text x="${px(x0 - 6)}" y="${cy}" dy="0.32em" text-anchor="end"><title>${esc(d)}</title>${esc(clip(d, maxChars))}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

export type Shape = 'circle' | 'square' | 'ring' | 'line' | 'dashed' | 'dotted';

/** A point symbol with attributes `attrs` (class and more) and optional inner SVG (a <title>). */
function symbol(shape: 'circle' | 'square' | 'ring', x: number, y: number, r: number, color: string, attrs: string, inner = ''): string {
  if (shape === 'square')
    return `<rect ${attrs} x="${px(x - r)}" y="${px(y - r)}" width="${px(2 * r)}" height="${px(2 * r)}" fill="${color}" stroke="#fff" stroke-width="0.8">${inner}</rect>`;
  if (shape === 'ring')
    return `<circle ${attrs} cx="${px(x)}" cy="${px(y)}" r="${px(r)}" fill="#fff" fill-opacity="0.6" stroke="${color}" stroke-width="1.4">${inner}</circle>`;
  return `<circle ${attrs} cx="${px(x)}" cy="${px(y)}" r="${px(r)}" fill="${color}" stroke="#fff" stroke-width="0.8">${inner}</circle>`;
}

/** A data mark: a point with a tooltip; class `data-mark` plus `cls`, extra attributes as given. */
export function mark(shape: 'circle' | 'square' | 'ring', x: number, y: number, r: number, color: string, title: string, cls = '', attrs = ''): string {
  const a = `class="data-mark${cls ? ' ' + cls : ''}"${attrs ? ' ' + attrs : ''}`;
  return symbol(shape, x, y, r, color, a, `<title>${esc(title)}</title>`);
}

const DASHES: Record<string, string> = { line: '', dashed: ' stroke-dasharray="6 4"', dotted: ' stroke-dasharray="2 3"' };

/** The stroke-dasharray attribute (with a leading space) of a line shape; empty for solid lines. */
export function dashAttr(shape: 'line' | 'dashed' | 'dotted'): string {
  return DASHES[shape];
}

/** The legend swatch of a shape, centred on (x, y). */
function swatch(shape: Shape, x: number, y: number, color: string): string {
  if (shape === 'circle' || shape === 'square' || shape === 'ring')
    return symbol(shape, x, y, 4.5, color, 'class="legend-swatch"');
  return `<line x1="${px(x - 9)}" x2="${px(x + 9)}" y1="${px(y)}" y2="${px(y)}" stroke="${color}" stroke-width="2"${DASHES[shape]}/>`;
}

export interface LegendItem {
  label: string;
  color: string;
  shape: Shape;
}

/** A legend laid out in rows within `width` from (x, y); returns the SVG and the height used. */
export function legend(items: readonly LegendItem[], x: number, y: number, width: number): { svg: string; height: number } {
  const parts = ['<g class="legend">'];
  let cx = x;
  let cy = y + 8;
  for (const it of items) {
    const w = 24 + textWidth(it.label) + 14;
    if (cx > x && cx + w > x + width) {
      cx = x;
      cy += 18;
    }
    parts.push(swatch(it.shape, cx + 9, cy, it.color), `<text x="${px(cx + 22)}" y="${px(cy)}" dy="0.32em">${esc(it.label)}</text>`);
    cx += w;
  }
  parts.push('</g>');
  return { svg: parts.join(''), height: cy - y + 12 };
}

export interface LabelRequest {
  /** The point labelled. */
  x: number;
  y: number;
  text: string;
}

export interface PlacedLabel extends LabelRequest {
  lx: number;
  ly: number;
  anchor: 'start' | 'end';
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * Positions for point labels that do not overlap each other nor leave `bounds`: each label tries
 * right of its point, then left, then shifted up and down by whole lines, in that order; the
 * first free place wins (the nearest otherwise). Points are taken top to bottom.
 */
export function placeLabels(reqs: readonly LabelRequest[], bounds: Box, avoid: readonly Box[] = []): PlacedLabel[] {
  const placed: Box[] = [...avoid];
  const out: PlacedLabel[] = [];
  const lineH = FONT + 3;
  const order = [...reqs].sort((a, b) => a.y - b.y || a.x - b.x);
  for (const r of order) {
    const w = textWidth(r.text);
    let best: { box: Box; p: PlacedLabel } | undefined;
    for (let k = 0; k <= 12 && !best; k++) {
      for (const dy of k === 0 ? [0] : [-k * lineH, k * lineH]) {
        for (const anchor of ['start', 'end'] as const) {
          const lx = anchor === 'start' ? r.x + 8 : r.x - 8;
          const ly = r.y + dy;
          const box = { left: anchor === 'start' ? lx : lx - w, right: anchor === 'start' ? lx + w : lx, top: ly - lineH / 2, bottom: ly + lineH / 2 };
          if (box.left < bounds.left || box.right > bounds.right || box.top < bounds.top || box.bottom > bounds.bottom) continue;
          if (placed.some((b) => overlaps(b, box))) continue;
          best = { box, p: { ...r, lx, ly, anchor } };
          break;
        }
        if (best) break;
      }
    }
    if (!best) {
      const anchor = r.x + 8 + w <= bounds.right ? 'start' : 'end';
      const lx = anchor === 'start' ? r.x + 8 : r.x - 8;
      best = { box: { left: lx, right: lx, top: r.y, bottom: r.y }, p: { ...r, lx, ly: r.y, anchor } };
    }
    placed.push(best.box);
    out.push(best.p);
  }
  return out;
}

/** Placed labels as SVG text, with a thin leader line when a label moved away from its point. */
export function labelsSvg(labels: readonly PlacedLabel[]): string {
  return labels
    .map((l) => {
      const lead =
        Math.abs(l.ly - l.y) > 2
          ? `<line x1="${px(l.x)}" y1="${px(l.y)}" x2="${px(l.anchor === 'start' ? l.lx - 2 : l.lx + 2)}" y2="${px(l.ly)}" stroke="#999" stroke-width="0.7"/>`
          : '';
      return `${lead}<text class="point-label" x="${px(l.lx)}" y="${px(l.ly)}" dy="0.32em" text-anchor="${l.anchor}">${esc(l.text)}</text>`;
    })
    .join('');
}
