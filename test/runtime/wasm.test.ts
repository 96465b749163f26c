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

  it('pin / unpin: pinned blocks sit below the arena, stay put across scopes, holes are reused, the last block goes back to the arena', () => {
    const rt = runtime();
    const held0 = rt.pinnedBytes(), mark0 = rt.mark();
    const p1 = rt.pin(1000), p2 = rt.pin(64);
    expect(p1).toBeGreaterThan(0);
    expect(p2).toBeGreaterThanOrEqual(p1 + 1000);
    expect(rt.pinnedBytes() - held0).toBe(1024 + 64);
    rt.u8(p1, 1000).fill(7);
    rt.scoped(() => {
      const q = rt.alloc(4096);
      expect(q).toBeGreaterThanOrEqual(p2 + 64); // the arena starts above the pinned blocks
      rt.u8(q, 4096).fill(0xff);
      expect(rt.pin(16)).toBe(-1); // a scope is open and no free block: the caller copies instead
    });
    expect(rt.u8(p1, 1000).every((b) => b === 7)).toBe(true);
    rt.unpin(p1); // a hole below p2: reused by the next pin that fits
    expect(rt.pin(512)).toBe(p1);
    expect(() => rt.unpin(p1 + 8)).toThrow(/not a pinned block/);
    rt.unpin(p2);
    rt.unpin(p1);
    expect(rt.pinnedBytes()).toBe(held0);
    expect(rt.mark()).toBe(mark0);
  });
});
