// ISA choice and cross-build agreement. Runs in both vitest projects (vitest.config.ts): with
// NUMLAB_ISA=wasmsimd the baseline must be chosen; with NUMLAB_ISA=wasmrelaxedsimd (and Node's
// relaxed-SIMD flag) the relaxed build must be chosen, and both builds must give identical bits.
import { describe, expect, it } from 'vitest';
import { availableIsas, runtime, runtimeFor, type Runtime } from '../../src/runtime/wasm.js';
import { buildDescriptor } from '../../src/formats/descriptor.js';
import { MINIFLOATS, P3109_LISTED } from '../../src/formats/registry.js';
import { ROUNDING_CODES, ROUNDING_MODES } from '../../src/formats/rounding.js';
import { minifloatLayout } from '../../src/formats/limits.js';
import { exhaustiveInputs } from '../helpers/inputs.js';

const want = process.env.NUMLAB_ISA;

describe('ISA selection', () => {
  it('chooses the requested build once, at load', () => {
    // unset NUMLAB_ISA: the relaxed build whenever the engine runs it (src/runtime/wasm.ts runtime())
    expect(runtime().isa).toBe(want ?? (availableIsas().includes('wasmrelaxedsimd') ? 'wasmrelaxedsimd' : 'wasmsimd'));
    expect(runtime()).toBe(runtime());
    expect(runtime().exports.isa_relaxed()).toBe(runtime().isa === 'wasmrelaxedsimd' ? 1 : 0);
    expect(availableIsas()).toContain('wasmsimd');
  });
});

function encodeWith(rt: Runtime, d: Int32Array, x: Float32Array, bytes: number, mode: number): Uint8Array {
  return rt.scoped(() => {
    const pd = rt.alloc(d.byteLength);
    rt.i32(pd, d.length).set(d);
    const pin = rt.alloc(x.byteLength);
    rt.f32(pin, x.length).set(x);
    const pout = rt.alloc(x.length * bytes);
    const pq = rt.alloc(x.byteLength);
    rt.exports.cvt_f32_minifloat__wasmsimd(pd, pin, pout, x.length, bytes, mode, 11, 0, 0, 0);
    rt.exports.qdq_f32_minifloat__wasmsimd(pd, pin, pq, x.length, mode, 11, 0, 0);
    const out = new Uint8Array(x.length * bytes + x.byteLength);
    out.set(rt.u8(pout, x.length * bytes));
    out.set(rt.u8(pq, x.byteLength), x.length * bytes);
    return out;
  });
}

describe.runIf(availableIsas().includes('wasmrelaxedsimd'))('relaxed-SIMD build = SIMD build, bit for bit', () => {
  it.each([...MINIFLOATS, ...P3109_LISTED.slice(0, 8)].map((s) => [s.id, s] as const))('%s, every rounding and saturation mode', (_id, s) => {
    const x = exhaustiveInputs(s);
    const bytes = minifloatLayout(s).bits <= 8 ? 1 : 2;
    for (const r of ROUNDING_MODES)
      for (const sat of ['none', 'propagate', 'finite'] as const) {
        const d = buildDescriptor(s, r, sat);
        const a = encodeWith(runtimeFor('wasmsimd'), d, x, bytes, ROUNDING_CODES[r]);
        const b = encodeWith(runtimeFor('wasmrelaxedsimd'), d, x, bytes, ROUNDING_CODES[r]);
        expect(Buffer.compare(a, b)).toBe(0);
      }
  });
});
