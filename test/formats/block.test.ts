// The WASM block codec (src/formats/block.ts over assembly/cvt/cvt-{f32-block,block-f32}-wasmsimd.ts)
// against its reference twin (src/formats/block-ref.ts), bit for bit: fast-check tensors of every row,
// every scale code × every element code on decode, arbitrary payloads, every element midpoint ±1 ulp
// under several block scales, tensors over several chunks on the contiguous fast path, the worked
// examples, typed errors, and bounded memory.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockFormat } from '../../src/formats/block.js';
import {
  decodeBlockRef, encodeBlockRef, expScale, packWordsRef, quantizeBlockRef, type BlockEncoding, type BlockOptions, type BlockRounding,
} from '../../src/formats/block-ref.js';
import { BLOCK_FORMATS, bfpSpec, blockElement, blockSpec, scaleBits, type BlockSpec } from '../../src/formats/block-spec.js';
import { format } from '../../src/index.js';
import { minifloatLimits } from '../../src/formats/limits.js';
import { decodeRef } from '../../src/formats/minifloat-ref.js';
import { packRef } from '../../src/formats/packing.js';
import type { MinifloatSpec } from '../../src/formats/spec.js';
import { CHUNK, runtime } from '../../src/runtime/wasm.js';
import { atom, caseArb, EXTRA_ROWS, ROUNDINGS, ROWS, RULES, WIDE_ROWS } from '../helpers/block-cases.js';
import { thrown } from '../helpers/errors.js';
import { f32bits, fromBits, nextDown, nextUp } from '../helpers/f32.js';

const RUNS = Number(process.env.NUMLAB_BLOCK_RUNS ?? 300);
const codecs = new Map<string, BlockFormat>();
const codec = (s: BlockSpec) => {
  let c = codecs.get(s.id);
  if (!c) codecs.set(s.id, (c = new BlockFormat(s)));
  return c;
};

/** Bitwise equality of two Float32Arrays, reporting the first differing index. */
function sameF32(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = f32bits(got), w = f32bits(want);
  let i = 0;
  while (i < g.length && g[i] === w[i]) i++;
  expect(i === g.length ? null : { index: i, got: g[i].toString(16), want: w[i].toString(16) }, what).toBeNull();
}

function sameEncoding(got: BlockEncoding, want: BlockEncoding, what: string): void {
  expect({ format: got.format, shape: got.shape, axis: got.axis }, what).toEqual({ format: want.format, shape: want.shape, axis: want.axis });
  expect(Buffer.from(got.scales).toString('hex'), `${what} scales`).toBe(Buffer.from(want.scales).toString('hex'));
  expect(Buffer.from(got.codes).toString('hex'), `${what} codes`).toBe(Buffer.from(want.codes).toString('hex'));
  expect(Object.is(got.tensorScale, want.tensorScale), `${what} tensorScale ${got.tensorScale} vs ${want.tensorScale}`).toBe(true);
}

/** A seeded generator of uniform numbers in [0, 1) (reproducible tensors). */
function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0) / 2 ** 32);
}

/** Kernel encode / quantize / decode against the twin for one input. */
function checkAll(s: BlockSpec, x: Float32Array, o: BlockOptions, what: string): void {
  const c = codec(s);
  const want = encodeBlockRef(s, x, o);
  sameEncoding(c.encode(x, o), want, `${what} encode`);
  sameF32(c.quantize(x, o), quantizeBlockRef(s, x, o), `${what} quantize`);
  sameF32(c.decode(want), decodeBlockRef(s, want), `${what} decode`);
}

describe('kernel codec = reference twin (fast-check tensors)', () => {
  it('every row, rule, rounding, shape and axis (ragged blocks, non-last axes, NaN/Inf, subnormals, ties)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        checkAll(c.spec, c.x, c.opts, `${c.spec.id} ${JSON.stringify(c.opts)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('larger contiguous tensors [rows, k·m] along the last axis (the fast path: whole blocks copied in, codes packed per chunk)', () => {
    const contig = fc
      .record({
        spec: fc.constantFrom(...ROWS),
        rows: fc.integer({ min: 1, max: 6 }),
        m: fc.integer({ min: 1, max: 4 }),
        axisForm: fc.constantFrom('default', 'last', 'negative', 'flat'),
        rule: fc.constantFrom(...RULES),
        rounding: fc.constantFrom(...ROUNDINGS),
        shift: fc.constantFrom(0, 0, -130, -60, 40),
        nanBlock: fc.option(fc.nat(), { nil: undefined }),
        zeroBlock: fc.option(fc.nat(), { nil: undefined }),
      })
      .chain((r) => {
        const k = r.spec.blockSize;
        const m = Math.max(1, Math.min(r.m, Math.floor(768 / (r.rows * k)))); // at most ~768 elements (the twin is slow)
        const n = r.rows * k * m;
        return fc.array(atom, { minLength: n, maxLength: n }).map((vals) => {
          const x = new Float32Array(n);
          for (let i = 0; i < n; i++) x[i] = Number.isFinite(vals[i]) && vals[i] !== 0 ? vals[i] * 2 ** r.shift : vals[i];
          const nBlocks = n / k;
          if (r.zeroBlock !== undefined) x.fill(0, (r.zeroBlock % nBlocks) * k, (r.zeroBlock % nBlocks + 1) * k);
          if (r.nanBlock !== undefined) x[(r.nanBlock % nBlocks) * k + (r.nanBlock % k)] = NaN;
          const shape = r.axisForm === 'flat' ? [n] : [r.rows, k * m];
          const o: BlockOptions = { shape, rounding: r.rounding }; // 'default': no axis given
          if (r.axisForm === 'last') o.axis = 1;
          if (r.axisForm === 'negative') o.axis = -1;
          if (r.spec.scale !== 'ue4m3') o.scaleRule = r.rule;
          return { spec: r.spec, x, o };
        });
      });
    fc.assert(
      fc.property(contig, ({ spec, x, o }) => {
        checkAll(spec, x, o, `${spec.id} ${JSON.stringify(o)}`);
      }),
      { numRuns: Math.max(20, Math.ceil(RUNS / 3)) },
    );
  });

  it('3·CHUNK + 5k elements, mxfp4 and nvfp4, contiguous (1-D and [rows, k·m]), NaN / Inf / zero / subnormal blocks across chunk borders', () => {
    const rnd = seeded(99);
    for (const id of ['mxfp4', 'nvfp4']) {
      const s = blockSpec(id);
      const k = s.blockSize;
      const n = 3 * CHUNK + 5 * k;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 30 - 15);
      x.fill(0, 0, k); // first block zero
      x[k + 3] = NaN; // second block NaN
      x.fill(0, CHUNK - k, CHUNK + k); // zero blocks either side of the first chunk border
      x[2 * CHUNK - 1] = -Infinity; // last block of the second chunk
      x[2 * CHUNK] = NaN; // first block of the third chunk
      for (let i = 2 * CHUNK + k; i < 2 * CHUNK + 2 * k; i++) x[i] = fromBits(1 + Math.floor(rnd() * 0x7fffff)) * (i % 3 ? 1 : -1);
      x[n - 2] = 3 * 2 ** 16; // the tensor amax, in the tail beyond 3 chunks
      let m = 1; // a divisor of the block count for a 2-D view
      for (let d = 2; d <= 24; d++) if ((n / k) % d === 0) m = d;
      expect(m, 'the test wants a real 2-D view').toBeGreaterThan(1);
      checkAll(s, x, {}, `${id} [${n}]`);
      checkAll(s, x, { shape: [n / (k * m), k * m], rounding: 'half_away' }, `${id} [${n / (k * m)}, ${k * m}] half_away`);
      checkAll(s, x, { shape: [n / k, k], axis: -1, rounding: 'toward_zero' }, `${id} [${n / k}, ${k}] toward_zero`);
      if (s.scale !== 'ue4m3') checkAll(s, x, { scaleRule: 'rceil' }, `${id} rceil`);
      // quantize into a caller-supplied out
      const out = new Float32Array(n).fill(7);
      expect(codec(s).quantize(x, { out })).toBe(out);
      sameF32(out, quantizeBlockRef(s, x), `${id} quantize out`);
      // the scale pattern is not trivial: NaN, zero and ordinary blocks all present
      const e = encodeBlockRef(s, x);
      const nanCode = s.scale === 'ue4m3' ? 0x7f : 0xff;
      expect(e.scales.filter((c) => c === nanCode).length).toBe(3);
      expect(e.scales.filter((c) => c === 0).length).toBeGreaterThanOrEqual(3);
      expect(new Set(e.scales).size).toBeGreaterThan(8);
    }
  });

  it('NV two-pass encode (block maxima from the first pass): scales that round to 0 (factor FLT_MAX, Inf products), NaN / Inf blocks at every place in a group of four, block counts not a multiple of 4 per chunk', () => {
    const rnd = seeded(7);
    for (const id of ['nvfp4', 'nvint4']) {
      const s = blockSpec(id);
      const k = s.blockSize;
      const G = CHUNK / k; // blocks per chunk
      for (const nb of [2 * G + 7, G + 1, 5, 3]) {
        const x = new Float32Array(nb * k);
        for (let b = 0; b < nb; b++) {
          const kind = (b * 7 + nb) % 12;
          for (let j = 0; j < k; j++) {
            const i = b * k + j;
            const g = (rnd() - 0.5) * 4;
            x[i] =
              kind === 0 ? g * 1e3 // ordinary
              : kind === 1 ? g * 1e-4 // scale rounds to 0: factor FLT_MAX, |y| up to Inf
              : kind === 2 ? (j === b % k ? NaN : g) // a NaN at a varying place
              : kind === 3 ? (j === 15 - (b % k) ? (b % 2 ? Infinity : -Infinity) : g)
              : kind === 4 ? (j % 2 ? -0 : 0)
              : kind === 5 ? fromBits(1 + Math.floor(rnd() * 0x7fffff)) * (j % 2 ? -1 : 1) // f32 subnormals
              : kind === 6 ? g * 2 ** Math.floor(rnd() * 40 - 30) // a wide spread: small and subnormal UE4M3 scales
              : kind === 7 ? (j % 3 === 0 ? -1e-30 : 3e-3 * Math.round(g * 8) / 8) // ties under the block factor
              : g * 2 ** (kind - 4);
          }
        }
        x[Math.floor(nb / 2) * k + 5] = 1e6; // the tensor amax
        checkAll(s, x, {}, `${id} ${nb} blocks`);
        checkAll(s, x, { shape: [nb, k] }, `${id} [${nb}, ${k}]`);
        // a tensor amax that is an f32 subnormal: s_dec is subnormal, S_b · s_dec loses bits or rounds to 0
        for (const e of [-150, -156, -160]) checkAll(s, x.map((v) => v * 2 ** e), {}, `${id} ${nb} blocks, tensor amax 1e6 · 2^${e}`);
        const e = encodeBlockRef(s, x);
        if (nb > 12) {
          expect(e.scales.filter((c) => c === 0x7f).length, 'NaN blocks').toBeGreaterThan(1);
          expect(e.scales.filter((c) => c === 0).length, 'scales rounded to 0').toBeGreaterThan(1);
        }
      }
    }
  });

  // one test per row (each runs for seconds; one long synchronous test starves the worker's RPC)
  // wide rows: BFP[16|8] and BFP[24|8]A here (every wide row runs through the fast-check tensors and midpoints)
  it.each([...BLOCK_FORMATS, ...EXTRA_ROWS, ...WIDE_ROWS.slice(0, 2)].map((s) => [s.id, s] as const))('tensors over several chunks on the contiguous path (and the gather path), with NaN, Inf, zero and subnormal blocks: %s', (_id, s) => {
    const rnd = seeded(12345);
    {
      const k = s.blockSize;
      const rows = Math.ceil((2 * CHUNK) / (k * 16)) + 5;
      const n = rows * k * 16; // more than two chunks, whole blocks
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20);
      x[3] = NaN;
      x[k * 7 + 1] = -Infinity;
      x.fill(0, k * 9, k * 11);
      for (let i = k * 12; i < k * 13; i++) x[i] = fromBits(1 + Math.floor(rnd() * 0x7fffff)) * (i % 2 ? -1 : 1);
      x[n - 1] = s.scale === 'ue4m3' ? 3 * 2 ** 20 : 3e38; // NV: an amax near FLT_MAX would flush every other block scale to 0
      const i = [...BLOCK_FORMATS, ...EXTRA_ROWS, ...WIDE_ROWS.slice(0, 2)].indexOf(s);
      checkAll(s, x, { shape: [rows, k * 16] }, `${s.id} [${rows}, ${k * 16}]`);
      checkAll(s, x, { shape: [k * 16, rows], axis: 0, rounding: ROUNDINGS[i % ROUNDINGS.length] }, `${s.id} axis 0 ${ROUNDINGS[i % ROUNDINGS.length]}`);
      if (s.scale !== 'ue4m3') checkAll(s, x, { scaleRule: RULES[i % 4], rounding: ROUNDINGS[(i + 1) % ROUNDINGS.length] }, `${s.id} ${RULES[i % 4]} ${ROUNDINGS[(i + 1) % ROUNDINGS.length]}`);
    }
  });
});

/** All byte values a scale of this row can hold (NaN code included). */
function scaleCodes(s: BlockSpec): number[] {
  return Array.from({ length: 2 ** scaleBits(s) }, (_, i) => i);
}

describe('decode', () => {
  it('every scale code × every element code, every row', () => {
    for (const s of [...BLOCK_FORMATS, ...EXTRA_ROWS]) {
      const el = blockElement(s);
      const k = s.blockSize;
      const nCodes = 2 ** el.bits;
      const perScale = Math.ceil(nCodes / k); // blocks needed to hold every code once
      const scales = scaleCodes(s).flatMap((c) => Array<number>(perScale).fill(c));
      const n = scales.length * k;
      const codes = new Uint8Array(n);
      for (let b = 0; b < scales.length; b++) for (let j = 0; j < k; j++) codes[b * k + j] = ((b % perScale) * k + j) % nCodes;
      for (const tensorScale of s.tensorScale === 'f32' ? [1, Math.fround(1 / 3), fromBits(0x00000123), Math.fround(3.0e38)] : [undefined]) {
        const e: BlockEncoding = { format: s.id, shape: [scales.length, k], axis: 1, codes: packRef(codes, el.bits), scales: new Uint8Array(scales) };
        if (tensorScale !== undefined) e.tensorScale = tensorScale;
        sameF32(codec(s).decode(e), decodeBlockRef(s, e), `${s.id} tensorScale ${tensorScale}`);
      }
    }
  });

  it('arbitrary payloads (codes encode never emits: E4M3 NaN, E5M2 Inf/NaN, INT −2^(b−1)), any shape and axis', () => {
    const FLT_MAX = fromBits(0x7f7fffff);
    const payload = fc
      .constantFrom(...BLOCK_FORMATS, ...EXTRA_ROWS)
      .chain((spec) =>
        fc.record({
          spec: fc.constant(spec),
          // dims of 1…40, or whole multiples of the block (the contiguous path, 4-bit pairs unpacked in the kernel)
          shape: fc.array(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(spec.blockSize, 2 * spec.blockSize, 4 * spec.blockSize)), { minLength: 1, maxLength: 3 })
            .map((d) => (d.reduce((a, b) => a * b, 1) > 4096 ? d.slice(-1) : d)),
          axisPick: fc.nat(),
          seed: fc.integer(),
          // any finite positive f32: subnormal, tiny, ordinary, up to FLT_MAX (d_b may overflow to Inf)
          tensorScale: fc.oneof(
            fc.constantFrom(1, 2 ** -126, fromBits(1), fromBits(0x007fffff), FLT_MAX, Math.fround(1 / 3), 2 ** 100),
            fc.float({ min: fromBits(1), max: FLT_MAX, noNaN: true, noDefaultInfinity: true }),
            fc.float({ min: Math.fround(1e-6), max: Math.fround(1e6), noNaN: true }),
          ),
        }),
      )
      .map((r) => {
        const n = r.shape.reduce((a, b) => a * b, 1);
        const axis = r.axisPick % r.shape.length;
        const el = blockElement(r.spec);
        const nb = Math.ceil(r.shape[axis] / r.spec.blockSize);
        const nBlocks = (n / r.shape[axis]) * nb;
        let s = r.seed >>> 0;
        const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
        const codes = new Uint8Array(n).map(() => next() % 2 ** el.bits);
        const sLimit = 2 ** scaleBits(r.spec);
        const special = [0, sLimit - 1, sLimit - 2, 1, sLimit >> 1];
        const scales = new Uint8Array(nBlocks).map(() => (next() % 4 === 0 ? special[next() % special.length] : next() % sLimit));
        const e: BlockEncoding = { format: r.spec.id, shape: r.shape, axis, codes: packRef(codes, el.bits), scales };
        if (r.spec.tensorScale === 'f32') e.tensorScale = r.tensorScale > 0 ? r.tensorScale : 1;
        return { spec: r.spec, e };
      });
    fc.assert(
      fc.property(payload, ({ spec, e }) => {
        sameF32(codec(spec).decode(e), decodeBlockRef(spec, e), `${spec.id} ${JSON.stringify(e.shape)} axis ${e.axis}`);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Every element value of a row (non-negative, finite, distinct, sorted): minifloat values or the INT grid. */
function elementValues(s: BlockSpec): number[] {
  const el = blockElement(s);
  const v = new Set<number>();
  if (el.kind === 'int') {
    const qmax = 2 ** (el.bits - 1) - 1;
    for (let k = 0; k <= qmax; k++) v.add(k * 2 ** el.intExp);
  } else {
    const spec = el.spec as MinifloatSpec;
    const L = minifloatLimits(spec);
    for (let c = 0; c < 2 ** el.bits; c++) {
      const x = decodeRef(spec, c);
      if (Number.isFinite(x) && x >= 0 && x <= L.max) v.add(x);
    }
  }
  return [...v].sort((a, b) => a - b);
}

describe('midpoints', () => {
  /**
   * Block exponents to pin for a row: both clamp ends of its scale (E8M0: ±127; a 6-bit BFP exponent:
   * ±31 — the top end only as far as max · 2^e stays a finite f32), one step inside them, one past the
   * low end (amax below 2^-bias: the exponent clamps, elements are then far below their grid), and
   * 0, ±small, ±100 where they fit. At −127 the scaled midpoints are f32 subnormals.
   */
  function exponents(s: BlockSpec): number[] {
    const { bias } = expScale(s);
    const hi = Math.min(bias, 127 - blockElement(s).emax);
    const es = [-bias, -bias + 1, -bias - 3, -127, -100, -3, 0, 5, 100, hi - 1, hi];
    if (hi === bias && bias < 100) es.push(bias + 1, bias + 4); // past the top clamp: elements saturate
    return [...new Set(es)].filter((e) => e >= -bias - 3 && e <= Math.max(hi, bias < 100 ? bias + 4 : hi));
  }

  it('every midpoint between neighbouring element values, ±1 f32 ulp, times 2^e, every power-of-two row, rule floor / rceil and rounding', () => {
    for (const s of [...BLOCK_FORMATS, ...EXTRA_ROWS].filter((r) => r.scale !== 'ue4m3')) {
      const el = blockElement(s);
      const vals = elementValues(s);
      const { bias } = expScale(s);
      const c = codec(s);
      const k = s.blockSize;
      const perBlock = k - 1;
      for (const e of exponents(s)) {
        const sc = 2 ** e;
        const pin = Math.fround(el.max * sc); // pins the block amax: floor and rceil both give exactly e (clamped)
        expect(Number.isFinite(pin) && pin > 0, `${s.id} e ${e} pin`).toBe(true);
        // points scaled first, then ±1 ulp at the scaled value (f32 subnormals included)
        const pts: number[] = [];
        for (let i = 0; i + 1 < vals.length; i++) {
          const m = Math.fround(((vals[i] + vals[i + 1]) / 2) * sc);
          const v = Math.fround(vals[i] * sc);
          pts.push(m, nextUp(m), nextDown(m), -m, -nextUp(m), -nextDown(m), v, -v);
        }
        // beyond the largest element value (the block amax, hence the scale, stays e under floor)
        for (const p of [Math.fround(((el.max + 2 ** (el.emax + 1)) / 2) * sc), nextDown(Math.fround(2 ** (el.emax + 1) * sc))]) pts.push(p, -p);
        const nb = Math.ceil(pts.length / perBlock);
        const x = new Float32Array(nb * k);
        for (let b = 0; b < nb; b++) {
          x[b * k] = b % 2 ? -pin : pin;
          for (let j = 1; j < k; j++) x[b * k + j] = pts[b * perBlock + j - 1] ?? 0;
        }
        for (const scaleRule of ['floor', 'rceil'] as const)
          for (const rounding of ROUNDINGS as BlockRounding[]) {
            const o: BlockOptions = { rounding, scaleRule, shape: [nb, k] };
            const what = `${s.id} e ${e} ${scaleRule} ${rounding}`;
            const got = c.encode(x, o);
            sameEncoding(got, encodeBlockRef(s, x, o), what);
            if (scaleRule === 'floor') expect(got.scales[0], `${what}: the pin sets the scale`).toBe(Math.min(Math.max(e, -bias), bias) + bias);
            sameF32(c.quantize(x, o), quantizeBlockRef(s, x, o), `${what} quantize`);
          }
      }
    }
  });
});

describe('BFP words wider than 8 bits (i32 codes in the kernels, 9 … 24-bit LSB-first streams)', () => {
  const bfp16 = WIDE_ROWS[0]; // BFP[16|8]{16}
  const bfp24a = WIDE_ROWS[1]; // BFP[24|8]{32}, asymmetric
  const bfp24 = WIDE_ROWS[2];

  /** A decode payload [blocks, k] holding `codes` (cycled) under each scale code. */
  function payload(s: BlockSpec, codes: number[], scales: number[]): BlockEncoding {
    const k = s.blockSize;
    const per = Math.ceil(codes.length / k);
    const sc = scales.flatMap((c) => Array<number>(per).fill(c));
    const all = new Uint32Array(sc.length * k);
    for (let i = 0; i < all.length; i++) all[i] = codes[i % (per * k)] ?? 0;
    return { format: s.id, shape: [sc.length, k], axis: 1, codes: packWordsRef(all, blockElement(s).bits), scales: new Uint8Array(sc) };
  }

  it('decode: every 16-bit code under the extreme and middle scale codes; 24-bit codes strided through the range, ends and the −2^23 code', () => {
    const all16 = Array.from({ length: 2 ** 16 }, (_, i) => i);
    const e16 = payload(bfp16, all16, [0, 1, 100, 127, 200, 254, 255]);
    sameF32(codec(bfp16).decode(e16), decodeBlockRef(bfp16, e16), 'bfp16 all codes');
    const some24 = [0, 1, 2, 0x7ffffe, 0x7fffff, 0x800000, 0x800001, 0xffffff];
    for (let c = 3; c < 2 ** 24; c += 40961) some24.push(c);
    for (const s of [bfp24, bfp24a, ...WIDE_ROWS.slice(3)]) {
      const codes = some24.map((c) => c % 2 ** blockElement(s).bits);
      const { bias, nan } = expScale(s);
      const e = payload(s, codes, [...new Set([0, 1, Math.max(0, bias - 30), bias, bias + 1, 2 * bias, nan])]);
      sameF32(codec(s).decode(e), decodeBlockRef(s, e), `${s.id} codes`);
    }
  });

  const midpointCases = WIDE_ROWS.flatMap((s) => {
    const { bias } = expScale(s);
    const es = blockElement(s).bits <= 16 ? [-bias, Math.min(bias, 100)] : [-bias, -bias + 1, 0, Math.min(bias, 100)];
    return es.flatMap((e) => ROUNDINGS.map((r) => [s.id, e, r, s] as const));
  });
  it.each(midpointCases)('every midpoint of ≤ 16-bit words, sampled midpoints of 24-bit words, ±1 ulp: %s, e = %d, %s', (_id, e, rounding, s) => {
    {
      const el = blockElement(s);
      const { bias } = expScale(s);
      const step = 2 ** el.intExp;
      const qmax = 2 ** (el.bits - 1) - 1;
      const ks: number[] = [];
      if (el.bits <= 16) for (let k = 0; k < qmax; k++) ks.push(k);
      else for (let k = 0; k < qmax; k += 9973) ks.push(k, qmax - 1 - k);
      {
        const sc = 2 ** e;
        const pin = Math.fround(el.max * sc);
        const pts: number[] = [];
        for (const k of ks) {
          const m = Math.fround((k + 0.5) * step * sc);
          pts.push(m, nextUp(m), nextDown(m), -m, -nextUp(m), -nextDown(m));
        }
        const m = Math.fround((qmax + 0.5) * step * sc); // between −qmax and −(qmax + 1): asymmetric rows round to −2^(w−1) here
        pts.push(-m, -nextDown(m), -nextUp(m), m);
        const k = s.blockSize;
        const nb = Math.ceil(pts.length / (k - 1));
        const x = new Float32Array(nb * k);
        for (let b = 0; b < nb; b++) {
          x[b * k] = b % 2 ? -pin : pin;
          for (let j = 1; j < k; j++) x[b * k + j] = pts[b * (k - 1) + j - 1] ?? 0;
        }
        {
          const o: BlockOptions = { rounding, shape: [nb, k] };
          const what = `${s.id} e ${e} ${rounding}`;
          const got = codec(s).encode(x, o);
          sameEncoding(got, encodeBlockRef(s, x, o), what);
          expect(got.scales[0], `${what}: the pin sets the scale`).toBe(e + bias);
          sameF32(codec(s).quantize(x, o), quantizeBlockRef(s, x, o), `${what} quantize`);
          sameF32(codec(s).decode(got), decodeBlockRef(s, got), `${what} decode`);
        }
      }
    }
  });

  it('BFP[16|8]: [1, −1, 0.5, 3] → e = 1, step 2^-13, codes 0x2000 0xE000 0x1000 0x6000 as little-endian 16-bit words', () => {
    const x = Float32Array.of(1, -1, 0.5, 3);
    const e = codec(bfp16).encode(x);
    expect(Array.from(e.scales)).toEqual([128]);
    expect(Buffer.from(e.codes).toString('hex')).toBe('002000e000100060');
    expect(Array.from(codec(bfp16).decode(e))).toEqual([1, -1, 0.5, 3]);
  });

  it('BFP[24|8]: −(2 − 2^-23) is a tie between k = −(2^23 − 1) and −2^23: asymmetric words take −2^23 (0x800000, even), symmetric ones clamp to 0x800001', () => {
    const x = new Float32Array(32);
    x[0] = -nextDown(2);
    const a = codec(bfp24a).encode(x);
    const sy = codec(bfp24).encode(x);
    expect([a.scales[0], sy.scales[0]]).toEqual([127, 127]);
    expect(Array.from(a.codes.subarray(0, 3))).toEqual([0x00, 0x00, 0x80]);
    expect(Array.from(sy.codes.subarray(0, 3))).toEqual([0x01, 0x00, 0x80]);
    expect([codec(bfp24a).quantize(x)[0], codec(bfp24).quantize(x)[0]]).toEqual([-2, -(2 - 2 ** -22)]);
  });

  it('directed roundings: 1 + 2^-20 toward_negative / toward_zero → 1; toward_positive → 1 + 2^-14 (BFP[16|8], e = 0, step 2^-14); −(1 + 2^-20) mirrored', () => {
    const x = Float32Array.of(1 + 2 ** -20, -(1 + 2 ** -20), 1.5);
    const q = (rounding: BlockRounding) => Array.from(codec(bfp16).quantize(x, { rounding }).subarray(0, 2));
    expect(q('toward_zero')).toEqual([1, -1]);
    expect(q('toward_negative')).toEqual([1, -(1 + 2 ** -14)]);
    expect(q('toward_positive')).toEqual([1 + 2 ** -14, -1]);
    expect(q('rne')).toEqual([1, -1]);
  });
});

describe('worked examples through the kernel codec (formats.md §1.10, §2.2)', () => {
  const pad = (a: number[], n: number) => {
    const x = new Float32Array(n);
    x.set(a.map(Math.fround));
    return x;
  };
  it('MXFP4: scale 126, codes 7 F 1 1 4 B 0 4', () => {
    const e = format('mxfp4').encode(pad([3.1, -2.9, 0.26, 0.24, 1.25, -0.75, 0, 1.0], 32));
    expect(Array.from(e.scales)).toEqual([126]);
    expect(Array.from(e.codes.slice(0, 4))).toEqual([0xf7, 0x11, 0xb4, 0x40]);
    expect(Array.from(format('mxfp4').decode(e).slice(0, 8))).toEqual([3, -3, 0.25, 0.25, 1, -0.75, 0, 1]);
  });
  it('MXFP8-E4M3: 957 clamps to 896, −124.8256 → 0xE8', () => {
    const e = format('mxfp8_e4m3').encode(pad([957, 960, 902.4, -124.8256, 0.5], 32));
    expect(Array.from(e.scales)).toEqual([128]);
    expect(Array.from(e.codes.slice(0, 5))).toEqual([0x7e, 0x7e, 0x7e, 0xe8, 0x28]);
    expect(Array.from(format('mxfp8_e4m3').quantize(pad([957, 960, 902.4, -124.8256, 0.5], 32)).slice(0, 5))).toEqual([896, 896, 896, -128, 0.5]);
  });
  it('MXINT8: X = 1, k = [127, 64, −32, 0, 1]', () => {
    const e = format('mxint8').encode(pad([1.99, 1.0, -0.5, 2 ** -7, 3 * 2 ** -8], 32));
    expect(Array.from(e.scales)).toEqual([127]);
    expect(Array.from(e.codes.slice(0, 5))).toEqual([127, 64, 224, 0, 1]);
    expect(Array.from(format('mxint8').decode(e).slice(0, 5))).toEqual([127 / 64, 1, -0.5, 0, 1 / 64]);
  });
  it('MXINT8 [1.995]: 127.68 → 128 → clamp 127; ceil gives scale 128 and 2.0', () => {
    const x = pad([1.995], 32);
    const e = format('mxint8').encode(x);
    expect([e.scales[0], e.codes[0], format('mxint8').quantize(x)[0]]).toEqual([127, 127, 127 / 64]);
    expect(format('mxint8').encode(x, { scaleRule: 'ceil' }).scales[0]).toBe(128);
    expect(format('mxint8').quantize(x, { scaleRule: 'ceil' })[0]).toBe(2);
  });
  it('NVINT4: amax 9 → S_enc f32(3136/9), scale 0x7E, k = [5, −3, 0, 2, −7]', () => {
    const x = pad([7, -3.5, 0.4, 2.5, -9], 16);
    const e = format('nvint4').encode(x);
    expect(e.tensorScale).toBe(Math.fround(1 / Math.fround(3136 / 9)));
    expect(Array.from(e.scales)).toEqual([0x7e]);
    expect(Array.from(e.codes.slice(0, 3))).toEqual([0xd5, 0x20, 0x09]); // 5, −3 (0xD), 0, 2, −7 (0x9), packed LSB first
    sameEncoding(e, encodeBlockRef(blockSpec('nvint4'), x), 'nvint4 example');
  });
  it('every worked example agrees with the twin in full (encode, quantize, decode)', () => {
    checkAll(blockSpec('mxfp4'), pad([3.1, -2.9, 0.26, 0.24, 1.25, -0.75, 0, 1.0], 32), {}, 'mxfp4 example');
    checkAll(blockSpec('mxfp8_e4m3'), pad([957, 960, 902.4, -124.8256, 0.5], 32), {}, 'mxfp8_e4m3 example');
    checkAll(blockSpec('mxint8'), pad([1.99, 1.0, -0.5, 2 ** -7, 3 * 2 ** -8], 32), {}, 'mxint8 example');
    const nv = pad([3, -1.4, 0.2, 2.2], 32);
    nv[16] = 12;
    checkAll(blockSpec('nvfp4'), nv, {}, 'nvfp4 example');
  });
  it('NVFP4: tensor amax 12, block [3, −1.4, 0.2, 2.2] → S_enc 224, scale 0x6E, codes 7 D 1 6, [3, −1.5, 0.25, 2]', () => {
    const x = pad([3, -1.4, 0.2, 2.2], 32);
    x[16] = 12; // the tensor amax, in the next block
    const e = format('nvfp4').encode(x);
    expect(e.tensorScale).toBe(Math.fround(1 / 224));
    expect(e.scales[0]).toBe(0x6e);
    expect(Array.from(e.codes.slice(0, 2))).toEqual([0xd7, 0x61]);
    expect(Array.from(format('nvfp4').quantize(x).slice(0, 4))).toEqual([3, -1.5, 0.25, 2]);
    expect(e.scales[1]).toBe(0x7e); // 12 · 224 / 6 = 448 → the ue4m3 max
    const d = format('nvfp4').decode(e);
    expect([...d.slice(0, 4), d[16]]).toEqual([3, -1.5, 0.25, 2, 12]);
  });
  it('scaleShape: the shape with the blocked axis replaced by its block count', () => {
    expect(format('mxfp4').scaleShape([3, 70])).toEqual([3, 3]);
    expect(format('mxfp4').scaleShape([70, 3], 0)).toEqual([3, 3]);
    expect(format('nvfp4').scaleShape([2, 16, 5], -2)).toEqual([2, 1, 5]);
  });
  it('a custom BFP row through BlockFormat (5-bit words incl. sign, 6-bit exponent, block 24)', () => {
    const s = bfpSpec({ blockSize: 24, mantissaBits: 5, signIncluded: true, expBits: 6 });
    const x = new Float32Array(24 * 7).map((_, i) => Math.fround(Math.sin(i) * 2 ** ((i % 13) - 6)));
    checkAll(s, x, { shape: [7, 24] }, s.id);
    checkAll(s, x, { shape: [24, 7], axis: 0 }, `${s.id} axis 0`);
  });
});

describe('errors', () => {
  const mx = format('mxfp4');
  const x = new Float32Array(64).fill(1);
  const err = (f: () => unknown, code: string) => {
    const e = thrown(f);
    expect(e.code).toBe(code);
    return e.message;
  };
  it('bad input and options name the offending value', () => {
    expect(err(() => mx.encode(x, { shape: [3, 5] }), 'BAD_SHAPE')).toMatch(/\[3,5\]/);
    expect(err(() => mx.encode(x, { shape: [8, 8], axis: 2 }), 'BAD_SHAPE')).toMatch(/axis 2/);
    expect(err(() => mx.encode(x, { scaleRule: 'round' as never }), 'BAD_OPTION')).toMatch(/"round"/);
    expect(err(() => format('nvfp4').encode(x, { scaleRule: 'floor' }), 'BAD_OPTION')).toMatch(/"floor"/);
    expect(err(() => mx.quantize(x, { rounding: 'stochastic' as never }), 'BAD_OPTION')).toMatch(/"stochastic"/);
    expect(err(() => mx.encode(x, { blockSize: 16 } as never), 'BAD_OPTION')).toMatch(/"blockSize"/);
    expect(err(() => mx.encode(x, { out: new Float32Array(64) } as never), 'BAD_OPTION')).toMatch(/"out"/);
    expect(err(() => mx.encode([1, 2] as never), 'BAD_TYPE')).toMatch(/Float32Array/);
    expect(err(() => mx.quantize(x, { out: new Float32Array(3) }), 'BAD_LENGTH')).toMatch(/3/);
    // each call path checks its own options and input
    expect(err(() => mx.quantize(x, { shape: [65] }), 'BAD_SHAPE')).toMatch(/\[65\]/);
    expect(err(() => mx.quantize(x, { shape: [8, 8], axis: -3 }), 'BAD_SHAPE')).toMatch(/axis -3/);
    expect(err(() => mx.encode(x, { shape: [8, 8], axis: 1.5 }), 'BAD_SHAPE')).toMatch(/axis 1\.5/);
    expect(err(() => mx.quantize(x, { scaleRule: 'nv_te' }), 'BAD_OPTION')).toMatch(/"nv_te"/);
    expect(err(() => mx.encode(x, { rounding: 'to_odd' as never }), 'BAD_OPTION')).toMatch(/"to_odd"/);
    expect(err(() => mx.quantize(x, { seed: 1 } as never), 'BAD_OPTION')).toMatch(/"seed"/);
    expect(err(() => mx.decode(mx.encode(x), { shape: [64] } as never), 'BAD_OPTION')).toMatch(/"shape"/);
    expect(err(() => mx.quantize(new Float64Array(64) as never), 'BAD_TYPE')).toMatch(/Float64Array/);
    expect(err(() => new BlockFormat(EXTRA_ROWS[0]).encode(new Uint32Array(5) as never), 'BAD_TYPE')).toMatch(/Uint32Array/);
  });
  it('format("mxfp4").decode of an nvfp4 payload: FORMAT_MISMATCH naming both', () => {
    const nv = format('nvfp4').encode(x);
    const m = err(() => mx.decode(nv), 'FORMAT_MISMATCH');
    expect(m).toMatch(/"nvfp4"/);
    expect(m).toMatch(/mxfp4/);
    expect(err(() => format('mxint4').decode(mx.encode(x)), 'FORMAT_MISMATCH')).toMatch(/"mxfp4"/);
  });
  it('tensor scales that are not a finite positive f32, scale bytes beyond the scale width, padding bits of 6-bit codes', () => {
    const nvf = format('nvfp4');
    const nv = nvf.encode(x);
    for (const t of [0, -1, NaN, Infinity, 0.1, '1'] as unknown[]) expect(err(() => nvf.decode({ ...nv, tensorScale: t as number }), 'BAD_SCALE')).toContain(String(t));
    // a 6-bit BFP exponent: bytes 0…63 valid (63 = NaN), 64 is not
    const b6 = new BlockFormat(EXTRA_ROWS[0]);
    const e6 = b6.encode(new Float32Array(10).fill(1));
    expect(err(() => b6.decode({ ...e6, scales: Uint8Array.of(1, 64) }), 'BAD_CODE')).toMatch(/scale byte 64 of block 1/);
    expect(b6.decode({ ...e6, scales: Uint8Array.of(63, 0) }).every((v, i) => (i < 5 ? Number.isNaN(v) : true))).toBe(true);
    // 3 E3M2 codes = 18 bits in 3 bytes: the top 6 bits of the last byte are padding
    const f6 = format('mxfp6_e3m2');
    const p6 = f6.encode(new Float32Array(3).fill(1));
    expect(p6.codes.length).toBe(3);
    expect(err(() => f6.decode({ ...p6, codes: Uint8Array.of(p6.codes[0], p6.codes[1], p6.codes[2] | 0x04) }), 'BAD_CODE')).toMatch(/padding bits above bit 1/);
    expect(err(() => f6.decode({ ...p6, codes: p6.codes.slice(0, 2) }), 'BAD_LENGTH')).toMatch(/2 bytes/);
    expect(err(() => f6.decode({ ...p6, axis: 1 }), 'BAD_SHAPE')).toMatch(/axis 1/);
    expect(err(() => f6.decode(null as never), 'BAD_TYPE')).toMatch(/null/);
  });
  it('payloads that do not match their shape, another format, bad tensor scale, bad scale bytes, padding bits', () => {
    const e = mx.encode(x, { shape: [2, 32] });
    expect(err(() => format('nvfp4').decode(e), 'FORMAT_MISMATCH')).toMatch(/"mxfp4"/);
    expect(err(() => mx.decode({ ...e, codes: e.codes.slice(1) }), 'BAD_LENGTH')).toMatch(/31 bytes/);
    expect(err(() => mx.decode({ ...e, scales: new Uint8Array(3) }), 'BAD_LENGTH')).toMatch(/3 bytes/);
    expect(err(() => mx.decode({ ...e, shape: [2, 33] }), 'BAD_LENGTH')).toBeTruthy();
    expect(err(() => mx.decode({ ...e, tensorScale: 2 }), 'BAD_SCALE')).toMatch(/2/);
    const nv = format('nvfp4').encode(x);
    expect(err(() => format('nvfp4').decode({ ...nv, tensorScale: undefined }), 'BAD_SCALE')).toMatch(/undefined/);
    expect(err(() => format('nvfp4').decode({ ...nv, scales: new Uint8Array(nv.scales.length).fill(0x80) }), 'BAD_CODE')).toMatch(/128/);
    const odd = format('mxfp4').encode(new Float32Array(3), { shape: [3] });
    expect(err(() => format('mxfp4').decode({ ...odd, codes: new Uint8Array([0, 0xf0]) }), 'BAD_CODE')).toMatch(/padding/);
    expect(err(() => mx.decode({ ...e, codes: Array.from(e.codes) as never }), 'BAD_TYPE')).toMatch(/Uint8Array/);
  });
});

describe('memory', () => {
  it('repeated calls on a tensor larger than a chunk do not grow WASM memory', () => {
    const n = 3 * CHUNK + 96;
    const x = new Float32Array(n).map((_, i) => Math.sin(i));
    const out = new Float32Array(n);
    for (const id of ['mxfp4', 'nvfp4', 'mxfp8_e4m3'] as const) {
      const f = format(id);
      const run = () => {
        const e = f.encode(x);
        f.decode(e, { out });
        f.decode(e);
        f.quantize(x, { out, shape: [n / 96, 96], axis: 0 });
        const g = f.encode(x, { shape: [n / 96, 96], axis: 0 }); // the gather / scatter path
        f.decode(g, { out });
        f.quantize(x);
      };
      run();
      const before = runtime().memory.buffer.byteLength;
      for (let r = 0; r < 3; r++) run();
      expect(runtime().memory.buffer.byteLength).toBe(before);
    }
  });
});

describe('constructor and scaleShape arguments (issue 9)', () => {
  const err = (f: () => unknown, code: string) => {
    const e = thrown(f);
    expect(e.code).toBe(code);
    expect(e.message.length).toBeLessThan(300);
    return e.message;
  };
  const mx4 = BLOCK_FORMATS.find((b) => b.id === 'mxfp4') as BlockSpec;
  it('new BlockFormat rejects rows that are not objects or have bad fields, naming the field', () => {
    for (const bad of [undefined, null, 'mxfp4', 3, [mx4]]) expect(err(() => new BlockFormat(bad as never), 'BAD_TYPE')).toMatch(/must be an object/);
    const cases: [Partial<Record<keyof BlockSpec, unknown>>, RegExp][] = [
      [{ kind: 'minifloat' }, /kind "minifloat"/],
      [{ id: '' }, /id ""/],
      [{ id: 'x'.repeat(1e6) }, /id "x+"\.\.\. \(1000000 characters\)/],
      [{ element: 'fp16' }, /16-bit codes/],
      [{ element: 'nope' }, /unknown element "nope"/],
      [{ element: 'int99_sym' }, /99-bit codes/],
      [{ blockSize: 0 }, /blockSize 0/],
      [{ blockSize: 2.5 }, /blockSize 2.5/],
      [{ blockSize: 2 ** 40 }, /blockSize/],
      [{ blockSize: '32' }, /blockSize "32"/],
      [{ scale: 'e4m3' }, /scale "e4m3"/],
      [{ scale: { expBits: 9 } }, /scale \{"expBits":9\}/],
      [{ scale: { expBits: 4, extra: 1 } }, /scale/],
      [{ scaleRule: 'nv_te' }, /scaleRule "nv_te"/],
      [{ scale: 'ue4m3' }, /scaleRule "floor" must be 'nv_te'/],
      [{ tensorScale: 'f32' }, /tensorScale "f32"/],
      [{ packing: 'msb' }, /packing "msb"/],
      [{ source: 3 }, /source 3/],
    ];
    for (const [patch, msg] of cases) expect(err(() => new BlockFormat({ ...mx4, ...patch } as BlockSpec), 'BAD_FORMAT_PARAMS')).toMatch(msg);
    expect(err(() => new BlockFormat({ ...mx4, blocksize: 32 } as never), 'BAD_FORMAT_PARAMS')).toMatch(/unknown field "blocksize"/);
  });
  it('a hand-made row is copied and frozen: changing the caller object later does not change the codec', () => {
    const row = { ...mx4, id: 'my_mxfp4', scale: 'e8m0fnu' as const };
    const f = new BlockFormat(row);
    const x = new Float32Array(64).map((_, i) => Math.sin(i) * 9);
    const before = f.quantize(x);
    row.blockSize = 16;
    row.element = 'fp8_e4m3fn';
    expect(f.spec.blockSize).toBe(32);
    expect(Object.isFrozen(f.spec)).toBe(true);
    expect(f.quantize(x)).toEqual(before);
    expect(f.quantize(x)).toEqual(format('mxfp4').quantize(x));
    const b = bfpSpec({ blockSize: 5, mantissaBits: 3, signIncluded: true, expBits: 6 });
    const g = new BlockFormat(b);
    (b.scale as { expBits: number }).expBits = 8;
    expect(g.spec.scale).toEqual({ expBits: 6 });
  });
  it('scaleShape rejects shapes that are not arrays of non-negative integers, or over 2^53 elements', () => {
    const f = format('mxfp4');
    for (const s of ['x', 64, null, undefined, { length: 1 }]) expect(err(() => f.scaleShape(s as never), 'BAD_SHAPE')).toMatch(/shape must be an array/);
    expect(err(() => f.scaleShape([3, -1]), 'BAD_SHAPE')).toMatch(/-1/);
    expect(err(() => f.scaleShape([2, 'a' as never]), 'BAD_SHAPE')).toMatch(/"a"/);
    expect(err(() => f.scaleShape([2 ** 40, 2 ** 40]), 'BAD_SHAPE')).toMatch(/2\^53/);
    expect(err(() => f.scaleShape([64], 1), 'BAD_SHAPE')).toMatch(/axis 1/);
    expect(f.scaleShape([0, 2 ** 40])).toEqual([0, 2 ** 35]);
    expect(f.scaleShape([4, 64], 1)).toEqual([4, 2]);
  });
});
