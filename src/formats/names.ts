/**
 * The name grammar. Registered ids resolve to their rows; generic spellings build rows:
 *   fp_e{E}m{M}[b{bias}]            IEEE-like: Inf and NaN in the all-ones exponent, ±0; IEEE 754 §7.4 overflow
 *   fp_e{E}m{M}[b{bias}]fn          finite, NaN = all-ones magnitude (OCP E4M3 style), ±0
 *   fp_e{E}m{M}[b{bias}]fnuz        finite, NaN = 0x80 (the −0 pattern), one zero; default bias 2^(E−1)
 *   fp_e{E}m{M}[b{bias}]fs          finite, no specials at all, saturating (MX FP6/FP4 style)
 *   int{B} | int{B}_sym | uint{B}   B in 2..16; _sym = narrow range [−(2^(B−1)−1), 2^(B−1)−1]
 *   bipolar{B}                      B in 1..8
 *   binary{K}p{P}{s|u}{e|f}         IEEE P3109 (case-insensitive), K in 3..16
 * Default bias for fp_… is max(1, 2^(E−1) − 1) (IEEE), or 2^(E−1) for fnuz (ml_dtypes); an explicit
 * bias may be any integer ≥ 0 (b0: the lowest binade has exponent 1 − 0 = 1).
 */
import { BLOCK_FORMATS } from './block-spec.js';
import { fail, show } from '../errors.js';
import { REGISTRY, bipolarSpec, deepFreeze, intSpec, p3109Spec } from './registry.js';
import { validate } from './limits.js';
import type { ElementSpec, MinifloatSpec } from './spec.js';

const byId = new Map<string, ElementSpec>(REGISTRY.map((r) => [r.id, r]));

/** Aliases users type often. */
const ALIASES: Record<string, string> = {
  float16: 'fp16', half: 'fp16', bfloat16: 'bf16',
  float8_e4m3fn: 'fp8_e4m3fn', float8_e4m3: 'fp8_e4m3', float8_e4m3fnuz: 'fp8_e4m3fnuz',
  float8_e4m3b11fnuz: 'fp8_e4m3b11fnuz', float8_e5m2: 'fp8_e5m2', float8_e5m2fnuz: 'fp8_e5m2fnuz',
  float8_e3m4: 'fp8_e3m4', float6_e2m3fn: 'fp6_e2m3fn', float6_e3m2fn: 'fp6_e3m2fn',
  float4_e2m1fn: 'fp4_e2m1fn', float8_e8m0fnu: 'e8m0fnu', fp4: 'fp4_e2m1fn',
};

function genericMinifloat(E: number, M: number, biasText: string | undefined, suffix: string, name: string): MinifloatSpec {
  const fnuz = suffix === 'fnuz';
  const bias = biasText !== undefined ? Number(biasText) : fnuz ? 2 ** (E - 1) : Math.max(1, 2 ** (E - 1) - 1);
  const base = { kind: 'minifloat' as const, id: name, expBits: E, manBits: M, bias, signed: true, rounding: 'rne' as const,
    conversion: 'ml_dtypes' as const, family: 'generic' as const, source: 'numlab name grammar (src/formats/names.ts)' };
  if (suffix === '')
    return { ...base, conversion: 'ieee754', zero: 'signed', inf: 'ieee', nan: 'ieee', overflow: 'inf', description: `IEEE-like E${E}M${M}` };
  if (suffix === 'fn') return { ...base, zero: 'signed', inf: 'none', nan: 'top', overflow: 'nan', description: `finite E${E}M${M}, NaN = all ones` };
  if (fnuz) return { ...base, zero: 'single', inf: 'none', nan: 'negzero', overflow: 'nan', description: `finite E${E}M${M}, NaN = 0x80, no −0` };
  return { ...base, zero: 'signed', inf: 'none', nan: 'none', overflow: 'saturate', description: `E${E}M${M} without specials` };
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** Up to three registered ids (element or block formats) close to `name` (none for names longer than 40 characters). */
export function suggest(name: string): string[] {
  if (name.length > 40) return [];
  const n = name.toLowerCase();
  return [...byId.keys(), ...Object.keys(ALIASES), ...BLOCK_FORMATS.map((b) => b.id)]
    .map((id) => ({ id: ALIASES[id] ?? id, d: levenshtein(n, id) - (id.includes(n) || n.includes(id) ? 2 : 0) }))
    .sort((x, y) => x.d - y.d)
    .filter((x, i, arr) => arr.findIndex((y) => y.id === x.id) === i)
    .slice(0, 3)
    .map((x) => x.id);
}

/**
 * A map that keeps at most `cap` entries, dropping the least recently used: name caches stay bounded
 * however many generated names a caller resolves.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly cap: number) {}
  get size(): number {
    return this.map.size;
  }
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.cap) this.map.delete(this.map.keys().next().value as K);
  }
}

/** Cache size of parsed (unregistered) spellings; registered rows are looked up in byId and never evicted. */
export const NAME_CACHE_SIZE = 256;
const cache = new BoundedCache<string, ElementSpec>(NAME_CACHE_SIZE);

/** @internal (tests) Parsed rows currently cached. */
export function parsedRowCount(): number {
  return cache.size;
}

/**
 * The lookup key of a name: trimmed, lower-cased, aliases replaced by their ids (registered element and
 * block ids are their own keys). UNKNOWN_FORMAT for a non-string.
 */
export function nameKey(name: unknown): string {
  if (typeof name !== 'string') return fail('UNKNOWN_FORMAT', `format name must be a string, got ${typeof name} ${show(name)}`, name);
  const lower = name.trim().toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** Resolve a format name to its (validated, frozen) row; NumlabError UNKNOWN_FORMAT / BAD_FORMAT_PARAMS otherwise. */
export function parseFormatName(name: string): ElementSpec {
  const id = nameKey(name);
  const reg = byId.get(id);
  if (reg) return reg;
  const hit = cache.get(id);
  if (hit) return hit;
  const spec = deepFreeze(resolve(name, id));
  cache.set(id, spec);
  return spec;
}

function resolve(name: string, id: string): ElementSpec {
  const reg = byId.get(id);
  if (reg) return validate(reg);
  let m = /^fp_e(\d+)m(\d+)(?:b(\d+))?(fnuz|fn|fs)?$/.exec(id);
  if (m) return validate(genericMinifloat(Number(m[1]), Number(m[2]), m[3], m[4] ?? '', id));
  m = /^(u?)int(\d+)(_sym)?$/.exec(id);
  if (m) {
    if (m[1] && m[3]) fail('BAD_FORMAT_PARAMS', `format ${show(name)}: narrow range applies to signed formats only`, name);
    return validate(intSpec(Number(m[2]), !m[1], !!m[3]));
  }
  m = /^bipolar(\d+)$/.exec(id);
  if (m) return validate(bipolarSpec(Number(m[1])));
  m = /^binary(\d+)p(\d+)([su])([ef])$/.exec(id);
  if (m) {
    const K = Number(m[1]);
    const P = Number(m[2]);
    const signed = m[3] === 's';
    if (K < 3 || K > 16) fail('BAD_FORMAT_PARAMS', `format ${show(name)}: P3109 needs 3 ≤ K ≤ 16, got K=${K}`, name);
    if (P < 1 || (signed ? P >= K : P > K))
      fail('BAD_FORMAT_PARAMS', `format ${show(name)}: P3109 needs 0 < P ${signed ? '<' : '≤'} K, got P=${P}`, name);
    return validate(p3109Spec(K, P, signed, m[4] === 'e'));
  }
  const s = suggest(name);
  return fail('UNKNOWN_FORMAT', `unknown format ${show(name)}${s.length ? `; did you mean ${s.map((x) => JSON.stringify(x)).join(', ')}?` : ''}`, name);
}
