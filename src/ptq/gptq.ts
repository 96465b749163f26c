/**
 * GPTQ (Frantar et al.) as IST-DASLab/gptq fasterquant (spec ptq.md §1.4–§1.5): params on the full W
 * before the dead-column fix, dead columns, static groups before the permutation, act-order, damping,
 * lazy block updates, dynamic group params from the outer (stale) W, Losses / 2. precision 'float64':
 * the exact order of operations in float64 (Cholesky → inverse → upper Cholesky), bit-exact with the
 * spec vectors; 'fast' (default): one float64 Cholesky of H and the lazy updates on the f32 GEMM
 * (fastLoop below, docs/ptq.md "Precision modes").
 */
import { fail, show } from '../errors.js';
import { checkInt, checkMatrix, checkShape, isReal } from './check.js';
import { HessianAccumulator } from './hessian.js';
import { gemmF64, gemmF64PackBytes, gptqLazy, gptqRank1, f64View, GEMM_LOWER_A } from './kernels.js';
import { matmul } from '../gemm/gemm.js';
import { gptqLazyRef } from './kernels-ref.js';
import { choleskyInverse, choleskyLower, choleskyUpper, choleskyUpperOfReversed } from './linalg.js';
import { runtime, type Runtime } from '../runtime/wasm.js';
import { columnQuantizer, type ColumnQuantizer, type GptqEncoding } from './quantizers.js';
import { format as formatCodec } from '../formats/format.js';
import { methodId } from './method-ids.js';
import { inversePermutation, permuteChannels, rearrangeChannels } from './rearrange.js';

export interface GptqOptions {
  /** [rows, cols] = [output channels, input channels] of W (row-major). */
  shape: [number, number];
  /** INT bits of the reference quantizer (ignored with `format`). Default 4. */
  bits?: number;
  /** Reference symmetric mode: zero = (maxq+1)/2. Default false (asymmetric). */
  sym?: boolean;
  /** Columns per group, -1 = one group per row. Must divide cols. Default -1. */
  groupSize?: number;
  /** Process columns in order of decreasing diag(H) (desc_act). Default false. */
  actOrder?: boolean;
  /** Fit all group params before the loop on the unpermuted, dead-zeroed W. Default false. */
  staticGroups?: boolean;
  /**
   * Dynamic groups fit on the current values (the block's updated copy) instead of the reference's
   * stale outer W (spec §1.5 "fresh"); needs groupSize dividing blockSize. Default false.
   */
  freshGroups?: boolean;
  /** Damping fraction of mean(diag H). Default 0.01. */
  percdamp?: number;
  /** Lazy-update block size B. Default 128. */
  blockSize?: number;
  /**
   * Quantize with a numlab format instead of the reference INT quantizer: an element or block id, or
   * a method format of `numlab compare` — bitmod3|bitmod4 (groupSize default 128, −1 = per row),
   * nupes<b> (per row or group), olive4|olive8 (per row; natural order, even blockSize and cols);
   * docs/outliers.md "Under GPTQ".
   */
  format?: string;
  /**
   * 'natural' (default) or 'ksort' (block formats only, not with actOrder): channel rearrangement —
   * the columns sorted by L2 norm over the rows of W, descending, stable (rearrange.ts), H permuted the
   * same way, GPTQ run on the permuted problem with blocks contiguous in that order. `perm` returns the
   * order; weight, codes and groupIndex are in the original column order, `encoding` (and scales) in
   * the permuted order: decode it, then un-permute (column perm[j] of W is column j of the decode).
   */
  channelOrder?: 'natural' | 'ksort';
  /**
   * 'fast' (default): H = Ũ Ũᵀ by one blocked float64 Cholesky (no inverse), in-block updates in
   * float64, the lazy block updates as an f32 correction on numlab's f32 GEMM (src/gemm). 'float64':
   * the reference order of operations in float64 throughout (chol → inverse → chol, spec §1.4), which
   * reproduces the spec §1.7 vectors bit for bit. docs/ptq.md gives the agreement of the two.
   */
  precision?: 'fast' | 'float64';
  /**
   * precision 'float64' only: the lazy batch update and the `format` quantizers on WASM ('wasm',
   * default: the f64x2 kernel, the formats' WASM codecs) or on their plain-TypeScript twins ('ts');
   * both give the same bits.
   */
  engine?: 'wasm' | 'ts';
}

export interface GptqResult {
  /** Quantized (dequantized) weight, [rows, cols] row-major, original column order. */
  weight: Float32Array;
  /** Codes [rows, cols] row-major, original column order (the format's code type with `format`). */
  codes: Uint8Array | Uint16Array;
  /**
   * Per-row per-group params [rows, groups] (groups = 1 without grouping): value = scale·(code − zero)
   * for the INT quantizer; with `format` the element scale (and zero point) or the block's decode factor.
   */
  scales: Float64Array;
  zeros: Float64Array;
  /** Group of each original column (params column in scales/zeros). */
  groupIndex: Int32Array;
  /** Processing order (perm[c] = original column processed c-th), null without actOrder or channelOrder 'ksort'. */
  perm: Int32Array | null;
  /** Σ over rows and columns of (w − q)² / U_cc² / 2, as the reference's Losses. */
  loss: number;
  /**
   * With `format`: the format's own payload, which its decoder maps to `weight` exactly — element
   * formats a ScaledEncoding (format(id).decodeScaled), block formats a BlockEncoding (format(id).decode),
   * bitmod a BitmodEncoding (bitmodDecode), nupes a NupesEncoding (nupesDecode). channelOrder 'ksort':
   * in the permuted column order.
   * Null for the reference INT quantizer (decode: scale·(code − zero)).
   */
  encoding: GptqEncoding | null;
}

function bool(v: unknown, what: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail('BAD_OPTION', `${what} must be a boolean, got ${show(v)}`, v);
  return v;
}

/** Descending diag(H), ties by ascending index (torch.argsort is not stable; this tie-break is documented). */
export function actOrderPerm(H: Float64Array, n: number): Int32Array {
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => H[b * n + b] - H[a * n + a] || a - b);
  return Int32Array.from(idx);
}

export function gptq(W: Float32Array | Float64Array, h: HessianAccumulator | Float64Array, opts: GptqOptions): GptqResult {
  const [rows, cols] = checkShape(opts?.shape, 'gptq weight');
  checkMatrix(W, rows * cols, 'gptq weight W', `[${rows}, ${cols}]`);
  const order = opts.channelOrder ?? 'natural';
  if (order !== 'natural' && order !== 'ksort') fail('BAD_OPTION', `channelOrder must be 'natural' or 'ksort', got ${show(order)}`, order);
  if (order === 'ksort') return gptqKsort(W, readHessian(h, cols), opts, rows, cols);
  const H = readHessian(h, cols);
  const groupSize = opts.groupSize ?? -1;
  if (groupSize !== -1) {
    checkInt(groupSize, 'groupSize', 1, cols);
    if (cols % groupSize !== 0) fail('BAD_OPTION', `groupSize ${groupSize} does not divide cols ${cols}`, groupSize);
  }
  const actOrder = bool(opts.actOrder, 'actOrder', false);
  const staticGroups = bool(opts.staticGroups, 'staticGroups', false);
  const fresh = bool(opts.freshGroups, 'freshGroups', false);
  const percdamp = opts.percdamp ?? 0.01;
  if (typeof percdamp !== 'number' || !(percdamp >= 0) || !Number.isFinite(percdamp)) {
    fail('BAD_OPTION', `percdamp must be a finite number >= 0, got ${show(percdamp)}`, percdamp);
  }
  const B = checkInt(opts.blockSize ?? 128, 'blockSize', 1, 1 << 20);
  const precision = opts.precision ?? 'fast';
  if (precision !== 'fast' && precision !== 'float64') fail('BAD_OPTION', `precision must be 'fast' or 'float64', got ${show(precision)}`, precision);
  const engine = opts.engine ?? 'wasm';
  if (engine !== 'wasm' && engine !== 'ts') fail('BAD_OPTION', `engine must be 'wasm' or 'ts', got ${show(engine)}`, engine);
  if (precision === 'fast' && opts.engine !== undefined) {
    fail('BAD_OPTION', `engine applies to precision 'float64' only, got engine ${show(opts.engine)} with precision 'fast'`, opts.engine);
  }
  const qz: ColumnQuantizer = columnQuantizer({ opts, rows, cols, groupSize, W, ref: engine === 'ts' });
  const group = qz.groupSize; // block formats: their block size
  const slots = group === -1 ? 1 : cols / group;
  if (fresh && (group === -1 || staticGroups || B % group !== 0)) {
    fail('BAD_OPTION', `freshGroups needs dynamic groups whose size divides blockSize ${B} (groupSize ${groupSize}, staticGroups ${staticGroups})`, opts.freshGroups);
  }
  // W column-major: column j of row r at j·rows + r (columns are the unit of work).
  const Wc = new Float64Array(rows * cols);
  transposeInto(W, rows, cols, Wc);

  if (group === -1) qz.fit(Wc, 0, cols, 0); // on the full W, before the dead fix

  for (let j = 0; j < cols; j++) {
    if (H[j * cols + j] === 0) {
      H[j * cols + j] = 1;
      Wc.fill(0, j * rows, (j + 1) * rows);
    }
  }
  if (group !== -1 && staticGroups) for (let g = 0; g < slots; g++) qz.fit(Wc, g * group, (g + 1) * group, g);

  let perm: Int32Array | null = null;
  let Hp = H;
  let Wp = Wc;
  if (actOrder) {
    perm = actOrderPerm(H, cols);
    Hp = new Float64Array(cols * cols);
    Wp = new Float64Array(rows * cols);
    for (let a = 0; a < cols; a++) {
      const pa = perm[a];
      for (let b = 0; b < cols; b++) Hp[a * cols + b] = H[pa * cols + perm[b]];
      Wp.set(Wc.subarray(pa * rows, (pa + 1) * rows), a * rows);
    }
  }

  let dsum = 0;
  for (let j = 0; j < cols; j++) dsum += Hp[j * cols + j];
  const damp = percdamp * (dsum / cols);
  for (let j = 0; j < cols; j++) Hp[j * cols + j] += damp;
  if (precision === 'fast') return fastLoop(Wp, choleskyUpperOfReversed(Hp, cols, 'H after damping'), perm);
  const L = choleskyLower(Hp, cols, 'H after damping');
  const U = choleskyUpper(choleskyInverse(L, cols), cols, 'H⁻¹');

  if (engine === 'ts') return blockLoop(null, Wp, U, perm);
  // W, the block's errors and the block's rows of U live in the arena for the kernel.
  const rt = runtime();
  return rt.scoped(() => {
    const Bn = Math.min(B, cols);
    const p = { W: rt.alloc(rows * cols * 8), err: rt.alloc(rows * Bn * 8), u: rt.alloc(Bn * cols * 8) };
    f64View(rt, p.W, rows * cols).set(Wp);
    return blockLoop({ rt, ...p }, f64View(rt, p.W, rows * cols), U, perm);
  });

  /** Steps 7–9 on the prepared (permuted, damped) problem; W (Wp) is updated in place. */
  function blockLoop(wasm: { rt: Runtime; W: number; err: number; u: number } | null, Wp: Float64Array, U: Float64Array, perm: Int32Array | null): GptqResult {
    const codes = qz.newCodes(rows * cols);
    const weight = new Float32Array(rows * cols);
    const W1 = new Float64Array(rows * Math.min(B, cols));
    const Err1 = wasm ? f64View(wasm.rt, wasm.err, rows * Math.min(B, cols)) : new Float64Array(rows * Math.min(B, cols));
    const q = new Float64Array(rows);
    let loss = 0;
    for (let i1 = 0; i1 < cols; i1 += B) {
      const i2 = Math.min(i1 + B, cols);
      const n = i2 - i1;
      W1.set(Wp.subarray(i1 * rows, i2 * rows));
      for (let i = 0; i < n; i++) {
        const c = i1 + i;
        const w = i * rows;
        const d = U[c * cols + c];
        let slot = 0;
        if (group !== -1) {
          if (!staticGroups) {
            if (c % group === 0) {
              if (fresh) qz.fit(W1, i, i + group, c / group);
              else qz.fit(Wp, c, c + group, c / group); // outer W: stale within the block (the reference)
            }
            slot = Math.floor(c / group);
          } else {
            slot = Math.floor((perm ? perm[c] : c) / group);
          }
        }
        const oc = perm ? perm[c] : c;
        qz.quantize(W1, w, slot, q, codes, oc);
        for (let r = 0; r < rows; r++) {
          const dw = W1[w + r] - q[r];
          loss += (dw * dw) / (d * d) / 2;
          Err1[w + r] = dw / d;
          weight[r * cols + oc] = q[r];
        }
        for (let j = i; j < n; j++) {
          const u = U[c * cols + i1 + j];
          const o = j * rows;
          for (let r = 0; r < rows; r++) W1[o + r] -= Err1[w + r] * u;
        }
      }
      if (i2 === cols) continue;
      if (wasm) {
        f64View(wasm.rt, wasm.u, n * cols).set(U.subarray(i1 * cols, i2 * cols));
        gptqLazy(wasm.rt, wasm.err, rows, n, wasm.u, cols, i2, cols, wasm.W);
      } else gptqLazyRef(Err1, rows, n, U.subarray(i1 * cols), cols, i2, cols, Wp);
    }

    return finish(weight, codes, loss, perm);
  }

  function finish(weight: Float32Array, codes: Uint8Array | Uint16Array, loss: number, perm: Int32Array | null): GptqResult {
    const groupIndex = new Int32Array(cols);
    if (group !== -1) {
      for (let c = 0; c < cols; c++) {
        const oc = perm ? perm[c] : c;
        groupIndex[oc] = Math.floor((staticGroups ? oc : c) / group);
      }
    }
    return { weight, codes, scales: qz.scales(), zeros: qz.zeros(), groupIndex, perm, loss, encoding: qz.encoding(codes) };
  }

  /**
   * Steps 7–9 in the fast mode, from Ũ (H = Ũ Ũᵀ, Ũ upper; U = Ũ⁻¹ is the reference's factor of
   * H⁻¹) without forming U. The reference's lazy updates W −= E·U (E the scaled errors) summed over
   * all columns before j equal W₀ + R·V at column j, with R = W₀ − Q and V[c][j] = Ũ[c][j] / Ũ[j][j]:
   * so the f32 correction Δ (row-major) collects Δ[:, i2:] += R_block · V[i1:i2, i2:] on numlab's f32
   * GEMM after each block. At a block start the reference's outer W on columns [i1, e) is
   * W₀ + (Δ·diag Ũ)·T⁻¹ with T = Ũ[i1:e, i1:e] (float64, f64x2 GEMM kernel); the block then runs the
   * reference's in-block loop in float64 with U1 = T⁻¹ (rank-1 updates on the WASM kernel). e reaches
   * past the block when a stale dynamic group starting in it does.
   */
  function fastLoop(W0: Float64Array, Ut: Float64Array, perm: Int32Array | null): GptqResult {
    const codes = qz.newCodes(rows * cols);
    const weight = new Float32Array(rows * cols);
    const Bn = Math.min(B, cols);
    const stale = group !== -1 && !staticGroups && !fresh;
    const maxW = Math.min(cols, stale ? Bn + group : Bn);
    const dg = new Float64Array(cols);
    for (let j = 0; j < cols; j++) dg[j] = Ut[j * cols + j];
    // R = W₀ − Q row-major (f32), its first i1 columns copied contiguous per block for the GEMM
    const Rrm = new Float32Array(rows * cols);
    const lastI1 = Math.floor((cols - 1) / B) * B; // the largest k of the GEMM
    const Rc = new Float32Array(rows * lastI1);
    const Vt = new Float32Array(maxW * lastI1);
    const Y = new Float32Array(rows * maxW);
    const start = stale ? new Float64Array(rows * maxW) : null;
    const Rblk = new Float32Array(rows * Bn); // the block's R and q column-major, scattered at the block end
    const Qblk = new Float32Array(rows * Bn);
    const q = new Float64Array(rows);
    let loss = 0;
    const rt = runtime();
    return rt.scoped(() => {
      const pW1 = rt.alloc(rows * maxW * 8);
      const pP = rt.alloc(rows * maxW * 8);
      const pUb = rt.alloc(maxW * maxW * 8);
      const pUbT = rt.alloc(maxW * maxW * 8);
      const pE = rt.alloc(rows * 8);
      const pack = rt.alloc(gemmF64PackBytes(rows));
      for (let i1 = 0; i1 < cols; i1 += B) {
        const i2 = Math.min(i1 + B, cols);
        const n = i2 - i1;
        let e = i2;
        if (stale) for (let c = i1; c < i2; c++) if (c % group === 0) e = Math.max(e, c + group);
        e = Math.min(e, cols);
        const nw = e - i1;
        // Δ = R[:, :i1] · V[:i1, i1:e] on the f32 GEMM (before the views: matmul's arena use may grow,
        // and so detach, the WASM memory)
        if (i1 > 0) {
          for (let r = 0; r < rows; r++) Rc.set(Rrm.subarray(r * cols, r * cols + i1), r * i1);
          tiles32(i1, nw, (c0, c1, j0, j1) => { // Vt = V[:i1, i1:e]ᵀ
            for (let j = j0; j < j1; j++) {
              const g = dg[i1 + j];
              const o = j * i1;
              for (let c = c0; c < c1; c++) Vt[o + c] = Ut[c * cols + i1 + j] / g;
            }
          });
          matmul(Rc.subarray(0, rows * i1), Vt.subarray(0, nw * i1), { m: rows, n: nw, k: i1, out: Y.subarray(0, rows * nw) });
        }
        const W1 = f64View(rt, pW1, rows * nw);
        const Ub = f64View(rt, pUb, nw * nw);
        const UbT = f64View(rt, pUbT, nw * nw);
        const E = f64View(rt, pE, rows);
        // Ub = T⁻¹ (upper, back substitution), UbT its transpose
        Ub.fill(0);
        for (let j = 0; j < nw; j++) {
          Ub[j * nw + j] = 1 / dg[i1 + j];
          for (let i = j - 1; i >= 0; i--) {
            const o = (i1 + i) * cols + i1;
            let s = 0;
            for (let k = i + 1; k <= j; k++) s += Ut[o + k] * Ub[k * nw + j];
            Ub[i * nw + j] = -s / dg[i1 + i];
          }
        }
        for (let i = 0; i < nw; i++) for (let j = 0; j < nw; j++) UbT[j * nw + i] = Ub[i * nw + j];
        // W1 (column-major) = W₀ + (Δ·diag Ũ)·Ub on columns [i1, e)
        W1.set(W0.subarray(i1 * rows, e * rows));
        if (i1 > 0) {
          const y = Y;
          const P = f64View(rt, pP, rows * nw);
          tiles32(rows, nw, (r0, r1, t0, t1) => { // P (column-major) = Δ·diag Ũ
            for (let t = t0; t < t1; t++) {
              const g = dg[i1 + t];
              const o = t * rows;
              for (let r = r0; r < r1; r++) P[o + r] = y[r * nw + t] * g;
            }
          });
          gemmF64(rt, pUbT, nw, nw, pP, rows, false, nw, rows, pW1, rows, GEMM_LOWER_A, pack);
        }
        if (start) start.set(W1.subarray(0, rows * nw));
        for (let i = 0; i < n; i++) {
          const c = i1 + i;
          const w = i * rows;
          let slot = 0;
          if (group !== -1) {
            if (!staticGroups) {
              if (c % group === 0) {
                if (fresh) qz.fit(W1, i, i + group, c / group);
                else qz.fit(start as Float64Array, i, i + group, c / group); // the outer W: stale within the block
              }
              slot = Math.floor(c / group);
            } else {
              slot = Math.floor((perm ? perm[c] : c) / group);
            }
          }
          const oc = perm ? perm[c] : c;
          qz.quantize(W1, w, slot, q, codes, oc);
          const d = Ub[i * nw + i];
          const dd = d * d;
          const w0 = c * rows;
          let ls = loss; // a local: the closure's `loss` would box a heap number on every add
          for (let r = 0; r < rows; r++) {
            const qr = q[r];
            const dw = W1[w + r] - qr;
            ls += (dw * dw) / dd / 2;
            E[r] = dw / d;
            Rblk[w + r] = W0[w0 + r] - qr;
            Qblk[w + r] = qr;
          }
          loss = ls;
          gptqRank1(rt, pE, rows, pW1, pUb + i * nw * 8, i + 1, n, true);
        }
        transposeInto(Rblk, n, rows, Rrm, cols, i1);
        if (perm) {
          for (let i = 0; i < n; i++) for (let r = 0; r < rows; r++) weight[r * cols + perm[i1 + i]] = Qblk[i * rows + r];
        } else transposeInto(Qblk, n, rows, weight, cols, i1);
      }
      return finish(weight, codes, loss, perm);
    });
  }
}

/** channelOrder 'ksort': GPTQ on W and H with columns in K-sort order, results back in the original order. */
function gptqKsort(W: Float32Array | Float64Array, H: Float64Array, opts: GptqOptions, rows: number, cols: number): GptqResult {
  const id = opts.format;
  if (typeof id !== 'string' || methodId(id) !== null || formatCodec(id).kind !== 'block') {
    fail('BAD_OPTION', `channelOrder 'ksort' applies to block formats (it sorts columns so that similar ones share a block), got format ${show(id)}`, id);
  }
  if (opts.actOrder) fail('BAD_OPTION', `channelOrder 'ksort' fixes the column order; it cannot be combined with actOrder ${show(opts.actOrder)}`, opts.actOrder);
  const { perm } = rearrangeChannels(W, W.subarray(0, cols), { shape: [rows, cols] });
  const Hp = new Float64Array(cols * cols);
  for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) Hp[a * cols + b] = H[perm[a] * cols + perm[b]];
  const r = gptq(permuteChannels(W, perm, cols), Hp, { ...opts, channelOrder: 'natural' });
  const inv = inversePermutation(perm);
  const codes = new (r.codes.constructor as new (n: number) => Uint8Array | Uint16Array)(rows * cols);
  for (let i = 0; i < rows * cols; i += cols) for (let j = 0; j < cols; j++) codes[i + j] = r.codes[i + inv[j]];
  const groupIndex = Int32Array.from(inv, (p) => r.groupIndex[p]);
  return { ...r, weight: permuteChannels(r.weight, inv, cols), codes, groupIndex, perm };
}

/** visit [0, n1) × [0, n2) in 32 × 32 tiles (a transpose's source and destination tiles stay in cache) */
function tiles32(n1: number, n2: number, visit: (a0: number, a1: number, b0: number, b1: number) => void): void {
  for (let a0 = 0; a0 < n1; a0 += 32) for (let b0 = 0; b0 < n2; b0 += 32) visit(a0, Math.min(a0 + 32, n1), b0, Math.min(b0 + 32, n2));
}

/** dst (cols × rows) = srcᵀ (src rows × cols, row-major), in 32 × 32 tiles (both sides stay in cache). */
function transposeInto(src: ArrayLike<number>, rows: number, cols: number, dst: Float64Array | Float32Array, ldd = rows, d0 = 0): void {
  for (let r0 = 0; r0 < rows; r0 += 32) {
    const r1 = Math.min(r0 + 32, rows);
    for (let j0 = 0; j0 < cols; j0 += 32) {
      const j1 = Math.min(j0 + 32, cols);
      for (let r = r0; r < r1; r++) for (let j = j0; j < j1; j++) dst[d0 + j * ldd + r] = src[r * cols + j];
    }
  }
}

/** A private float64 copy of H (from an accumulator or a row-major cols×cols array), checked. */
function readHessian(h: HessianAccumulator | Float64Array, cols: number): Float64Array {
  let src: Float64Array;
  if (h instanceof HessianAccumulator) {
    if (h.cols !== cols) fail('BAD_SHAPE', `Hessian accumulator has ${h.cols} cols, W has ${cols}`, h.cols);
    if (h.n === 0) fail('BAD_OPTION', 'Hessian accumulator is empty (add calibration batches first)', h.n);
    src = h.H;
  } else {
    if (!isReal(h)) fail('BAD_TYPE', `H must be a HessianAccumulator or a Float64Array, got ${show(h)}`, h);
    src = checkMatrix(h, cols * cols, 'H', `[${cols}, ${cols}]`) as Float64Array;
  }
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < i; j++) {
      const a = src[i * cols + j];
      const b = src[j * cols + i];
      if (Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b))) {
        fail('BAD_OPTION', `H is not symmetric: H[${i}][${j}] = ${a} but H[${j}][${i}] = ${b}`, { i, j });
      }
    }
  }
  return Float64Array.from(src);
}
