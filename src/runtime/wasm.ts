/**
 * The WASM runtime: picks the ISA once at load (WebAssembly.validate), instantiates synchronously
 * from the embedded binary (no file or network I/O, same code in Node and browsers), and owns a
 * bump arena in WASM memory. Kernels receive only pointers and numbers; JS copies data in and
 * out through views made fresh from memory.buffer (so growth never leaves a stale view).
 */
import { fail } from '../errors.js';
import { RELAXED_WASM_BASE64, SIMD_WASM_BASE64 } from './wasm-binary.generated.js';

export type Isa = 'wasmsimd' | 'wasmrelaxedsimd';

export interface KernelExports {
  memory: WebAssembly.Memory;
  heap_base(): number;
  copy_bytes(dst: number, src: number, n: number): void;
  cvt_f32_minifloat__wasmsimd(desc: number, src: number, dst: number, n: number, outBytes: number, mode: number, seedA: number, seedB: number, idxBase: number, idxs: number): number;
  qdq_f32_minifloat__wasmsimd(desc: number, src: number, dst: number, n: number, mode: number, seedA: number, seedB: number, idxBase: number): number;
  cvt_minifloat_f32__wasmsimd(desc: number, src: number, dst: number, n: number, inBytes: number): number;
  isa_relaxed(): number;
  div_f32_scalar__wasmsimd(src: number, dst: number, n: number, s: number): void;
  mul_f32_scalar__wasmsimd(src: number, dst: number, n: number, s: number): void;
  [name: string]: unknown;
}

function bytesOf(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const WASM_PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: the wasm32 limit

export class Runtime {
  readonly isa: Isa;
  readonly exports: KernelExports;
  /** Start of the arena: above the descriptor slot and the pinned blocks. */
  private base: number;
  private top: number;
  /** Pinned blocks (pin / unpin), in address order, between the descriptor slot and the arena. */
  private readonly pinned: { ptr: number; bytes: number; free: boolean }[] = [];
  /** A fixed 256-byte slot for per-call descriptors, so calls never grow the arena. */
  readonly descSlot: number;

  constructor(isa: Isa, bytes: Uint8Array<ArrayBuffer>) {
    this.isa = isa;
    const mod = new WebAssembly.Module(bytes);
    this.exports = new WebAssembly.Instance(mod, { env: { abort: wasmAbort } }).exports as unknown as KernelExports;
    this.descSlot = align(this.exports.heap_base(), 64);
    this.base = this.descSlot + 256;
    this.top = this.base;
  }

  get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }

  /** Current arena position, for mark/release. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Reserve `bytes` (64-byte aligned), growing memory if needed; OUT_OF_MEMORY past 4 GiB. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = align(ptr + bytes, 64);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / WASM_PAGE);
      const cur = have / WASM_PAGE;
      if (cur + pages > MAX_PAGES)
        fail('OUT_OF_MEMORY', `${bytes} bytes requested: past the 4 GiB of WASM memory (arena at ${ptr})`, bytes);
      try {
        this.memory.grow(pages);
      } catch (e) {
        fail('OUT_OF_MEMORY', `WASM memory could not grow by ${pages} pages for ${bytes} bytes: ${(e as Error).message}`, bytes);
      }
    }
    this.top = end;
    return ptr;
  }

  /**
   * Reserve `bytes` (64-byte aligned) that stay put across calls until unpin(ptr): a free pinned block
   * large enough (first fit), else a new block at the arena's base, which needs an empty arena (no scope
   * open). -1 when neither is possible (the caller copies per call instead); OUT_OF_MEMORY past 4 GiB.
   * Memory growth never moves a block (WASM memory grows in place; views are made fresh per use).
   */
  pin(bytes: number): number {
    const size = align(Math.max(bytes, 1), 64);
    this.trimPinned();
    const hole = this.pinned.find((b) => b.free && b.bytes >= size);
    if (hole) {
      hole.free = false;
      return hole.ptr;
    }
    if (this.top !== this.base) return -1;
    const ptr = this.alloc(size);
    this.pinned.push({ ptr, bytes: size, free: false });
    this.base = this.top;
    return ptr;
  }

  /** Free a block of pin(); the blocks at the arena's end are given back to the arena when it is empty. */
  unpin(ptr: number): void {
    const b = this.pinned.find((p) => p.ptr === ptr && !p.free);
    if (!b) throw new Error(`numlab runtime: unpin of ${ptr}, not a pinned block`);
    b.free = true;
    this.trimPinned();
  }

  /** Bytes held by pinned blocks (free ones included until they are given back). */
  pinnedBytes(): number {
    return this.pinned.reduce((s, b) => s + b.bytes, 0);
  }

  private trimPinned(): void {
    if (this.top !== this.base) return;
    while (this.pinned.length > 0 && this.pinned[this.pinned.length - 1].free) this.base = this.pinned.pop()!.ptr;
    this.top = this.base;
  }

  /** Run `fn` with arena allocations released afterwards. */
  scoped<T>(fn: () => T): T {
    const m = this.mark();
    try {
      return fn();
    } finally {
      this.release(m);
    }
  }

  u8(ptr: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, n);
  }
  u16(ptr: number, n: number): Uint16Array {
    return new Uint16Array(this.memory.buffer, ptr, n);
  }
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }
  u32(ptr: number, n: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, n);
  }
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }
}

function wasmAbort(): never {
  throw new Error('numlab wasm abort');
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** ISAs this engine can run, best first. */
export function availableIsas(): Isa[] {
  const out: Isa[] = [];
  if (WebAssembly.validate(bytesOf(RELAXED_WASM_BASE64))) out.push('wasmrelaxedsimd');
  if (WebAssembly.validate(bytesOf(SIMD_WASM_BASE64))) out.push('wasmsimd');
  return out;
}

const instances = new Map<Isa, Runtime>();
let chosen: Runtime | undefined;

/** A runtime for a given ISA (tests and benches compare ISAs); NO_SIMD if this engine cannot run it. */
export function runtimeFor(isa: Isa): Runtime {
  let r = instances.get(isa);
  if (!r) {
    const b64 = isa === 'wasmrelaxedsimd' ? RELAXED_WASM_BASE64 : SIMD_WASM_BASE64;
    const bytes = bytesOf(b64);
    if (!WebAssembly.validate(bytes)) fail('NO_SIMD', `this WebAssembly engine cannot run the ${isa} build`, isa);
    r = new Runtime(isa, bytes);
    instances.set(isa, r);
  }
  return r;
}

/**
 * The process-wide runtime, chosen once: the relaxed-SIMD build when this engine validates it (Node 20
 * only with --experimental-wasm-relaxed-simd), else the SIMD baseline. NUMLAB_ISA=wasmsimd forces the
 * baseline. Both builds give identical results (test/runtime/isa.test.ts).
 */
export function runtime(): Runtime {
  if (!chosen) {
    const want = typeof process !== 'undefined' ? process.env?.NUMLAB_ISA : undefined;
    const isas = availableIsas();
    if (!isas.includes('wasmsimd')) fail('NO_SIMD', 'this WebAssembly engine lacks SIMD (v128), which numlab requires', 'wasmsimd');
    if (want === 'wasmrelaxedsimd' && !isas.includes('wasmrelaxedsimd'))
      fail('NO_SIMD', 'NUMLAB_ISA=wasmrelaxedsimd, but this engine cannot run relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd)', want);
    chosen = runtimeFor(want !== 'wasmsimd' && isas.includes('wasmrelaxedsimd') ? 'wasmrelaxedsimd' : 'wasmsimd');
  }
  return chosen;
}

/** Elements per chunk when streaming large inputs through the kernels. */
export const CHUNK = 1 << 16;
