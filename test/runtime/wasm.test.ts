// The runtime contract: numbers-only exports, bounded memory under repeated and large calls,
// typed errors past WASM memory.
import { describe, expect, it } from 'vitest';
import { format } from '../../src/index.js';
import { CHUNK, runtime } from '../../src/runtime/wasm.js';
import { SIMD_WASM_BASE64 } from '../../src/runtime/wasm-binary.generated.js';
import { thrown } from '../helpers/errors.js';

describe('WASM runtime', () => {
  it('exports only functions and the memory (no array-copying glue)', () => {
    const bytes = Uint8Array.from(atob(SIMD_WASM_BASE64), (c) => c.charCodeAt(0));
    const exps = WebAssembly.Module.exports(new WebAssembly.Module(bytes));
    expect(exps.filter((e) => e.kind === 'memory').map((e) => e.name)).toEqual(['memory']);
    expect(exps.filter((e) => e.kind !== 'function' && e.kind !== 'memory')).toEqual([]);
    expect(exps.some((e) => /lift|lower|__new|__pin/.test(e.name))).toBe(false);
  });

  it('repeated calls on inputs far larger than a chunk do not grow memory', () => {
    const n = CHUNK * 5 + 3;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.fround(Math.sin(i) * 100);
    const once = () => {
      const f8 = format('fp8_e4m3fn');
      f8.decode(f8.encode(x));
      f8.quantize(x, { rounding: 'stochastic', seed: 1 });
      format('int4').quantize(x, { scale: 8 });
      format('int4').decodeScaled(format('int4').encodeScaled(x, { shape: [n], groupSize: 1 }));
    };
    once();
    const size = runtime().memory.buffer.byteLength;
    const mark = runtime().mark();
    for (let r = 0; r < 3; r++) once();
    expect(runtime().memory.buffer.byteLength).toBe(size);
    expect(runtime().mark()).toBe(mark);
  });

  it('a request past the 4 GiB of WASM memory is a typed error naming the size', () => {
    const e = thrown(() => runtime().alloc(5 * 2 ** 30));
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(e.message).toContain(String(5 * 2 ** 30));
    // the arena is left usable
    expect(Array.from(format('fp4_e2m1fn').encode(new Float32Array([1, 2, 3])))).toEqual([2, 4, 5]);
  });
});
