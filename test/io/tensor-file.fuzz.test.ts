/**
 * Fuzzing both parsers through openTensorSource: random bytes, every truncation of small valid
 * files, bit flips, random byte overwrites and extreme header lengths. Every outcome is a parse
 * whose tensors read back with their declared sizes, or a NumlabError — never another exception,
 * never a hang (each case runs in memory and must settle).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumlabError } from '../../src/errors.js';
import { memorySource } from '../../src/io/source.js';
import { openTensorSource } from '../../src/io/tensor-file.js';
import { encodeSafetensors } from '../../src/io/write.js';
import { npyBytes, safetensorsBytes, u64le } from '../helpers/tensor-bytes.js';

type Outcome = 'parsed' | 'error';

/** Opens and reads every tensor; returns 'parsed' or 'error', failing the test on any non-NumlabError. */
async function outcome(bytes: Uint8Array, name: string): Promise<Outcome> {
  try {
    const f = await openTensorSource(memorySource(bytes, name));
    for (const t of f.tensors) {
      expect(t.offset + t.byteLength).toBeLessThanOrEqual(bytes.length);
      try {
        const r = await f.read(t.name);
        expect(r.data.length).toBe(t.n);
        expect(r.shape).toEqual(t.shape);
      } catch (e) {
        if (!(e instanceof NumlabError)) throw e;
        expect(e.code).toBe('UNSUPPORTED_TENSOR');
      }
    }
    return 'parsed';
  } catch (e) {
    if (!(e instanceof NumlabError)) throw e;
    expect(['MALFORMED_FILE', 'UNSUPPORTED_TENSOR']).toContain(e.code);
    expect(e.message.startsWith(name + ':')).toBe(true);
    return 'error';
  }
}

const F4 = [0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0];
const VALID: [string, Uint8Array][] = [
  ['a.safetensors', encodeSafetensors([{ name: 'w', data: new Float32Array([1, 2, 3]), shape: [3] }, { name: 'h', data: new Float32Array([0.5, -1]), shape: [1, 2], dtype: 'F16' }, { name: 'b', data: new Float32Array([7]), shape: [], dtype: 'BF16' }], { k: 'v' })],
  ['a.npy', npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", F4)],
  ['b.npy', npyBytes(2, "{'descr': '>f2', 'fortran_order': False, 'shape': (1, 2), }", [0x3c, 0, 0xc0, 0], 16)],
  ['c.npy', npyBytes(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", F4)],
];

describe('tensor-file parsers under fuzzing', () => {
  it('the valid seeds parse, and every strict truncation of them is a NumlabError', async () => {
    for (const [name, bytes] of VALID) {
      expect(await outcome(bytes, name), name).toBe('parsed');
      for (let len = 0; len < bytes.length; len++) expect(await outcome(bytes.subarray(0, len), name), `${name} cut at ${len}`).toBe('error');
    }
  });

  it('random bytes (with and without the .npy magic, under either name)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.constantFrom('r.safetensors', 'r.npy', 'r.bin'), async (body, magic, name) => {
        const bytes = magic ? new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1 + (body[0] ?? 0) % 3, 0, ...body]) : body;
        expect(['parsed', 'error']).toContain(await outcome(bytes, name));
      }),
      { numRuns: 2000 },
    );
  });

  it('bit flips and byte overwrites of valid files', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 }), fc.option(fc.integer({ min: 0, max: 255 }))), { minLength: 1, maxLength: 4 }), async ([name, valid], edits) => {
        const bytes = valid.slice();
        for (const [pos, bit, value] of edits) {
          const i = pos % bytes.length;
          bytes[i] = value === null ? bytes[i] ^ (1 << bit) : value;
        }
        expect(['parsed', 'error']).toContain(await outcome(bytes, name));
      }),
      { numRuns: 3000 },
    );
  });

  it('valid and slightly broken safetensors headers: a parse happens exactly when the ranges tile the data and match shape × dtype', async () => {
    const SIZE: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I8: 1 };
    type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };
    const tensor = fc.record({ dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I8'), shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }) });
    // A valid layout (tensors stored in a shuffled order), then maybe one small edit.
    const arb = fc.tuple(fc.uniqueArray(fc.tuple(fc.string({ maxLength: 3 }), tensor), { selector: ([n]) => n, maxLength: 4 }), fc.nat(), fc.nat(), fc.constantFrom('none', 'begin', 'end', 'move', 'gap', 'shape', 'dtype', 'size'), fc.integer({ min: -3, max: 3 }));
    let parsed = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ([tensors, seed, pick, edit, delta]) => {
        const order = tensors.map((_, k) => k).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        const header: Record<string, Entry> = {};
        let dataSize = 0;
        const placed: Entry[] = [];
        for (const k of order) {
          if (edit === 'gap' && k === pick % tensors.length) dataSize += Math.abs(delta); // a hole before this tensor, everything after shifted
          const [name, t] = tensors[k];
          const len = t.shape.reduce((a, d) => a * d, 1) * SIZE[t.dtype];
          header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [dataSize, dataSize + len] };
          placed.push(header[name]);
          dataSize += len;
        }
        const victim = placed.length ? placed[pick % placed.length] : undefined;
        if (edit === 'size' || !victim) dataSize = Math.max(0, dataSize + delta);
        else if (edit === 'begin') victim.data_offsets[0] = Math.max(0, victim.data_offsets[0] + delta);
        else if (edit === 'end') victim.data_offsets[1] = Math.max(0, victim.data_offsets[1] + delta);
        else if (edit === 'move' && victim.data_offsets[0] + delta >= 0) victim.data_offsets = [victim.data_offsets[0] + delta, victim.data_offsets[1] + delta]; // holes, overlaps
        else if (edit === 'shape') victim.shape = [...victim.shape, 2];
        else if (edit === 'dtype') victim.dtype = victim.dtype === 'F32' ? 'F16' : 'F32';
        // Independent check of the format's rules.
        const entries = Object.values(header);
        const sizesOk = entries.every((e) => e.data_offsets[0] <= e.data_offsets[1] && e.shape.reduce((a, d) => a * d, 1) * SIZE[e.dtype] === e.data_offsets[1] - e.data_offsets[0]);
        const sorted = entries.map((e) => e.data_offsets).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        let at = 0;
        let tiles = true;
        for (const [b, e] of sorted) {
          tiles &&= b === at;
          at = e;
        }
        const valid = sizesOk && tiles && at === dataSize;
        const got = await outcome(safetensorsBytes(header, new Uint8Array(dataSize)), 'h.safetensors');
        expect(got).toBe(valid ? 'parsed' : 'error');
        if (got === 'parsed') parsed++;
      }),
      { numRuns: 3000 },
    );
    expect(parsed, 'the generator reaches valid files').toBeGreaterThan(300);
  });

  it('header length fields set to extremes', async () => {
    const [stName, st] = VALID[0];
    for (const len of [0n, 1n, 7n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 100_000_001n, BigInt(st.length)]) {
      const b = st.slice();
      b.set(u64le(len), 0);
      expect(await outcome(b, stName), `safetensors header length ${len}`).toBe('error');
    }
    for (const [name, valid] of VALID.slice(1)) {
      const wide = valid[6] !== 1;
      for (const len of [0, 1, 63, valid.length, 0xffff, 0xffffffff, 2 ** 31]) {
        if (!wide && len > 0xffff) continue;
        const b = valid.slice();
        const dv = new DataView(b.buffer);
        if (wide) dv.setUint32(8, len, true);
        else dv.setUint16(8, len, true);
        expect(await outcome(b, name), `${name} header length ${len}`).toBe('error');
      }
    }
  });
});
