// GPTQ with the method formats of `numlab compare` (spec ptq.md §1.8, §3, formats.md §6): the result's
// encoding decodes (bitmodDecode / nupesDecode) to `weight` bit for bit, H = I is the method's own RTN
// (bitmod(), nupesSearch) exactly, the loss identity holds, GPTQ beats RTN on layers with outlier
// channels, and what does not apply is a typed error.
import { describe, expect, it } from 'vitest';
import { bitmod, bitmodDecode, gptq, nupesDecode, nupesSearch, olive, oliveDecode, type BitmodEncoding, type NupesEncoding, type OliveEncoding } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { halfQuadratic, hessianOf, randMatrix } from '../helpers/ptq.js';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** A seeded layer [rows, cols] with outlier input channels (×8 in W's columns and in X). */
function layer(seed: number, rows: number, cols: number) {
  const out = (j: number) => (j % 37 === 5 ? 8 : 1);
  const W = Float32Array.from(randMatrix(rows * cols, seed), (v, i) => v * out(i % cols));
  const tokens = 2 * cols;
  const X = Float64Array.from(randMatrix(tokens * cols, seed + 1), (v, i) => v * out(i % cols));
  const h = hessianOf(X, tokens, cols, 32);
  return { W, h, H: Float64Array.from(h.H) };
}

/** H with the dead fix and damping (percdamp 0.01), as GPTQ factors it. */
function damped(H: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(H);
  let s = 0;
  for (let j = 0; j < n; j++) s += a[j * n + j];
  for (let j = 0; j < n; j++) a[j * n + j] += 0.01 * (s / n);
  return a;
}

/** Loss identity up to the fast mode's f32 lazy updates: relative 1e-6. */
function expectLossIdentity(loss: number, W: Float32Array, q: Float32Array, A: Float64Array, r: number, c: number): void {
  const ref = halfQuadratic(W, q, A, r, c);
  expect(Math.abs(loss - ref)).toBeLessThanOrEqual(1e-6 * ref);
}

const identity = (n: number) => new Float64Array(n * n).map((_, k) => (k % (n + 1) === 0 ? 1 : 0));
const rows = 12;
const cols = 128;
const L = layer(21, rows, cols);

describe('gptq with bitmod3 / bitmod4', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['bitmod4', {}],
    ['bitmod4', { groupSize: 32 }],
    ['bitmod3', { groupSize: 32, staticGroups: true }],
    ['bitmod3', { groupSize: 32, staticGroups: true, actOrder: true }],
    ['bitmod4', { groupSize: 64, freshGroups: true, blockSize: 64 }],
    ['bitmod4', { groupSize: -1, actOrder: true }],
    ['bitmod3', { groupSize: 16, precision: 'float64' }],
  ];
  it.each(cases)('%s %j: bitmodDecode(encoding) is weight, codes and loss identity', (id, o) => {
    const r = gptq(L.W, L.h, { shape: [rows, cols], format: id, ...o });
    const enc = r.encoding as BitmodEncoding;
    const G = o.groupSize === undefined ? 128 : o.groupSize === -1 ? cols : (o.groupSize as number);
    expect(enc.groupSize).toBe(G);
    expect(enc.types.length).toBe((rows * cols) / G);
    expect(bits(bitmodDecode(enc))).toEqual(bits(r.weight));
    expect(bits(enc.weight)).toEqual(bits(r.weight));
    expectLossIdentity(r.loss, L.W, r.weight, damped(L.H, cols), rows, cols);
  });

  it.each([['bitmod4', 128], ['bitmod4', 32], ['bitmod3', 16], ['bitmod3', -1]] as [string, number][])('%s g%d, H = I: exactly bitmod() (same group types, scales, codes)', (id, g) => {
    const r = gptq(L.W, identity(cols), { shape: [rows, cols], format: id, groupSize: g });
    const ref = bitmod(L.W, { shape: [rows, cols], bits: id === 'bitmod3' ? 3 : 4, groupSize: g });
    const enc = r.encoding as BitmodEncoding;
    expect(bits(r.weight)).toEqual(bits(ref.weight));
    expect(enc.types).toEqual(ref.types);
    expect(enc.scales).toEqual(ref.scales);
    expect(enc.codes).toEqual(ref.codes);
  });
});

describe('gptq with nupes<b>', () => {
  it.each([[3, -1], [4, -1], [8, -1], [4, 32], [3, 64]])('nupes%d groupSize %d: nupesDecode(encoding) is weight; H = I is nupesSearch exactly; loss identity', (b, g) => {
    const r = gptq(L.W, L.h, { shape: [rows, cols], format: `nupes${b}`, blockSize: 32, groupSize: g });
    const enc = r.encoding as NupesEncoding;
    expect(bits(nupesDecode(enc))).toEqual(bits(r.weight));
    expect(enc.a.length).toBe(g === -1 ? rows : (rows * cols) / g);
    expectLossIdentity(r.loss, L.W, r.weight, damped(L.H, cols), rows, cols);
    const rtn = gptq(L.W, identity(cols), { shape: [rows, cols], format: `nupes${b}`, groupSize: g });
    const ref = g === -1
      ? nupesSearch(L.W, { bits: b, shape: [rows, cols], axis: 0, granularity: 'channel' })
      : nupesSearch(L.W, { bits: b, shape: [rows, cols], axis: 1, granularity: 'group', groupSize: g });
    expect(bits(rtn.weight)).toEqual(bits(ref.weight));
    expect((rtn.encoding as NupesEncoding).a).toEqual(ref.a);
    expect(rtn.codes).toEqual(ref.codes);
  });
});

describe('gptq with olive4 / olive8', () => {
  it.each([
    ['olive4', {}], ['olive4', { blockSize: 32 }], ['olive8', {}], ['olive4', { precision: 'float64', blockSize: 16 }],
  ] as [string, Record<string, unknown>][])('%s %j: oliveDecode(encoding) is weight; pairs keep the OVP rule; loss identity', (id, o) => {
    const r = gptq(L.W, L.h, { shape: [rows, cols], format: id, ...o });
    const enc = r.encoding as OliveEncoding;
    expect(bits(oliveDecode(enc))).toEqual(bits(r.weight));
    expectLossIdentity(r.loss, L.W, r.weight, damped(L.H, cols), rows, cols);
    // the static fit: olive()'s type and row scales on the original W
    const ref = olive(L.W, { shape: [rows, cols], granularity: 'channel', bits: id === 'olive8' ? 8 : 4 });
    expect(enc.type).toBe(ref.type);
    expect(enc.scales).toEqual(ref.scales);
  });

  it.each(['olive4', 'olive8'])('%s, H = I: exactly olive() per channel (codes, escapes, weight)', (id) => {
    const r = gptq(L.W, identity(cols), { shape: [rows, cols], format: id });
    const ref = olive(L.W, { shape: [rows, cols], granularity: 'channel', bits: id === 'olive8' ? 8 : 4 });
    const enc = r.encoding as OliveEncoding;
    expect(ref.outlierPairs).toBeGreaterThan(0);
    expect(bits(r.weight)).toEqual(bits(ref.weight));
    expect(enc.codes).toEqual(ref.codes);
    expect(enc.escapes).toEqual(ref.escapes);
  });

  it('unsigned grid (W ≥ 0): escapes decode; the result is not the RTN one', () => {
    const W = L.W.map(Math.abs);
    const r = gptq(W, L.h, { shape: [rows, cols], format: 'olive4' });
    const enc = r.encoding as OliveEncoding;
    expect(enc.signed).toBe(false);
    expect(bits(oliveDecode(enc))).toEqual(bits(r.weight));
    expect(bits(r.weight)).not.toEqual(bits(olive(W, { shape: [rows, cols], granularity: 'channel' }).weight));
  });
});

describe('gptq with method formats: the GPTQ loss is below the method\'s RTN loss', () => {
  // RTN = the same quantizer without error feedback (H = I), measured on the layer's damped H.
  const formats: [string, Record<string, unknown>][] = [
    ['bitmod4', {}], ['bitmod3', { groupSize: 32 }], ['bitmod4', { groupSize: 32, staticGroups: true, actOrder: true }],
    ['nupes4', {}], ['nupes3', { actOrder: true }], ['nupes4', { groupSize: 32, staticGroups: true }], ['olive4', {}], ['olive8', { blockSize: 32 }],
  ];
  for (const seed of [3, 7, 19]) {
    it.each(formats)(`seed ${seed}: %s %j`, (id, o) => {
      const { W, h, H } = layer(seed, 16, 128);
      const A = damped(H, 128);
      const g = gptq(W, h, { shape: [16, 128], format: id, ...o });
      const n = gptq(W, identity(128), { shape: [16, 128], format: id, ...o });
      const rtnLoss = halfQuadratic(W, n.weight, A, 16, 128);
      expectLossIdentity(g.loss, W, g.weight, A, 16, 128);
      expect(g.loss).toBeLessThan(rtnLoss);
    });
  }
});

describe('gptq with method formats: bad input is a typed error naming the value', () => {
  const W = new Float32Array(4 * 64).map((_, i) => Math.sin(i));
  const I = identity(64);
  it.each([
    ['bitmod5', {}, 'BAD_OPTION', 'bitmod5'],
    ['nupes1', {}, 'BAD_OPTION', 'nupes1'],
    ['nupes17', {}, 'BAD_OPTION', 'nupes17'],
    ['olive4', { actOrder: true }, 'BAD_OPTION', 'actOrder'],
    ['olive4', { blockSize: 7 }, 'BAD_OPTION', '7'],
    ['olive8', { groupSize: 32 }, 'BAD_OPTION', '32'],
    ['olive2', {}, 'BAD_OPTION', 'olive2'],
    ['nupes4', { groupSize: 32, actOrder: true }, 'BAD_OPTION', 'nupes4'],
    ['bitmod4', {}, 'BAD_OPTION', '128'],
    ['bitmod4', { groupSize: 32, actOrder: true }, 'BAD_OPTION', 'bitmod4'],
  ] as [string, Record<string, unknown>, string, string][])('%s %j → %s', (id, o, code, names) => {
    const e = thrown(() => gptq(W, I, { shape: [4, 64], format: id, ...o }));
    expect(e.code).toBe(code);
    expect(e.message).toContain(names);
  });

  it('olive with an odd number of cols (a pair would straddle rows) is BAD_SHAPE naming cols', () => {
    const e = thrown(() => gptq(new Float32Array(4 * 63).fill(1), identity(63), { shape: [4, 63], format: 'olive4' }));
    expect(e.code).toBe('BAD_SHAPE');
    expect(e.message).toContain('63');
  });
});
