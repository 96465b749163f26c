import { describe, expect, it } from 'vitest';
import { NumlabError } from '../../src/errors.js';
import { layerEval, parsePtq, pipelineText, rotationBlock } from '../../src/compare/layer-eval.js';
import { dequantize, measure, parseFormatSpec } from '../../src/compare/measure.js';
import { generate, parseSynthetic } from '../../src/compare/synthetic.js';
import { gptq } from '../../src/ptq/gptq.js';
import { hadamard } from '../../src/ptq/hadamard.js';
import { HessianAccumulator } from '../../src/ptq/hessian.js';
import { layerError } from '../../src/ptq/layer-error.js';

const OUT = 32;
const IN = 128;
const TOKENS = 192;
const shape: [number, number] = [OUT, IN];
const W = generate(parseSynthetic(`gaussian:shape=${OUT}x${IN},seed=11`));
const X = generate(parseSynthetic(`llm-act:shape=${TOKENS}x${IN},seed=12,outliers=4`));
const specs = ['int4', 'int4@g32', 'mxfp4', 'nvfp4', 'fp8_e4m3fn'].map((f) => parseFormatSpec(f));
/** ‖W X − Q X‖² / ‖W X‖² straight from X (no Hessian). */
const direct = (Q: Float32Array) => layerError(W, Q, X, { shape, tokens: TOKENS });
const close = (a: number | null | undefined, b: number) => expect(Math.abs(a! - b)).toBeLessThanOrEqual(1e-9 * b);

describe('layerEval', () => {
  const r = layerEval(W, shape, X, TOKENS, specs, { ptq: ['gptq', 'hadamard', 'smoothquant', 'hadamard+gptq'] });

  it('RTN: the error of the x̂ that measure() scores, computed straight from X', () => {
    specs.forEach((s, i) => {
      const q = dequantize(W, shape, s);
      // dequantize is measure()'s quantization: same error metrics.
      const m = measure('w', W, shape, s);
      let se = 0;
      for (let k = 0; k < W.length; k++) se += (q[k] - W[k]) ** 2;
      expect(se / W.length).toBe(m.mse);
      close(r.layerErr[i], direct(q));
    });
  });

  it('hadamard: quantized in the rotated basis, rotated back, error against the original X', () => {
    specs.forEach((s, i) => {
      const b = rotationBlock(s, IN)!;
      expect(b).toBe(s.kind === 'block' ? (s.id === 'nvfp4' ? 16 : 32) : 128);
      const back = hadamard(dequantize(hadamard(W, { shape, block: b }), shape, s), { shape, block: b });
      // The rotation is orthogonal but the back-rotation rounds to f32: agreement to f32 precision.
      expect(Math.abs(r.layerErrPtq[i].hadamard! - direct(back))).toBeLessThanOrEqual(1e-5 * direct(back));
    });
  });

  it('smoothquant: W·diag(s) quantized, then ÷ s, error against the original X', () => {
    // s_j = max|X_j|^½ / max|W_j|^½ (α = 0.5), computed here independently of smoothquant().
    const s = new Float64Array(IN);
    for (let j = 0; j < IN; j++) {
      let ax = 0;
      let aw = 0;
      for (let t = 0; t < TOKENS; t++) ax = Math.max(ax, Math.abs(X[t * IN + j]));
      for (let o = 0; o < OUT; o++) aw = Math.max(aw, Math.abs(W[o * IN + j]));
      s[j] = Math.fround(Math.sqrt(ax) / Math.sqrt(Math.max(aw, Math.fround(1e-5))));
    }
    specs.forEach((spec, i) => {
      const ws = W.map((w, k) => w * s[k % IN]);
      const q = dequantize(ws, shape, spec).map((v, k) => v / s[k % IN]);
      expect(Math.abs(r.layerErrPtq[i].smoothquant! - direct(q))).toBeLessThanOrEqual(1e-4 * direct(q));
    });
  });

  it('gptq: the GPTQ weight with the format, on the calibration Hessian; beats RTN here', () => {
    const h = new HessianAccumulator(IN).add(X, { rows: TOKENS });
    specs.forEach((s, i) => {
      const g = typeof s.granularity === 'object' && s.granularity !== null ? s.granularity.group : -1;
      const q = gptq(W, h, { shape, format: s.id, groupSize: g }).weight;
      close(r.layerErrPtq[i].gptq, direct(q));
      expect(r.layerErrPtq[i].gptq!).toBeLessThan(r.layerErr[i]!);
      // Rotation then GPTQ is the best of the five on these outlier-channel activations.
      expect(r.layerErrPtq[i]['hadamard+gptq']!).toBeLessThan(r.layerErrPtq[i].gptq!);
    });
  });

  it('gptq with method formats and @sorted: gptq\'s method quantizers and channelOrder ksort, below RTN here', () => {
    const m = ['bitmod4', 'bitmod3@g32', 'bitmod4@channel', 'nupes4', 'olive4', 'olive8', 'mxfp4@sorted', 'nvfp4@sorted'].map((f) => parseFormatSpec(f));
    const e = layerEval(W, shape, X, TOKENS, m, { ptq: ['gptq', 'smoothquant+gptq'] });
    const h = new HessianAccumulator(IN).add(X, { rows: TOKENS });
    const opts = [{ groupSize: 128 }, { groupSize: 32 }, { groupSize: -1 }, {}, {}, {}, { channelOrder: 'ksort' as const }, { channelOrder: 'ksort' as const }];
    m.forEach((s, i) => {
      const q = gptq(W, h, { shape, format: s.id, ...opts[i] }).weight;
      close(e.layerErrPtq[i].gptq, direct(q));
      expect(e.layerErrPtq[i].gptq!).toBeLessThan(e.layerErr[i]!);
      expect(typeof e.layerErrPtq[i]['smoothquant+gptq']).toBe('number');
    });
    // still null: one exponent / scale per tensor (GPTQ's method quantizers are per row or group)
    const n = layerEval(W, shape, X, TOKENS, ['nupes4@tensor', 'olive4@tensor'].map((f) => parseFormatSpec(f)), { ptq: ['gptq'] });
    expect(n.layerErrPtq.map((p) => p.gptq)).toEqual([null, null]);
  });

  it('null where a pipeline does not apply; typed errors for bad pipelines', () => {
    const odd = parseFormatSpec('int4@tensor');
    const asym = parseFormatSpec('int4@asym');
    const e = layerEval(W, shape, X, TOKENS, [odd, asym, parseFormatSpec('mxfp4@rceil')], { ptq: ['gptq', 'hadamard'] });
    // GPTQ's format path has per-row/per-group default scales only.
    expect(e.layerErrPtq.map((p) => p.gptq)).toEqual([null, null, null]);
    expect(e.layerErrPtq.every((p) => typeof p.hadamard === 'number')).toBe(true);
    expect(rotationBlock(specs[0], 96)).toBe(32);
    expect(rotationBlock(specs[0], 127)).toBe(null);
    expect(rotationBlock(specs[0], 128, 64)).toBe(64);
    expect(rotationBlock(specs[0], 96, 64)).toBe(null);
    expect(pipelineText(parsePtq(' GPTQ+hadamard '))).toBe('hadamard+gptq');
    expect(pipelineText(parsePtq('gptq+smoothquant+hadamard'))).toBe('smoothquant+hadamard+gptq');
    for (const [t, msg] of [['awq', /unknown PTQ step "awq"/], ['gptq+gptq', /appears twice/], ['', /unknown PTQ step ""/]] as const) {
      expect(() => parsePtq(t)).toThrowError(NumlabError);
      expect(() => parsePtq(t)).toThrowError(msg);
    }
    expect(() => layerEval(W, shape, X, TOKENS - 1, specs)).toThrowError(/calibration X has/);
    // ‖W X‖ = 0: undefined, reported as null rather than a number.
    expect(layerEval(new Float32Array(OUT * IN), shape, X, TOKENS, specs.slice(0, 1)).layerErr).toEqual([null]);
  });
});
