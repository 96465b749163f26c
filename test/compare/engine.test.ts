import { describe, expect, it } from 'vitest';
import { NumlabError } from '../../src/errors.js';
import { compare, summarise, type TensorSource } from '../../src/compare/engine.js';
import { generate, parseSynthetic, syntheticName } from '../../src/compare/synthetic.js';
import type { CompareRow } from '../../src/compare/types.js';

function synthetic(spec: string): TensorSource {
  const s = parseSynthetic(spec);
  return { name: syntheticName(s), shape: s.shape, source: { kind: 'synthetic', spec: syntheticName(s), seed: s.seed }, load: () => generate(s) };
}

const tensors = ['gaussian:shape=64x256,seed=1', 'laplace:shape=32x128,seed=2', 'llm-act:shape=16x512,seed=3', 'uniform:shape=8x64,seed=4'].map(synthetic);
const formats = ['int4@g64', 'mxfp4', 'nvfp4', 'fp8_e4m3fn'];
const strip = (rows: CompareRow[]) => rows.map(({ ms: _ms, ...r }) => r);

describe('compare', () => {
  it('one row per tensor × format, summaries, provenance; worker threads give the same rows as one thread', async () => {
    const seen: string[] = [];
    const one = await compare({ tensors, formats, threads: 1, onProgress: (d, t, name) => seen.push(`${d}/${t} ${name}`) });
    expect(one.rows).toHaveLength(16);
    expect(one.formats).toEqual(['int4@group:64', 'mxfp4', 'nvfp4', 'fp8_e4m3fn@channel']);
    expect(one.tensors.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
    expect(one.tensors[0]).toMatchObject({ shape: [64, 256], n: 16384, nonFinite: 0, source: { kind: 'synthetic', seed: 1 } });
    expect(seen).toEqual(tensors.map((t, i) => `${i + 1}/4 ${t.name}`));
    expect(one.provenance).toMatchObject({ tool: 'numlab', isa: expect.stringMatching(/^wasm/), node: process.version, seeds: [] });
    expect(one.best.perTensor).toHaveLength(4);
    const two = await compare({ tensors, formats, threads: 2 });
    expect(strip(two.rows)).toEqual(strip(one.rows));
    expect(two.tensors).toEqual(one.tensors);
  });

  it('the best row per tensor is the highest QSNR; overall ranks by mean QSNR per bit', () => {
    const row = (tensor: string, format: string, q: number, bits: number) =>
      ({ tensor, format, granularity: 'g', qsnrDb: q, qsnrPerBit: q / bits }) as CompareRow;
    const rows = [row('a', 'x', 10, 4), row('a', 'y', 20, 8), row('b', 'x', 12, 4), row('b', 'y', 14, 8)];
    const b = summarise(rows, ['a', 'b']);
    expect(b.perTensor.map((p) => p.format)).toEqual(['y', 'y']);
    expect(b.overall.map((o) => [o.format, o.meanQsnrDb, o.meanQsnrPerBit])).toEqual([['x', 11, 2.75], ['y', 17, 2.125]]);
  });

  it('bad input: typed errors before any measurement', async () => {
    const cases: [Parameters<typeof compare>[0], RegExp][] = [
      [{ tensors, formats: ['mxfp9'] }, /unknown format/],
      [{ tensors, formats: [] }, /at least one format/],
      [{ tensors: [], formats }, /at least one tensor/],
      [{ tensors, formats, threads: 0 }, /threads must be a positive integer/],
      [{ tensors: [tensors[0], tensors[0]], formats }, /two tensors are named/],
      [{ tensors: [{ ...tensors[0], load: () => new Float32Array(3) }], formats }, /needs 16384 f32 elements/],
      [{ tensors: [{ ...tensors[3], load: () => Object.assign(generate(parseSynthetic('uniform:shape=8x64,seed=4')), { 7: NaN }) }], formats }, /has 1 NaN\/Inf/],
      [{ tensors: [tensors[1]], formats: ['int4@g100'] }, /group size 100 does not divide/],
    ];
    for (const [o, msg] of cases) {
      await expect(compare(o), String(msg)).rejects.toThrowError(NumlabError);
      await expect(compare(o), String(msg)).rejects.toThrowError(msg);
    }
    // The same errors come back typed from a worker thread.
    const nan = { ...tensors[3], load: () => Object.assign(generate(parseSynthetic('uniform:shape=8x64,seed=4')), { 7: NaN }) };
    await expect(compare({ tensors: [tensors[2], nan], formats, threads: 2 })).rejects.toThrowError(NumlabError);
  });

  it('--calibration: layer errors for the 2-D weights whose in matches X, the same with worker threads', async () => {
    const weights = ['gaussian:shape=16x64,seed=5', 'laplace:shape=8x64,seed=6', 'gaussian:shape=8x32,seed=7', 'uniform:shape=64,seed=8'].map(synthetic);
    const cal = [synthetic('llm-act:shape=48x64,seed=9'), { ...synthetic('gaussian:shape=2x10x32,seed=10'), name: 'x32' }];
    const o = { tensors: weights, formats: ['int4', 'mxfp4'], calibration: cal, ptq: ['gptq', 'gptq+hadamard'] };
    const one = await compare({ ...o, threads: 1 });
    expect(one.ptq).toEqual(['gptq', 'hadamard+gptq']);
    expect(one.calibration!.map((c) => [c.name, c.tokens, c.weights])).toEqual([
      [cal[0].name, 48, [weights[0].name, weights[1].name]],
      ['x32', 20, [weights[2].name]],
    ]);
    expect(one.tensors.map((t) => t.calibration)).toEqual([cal[0].name, cal[0].name, 'x32', undefined]);
    for (const r of one.rows) {
      if (r.tensor === weights[3].name) {
        expect(r.layerErr).toBeUndefined();
        continue;
      }
      expect(r.layerErr).toBeGreaterThan(0);
      expect(Object.keys(r.layerErrPtq!)).toEqual(['gptq', 'hadamard+gptq']);
      expect(r.layerErrPtq!.gptq).toBeGreaterThan(0);
    }
    const two = await compare({ ...o, threads: 2 });
    expect(strip(two.rows)).toEqual(strip(one.rows));
    // Without --calibration the result has no layer fields (result.json stays as before).
    const plain = await compare({ tensors: weights, formats: ['int4'], threads: 1 });
    expect(plain).not.toHaveProperty('calibration');
    expect(plain.rows[0]).not.toHaveProperty('layerErr');
  });

  it('--calibration bad input: typed errors', async () => {
    const w = [synthetic('gaussian:shape=16x64,seed=5')];
    const x = synthetic('gaussian:shape=8x64,seed=9');
    const cases: [Parameters<typeof compare>[0], RegExp][] = [
      [{ tensors: w, formats, ptq: ['gptq'] }, /need calibration activations/],
      [{ tensors: w, formats, calibration: [x], ptq: ['awq'] }, /unknown PTQ step "awq"/],
      [{ tensors: w, formats, calibration: [x, { ...x, name: 'y' }] }, /both have last dim 64/],
      [{ tensors: w, formats, calibration: [synthetic('gaussian:shape=64,seed=1')] }, /must be \[tokens, in\]/],
      [{ tensors: w, formats, calibration: [{ ...x, load: () => Object.assign(new Float32Array(8 * 64), { 3: Infinity }) }] }, /NaN\/Inf at element 3/],
      [{ tensors: w, formats, calibration: [x], alpha: 2 }, /alpha must be a number in \[0, 1\]/],
      [{ tensors: w, formats, calibration: [x], rotateBlock: 24 }, /power of two/],
    ];
    for (const [o, msg] of cases) {
      await expect(compare({ ...o, threads: 1 }), String(msg)).rejects.toThrowError(NumlabError);
      await expect(compare({ ...o, threads: 1 }), String(msg)).rejects.toThrowError(msg);
    }
  });
});
