/**
 * The format registry: one row per format, every policy spelled out. Ids follow ml_dtypes/OCP
 * spelling. Parsed spellings (fp_e5m2fn, int6, binary8p3se, …) build rows with the same fields
 * (names.ts). Numbers here are the defining parameters only; limits.ts derives max/min/etc.
 */
import type { BipolarSpec, IntSpec, MinifloatSpec } from './spec.js';

/**
 * Freezes `o` and every object reachable from its properties (typed arrays excepted: they cannot be
 * frozen). Registry rows, block rows and codec limits are shared by every caller, so they are frozen.
 */
export function deepFreeze<T>(o: T): T {
  if (o === null || typeof o !== 'object' || Object.isFrozen(o) || ArrayBuffer.isView(o)) return o;
  Object.freeze(o);
  for (const v of Object.values(o as object)) deepFreeze(v);
  return o;
}

type MF = Omit<MinifloatSpec, 'kind' | 'rounding' | 'conversion'> & Partial<Pick<MinifloatSpec, 'conversion'>>;
const mf = (r: MF): MinifloatSpec => ({ kind: 'minifloat', rounding: 'rne', conversion: 'ml_dtypes', ...r });

const OFP8 = 'OCP 8-bit Floating Point Specification (OFP8) rev 1.0; ml_dtypes float8 types (formats.md §1.3, §3.1)';
const MXEL = 'OCP Microscaling Formats (MX) v1.0 §5.3; ml_dtypes float6/float4 (formats.md §1.3, §3.1)';

export const MINIFLOATS: readonly MinifloatSpec[] = deepFreeze([
  mf({ id: 'fp8_e4m3fn', expBits: 4, manBits: 3, bias: 7, signed: true, zero: 'signed', inf: 'none', nan: 'top',
    overflow: 'nan', family: 'ocp', description: 'OCP FP8 E4M3 (finite, NaN = S.1111.111)', source: OFP8 }),
  mf({ id: 'fp8_e4m3', expBits: 4, manBits: 3, bias: 7, signed: true, zero: 'signed', inf: 'ieee', nan: 'ieee',
    overflow: 'inf', family: 'ml_dtypes', description: 'IEEE-like E4M3 with Inf and NaN', source: 'ml_dtypes float8_e4m3 (formats.md §3.1)' }),
  mf({ id: 'fp8_e4m3fnuz', expBits: 4, manBits: 3, bias: 8, signed: true, zero: 'single', inf: 'none', nan: 'negzero',
    overflow: 'nan', family: 'ml_dtypes', description: 'E4M3, bias 8, NaN = 0x80, no −0', source: 'ml_dtypes float8_e4m3fnuz (formats.md §3.1)' }),
  mf({ id: 'fp8_e4m3b11fnuz', expBits: 4, manBits: 3, bias: 11, signed: true, zero: 'single', inf: 'none', nan: 'negzero',
    overflow: 'nan', family: 'ml_dtypes', description: 'E4M3, bias 11, NaN = 0x80, no −0', source: 'ml_dtypes float8_e4m3b11fnuz (formats.md §3.1)' }),
  mf({ id: 'fp8_e5m2', expBits: 5, manBits: 2, bias: 15, signed: true, zero: 'signed', inf: 'ieee', nan: 'ieee',
    overflow: 'inf', family: 'ocp', description: 'OCP FP8 E5M2 (IEEE-like)', source: OFP8 }),
  mf({ id: 'fp8_e5m2fnuz', expBits: 5, manBits: 2, bias: 16, signed: true, zero: 'single', inf: 'none', nan: 'negzero',
    overflow: 'nan', family: 'ml_dtypes', description: 'E5M2, bias 16, NaN = 0x80, no −0', source: 'ml_dtypes float8_e5m2fnuz (formats.md §3.1)' }),
  mf({ id: 'fp8_e3m4', expBits: 3, manBits: 4, bias: 3, signed: true, zero: 'signed', inf: 'ieee', nan: 'ieee',
    overflow: 'inf', family: 'ml_dtypes', description: 'IEEE-like E3M4', source: 'ml_dtypes float8_e3m4 (formats.md §3.1)' }),
  mf({ id: 'fp6_e2m3fn', expBits: 2, manBits: 3, bias: 1, signed: true, zero: 'signed', inf: 'none', nan: 'none',
    overflow: 'saturate', family: 'ocp', description: 'MX FP6 E2M3 (no Inf/NaN; always saturates)', source: MXEL }),
  mf({ id: 'fp6_e3m2fn', expBits: 3, manBits: 2, bias: 3, signed: true, zero: 'signed', inf: 'none', nan: 'none',
    overflow: 'saturate', family: 'ocp', description: 'MX FP6 E3M2 (no Inf/NaN; always saturates)', source: MXEL }),
  mf({ id: 'fp4_e2m1fn', expBits: 2, manBits: 1, bias: 1, signed: true, zero: 'signed', inf: 'none', nan: 'none',
    overflow: 'saturate', family: 'ocp', description: 'MX FP4 E2M1 (no Inf/NaN; always saturates)', source: MXEL }),
  mf({ id: 'e8m0fnu', expBits: 8, manBits: 0, bias: 127, signed: false, zero: 'none', inf: 'none', nan: 'top',
    overflow: 'nan', family: 'ocp', description: 'MX scale: 2^(c−127), no zero, NaN = 0xFF',
    source: 'OCP MX v1.0 §5.4.1; ml_dtypes float8_e8m0fnu (formats.md §1.5, §3.1)' }),
  mf({ id: 'ue4m3', expBits: 4, manBits: 3, bias: 7, signed: false, zero: 'single', inf: 'none', nan: 'top',
    overflow: 'nan', family: 'nvidia', description: 'unsigned E4M3 (7 bits, NaN = 0x7F): the NVFP4 block scale',
    source: 'PTX ue4m3; cuBLAS reads E4M3 scale bytes with the sign ignored (formats.md §2.1)' }),
  mf({ id: 'fp16', expBits: 5, manBits: 10, bias: 15, signed: true, zero: 'signed', inf: 'ieee', nan: 'ieee',
    overflow: 'inf', conversion: 'ieee754', family: 'ieee', description: 'IEEE 754 binary16', source: 'IEEE 754-2019' }),
  mf({ id: 'bf16', expBits: 8, manBits: 7, bias: 127, signed: true, zero: 'signed', inf: 'ieee', nan: 'ieee',
    overflow: 'inf', family: 'ieee', description: 'bfloat16', source: 'ml_dtypes bfloat16 (formats.md §3.1)' }),
]);

/**
 * An IEEE P3109 Binary{K}p{P}{s|u}{e|f} row, from the defining parameters of Interim Report v4.0 §3.1
 * (bias 2^(K−P−1) signed, 2^(K−P) unsigned; one zero; one NaN at 2^(K−1) signed or 2^K−1 unsigned;
 * Extended: Inf at the top magnitude code below the NaN). See p3109.md §1–§2.
 */
export function p3109Spec(K: number, P: number, signed: boolean, extended: boolean): MinifloatSpec {
  const id = `binary${K}p${P}${signed ? 's' : 'u'}${extended ? 'e' : 'f'}`;
  return mf({
    id,
    expBits: signed ? K - P : K - P + 1,
    manBits: P - 1,
    bias: signed ? 2 ** (K - P - 1) : 2 ** (K - P),
    signed,
    zero: 'single',
    inf: extended ? 'top' : 'none',
    nan: signed ? 'negzero' : 'top',
    overflow: extended ? 'inf' : 'saturate',
    conversion: 'p3109',
    family: 'p3109',
    description: `IEEE P3109 ${signed ? 'signed' : 'unsigned'} ${extended ? 'extended' : 'finite'} K=${K} P=${P}`,
    source: 'IEEE P3109 Interim Report v4.0 §3–§4 (p3109.md)',
  });
}

/** P3109 rows that the registry lists (K = 8, every P; other K parse on demand). */
export const P3109_LISTED: readonly MinifloatSpec[] = (() => {
  const rows: MinifloatSpec[] = [];
  for (const signed of [true, false])
    for (let P = 1; P <= (signed ? 7 : 8); P++)
      for (const ext of [true, false]) rows.push(p3109Spec(8, P, signed, ext));
  return deepFreeze(rows);
})();

export function intSpec(bits: number, signed: boolean, narrow: boolean): IntSpec {
  return {
    kind: 'int',
    id: `${signed ? 'int' : 'uint'}${bits}${narrow ? '_sym' : ''}`,
    bits,
    signed,
    narrow,
    rounding: 'rne',
    description: signed
      ? narrow
        ? `signed ${bits}-bit, narrow range [−${2 ** (bits - 1) - 1}, ${2 ** (bits - 1) - 1}]`
        : `signed ${bits}-bit two's complement [−${2 ** (bits - 1)}, ${2 ** (bits - 1) - 1}]`
      : `unsigned ${bits}-bit [0, ${2 ** bits - 1}]`,
    source: 'formats.md §8 (TensorRT / torchao conventions)',
  };
}

export function bipolarSpec(bits: number): BipolarSpec {
  return {
    kind: 'bipolar',
    id: `bipolar${bits}`,
    bits,
    rounding: 'rne',
    description: `bipolar-INT ${bits}-bit: odd levels ±1 … ±${2 ** bits - 1}, no zero`,
    source: 'Ma et al. arXiv 2409.17870 (formats.md §5)',
  };
}

export const INTS: readonly IntSpec[] = deepFreeze([
  ...[2, 3, 4, 6, 8, 16].map((b) => intSpec(b, true, false)),
  ...[4, 8].map((b) => intSpec(b, true, true)),
  ...[2, 4, 8, 16].map((b) => intSpec(b, false, false)),
]);

export const BIPOLARS: readonly BipolarSpec[] = deepFreeze([1, 2, 3, 4, 8].map(bipolarSpec));

/** Every listed row, in table order (deep-frozen: the rows are shared by every codec). */
export const REGISTRY = deepFreeze([...MINIFLOATS, ...P3109_LISTED, ...INTS, ...BIPOLARS] as const);
