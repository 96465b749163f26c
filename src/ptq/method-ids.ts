/**
 * Method format ids (`nupes<b>`, `bitmod3|4`, `olive4|8`): quantization methods that are not format
 * registry rows. One table of families and the widths each accepts, read by GPTQ (src/ptq/quantizers.ts)
 * and by `numlab compare` (src/compare/methods.ts, which adds how each method is measured).
 */
import { fail, show } from '../errors.js';

export type MethodFamily = 'nupes' | 'bitmod' | 'olive';

/** Bit widths each family accepts. */
export const METHOD_BITS: Readonly<Record<MethodFamily, readonly number[]>> = Object.freeze({
  nupes: Object.freeze(Array.from({ length: 15 }, (_, i) => i + 2)),
  bitmod: Object.freeze([3, 4]),
  olive: Object.freeze([4, 8]),
});

/** The family and width a method id names (trimmed, case-insensitive), or null for any other id. A bad width fails. */
export function methodId(id: string): { family: MethodFamily; bits: number } | null {
  const m = /^([a-z]+)(\d+)$/.exec(id.trim().toLowerCase());
  if (!m || !Object.hasOwn(METHOD_BITS, m[1])) return null;
  const family = m[1] as MethodFamily;
  const allowed = METHOD_BITS[family];
  const bits = Number(m[2]);
  if (!allowed.includes(bits)) {
    fail('BAD_OPTION', `${show(id)}: ${family} takes ${allowed.length > 2 ? `${allowed[0]}..${allowed[allowed.length - 1]}` : allowed.join(' or ')} bits, got ${bits}`, id);
  }
  return { family, bits };
}
