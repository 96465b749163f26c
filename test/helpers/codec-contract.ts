/**
 * The minifloat codec law suite, reusable for any MinifloatFormat:
 *
 *   twin          encode (WASM kernel) equals the reference twin encodeArrayRef on raw-f32 arrays, for every
 *                 rounding mode × saturate value (array lengths 0..100: empty, short and ragged SIMD tails)
 *   qdq           quantize(x) === decode(encode(x)) bit for bit, every mode × saturate value
 *   monotone      x ≤ y ⇒ q(x) ≤ q(y) for non-NaN inputs whose outputs are not NaN, every deterministic mode
 *                 and saturate value; under saturate 'finite' (P3109 SatFinite) no non-NaN input gives NaN
 *   odd           signed formats: q(−x) = −q(x) under the sign-symmetric modes (rne, half_away, toward_zero,
 *                 to_odd, and stochastic with the same seed: P3109 StochasticA looks only at |x|)
 *   unsigned      unsigned formats (instead of odd): a negative finite input quantizes to code 0's value (+0, or
 *                 the least value of a row without zero), or to NaN under saturate false in rows with NaN;
 *                 in ml_dtypes rows with NaN, −Inf to NaN (−infinity() of a row without −Inf), or to code 0
 *                 under saturate 'finite' (P3109 rows keep their own saturation rules)
 *   nearest       rne, in-range x: q(x) is one of x's two grid neighbours, no farther than the other one, so
 *                 |x − q(x)| ≤ half their spacing; on an exact tie the chosen magnitude code is even
 *   idempotent    q(q(x)) = q(x) (NaN stays NaN), every mode × saturate value
 *   codes         encode(decode(c)) = c for every code with a finite value, every mode × saturate value
 *                 (and for ±Inf codes under saturate false/true)
 *
 * The grid and neighbours come from decoding every code through the public codec (helpers/arbitraries.ts),
 * not from the twin. Every property body calls expect(...).
 *
 * assertCodecContract(fmt) registers one vitest test per law in the current describe block (odd for signed
 * rows, unsigned for unsigned ones; each throws when called for the other kind);
 * LAWS exposes the individual law runners.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { decodeArrayRef, encodeArrayRef } from '../../src/formats/minifloat-ref.js';
import type { MinifloatFormat } from '../../src/formats/minifloat.js';
import type { Saturation } from '../../src/formats/policy.js';
import { ROUNDING_MODES, seedWords } from '../../src/formats/rounding.js';
import type { RoundingMode } from '../../src/formats/spec.js';
import { clusterArray, float32ArrayRaw, gridOf, interestingArray, neighbours } from './arbitraries.js';

export const SATURATES = [false, true, 'finite'] as const;
export type SaturateOption = (typeof SATURATES)[number];
export const ROUNDINGS: readonly RoundingMode[] = ROUNDING_MODES;
export const DETERMINISTIC: readonly RoundingMode[] = ROUNDING_MODES.filter((m) => m !== 'stochastic');
/** Modes whose decision depends on |x| only (so q(−x) = −q(x) in signed formats). */
export const SIGN_SYMMETRIC: readonly RoundingMode[] = ['rne', 'half_away', 'toward_zero', 'to_odd', 'stochastic'];

export interface ContractConfig {
  /** fast-check runs per (law, rounding, saturate) combination. */
  numRuns: number;
}

export const satOf = (s: SaturateOption): Saturation => (s === 'finite' ? 'finite' : s ? 'propagate' : 'none');

const u32 = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Index of the first differing element, −1 if equal, −2 on a length mismatch. */
export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Drops NaNs when the format has none (a NaN input is an error there, tested separately). */
function encodable(fmt: MinifloatFormat, x: Float32Array): Float32Array {
  return fmt.limits.hasNaN ? x : x.filter((v) => !Number.isNaN(v));
}

/** Arrays of raw f32 bits or of values near the grid. */
function inputs(fmt: MinifloatFormat): fc.Arbitrary<Float32Array> {
  return fc.oneof(float32ArrayRaw(100), interestingArray(fmt, 100), clusterArray(fmt, 100)).map((x) => encodable(fmt, x));
}

const seedArb = fc.oneof(fc.constant(0), fc.nat(), fc.maxSafeNat());

function describeDiff(x: Float32Array, got: ArrayLike<number>, want: ArrayLike<number>, i: number): string {
  if (i === -1) return 'same';
  if (i === -2) return `length ${got.length} vs ${want.length}`;
  return `x[${i}]=${x[i]} (bits 0x${u32(x)[i].toString(16)}) got ${got[i]} want ${want[i]}`;
}

export const LAWS: Record<string, (fmt: MinifloatFormat, cfg: ContractConfig) => void> = {
  twin(fmt, cfg) {
    for (const rounding of ROUNDINGS)
      for (const saturate of SATURATES)
        fc.assert(
          fc.property(inputs(fmt), seedArb, (x, seed) => {
            const [seedA, seedB] = seedWords(seed);
            const got = fmt.encode(x, { rounding, saturate, seed });
            const want = encodeArrayRef(fmt.spec, x, { rounding, saturate: satOf(saturate), seedA, seedB });
            expect(got).toBeInstanceOf(fmt.codeBytes === 1 ? Uint8Array : Uint16Array);
            expect(`${rounding}/${saturate}: ${describeDiff(x, got, want, firstDiff(got, want))}`).toBe(`${rounding}/${saturate}: same`);
          }),
          { numRuns: cfg.numRuns },
        );
  },

  qdq(fmt, cfg) {
    for (const rounding of ROUNDINGS)
      for (const saturate of SATURATES)
        fc.assert(
          fc.property(inputs(fmt), seedArb, (x, seed) => {
            const o = { rounding, saturate, seed };
            const q = u32(fmt.quantize(x, o));
            const dq = u32(fmt.decode(fmt.encode(x, o)));
            expect(`${rounding}/${saturate}: ${describeDiff(x, q, dq, firstDiff(q, dq))}`).toBe(`${rounding}/${saturate}: same`);
          }),
          { numRuns: cfg.numRuns },
        );
  },

  monotone(fmt, cfg) {
    for (const rounding of DETERMINISTIC)
      for (const saturate of SATURATES)
        fc.assert(
          fc.property(inputs(fmt), (x0) => {
            const x = x0.filter((v) => !Number.isNaN(v)).sort();
            const q = fmt.quantize(x, { rounding, saturate });
            if (saturate === 'finite') expect(q.some((v) => Number.isNaN(v))).toBe(false);
            let bad = '';
            let prev = -1;
            for (let i = 0; i < q.length; i++) {
              if (Number.isNaN(q[i])) continue;
              if (prev >= 0 && !(q[prev] <= q[i])) {
                bad = `${rounding}/${saturate}: x ${x[prev]} ≤ ${x[i]} but q ${q[prev]} > ${q[i]}`;
                break;
              }
              prev = i;
            }
            expect(bad).toBe('');
          }),
          { numRuns: cfg.numRuns },
        );
  },

  odd(fmt, cfg) {
    if (!fmt.spec.signed) throw new Error(`law odd applies to signed rows; ${fmt.id} is unsigned (its law is 'unsigned')`);
    for (const rounding of SIGN_SYMMETRIC)
      for (const saturate of SATURATES)
        fc.assert(
          fc.property(inputs(fmt), seedArb, (x, seed) => {
            const o = { rounding, saturate, seed };
            const neg = x.map((v) => -v);
            const qp = fmt.quantize(x, o);
            const qn = fmt.quantize(neg, o);
            let bad = '';
            for (let i = 0; i < x.length && !bad; i++) {
              const a = qp[i];
              const b = qn[i];
              const ok = Number.isNaN(a) ? Number.isNaN(b) : fmt.limits.hasNegZero ? Object.is(b, -a) : b === -a;
              if (!ok) bad = `${rounding}/${saturate}: q(${x[i]}) = ${a} but q(${neg[i]}) = ${b}`;
            }
            expect(bad).toBe('');
          }),
          { numRuns: cfg.numRuns },
        );
  },

  unsigned(fmt, cfg) {
    if (fmt.spec.signed) throw new Error(`law unsigned applies to unsigned rows; ${fmt.id} is signed (its law is 'odd')`);
    const bottom = fmt.decode(new Uint8Array(1))[0]; // code 0: +0, or the least value of a row without zero
    for (const rounding of ROUNDINGS)
      for (const saturate of SATURATES)
        fc.assert(
          fc.property(inputs(fmt), seedArb, (x0, seed) => {
            const x = x0.filter((v) => v < 0).map((v) => -Math.abs(v));
            const q = fmt.quantize(Float32Array.from(x), { rounding, saturate, seed });
            let bad = '';
            for (let i = 0; i < x.length && !bad; i++) {
              // a negative input has no code of its own: code 0, or NaN under saturate false (NaN rows);
              // −Inf is NaN unless saturate is 'finite' (rows with NaN)
              const ok =
                x[i] === -Infinity && fmt.limits.hasNaN && fmt.spec.conversion !== 'p3109'
                  ? saturate === 'finite' ? Object.is(q[i], bottom) : Number.isNaN(q[i])
                  : Object.is(q[i], bottom) || (saturate === false && fmt.limits.hasNaN && Number.isNaN(q[i]));
              if (!ok) bad = `${rounding}/${saturate}: q(${x[i]}) = ${q[i]}`;
            }
            expect(bad).toBe('');
          }),
          { numRuns: cfg.numRuns },
        );
  },

  nearest(fmt, cfg) {
    const g = gridOf(fmt);
    const L = fmt.limits;
    const lowest = fmt.spec.signed ? -L.max : fmt.spec.zero === 'none' ? g.sorted[0] : 0;
    const magMask = fmt.spec.signed ? 2 ** (L.bits - 1) - 1 : 2 ** L.bits - 1;
    fc.assert(
      fc.property(inputs(fmt), (x0) => {
        const x = x0.filter((v) => v >= lowest && v <= L.max); // drops NaN and out-of-range
        const codes = fmt.encode(x);
        const q = fmt.decode(codes);
        let bad = '';
        for (let i = 0; i < x.length && !bad; i++) {
          const { lo, hi } = neighbours(g, x[i]);
          if (lo === undefined || hi === undefined) {
            bad = `no neighbours for ${x[i]}`;
            break;
          }
          const dq = Math.abs(x[i] - q[i]);
          const other = q[i] === lo ? hi : lo;
          if (q[i] !== lo && q[i] !== hi) bad = `q(${x[i]}) = ${q[i]} is not a neighbour (${lo}, ${hi})`;
          else if (!(dq <= Math.abs(x[i] - other))) bad = `q(${x[i]}) = ${q[i]} is farther than ${other}`;
          else if (!(2 * dq <= hi - lo)) bad = `|x − q| = ${dq} exceeds half the spacing ${hi - lo}`;
          else if (lo !== hi && 2 * Math.abs(x[i] - lo) === hi - lo && (codes[i] & magMask) % 2 !== 0)
            bad = `tie ${x[i]} went to odd code ${codes[i]}`;
        }
        expect(bad).toBe('');
      }),
      { numRuns: cfg.numRuns * 4 },
    );
  },

  idempotent(fmt, cfg) {
    for (const rounding of ROUNDINGS)
      for (const saturate of SATURATES)
        fc.assert(
          fc.property(inputs(fmt), seedArb, (x, seed) => {
            const o = { rounding, saturate, seed };
            const q1 = fmt.quantize(x, o);
            const q2 = fmt.quantize(q1, o);
            const b1 = u32(q1);
            const b2 = u32(q2);
            let bad = '';
            for (let i = 0; i < x.length && !bad; i++) {
              const ok = Number.isNaN(q1[i]) ? Number.isNaN(q2[i]) : b1[i] === b2[i];
              if (!ok) bad = `${rounding}/${saturate}: q(${x[i]}) = ${q1[i]} but q(q) = ${q2[i]}`;
            }
            expect(bad).toBe('');
          }),
          { numRuns: cfg.numRuns },
        );
  },

  codes(fmt) {
    const g = gridOf(fmt);
    const finite = g.values.filter((v) => Number.isFinite(v));
    const finiteCodes = g.codes.filter((_, c) => Number.isFinite(g.values[c]));
    const inf = g.values.filter((v) => v === Infinity || v === -Infinity);
    const infCodes = g.codes.filter((_, c) => g.values[c] === Infinity || g.values[c] === -Infinity);
    for (const rounding of ROUNDINGS)
      for (const saturate of SATURATES) {
        const back = fmt.encode(finite, { rounding, saturate, seed: 3 });
        const i = firstDiff(back, finiteCodes);
        expect(`${rounding}/${saturate}: ${describeDiff(finite, back, finiteCodes, i)}`).toBe(`${rounding}/${saturate}: same`);
        if (saturate !== 'finite') expect([...fmt.encode(inf, { rounding, saturate })]).toEqual([...infCodes]);
      }
  },
};

/** Registers the law suite (one test per law) for `fmt` in the current describe block. */
export function assertCodecContract(fmt: MinifloatFormat, cfg: ContractConfig = { numRuns: 20 }): void {
  const skip = fmt.spec.signed ? 'unsigned' : 'odd'; // the sign law that fits the row
  for (const [name, law] of Object.entries(LAWS)) if (name !== skip) it(`law: ${name}`, () => law(fmt, cfg));
}

/** The twin's decode, for tests that want it (bit patterns of decode). */
export function decodeRef(fmt: MinifloatFormat, codes: Uint8Array | Uint16Array): Float32Array {
  return decodeArrayRef(fmt.spec, codes);
}
