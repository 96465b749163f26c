import { describe, expect, it } from 'vitest';
import { NumlabError } from '../../src/errors.js';
import { format } from '../../src/formats/format.js';
import { errorMetrics, measure, parseFormatSpec, specText } from '../../src/compare/measure.js';
import { generate, parseSynthetic } from '../../src/compare/synthetic.js';
import { qsnr } from '../helpers/qsnr.js';

const inf = (n: number) => new Float32Array(n).fill(Infinity);
const ninf = (n: number) => new Float32Array(n).fill(-Infinity);

describe('errorMetrics', () => {
  it('computes every metric exactly on a small case', () => {
    const x = Float32Array.of(1, -2, 0.5, 0, 4);
    const y = Float32Array.of(1, -2.5, 0, 0, 4);
    const m = errorMetrics(x, y, Float32Array.of(10, 10, 10, 10, 3), ninf(5), 5);
    // errors 0, −0.5, −0.5, 0, 0: Σe² = 0.5, Σx² = 21.25
    expect(m.mse).toBe(0.1);
    expect(m.qsnrDb).toBeCloseTo(-10 * Math.log10(0.5 / 21.25), 12);
    expect(m.maxAbsErr).toBe(0.5);
    expect(m.meanRelErr).toBe((0 + 0.25 + 1 + 0) / 4);
    expect(m.cosine).toBeCloseTo((1 + 5 + 0 + 16) / Math.sqrt(21.25 * 23.25), 14);
    expect(m.clippedFrac).toBe(1 / 5); // 4 > 3
    expect(m.flushedFrac).toBe(1 / 4); // 0.5 → 0, of four non-zero inputs
    expect(m.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(m.histogram.range).toBeCloseTo(0.5 / Math.sqrt(21.25 / 5), 12);
    expect(m.histogram.counts).toEqual([2, 0, 3, 0, 0]);
  });

  it('exact reconstruction gives +Infinity QSNR; a zero tensor gives null QSNR and cosine', () => {
    const x = Float32Array.of(1, 2);
    expect(errorMetrics(x, x, inf(2), ninf(2)).qsnrDb).toBe(Infinity);
    const z = new Float32Array(3);
    const m = errorMetrics(z, z, inf(3), ninf(3));
    expect(m.qsnrDb).toBeNull();
    expect(m.cosine).toBeNull();
    expect(m.flushedFrac).toBe(0);
  });
});

describe('format specs', () => {
  it('parse granularity, scheme and scale rule; canonical text', () => {
    expect(specText(parseFormatSpec('int4@g128@asym'))).toBe('int4@group:128@asym');
    expect(specText(parseFormatSpec('INT4'))).toBe('int4@channel');
    expect(specText(parseFormatSpec('int4', 'tensor'))).toBe('int4@tensor');
    expect(specText(parseFormatSpec('fp8_e4m3fn@group:32', 'tensor'))).toBe('fp8_e4m3fn@group:32');
    expect(specText(parseFormatSpec('mxfp4@rceil'))).toBe('mxfp4@rceil');
    expect(specText(parseFormatSpec('nvfp4'))).toBe('nvfp4');
  });

  it('reject bad specs with typed errors', () => {
    const bad: [string, RegExp, string?][] = [
      ['mxfp5', /unknown format/],
      ['mxfp4@g32', /block formats take a scale rule/],
      ['int4@g0', /unknown option @g0/],
      ['fp8_e4m3fn@asym', /applies to INT formats only/],
      ['int4@weird', /unknown option @weird/],
      ['int4', /granularity must be/, 'rows'],
    ];
    for (const [spec, msg, g] of bad) {
      expect(() => parseFormatSpec(spec, g), spec).toThrowError(NumlabError);
      expect(() => parseFormatSpec(spec, g), spec).toThrowError(msg);
    }
  });
});

describe('measure', () => {
  const s = parseSynthetic('laplace:shape=8x256,seed=5');
  const x = generate(s);

  it('element formats: the codec result bit for bit, with exact bits and bytes', () => {
    const r = measure('t', x, s.shape, parseFormatSpec('int4@g128@asym'));
    const y = format('int4').quantizeScaled(x, { shape: s.shape, axis: 1, granularity: 'group', groupSize: 128, scheme: 'asymmetric' });
    expect(r.qsnrDb).toBe(qsnr(x, y));
    // 4-bit codes, one f32 scale and one 4-bit zero point per 128 elements
    expect(r.bitsPerElement).toBe(4 + 32 / 128 + 4 / 128);
    expect(r.bytes).toBe(1024 + 16 * 4 + 8);
    expect(r).toMatchObject({ format: 'int4', kind: 'element', granularity: 'group:128', options: { scheme: 'asymmetric' }, n: 2048 });
    const c = measure('t', x, s.shape, parseFormatSpec('fp8_e4m3fn'));
    expect(c.qsnrDb).toBe(qsnr(x, format('fp8_e4m3fn').quantizeScaled(x, { shape: s.shape, axis: 0, granularity: 'channel', saturate: true })));
    expect(c.bitsPerElement).toBe(8 + (32 * 8) / 2048);
    expect(c.granularity).toBe('channel');
    expect(measure('t', x.subarray(0, 256), [256], parseFormatSpec('int8')).granularity).toBe('tensor');
  });

  it('block formats: the codec result bit for bit, storage with scales and the NV tensor scale', () => {
    const mx = measure('t', x, s.shape, parseFormatSpec('mxfp4'));
    expect(mx.qsnrDb).toBe(qsnr(x, format('mxfp4').quantize(x, { shape: s.shape })));
    expect(mx.bitsPerElement).toBe(4.25);
    expect(mx.bytes).toBe(1024 + 64);
    const nv = measure('t', x, s.shape, parseFormatSpec('nvfp4'));
    expect(nv.qsnrDb).toBe(qsnr(x, format('nvfp4').quantize(x, { shape: s.shape })));
    expect(nv.bitsPerElement).toBe(4.5 + 32 / 2048);
    expect(nv.bytes).toBe(1024 + 128 + 4);
    const r = measure('t', x, s.shape, parseFormatSpec('mxfp4@rceil'));
    expect(r.options).toEqual({ scaleRule: 'rceil' });
    expect(mx.options).toEqual({});
    expect(r.qsnrDb).toBe(qsnr(x, format('mxfp4').quantize(x, { shape: s.shape, scaleRule: 'rceil' })));
  });

  it('clipped: saturated beyond half the last step; rceil never clips, the OCP floor rule can', () => {
    // One MXFP4 block: amax 7.5 → floor rule scale 2^0, element max 6, last step 2: 7.5 > 6 + 1 is clipped.
    const b = new Float32Array(32).fill(0.5);
    b[3] = 7.5;
    b[4] = -7;
    expect(measure('t', b, [32], parseFormatSpec('mxfp4')).clippedFrac).toBe(1 / 32);
    expect(measure('t', b, [32], parseFormatSpec('mxfp4@rceil')).clippedFrac).toBe(0);
    // Per-channel absmax scaling maps each channel's absmax to the max: nothing clips.
    expect(measure('t', x, s.shape, parseFormatSpec('int4')).clippedFrac).toBe(0);
    expect(measure('t', x, s.shape, parseFormatSpec('uint4@g32')).clippedFrac).toBe(0);
  });

  it('flushed: non-zero inputs that decode to zero', () => {
    const v = Float32Array.of(100, 0.1, -0.2, 0, 50);
    // int8 per tensor: scale 100/127; 0.1 and −0.2 are below half a step
    expect(measure('t', v, [5], parseFormatSpec('int8@tensor')).flushedFrac).toBe(2 / 4);
  });
});
