/**
 * What the GEMM bench and its peer processes both measure: the issue-11 shapes, the seeded inputs and
 * the weight encodings, defined once so a peer child process rebuilds exactly the data of the main run.
 */
import { format, type ElementFormat, type ScaledEncoding } from '../../src/index.js';

/** m×n×k: a [m, k], W [n, k] (out × in), y [m, n]. */
export const GEMM_SHAPES: readonly [number, number, number][] = [
  [1, 4096, 4096], [16, 4096, 4096], [128, 4096, 4096], [512, 512, 512], [1, 11008, 4096], [128, 11008, 4096],
];

export const shapeName = ([m, n, k]: readonly number[]): string => `${m}×${n}×${k}`;

/**
 * NUMLAB_BENCH_GEMM_SHAPES (e.g. "1x4096x4096,512x512x512"): a subset of GEMM_SHAPES for a quick
 * look; unset: all six.
 */
export function selectedShapes(env = process.env.NUMLAB_BENCH_GEMM_SHAPES): [number, number, number][] {
  if (!env) return GEMM_SHAPES.map((s) => [...s] as [number, number, number]);
  return env.split(',').map((t) => {
    const s = t.trim().split(/[x×]/).map(Number);
    if (s.length !== 3 || !s.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`NUMLAB_BENCH_GEMM_SHAPES: ${JSON.stringify(t)} is not m×n×k`);
    return s as [number, number, number];
  });
}

/** A seeded generator of uniform numbers in [−1, 1). */
export function values(len: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0) / 2 ** 31) - 1;
  return x;
}

/** The inputs of one shape: a (seed 1) and W (seed 2). */
export function shapeData(m: number, n: number, k: number): { a: Float32Array; w: Float32Array } {
  return { a: values(m * k, 1), w: values(n * k, 2) };
}

/** int4 weights, symmetric, one f32 scale per 32 along k (the peer: MatMulNBits bits 4, block 32). */
export const int4g32 = (w: Float32Array, n: number, k: number): ScaledEncoding =>
  (format('int4') as ElementFormat).encodeScaled(w, { shape: [n, k], axis: 1, granularity: 'group', groupSize: 32 });

/** int8 weights, symmetric, one f32 scale per output channel (the peer: MatMulInteger u8 × s8). */
export const int8channel = (w: Float32Array, n: number, k: number): ScaledEncoding =>
  (format('int8') as ElementFormat).encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel' });
