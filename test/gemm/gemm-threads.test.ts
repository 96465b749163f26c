// matmulAsync (src/gemm/gemm-threads.ts): worker_threads over row ranges of a (or, for GEMV, column
// ranges of y), each worker with its own runtime. Bit-identical to matmul (and so to the twins that test/gemm/gemm.test.ts checks it against)
// for 1, 2 and 3 threads, for every weight path, with ragged row splits and m below the thread count;
// bad input rejects with matmul's typed errors, also when the failure is found inside a worker.
import { afterAll, describe, expect, it } from 'vitest';
import { format, matmul, matmulAsync, prepareWeights, stopGemmWorkers, type BlockEncoding, type ElementFormat, type ScaledEncoding } from '../../src/index.js';
import { GEMV_MAX_M } from '../../src/gemm/gemm.js';
import { rejected } from '../helpers/errors.js';
import { data, sameBits } from '../helpers/gemm.js';

afterAll(() => stopGemmWorkers());

describe('matmulAsync: 1 vs 2 vs 3 threads, bit for bit', () => {
  const [n, k] = [19, 70];
  const W = data(n * k, 11, 'outliers');
  const weights: Array<[string, () => Float32Array | BlockEncoding | ScaledEncoding]> = [
    ['f32', () => W],
    ['uint4 g35 zero points', () => format('uint4').encodeScaled(W, { shape: [n, k], axis: 1, granularity: 'group', groupSize: 35 })],
    ['int8 channel', () => format('int8').encodeScaled(W, { shape: [n, k], axis: 0, granularity: 'channel' })],
    ['fp8_e4m3fn channel', () => format('fp8_e4m3fn').encodeScaled(W, { shape: [n, k], axis: 0, granularity: 'channel' })],
    ['mxfp4 (ragged last block)', () => format('mxfp4').encode(W, { shape: [n, k] })],
    ['nvfp4', () => format('nvfp4').encode(W, { shape: [n, k] })],
  ];
  for (const [name, make] of weights) {
    it(name, async () => {
      const w = make();
      for (const m of [1, 2, 3, 7, 13]) {
        const a = data(m * k, 100 + m, m === 7 ? 'raw' : 'moderate');
        const want = matmul(a, w, { m, n, k });
        const pw = prepareWeights(w, { n, k });
        for (const threads of [1, 2, 3]) {
          sameBits(await matmulAsync(a, w, { m, n, k, threads }), want, `${name} m=${m} threads=${threads}`);
          // prepared weights: posted once, then reused from the workers' cache (second call)
          sameBits(await matmulAsync(a, pw, { m, n, k, threads }), want, `${name} prepared m=${m} threads=${threads}`);
          sameBits(await matmulAsync(a, pw, { m, n, k, threads }), want, `${name} prepared again m=${m} threads=${threads}`);
        }
      }
    });
  }

  it('GEMV (m ≤ GEMV_MAX_M, f32 activations): columns split across workers in ranges of 32, every weight path', async () => {
    const [n2, k2] = [100, 96]; // ⌈100 / 32⌉ = 4 column ranges at most, the last one ragged
    const W2 = data(n2 * k2, 12, 'outliers');
    const ws: Array<[string, Float32Array | BlockEncoding | ScaledEncoding]> = [
      ['f32', W2],
      ['int4 g32', format('int4').encodeScaled(W2, { shape: [n2, k2], axis: 1, granularity: 'group', groupSize: 32 })],
      ['uint4 channel (zero points)', format('uint4').encodeScaled(W2, { shape: [n2, k2], axis: 0, granularity: 'channel' })],
      ['int4 g3 (value table)', format('int4').encodeScaled(W2, { shape: [n2, k2], axis: 1, granularity: 'group', groupSize: 3 })],
      ['fp8_e4m3fn channel', format('fp8_e4m3fn').encodeScaled(W2, { shape: [n2, k2], axis: 0, granularity: 'channel' })],
      ['mxfp4', format('mxfp4').encode(W2, { shape: [n2, k2] })],
      ['nvfp4', format('nvfp4').encode(W2, { shape: [n2, k2] })],
    ];
    for (const [name, w] of ws) {
      const pw = prepareWeights(w, { n: n2, k: k2 });
      for (const m of [1, 5, GEMV_MAX_M, GEMV_MAX_M + 1, 40]) {
        const a = data(m * k2, 200 + m, 'moderate');
        const want = matmul(a, w, { m, n: n2, k: k2 });
        for (const threads of [2, 3, 4]) sameBits(await matmulAsync(a, pw, { m, n: n2, k: k2, threads }), want, `${name} m=${m} threads=${threads}`);
      }
    }
    // 1×4096 × 512 int4 g32: the default (m·n·k = 2^21 < 2^24: one thread) and two threads, out filled in place
    const [n3, k3] = [4096, 512];
    const w3 = format('int4').encodeScaled(data(n3 * k3, 13, 'moderate'), { shape: [n3, k3], axis: 1, granularity: 'group', groupSize: 32 });
    const a3 = data(k3, 14, 'moderate');
    const out = new Float32Array(n3).fill(NaN);
    expect(await matmulAsync(a3, w3, { m: 1, n: n3, k: k3, threads: 2, out })).toBe(out);
    sameBits(out, matmul(a3, w3, { m: 1, n: n3, k: k3 }), 'GEMV 2 threads into out');
  });

  it('prepared 4-bit weights resident in the workers: bit-identical across calls, after dispose (BAD_OPTION) and re-preparing', async () => {
    const [n2, k2] = [96, 128];
    const e = format('int4').encodeScaled(data(n2 * k2, 15, 'moderate'), { shape: [n2, k2], axis: 1, granularity: 'group', groupSize: 32 });
    const pw = prepareWeights(e, { n: n2, k: k2 });
    for (const m of [1, 3, GEMV_MAX_M]) {
      const a = data(m * k2, 300 + m, 'raw');
      const want = matmul(a, e, { m, n: n2, k: k2 });
      for (const threads of [2, 3]) for (let call = 0; call < 3; call++) sameBits(await matmulAsync(a, pw, { m, n: n2, k: k2, threads }), want, `m=${m} threads=${threads} call ${call}`);
    }
    pw.dispose();
    const a = data(k2, 310, 'moderate');
    const err = await rejected(matmulAsync(a, pw, { m: 1, n: n2, k: k2, threads: 2 }));
    expect(err.code).toBe('BAD_OPTION');
    const again = prepareWeights(e, { n: n2, k: k2 });
    sameBits(await matmulAsync(a, again, { m: 1, n: n2, k: k2, threads: 2 }), matmul(a, e, { m: 1, n: n2, k: k2 }), 'prepared again');
    again.dispose();
  });

  it('int8 activations (int4 weights; bipolar3 weights, bit-serial)', async () => {
    for (const id of ['int4', 'bipolar3']) {
      const w = (format(id) as ElementFormat).encodeScaled(W, { shape: [n, k], axis: 0, granularity: 'channel' });
      const m = 9;
      const a = data(m * k, 5, 'outliers');
      const want = matmul(a, w, { m, n, k, activations: 'int8' });
      for (const threads of [1, 2, 3])
        sameBits(await matmulAsync(a, w, { m, n, k, threads, activations: 'int8' }), want, `${id} int8 threads=${threads}`);
    }
  });

  it('MX × MX activations', async () => {
    const w = format('mxfp4').encode(W, { shape: [n, k] });
    const pw = prepareWeights(w, { n, k });
    const m = 8;
    const a = data(m * k, 6, 'outliers');
    const want = matmul(a, w, { m, n, k, activations: 'mxfp8_e4m3' });
    for (const threads of [1, 2, 3]) {
      sameBits(await matmulAsync(a, w, { m, n, k, threads, activations: 'mxfp8_e4m3' }), want, `mx threads=${threads}`);
      sameBits(await matmulAsync(a, pw, { m, n, k, threads, activations: 'mxfp8_e4m3' }), want, `mx prepared threads=${threads}`);
    }
  });

  it('NaN in a row stays in that row; out is filled in place', async () => {
    const m = 6;
    const a = data(m * k, 8, 'moderate');
    a[4 * k + 17] = NaN;
    const out = new Float32Array(m * n).fill(123);
    const y = await matmulAsync(a, W, { m, n, k, threads: 3, out });
    expect(y).toBe(out);
    sameBits(y, matmul(a, W, { m, n, k }), 'NaN row');
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Number.isNaN(y[i * n + j]), `[${i}, ${j}]`).toBe(i === 4);
  });

  it('default threads: same bits as one thread, small and large problems', async () => {
    const small = data(3 * k, 1, 'moderate');
    sameBits(await matmulAsync(small, W, { m: 3, n, k }), matmul(small, W, { m: 3, n, k }), 'small default');
    // m·n·k = 64·256·1024 = 2^24: all cores by default
    const [m2, n2, k2] = [64, 256, 1024];
    const a2 = data(m2 * k2, 2, 'moderate'), w2 = data(n2 * k2, 3, 'moderate');
    sameBits(await matmulAsync(a2, w2, { m: m2, n: n2, k: k2 }), matmul(a2, w2, { m: m2, n: n2, k: k2 }), 'large default');
  });

  it('degenerate shapes', async () => {
    expect(await matmulAsync(new Float32Array(0), W, { m: 0, n, k, threads: 2 })).toEqual(new Float32Array(0));
    const y = await matmulAsync(new Float32Array(0), new Float32Array(0), { m: 4, n: 3, k: 0, threads: 2 });
    expect(Array.from(y)).toEqual(new Array(12).fill(0));
  });
});

describe('matmulAsync: bad input rejects with typed errors', () => {
  const W = data(4 * 3, 1, 'moderate');
  const cases: Array<[string, () => Promise<unknown>, string, unknown]> = [
    ['threads 0', () => matmulAsync(new Float32Array(6), W, { m: 2, n: 4, k: 3, threads: 0 }), 'BAD_OPTION', 0],
    ['threads 2.5', () => matmulAsync(new Float32Array(6), W, { m: 2, n: 4, k: 3, threads: 2.5 }), 'BAD_OPTION', 2.5],
    ['a length', () => matmulAsync(new Float32Array(5), W, { m: 2, n: 4, k: 3, threads: 2 }), 'BAD_LENGTH', 5],
    ['out length', () => matmulAsync(new Float32Array(6), W, { m: 2, n: 4, k: 3, threads: 2, out: new Float32Array(7) }), 'BAD_LENGTH', 7],
  ];
  for (const [name, call, code, value] of cases)
    it(name, async () => {
      const e = await rejected(call());
      expect({ code: e.code, value: e.value }).toEqual({ code, value });
    });

  it('an error found inside a worker (NaN with int8 activations) comes back typed', async () => {
    const [m, n, k] = [4, 4, 3];
    const w = format('int8').encodeScaled(W, { shape: [n, k], axis: 0, granularity: 'channel' });
    const a = data(m * k, 2, 'moderate');
    a[3 * k] = NaN; // row 3: the second worker's rows
    const e = await rejected(matmulAsync(a, w, { m, n, k, threads: 2, activations: 'int8' }));
    expect(e.code).toBe('NONFINITE_INPUT');
    // and the pool still works afterwards
    const b = data(m * k, 3, 'moderate');
    sameBits(await matmulAsync(b, w, { m, n, k, threads: 2, activations: 'int8' }), matmul(b, w, { m, n, k, activations: 'int8' }), 'after error');
  });
});
