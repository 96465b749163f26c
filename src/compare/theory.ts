/**
 * Closed-form QSNR models of "INT v.s. FP" (Chen et al., arXiv 2510.25602; formats.md §2.3) for
 * Gaussian blocks of crest factor κ = amax/σ, in dB:
 *
 *   INT (MX):  10.8 + 6.02·(b−1) − 20·log10 ρ − 20·log10 κ
 *   INT (NV):  −10·log10( R0·(1 − 1/k) ),  R0 = (ρκ)² / (12·(2^(b−1))²)
 *   FP:        −10·log10( α_M·w_norm(τ1) + β·(ρκ)²·p_sub(τ0, τ1) + w_zero(τ0) )
 *              α_M = 1/(24·2^(2M)),  β = 2^(2(1−B−M)) / (12·Qmax²),
 *              τ0 = (ρκ/Qmax)·2^(−B−M),  τ1 = (ρκ/Qmax)·2^(1−B)
 *   FP (NV):   w_norm replaced by max(0, w_norm − κ²/k)
 *
 * with p_sub(a, b) = 2(Φ(b) − Φ(a)), w_zero(t) = 2Φ(t) − 1 − 2tφ(t), w_norm(t) = 2(tφ(t) + 1 − Φ(t)),
 * ρ = 1.5 for E8M0 scales and 1.05 for E4M3 scales (B is the element's exponent bias, M its
 * mantissa bits, Qmax its largest value).
 */
import { normalCdf as Phi, normalPdf as phi } from './normal.js';

export interface IntModel { kind: 'int'; bits: number }
export interface FpModel { kind: 'fp'; manBits: number; bias: number; qmax: number }
export interface ScaleModel { rho: number; /** NV correction with this block size, or null (MX). */ nvBlock: number | null }

export function theoryInt(kappa: number, m: IntModel, s: ScaleModel): number {
  if (s.nvBlock === null) return 10.8 + 6.02 * (m.bits - 1) - 20 * Math.log10(s.rho) - 20 * Math.log10(kappa);
  const r0 = (s.rho * kappa) ** 2 / (12 * (2 ** (m.bits - 1)) ** 2);
  return -10 * Math.log10(r0 * (1 - 1 / s.nvBlock));
}

export function theoryFp(kappa: number, m: FpModel, s: ScaleModel): number {
  const alpha = 1 / (24 * 2 ** (2 * m.manBits));
  const beta = 2 ** (2 * (1 - m.bias - m.manBits)) / (12 * m.qmax ** 2);
  const scale = (s.rho * kappa) / m.qmax;
  const t0 = scale * 2 ** (-m.bias - m.manBits);
  const t1 = scale * 2 ** (1 - m.bias);
  const pSub = 2 * (Phi(t1) - Phi(t0));
  const wZero = 2 * Phi(t0) - 1 - 2 * t0 * phi(t0);
  let wNorm = 2 * (t1 * phi(t1) + 1 - Phi(t1));
  if (s.nvBlock !== null) wNorm = Math.max(0, wNorm - kappa ** 2 / s.nvBlock);
  return -10 * Math.log10(alpha * wNorm + beta * (s.rho * kappa) ** 2 * pSub + wZero);
}

/**
 * The first κ in [lo, hi] where f changes sign (f = INT − FP: INT better below), located on a grid
 * of `steps` and refined by bisection; null when f keeps its sign.
 */
export function firstCrossing(f: (k: number) => number, lo: number, hi: number, steps = 2000): number | null {
  let a = lo;
  let fa = f(a);
  for (let i = 1; i <= steps; i++) {
    const b = lo + ((hi - lo) * i) / steps;
    const fb = f(b);
    if (fa === 0) return a;
    if (fa * fb < 0) {
      let x0 = a, x1 = b, f0 = fa;
      for (let j = 0; j < 60; j++) {
        const mid = (x0 + x1) / 2;
        const fm = f(mid);
        if (fm * f0 <= 0) x1 = mid;
        else (x0 = mid), (f0 = fm);
      }
      return (x0 + x1) / 2;
    }
    a = b;
    fa = fb;
  }
  return null;
}

/** Crossing of two sampled curves (linear interpolation between the samples), or null. */
export function sampledCrossing(xs: readonly number[], d: readonly number[]): number | null {
  for (let i = 1; i < xs.length; i++) {
    if (d[i - 1] === 0) return xs[i - 1];
    if (d[i - 1] * d[i] < 0) return xs[i - 1] + ((xs[i] - xs[i - 1]) * d[i - 1]) / (d[i - 1] - d[i]);
  }
  return null;
}
