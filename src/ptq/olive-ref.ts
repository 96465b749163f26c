/**
 * Reference twin of the OliVe fake quantizer (spec ptq.md §5), written step by step from the authors'
 * emulation, float32 operation by float32 operation, with no shortcuts: the nearest-value search is the
 * CUDA kernel's linear scan (start distance 102400, `<=` so ties go to the later list entry), the
 * outlier-victim pairing is the two torch.roll masks over the flattened tensor, the straight-through
 * step (q − d) + d is evaluated in f32, and every candidate alpha re-runs the whole forward.
 * The fast path in olive.ts must agree with it bit for bit (tests).
 */
import { OLIVE_OUTLIER_THRESHOLD, OLIVE_SCAN_START, type OliveGrid } from './olive-grids.js';

const f = Math.fround;

/** The CUDA kernel's scan: nearest list value, ties to the later entry; 0 if nothing is within 102400. */
export function refNearest(d: number, scan: Float32Array): number {
  let best = OLIVE_SCAN_START;
  let z = 0;
  for (let i = 0; i < scan.length; i++) {
    const dist = Math.abs(f(d - scan[i]));
    if (dist <= best) {
      best = dist;
      z = scan[i];
    }
  }
  return z;
}

/** The reference forward: x [rows, L] row-major, one f32 scale per row (rows = 1 per tensor). */
export function refForward(x: Float32Array, rows: number, scales: Float32Array, grid: OliveGrid): Float32Array {
  const N = x.length;
  const L = N / rows;
  const d = new Float32Array(N);
  const q = new Float32Array(N);
  for (let j = 0; j < N; j++) {
    d[j] = f(x[j] / scales[Math.floor(j / L)]);
    q[j] = refNearest(d[j], grid.scan);
  }
  const mask = Array.from(q, (v) => Math.abs(v) > OLIVE_OUTLIER_THRESHOLD);
  // victim_odd = roll(mask, 1) with even positions cleared; victim_even = roll(mask & ~victim_odd, -1)
  // with odd positions cleared (roll wraps around the flattened tensor).
  const victimOdd = mask.map((_, j) => j % 2 === 1 && mask[(j - 1 + N) % N]);
  const kept = mask.map((m, j) => m && !victimOdd[j]);
  const victimEven = mask.map((_, j) => j % 2 === 0 && kept[(j + 1) % N]);
  const out = new Float32Array(N);
  for (let j = 0; j < N; j++) {
    const qv = victimOdd[j] || victimEven[j] ? q[j] * 0 : q[j];
    const ste = f(f(qv - d[j]) + d[j]);
    out[j] = f(ste * scales[Math.floor(j / L)]);
  }
  return out;
}

/** Mean over each row of the f32 squares f32(o − x)², as torch's CPU `.mean(-1)`: torchSumF32, then ÷ L in f32. */
export function refRowMse(out: Float32Array, x: Float32Array, rows: number): Float32Array {
  const L = x.length / rows;
  const mse = new Float32Array(rows);
  const e2 = new Float32Array(L);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < L; k++) {
      const e = f(out[r * L + k] - x[r * L + k]);
      e2[k] = f(e * e);
    }
    mse[r] = torchSumF32(e2, 0, L) / L;
  }
  return mse;
}

/**
 * torch's CPU f32 sum of x[off, off + n) (ATen's cascade sum, as its 8-lane build runs it — AVX2 and
 * the default build; checked against torch 1.13 for n = 1 … 300 000): vectors of 8, four vector
 * accumulators (ILP) cascaded over 4 levels of 2^max(4, ⌈log2 groups⌉/4) groups, the leftover vectors
 * into accumulator 0, then accumulators 1–3 into 0; the scalar tail summed from 0, then the 8 lanes
 * added in order. Rows shorter than 8: four scalar accumulators the same way. Every addition in f32.
 */
export function torchSumF32(x: Float32Array, off: number, n: number): number {
  const W = n < 8 ? 1 : 8;
  const vecs = Math.floor(n / W);
  const groups = Math.floor(vecs / 4);
  const ceilLog2 = groups <= 2 ? 1 : Math.ceil(Math.log2(groups));
  const power = Math.max(4, Math.floor(ceilLog2 / 4));
  const step = 2 ** power;
  // ACC[((level · 4) + ilp) · W + lane]
  const acc = ACC.fill(0);
  const addVec = (a: number, v: number): void => {
    for (let l = 0; l < W; l++) acc[a * W + l] = f(acc[a * W + l] + x[off + v * W + l]);
  };
  const addAcc = (a: number, b: number): void => {
    for (let l = 0; l < W; l++) acc[a * W + l] = f(acc[a * W + l] + acc[b * W + l]);
  };
  let i = 0;
  while (i + step <= groups) {
    for (let t = 0; t < step; t++, i++) for (let k = 0; k < 4; k++) addVec(k, 4 * i + k);
    for (let j = 1; j < 4; j++) {
      for (let k = 0; k < 4; k++) {
        addAcc(4 * j + k, 4 * (j - 1) + k);
        acc.fill(0, (4 * (j - 1) + k) * W, (4 * (j - 1) + k + 1) * W);
      }
      if ((i & ((step - 1) * 2 ** (j * power))) !== 0) break;
    }
  }
  for (; i < groups; i++) for (let k = 0; k < 4; k++) addVec(k, 4 * i + k);
  for (let j = 1; j < 4; j++) for (let k = 0; k < 4; k++) addAcc(k, 4 * j + k);
  for (let v = groups * 4; v < vecs; v++) addVec(0, v);
  for (let k = 1; k < 4; k++) addAcc(0, k);
  let total = 0;
  for (let k = vecs * W; k < n; k++) total = f(total + x[off + k]);
  for (let l = 0; l < W; l++) total = f(total + acc[l]);
  return total;
}
const ACC = new Float32Array(4 * 4 * 8);

/**
 * 3σ init per row: max(|μ + 3σ|, |μ − 3σ|), each step in f32. μ = f32(torch's f32 sum / n) (torchSumF32);
 * σ the unbiased (n − 1) standard deviation, in float64 then rounded (torch's CPU std accumulates in
 * double).
 */
export function refXMax(x: Float32Array, rows: number): Float32Array {
  const L = x.length / rows;
  const xm = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * L; j < (r + 1) * L; j++) s += x[j];
    const mu = s / L;
    let v = 0;
    for (let j = r * L; j < (r + 1) * L; j++) v += (x[j] - mu) ** 2;
    const m = f(torchSumF32(x, r * L, L) / L);
    const sd3 = f(3 * f(Math.sqrt(v / (L - 1))));
    xm[r] = Math.max(Math.abs(f(m + sd3)), Math.abs(f(m - sd3)));
  }
  return xm;
}

/** Alpha search: i = low, low + 2, … < high; alpha = x_max · f32(i · 0.01); strict `<` keeps the earliest best. */
export function refSearch(x: Float32Array, rows: number, grid: OliveGrid, low: number, high: number): { alpha: Float32Array; best: Float32Array } {
  const xMax = refXMax(x, rows);
  const alpha = Float32Array.from(xMax);
  const best = new Float32Array(rows).fill(1e10);
  for (let i = low; i < high; i += 2) {
    const mult = f(i * 0.01);
    const a = xMax.map((v) => f(v * mult));
    const scales = a.map((v) => f(v / grid.normalMax));
    const score = refRowMse(refForward(x, rows, scales, grid), x, rows);
    for (let r = 0; r < rows; r++) {
      if (score[r] < best[r]) {
        best[r] = score[r];
        alpha[r] = a[r];
      }
    }
  }
  return { alpha, best };
}

/** The reference pipeline: type choice by summed best MSE (ties to int), then the forward at the chosen alphas. */
export function refOlive(
  x: Float32Array,
  rows: number,
  grids: readonly OliveGrid[],
  low: number,
  high: number,
): { weight: Float32Array; type: OliveGrid['type']; alpha: Float32Array; scales: Float32Array } {
  let chosen = grids[0];
  let found = refSearch(x, rows, chosen, low, high);
  if (grids.length > 1) {
    const total = (b: Float32Array) => torchSumF32(b, 0, b.length);
    const other = refSearch(x, rows, grids[1], low, high);
    if (total(other.best) < total(found.best)) {
      chosen = grids[1];
      found = other;
    }
  }
  const scales = found.alpha.map((a) => f(a / chosen.normalMax));
  return { weight: refForward(x, rows, scales, chosen), type: chosen.type, alpha: found.alpha, scales };
}
