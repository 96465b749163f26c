// The registry rows, the block rows and every codec's limits are shared by all callers, so they are
// deep-frozen (issue 9): a mutation throws in strict mode, does nothing in sloppy mode, and never
// changes a later result.
import { describe, expect, it } from 'vitest';
import { BLOCK_FORMATS, format, parseFormatName, REGISTRY } from '../../src/index.js';
import { deepFreeze } from '../../src/formats/registry.js';

/** Runs `body` as sloppy-mode code (a Function body without 'use strict'), with `t` bound to target. */
const sloppy = (body: string, t: unknown): unknown => new Function('t', body)(t);

/** Every object reachable from o (typed arrays excepted) is frozen. */
function deepFrozen(o: unknown, path = 'root'): string[] {
  if (o === null || typeof o !== 'object' || ArrayBuffer.isView(o)) return [];
  const bad = Object.isFrozen(o) ? [] : [path];
  return [...bad, ...Object.entries(o).flatMap(([k, v]) => deepFrozen(v, `${path}.${k}`))];
}

const x = Float32Array.of(1, 3.3, 448, 500, -0.1);
const snapshot = () => ({
  e4m3: Array.from(format('fp8_e4m3fn').encode(x)),
  int4: Array.from(format('int4').quantize(x, { scale: 0.5 })),
  mx: Array.from(format('mxfp4').quantize(new Float32Array(32).fill(5))),
  limits: { ...format('fp8_e4m3fn').limits },
});

describe('deep-frozen tables', () => {
  it('REGISTRY, BLOCK_FORMATS (scale objects included), parsed rows and codec limits are deep-frozen', () => {
    expect(deepFrozen(REGISTRY)).toEqual([]);
    expect(deepFrozen(BLOCK_FORMATS)).toEqual([]);
    expect(deepFrozen(parseFormatName('fp_e3m3'))).toEqual([]);
    expect(deepFrozen(parseFormatName('binary11p4se'))).toEqual([]);
    for (const id of ['fp8_e4m3fn', 'int4', 'uint8', 'bipolar3', 'fp_e5m4fn']) {
      const f = format(id) as { limits: object; spec: object };
      expect(deepFrozen(f.limits)).toEqual([]);
      expect(deepFrozen(f.spec)).toEqual([]);
    }
    expect(deepFrozen(format('msfp12').spec)).toEqual([]);
    expect(deepFrozen(format('msfp12').element)).toEqual([]);
  });

  it('strict mode: mutations throw TypeError, and later results are unchanged', () => {
    const before = snapshot();
    const e4m3 = REGISTRY.find((r) => r.id === 'fp8_e4m3fn') as { bias: number };
    expect(() => { e4m3.bias = 1; }).toThrow(TypeError);
    expect(() => { (REGISTRY as unknown as unknown[]).push({}); }).toThrow(TypeError);
    expect(() => { (REGISTRY as unknown as unknown[])[0] = {}; }).toThrow(TypeError);
    expect(() => { (BLOCK_FORMATS[0] as { blockSize: number }).blockSize = 2; }).toThrow(TypeError);
    expect(() => { ((BLOCK_FORMATS.find((b) => b.id === 'msfp12') as { scale: { expBits: number } }).scale).expBits = 3; }).toThrow(TypeError);
    expect(() => { (BLOCK_FORMATS as unknown as unknown[]).length = 0; }).toThrow(TypeError);
    const lim = format('fp8_e4m3fn').limits as { max: number };
    expect(() => { lim.max = 1; }).toThrow(TypeError);
    expect(() => { (format('fp8_e4m3fn') as { limits: unknown }).limits = { max: 1 }; }).toThrow(TypeError);
    expect(() => { (format('int4').limits as { qmax: number }).qmax = 100; }).toThrow(TypeError);
    expect(() => { (format('int4') as unknown as { intRange: { qmax: number } }).intRange.qmax = 100; }).toThrow(TypeError);
    expect(snapshot()).toEqual(before);
  });

  it('sloppy mode: the same mutations do nothing, silently, and later results are unchanged', () => {
    const before = snapshot();
    expect(sloppy("var r = t.find(function (r) { return r.id === 'fp8_e4m3fn'; }); r.bias = 1; r.manBits = 0; t[0] = null; return r.bias;", REGISTRY)).toBe(7);
    expect(sloppy("t[0].blockSize = 2; t[0].element = 'fp8_e4m3fn'; t.length = 0; return t.length;", BLOCK_FORMATS)).toBe(BLOCK_FORMATS.length);
    expect(sloppy('t.limits.max = 1; t.limits = null; return t.limits.max;', format('fp8_e4m3fn'))).toBe(448);
    expect(sloppy('t.limits.qmax = 100; t.spec.bits = 8; return t.limits.qmax;', format('int4'))).toBe(7);
    expect(BLOCK_FORMATS[0].blockSize).toBe(32);
    expect(snapshot()).toEqual(before);
  });

  it('deepFreeze freezes nested objects and leaves typed arrays alone', () => {
    const o = deepFreeze({ a: { b: [1, { c: 2 }] }, t: new Float32Array(2) });
    expect(deepFrozen(o)).toEqual([]);
    expect(Object.isFrozen(o.t)).toBe(false);
  });
});
