/**
 * Rows for the block formats (issue 3): encode+pack and unpack+decode of mxfp8_e4m3, mxfp4, mxint8,
 * nvfp4 and bfp12 on N f32, kernels in WASM memory, chunk by chunk as the codec runs them (encode:
 * block kernel into a cache-resident code buffer, then the pack kernel into the packed output; NV rows
 * include the tensor-amax pass; decode: unpack kernel, then the table-decode kernel). Plus the public
 * API on JS arrays (JS↔WASM copies included; a fresh 64 MiB output costs its first-touch page faults, so decode is
 * also measured into a reused `out`). Bytes counted: f32 input (encode), f32 output (decode).
 */
import { format, type BlockFormatId } from '../../src/formats/format.js';
import { blockPlan } from '../../src/formats/block-layout.js';
import { CHUNK, type Runtime } from '../../src/runtime/wasm.js';
import type { Row } from '../harness.js';
import { benchInput } from './codec.bench.js';

interface Kernels {
  cvt_f32_block__wasmsimd(bd: number, desc: number, src: number, amax: number, dst: number, scales: number, nBlocks: number, mode: number, op: number): number;
  cvt_block_f32__wasmsimd(bd: number, desc: number, lut: number, src: number, scales: number, dst: number, nBlocks: number): void;
  amax_blocks_f32__wasmsimd(src: number, nBlocks: number, kp: number, dst: number): number;
  pack_u8_stream__wasmsimd(src: number, dst: number, n: number, b: number): number;
  unpack_u8_stream__wasmsimd(src: number, dst: number, n: number, b: number): void;
}

export const BLOCK_BENCH_IDS: readonly BlockFormatId[] = ['mxfp8_e4m3', 'mxfp4', 'mxint8', 'nvfp4', 'bfp12'];

export function blockRows(rt: Runtime, n: number): Row[] {
  const k = rt.exports as unknown as Kernels;
  const pin = rt.alloc(n * 4);
  const pout = rt.alloc(n * 4);
  const ppacked = rt.alloc(n);
  const pscales = rt.alloc(n / 16 + 64);
  const pamax = rt.alloc(n / 4 + 64); // NV block maxima, u32 per block of 16
  const cbuf = rt.alloc(CHUNK);
  const plut = rt.alloc(1024);
  const pdesc = rt.alloc(256);
  const rows: Row[] = [];
  const x = benchInput(n, 1);
  for (const id of BLOCK_BENCH_IDS) {
    const f = format(id);
    const p = blockPlan(f.spec, n);
    const bits = f.bits;
    const G = Math.floor(CHUNK / p.k); // blocks per chunk (every bench row: k | CHUNK, 16 | k)
    const m = G * p.k;
    const nv = f.spec.scale === 'ue4m3';
    let ptrs: { bd: number; desc: number } = { bd: 0, desc: 0 };
    const setup = () => {
      rt.f32(pin, n).set(x);
      // descriptors into the runtime's slot, then copied to this bench's own slot (other rows reuse the runtime slot)
      const enc = { format: id, shape: [n], axis: 0, codes: new Uint8Array(0), scales: new Uint8Array(0) } as { tensorScale?: number } & Parameters<typeof f.decode>[0];
      const bd = f.blockDescriptor(rt, x, p, f.spec.scaleRule, enc, bits === 4);
      const desc = f.elementDescriptor(rt);
      rt.i32(pdesc, 64).set(rt.i32(rt.descSlot, 64));
      ptrs = { bd: pdesc + (bd - rt.descSlot), desc: desc === 0 ? 0 : pdesc };
      rt.f32(plut, f.lut.length).set(f.lut);
    };
    const encode = () => {
      // NV: the first pass (block maxima and the tensor amax, which the codec turns into the tensor scale)
      if (nv) for (let b0 = 0, off = 0; off < n; b0 += G, off += m) k.amax_blocks_f32__wasmsimd(pin + off * 4, G, p.k, pamax + b0 * 4);
      for (let b0 = 0, off = 0; off < n; b0 += G, off += m) {
        // 8-bit codes and packed 4-bit pairs go straight to the output; 6-bit codes through the pack kernel
        const direct = bits === 8 || bits === 4;
        const packed = k.cvt_f32_block__wasmsimd(ptrs.bd, ptrs.desc, pin + off * 4, nv ? pamax + b0 * 4 : 0, direct ? ppacked + (off * bits) / 8 : cbuf, pscales + b0, G, 0, 0);
        if (bits === 4 && !packed) throw new Error(`bench: ${id} encode did not pack`);
        if (!direct) k.pack_u8_stream__wasmsimd(cbuf, ppacked + (off * bits) / 8, m, bits);
      }
    };
    const decode = () => {
      for (let b0 = 0, off = 0; off < n; b0 += G, off += m) {
        let c = ppacked + (off * bits) / 8; // 8-bit codes and packed 4-bit pairs are read in place
        if (bits !== 8 && !(bits === 4 && f.decodeVariant <= 1)) {
          k.unpack_u8_stream__wasmsimd(c, cbuf, m, bits);
          c = cbuf;
        }
        k.cvt_block_f32__wasmsimd(ptrs.bd, ptrs.desc, plut, c, pscales + b0, pout + off * 4, G);
      }
    };
    if (n % m !== 0) throw new Error(`bench: N = ${n} must be a multiple of ${m}`);
    rows.push({ family: 'block', format: id, op: 'encode+pack', unit: 'f32 input', bytes: n * 4, target: 0.35, setup, run: encode });
    rows.push({ family: 'block', format: id, op: 'unpack+decode', unit: 'f32 output', bytes: n * 4, target: 0.6, setup: () => { setup(); encode(); }, run: decode });
  }
  // the public API on JS arrays
  for (const id of ['mxfp4', 'nvfp4'] as const) {
    const f = format(id);
    let enc = f.encode(x);
    rows.push({ family: 'block (API)', format: id, op: 'encode', unit: 'f32 input', bytes: n * 4, target: null, run: () => { enc = f.encode(x); } });
    rows.push({ family: 'block (API)', format: id, op: 'decode', unit: 'f32 output', bytes: n * 4, target: null, run: () => f.decode(enc) });
    const out = new Float32Array(n);
    rows.push({ family: 'block (API, out=)', format: id, op: 'decode', unit: 'f32 output', bytes: n * 4, target: null, run: () => f.decode(enc, { out }) });
  }
  return rows;
}
