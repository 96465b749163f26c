// The WASM block codec (src/formats/block.ts over assembly/cvt/cvt-{f32-block,block-f32}-wasmsimd.ts)
// against its reference twin (src/formats/block-ref.ts), bit for bit: fast-check tensors of every row,
// every scale code × every element code on decode, arbitrary payloads, every element midpoint ±1 ulp
// under several block scales, tensors over several chunks on the contiguous fast path, the worked
// examples, typed errors, and bounded memory.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockFormat } from '../../src/formats/block.js';
import { decodeBlockRef, encodeBlockRef, quantizeBlockRef, type BlockEncoding, type BlockOptions, type BlockRounding } from '../../src/formats/block-ref.js';
import { BLOCK_FORMATS, bfpSpec, blockElement, scaleBits, type BlockSpec } from '../../src/formats/block-spec.js';
import { format } from '../../src/index.js';
import { minifloatLimits } from '../../src/formats/limits.js';
import { decodeRef } from '../../src/formats/minifloat-ref.js';
import { packRef } from '../../src/formats/packing.js';
import type { MinifloatSpec } from '../../src/formats/spec.js';
import { CHUNK, runtime } from '../../src/runtime/wasm.js';
import { caseArb, EXTRA_ROWS, ROUNDINGS, RULES } from '../helpers/block-cases.js';
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

  it('tensors over several chunks on the contiguous path (and the gather path), with NaN, Inf, zero and subnormal blocks', () => {
    const rnd = (() => {
      let s = 12345;
      return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0) / 2 ** 32);
    })();
    for (const s of [...BLOCK_FORMATS, ...EXTRA_ROWS]) {
      const k = s.blockSize;
      const rows = Math.ceil((2 * CHUNK) / (k * 16)) + 5;
      const n = rows * k * 16; // more than two chunks, whole blocks
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20);
      x[3] = NaN;
      x[k * 7 + 1] = -Infinity;
      x.fill(0, k * 9, k * 11);
      for (let i = k * 12; i < k * 13; i++) x[i] = fromBits(1 + Math.floor(rnd() * 0x7fffff)) * (i % 2 ? -1 : 1);
      x[n - 1] = 3e38;
      const i = [...BLOCK_FORMATS, ...EXTRA_ROWS].indexOf(s);
      checkAll(s, x, { shape: [rows, k * 16] }, `${s.id} [${rows}, ${k * 16}]`);
      checkAll(s, x, { shape: [k * 16, rows], axis: 0, rounding: ROUNDINGS[i % 3] }, `${s.id} axis 0 ${ROUNDINGS[i % 3]}`);
      if (s.scale !== 'ue4m3') checkAll(s, x, { scaleRule: RULES[i % 4], rounding: ROUNDINGS[(i + 1) % 3] }, `${s.id} ${RULES[i % 4]} ${ROUNDINGS[(i + 1) % 3]}`);
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
    const payload = fc
      .record({
        spec: fc.constantFrom(...BLOCK_FORMATS, ...EXTRA_ROWS),
        shape: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }),
        axisPick: fc.nat(),
        seed: fc.integer(),
        tensorScale: fc.oneof(fc.constantFrom(1, 2 ** -126, fromBits(1)), fc.float({ min: Math.fround(1e-30), max: Math.fround(1e30), noNaN: true })),
      })
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
        if (r.spec.tensorScale === 'f32') e.tensorScale = Math.abs(r.tensorScale) || 1;
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
  it('every midpoint between neighbouring element values, ±1 f32 ulp, times 2^e, every power-of-two row and rounding', () => {
    for (const s of [...BLOCK_FORMATS, ...EXTRA_ROWS].filter((r) => r.scale !== 'ue4m3')) {
      const el = blockElement(s);
      const vals = elementValues(s);
      const pts: number[] = [];
      for (let i = 0; i + 1 < vals.length; i++) {
        const m = (vals[i] + vals[i + 1]) / 2;
        pts.push(m, nextUp(m), nextDown(m), vals[i], -m, -nextUp(m));
      }
      pts.push(el.max, (el.max + 2 ** (el.emax + 1)) / 2, nextDown(2 ** (el.emax + 1)));
      for (const e of [-127, -126, -100, -3, 0, 5, 100, 119]) {
        const k = s.blockSize;
        const perBlock = k - 1;
        const nb = Math.ceil(pts.length / perBlock);
        const x = new Float32Array(nb * k);
        for (let b = 0; b < nb; b++) {
          x[b * k] = Math.fround(el.max * 2 ** e); // pins the block amax: floor gives exactly e (when representable)
          for (let j = 1; j < k; j++) x[b * k + j] = Math.fround((pts[(b * perBlock + j - 1) % pts.length] ?? 0) * 2 ** e);
        }
        for (const rounding of ROUNDINGS as BlockRounding[]) {
          const o: BlockOptions = { rounding, shape: [nb, k] };
          const c = codec(s);
          sameEncoding(c.encode(x, o), encodeBlockRef(s, x, o), `${s.id} e ${e} ${rounding}`);
          sameF32(c.quantize(x, o), quantizeBlockRef(s, x, o), `${s.id} e ${e} ${rounding} quantize`);
        }
      }
    }
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
  });
  it('MXINT8: X = 1, k = [127, 64, −32, 0, 1]', () => {
    const e = format('mxint8').encode(pad([1.99, 1.0, -0.5, 2 ** -7, 3 * 2 ** -8], 32));
    expect(Array.from(e.scales)).toEqual([127]);
    expect(Array.from(e.codes.slice(0, 5))).toEqual([127, 64, 224, 0, 1]);
  });
  it('NVFP4: tensor amax 12, block [3, −1.4, 0.2, 2.2] → S_enc 224, scale 0x6E, codes 7 D 1 6, [3, −1.5, 0.25, 2]', () => {
    const x = pad([3, -1.4, 0.2, 2.2], 32);
    x[16] = 12; // the tensor amax, in the next block
    const e = format('nvfp4').encode(x);
    expect(e.tensorScale).toBe(Math.fround(1 / 224));
    expect(e.scales[0]).toBe(0x6e);
    expect(Array.from(e.codes.slice(0, 2))).toEqual([0xd7, 0x61]);
    expect(Array.from(format('nvfp4').quantize(x).slice(0, 4))).toEqual([3, -1.5, 0.25, 2]);
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
        f.quantize(x, { out, shape: [n / 96, 96], axis: 0 });
      };
      run();
      const before = runtime().memory.buffer.byteLength;
      for (let r = 0; r < 3; r++) run();
      expect(runtime().memory.buffer.byteLength).toBe(before);
    }
  });
});
