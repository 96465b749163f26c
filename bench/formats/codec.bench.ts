/**
 * Rows for the element codecs: encode, decode and quantize of fp8_e4m3fn, fp4_e2m1fn, int8 and int4
 * on N f32 (kernels in place in WASM memory: the figure is kernel throughput; inputs: benchInput), plus the public API
 * on JS arrays (includes the JS↔WASM copies). Adding a family is adding rows here.
 * Bytes counted: f32 input for encode and quantize, f32 output for decode.
 */
import { format } from '../../src/index.js';
import { buildDescriptor } from '../../src/formats/descriptor.js';
import type { MinifloatFormat } from '../../src/formats/minifloat.js';
import type { IntFormat } from '../../src/formats/int.js';
import type { Runtime } from '../../src/runtime/wasm.js';
import type { Row } from '../harness.js';

interface IntKernels {
  cvt_f32_int__wasmsimd(...a: number[]): number;
  cvt_int_f32__wasmsimd(...a: number[]): number;
  qdq_f32_int__wasmsimd(...a: number[]): number;
}

/**
 * Deterministic inputs. `gauss`: N(0,1) samples scaled so the tensor's absmax lands on the format's
 * max (per-tensor absmax scaling, the common way a tensor meets a format). `relu`: the same with the
 * negative half set to 0 (half the elements exact zeros, as after a ReLU).
 */
export function benchInput(n: number, max: number, kind: 'gauss' | 'relu' = 'gauss'): Float32Array {
  const x = new Float32Array(n);
  let s = 0x9e3779b9;
  const r = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0) + 0.5) / 2 ** 32;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const g = Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r());
    x[i] = kind === 'relu' && g < 0 ? 0 : g;
    amax = Math.max(amax, Math.abs(x[i]));
  }
  const k = max / amax;
  for (let i = 0; i < n; i++) x[i] = Math.fround(x[i] * k);
  return x;
}

export function codecRows(rt: Runtime, n: number): { rows: Row[]; copy: { bytes: number; run: () => void } } {
  const pin = rt.alloc(n * 4);
  const pout = rt.alloc(n * 4);
  const pcodes = rt.alloc(n * 2);
  const pdesc = rt.alloc(256);
  const pscale = rt.alloc(4);
  const bytes = n * 4;
  const rows: Row[] = [];
  const ex = rt.exports as unknown as IntKernels;

  for (const [id, kind] of [['fp8_e4m3fn', 'gauss'], ['fp4_e2m1fn', 'gauss'], ['fp8_e4m3fn', 'relu']] as const) {
    const f = format(id) as MinifloatFormat;
    const x = benchInput(n, f.limits.max, kind);
    const fam = kind === 'gauss' ? 'minifloat' : 'minifloat (relu input)';
    const d = buildDescriptor(f.spec, 'rne', 'none');
    const setup = () => {
      rt.f32(pin, n).set(x);
      rt.i32(pdesc, d.length).set(d);
    };
    setup();
    rt.exports.cvt_f32_minifloat__wasmsimd(pdesc, pin, pcodes, n, 1, 0, 0, 0, 0, 0);
    const codes = rt.u8(pcodes, n).slice();
    const setupCodes = () => {
      setup();
      rt.u8(pcodes, n).set(codes);
    };
    rows.push(
      { family: fam, format: id, op: 'encode', unit: 'f32 input', bytes, target: 0.5, setup,
        run: () => { rt.exports.cvt_f32_minifloat__wasmsimd(pdesc, pin, pcodes, n, 1, 0, 0, 0, 0, 0); } },
      { family: fam, format: id, op: 'decode', unit: 'f32 output', bytes, target: 0.7, setup: setupCodes,
        run: () => { rt.exports.cvt_minifloat_f32__wasmsimd(pdesc, pcodes, pout, n, 1); } },
      { family: fam, format: id, op: 'quantize', unit: 'f32 input', bytes, target: 0.5, setup,
        run: () => { rt.exports.qdq_f32_minifloat__wasmsimd(pdesc, pin, pout, n, 0, 0, 0, 0); } },
    );
  }

  for (const id of ['int8', 'int4']) {
    const f = format(id) as IntFormat;
    const { qmin, qmax } = f.limits;
    const x = benchInput(n, 4);
    const scale = Math.fround(4 / qmax); // absmax scaling
    const prep = () => {
      rt.f32(pin, n).set(x);
      rt.f32(pscale, 1)[0] = scale;
    };
    const enc = () => ex.cvt_f32_int__wasmsimd(pin, pcodes, n, 1, qmin, qmax, f.bits, pscale, 0, 0x7fffffff, 0, 0, 0, 0, 0);
    rows.push(
      { family: 'int', format: id, op: 'encode', unit: 'f32 input', bytes, target: 0.5, setup: prep, run: () => { enc(); } },
      { family: 'int', format: id, op: 'decode', unit: 'f32 output', bytes, target: 0.7, setup: () => { prep(); enc(); },
        run: () => { ex.cvt_int_f32__wasmsimd(pcodes, pout, n, 1, f.bits, 1, pscale, 0, 0x7fffffff, 0); } },
      { family: 'int', format: id, op: 'quantize', unit: 'f32 input', bytes, target: 0.5, setup: prep,
        run: () => { ex.qdq_f32_int__wasmsimd(pin, pout, n, qmin, qmax, f.bits, 0, pscale, 0, 0x7fffffff, 0, 0, 0, 0, 0);
        } },
    );
  }

  // the public API on JS arrays (allocates its output, copies chunks in and out of WASM memory)
  for (const id of ['fp8_e4m3fn', 'fp4_e2m1fn', 'int8', 'int4'] as const) {
    const f = format(id);
    const max = f.kind === 'minifloat' ? f.limits.max : 4;
    const x = benchInput(n, max);
    const opts = f.kind === 'minifloat' ? {} : { scale: Math.fround(4 / f.limits.qmax) };
    const codes = f.encode(x, opts);
    const reuse = new Float32Array(n);
    rows.push(
      { family: 'api', format: id, op: 'encode', unit: 'f32 input', bytes, target: null, run: () => { f.encode(x, opts); } },
      { family: 'api', format: id, op: 'decode', unit: 'f32 output', bytes, target: null,
        run: () => { (f.decode as (c: Uint8Array, o?: object) => Float32Array)(codes as Uint8Array, f.kind === 'minifloat' ? undefined : { scale: opts.scale }); } },
      { family: 'api', format: id, op: 'quantize', unit: 'f32 input', bytes, target: null, run: () => { f.quantize(x, opts); } },
      { family: 'api (out=)', format: id, op: 'quantize', unit: 'f32 input', bytes, target: null, run: () => { f.quantize(x, { ...opts, out: reuse }); } },
    );
  }

  return { rows, copy: { bytes, run: () => rt.exports.copy_bytes(pout, pin, bytes) } };
}
