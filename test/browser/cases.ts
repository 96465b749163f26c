/** Codec calls the browser test runs in headless Chromium and in Node; inputs are f32 bit patterns. */
export interface BrowserCase {
  format: string;
  /** uint32 bit patterns of the Float32Array input (exact for NaN and -0). */
  input: number[];
  opts?: { rounding?: string; saturate?: boolean | 'finite'; seed?: number; scale?: number; shape?: number[]; axis?: number };
}

export interface BrowserResult {
  format: string;
  codes: number[];
  /** decode(encode(x)) as uint32 bit patterns. */
  decoded: number[];
  /** quantize(x) as uint32 bit patterns. */
  quantized: number[];
}

export function f32Bits(values: readonly number[]): number[] {
  return Array.from(new Uint32Array(new Float32Array(values).buffer));
}

export function bitsF32(bits: readonly number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

const E4M3_INPUT = [464, 465, 1, 0.001953125, -0, 448, -448, NaN, Infinity, 1000, 0.3, -2.75];
const FP4_INPUT = [0, 0.25, 0.75, 1.25, 2.5, 5, 6, 7, 100, -3, -0];

const BLOCK_INPUT = Array.from({ length: 64 }, (_, i) => Math.fround(Math.sin(i * 1.7) * 2 ** ((i % 9) - 4)));
BLOCK_INPUT[5] = 0;
BLOCK_INPUT[40] = -1e-40;

export const CASES: BrowserCase[] = [
  { format: 'fp8_e4m3fn', input: f32Bits(E4M3_INPUT) },
  { format: 'fp8_e4m3fn', input: f32Bits(E4M3_INPUT), opts: { saturate: true } },
  { format: 'fp8_e4m3fn', input: f32Bits(E4M3_INPUT), opts: { rounding: 'stochastic', seed: 7 } },
  { format: 'fp8_e4m3fn', input: f32Bits(E4M3_INPUT), opts: { rounding: 'toward_zero', scale: 2 } },
  { format: 'fp4_e2m1fn', input: f32Bits(FP4_INPUT) },
  // block formats: codes = packed code bytes, then scale bytes, then the tensor scale's bits (NV rows)
  { format: 'mxfp4', input: f32Bits(BLOCK_INPUT) },
  { format: 'mxfp8_e4m3', input: f32Bits(BLOCK_INPUT), opts: { shape: [32, 2], axis: 0, rounding: 'half_away' } },
  { format: 'nvfp4', input: f32Bits(BLOCK_INPUT.slice(0, 40)) },
  { format: 'mxint8', input: f32Bits(BLOCK_INPUT) },
];

/** Known answers for CASES[0] (fp8_e4m3fn, defaults) and CASES[4] (fp4_e2m1fn, defaults). */
export const KNOWN = {
  e4m3Codes: { 464: 0x7e, 465: 0x7f, 1: 0x38, 0.001953125: 0x01 } as Record<number, number>,
  e4m3Input: E4M3_INPUT,
  fp4Codes: [0x0, 0x0, 0x2, 0x2, 0x4, 0x6, 0x7, 0x7, 0x7, 0xd, 0x8],
  fp4Values: [0, 0, 1, 1, 2, 4, 6, 6, 6, -3, -0],
};

/** The same calls the page makes (test/browser/page.html), for Node. */
export function runCases(
  format: (name: string) => {
    encode(x: Float32Array, o?: object): ArrayLike<number>;
    decode(c: never, o?: object): Float32Array;
    quantize(x: Float32Array, o?: object): Float32Array;
  },
  cases: readonly BrowserCase[],
): BrowserResult[] {
  const bits = (f: Float32Array) => Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));
  return cases.map(({ format: name, input, opts }) => {
    const f = format(name);
    const x = bitsF32(input);
    const enc = f.encode(x, opts) as ArrayLike<number> | { codes: Uint8Array; scales: Uint8Array; tensorScale?: number };
    const codes = 'scales' in enc
      ? [...enc.codes, ...enc.scales, ...(enc.tensorScale === undefined ? [] : bits(new Float32Array([enc.tensorScale])))]
      : Array.from(enc);
    return {
      format: name,
      codes,
      decoded: bits(f.decode(enc as never, opts && opts.scale !== undefined ? { scale: opts.scale } : undefined)),
      quantized: bits(f.quantize(x, opts)),
    };
  });
}
