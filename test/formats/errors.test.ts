// Every bad input to the minifloat codecs raises a NumlabError with a stable .code whose message names the
// offending value (src/errors.ts contract): unknown formats, bad options, wrong array types, codes that do
// not fit the format.
import { describe, expect, it } from 'vitest';
import { format, NumlabError } from '../../src/index.js';
import type { NumlabErrorCode } from '../../src/errors.js';
import type { MinifloatFormat } from '../../src/formats/minifloat.js';

const mf = (name: string) => format(name) as MinifloatFormat;
const x2 = () => Float32Array.of(1, 2);

/** Runs f, expects a NumlabError with `code` whose message contains every string in `mentions`. */
function expectNumlabError(f: () => unknown, code: NumlabErrorCode, ...mentions: string[]): NumlabError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a NumlabError to be thrown').toBeInstanceOf(NumlabError);
  expect(err).toBeInstanceOf(Error);
  const e = err as NumlabError;
  expect(e.name).toBe('NumlabError');
  expect(e.code).toBe(code);
  for (const m of mentions) expect(e.message).toContain(m);
  return e;
}

describe('unknown format', () => {
  it('format("fp7_e3m3") → UNKNOWN_FORMAT naming the name', () => {
    const e = expectNumlabError(() => format('fp7_e3m3'), 'UNKNOWN_FORMAT', '"fp7_e3m3"');
    expect(e.value).toBe('fp7_e3m3');
  });
  it('format("binary8p9se") → BAD_FORMAT_PARAMS naming the name and P', () => {
    expectNumlabError(() => format('binary8p9se'), 'BAD_FORMAT_PARAMS', '"binary8p9se"', 'P=9');
  });
});

describe('options', () => {
  const f = () => mf('fp8_e4m3fn');
  const calls = {
    encode: (o: unknown) => f().encode(x2(), o as never),
    quantize: (o: unknown) => f().quantize(x2(), o as never),
  };
  for (const [op, call] of Object.entries(calls)) {
    describe(op, () => {
      it('bad rounding string → BAD_OPTION naming it', () => {
        const e = expectNumlabError(() => call({ rounding: 'nearest' }), 'BAD_OPTION', '"nearest"');
        expect(e.value).toBe('nearest');
        expectNumlabError(() => call({ rounding: 'RNE' }), 'BAD_OPTION', '"RNE"');
        expectNumlabError(() => call({ rounding: 3 }), 'BAD_OPTION', '3');
      });
      it("saturate: 'yes' / 1 → BAD_OPTION naming it", () => {
        const e = expectNumlabError(() => call({ saturate: 'yes' }), 'BAD_OPTION', '"yes"');
        expect(e.value).toBe('yes');
        expectNumlabError(() => call({ saturate: 1 }), 'BAD_OPTION', 'saturate', '1');
      });
      it('seed −1 / 1.5 / "7" / 2^53 → BAD_OPTION naming it', () => {
        expect(expectNumlabError(() => call({ seed: -1, rounding: 'stochastic' }), 'BAD_OPTION', 'seed', '-1').value).toBe(-1);
        expect(expectNumlabError(() => call({ seed: 1.5 }), 'BAD_OPTION', 'seed', '1.5').value).toBe(1.5);
        expectNumlabError(() => call({ seed: '7' }), 'BAD_OPTION', 'seed', '"7"');
        expectNumlabError(() => call({ seed: 2 ** 53 }), 'BAD_OPTION', 'seed', String(2 ** 53));
      });
      it('scale 0 / −0 / NaN / Infinity / "2" → BAD_SCALE naming it', () => {
        expect(expectNumlabError(() => call({ scale: 0 }), 'BAD_SCALE', 'scale', '0').value).toBe(0);
        expectNumlabError(() => call({ scale: -0 }), 'BAD_SCALE', '-0');
        expect(Number.isNaN(expectNumlabError(() => call({ scale: NaN }), 'BAD_SCALE', 'NaN').value)).toBe(true);
        expectNumlabError(() => call({ scale: Infinity }), 'BAD_SCALE', 'Infinity');
        expectNumlabError(() => call({ scale: -Infinity }), 'BAD_SCALE', '-Infinity');
        expectNumlabError(() => call({ scale: '2' }), 'BAD_SCALE', '"2"');
      });
      it('scale 0.1 (not exactly a float32) → BAD_SCALE naming it; Math.fround(0.1) is accepted', () => {
        expectNumlabError(() => call({ scale: 0.1 }), 'BAD_SCALE', '0.1', 'float32');
        expect(() => call({ scale: Math.fround(0.1) })).not.toThrow();
      });
      it('unknown option key, or options that are not an object → BAD_OPTION', () => {
        expectNumlabError(() => call({ round: 'rne' }), 'BAD_OPTION', '"round"');
        expectNumlabError(() => call('rne'), 'BAD_OPTION', '"rne"');
        expectNumlabError(() => call(null), 'BAD_OPTION', 'null');
      });
    });
  }

  it('decode validates its scale option too', () => {
    expectNumlabError(() => mf('fp8_e4m3fn').decode(new Uint8Array(2), { scale: 0 }), 'BAD_SCALE', '0');
    expectNumlabError(() => mf('fp8_e4m3fn').decode(new Uint8Array(2), { scale: 0.1 }), 'BAD_SCALE', '0.1');
  });
});

describe('input arrays', () => {
  it.each(['encode', 'quantize'] as const)('%s of a plain array / Float64Array / Int32Array / undefined → BAD_TYPE naming it', (op) => {
    const f = mf('fp8_e4m3fn');
    const call = (x: unknown) => f[op](x as Float32Array);
    expect(expectNumlabError(() => call([1, 2]), 'BAD_TYPE', 'Float32Array', '[1,2]').value).toEqual([1, 2]);
    expectNumlabError(() => call(new Float64Array(3)), 'BAD_TYPE', 'Float64Array(3)');
    expectNumlabError(() => call(new Int32Array(2)), 'BAD_TYPE', 'Int32Array(2)');
    expectNumlabError(() => call(undefined), 'BAD_TYPE', 'undefined');
  });

  it('decode of an 8-bit format with Uint16Array / Int8Array / plain array → BAD_TYPE naming the format and the array', () => {
    const f = mf('fp8_e4m3fn');
    expectNumlabError(() => f.decode(new Uint16Array(2) as never), 'BAD_TYPE', 'fp8_e4m3fn', 'Uint8Array', 'Uint16Array(2)');
    expectNumlabError(() => f.decode(new Int8Array(2) as never), 'BAD_TYPE', 'Int8Array(2)');
    expectNumlabError(() => f.decode([1] as never), 'BAD_TYPE', '[1]');
  });

  it('decode of a 4- or 6-bit format takes Uint8Array only', () => {
    expectNumlabError(() => mf('fp4_e2m1fn').decode(new Uint16Array(1) as never), 'BAD_TYPE', 'Uint16Array(1)');
    expectNumlabError(() => mf('fp6_e3m2fn').decode(new Uint16Array(1) as never), 'BAD_TYPE', 'Uint16Array(1)');
  });

  it('decode of fp16 / bf16 with Uint8Array → BAD_TYPE naming Uint16Array', () => {
    expectNumlabError(() => mf('fp16').decode(new Uint8Array(2)), 'BAD_TYPE', 'fp16', 'Uint16Array', 'Uint8Array(2)');
    expectNumlabError(() => mf('bf16').decode(new Uint8Array(2)), 'BAD_TYPE', 'bf16', 'Uint8Array(2)');
  });
});

describe('codes out of range', () => {
  it('fp4_e2m1fn code 16 → BAD_CODE naming the code and its index', () => {
    const e = expectNumlabError(() => mf('fp4_e2m1fn').decode(Uint8Array.of(0, 16)), 'BAD_CODE', '16', 'index 1', 'fp4_e2m1fn');
    expect(e.value).toBe(16);
  });
  it('fp6_e2m3fn code 64, ue4m3 (7 bits) code 0x80, binary4p2sf code 0x10 → BAD_CODE', () => {
    expectNumlabError(() => mf('fp6_e2m3fn').decode(Uint8Array.of(1, 2, 3, 64)), 'BAD_CODE', '64', 'index 3');
    expectNumlabError(() => mf('ue4m3').decode(Uint8Array.of(0x80)), 'BAD_CODE', '128', 'ue4m3');
    expectNumlabError(() => mf('binary4p2sf').decode(Uint8Array.of(0x10)), 'BAD_CODE', '16');
  });
  it('a 12-bit format (binary12p7se) rejects code 0x1000', () => {
    expectNumlabError(() => mf('binary12p7se').decode(Uint16Array.of(0xfff, 0x1000)), 'BAD_CODE', '4096', 'index 1');
  });
  it('the bad code is found past the first 65536-element chunk, with its global index', () => {
    const c = new Uint8Array(70001);
    c[70000] = 255;
    expectNumlabError(() => mf('fp4_e2m1fn').decode(c), 'BAD_CODE', '255', 'index 70000');
  });
  it('every code of a full-width format is valid (no BAD_CODE): e8m0fnu 0..255, fp16 0..65535', () => {
    expect(() => mf('e8m0fnu').decode(Uint8Array.from({ length: 256 }, (_, i) => i))).not.toThrow();
    expect(() => mf('fp16').decode(Uint16Array.from({ length: 65536 }, (_, i) => i))).not.toThrow();
  });
});
