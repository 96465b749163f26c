import { describe, expect, it } from 'vitest';
import { NumlabError } from '../../src/errors.js';
import { meanBlockCrest, studyRotation } from '../../src/compare/study-rotation.js';
import { generate, parseSynthetic } from '../../src/compare/synthetic.js';
import { format } from '../../src/formats/format.js';
import type { BlockFormat } from '../../src/formats/block.js';
import { hadamard } from '../../src/ptq/hadamard.js';
import { qsnr } from '../helpers/qsnr.js';

describe('studyRotation (spec ptq.md §6.3)', async () => {
  const r = await studyRotation({ tensors: ['student-t:shape=128x512,seed=3,nu=3', 'gaussian:shape=128x512,seed=4'], command: 'test' });
  const [t, g] = r.tensors;

  it('block Hadamard rotation lifts NVINT4 above NVFP4 on a seeded heavy-tailed tensor', () => {
    expect(r.rotations).toEqual([null, 16, 32]);
    expect(r.formats).toEqual(['nvint4', 'nvfp4', 'mxint4', 'mxfp4']);
    const [none, b16, b32] = t.rows;
    expect(none.qsnrDb.nvint4).toBeLessThan(none.qsnrDb.nvfp4 - 1);
    expect(b16.qsnrDb.nvint4).toBeGreaterThan(b16.qsnrDb.nvfp4 + 1);
    expect(b32.qsnrDb.nvint4).toBeGreaterThan(b32.qsnrDb.nvfp4 + 1);
    expect(r.pairs.find((p) => p.tensor === t.name && p.int === 'nvint4')).toMatchObject({ fp: 'nvfp4', flipped: true });
    // The rotation lowers the block crest factor towards a Gaussian's.
    expect(b16.crest16).toBeLessThan(none.crest16 - 0.3);
    expect(Math.abs(b16.crest16 - g.rows[0].crest16)).toBeLessThan(0.1);
    // On a Gaussian INT already wins at NV granularity: no flip, and rotation changes little.
    const gp = r.pairs.find((p) => p.tensor === g.name && p.int === 'nvint4')!;
    expect(gp.flipped).toBe(false);
    expect(gp.intMinusFpDb.every((d) => d > 0)).toBe(true);
    expect(Math.abs(gp.intMinusFpDb[1] - gp.intMinusFpDb[0])).toBeLessThan(0.2);
  });

  it('QSNR is the format default recipe in the rotated basis, the same as rotating x̂ back', () => {
    const x = generate(parseSynthetic('student-t:shape=128x512,seed=3,nu=3'));
    const shape: [number, number] = [128, 512];
    for (const f of r.formats) {
      const codec = format(f) as BlockFormat;
      expect(t.rows[0].qsnrDb[f]).toBe(qsnr(x, codec.quantize(x, { shape })));
      const xr = hadamard(x, { shape, block: 16 });
      const back = hadamard(codec.quantize(xr, { shape }), { shape, block: 16 });
      expect(Math.abs(t.rows[1].qsnrDb[f] - qsnr(x, back))).toBeLessThan(1e-3);
    }
  });

  it('mean block crest: amax / RMS per block', () => {
    expect(meanBlockCrest(Float32Array.of(1, 1, 1, 1, 2, 0, 0, 0), 4)).toBe((1 + 2 / Math.sqrt(1)) / 2);
    expect(meanBlockCrest(new Float32Array(8), 4)).toBe(0);
  });

  it('bad input: typed errors', async () => {
    const cases: [Parameters<typeof studyRotation>[0], RegExp][] = [
      [{ tensors: [] }, /at least one tensor/],
      [{ tensors: ['gaussian:shape=4x4x32'] }, /2-D/],
      [{ tensors: ['gaussian:shape=4x40'] }, /block 16 does not divide k = 40/],
      [{ blocks: [12] }, /powers of two/],
      [{ pairs: [['int4', 'fp4_e2m1fn']] }, /block formats/],
      [{ pairs: [['nvint9', 'nvfp4']] }, /unknown format/],
    ];
    for (const [o, msg] of cases) {
      await expect(studyRotation(o), String(msg)).rejects.toThrowError(NumlabError);
      await expect(studyRotation(o), String(msg)).rejects.toThrowError(msg);
    }
  });
});
