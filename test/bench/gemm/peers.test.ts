// The GEMM peer bench (bench/gemm/peers.ts): the ONNX models it builds run on onnxruntime-web and give
// numlab's results for the same weights, and the output checks it relies on do fail on wrong outputs.
import { describe, expect, it } from 'vitest';
import { format, matmul, type ElementFormat } from '../../../src/index.js';
import { int4g32, int8channel, shapeData } from '../../../bench/gemm/cases.js';
import { matmulNBitsModel } from '../../../bench/gemm/onnx.js';
import { checkBits, checkWithinBound, int8Epilogue, packNBits, runPeerJob } from '../../../bench/gemm/peers.js';

const quiet = () => {};

describe('GEMM peers', () => {
  it('packNBits: two codes a byte, the lower nibble first along k, u = q + 8', () => {
    const codes = new Uint8Array(64);
    codes[0] = 0x7; // +7 → 15
    codes[1] = 0x8; // −8 → 0
    codes[2] = 0xf; // −1 → 7
    codes[3] = 0x0; // 0 → 8
    const p = packNBits({ format: 'int4', shape: [2, 32], axis: 1, granularity: 'group', groupSize: 32, codes, scales: new Float32Array(2), zeroPoints: null });
    expect([...p.subarray(0, 3)]).toEqual([0x0f, 0x87, 0x88]);
    expect(p.length).toBe(32);
  });

  it('onnxruntime-web MatMul, MatMulNBits and MatMulInteger (1 thread) and tfjs matMul agree with numlab on every shape kind', async () => {
    const shapes: [number, number, number][] = [[1, 40, 96], [5, 24, 64]];
    const ort = await runPeerJob({ peer: 'onnxruntime-web', threads: 1, shapes, timeMs: 5 }, quiet);
    expect(ort.map((r) => `${r.op} ${r.shape}`)).toEqual(['MatMul 1×40×96', 'MatMulNBits 1×40×96', 'MatMulInteger 1×40×96', 'MatMul 5×24×64', 'MatMulNBits 5×24×64', 'MatMulInteger 5×24×64']);
    for (const r of ort) {
      expect(r.check).toMatch(r.op === 'MatMulInteger' ? /^bit-exact/ : /^(within 2γ_k|equal to numlab)/);
      expect(r.gflops).toBeGreaterThan(0);
      expect(r.samples).toBeGreaterThanOrEqual(8);
    }
    const tf = await runPeerJob({ peer: 'tfjs-backend-wasm', threads: 1, shapes, timeMs: 5 }, quiet);
    expect(tf.map((r) => `${r.op} ${r.shape}`)).toEqual(['matMul 1×40×96', 'matMul 5×24×64']);
    for (const r of tf) expect(r.check).toMatch(/^(within 2γ_k|equal to numlab)/);
    await expect(runPeerJob({ peer: 'tfjs-backend-wasm', threads: 2, shapes, timeMs: 5 }, quiet)).rejects.toThrow(/one thread/);
  });

  it('a MatMulNBits model with the nibbles swapped fails the bound check (the check can fail)', async () => {
    const ort = await import('onnxruntime-web');
    const [m, n, k] = [2, 16, 64];
    const { a, w } = shapeData(m, n, k);
    const e = int4g32(w, n, k);
    const swapped = packNBits(e).map((b) => ((b & 15) << 4) | (b >> 4));
    const s = await ort.InferenceSession.create(matmulNBitsModel(m, n, k, 32, swapped, e.scales), { executionProviders: ['wasm'] });
    const y = (await s.run({ A: new ort.Tensor('float32', a, [m, k]) })).Y.data as Float32Array;
    await s.release();
    const wHat = (format('int4') as ElementFormat).decodeScaled(e);
    expect(() => checkWithinBound('MatMulNBits', y, matmul(a, e, { m, n, k }), a, wHat, m, n, k)).toThrow(/MatMulNBits: y\[\d+, \d+\] = .* past 2γ_k/);
  });

  it('checkWithinBound and checkBits name the first output off, and NaN never passes', () => {
    const [m, n, k] = [3, 8, 32];
    const { a, w } = shapeData(m, n, k);
    const y = matmul(a, w, { m, n, k });
    expect(checkWithinBound('same', y.slice(), y, a, w, m, n, k)).toMatch(/^equal to numlab in every element/);
    const near = y.slice();
    near[2] = Math.fround(near[2] * (1 + 2 ** -22));
    expect(checkWithinBound('near', near, y, a, w, m, n, k)).toMatch(/^within 2γ_k·Σ\|a\|\|ŵ\| of numlab \(largest \|Δ\| 0\.\d+ of it\)/);
    const off = y.slice();
    off[9] += 1e-3;
    expect(() => checkWithinBound('off', off, y, a, w, m, n, k)).toThrow(/off: y\[1, 1\]/);
    off[9] = NaN;
    expect(() => checkWithinBound('nan', off, y, a, w, m, n, k)).toThrow(/nan: y\[1, 1\] = NaN/);
    const ulp = y.slice();
    new Uint32Array(ulp.buffer)[5] ^= 1;
    expect(() => checkBits('ulp', ulp, y)).toThrow(/ulp: output 5/);
    expect(checkBits('same', y.slice(), y)).toMatch(/^bit-exact/);
  });

  it('int8Epilogue of the exact int32 products is numlab\'s int8 path bit for bit', () => {
    const [m, n, k] = [4, 8, 48];
    const { a, w } = shapeData(m, n, k);
    const e8 = int8channel(w, n, k);
    const qa = (format('int8') as ElementFormat).encodeScaled(a, { shape: [m, k], axis: 0, granularity: 'channel' });
    const q = (c: number) => (c >= 128 ? c - 256 : c);
    const d = new Int32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) d[i * n + j] += q(qa.codes[i * k + t]) * q(e8.codes[j * k + t]);
    expect(checkBits('int8', int8Epilogue(d, qa.scales, e8.scales, m, n), matmul(a, e8, { m, n, k, activations: 'int8' }))).toMatch(/^bit-exact/);
  });
});
