// Method formats of numlab compare (src/compare/methods.ts): nupes<b>, bitmod3/4 and the block
// transform @sorted parse beside registry ids, measure with the library's own results, count
// their storage, and keep rows identical with 1 and 2 worker threads.
import { describe, expect, it } from 'vitest';
import { compare, summarise, type TensorSource } from '../../src/compare/engine.js';
import { dequantize, measure, parseFormatSpec, specText } from '../../src/compare/measure.js';
import { methodHelp } from '../../src/compare/methods.js';
import { formatTable, overallTable } from '../../src/compare/report-format.js';
import { generate, parseSynthetic, syntheticName } from '../../src/compare/synthetic.js';
import type { CompareRow } from '../../src/compare/types.js';
import { bitmod, format, inversePermutation, nupesSearch, olive, permuteChannels, rearrangeChannels, BITMOD_TYPE_NAMES } from '../../src/index.js';
import { f32bits } from '../helpers/f32.js';
import { thrown } from '../helpers/errors.js';

const synth = (spec: string) => {
  const s = parseSynthetic(spec);
  return { x: generate(s), shape: s.shape };
};
const mse = (x: Float32Array, y: Float32Array) => x.reduce((a, v, i) => a + (v - y[i]) ** 2, 0) / x.length;

describe('method format specs', () => {
  it.each([
    ['nupes4', 'nupes4@channel', 'method'],
    ['nupes3@tensor', 'nupes3@tensor', 'method'],
    ['NUPES8@channel', 'nupes8@channel', 'method'],
    ['bitmod4', 'bitmod4@group:128', 'method'],
    ['bitmod3@g64', 'bitmod3@group:64', 'method'],
    ['bitmod4@channel', 'bitmod4@channel', 'method'],
    ['olive4', 'olive4@channel', 'method'],
    ['OLIVE8@tensor', 'olive8@tensor', 'method'],
    ['mxfp4@sorted', 'mxfp4@sorted', 'block'],
    ['bfp12@sorted@rceil', 'bfp12@rceil@sorted', 'block'],
  ])('%s → %s', (text, canonical, kind) => {
    const s = parseFormatSpec(text);
    expect(s.kind).toBe(kind);
    expect(specText(s)).toBe(canonical);
    expect(specText(parseFormatSpec(canonical))).toBe(canonical);
  });

  it('nupes takes the --granularity default when it is tensor or channel, else channel', () => {
    expect(specText(parseFormatSpec('nupes4', 'tensor'))).toBe('nupes4@tensor');
    expect(specText(parseFormatSpec('nupes4', 'g64'))).toBe('nupes4@channel');
    expect(specText(parseFormatSpec('bitmod4', 'tensor'))).toBe('bitmod4@group:128');
  });

  it.each([
    ['nupes1', /nupes takes 2\.\.16 bits, got 1/],
    ['nupes4@g32', /nupes takes @tensor or @channel/],
    ['nupes4@asym', /unknown option @asym/],
    ['bitmod5', /bitmod takes 3 or 4 bits, got 5/],
    ['bitmod4@tensor', /not @tensor/],
    ['olive3', /olive takes 4 or 8 bits, got 3/],
    ['olive4@g64', /olive takes @tensor or @channel/],
    ['mxfp4@sort', /or sorted, got "sort"/],
    ['int4@sorted', /unknown option @sorted/],
  ])('%s fails with a typed error', (text, msg) => {
    const e = thrown(() => parseFormatSpec(text));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toMatch(msg);
  });

  it('--help lines name every method and the transform', () => {
    const h = methodHelp().join('\n');
    for (const w of ['nupes<b>[@tensor|@channel]', 'bitmod3|bitmod4[@gN|@channel]', 'olive4|olive8[@tensor|@channel]', '@sorted']) expect(h).toContain(w);
  });
});

describe('measure on method formats', () => {
  const { x, shape } = synth('student-t:shape=8x256,seed=3,nu=3');

  it('nupes4@channel: x̂ is nupesSearch per output channel; bits count codes, f32 scale and exponent per row', () => {
    const r = measure('t', x, shape, parseFormatSpec('nupes4'));
    const ref = nupesSearch(x, { bits: 4, shape, axis: 0, granularity: 'channel' });
    expect(r.kind).toBe('method');
    expect(r.format).toBe('nupes4');
    expect(r.granularity).toBe('channel');
    expect(r.mse).toBe(mse(x, ref.weight));
    expect(f32bits(dequantize(x, shape, parseFormatSpec('nupes4')))).toEqual(f32bits(ref.weight));
    expect(r.bitsPerElement).toBe(4 + 64 / 256);
    expect(r.bytes).toBe(8 * 256 / 2 + 8 * 8);
    expect(r.clippedFrac).toBe(0); // absmax scaling: nothing saturates
    const t = measure('t', x, shape, parseFormatSpec('nupes3@tensor'));
    expect(t.granularity).toBe('tensor');
    expect(t.bitsPerElement).toBe(3 + 64 / x.length);
  });

  it('bitmod4@g128: x̂ is bitmod(); bits count codes, FP16 scales and 2 type bits per group', () => {
    const r = measure('t', x, shape, parseFormatSpec('bitmod4'));
    const ref = bitmod(x, { shape: [8, 256], bits: 4, groupSize: 128 });
    expect(r.kind).toBe('method');
    expect(r.granularity).toBe('group:128');
    expect(r.mse).toBe(mse(x, ref.weight));
    expect(r.bitsPerElement).toBe(4 + 18 / 128);
    expect(r.bytes).toBe(1024 + 2 * 16 + 4);
    const row = measure('t', x, shape, parseFormatSpec('bitmod3@channel'));
    expect(row.granularity).toBe('channel');
    expect(row.bitsPerElement).toBe(3 + 18 / 256);
    expect(thrown(() => measure('t', x, shape, parseFormatSpec('bitmod4@g96'))).message).toMatch(/group size 96 does not divide the last dimension 256/);
  });

  it('bitmod clipped: an element past the chosen type\'s extreme by more than half its last step', () => {
    // g32 [16, -14.2, 15 × 3, 15 × 6]: EA_POS (scale 1) represents 16, 3 and 6 exactly and clips −14.2 to
    // −12 (beyond −12 − 4/2); every ER type pays more on the 3s and 6s at scale 4/3.
    const w = Float32Array.from([16, -14.2, ...new Array(15).fill(3), ...new Array(15).fill(6)]);
    const e = bitmod(w, { shape: [1, 32], bits: 4, groupSize: 32 });
    expect(BITMOD_TYPE_NAMES[e.types[0]]).toBe('ea_pos');
    expect(measure('t', w, [1, 32], parseFormatSpec('bitmod4@g32')).clippedFrac).toBe(1 / 32);
    const ok = Float32Array.from(w, (v, i) => (i === 1 ? -13.9 : v)); // −13.9 rounds to −12: within half a step
    expect(measure('t', ok, [1, 32], parseFormatSpec('bitmod4@g32')).clippedFrac).toBe(0);
  });

  it('olive4@channel: x̂ is olive() per output channel; bits count packed codes, f32 scale per row and the type bit', () => {
    const r = measure('t', x, shape, parseFormatSpec('olive4'));
    const ref = olive(x, { shape, granularity: 'channel' });
    expect(r.kind).toBe('method');
    expect(r.format).toBe('olive4');
    expect(r.granularity).toBe('channel');
    expect(r.mse).toBe(mse(x, ref.weight));
    expect(f32bits(dequantize(x, shape, parseFormatSpec('olive4')))).toEqual(f32bits(ref.weight));
    expect(r.bitsPerElement).toBe(4 + (32 * 8 + 1) / x.length);
    expect(r.bytes).toBe(x.length / 2 + 4 * 8 + 1);
    const t = measure('t', x, shape, parseFormatSpec('olive8@tensor'));
    expect(t.granularity).toBe('tensor');
    expect(t.bitsPerElement).toBe(8 + 33 / x.length);
    // Unsigned input (min ≥ 0): an escape bit per pair.
    const u = Float32Array.from(x, Math.abs);
    expect(measure('t', u, shape, parseFormatSpec('olive4')).bitsPerElement).toBe(4.5 + (32 * 8 + 1) / x.length);
  });

  it('olive clipped: past the largest outlier value by more than half the last outlier step; the victim is flushed', () => {
    // One 1e4 outlier among 65535 values in [−1, 1]: 3σ ≈ 117, so even the largest alpha (2.49 · x_max)
    // puts the top outlier value 384 · alpha / 28 far below 1e4 — it saturates; its pair partner is zeroed.
    const n = 65536;
    const w = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
    w[100] = 1e4;
    const r = measure('t', w, [1, n], parseFormatSpec('olive4'));
    expect(r.clippedFrac).toBe(1 / n);
    const e = olive(w, { shape: [1, n], granularity: 'channel' });
    expect(e.weight[101]).toBe(0);
    expect(e.weight[100]).toBe(Math.fround(384 * e.scales[0]));
    expect(r.flushedFrac).toBeGreaterThanOrEqual(1 / n);
  });

  it('@sorted: quantize the K-sorted tensor, un-permute x̂; bits as the block format', () => {
    const { x: a, shape: sh } = synth('llm-act:shape=16x128,seed=5,outliers=4,outlier-scale=20');
    for (const id of ['mxfp4', 'bfp12', 'nvfp4']) {
      const r = measure('t', a, sh, parseFormatSpec(`${id}@sorted`));
      const plain = measure('t', a, sh, parseFormatSpec(id));
      const codec = format(id);
      if (codec.kind !== 'block') throw new Error('block format expected');
      const k = rearrangeChannels(a, a.subarray(0, 128), { shape: [16, 128] });
      const xhat = permuteChannels(codec.quantize(k.K, { shape: sh }), inversePermutation(k.perm), 128);
      expect(r.mse).toBe(mse(a, xhat));
      expect(f32bits(dequantize(a, sh, parseFormatSpec(`${id}@sorted`)))).toEqual(f32bits(xhat));
      expect(r.bitsPerElement).toBe(plain.bitsPerElement);
      expect(r.options).toEqual({ sorted: true });
      expect(r.clippedFrac).not.toBeNull();
    }
  });

  it('@sorted on a tensor one block wide changes nothing (a permutation within a block keeps its scale)', () => {
    const { x: a, shape: sh } = synth('laplace:shape=8x32,seed=2');
    for (const id of ['mxfp4', 'mxint8', 'bfp12']) {
      const r = measure('t', a, sh, parseFormatSpec(`${id}@sorted`));
      const plain = measure('t', a, sh, parseFormatSpec(id));
      expect([r.mse, r.clippedFrac, r.flushedFrac, r.maxAbsErr]).toEqual([plain.mse, plain.clippedFrac, plain.flushedFrac, plain.maxAbsErr]);
    }
  });
});

describe('reports and summaries with methods', () => {
  it('mxfp4 and mxfp4@sorted rank as separate series; a null clipped fraction renders as a dash', () => {
    const row = (format: string, options: CompareRow['options'], q: number) =>
      ({ tensor: 't', format, options, kind: 'block', granularity: 'block:32', qsnrDb: q, qsnrPerBit: q / 4.25, bitsPerElement: 4.25, rmse: 1, maxAbsErr: 1, cosine: 1, clippedFrac: null, flushedFrac: 0 }) as unknown as CompareRow;
    const rows = [row('mxfp4', {}, 10), row('mxfp4', { sorted: true }, 12)];
    const best = summarise(rows, ['t']);
    expect(best.overall.map((o) => [o.format, o.options])).toEqual([['mxfp4', { sorted: true }], ['mxfp4', undefined]]);
    expect(best.perTensor[0].options).toEqual({ sorted: true });
    expect(overallTable(best).body.map((b) => b[1])).toEqual(['mxfp4 sorted=true', 'mxfp4']);
    const cells = formatTable(rows).body[0];
    expect(cells[8]).toBe('—');
  });
});

describe('compare engine with method formats', () => {
  const src = (spec: string): TensorSource => {
    const s = parseSynthetic(spec);
    return { name: syntheticName(s), shape: s.shape, source: { kind: 'synthetic', spec: syntheticName(s), seed: s.seed }, load: () => generate(s) };
  };
  it('rows are identical with 1 and 2 worker threads', async () => {
    const tensors = ['gaussian:shape=16x256,seed=1', 'llm-act:shape=32x128,seed=2'].map(src);
    const formats = ['nupes4', 'bitmod4@g128', 'bitmod3', 'bfp12@sorted', 'mxfp4@sorted', 'mxfp4'];
    const one = await compare({ tensors, formats, threads: 1 });
    expect(one.formats).toEqual(['nupes4@channel', 'bitmod4@group:128', 'bitmod3@group:128', 'bfp12@sorted', 'mxfp4@sorted', 'mxfp4']);
    expect(one.rows.map((r) => `${r.format}/${r.kind}/${r.granularity}`).slice(0, 6)).toEqual([
      'nupes4/method/channel', 'bitmod4/method/group:128', 'bitmod3/method/group:128', 'bfp12/block/block:64', 'mxfp4/block/block:32', 'mxfp4/block/block:32',
    ]);
    expect(one.best.overall).toHaveLength(6);
    const two = await compare({ tensors, formats, threads: 2 });
    const strip = (rows: CompareRow[]) => rows.map(({ ms: _ms, ...r }) => r);
    expect(strip(two.rows)).toEqual(strip(one.rows));
  });

  it('layer errors: methods and @sorted get RTN, rotation and GPTQ errors (GPTQ null only per tensor)', async () => {
    const w = src('gaussian:shape=8x128,seed=3');
    const cal = src('llm-act:shape=32x128,seed=4');
    const r = await compare({ tensors: [w], formats: ['nupes4', 'bitmod4', 'olive4', 'mxfp4@sorted', 'nupes4@tensor'], calibration: [cal], ptq: ['gptq', 'hadamard'], threads: 1 });
    expect(r.rows.length).toBe(5);
    for (const row of r.rows) {
      expect(row.layerErr).toBeGreaterThan(0);
      expect(row.layerErrPtq!.hadamard).toBeGreaterThan(0);
      if (row.granularity === 'tensor') expect(row.layerErrPtq!.gptq).toBeNull();
      else expect(row.layerErrPtq!.gptq).toBeLessThan(row.layerErr!);
    }
  });
});
