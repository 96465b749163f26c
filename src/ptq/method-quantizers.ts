/**
 * GPTQ column quantizers of the method formats (spec ptq.md §1.8; ids as in `numlab compare`,
 * parsed by methodId in src/ptq/method-ids.ts): BitMoD (per row and group, the type and FP16 scale
 * bitmod() fits on the group, each column to the nearest value of that type), NUPES (per row or per
 * row and group, the data-free exponent and power-domain INT scale of nupesSearch, each column powered,
 * rounded on the INT grid and powered back) and OliVe (per row, type and scale of olive() on the
 * original W; the pair roles decided when GPTQ reaches the pair's even column).
 */
import { fail, show } from '../errors.js';
import { format } from '../formats/format.js';
import type { IntFormat } from '../formats/int.js';
import { pack } from '../formats/packing.js';
import type { ScaledOptions } from '../formats/scaled.js';
import { f16ToF32 } from '../io/half.js';
import { BITMOD_DEFAULT_CANDIDATES, BITMOD_TYPES, bitmodDecode, bitmodFitter, typeBits, type BitmodBits, type BitmodEncoding } from './bitmod.js';
import { codeOf, oliveGrid, OLIVE_OUTLIER_THRESHOLD } from './olive-grids.js';
import { olive, oliveNearest, olivePack, type OliveEncoding } from './olive.js';
import { nupesDecode, nupesPowerEach, nupesSearch, type NupesEncoding } from './nupes.js';
import type { MethodFamily } from './method-ids.js';
import type { ColumnQuantizer, QuantizerSetup } from './quantizers.js';

/** The quantizer of method family `family` at `bits` (methodId has checked the width). */
export function methodQuantizer(family: MethodFamily, bits: number, s: QuantizerSetup): ColumnQuantizer {
  if (family === 'bitmod') return bitmodQuantizer(bits as BitmodBits, s);
  if (family === 'nupes') return nupesQuantizer(bits, s);
  return oliveQuantizer(bits as 4 | 8, s);
}

/** Transpose rows × [c0, c1) of the column-major src into a row-major f32 slice. */
function rowSlice(src: Float64Array, rows: number, c0: number, c1: number): Float32Array {
  const k = c1 - c0;
  const x = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) x[r * k + j] = src[(c0 + j) * rows + r];
  return x;
}

/**
 * BitMoD: slots are groups along cols (groupSize, default 128 as in bitmod(); −1 = one group per row,
 * fitted on the whole W). The encoding is a BitmodEncoding (bitmodDecode gives weight).
 */
function bitmodQuantizer(bits: BitmodBits, { opts, rows, cols, groupSize, W }: QuantizerSetup): ColumnQuantizer {
  let G = groupSize;
  if (opts.groupSize === undefined) {
    G = 128;
    if (cols % G !== 0) fail('BAD_OPTION', `${opts.format}: the default groupSize 128 does not divide cols ${cols}; pass groupSize (a divisor of cols, or -1 per row)`, cols);
  }
  const span = G === -1 ? cols : G;
  const slots = cols / span;
  const fitter = bitmodFitter(bits);
  const types = new Uint8Array(rows * slots);
  const scales = new Uint16Array(rows * slots);
  const sc = new Float32Array(rows * slots);
  return {
    groupSize: G,
    fit(src, c0, c1, slot) {
      const k = c1 - c0;
      const x = rowSlice(src, rows, c0, c1);
      for (let r = 0; r < rows; r++) {
        const f = fitter.fit(x.subarray(r * k, (r + 1) * k), `row ${r} group ${slot}`);
        types[r * slots + slot] = f.type;
        scales[r * slots + slot] = f.scale;
        sc[r * slots + slot] = f16ToF32(f.scale);
      }
    },
    quantize(src, off, slot, q, codes, oc) {
      for (let r = 0; r < rows; r++) {
        const i = r * slots + slot;
        const c = fitter.code(types[i], scales[i], Math.fround(src[off + r]));
        codes[r * cols + oc] = c;
        const v = Math.fround(BITMOD_TYPES[bits][types[i]].codes[c] * sc[i]);
        q[r] = v === 0 ? 0 : v;
      }
    },
    newCodes: (n) => new Uint8Array(n),
    scales: () => Float64Array.from(sc),
    zeros: () => new Float64Array(rows * slots),
    encoding(codes) {
      const candidates = [...BITMOD_DEFAULT_CANDIDATES];
      const enc: BitmodEncoding = {
        shape: [rows, cols], bits, groupSize: span, candidates,
        codes: pack(codes as Uint8Array, bits), scales, types,
        groupMse: new Float64Array(rows * slots), weight: new Float32Array(0),
        storageBits: rows * cols * bits + rows * slots * (16 + typeBits(candidates.length)),
      };
      enc.weight = bitmodDecode(enc);
      // groupMse: of the GPTQ result against the original W (bitmod(): of the group's own fit)
      for (let i = 0; i < rows * cols; i++) enc.groupMse[Math.floor(i / span)] += (enc.weight[i] - Math.fround(W[i])) ** 2 / span;
      return enc;
    },
  };
}

/**
 * NUPES, per row (groupSize −1: fitted once on the whole W) or per row and group: fit = the data-free
 * exponent and power-domain scale search (nupesSearch, per channel) on the row's slice; quantize =
 * power the column with each row's exponent of the slot, round on the symmetric INT grid with the
 * slot's scale (saturating: GPTQ updates can leave the fitted range), power back. The encoding is a
 * NupesEncoding ('channel' along axis 0, or 'group' along axis 1); nupesDecode gives weight.
 */
function nupesQuantizer(bits: number, { rows, cols, groupSize }: QuantizerSetup): ColumnQuantizer {
  const fmt = format(`int${bits}`) as IntFormat;
  const slots = groupSize === -1 ? 1 : cols / groupSize;
  const a = new Float64Array(rows * slots).fill(1);
  const sc = new Float32Array(rows * slots);
  const col = new Float32Array(rows);
  const aCol = new Float64Array(rows);
  const scCol = new Float32Array(rows);
  const o: ScaledOptions = { shape: [rows], axis: 0, granularity: 'channel', scale: scCol, scheme: 'symmetric', saturate: true };
  return {
    groupSize,
    fit(src, c0, c1, slot) {
      const r = nupesSearch(rowSlice(src, rows, c0, c1), { bits, shape: [rows, c1 - c0], axis: 0, granularity: 'channel' });
      for (let i = 0; i < rows; i++) {
        a[i * slots + slot] = r.a[i];
        sc[i * slots + slot] = r.scales[i];
      }
    },
    quantize(src, off, slot, q, codes, oc) {
      for (let r = 0; r < rows; r++) {
        col[r] = src[off + r];
        aCol[r] = a[r * slots + slot];
        scCol[r] = sc[r * slots + slot];
      }
      const e = fmt.encodeScaled(nupesPowerEach(col, aCol, false), o);
      const v = nupesPowerEach(fmt.decodeScaled(e), aCol, true);
      for (let r = 0; r < rows; r++) {
        codes[r * cols + oc] = e.codes[r];
        q[r] = v[r];
      }
    },
    newCodes: (n) => (fmt.codeBytes === 1 ? new Uint8Array(n) : new Uint16Array(n)),
    scales: () => Float64Array.from(sc),
    zeros: () => new Float64Array(rows * slots),
    encoding(codes) {
      const grouped = groupSize !== -1;
      const enc: NupesEncoding = {
        int: {
          format: fmt.id, shape: [rows, cols], axis: grouped ? 1 : 0, granularity: grouped ? 'group' : 'channel',
          groupSize: grouped ? groupSize : null, codes, scales: sc, zeroPoints: null,
        },
        codes, scales: sc, a, weight: new Float32Array(0),
      };
      enc.weight = nupesDecode(enc);
      return enc;
    },
  };
}

/**
 * OliVe, per row: type (int / flint), signedness and the row scales are olive()'s on the original W
 * (static: the alpha search needs the whole row). Pairs (2k, 2k+1) are adjacent columns of a row, so
 * gptq must reach column 2k with column 2k+1 beside it in its block buffer (src[off + rows …]): natural
 * order (no actOrder), cols and blockSize even. At column 2k the roles follow the pair rule of olive()
 * on the current (error-updated) values of both columns: 2k an outlier → it keeps its value and 2k+1
 * becomes its victim (0); else 2k+1 an outlier → 2k is the victim (0); else 2k takes its nearest value.
 * At column 2k+1 (updated by 2k's error): a victim is 0; otherwise the nearest value, restricted to
 * the normal values when 2k holds a nonzero normal value (an outlier there would need 2k as victim).
 * The encoding is an OliveEncoding (oliveDecode gives weight); codes are the per-element slot codes.
 */
function oliveQuantizer(bits: 4 | 8, { opts, rows, cols }: QuantizerSetup): ColumnQuantizer {
  const id = show(opts.format);
  if (opts.actOrder) fail('BAD_OPTION', `${id}: OliVe pairs are adjacent columns (2k, 2k+1); actOrder would reorder them, got actOrder ${show(opts.actOrder)}`, opts.actOrder);
  if (opts.groupSize !== undefined && opts.groupSize !== -1) fail('BAD_OPTION', `${id} under GPTQ is per row: groupSize must be -1, got ${show(opts.groupSize)}`, opts.groupSize);
  if (cols % 2 !== 0) fail('BAD_SHAPE', `${id}: OliVe pairs need an even number of cols, got ${cols}`, cols);
  const B = opts.blockSize ?? 128;
  if (B % 2 !== 0) fail('BAD_OPTION', `${id}: blockSize must be even so that a pair (2k, 2k+1) shares a block, got ${show(B)}`, B);
  let g = oliveGrid('int', bits, true);
  let sc: Float32Array = new Float32Array(rows);
  const qn = new Float32Array(rows * cols); // grid values (normalized units), original order
  const role = new Uint8Array(rows); // 0 normal, 1 even column is the outlier, 2 even column is the victim
  const out = (v: number) => Math.abs(v) > OLIVE_OUTLIER_THRESHOLD;
  const near = (x: number, s: number) => (s === 0 ? 0 : oliveNearest(g, Math.fround(x / s)));
  return {
    groupSize: -1,
    fit(src, c0, c1) {
      const r = olive(rowSlice(src, rows, c0, c1), { shape: [rows, c1 - c0], granularity: 'channel', bits });
      g = oliveGrid(r.type, r.bits, r.signed);
      sc = r.scales;
    },
    quantize(src, off, _slot, q, codes, oc) {
      const victimCode = g.signed ? g.identifier : 0;
      for (let r = 0; r < rows; r++) {
        const s = sc[r];
        let v: number;
        if (oc % 2 === 0) {
          v = near(src[off + r], s);
          role[r] = out(v) ? 1 : out(near(src[off + rows + r], s)) ? 2 : 0;
          if (role[r] === 2) v = 0;
        } else if (role[r] === 1) v = 0;
        else {
          const x = src[off + r];
          const nm = g.normalMax * s;
          v = role[r] === 0 && qn[r * cols + oc - 1] !== 0 ? near(Math.min(Math.max(x, -nm), nm), s) : near(x, s);
        }
        qn[r * cols + oc] = v;
        q[r] = Math.fround(v * s);
        if (oc % 2 === 1) {
          const i = r * cols + oc - 1;
          const pairOut = out(qn[i]) || out(v);
          codes[i] = pairOut && !out(qn[i]) ? victimCode : codeOf(g, qn[i]);
          codes[i + 1] = pairOut && !out(v) ? victimCode : codeOf(g, v);
        }
      }
    },
    newCodes: (n) => new Uint8Array(n),
    scales: () => Float64Array.from(sc),
    zeros: () => new Float64Array(rows),
    encoding() {
      const { codes, escapes } = olivePack(qn, g);
      const enc: OliveEncoding = { bits, signed: g.signed, type: g.type, granularity: 'channel', shape: [rows, cols], codes, escapes, scales: sc };
      return enc;
    },
  };
}
