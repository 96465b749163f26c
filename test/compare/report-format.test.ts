import { describe, expect, it } from 'vitest';
import { fmtBits, fmtCosine, fmtDb, fmtPct, fmtPerBit, fmtSig, formatLabel, seriesLabel, sortByQsnr } from '../../src/compare/report-format.js';
import { compareFixture } from '../helpers/compare-fixture.js';

describe('report number formatting', () => {
  it('QSNR: 2 decimals, ∞ when exact, a dash when undefined', () => {
    expect(fmtDb(31.856)).toBe('31.86');
    expect(fmtDb(-3.2)).toBe('-3.20');
    expect(fmtDb(Infinity)).toBe('∞');
    expect(fmtDb(-Infinity)).toBe('−∞');
    expect(fmtDb(null)).toBe('—');
    expect(fmtPerBit(37 / 8.0625)).toBe('4.589');
    expect(fmtPerBit(null)).toBe('—');
  });

  it('fractions as percentages: 2 decimals, 2 significant digits below 0.01 %', () => {
    expect(fmtPct(0)).toBe('0');
    expect(fmtPct(0.0712)).toBe('7.12');
    expect(fmtPct(1)).toBe('100.00');
    expect(fmtPct(3.1e-5)).toBe('0.0031');
    expect(fmtPct(1 / 131072)).toBe('0.00076');
  });

  it('cosine keeps decimals until it no longer reads as exactly 1', () => {
    expect(fmtCosine(1)).toBe('1');
    expect(fmtCosine(0.99998009)).toBe('0.999980');
    expect(fmtCosine(1 - 3e-9)).toBe('0.999999997');
    expect(fmtCosine(-1 + 4e-8)).toBe('-0.99999996');
    expect(fmtCosine(null)).toBe('—');
  });

  it('bits per element exactly for scale overheads in 1/2^k, magnitudes to 4 significant digits', () => {
    expect(fmtBits(4.25)).toBe('4.25');
    expect(fmtBits(4 + 36 / 128)).toBe('4.28125');
    expect(fmtBits(8)).toBe('8');
    expect(fmtBits(8 + 32 / 131072)).toBe('8.000244');
    expect(fmtSig(0.000134394)).toBe('0.0001344');
    expect(fmtSig(0)).toBe('0');
    expect(fmtSig(1.5e-9)).toBe('1.500e-9');
  });

  it('labels: format with its options, granularity in parentheses for series', () => {
    expect(formatLabel({ format: 'int4', options: { scheme: 'asym', zeroPoint: true } })).toBe('int4 scheme=asym zeroPoint=true');
    expect(seriesLabel({ format: 'mxfp4', options: {}, granularity: 'block:32' })).toBe('mxfp4 (block:32)');
  });
});

describe('sortByQsnr', () => {
  it('exact first, then descending QSNR, undefined last; ties by fewer bits, then label', () => {
    // fixture order: int8, fp8_e4m3fn, mxfp8_e4m3, mxfp6_e2m3, mxfp4, nvfp4, int4
    const base = compareFixture().rows.filter((r) => r.tensor === 'layers.0.mlp.w1');
    const rows = base.map((r, i) => ({ ...r, qsnrDb: [Infinity, 20, null, 30, 20, 20, 5][i] }));
    rows[5] = { ...rows[5], format: 'aaa', bitsPerElement: rows[4].bitsPerElement }; // ties mxfp4 on QSNR and bits
    expect(sortByQsnr(rows).map((r) => `${r.format} ${r.qsnrDb}`)).toEqual([
      'int8 Infinity',
      'mxfp6_e2m3 30',
      'aaa 20', // 4.25 bits, label 'aaa (block:16)'
      'mxfp4 20', // 4.25 bits, label 'mxfp4 (block:32)'
      'fp8_e4m3fn 20', // 8.000244 bits
      'int4 5',
      'mxfp8_e4m3 null',
    ]);
    expect(rows.map((r) => r.format)).toEqual(['int8', 'fp8_e4m3fn', 'mxfp8_e4m3', 'mxfp6_e2m3', 'mxfp4', 'aaa', 'int4']); // input not reordered
  });
});
