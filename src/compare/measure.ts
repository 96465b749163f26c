/**
 * One (tensor × format) measurement: quantize with a numlab codec exactly as a user would
 * (element formats through encodeScaled/decodeScaled, block formats through encode/decode) and
 * compute the error metrics in float64.
 *
 * Format specs: `ID[@OPTION]`, where OPTION is, for element formats, the scale granularity
 * (`tensor`, `channel`, `group:N` or `gN`) — default `channel` — or `asym`/`sym` (INT scheme, may
 * follow the granularity: `int4@g128@asym`); for block formats a scale rule (`floor`, `ceil`,
 * `rceil`, `even`) and/or `sorted` (channel rearrangement, methods.ts). Method formats (methods.ts:
 * `nupes4`, `bitmod4@g128`, …) are not registry rows; they take a granularity. Channels are the
 * first axis (output channels of a [out, in] weight); groups run along the last axis; a 1-D
 * tensor's channel granularity is its tensor granularity.
 */
import { fail, show } from '../errors.js';
import { format, type Format } from '../formats/format.js';
import { BlockFormat } from '../formats/block.js';
import type { BlockScaleRule } from '../formats/block-spec.js';
import { pack } from '../formats/packing.js';
import type { ScaledEncoding, ScaledOptions } from '../formats/scaled.js';
import { clipBounds, extremeCodes } from './clip.js';
import { methodOf, methodOptionText, withSortedChannels, type MethodDef, type MethodQuantized } from './methods.js';
import type { CompareRow, ErrorHistogram } from './types.js';

export interface FormatSpec {
  /** As the user wrote it (trimmed). */
  text: string;
  id: string;
  kind: 'element' | 'block' | 'method';
  granularity: 'tensor' | 'channel' | { group: number } | null;
  scheme: 'symmetric' | 'asymmetric' | null;
  scaleRule: BlockScaleRule | null;
  /** Block formats: quantize after sorting the last axis by channel norm (`@sorted`). */
  sorted?: boolean;
  /** Method formats (kind 'method'): the method and its bit width. */
  method?: { def: MethodDef; bits: number };
}

const RULES = ['floor', 'ceil', 'rceil', 'even'];

/** Parse a granularity word: tensor, channel, group:N or gN. */
export function parseGranularity(o: string): FormatSpec['granularity'] | undefined {
  const g = /^(?:group:|g)(\d+)$/.exec(o);
  if (o === 'tensor' || o === 'channel') return o;
  if (g && Number(g[1]) >= 1 && Number.isSafeInteger(Number(g[1]))) return { group: Number(g[1]) };
  return undefined;
}

/** Parse `ID[@OPTION…]`; `granularity` is the default for element formats that name none. */
export function parseFormatSpec(text: string, granularity = 'channel'): FormatSpec {
  const dflt = parseGranularity(granularity.trim().toLowerCase());
  if (dflt === undefined) fail('BAD_OPTION', `granularity must be tensor, channel, group:N or gN, got ${show(granularity)}`, granularity);
  if (typeof text !== 'string') fail('UNKNOWN_FORMAT', `format must be a string, got ${show(text)}`, text);
  const parts = text.trim().split('@');
  const method = methodOf(parts[0]);
  if (method) return parseMethodSpec(text, parts, method, dflt!);
  const codec: Format = format(parts[0]);
  const spec: FormatSpec = {
    text: text.trim(),
    id: codec.id,
    kind: codec.kind === 'block' ? 'block' : 'element',
    granularity: codec.kind === 'block' ? null : dflt,
    scheme: null,
    scaleRule: null,
  };
  for (const raw of parts.slice(1)) {
    const o = raw.trim().toLowerCase();
    const g = parseGranularity(o);
    if (spec.kind === 'block') {
      if (o === 'sorted') spec.sorted = true;
      else if (!RULES.includes(o)) fail('BAD_OPTION', `${show(text)}: block formats take a scale rule after @ (${RULES.join(', ')}) or sorted, got ${show(o)}`, text);
      else spec.scaleRule = o as BlockScaleRule;
    } else if (g !== undefined) spec.granularity = g;
    else if (o === 'sym' || o === 'asym') {
      if (codec.kind !== 'int') fail('BAD_OPTION', `${show(text)}: @${o} (zero points) applies to INT formats only`, text);
      spec.scheme = o === 'sym' ? 'symmetric' : 'asymmetric';
    } else fail('BAD_OPTION', `${show(text)}: unknown option @${o}; element formats take tensor, channel, group:N (gN), sym, asym`, text);
  }
  return spec;
}

function parseMethodSpec(text: string, parts: string[], method: { def: MethodDef; bits: number }, dflt: NonNullable<FormatSpec['granularity']>): FormatSpec {
  let given: FormatSpec['granularity'] | undefined;
  for (const raw of parts.slice(1)) {
    const g = parseGranularity(raw.trim().toLowerCase());
    if (g === undefined) fail('BAD_OPTION', `${show(text)}: unknown option @${raw.trim()}; ${method.def.syntax}`, text);
    given = g;
  }
  return {
    text: text.trim(),
    id: `${method.def.family}${method.bits}`,
    kind: 'method',
    granularity: method.def.granularity(given ?? undefined, dflt, text),
    scheme: null,
    scaleRule: null,
    method,
  };
}

/** Canonical spelling of a spec, every option spelled out (`int4@group:128@asymmetric` → `int4@group:128@asym`). */
export function specText(s: FormatSpec): string {
  const parts = [s.id];
  const g = s.granularity;
  if (s.kind === 'method') parts.push(methodOptionText(g!));
  else if (g !== null) parts.push(typeof g === 'object' ? `group:${g.group}` : g);
  if (s.scheme) parts.push(s.scheme === 'symmetric' ? 'sym' : 'asym');
  if (s.scaleRule) parts.push(s.scaleRule);
  if (s.sorted) parts.push('sorted');
  return parts.join('@');
}

/** Granularity label of a spec for a tensor of this rank. */
export function granularityLabel(s: FormatSpec, blockSize: number | null, rank: number): string {
  if (s.kind === 'block') return `block:${blockSize}`;
  const g = s.granularity!;
  if (typeof g === 'object') return `group:${g.group}`;
  return rank < 2 ? 'tensor' : g;
}

/** x̂, clip bounds (clipBounds) and storage (codes, scales, zero points, tensor scale), plus the label's options. */
interface Quantized extends MethodQuantized {
  options: Record<string, string | number | boolean>;
}

const blockOptions = (shape: number[], s: FormatSpec) => (s.scaleRule ? { shape, scaleRule: s.scaleRule } : { shape });

function quantizeBlock(codec: BlockFormat, x: Float32Array, shape: number[], s: FormatSpec): Quantized & { hi: Float32Array; lo: Float32Array } {
  if (s.sorted) {
    const q = withSortedChannels(x, shape, (xs) => quantizeBlock(codec, xs, shape, { ...s, sorted: false }));
    return { ...q, options: { ...q.options, sorted: true } };
  }
  const enc = codec.encode(x, blockOptions(shape, s));
  const xhat = codec.decode(enc);
  const n = x.length;
  const bits = codec.element.bits;
  const { hi, lo } = clipBounds((code) => {
    const codes = bits === 8 ? new Uint8Array(n).fill(code) : pack(new Uint8Array(n).fill(code), bits);
    return codec.decode({ ...enc, codes });
  }, extremeCodes(codec.spec.element));
  const tensorScaleBytes = enc.tensorScale !== undefined ? 4 : 0;
  const options: Record<string, string | number | boolean> = s.scaleRule ? { scaleRule: s.scaleRule } : {};
  return {
    xhat, hi, lo,
    storageBits: n * bits + 8 * enc.scales.length + 8 * tensorScaleBytes,
    bytes: enc.codes.length + enc.scales.length + tensorScaleBytes,
    granularity: `block:${codec.spec.blockSize}`,
    options,
  };
}

function elementOptions(codec: Exclude<Format, BlockFormat>, shape: number[], s: FormatSpec): ScaledOptions {
  const rank = shape.length;
  const g = s.granularity!;
  const o: ScaledOptions = { shape };
  if (typeof g === 'object') {
    const last = shape[rank - 1];
    if (last % g.group !== 0) fail('BAD_OPTION', `${show(s.text)}: group size ${g.group} does not divide the last dimension ${last} of shape ${show(shape)}`, s.text);
    Object.assign(o, { axis: rank - 1, granularity: 'group', groupSize: g.group });
  } else if (g === 'channel' && rank >= 2) Object.assign(o, { axis: 0, granularity: 'channel' });
  else o.granularity = 'tensor';
  if (s.scheme) o.scheme = s.scheme;
  if (codec.kind === 'minifloat') o.saturate = true;
  return o;
}

/** x quantized with the spec and decoded (the x̂ that measure() scores), without the metrics. */
export function dequantize(x: Float32Array, shape: number[], s: FormatSpec): Float32Array {
  if (s.kind === 'method') return quantizeMethod(x, shape, s).xhat;
  const codec = format(s.id);
  if (codec.kind === 'block') {
    const run = (xs: Float32Array) => codec.decode(codec.encode(xs, blockOptions(shape, s)));
    if (!s.sorted) return run(x);
    return withSortedChannels(x, shape, (xs) => ({ xhat: run(xs) })).xhat;
  }
  return codec.decodeScaled(codec.encodeScaled(x, elementOptions(codec, shape, s)) as ScaledEncoding);
}

function quantizeElement(codec: Exclude<Format, BlockFormat>, x: Float32Array, shape: number[], s: FormatSpec): Quantized {
  const rank = shape.length;
  const enc = codec.encodeScaled(x, elementOptions(codec, shape, s)) as ScaledEncoding;
  const xhat = codec.decodeScaled(enc);
  const { hi, lo } = clipBounds((code) => {
    const codes = enc.codes instanceof Uint16Array ? new Uint16Array(x.length).fill(code) : new Uint8Array(x.length).fill(code);
    return codec.decodeScaled({ ...enc, codes });
  }, extremeCodes(codec.id));
  const bits = codec.limits.bits;
  const nScales = enc.scales.length;
  const zpBits = enc.zeroPoints ? nScales * bits : 0;
  const options: Record<string, string | number | boolean> = s.scheme ? { scheme: s.scheme } : {};
  return {
    xhat, hi, lo,
    storageBits: x.length * bits + 32 * nScales + zpBits,
    bytes: Math.ceil((x.length * bits) / 8) + 4 * nScales + Math.ceil(zpBits / 8),
    granularity: granularityLabel(s, null, rank),
    options,
  };
}

/** x quantized by a method spec (kind 'method'). */
function quantizeMethod(x: Float32Array, shape: number[], s: FormatSpec): MethodQuantized {
  return s.method!.def.quantize(x, shape, s.method!.bits, s.granularity!, s.text);
}

function quantizeAny(x: Float32Array, shape: number[], s: FormatSpec): Quantized {
  if (s.kind === 'method') return { ...quantizeMethod(x, shape, s), options: {} };
  const codec = format(s.id);
  return codec.kind === 'block' ? quantizeBlock(codec, x, shape, s) : quantizeElement(codec, x, shape, s);
}

export const HISTOGRAM_BINS = 41;

/** Error metrics of x̂ against x in float64 (x finite). */
export function errorMetrics(x: Float32Array, xhat: Float32Array, hi: Float32Array | null, lo: Float32Array | null, bins = HISTOGRAM_BINS):
  Pick<CompareRow, 'mse' | 'rmse' | 'qsnrDb' | 'maxAbsErr' | 'meanRelErr' | 'cosine' | 'clippedFrac' | 'flushedFrac' | 'histogram'> {
  const n = x.length;
  let se = 0, sx = 0, sq = 0, sxq = 0, maxAbs = 0, rel = 0, nz = 0, clipped = 0, flushed = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i];
    const b = xhat[i];
    const e = b - a;
    se += e * e;
    sx += a * a;
    sq += b * b;
    sxq += a * b;
    const ae = Math.abs(e);
    if (!(ae <= maxAbs)) maxAbs = ae;
    if (a !== 0) {
      nz++;
      rel += ae / Math.abs(a);
      if (b === 0) flushed++;
    }
    if (hi !== null && lo !== null && (a > hi[i] || a < lo[i])) clipped++;
  }
  const rms = Math.sqrt(sx / n);
  const range = rms > 0 && maxAbs > 0 ? maxAbs / rms : 1;
  const counts = new Array<number>(bins).fill(0);
  if (n > 0) {
    const scale = rms > 0 ? 1 / rms : 1;
    for (let i = 0; i < n; i++) {
      const t = ((xhat[i] - x[i]) * scale + range) / (2 * range);
      counts[Math.min(bins - 1, Math.max(0, Math.floor(t * bins)))]++;
    }
  }
  const histogram: ErrorHistogram = { range, counts };
  const mse = n > 0 ? se / n : 0;
  return {
    mse,
    rmse: Math.sqrt(mse),
    qsnrDb: sx > 0 ? (se === 0 ? Infinity : -10 * Math.log10(se / sx)) : null,
    maxAbsErr: maxAbs,
    meanRelErr: nz > 0 ? rel / nz : 0,
    cosine: sx > 0 && sq > 0 ? sxq / Math.sqrt(sx * sq) : null,
    clippedFrac: hi === null || lo === null ? null : n > 0 ? clipped / n : 0,
    flushedFrac: nz > 0 ? flushed / nz : 0,
    histogram,
  };
}

/** Measure one format on one tensor. */
export function measure(tensor: string, x: Float32Array, shape: number[], s: FormatSpec): CompareRow {
  const t0 = performance.now();
  const q = quantizeAny(x, shape, s);
  const ms = performance.now() - t0;
  const m = errorMetrics(x, q.xhat, q.hi, q.lo);
  const bitsPerElement = x.length > 0 ? q.storageBits / x.length : 0;
  return {
    tensor,
    format: s.id,
    kind: s.kind,
    granularity: q.granularity,
    options: q.options,
    n: x.length,
    ...m,
    bitsPerElement,
    bytes: q.bytes,
    qsnrPerBit: m.qsnrDb === null || bitsPerElement === 0 ? null : m.qsnrDb / bitsPerElement,
    ms,
  };
}
