import { describe, expect, it } from 'vitest';
import { renderHtml, renderRotationHtml, renderStudyHtml } from '../../src/compare/report-html.js';
import { studyRotation } from '../../src/compare/study-rotation.js';
import { compareFixture, EVIL_NAME, FIXTURE_DOMINATED, FIXTURE_FRONT, studyFixture } from '../helpers/compare-fixture.js';

/** Each `<svg class="plot">` of a page by its data-plot name (plots hold no nested <svg>). */
function plots(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<svg class="plot" data-plot="([^"]+)"[\s\S]*?<\/svg>/g)) out.set(m[1], m[0]);
  return out;
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
const MARK = /class="data-mark[ "]/g;

/** Attributes of the mean marks of the QSNR-vs-bits plot. */
function means(svg: string) {
  return Array.from(svg.matchAll(/<circle class="data-mark mean-mark" data-series="([^"]+)" data-front="(true|false)" cx="([^"]+)" cy="([^"]+)"/g), (m) => ({
    series: m[1],
    front: m[2] === 'true',
    cx: Number(m[3]),
    cy: Number(m[4]),
  }));
}

const EVIL_HTML = '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;q&#39; | w_2*';

function expectSelfContained(html: string) {
  expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\s(?:src|href)=/i);
  expect(html).not.toMatch(/@import|url\((?!#)/);
  expect(html.match(/https?:\/\/[^"\s]*/g)?.every((u) => u === 'http://www.w3.org/2000/svg') ?? true).toBe(true);
  // every data mark carries a tooltip as its first child
  expect(html).not.toMatch(/class="data-mark[^"]*"[^>]*>(?!<title>[^<]+<\/title>)/);
  expect(count(html, /<svg class="plot"/g)).toBe(plots(html).size);
}

describe('renderHtml', () => {
  const result = compareFixture();
  const html = renderHtml(result);
  const p = plots(html);

  it('is one self-contained page: inline CSS and SVG, no script, no external reference', () => {
    expectSelfContained(html);
    expect(html).toContain('<style>');
  });

  it('has the four plots, each with axes, a legend, a title and data marks', () => {
    expect([...p.keys()]).toEqual(['qsnr-vs-bits', 'qsnr-vs-crest', 'qsnr-heatmap', 'error-histograms']);
    for (const [name, svg] of p) {
      expect(svg, name).toMatch(/^<svg class="plot" data-plot="[^"]+" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 760 [\d.]+" width="760" height="[\d.]+"/);
      expect(svg, name).toContain('class="axis axis-x"');
      expect(svg, name).toContain('class="axis axis-y"');
      expect(svg, name).toContain('class="legend');
      expect(svg, name).toMatch(/^<svg[^>]*><title>[^<]+<\/title>/);
      expect(count(svg, MARK), name).toBeGreaterThanOrEqual(1);
    }
    expect(count(p.get('qsnr-vs-bits')!, MARK)).toBe(21 + 7); // a ring per row, a dot per format
    expect(count(p.get('qsnr-vs-crest')!, MARK)).toBe(21);
    expect(count(p.get('qsnr-heatmap')!, MARK)).toBe(21);
    const bars = result.rows.reduce((n, r) => n + r.histogram.counts.filter((c) => c > 0).length, 0);
    expect(count(p.get('error-histograms')!, MARK)).toBe(bars);
  });

  it('marks the hand-checked Pareto front and draws its line through those points by ascending bits', () => {
    const svg = p.get('qsnr-vs-bits')!;
    const m = means(svg);
    expect(m).toHaveLength(7);
    expect(m.filter((x) => x.front).map((x) => x.series).sort()).toEqual([...FIXTURE_FRONT].sort());
    expect(m.filter((x) => !x.front).map((x) => x.series).sort()).toEqual([...FIXTURE_DOMINATED].sort());
    const d = /class="pareto-front" d="M([^"]+)"/.exec(svg)![1];
    const vertices = d.split('L').map((v) => v.split(',').map(Number));
    const expected = FIXTURE_FRONT.map((s) => m.find((x) => x.series === s)!);
    expect(vertices).toHaveLength(expected.length);
    vertices.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(expected[i].cx, 1);
      expect(y).toBeCloseTo(expected[i].cy, 1);
    });
    // higher QSNR is drawn higher: int8 (37 dB) above mxfp4 (17.5 dB)
    expect(m.find((x) => x.series === 'int8 (channel)')!.cy).toBeLessThan(m.find((x) => x.series === 'mxfp4 (block:32)')!.cy);
    const labels = Array.from(svg.matchAll(/<text class="point-label"[^>]*>([^<]+)<\/text>/g), (l) => l[1]);
    expect(labels.sort()).toEqual([...FIXTURE_FRONT, ...FIXTURE_DOMINATED].sort());
  });

  it('writes the QSNR values in the heat map cells with a colour bar', () => {
    const svg = p.get('qsnr-heatmap')!;
    for (const v of ['44.00', '31.60', '11.00', '25.50']) expect(svg).toContain(`>${v}</text>`);
    expect(svg).toContain('<linearGradient id="numlab-viridis"');
    expect(count(svg, /<stop /g)).toBe(11);
    expect(svg).toMatch(/class="legend colour-scale"/);
  });

  it('escapes every user-supplied text (tensor names, paths, command)', () => {
    expect(html).not.toContain(EVIL_NAME);
    expect(html).toContain(`<h2>Tensor ${EVIL_HTML}</h2>`);
    expect(p.get('qsnr-heatmap')).toContain(`<title>${EVIL_HTML}</title>`);
    expect(html).toContain('model &#38; co/w1.npy (524416 B');
    expect(html).not.toMatch(/&(?!#\d+;|amp;|lt;|gt;|quot;)/);
  });

  it('has the tables of the Markdown report: tensors, best, overall, one per tensor sorted by QSNR', () => {
    expect(count(html, /<table/g)).toBe(3 + 3);
    expect(html).toContain('Best overall by mean QSNR per bit: <strong>int8</strong> (channel), 4.589 dB/bit.');
    const section = html.slice(html.indexOf('<h2>Tensor layers.0.mlp.w1</h2>'));
    const firstRow = /<tbody>\n<tr>(.*?)<\/tr>/.exec(section)![1];
    expect(firstRow).toBe(
      ['int8', 'channel', '8.0625', '44.00', '5.457', '0.0001344', '0.0002325', '0.999980', '0', '0.12']
        .map((c, i) => `<td${i >= 2 ? ' class="num"' : ''}>${c}</td>`)
        .join(''),
    );
  });

  it('shows the --calibration layer-error columns in the per-tensor tables when the rows have them', () => {
    const r = compareFixture();
    for (const x of r.rows) if (x.tensor === 'layers.0.mlp.w1') Object.assign(x, { layerErr: 0.0123456, layerErrPtq: { gptq: 0.00098765 } });
    const page = renderHtml(r);
    const section = page.slice(page.indexOf('<h2>Tensor layers.0.mlp.w1</h2>'));
    expect(/<thead>(.*?)<\/thead>/.exec(section)![1]).toContain('<th class="num">layer err</th><th class="num">layer err gptq</th></tr>');
    expect(/<tbody>\n<tr>(.*?)<\/tr>/.exec(section)![1]).toContain('<td class="num">0.0123</td><td class="num">0.000988</td>');
    expect(html).not.toContain('layer err');
  });

  it('leaves exact and undefined QSNR out of the point plots and shows them in the heat map', () => {
    const r = compareFixture();
    Object.assign(r.rows[0], { qsnrDb: Infinity, qsnrPerBit: Infinity });
    Object.assign(r.rows[1], { qsnrDb: null, qsnrPerBit: null, cosine: null });
    const q = plots(renderHtml(r));
    expect(count(q.get('qsnr-vs-bits')!, /mean-mark/g)).toBe(7);
    expect(count(q.get('qsnr-vs-bits')!, /row-mark/g)).toBe(19);
    expect(count(q.get('qsnr-vs-crest')!, MARK)).toBe(19);
    expect(count(q.get('qsnr-heatmap')!, MARK)).toBe(21);
    expect(q.get('qsnr-heatmap')).toContain('>∞</text>');
    expect(q.get('qsnr-heatmap')).toContain('>—</text>');
  });

  it('renders with nothing to plot without failing (every plot says why)', () => {
    const r = compareFixture();
    for (const row of r.rows) Object.assign(row, { qsnrDb: null, qsnrPerBit: null, histogram: { range: 1, counts: [] } });
    const h = renderHtml(r);
    expectSelfContained(h);
    const q = plots(h);
    expect(q.size).toBe(4);
    expect(q.get('qsnr-vs-bits')).toContain('No finite QSNR to plot');
    expect(q.get('error-histograms')).toContain('No histograms in the result.');
  });
});

describe('renderStudyHtml', () => {
  const study = studyFixture();
  const html = renderStudyHtml(study);
  const p = plots(html);

  it('has one plot per pair: measured markers, theory lines, crossovers in range', () => {
    expectSelfContained(html);
    expect([...p.keys()]).toEqual(['study-0-mxint8-vs-mxfp8_e4m3', 'study-1-nvint4-vs-nvfp4']);
    const [mx, nv] = [...p.values()];
    expect(count(mx, /<circle class="data-mark"/g)).toBe(study.pairs[0].points.length);
    expect(count(mx, /<rect class="data-mark"/g)).toBe(study.pairs[0].points.length);
    expect(count(mx, /<path class="data-mark theory"/g)).toBe(2);
    expect(count(mx, /class="crossover data-mark"/g)).toBe(3);
    expect(count(nv, /class="crossover data-mark"/g)).toBe(2); // no published crossover for this pair
    expect(mx).toContain('<title>crossover (theory): κ = 7.55</title>');
    expect(nv).toContain('>measured κ=2.45</text>');
    expect(nv).not.toContain('crossover: published');
    for (const svg of p.values()) {
      expect(svg).toContain('class="axis axis-x"');
      expect(svg).toContain('class="legend"');
    }
  });

  it('leaves a crossover outside the κ range out', () => {
    const s = studyFixture();
    s.pairs[1].crossoverTheory = 40;
    expect(count([...plots(renderStudyHtml(s)).values()][1], /class="crossover data-mark"/g)).toBe(1);
  });
});

describe('renderRotationHtml', () => {
  it('is a page with the flip and QSNR tables, user text escaped', async () => {
    const r = await studyRotation({ tensors: ['laplace:shape=16x64,seed=2'], blocks: [16], pairs: [['nvint4', 'nvfp4']], command: '<b>x</b>' });
    const page = renderRotationHtml(r);
    expect(page).toMatch(/^<!DOCTYPE html>/i);
    expect(page.match(/<table/g)).toHaveLength(2);
    expect(page).toContain('<td>laplace:shape=16x64,seed=2</td><td>nvint4</td><td>nvfp4</td>');
    expect(page).toContain('&#60;b&#62;x&#60;/b&#62;');
    expect(page).not.toContain('<b>x</b>');
  });
});

