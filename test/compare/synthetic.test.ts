import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumlabError } from '../../src/errors.js';
import { tensorStats } from '../../src/compare/stats.js';
import { generate, parseSynthetic, setRowCrest, syntheticName } from '../../src/compare/synthetic.js';

describe('synthetic tensors', () => {
  it('parse every key; the canonical name parses back to the same spec', () => {
    const s = parseSynthetic(' Student-T:shape=8x64,seed=7,nu=3,crest=4 ');
    expect(s).toEqual({ kind: 'student-t', shape: [8, 64], seed: 7, nu: 3, crest: 4, outliers: 8, outlierScale: 30 });
    expect(parseSynthetic(syntheticName(s))).toEqual(s);
    const a = parseSynthetic('llm-act:shape=4x32,outliers=2,outlier-scale=50');
    expect(syntheticName(a)).toBe('llm-act:shape=4x32,seed=1,outliers=2,outlier-scale=50');
  });

  it('the same seed gives the same bits; another seed gives other values', () => {
    for (const kind of ['gaussian', 'laplace', 'student-t', 'uniform', 'llm-act']) {
      const s = parseSynthetic(`${kind}:shape=16x64,seed=3`);
      const a = generate(s);
      expect(new Uint32Array(generate(s).buffer)).toEqual(new Uint32Array(a.buffer));
      expect(generate({ ...s, seed: 4 })).not.toEqual(a);
    }
  });

  it('have unit variance (gaussian, laplace, student-t ν=5, uniform) and the right tails', () => {
    const stats = (k: string) => {
      const s = parseSynthetic(`${k}${k.includes(':') ? ',' : ':'}shape=512x512,seed=11`);
      return tensorStats(generate(s), s.shape);
    };
    for (const k of ['gaussian', 'laplace', 'student-t:nu=5', 'uniform']) {
      const st = stats(k);
      expect(Math.abs(st.mean)).toBeLessThan(0.01);
      expect(Math.abs(st.std - 1)).toBeLessThan(0.02);
    }
    // Excess kurtosis: Gaussian 0, Laplace 3, uniform −1.2, Student-t ν=5 6 (a heavy tail: wide band).
    expect(Math.abs(stats('gaussian').kurtosis)).toBeLessThan(0.05);
    expect(Math.abs(stats('laplace').kurtosis - 3)).toBeLessThan(0.2);
    expect(Math.abs(stats('uniform').kurtosis + 1.2)).toBeLessThan(0.02);
    expect(stats('student-t:nu=5').kurtosis).toBeGreaterThan(3);
  });

  it('llm-act has exactly `outliers` channels far above the rest', () => {
    const s = parseSynthetic('llm-act:shape=256x128,seed=2,outliers=3,outlier-scale=40');
    const x = generate(s);
    const colRms = Array.from({ length: 128 }, (_, c) => {
      let q = 0;
      for (let r = 0; r < 256; r++) q += x[r * 128 + c] ** 2;
      return Math.sqrt(q / 256);
    });
    const sorted = [...colRms].sort((a, b) => b - a);
    expect(sorted[2] / sorted[3]).toBeGreaterThan(4);
  });

  it('crest=κ gives every row exactly that crest factor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 1, max: 7.9, noNaN: true }), (seed, crest) => {
        const s = parseSynthetic(`laplace:shape=4x64,seed=${seed},crest=${crest}`);
        const x = generate(s);
        for (let r = 0; r < 4; r++) {
          const row = x.subarray(r * 64, r * 64 + 64);
          const st = tensorStats(row, [64]);
          expect(st.crest).toBeCloseTo(crest, 5);
        }
      }),
      { numRuns: 50 },
    );
    // Below the row's own crest its tail is clipped; above, its largest element grows.
    const x = new Float32Array([1, 2, 3, -10]);
    setRowCrest(x, 4, 1.5);
    expect(tensorStats(x, [4]).crest).toBeCloseTo(1.5, 6);
    expect(x[3]).toBeLessThan(0);
    expect(x[0]).toBe(1);
    const y = new Float32Array([1, -1, 1, 1, 1, 1, 1, 1, 1]);
    setRowCrest(y, 9, 2.5);
    expect(tensorStats(y, [9]).crest).toBeCloseTo(2.5, 6);
    expect(Array.from(y.subarray(2))).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('bad specs raise NumlabError naming the problem', () => {
    const bad: [string, RegExp][] = [
      ['cauchy', /unknown synthetic tensor kind "cauchy"/],
      ['gaussian:shape=0x4', /shape must look like/],
      ['gaussian:shape=abc', /shape must look like/],
      ['gaussian:shape=100000x100000', /more than the/],
      ['gaussian:seed=-1', /seed must be/],
      ['student-t:nu=0', /nu must be a positive number/],
      ['gaussian:crest=0.5', /crest must be a number ≥ 1/],
      ['gaussian:shape=4x8,crest=3', /needs rows longer than crest²/],
      ['llm-act:shape=4x8,outliers=9', /9 outlier channels but rows have only 8/],
      ['gaussian:colour=red', /unknown key "colour"/],
    ];
    for (const [spec, msg] of bad) {
      expect(() => parseSynthetic(spec), spec).toThrowError(NumlabError);
      expect(() => parseSynthetic(spec), spec).toThrowError(msg);
    }
  });
});
