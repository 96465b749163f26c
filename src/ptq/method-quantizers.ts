/**
 * GPTQ column quantizers of the method formats (spec ptq.md §1.8; ids as in `numlab compare`,
 * parsed by methodOf in src/compare/methods.ts): BitMoD (per row and group, the type and FP16 scale
 * bitmod() fits on the group, each column to the nearest value of that type) and NUPES (per row, the
 * data-free exponent and power-domain INT scale of nupesSearch on the row, each column powered,
 * rounded on the INT grid and powered back). OliVe is not a GPTQ format here (docs/outliers.md).
 */
import { fail, show } from '../errors.js';
import { format } from '../formats/format.js';
import type { IntFormat } from '../formats/int.js';
import { pack } from '../formats/packing.js';
import type { ScaledOptions } from '../formats/scaled.js';
import { f16ToF32 } from '../io/half.js';
import { BITMOD_DEFAULT_CANDIDATES, BITMOD_TYPES, bitmodDecode, bitmodFitter, typeBits, type BitmodBits, type BitmodEncoding } from './bitmod.js';
import { nupesDecode, nupesPowerEach, nupesSearch, type NupesEncoding } from './nupes.js';
import type { ColumnQuantizer, QuantizerSetup } from './quantizers.js';

/** The quantizer of method family `family` at `bits` (methodOf has checked the width). */
export function methodQuantizer(family: string, bits: number, s: QuantizerSetup): ColumnQuantizer {
  if (family === 'bitmod') return bitmodQuantizer(bits as BitmodBits, s);
  if (family === 'nupes') return nupesQuantizer(bits, s);
  return fail('BAD_OPTION', `format ${show(s.opts.format)}: ${family} does not run under GPTQ (its outlier/victim pairs are not a per-column grid; docs/outliers.md): use it with RTN (numlab compare), or GPTQ with bitmod3|bitmod4, nupes<b> or a block format`, s.opts.format);
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
 * NUPES, per row only (groupSize −1; nupesDecode knows tensor and channel exponents): fit = the
 * data-free exponent and scale search (nupesSearch, per channel) on the whole W; quantize = power the
 * column with each row's exponent, round on the symmetric INT grid with the row's scale (saturating:
 * GPTQ updates can leave the fitted range), power back. The encoding is a NupesEncoding (nupesDecode
 * gives weight).
 */
function nupesQuantizer(bits: number, { opts, rows, cols, groupSize }: QuantizerSetup): ColumnQuantizer {
  if (groupSize !== -1) fail('BAD_OPTION', `${opts.format} under GPTQ is per row: groupSize must be -1 (one exponent per row), got ${groupSize}`, groupSize);
  const fmt = format(`int${bits}`) as IntFormat;
  const a = new Float64Array(rows).fill(1);
  const sc = new Float32Array(rows);
  const col = new Float32Array(rows);
  const o: ScaledOptions = { shape: [rows], axis: 0, granularity: 'channel', scale: sc, scheme: 'symmetric', saturate: true };
  return {
    groupSize: -1,
    fit(src, c0, c1) {
      const r = nupesSearch(rowSlice(src, rows, c0, c1), { bits, shape: [rows, c1 - c0], axis: 0, granularity: 'channel' });
      a.set(r.a);
      sc.set(r.scales);
    },
    quantize(src, off, _slot, q, codes, oc) {
      for (let r = 0; r < rows; r++) col[r] = src[off + r];
      const e = fmt.encodeScaled(nupesPowerEach(col, a, false), o);
      const v = nupesPowerEach(fmt.decodeScaled(e), a, true);
      for (let r = 0; r < rows; r++) {
        codes[r * cols + oc] = e.codes[r];
        q[r] = v[r];
      }
    },
    newCodes: (n) => (fmt.codeBytes === 1 ? new Uint8Array(n) : new Uint16Array(n)),
    scales: () => Float64Array.from(sc),
    zeros: () => new Float64Array(rows),
    encoding(codes) {
      const enc: NupesEncoding = {
        int: { format: fmt.id, shape: [rows, cols], axis: 0, granularity: 'channel', groupSize: null, codes, scales: sc, zeroPoints: null },
        codes, scales: sc, a, weight: new Float32Array(0),
      };
      enc.weight = nupesDecode(enc);
      return enc;
    },
  };
}
