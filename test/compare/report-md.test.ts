import { describe, expect, it } from 'vitest';
import { mdText, renderMarkdown, renderRotationMarkdown, renderStudyMarkdown } from '../../src/compare/report-md.js';
import { studyRotation } from '../../src/compare/study-rotation.js';
import { compareFixture, EVIL_NAME, studyFixture } from '../helpers/compare-fixture.js';

/** The cells of a Markdown table line (split on unescaped pipes). */
function cells(line: string): string[] {
  return line
    .replace(/^\|\s?/, '')
    .replace(/\s?\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The table under a heading: header cells and body rows as cells. */
function tableAfter(md: string, heading: string): { head: string[]; body: string[][] } {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const first = lines.findIndex((l, i) => i > start && l.startsWith('|'));
  const rows: string[] = [];
  for (let i = first; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i]);
  expect(rows[1]).toMatch(/^\|(:?-{3}:?\|)+$/);
  return { head: cells(rows[0]), body: rows.slice(2).map(cells) };
}

const EVIL_MD = `&lt;script&gt;alert("x")&lt;/script&gt; &amp; 'q' \\| w\\_2\\*`;

describe('renderMarkdown', () => {
  const md = renderMarkdown(compareFixture());

  it('starts with the provenance', () => {
    const head = md.split('\n').slice(0, 10).join('\n');
    expect(head).toMatch(/^# numlab compare\n/);
    expect(head).toContain('- **tool**: numlab 0.1.0');
    expect(head).toContain('- **git**: 3f451d9c0ffee0000000000000000000000000aa');
    expect(head).toContain('- **isa**: wasmsimd');
    expect(head).toContain('- **started**: 2026-12-06T01:00:00.000Z');
    expect(head).toContain(`model &amp; co/w1.npy (524416 B, sha256 ${'a'.repeat(64)})`);
    expect(head).toContain('- **seeds**: 7');
  });

  it('has a tensor summary with one row per tensor', () => {
    const t = tableAfter(md, '## Tensors');
    expect(t.head).toEqual(['tensor', 'source', 'shape', 'n', 'mean', 'std', 'absmax', 'crest', 'crest (rows)', 'kurtosis', 'non-finite']);
    expect(t.body.map((r) => r[0])).toEqual(['layers.0.mlp.w1', 'layers.0.attn.act', EVIL_MD]);
    expect(t.body[0]).toEqual(['layers.0.mlp.w1', 'model &amp; co/w1.npy (float32)', '\\[256, 512\\]', '131072', '-0.0001200', '0.02130', '0.08730', '4.10', '3.62', '0.08', '0']);
    expect(t.body[2][1]).toBe('synthetic gauss(0,1)+outliers(p=1e-3,x20) seed 7');
  });

  it('has one table per tensor, sorted by QSNR, with exact cells', () => {
    const t = tableAfter(md, '## Tensor layers.0.mlp.w1');
    expect(t.head).toEqual(['format', 'granularity', 'bits/elem', 'QSNR dB', 'QSNR/bit', 'RMSE', 'max abs err', 'cosine', 'clipped %', 'flushed %']);
    expect(t.body.map((r) => r[0])).toEqual(['int8', 'mxfp8\\_e4m3', 'fp8\\_e4m3fn', 'mxfp6\\_e2m3', 'nvfp4', 'int4 scheme=asym', 'mxfp4']);
    // hand-checked: RMSE = 0.0213·10^(−44/20), cosine = √(1 − 10^(−4.4)), 44/8.0625 dB/bit
    expect(t.body[0]).toEqual(['int8', 'channel', '8.0625', '44.00', '5.457', '0.0001344', '0.0002325', '0.999980', '0', '0.12']);
    expect(t.body[5].slice(0, 4)).toEqual(['int4 scheme=asym', 'group:128', '4.28125', '19.00']);
    expect(t.body[6].slice(8)).toEqual(['0.09', '7.10']);
    for (const name of ['## Tensor layers.0.attn.act', `## Tensor ${EVIL_MD}`]) {
      const q = tableAfter(md, name).body.map((r) => Number(r[3]));
      expect(q).toHaveLength(7);
      expect(q).toEqual([...q].sort((a, b) => b - a));
    }
  });

  it('names the best format per tensor and overall (by mean QSNR per bit)', () => {
    expect(md).toContain('Best overall by mean QSNR per bit: **int8** (channel), 4.589 dB/bit.');
    const per = tableAfter(md, 'Per tensor (highest QSNR):');
    expect(per.body).toEqual([
      ['layers.0.mlp.w1', 'int8', 'channel', '44.00'],
      ['layers.0.attn.act', 'int8', 'channel', '38.00'],
      [EVIL_MD, 'mxfp8\\_e4m3', 'block:32', '31.70'],
    ]);
    const overall = tableAfter(md, 'Overall (mean over tensors, ranked by QSNR per bit):');
    expect(overall.body.map((r) => r[1])).toEqual(['int8', 'nvfp4', 'mxfp6\\_e2m3', 'mxfp4', 'fp8\\_e4m3fn', 'mxfp8\\_e4m3', 'int4']);
    expect(overall.body[0]).toEqual(['1', 'int8', 'channel', '37.00', '4.589']);
  });

  it('escapes user text: no raw HTML, no cell-splitting pipe, no stray emphasis', () => {
    expect(md).not.toContain(EVIL_NAME);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<');
    expect(md).toContain(`## Tensor ${EVIL_MD}`);
    expect(mdText('a|b\nc*d_e`f[g]<h>&')).toBe('a\\|b c\\*d\\_e\\`f\\[g\\]&lt;h&gt;&amp;');
  });

  it('every table row has as many cells as its header', () => {
    const lines = md.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
      const width = cells(lines[i]).length;
      for (let j = i + 2; j < lines.length && lines[j].startsWith('|'); j++) expect(cells(lines[j]), lines[j]).toHaveLength(width);
    }
  });

  it('writes exact and undefined QSNR as ∞ and a dash, exact first and undefined last', () => {
    const r = compareFixture();
    const w1 = r.rows.filter((x) => x.tensor === 'layers.0.mlp.w1');
    Object.assign(w1[6], { qsnrDb: Infinity, qsnrPerBit: Infinity, rmse: 0, maxAbsErr: 0, cosine: 1 }); // int4 exact
    Object.assign(w1[0], { qsnrDb: null, qsnrPerBit: null, cosine: null }); // int8 undefined
    const t = tableAfter(renderMarkdown(r), '## Tensor layers.0.mlp.w1');
    expect(t.body[0].slice(0, 8)).toEqual(['int4 scheme=asym', 'group:128', '4.28125', '∞', '∞', '0', '0', '1']);
    expect(t.body.at(-1)!.slice(0, 8)).toEqual(['int8', 'channel', '8.0625', '—', '—', '0.0001344', '0.0002325', '—']);
  });
});

describe('renderStudyMarkdown', () => {
  const md = renderStudyMarkdown(studyFixture());

  it('lists the crossovers of every pair, measured, theory and published', () => {
    expect(md).toMatch(/^# numlab study int-vs-fp\n/);
    const t = tableAfter(md, '## Crossovers');
    expect(t.head).toEqual(['INT', 'FP', 'block', 'κ crossover measured', 'κ crossover theory', 'κ crossover published']);
    expect(t.body).toEqual([
      ['mxint8', 'mxfp8\\_e4m3', '32', '7.42', '7.55', '7.55'],
      ['nvint4', 'nvfp4', '16', '2.45', '2.39', '—'],
    ]);
    const s = studyFixture();
    s.pairs[0].crossoverMeasured = null;
    expect(tableAfter(renderStudyMarkdown(s), '## Crossovers').body[0][3]).toBe('none in range');
  });

  it('has a point table per pair with the better side named', () => {
    const t = tableAfter(md, '## nvint4 vs nvfp4 (block 16)');
    expect(t.head).toEqual(['κ', 'nvint4 dB', 'nvfp4 dB', 'nvint4 theory dB', 'nvfp4 theory dB', 'better']);
    expect(t.body).toHaveLength(15);
    expect(t.body[0][0]).toBe('1.50');
    expect(t.body[0][5]).toBe('INT');
    expect(t.body.at(-1)![5]).toBe('FP');
    // κ = 4: theory 28.71 − 20·log10(4) = 16.67 and the fitted 22.79 of formats.md
    const k4 = t.body.find((r) => r[0] === '4.00')!;
    expect(k4.slice(3, 5)).toEqual(['16.67', '22.79']);
  });
});

describe('renderMarkdown with --calibration layer errors', () => {
  it('adds a layer-error column per pipeline to the per-tensor tables (a dash where null), only when present', () => {
    const r = compareFixture();
    const w1 = r.rows.filter((x) => x.tensor === 'layers.0.mlp.w1');
    w1.forEach((x) => Object.assign(x, { layerErr: 0.0123456, layerErrPtq: { gptq: x.format === 'int8' ? null : 0.00098765, 'hadamard+gptq': 5e-7 } }));
    const md = renderMarkdown(r);
    const t = tableAfter(md, '## Tensor layers.0.mlp.w1');
    // Pipelines in the order the rows name them.
    expect(t.head.slice(-3)).toEqual(['layer err', 'layer err gptq', 'layer err hadamard+gptq']);
    expect(t.body.find((c) => c[0] === 'int8')!.slice(-3)).toEqual(['0.0123', '—', '5.00e-7']);
    expect(t.body.find((c) => c[0] === 'mxfp4')!.slice(-3)).toEqual(['0.0123', '0.000988', '5.00e-7']);
    // Tensors without layer errors keep the plain columns.
    expect(tableAfter(md, '## Tensor layers.0.attn.act').head.at(-1)).toBe('flushed %');
  });
});


describe('renderRotationMarkdown', () => {
  it('has the flip table and the QSNR table with the result\'s numbers', async () => {
    const r = await studyRotation({ tensors: ['laplace:shape=16x64,seed=2'], blocks: [16], pairs: [['nvint4', 'nvfp4']], command: 'test' });
    const md = renderRotationMarkdown(r);
    expect(md).toMatch(/^# numlab study rotation\n/);
    const flips = tableAfter(md, '## Does a block Hadamard rotation flip INT above FP?');
    expect(flips.head).toEqual(['tensor', 'INT', 'FP', 'INT − FP dB, none', 'INT − FP dB, hadamard 16', 'flip to INT']);
    const d = r.pairs[0].intMinusFpDb;
    expect(flips.body).toEqual([['laplace:shape=16x64,seed=2', 'nvint4', 'nvfp4', ...d.map((v) => (v > 0 ? '+' : '') + v.toFixed(2)), r.pairs[0].flipped ? 'yes' : 'no']]);
    const q = tableAfter(md, '## QSNR per tensor and rotation');
    expect(q.head).toEqual(['tensor', 'rotation', 'crest /16', 'crest /32', 'nvint4 dB', 'nvfp4 dB']);
    expect(q.body.map((c) => [c[1], c[4]])).toEqual(r.tensors[0].rows.map((row) => [row.rotation === null ? 'none' : 'hadamard 16', row.qsnrDb.nvint4.toFixed(2)]));
  });
});
