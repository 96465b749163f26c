/** Rounding modes, their kernel numbers, and the random bits of stochastic rounding. */
import { fail, show } from '../errors.js';
import type { RoundingMode } from './spec.js';

/** Kernel numbers (assembly/common/lanes.ts R_*). */
export const ROUNDING_CODES: Record<RoundingMode, number> = {
  rne: 0,
  half_away: 1,
  toward_zero: 2,
  toward_positive: 3,
  toward_negative: 4,
  to_odd: 5,
  stochastic: 6,
};

export const ROUNDING_MODES = Object.keys(ROUNDING_CODES) as RoundingMode[];

export function checkRounding(mode: unknown, allowed: readonly RoundingMode[] = ROUNDING_MODES): RoundingMode {
  if (mode === undefined) return 'rne';
  if (typeof mode !== 'string' || !(allowed as readonly string[]).includes(mode))
    fail('BAD_OPTION', `unknown rounding ${show(mode)}; expected one of ${allowed.join(', ')}`, mode);
  return mode as RoundingMode;
}

/** Split a seed (a non-negative integer below 2^53) into the two u32 words the kernels take. */
export function seedWords(seed: unknown): [number, number] {
  if (seed === undefined) return [0, 0];
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)
    fail('BAD_OPTION', `seed must be a non-negative safe integer, got ${show(seed)}`, seed);
  return [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The 32 random bits of element `index` (taken mod 2^32): fmix32(((index ^ seedA) · 0x9E3779B9) ^ seedB).
 * Counter-based, so results do not depend on how the input is chunked.
 */
export function randomBits(index: number, seedA: number, seedB: number): number {
  return fmix32(Math.imul((index ^ seedA) >>> 0, 0x9e3779b9) ^ seedB);
}

/**
 * Whether a value at exact position `nu` ∈ [0, 1) between two neighbours rounds to the upper
 * (larger-magnitude) one. `loOdd`: the lower neighbour's code is odd; `negative`: sign of the value.
 */
export function roundsUp(mode: RoundingMode, nu: number, loOdd: boolean, negative: boolean, rnd: number): boolean {
  switch (mode) {
    case 'rne':
      return nu > 0.5 || (nu === 0.5 && loOdd);
    case 'half_away':
      return nu >= 0.5;
    case 'toward_zero':
      return false;
    case 'toward_positive':
      return nu > 0 && !negative;
    case 'toward_negative':
      return nu > 0 && negative;
    case 'to_odd':
      return nu > 0 && !loOdd;
    case 'stochastic':
      return Math.floor(nu * 2 ** 32) + rnd >= 2 ** 32;
  }
}
