// SmoothQuant: the float output of norm → linears is unchanged; s follows the formula and clamps;
// α = 0.5 equalises activation and weight channel maxima.
import { describe, expect, it } from 'vitest';
import { ActivationAbsMax, smoothquant } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { randMatrix } from '../helpers/ptq.js';

const d = 32;
const tokens = 24;
const X = Float32Array.from(randMatrix(tokens * d, 31), (v, i) => (i % d === 3 || i % d === 17 ? v * 60 : v * 2));
const lin = (seed: number, out: number) => ({ weight: Float32Array.from(randMatrix(out * d, seed), (v) => v * 0.2), shape: [out, d] as [number, number] });
const linears = [lin(32, 8), lin(33, 12)];
const gamma = Float32Array.from(randMatrix(d, 34), (v) => 1 + v / 2);
const beta = Float32Array.from(randMatrix(d, 35), (v) => v / 10);

/** LayerNorm (with β) or RMSNorm (β undefined) in float64, then y = n(x) Wᵀ for each linear. */
function forward(x: Float32Array, g: Float32Array, b: Float32Array | undefined, ws: Float32Array[], outs: number[]): number[] {
  const y: number[] = [];
  for (let t = 0; t < tokens; t++) {
    const row = Array.from(x.subarray(t * d, (t + 1) * d));
    const mean = b ? row.reduce((a, v) => a + v, 0) / d : 0;
    const ms = row.reduce((a, v) => a + (v - mean) ** 2, 0) / d;
    const n = row.map((v, j) => ((v - mean) / Math.sqrt(ms + 1e-5)) * g[j] + (b ? b[j] : 0));
    ws.forEach((w, k) => {
      for (let r = 0; r < outs[k]; r++) y.push(n.reduce((a, v, j) => a + v * w[r * d + j], 0));
    });
  }
  return y;
}

describe('smoothquant', () => {
  const act = new ActivationAbsMax(d).add(X.subarray(0, 12 * d), { rows: 12 }).add(X.subarray(12 * d), { rows: 12 });

  it('activation absmax is the per-channel max |x| over all batches', () => {
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let t = 0; t < tokens; t++) m = Math.max(m, Math.abs(X[t * d + j]));
      expect(act.absmax[j]).toBe(m);
    }
  });

  it.each([[0.5, true], [0.85, true], [0.5, false], [0, false], [1, true]])('α = %d, LayerNorm %s: output unchanged within f32 tolerance', (alpha, ln) => {
    // the fold is exact algebra for any s (f32 roundings aside); the scales come from the calibration absmax
    const r = smoothquant({ actScales: act.absmax, linears, norm: ln ? { weight: gamma, bias: beta } : { weight: gamma }, alpha });
    const outs = linears.map((l) => l.shape[0]);
    const y0 = forward(X, gamma, ln ? beta : undefined, linears.map((l) => l.weight), outs);
    const y1 = forward(X, r.norm.weight, ln ? r.norm.bias : undefined, r.linears, outs);
    const scale = Math.max(...y0.map(Math.abs));
    for (let i = 0; i < y0.length; i++) expect(Math.abs(y1[i] - y0[i])).toBeLessThan(1e-5 * scale);
    expect(r.scales.some((s) => Math.abs(s - 1) > 0.1)).toBe(true); // it did move something
  });

  it('s_j = max|X_j|^α / max|W_j|^(1−α) over all linears; α = 0.5 equalises act/s and w·s', () => {
    const r = smoothquant({ actScales: act.absmax, linears, norm: { weight: gamma }, alpha: 0.5 });
    for (let j = 0; j < d; j++) {
      let w = 0;
      for (const l of linears) for (let o = 0; o < l.shape[0]; o++) w = Math.max(w, Math.abs(l.weight[o * d + j]));
      expect(r.scales[j]).toBe(Math.fround(Math.sqrt(act.absmax[j]) / Math.sqrt(w)));
      let ws = 0;
      for (const l of r.linears) for (let o = 0; o < l.length / d; o++) ws = Math.max(ws, Math.abs(l[o * d + j]));
      expect(Math.abs(act.absmax[j] / r.scales[j] - ws) / ws).toBeLessThan(1e-6);
    }
  });

  it('clamps: zero weight channel uses 1e-5, zero activation channel gives s = 1e-5', () => {
    const w = new Float32Array(2 * 2).fill(0.5);
    w[1] = 0;
    w[3] = 0;
    const r = smoothquant({ actScales: Float32Array.from([0, 4]), linears: [{ weight: w, shape: [2, 2] }], norm: { weight: Float32Array.from([1, 1]) }, alpha: 0.5 });
    expect(r.scales[0]).toBe(Math.fround(1e-5));
    expect(r.scales[1]).toBe(Math.fround(2 / Math.sqrt(Math.fround(1e-5))));
  });

  it('typed errors', () => {
    const base = { actScales: act.absmax, linears, norm: { weight: gamma } };
    expect(thrown(() => smoothquant({ ...base, alpha: 1.5 })).code).toBe('BAD_OPTION');
    expect(thrown(() => smoothquant({ ...base, linears: [{ weight: new Float32Array(8), shape: [2, 4] }] })).code).toBe('BAD_SHAPE');
    expect(thrown(() => smoothquant({ ...base, norm: { weight: new Float32Array(3) } })).code).toBe('BAD_LENGTH');
    expect(thrown(() => smoothquant({ ...base, actScales: Float32Array.from({ length: d }, (_, j) => (j ? 1 : NaN)) })).code).toBe('NONFINITE_INPUT');
    expect(thrown(() => smoothquant({ ...base, linears: [] })).code).toBe('BAD_OPTION');
    expect(thrown(() => new ActivationAbsMax(2).add(new Float32Array(3), { rows: 1 })).code).toBe('BAD_LENGTH');
  });
});
