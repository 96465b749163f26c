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
});
