import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstNaN } from '../../src/formats/options.js';
import { CHUNK } from '../../src/runtime/wasm.js';

/** NaN payloads: quiet and signalling, both signs. */
const NAN_BITS = [0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fffffff, 0x7fa00000];

describe('firstNaN (WASM scan, chunk by chunk)', () => {
  it('finds the first NaN of any payload at any place, or −1, as a plain scan does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...NAN_BITS)), { maxLength: 3 }),
        fc.float({ noNaN: true }),
        (n, nans, fill) => {
          const x = new Float32Array(n).fill(fill);
          const bits = new Uint32Array(x.buffer);
          for (const [at, b] of nans) if (n > 0) bits[at % n] = b;
          expect(firstNaN(x)).toBe(x.findIndex((v) => Number.isNaN(v)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('across chunk boundaries and in the scalar tail', () => {
    const n = 2 * CHUNK + 19;
    const x = new Float32Array(n).map((_, i) => i - 100);
    expect(firstNaN(x)).toBe(-1);
    for (const at of [0, 15, 16, CHUNK - 1, CHUNK, CHUNK + 3, 2 * CHUNK, n - 3, n - 1]) {
      const y = x.slice();
      y[at] = NaN;
      y[n - 1] = NaN;
      expect(firstNaN(y), `NaN at ${at}`).toBe(at);
    }
    expect(firstNaN(Float32Array.of(Infinity, -Infinity, 0, -0))).toBe(-1);
  });
});
