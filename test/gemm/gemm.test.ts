// matmul / prepareWeights (src/gemm/gemm.ts over assembly/gemm/) against the reference twins
// (src/gemm/gemm-ref.ts): bit for bit against the sequential-f32 twin (raw f32 bit patterns included),
// and within |y − y64| ≤ γ_k · Σ|a||ŵ| (γ_k = k·u/(1 − k·u), u = 2^−24) of the float64 GEMM; low-bit
// weights against decode-by-the-format's-reference-twin then the same twins. Shapes from fast-check:
// degenerate, primes, non-multiples of the 4×8 tile, the 32-row panel groups and the 256-step k chunks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dequantizeRef, gammaK, gemvMultiplier, matmulF32SeqRef, matmulF64Ref, matmulInt8Ref, matmulMxRef, matmulQ4Ref } from '../../src/gemm/gemm-ref.js';
import { CHUNK_ELEMS, GEMV_MAX_M, INT8_MAX_K, usesGemvKernel } from '../../src/gemm/gemm.js';
import { BlockFormat } from '../../src/formats/block.js';
import { format, matmul, prepareWeights, type BlockEncoding, type ElementFormat, type ScaledEncoding, type ScaledOptions } from '../../src/index.js';
import { runtime } from '../../src/runtime/wasm.js';
import { thrown } from '../helpers/errors.js';
import { data, sameBits, withinBound, type Mix } from '../helpers/gemm.js';

const RUNS = Number(process.env.NUMLAB_GEMM_RUNS ?? 60);

const shape = fc.record({
  m: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 13), fc.integer({ min: 1, max: 20 })),
  n: fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 31, 32, 33, 41), fc.integer({ min: 1, max: 72 })),
  k: fc.oneof(fc.constantFrom(0, 1, 2, 3, 17, 255, 256, 257, 523), fc.integer({ min: 1, max: 600 })),
  seed: fc.integer(),
});

describe('f32 GEMM', () => {
  it('equals the sequential-f32 twin bit for bit and the float64 GEMM within γ_k·Σ|a||w| (fast-check)', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom<Mix>('raw', 'moderate', 'outliers', 'sparse'), fc.boolean(), ({ m, n, k, seed }, mix, prep) => {
        const a = data(m * k, seed, mix), w = data(n * k, seed ^ 0x5bd1e995, mix);
        const what = `${m}×${n}×${k} ${mix}${prep ? ' prepared' : ''}`;
        const y = matmul(a, prep ? prepareWeights(w, { n, k }) : w, { m, n, k });
        sameBits(y, matmulF32SeqRef(a, w, m, n, k), what);
        if (mix !== 'raw') withinBound(y, a, w, m, n, k, what);
        expect(y.length).toBe(m * n);
      }),
      { numRuns: RUNS },
    );
  });

  it('streams a, W and y through WASM memory in chunks (k past CHUNK_ELEMS / 32 rows)', () => {
    const k = Math.floor(CHUNK_ELEMS / 31) + 5; // 32 W rows and 31 a rows per chunk
    const m = 40, n = 70;
    const a = data(m * k, 1, 'moderate'), w = data(n * k, 2, 'moderate');
    const y = matmul(a, w, { m, n, k });
    sameBits(y, matmulF32SeqRef(a, w, m, n, k), 'chunked');
    withinBound(y, a, w, m, n, k, 'chunked');
  });

  it('a NaN in a gives NaN in exactly that row; ±Inf as the float64 GEMM gives it (fast-check)', () => {
    fc.assert(
      fc.property(shape.filter((s) => s.m > 0 && s.k > 0 && s.n > 0), fc.constantFrom(NaN, Infinity, -Infinity), fc.nat(), ({ m, n, k, seed }, v, at) => {
        const a = data(m * k, seed, 'moderate'), w = data(n * k, ~seed, 'moderate');
        const pos = at % (m * k), row = Math.floor(pos / k);
        a[pos] = v;
        const y = matmul(a, w, { m, n, k });
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            const yij = y[i * n + j];
            if (Number.isNaN(v)) expect(Number.isNaN(yij), `y[${i},${j}] = ${yij} (NaN at row ${row})`).toBe(i === row);
            else if (i !== row) expect(Number.isFinite(yij), `y[${i},${j}] = ${yij}`).toBe(true);
          }
        withinBound(y, a, w, m, n, k, `${v} at ${pos}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('out: writes into the given array and returns it', () => {
    const m = 3, n = 10, k = 7;
    const a = data(m * k, 3, 'moderate'), w = data(n * k, 4, 'moderate');
    const out = new Float32Array(m * n).fill(NaN);
    const y = matmul(a, w, { m, n, k, out });
    expect(y).toBe(out);
    sameBits(out, matmulF32SeqRef(a, w, m, n, k), 'out');
    expect(Array.from(matmul(new Float32Array(0), new Float32Array(0), { m: 2, n: 3, k: 0, out: new Float32Array(6).fill(7) }))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('threads: any positive integer, same bits', () => {
    const m = 9, n = 17, k = 300;
    const a = data(m * k, 5, 'moderate'), w = data(n * k, 6, 'moderate');
    const y1 = matmul(a, w, { m, n, k, threads: 1 });
    sameBits(matmul(a, w, { m, n, k, threads: 2 }), y1, 'threads 2');
    sameBits(matmul(a, w, { m, n, k, threads: 7 }), y1, 'threads 7');
  });
});

/** Scaled encodings of W [n, k] the tests run through the fused kernels; group rows need k a multiple of their group. */
const SCALED: { id: string; group: number; opts: (n: number, k: number) => ScaledOptions }[] = [
  { id: 'int4', group: 1, opts: (n, k) => ({ shape: [n, k], axis: 0, granularity: 'channel' }) },
  { id: 'int8', group: 1, opts: (n, k) => ({ shape: [n, k], axis: 0, granularity: 'channel' }) },
  { id: 'int4', group: 32, opts: (n, k) => ({ shape: [n, k], axis: 1, granularity: 'group', groupSize: 32 }) },
  { id: 'int8', group: 16, opts: (n, k) => ({ shape: [n, k], axis: 1, granularity: 'group', groupSize: 16 }) },
  { id: 'int4', group: 2, opts: (n, k) => ({ shape: [n, k], axis: 1, granularity: 'group', groupSize: 2 }) },
  { id: 'int4', group: 3, opts: (n, k) => ({ shape: [n, k], axis: 1, granularity: 'group', groupSize: 3 }) }, // value-table path
  { id: 'uint4', group: 1, opts: (n, k) => ({ shape: [n, k], axis: 0, granularity: 'channel' }) }, // zero points
  { id: 'uint8', group: 16, opts: (n, k) => ({ shape: [n, k], axis: 1, groupSize: 16 }) },
  { id: 'int4', group: 1, opts: (n, k) => ({ shape: [n, k], granularity: 'tensor' }) },
  { id: 'fp8_e4m3fn', group: 1, opts: (n, k) => ({ shape: [n, k], axis: 0, granularity: 'channel' }) },
  { id: 'fp4_e2m1fn', group: 16, opts: (n, k) => ({ shape: [n, k], axis: 1, groupSize: 16 }) },
  { id: 'bipolar4', group: 1, opts: (n, k) => ({ shape: [n, k], axis: 0, granularity: 'channel' }) }, // value-table path
  { id: 'bipolar2', group: 8, opts: (n, k) => ({ shape: [n, k], axis: 1, groupSize: 8 }) },
];
const BLOCKS = ['mxfp4', 'mxint8', 'nvfp4', 'mxfp8_e4m3', 'mxint4', 'mxfp6_e2m3', 'nvint4', 'bfp12'];

/**
 * The GEMV kernel's group length G for a call of m rows on encoding e (docs/gemm.md), or 0 when the panel GEMM
 * runs it: m ≤ GEMV_MAX_M, 4-bit codes whose values are small multiples of a power of two, blocks along k or
 * scales per tensor / channel (G = k) or per group of a multiple of 4 (or of all k).
 */
function gemvGroup(e: BlockEncoding | ScaledEncoding, m: number, k: number): number {
  const f = format(e.format);
  if (m > GEMV_MAX_M || f.bits !== 4) return 0;
  if (f instanceof BlockFormat) return gemvMultiplier(f.lut.subarray(0, 16)) ? f.spec.blockSize : 0;
  const se = e as ScaledEncoding;
  if (se.granularity === 'group' && (se.groupSize as number) % 4 !== 0 && se.groupSize !== k) return 0; // one group of k: a channel
  const values = (f as ElementFormat).decode(Uint8Array.from({ length: 16 }, (_, c) => c));
  return gemvMultiplier(values) ? (se.granularity === 'group' ? (se.groupSize as number) : k) : 0;
}

/** γ of the GEMV kernel's bound: γ_(G + ⌈k/G⌉ + 2) (docs/gemm.md). */
function gemvGamma(G: number, k: number): number {
  return gammaK(G + Math.ceil(k / G) + 2);
}

/**
 * Low-bit weights: y equals the twin of the kernel that runs the call (GEMV: matmulQ4Ref; else decode by the
 * format's reference twin then the sequential-f32 twin) bit for bit, and the float64 GEMM of the decoded
 * weights within that kernel's bound.
 */
function lowBitCase(e: BlockEncoding | ScaledEncoding, a: Float32Array, m: number, n: number, k: number, what: string): void {
  const wd = dequantizeRef(e);
  const y = matmul(a, e, { m, n, k });
  const G = gemvGroup(e, m, k);
  expect(usesGemvKernel(prepareWeights(e, { n, k }), m), `${what}: GEMV kernel`).toBe(G > 0);
  if (G > 0) {
    sameBits(y, matmulQ4Ref(a, e, m, n, k), `${what} (GEMV)`);
    withinBound(y, a, wd, m, n, k, `${what} (GEMV)`, gemvGamma(G, k));
  } else {
    sameBits(y, matmulF32SeqRef(a, wd, m, n, k), what);
    withinBound(y, a, wd, m, n, k, what);
  }
  sameBits(matmul(a, prepareWeights(e, { n, k }), { m, n, k }), y, `${what} prepared`);
}

describe('low-bit weights decoded inside the kernel', () => {
  it('scaled INT / minifloat weights = decode (reference twin) then GEMM, bit for bit and within the bound (fast-check)', () => {
    fc.assert(
      fc.property(shape.filter((s) => s.n > 0 && s.k > 0), fc.constantFrom(...SCALED.keys()), fc.constantFrom<Mix>('moderate', 'outliers', 'sparse'),
        ({ m, n, k: k0, seed }, ci, mix) => {
          const c = SCALED[ci];
          const k = Math.ceil(k0 / c.group) * c.group;
          const o = c.opts(n, k);
          const e = (format(c.id) as ElementFormat).encodeScaled(data(n * k, seed, mix), o);
          lowBitCase(e, data(m * k, ~seed, mix), m, n, k, `${c.id} ${JSON.stringify(o)} ${m}×${n}×${k} ${mix}`);
        }),
      { numRuns: RUNS * 2 },
    );
  });

  it('block weights (MX, NV, BFP; ragged last blocks) = decode (reference twin) then GEMM (fast-check)', () => {
    fc.assert(
      fc.property(shape.filter((s) => s.n > 0 && s.k > 0), fc.constantFrom(...BLOCKS), fc.constantFrom<Mix>('moderate', 'outliers', 'sparse'),
        ({ m, n, k, seed }, id, mix) => {
          const e = format(id).encode(data(n * k, seed, mix), { shape: [n, k] }) as BlockEncoding;
          lowBitCase(e, data(m * k, ~seed, mix), m, n, k, `${id} ${m}×${n}×${k} ${mix}`);
        }),
      { numRuns: RUNS * 2 },
    );
  });

  it('m > GEMV_MAX_M: 4-bit block weights decoded from nibble panels, and with scales too small for that (E8M0 2^−127, 2^−126) by the block codec: both the decoded GEMM bit for bit', () => {
    const m = GEMV_MAX_M + 3, n = 40, k = 200;
    const a = data(m * k, 30, 'moderate');
    for (const id of ['mxfp4', 'nvfp4', 'mxint4']) {
      const e = format(id).encode(data(n * k, 31, 'outliers'), { shape: [n, k] }) as BlockEncoding;
      lowBitCase(e, a, m, n, k, `${id} m ${m}`);
      if (id !== 'nvfp4') {
        e.scales[3] = 0; // 2^−127: 2^−127 · 2^−24 / c is not an f32, so the nibble-panel decode is not exact
        e.scales[5] = 1;
        lowBitCase(e, a, m, n, k, `${id} m ${m} tiny scales`);
      }
    }
    const f = format('fp4_e2m1fn').encodeScaled(data(n * k, 32, 'moderate'), { shape: [n, k], axis: 0, granularity: 'channel' });
    lowBitCase(f, a, m, n, k, `fp4_e2m1fn channel m ${m}`);
    lowBitCase({ ...f, scales: f.scales.map((x, i) => (i === 2 ? 2 ** -140 : x)) }, a, m, n, k, `fp4_e2m1fn m ${m} subnormal scale`);
  });

  it('a NaN block scale gives NaN in exactly the column of its W row', () => {
    for (const id of ['mxfp4', 'mxint8', 'nvfp4']) {
      const m = 7, n = 37, k = 100;
      const e = format(id).encode(data(n * k, 9, 'moderate'), { shape: [n, k] }) as BlockEncoding;
      const nb = Math.ceil(k / 32) * (id === 'nvfp4' ? 2 : 1);
      const row = 33;
      e.scales[row * (e.scales.length / n) + 1] = id === 'nvfp4' ? 0x7f : 0xff; // E8M0 / UE4M3 NaN
      expect(e.scales.length).toBe(n * (id === 'nvfp4' ? Math.ceil(k / 16) : nb));
      const y = matmul(data(m * k, 10, 'moderate'), e, { m, n, k });
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Number.isNaN(y[i * n + j]), `${id} y[${i},${j}]`).toBe(j === row);
    }
  });

  it('GEMV (m = 1) and a 128-row GEMM on 4-bit weights over several k chunks', () => {
    const n = 96, k = 1024;
    const w = data(n * k, 11, 'outliers');
    for (const m of [1, 128]) {
      const a = data(m * k, 12 + m, 'moderate');
      lowBitCase(format('int4').encodeScaled(w, { shape: [n, k], axis: 1, granularity: 'group', groupSize: 32 }), a, m, n, k, `int4 g32 ${m}`);
      lowBitCase(format('mxfp4').encode(w, { shape: [n, k] }), a, m, n, k, `mxfp4 ${m}`);
    }
    // groups of 3 (value-table path), 18 and 48 (SIMD path) straddling the k chunks (256 for m ≥ 4, 1024 below), with zero points
    const k3 = 2160;
    const w3 = data(n * k3, 13, 'moderate');
    for (const m3 of [2, 5]) {
      const a3 = data(m3 * k3, 14, 'moderate');
      for (const [id, g] of [['int4', 3], ['uint4', 3], ['int8', 48], ['uint8', 18]] as const)
        lowBitCase((format(id) as ElementFormat).encodeScaled(w3, { shape: [n, k3], axis: 1, groupSize: g }), a3, m3, n, k3, `${id} g${g} m ${m3}`);
      lowBitCase(format('mxfp4').encode(w3, { shape: [n, k3] }), a3, m3, n, k3, `mxfp4 ragged m ${m3}`);
      lowBitCase(format('nvfp4').encode(w3, { shape: [n, k3] }), a3, m3, n, k3, `nvfp4 m ${m3}`);
    }
  });
});

describe('GEMV kernel on 4-bit weights (m ≤ GEMV_MAX_M): group sums, the scale once per group', () => {
  const Q4: Array<[string, (w: Float32Array, n: number, k: number) => BlockEncoding | ScaledEncoding]> = [
    ['int4 g32', (w, n, k) => format('int4').encodeScaled(w, { shape: [n, k], axis: 1, granularity: 'group', groupSize: 32 })],
    ['int4 channel', (w, n, k) => format('int4').encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel' })],
    ['int4 tensor', (w, n, k) => format('int4').encodeScaled(w, { shape: [n, k], granularity: 'tensor' })],
    ['uint4 g16 (zero points)', (w, n, k) => format('uint4').encodeScaled(w, { shape: [n, k], axis: 1, groupSize: 16 })],
    ['uint4 channel (zero points)', (w, n, k) => format('uint4').encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel' })],
    ['fp4_e2m1fn g16', (w, n, k) => format('fp4_e2m1fn').encodeScaled(w, { shape: [n, k], axis: 1, groupSize: 16 })],
    ['bipolar4 channel', (w, n, k) => format('bipolar4').encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel' })],
    ['mxfp4', (w, n, k) => format('mxfp4').encode(w, { shape: [n, k] }) as BlockEncoding],
    ['nvfp4', (w, n, k) => format('nvfp4').encode(w, { shape: [n, k] }) as BlockEncoding],
    ['mxint4', (w, n, k) => format('mxint4').encode(w, { shape: [n, k] }) as BlockEncoding],
    ['nvint4', (w, n, k) => format('nvint4').encode(w, { shape: [n, k] }) as BlockEncoding],
  ];
  const small = fc.record({
    m: fc.integer({ min: 1, max: GEMV_MAX_M }),
    n: fc.oneof(fc.constantFrom(1, 7, 8, 9, 15, 16, 17, 33), fc.integer({ min: 1, max: 72 })),
    k: fc.oneof(fc.constantFrom(1, 3, 16, 32, 48, 64, 96, 512), fc.integer({ min: 1, max: 40 }).map((x) => 16 * x), fc.integer({ min: 1, max: 300 })),
    seed: fc.integer(),
  });

  it('equals matmulQ4Ref bit for bit (a as raw f32 bit patterns too) and the decoded float64 GEMM within γ_(G+⌈k/G⌉+2) (fast-check)', () => {
    fc.assert(
      fc.property(small, fc.integer({ min: 0, max: Q4.length - 1 }), fc.constantFrom<Mix>('raw', 'moderate', 'outliers', 'sparse'), ({ m, n, k: k0, seed }, qi, mix) => {
        const [name, make] = Q4[qi];
        const g = / g(\d+)/.exec(name);
        const k = g ? Math.ceil(k0 / Number(g[1])) * Number(g[1]) : k0; // groups divide k; channels and blocks take any k
        const e = make(data(n * k, seed, mix === 'raw' ? 'outliers' : mix), n, k);
        const a = data(m * k, ~seed, mix);
        const what = `${name} ${m}×${n}×${k} ${mix}`;
        expect(gemvGroup(e, m, k), what).toBeGreaterThan(0);
        if (mix === 'raw') {
          const y = matmul(a, e, { m, n, k });
          sameBits(y, matmulQ4Ref(a, e, m, n, k), what);
          expect(usesGemvKernel(prepareWeights(e, { n, k }), m), what).toBe(true);
        } else lowBitCase(e, a, m, n, k, what);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('the bound is not γ_k: group sums round differently from the sequential f32 chain (1×64×4096 int4 g32)', () => {
    const n = 64, k = 4096;
    const e = Q4[0][1](data(n * k, 21, 'moderate'), n, k);
    const a = data(k, 22, 'moderate');
    const y = matmul(a, e, { m: 1, n, k });
    const seq = matmulF32SeqRef(a, dequantizeRef(e), 1, n, k);
    let differ = 0;
    for (let j = 0; j < n; j++) differ += Object.is(y[j], seq[j]) ? 0 : 1;
    expect(differ, 'outputs differing from the sequential chain').toBeGreaterThan(n / 2);
    sameBits(y, matmulQ4Ref(a, e, 1, n, k), 'twin');
    withinBound(y, a, dequantizeRef(e), 1, n, k, 'bound', gemvGamma(32, k));
  });

  it('streams W in panel chunks (k = 2^16: 32 panels a chunk, n = 260 → 2 chunks)', () => {
    const n = 260, k = 1 << 16;
    const e = Q4[7][1](data(n * k, 23, 'moderate'), n, k);
    const a = data(k, 24, 'moderate');
    sameBits(matmul(a, e, { m: 1, n, k }), matmulQ4Ref(a, e, 1, n, k), 'mxfp4 chunked');
  });

  it('NaN in a: NaN in its row only; a NaN block scale: NaN in its column only', () => {
    const m = 3, n = 20, k = 64;
    for (const [name, make] of [Q4[0], Q4[7], Q4[8]]) {
      const e = make(data(n * k, 25, 'moderate'), n, k);
      const a = data(m * k, 26, 'moderate');
      a[k + 5] = NaN;
      if ('tensorScale' in e || e.format === 'mxfp4') (e as BlockEncoding).scales[7 * (e.scales.length / n)] = e.format === 'nvfp4' ? 0x7f : 0xff;
      const y = matmul(a, e, { m, n, k });
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) expect(Number.isNaN(y[i * n + j]), `${name} y[${i},${j}]`).toBe(i === 1 || (j === 7 && e.format !== 'int4'));
    }
  });
});

describe('prepared 4-bit weights resident in WASM memory (GEMV)', () => {
  const [n, k] = [72, 160];
  const enc = () => format('int4').encodeScaled(data(n * k, 31, 'moderate'), { shape: [n, k], axis: 1, granularity: 'group', groupSize: 32 });
  const zp = () => format('uint4').encodeScaled(data(n * k, 32, 'moderate'), { shape: [n, k], axis: 1, groupSize: 16 });
  const rt = runtime();

  it('pinned on the first GEMV call and streamed in place by later ones: same bits as the twin every call; unprepared weights pin nothing', () => {
    for (const e of [enc(), zp(), format('nvfp4').encode(data(n * k, 33, 'moderate'), { shape: [n, k] }) as BlockEncoding]) {
      const held = rt.pinnedBytes();
      matmul(data(k, 1, 'moderate'), e, { m: 1, n, k });
      expect(rt.pinnedBytes(), `${e.format} unprepared`).toBe(held);
      const pw = prepareWeights(e, { n, k });
      for (const [call, m] of [1, 3, GEMV_MAX_M, 1].entries()) {
        const a = data(m * k, 40 + call, 'raw');
        sameBits(matmul(a, pw, { m, n, k }), matmulQ4Ref(a, e, m, n, k), `${e.format} call ${call} m=${m}`);
        expect(rt.pinnedBytes() - held, `${e.format} call ${call}: codes, scales, table pinned once`).toBeGreaterThanOrEqual((n / 8) * k * 4);
        expect(rt.pinnedBytes() - held, `${e.format} call ${call}`).toBeLessThan((n / 8) * k * 4 + (n / 8) * (k / 16) * 64 + 512);
      }
      pw.dispose();
      expect(rt.pinnedBytes(), `${e.format} disposed`).toBe(held);
    }
  });

  it('dispose frees the block; using the weights afterwards raises BAD_OPTION; dispose twice is a no-op', () => {
    const e = enc(), held = rt.pinnedBytes();
    const pw = prepareWeights(e, { n, k });
    const a = data(k, 50, 'moderate');
    const y = matmul(a, pw, { m: 1, n, k });
    expect(rt.pinnedBytes()).toBeGreaterThan(held);
    expect(pw.disposed).toBe(false);
    pw.dispose();
    pw.dispose();
    expect(pw.disposed).toBe(true);
    expect(rt.pinnedBytes()).toBe(held);
    const err = thrown(() => matmul(a, pw, { m: 1, n, k }));
    expect(err.code).toBe('BAD_OPTION');
    expect(err.message).toContain('disposed');
    sameBits(matmul(a, prepareWeights(e, { n, k }), { m: 1, n, k }), y, 'prepared again');
  });

  it('memory growth and arena garbage between calls leave the resident weights intact', () => {
    const e = zp(), pw = prepareWeights(e, { n, k });
    const a = data(2 * k, 51, 'raw');
    const y = matmul(a, pw, { m: 2, n, k });
    const size = rt.memory.buffer.byteLength;
    rt.scoped(() => {
      const big = size + (64 << 20); // past the current end: memory grows, every old view detaches
      rt.u8(rt.alloc(big), big).fill(0xa5);
    });
    expect(rt.memory.buffer.byteLength).toBeGreaterThan(size);
    sameBits(matmul(a, pw, { m: 2, n, k }), y, 'after growth');
    sameBits(y, matmulQ4Ref(a, e, 2, n, k), 'twin');
    pw.dispose();
  });

  it('a call inside an open scope copies instead of pinning (same bits); a freed block is reused by the next weights', () => {
    const e = enc(), a = data(k, 52, 'moderate');
    const want = matmulQ4Ref(a, e, 1, n, k);
    const held = rt.pinnedBytes();
    const pw = prepareWeights(e, { n, k });
    rt.scoped(() => {
      rt.alloc(64);
      sameBits(matmul(a, pw, { m: 1, n, k }), want, 'in a scope');
    });
    expect(rt.pinnedBytes()).toBe(held);
    sameBits(matmul(a, pw, { m: 1, n, k }), want, 'pinned');
    const pinned = rt.pinnedBytes();
    const other = prepareWeights(zp(), { n, k });
    matmul(a, other, { m: 1, n, k }); // pinned above the first
    const both = rt.pinnedBytes();
    expect(both).toBeGreaterThan(pinned);
    pw.dispose(); // a hole: kept (not at the end)
    expect(rt.pinnedBytes()).toBe(both);
    const again = prepareWeights(e, { n, k });
    sameBits(matmul(a, again, { m: 1, n, k }), want, 'in the hole');
    expect(rt.pinnedBytes(), 'the hole reused, nothing new pinned').toBe(both);
    const before = rt.pinnedBytes();
    matmul(a, again, { m: 1, n, k });
    expect(rt.pinnedBytes()).toBe(before);
    other.dispose();
    again.dispose();
    expect(rt.pinnedBytes()).toBe(held);
  });
});

describe("activations 'int8': exact int8 × int8 → int32 kernel", () => {
  it('equals the exact twin (int8 reference codec per row, integer sums, the epilogue) bit for bit (fast-check)', () => {
    fc.assert(
      fc.property(shape.filter((s) => s.n > 0 && s.k > 0), fc.constantFrom('int8', 'int4', 'int2'), fc.constantFrom('channel', 'tensor'), fc.constantFrom<Mix>('moderate', 'outliers', 'sparse'),
        ({ m, n, k, seed }, id, gran, mix) => {
          const a = data(m * k, seed, mix);
          const e = (format(id) as ElementFormat).encodeScaled(data(n * k, ~seed, mix), { shape: [n, k], axis: 0, granularity: gran as 'channel' });
          const y = matmul(a, e, { m, n, k, activations: 'int8' });
          sameBits(y, matmulInt8Ref(a, e, m, n, k), `${id} ${gran} ${m}×${n}×${k} ${mix}`);
          sameBits(matmul(a, prepareWeights(e, { n, k }), { m, n, k, activations: 'int8' }), y, 'prepared');
        }),
      { numRuns: RUNS },
    );
  });

  it('prepared weights: panels pinned once, used in place by later calls (a and W in several chunks); dispose frees them', () => {
    const rt = runtime();
    const m = 70, n = 140, k = 16384; // a: 64 rows a chunk, W: 128 rows a chunk
    const e = format('int4').encodeScaled(data(n * k, 61, 'moderate'), { shape: [n, k], axis: 0, granularity: 'channel' });
    const a = data(m * k, 62, 'outliers');
    // the twin on a few rows and columns (its integer sums are slow at this size); unprepared weights are copied per call
    const held = rt.pinnedBytes();
    const want = matmul(a, e, { m, n, k, activations: 'int8' });
    const [rows, cols] = [[0, 63, 64, 69], [0, 127, 128, 139]];
    const sub = format('int4').encodeScaled(new Float32Array(cols.length * k), { shape: [cols.length, k], axis: 0, granularity: 'channel' });
    cols.forEach((j, c) => {
      sub.codes.set(e.codes.subarray(j * k, (j + 1) * k), c * k);
      sub.scales[c] = e.scales[j];
    });
    const aSub = new Float32Array(rows.length * k);
    rows.forEach((i, r) => aSub.set(a.subarray(i * k, (i + 1) * k), r * k));
    const twin = matmulInt8Ref(aSub, sub, rows.length, cols.length, k);
    rows.forEach((i, r) => cols.forEach((j, c) => expect(Object.is(want[i * n + j], twin[r * cols.length + c]), `y[${i},${j}]`).toBe(true)));
    expect(rt.pinnedBytes(), 'unprepared weights pin nothing').toBe(held);
    const pw = prepareWeights(e, { n, k });
    for (let call = 0; call < 3; call++) {
      sameBits(matmul(a, pw, { m, n, k, activations: 'int8' }), want, `prepared call ${call}`);
      expect(rt.pinnedBytes() - held, `call ${call}`).toBe(Math.ceil(n / 8) * 8 * k);
    }
    pw.dispose();
    expect(rt.pinnedBytes()).toBe(held);
  });

  it('k = INT8_MAX_K with the largest products (−127 · −128 every step): |d| = k·127·128 just below 2^31, exact; m, n past the 4×8 tile', () => {
    const k = INT8_MAX_K, m = 5, n = 9;
    const a = new Float32Array(m * k).fill(-1);
    for (let i = 0; i < m; i++) a[i * k + (i * 7919) % k] = 1; // one flipped sign per row: sums differ by row
    const w = new Float32Array(n * k).fill(-1);
    const e = format('int8').encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel', scale: Math.fround(1 / 128) });
    expect(e.codes[1]).toBe(0x80);
    const y = matmul(a, e, { m, n, k, activations: 'int8' });
    sameBits(y, matmulInt8Ref(a, e, m, n, k), 'k = INT8_MAX_K');
    // d[0, ·] = (k − 2) · 127 · 128 > 2^30: a wrapped int32 sum would show as a negative y
    expect(y[0]).toBeCloseTo(((k - 2) * 127 * 128) / (127 * 128), 0);
  });

  it('extreme codes (−128 · −128 over several k chunks) stay exact', () => {
    const m = 3, n = 5, k = 3000;
    const a = new Float32Array(m * k).fill(-1);
    const w = new Float32Array(n * k).fill(-1);
    a[0] = 1e-3; // row 0: one value far below the row's amax (code 0)
    const e = format('int8').encodeScaled(w, { shape: [n, k], axis: 0, granularity: 'channel', scale: Math.fround(1 / 128) });
    expect(e.codes[0]).toBe(0x80); // −128
    const y = matmul(a, e, { m, n, k, activations: 'int8' });
    sameBits(y, matmulInt8Ref(a, e, m, n, k), 'extremes');
    expect(y[n]).toBe(k); // (−127)(−128) · k · (1/127)(1/128)
  });
});

describe("bit-serial GEMM: activations 'int8' × bipolar-INT weights", () => {
  it('equals the decoded GEMM in BigInt (then the int8 epilogue) bit for bit (fast-check)', () => {
    fc.assert(
      fc.property(shape.filter((s) => s.n > 0 && s.k > 0), fc.integer({ min: 1, max: 8 }), fc.constantFrom('channel', 'tensor'), fc.constantFrom<Mix>('moderate', 'outliers', 'sparse'), fc.boolean(),
        ({ m, n, k, seed }, B, gran, mix, prep) => {
          const a = data(m * k, seed, mix);
          const e = (format(`bipolar${B}`) as ElementFormat).encodeScaled(data(n * k, ~seed, mix), { shape: [n, k], axis: 0, granularity: gran as 'channel' });
          const y = matmul(a, prep ? prepareWeights(e, { n, k }) : e, { m, n, k, activations: 'int8' });
          sameBits(y, matmulInt8Ref(a, e, m, n, k), `bipolar${B} ${gran} ${m}×${n}×${k} ${mix}`);
        }),
      { numRuns: RUNS },
    );
  });

  it('sums past 2^31 stay exact (i64): −127 · ±255 over k = 70001', () => {
    const m = 2, n = 2, k = 70001;
    const a = new Float32Array(m * k).fill(-1); // codes −127 (scale 1/127) …
    a[k] = -1.0079; // … row 1: amax/127 makes −1.0079 the −127 code, so −1 rounds to −126
    const e = format('bipolar8').encodeScaled(new Float32Array(n * k).fill(1), { shape: [n, k], axis: 0, granularity: 'channel' });
    const neg = { ...e, codes: e.codes.map((c, i) => (i >= k ? 0 : c)) }; // W row 1: all −255
    const y = matmul(a, neg, { m, n, k, activations: 'int8' });
    sameBits(y, matmulInt8Ref(a, neg, m, n, k), 'past 2^31');
    expect(Math.abs(Math.fround(y[1] / (Math.fround(1 / 127) * neg.scales[1])))).toBeGreaterThan(2 ** 31);
  });
});

describe('MX × MX (activations encoded along k by a block codec)', () => {
  // [activations, weights]: MX element pairs, integer and float, and a BFP row (block 64) with itself
  const pairs: Array<[string, string]> = [
    ['mxfp8_e4m3', 'mxfp4'], ['mxint8', 'mxint8'], ['mxfp8_e5m2', 'mxfp6_e2m3'], ['mxfp4', 'mxint4'], ['mxfp6_e3m2', 'mxfp8_e4m3'], ['bfp12', 'bfp12'],
  ];
  const mxShape = fc.record({
    m: fc.oneof(fc.constantFrom(0, 1, 2, 5), fc.integer({ min: 1, max: 9 })),
    n: fc.oneof(fc.constantFrom(0, 1, 3), fc.integer({ min: 1, max: 9 })),
    k: fc.oneof(fc.constantFrom(0, 1, 31, 32, 33, 64, 65, 97), fc.integer({ min: 1, max: 200 })),
    seed: fc.integer(),
  });

  it('equals the twin bit for bit, and dequantize-both-then-f64 within 2^-24·|y64| + 3k·2^-53·Σ|â||ŵ| (fast-check)', () => {
    fc.assert(
      fc.property(mxShape, fc.constantFrom(...pairs), fc.constantFrom<Mix>('moderate', 'outliers', 'sparse'), fc.boolean(), ({ m, n, k, seed }, [act, wf], mix, prep) => {
        const a = data(m * k, seed, mix), W = data(n * k, seed ^ 0x2545f491, mix);
        const e = format(wf).encode(W, { shape: [n, k] }) as BlockEncoding;
        const what = `${act} × ${wf} ${m}×${n}×${k} ${mix}`;
        const y = matmul(a, prep ? prepareWeights(e, { n, k }) : e, { m, n, k, activations: act });
        sameBits(y, matmulMxRef(a, act, e, m, n, k), what);
        // dequantize both (reference codecs) and a float64 GEMM: these data keep every â, ŵ exact in f32
        const ah = dequantizeRef(format(act).encode(a, { shape: [m, k] }) as BlockEncoding), wh = dequantizeRef(e);
        const { y: y64, abs } = matmulF64Ref(ah, wh, m, n, k);
        for (let i = 0; i < y.length; i++) {
          const bound = 2 ** -24 * Math.abs(y64[i]) + 3 * k * 2 ** -53 * abs[i];
          if (!(Math.abs(y[i] - y64[i]) <= bound)) expect({ index: i, y: y[i], y64: y64[i], bound }, what).toBeNull();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('NaN in a gives NaN in its row only; a NaN weight block scale gives NaN in its column only', () => {
    const [m, n, k] = [3, 4, 70];
    const a = data(m * k, 3, 'moderate'), W = data(n * k, 4, 'moderate');
    a[1 * k + 40] = NaN;
    const e = format('mxfp8_e4m3').encode(W, { shape: [n, k] }) as BlockEncoding;
    const scales = e.scales.slice();
    scales[2 * 3 + 2] = 0xff; // W row 2, block 2 (the ragged last one)
    const y = matmul(a, { ...e, scales }, { m, n, k, activations: 'mxint8' });
    sameBits(y, matmulMxRef(a, 'mxint8', { ...e, scales }, m, n, k), 'NaN');
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Number.isNaN(y[i * n + j]), `[${i}, ${j}]`).toBe(i === 1 || j === 2);
  });

  it('streams rows in chunks (k past CHUNK_ELEMS / 2): still the twin', () => {
    const k = Math.floor(CHUNK_ELEMS / 2) + 40, m = 3, n = 2; // one a row and one W row per chunk
    const a = data(m * k, 9, 'moderate'), W = data(n * k, 10, 'moderate');
    const e = format('mxfp4').encode(W, { shape: [n, k] }) as BlockEncoding;
    sameBits(matmul(a, e, { m, n, k, activations: 'mxfp8_e4m3' }), matmulMxRef(a, 'mxfp8_e4m3', e, m, n, k), 'chunks');
  });
});

describe('bad input: typed errors naming the value', () => {
  const a = new Float32Array(6), w = new Float32Array(12);
  const e4 = format('int4').encodeScaled(w, { shape: [4, 3], axis: 0, granularity: 'channel' });
  it.each([
    ['a length', () => matmul(a, w, { m: 3, n: 4, k: 3 }), 'BAD_LENGTH', 6],
    ['w length', () => matmul(a, w, { m: 2, n: 5, k: 3 }), 'BAD_LENGTH', 12],
    ['m not an integer', () => matmul(a, w, { m: 1.5, n: 4, k: 3 }), 'BAD_SHAPE', 1.5],
    ['k negative', () => matmul(a, w, { m: 2, n: 4, k: -3 }), 'BAD_SHAPE', -3],
    ['threads 0', () => matmul(a, w, { m: 2, n: 4, k: 3, threads: 0 }), 'BAD_OPTION', 0],
    ['threads 1.5', () => matmul(a, w, { m: 2, n: 4, k: 3, threads: 1.5 }), 'BAD_OPTION', 1.5],
    ['threads "2"', () => matmul(a, w, { m: 2, n: 4, k: 3, threads: '2' as unknown as number }), 'BAD_OPTION', '2'],
    ['out length', () => matmul(a, w, { m: 2, n: 4, k: 3, out: new Float32Array(7) }), 'BAD_LENGTH', 7],
    ['out type', () => matmul(a, w, { m: 2, n: 4, k: 3, out: new Float64Array(8) as unknown as Float32Array }), 'BAD_TYPE', undefined],
    ['unknown option', () => matmul(a, w, { m: 2, n: 4, k: 3, tile: 8 } as never), 'BAD_OPTION', 'tile'],
    ['activations unknown', () => matmul(a, w, { m: 2, n: 4, k: 3, activations: 'bogus' }), 'BAD_OPTION', 'bogus'],
    ['activations nvfp4 (no power-of-two scale)', () => matmul(a, w, { m: 2, n: 4, k: 3, activations: 'nvfp4' }), 'BAD_OPTION', 'nvfp4'],
    ['activations an element format', () => matmul(a, w, { m: 2, n: 4, k: 3, activations: 'fp8_e4m3fn' }), 'BAD_OPTION', 'fp8_e4m3fn'],
    ['MX × f32 weights', () => matmul(a, w, { m: 2, n: 4, k: 3, activations: 'mxfp8_e4m3' }), 'FORMAT_MISMATCH', 'f32'],
    ['MX × scaled weights', () => matmul(a, e4, { m: 2, n: 4, k: 3, activations: 'mxint8' }), 'FORMAT_MISMATCH', 'int4'],
    ['MX × other block size', () => matmul(new Float32Array(64), format('bfp12').encode(new Float32Array(128), { shape: [2, 64] }), { m: 1, n: 2, k: 64, activations: 'mxint8' }), 'FORMAT_MISMATCH', 'bfp12'],
    ['MX × nvfp4 weights', () => matmul(new Float32Array(32), format('nvfp4').encode(new Float32Array(64), { shape: [2, 32] }), { m: 1, n: 2, k: 32, activations: 'mxfp4' }), 'FORMAT_MISMATCH', 'nvfp4'],
    ['int8 × f32 weights', () => matmul(a, w, { m: 2, n: 4, k: 3, activations: 'int8' }), 'FORMAT_MISMATCH', 'f32'],
    ['int8 × block weights', () => matmul(new Float32Array(64), format('mxint8').encode(new Float32Array(64), { shape: [2, 32] }), { m: 2, n: 2, k: 32, activations: 'int8' }), 'FORMAT_MISMATCH', 'mxint8'],
    ['int8 × group scales', () => matmul(new Float32Array(8), format('int4').encodeScaled(new Float32Array(16), { shape: [4, 4], axis: 1, groupSize: 2 }), { m: 2, n: 4, k: 4, activations: 'int8' }), 'FORMAT_MISMATCH', 'int4'],
    ['int8 × zero points', () => matmul(a, format('uint8').encodeScaled(w, { shape: [4, 3], axis: 0, granularity: 'channel' }), { m: 2, n: 4, k: 3, activations: 'int8' }), 'FORMAT_MISMATCH', 'uint8'],
    ['int8 × fp8 weights', () => matmul(a, format('fp8_e4m3fn').encodeScaled(w, { shape: [4, 3], axis: 0, granularity: 'channel' }), { m: 2, n: 4, k: 3, activations: 'int8' }), 'FORMAT_MISMATCH', 'fp8_e4m3fn'],
    ['int8 with NaN in a', () => matmul(Float32Array.of(0, NaN, 1, 2, 3, 4), e4, { m: 2, n: 4, k: 3, activations: 'int8' }), 'NONFINITE_INPUT', 1],
    ['int8 k too large', () => matmul(new Float32Array(INT8_MAX_K + 1), prepareWeights(format('int8').encodeScaled(new Float32Array(INT8_MAX_K + 1), { shape: [1, INT8_MAX_K + 1], axis: 0, granularity: 'channel' }), { n: 1, k: INT8_MAX_K + 1 }), { m: 1, n: 1, k: INT8_MAX_K + 1, activations: 'int8' }), 'BAD_SHAPE', INT8_MAX_K + 1],
    ['a type', () => matmul(Array.from(a) as never, w, { m: 2, n: 4, k: 3 }), 'BAD_TYPE', undefined],
    ['encoding shape', () => matmul(new Float32Array(8), e4, { m: 2, n: 3, k: 4 }), 'BAD_SHAPE', [4, 3]],
    ['group axis not k', () => matmul(new Float32Array(8), format('int4').encodeScaled(new Float32Array(16), { shape: [4, 4], axis: 0, groupSize: 2 }), { m: 2, n: 4, k: 4 }), 'BAD_SHAPE', 0],
    ['channel axis not n', () => matmul(a, format('int4').encodeScaled(w, { shape: [4, 3], axis: 1, granularity: 'channel' }), { m: 2, n: 4, k: 3 }), 'BAD_SHAPE', 1],
    ['block axis not k', () => matmul(new Float32Array(64), format('mxfp4').encode(new Float32Array(32 * 32), { shape: [32, 32], axis: 0 }), { m: 2, n: 32, k: 32 }), 'BAD_SHAPE', 0],
    ['int8 × bipolar group scales', () => matmul(new Float32Array(8), format('bipolar4').encodeScaled(new Float32Array(16), { shape: [4, 4], axis: 1, groupSize: 2 }), { m: 2, n: 4, k: 4, activations: 'int8' }), 'FORMAT_MISMATCH', 'bipolar4'],
    ['16-bit codes', () => matmul(a, format('bfloat16').encodeScaled(w, { shape: [4, 3], axis: 0, granularity: 'channel' }), { m: 2, n: 4, k: 3 }), 'FORMAT_MISMATCH', 'bf16'],
    ['code out of range', () => matmul(a, { ...e4, codes: Uint8Array.from(e4.codes, (c, i) => (i === 5 ? 16 : c)) }, { m: 2, n: 4, k: 3 }), 'BAD_CODE', 16],
    ['prepared dims', () => matmul(a, prepareWeights(w, { n: 3, k: 4 }), { m: 2, n: 4, k: 3 }), 'BAD_SHAPE', [3, 4]],
    ['weights type', () => matmul(a, new Float64Array(12) as never, { m: 2, n: 4, k: 3 }), 'BAD_TYPE', undefined],
  ])('%s', (_, fn, code, value) => {
    const err = thrown(fn);
    expect(err.code).toBe(code);
    if (value !== undefined) expect(err.value).toEqual(value);
  });
});
