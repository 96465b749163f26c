// The bit-packing kernels against the reference twin, bit for bit: every length 0..70 for every
// width (random, all-zero and all-max codes, and arbitrary packed bytes), lengths around the
// streaming chunk, fast-check properties up to 200 000 codes, fixed worked examples
// (docs/packing.md) and every error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pack, packedLength, packRef, packSplit42, packSplit42Ref, packWords, unpack, unpackRef, unpackSplit42, unpackSplit42Ref, unpackWords,
} from '../../src/formats/packing.js';
import { packWordsRef, unpackWordsRef } from '../../src/formats/block-ref.js';
import { CHUNK } from '../../src/runtime/wasm.js';
import { firstBitDiff } from '../helpers/f32.js';
import { thrown as errorOf } from '../helpers/errors.js';
import { mulberry32 } from '../helpers/rng.js';

const BITS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

const rng = mulberry32;

function randomCodes(n: number, bits: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r() & ((1 << bits) - 1);
  return out;
}

/** Random packed bytes for n codes of b bits, with the padding bits of the last byte cleared. */
function randomPacked(n: number, bits: number, seed: number): Uint8Array {
  const out = randomCodes(Math.ceil((n * bits) / 8), 8, seed);
  const used = (n * bits) % 8;
  if (used !== 0) out[out.length - 1] &= (1 << used) - 1;
  return out;
}

function patterns(n: number, bits: number, seed: number): [string, Uint8Array][] {
  return [
    ['random', randomCodes(n, bits, seed)],
    ['zeros', new Uint8Array(n)],
    ['ones', new Uint8Array(n).fill((1 << bits) - 1)],
    ['alternating', Uint8Array.from({ length: n }, (_, i) => (i & 1 ? (1 << bits) - 1 : 0))],
  ];
}

/** 'same', or where and how two byte arrays differ. */
function diff(got: Uint8Array, want: Uint8Array): string {
  const i = firstBitDiff(got, want);
  if (i === -1) return 'same';
  if (i === -2) return `length ${got.length} vs ${want.length}`;
  return `index ${i}: got 0x${got[i].toString(16)} want 0x${want[i].toString(16)}`;
}

function hexBytes(a: Uint8Array): number[] {
  return Array.from(a);
}


describe('worked examples (docs/packing.md)', () => {
  const cases: [number, number[], number[]][] = [
    [1, [1, 0, 1, 1, 0, 0, 0, 0, 1], [0x0d, 0x01]],
    [2, [1, 2, 3, 0, 3], [0x39, 0x03]],
    [3, [7, 0, 5], [0x47, 0x01]],
    [4, [1, 2, 3], [0x21, 0x03]],
    [4, [0xa, 0x5, 0xf, 0x0], [0x5a, 0x0f]],
    [6, [0x3f, 0, 0, 0], [0x3f, 0, 0]],
    [6, [0, 0x3f, 0, 0], [0xc0, 0x0f, 0]],
    [6, [0, 0, 0x3f, 0], [0, 0xf0, 0x03]],
    [6, [0, 0, 0, 0x3f], [0, 0, 0xfc]],
    [6, [0x01, 0x02, 0x03, 0x04], [0x81, 0x30, 0x10]],
    [6, [0x21, 0x12], [0xa1, 0x04]],
    [8, [0, 0x80, 0xff], [0, 0x80, 0xff]],
  ];
  it.each(cases)('b=%i codes %j → bytes %j', (b, codes, bytes) => {
    const c = Uint8Array.from(codes);
    expect(hexBytes(pack(c, b))).toEqual(bytes);
    expect(hexBytes(packRef(c, b))).toEqual(bytes);
    expect(hexBytes(unpack(Uint8Array.from(bytes), b, codes.length))).toEqual(codes);
    expect(hexBytes(unpackRef(Uint8Array.from(bytes), b, codes.length))).toEqual(codes);
  });

  it('b=6: four codes are three bytes by the FP6 formula', () => {
    const r = rng(6);
    for (let t = 0; t < 1000; t++) {
      const c = [r() & 63, r() & 63, r() & 63, r() & 63];
      const want = [c[0] | ((c[1] & 3) << 6), (c[1] >> 2) | ((c[2] & 15) << 4), (c[2] >> 4) | (c[3] << 2)];
      expect(hexBytes(pack(Uint8Array.from(c), 6))).toEqual(want);
    }
  });

  it('4+2 split: hi4 = code & 0xF, lo2 = code >> 4', () => {
    const c = Uint8Array.from([0x3f, 0x10, 0x25, 0x0a, 0x30]);
    const s = packSplit42(c);
    expect(hexBytes(s.hi4)).toEqual([0x0f, 0xa5, 0x00]);
    expect(hexBytes(s.lo2)).toEqual([0x27, 0x03]);
    const r = packSplit42Ref(c);
    expect([hexBytes(r.hi4), hexBytes(r.lo2)]).toEqual([[0x0f, 0xa5, 0x00], [0x27, 0x03]]);
    expect(hexBytes(unpackSplit42(s.hi4, s.lo2, 5))).toEqual(hexBytes(c));
    // the planes are exactly pack(code & 15, 4) and pack(code >> 4, 2)
    expect(hexBytes(s.hi4)).toEqual(hexBytes(pack(c.map((x) => x & 15), 4)));
    expect(hexBytes(s.lo2)).toEqual(hexBytes(pack(c.map((x) => x >> 4), 2)));
  });

  it('packedLength is ⌈n·b/8⌉', () => {
    expect(packedLength(0, 3)).toBe(0);
    expect(packedLength(4, 6)).toBe(3);
    expect(packedLength(5, 6)).toBe(4);
    expect(packedLength(9, 1)).toBe(2);
    expect(packedLength(3, 8)).toBe(3);
  });
});

describe.each(BITS.map((b) => [b] as const))('b=%i: every n in 0..70', (b) => {
  it('kernel pack = reference pack, and unpack inverts it', () => {
    for (let n = 0; n <= 70; n++)
      for (const [name, c] of patterns(n, b, 1000 * b + n)) {
        const got = pack(c, b);
        const want = packRef(c, b);
        expect([n, name, diff(got, want)]).toEqual([n, name, 'same']);
        expect([n, name, diff(unpack(got, b, n), c)]).toEqual([n, name, 'same']);
        expect([n, name, diff(unpackRef(got, b, n), c)]).toEqual([n, name, 'same']);
      }
  });

  it('kernel unpack = reference unpack on arbitrary packed bytes', () => {
    for (let n = 0; n <= 70; n++)
      for (let s = 0; s < 4; s++) {
        const p = randomPacked(n, b, 7919 * n + 31 * b + s);
        const got = unpack(p, b, n);
        expect([n, diff(got, unpackRef(p, b, n))]).toEqual([n, 'same']);
        expect([n, diff(pack(got, b), p)]).toEqual([n, 'same']);
      }
  });
});

describe('4+2 split: every n in 0..70', () => {
  it('kernel planes = reference planes, and unpackSplit42 inverts them', () => {
    for (let n = 0; n <= 70; n++)
      for (const [name, c] of patterns(n, 6, 77 + n)) {
        const got = packSplit42(c);
        const want = packSplit42Ref(c);
        expect([n, name, diff(got.hi4, want.hi4), diff(got.lo2, want.lo2)]).toEqual([n, name, 'same', 'same']);
        expect([n, name, diff(unpackSplit42(got.hi4, got.lo2, n), c)]).toEqual([n, name, 'same']);
        expect([n, name, diff(unpackSplit42Ref(got.hi4, got.lo2, n), c)]).toEqual([n, name, 'same']);
      }
  });

  it('kernel join = reference join on arbitrary planes', () => {
    for (let n = 0; n <= 70; n++) {
      const h = randomPacked(n, 4, 3 * n + 1);
      const l = randomPacked(n, 2, 5 * n + 2);
      expect([n, diff(unpackSplit42(h, l, n), unpackSplit42Ref(h, l, n))]).toEqual([n, 'same']);
    }
  });
});

describe('lengths around the streaming chunk', () => {
  const lengths = [CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 63, 2 * CHUNK + 65, 200_000];
  it.each(BITS.map((b) => [b] as const))('b=%i', (b) => {
    for (const n of lengths) {
      const c = randomCodes(n, b, n + b);
      const got = pack(c, b);
      expect([n, diff(got, packRef(c, b))]).toEqual([n, 'same']);
      expect([n, diff(unpack(got, b, n), c)]).toEqual([n, 'same']);
    }
  });
  it('4+2 split', () => {
    for (const n of lengths) {
      const c = randomCodes(n, 6, n);
      const got = packSplit42(c);
      const want = packSplit42Ref(c);
      expect([n, diff(got.hi4, want.hi4), diff(got.lo2, want.lo2)]).toEqual([n, 'same', 'same']);
      expect([n, diff(unpackSplit42(got.hi4, got.lo2, n), c)]).toEqual([n, 'same']);
    }
  });
});

describe('fast-check properties', () => {
  const length = fc.oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 200_000 }),
    fc.constantFrom(CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7, 200_000),
  );
  const bits = fc.constantFrom(...BITS);

  it('unpack(pack(c)) = c and kernel pack = reference pack', () => {
    fc.assert(
      fc.property(bits, length, fc.nat(), (b, n, seed) => {
        const c = randomCodes(n, b, seed);
        const p = pack(c, b);
        expect(diff(p, packRef(c, b))).toBe('same');
        expect(diff(unpack(p, b, n), c)).toBe('same');
      }),
      { numRuns: 60 },
    );
  });

  it('kernel unpack = reference unpack on arbitrary packed bytes', () => {
    fc.assert(
      fc.property(bits, length, fc.nat(), (b, n, seed) => {
        const p = randomPacked(n, b, seed);
        expect(diff(unpack(p, b, n), unpackRef(p, b, n))).toBe('same');
      }),
      { numRuns: 40 },
    );
  });

  it('small arrays straight from fast-check: kernel = reference, round trip', () => {
    fc.assert(
      fc.property(
        bits.chain((b) => fc.tuple(fc.constant(b), fc.uint8Array({ max: (1 << b) - 1, maxLength: 200 }))),
        ([b, c]) => {
          const p = pack(c, b);
          expect(diff(p, packRef(c, b))).toBe('same');
          expect(diff(unpack(p, b, c.length), c)).toBe('same');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('4+2 split: kernel planes = reference planes, and the join inverts them', () => {
    fc.assert(
      fc.property(length, fc.nat(), (n, seed) => {
        const c = randomCodes(n, 6, seed);
        const s = packSplit42(c);
        const r = packSplit42Ref(c);
        expect(diff(s.hi4, r.hi4)).toBe('same');
        expect(diff(s.lo2, r.lo2)).toBe('same');
        expect(diff(unpackSplit42(s.hi4, s.lo2, n), c)).toBe('same');
      }),
      { numRuns: 40 },
    );
  });
});

describe('words of 9 … 24 bits (wide BFP codes)', () => {
  it('packWords / unpackWords (the codec) equal the bit-by-bit packWordsRef / unpackWordsRef (the block twin) and round-trip', () => {
    fc.assert(fc.property(fc.integer({ min: 9, max: 24 }).chain((b) => fc.tuple(fc.constant(b), fc.array(fc.integer({ min: 0, max: 2 ** b - 1 }), { maxLength: 70 }))), ([b, cs]) => {
      const codes = Uint32Array.from(cs);
      const packed = packWords(codes, b);
      expect(packed.length).toBe(Math.ceil((cs.length * b) / 8));
      expect(Buffer.from(packed).toString('hex')).toBe(Buffer.from(packWordsRef(codes, b)).toString('hex'));
      expect(Array.from(unpackWordsRef(packed, b, codes.length))).toEqual(cs);
      expect(Array.from(unpackWords(packed, b, codes.length))).toEqual(cs);
    }), { numRuns: 500 });
  });
  it('16-bit words are little-endian u16s, 24-bit words three bytes each; 12-bit words share a byte', () => {
    expect(Array.from(packWords(Uint32Array.of(0x1234, 0xabcd), 16))).toEqual([0x34, 0x12, 0xcd, 0xab]);
    expect(Array.from(packWords(Uint32Array.of(0x800000, 0x123456), 24))).toEqual([0x00, 0x00, 0x80, 0x56, 0x34, 0x12]);
    expect(Array.from(packWords(Uint32Array.of(0xabc, 0x123), 12))).toEqual([0xbc, 0x3a, 0x12]);
    expect(Array.from(unpackWords(Uint8Array.of(0xbc, 0x3a, 0x12), 12, 2))).toEqual([0xabc, 0x123]);
  });
});

describe('errors', () => {
  const badBits: unknown[] = [0, 9, -1, 2.5, NaN, Infinity, '4', undefined, null];
  it.each(badBits.map((b) => [b]))('bits %s → BAD_OPTION', (b) => {
    for (const f of [
      () => pack(new Uint8Array(4), b as number),
      () => packRef(new Uint8Array(4), b as number),
      () => unpack(new Uint8Array(1), b as number, 1),
      () => unpackRef(new Uint8Array(1), b as number, 1),
      () => packedLength(4, b as number),
    ]) {
      const e = errorOf(f);
      expect(e.code).toBe('BAD_OPTION');
      expect(Object.is(e.value, b)).toBe(true);
    }
  });

  it.each(BITS.filter((b) => b < 8).map((b) => [b]))('b=%i: a code ≥ 2^b → BAD_CODE naming index and value', (b) => {
    for (const [n, at] of [[1, 0], [70, 69], [64, 5], [200_000, 150_000], [CHUNK + 1, CHUNK]] as const)
      for (const v of [1 << b, 255]) {
        const c = randomCodes(n, b, n);
        c[at] = v;
        for (const f of [() => pack(c, b), () => packRef(c, b)]) {
          const e = errorOf(f);
          expect(e.code).toBe('BAD_CODE');
          expect(e.value).toBe(v);
          expect(e.message).toContain(`index ${at}`);
          expect(e.message).toContain(`code ${v}`);
        }
      }
  });

  it('b=6 split: a code ≥ 64 → BAD_CODE naming index and value', () => {
    for (const [n, at] of [[1, 0], [5, 3], [70, 64], [200_000, 131_073]] as const)
      for (const v of [64, 0x80, 255]) {
        const c = randomCodes(n, 6, n);
        c[at] = v;
        for (const f of [() => packSplit42(c), () => packSplit42Ref(c)]) {
          const e = errorOf(f);
          expect(e.code).toBe('BAD_CODE');
          expect(e.value).toBe(v);
          expect(e.message).toContain(`index ${at}`);
        }
      }
  });

  it('packed length ≠ ⌈n·b/8⌉ → BAD_LENGTH', () => {
    for (const b of BITS)
      for (const n of [0, 1, 7, 8, 9, 70]) {
        const want = Math.ceil((n * b) / 8);
        for (const len of [want - 1, want + 1, want + 8].filter((x) => x >= 0))
          for (const f of [() => unpack(new Uint8Array(len), b, n), () => unpackRef(new Uint8Array(len), b, n)]) {
            const e = errorOf(f);
            expect(e.code).toBe('BAD_LENGTH');
            expect(e.value).toBe(len);
          }
      }
  });

  it('bad element counts → BAD_LENGTH', () => {
    for (const n of [-1, 2.5, NaN, Infinity, '3', undefined]) {
      for (const f of [
        () => unpack(new Uint8Array(3), 8, n as number),
        () => unpackSplit42(new Uint8Array(2), new Uint8Array(1), n as number),
        () => packedLength(n as number, 4),
      ]) {
        const e = errorOf(f);
        expect(e.code).toBe('BAD_LENGTH');
        expect(Object.is(e.value, n)).toBe(true);
      }
    }
  });

  it('split planes of the wrong length → BAD_LENGTH naming the plane', () => {
    for (const n of [1, 4, 5, 64, 70]) {
      const h = Math.ceil(n / 2);
      const l = Math.ceil(n / 4);
      for (const [hl, ll, plane] of [[h + 1, l, 'hi4'], [h - 1, l, 'hi4'], [h, l + 1, 'lo2'], [h, l - 1, 'lo2']] as const)
        for (const f of [
          () => unpackSplit42(new Uint8Array(hl), new Uint8Array(ll), n),
          () => unpackSplit42Ref(new Uint8Array(hl), new Uint8Array(ll), n),
        ]) {
          const e = errorOf(f);
          expect(e.code).toBe('BAD_LENGTH');
          expect(e.message.startsWith(plane)).toBe(true);
        }
    }
  });

  it('non-zero padding bits in the last byte → BAD_CODE (never silently dropped)', () => {
    for (const b of BITS)
      for (const n of [1, 3, 5, 7, 9, 69]) {
        const used = (n * b) % 8;
        if (used === 0) continue;
        const p = pack(randomCodes(n, b, n), b);
        p[p.length - 1] |= 0x80;
        for (const f of [() => unpack(p, b, n), () => unpackRef(p, b, n)]) {
          const e = errorOf(f);
          expect(e.code).toBe('BAD_CODE');
          expect(e.value).toBe(p[p.length - 1]);
        }
      }
    const s = packSplit42(Uint8Array.from([1, 2, 3]));
    s.hi4[1] |= 0x10;
    expect(errorOf(() => unpackSplit42(s.hi4, s.lo2, 3)).code).toBe('BAD_CODE');
    const t = packSplit42(Uint8Array.from([0x30, 0x20, 0x10]));
    t.lo2[0] |= 0x40;
    expect(errorOf(() => unpackSplit42(t.hi4, t.lo2, 3)).code).toBe('BAD_CODE');
    expect(errorOf(() => unpackSplit42Ref(t.hi4, t.lo2, 3)).code).toBe('BAD_CODE');
  });

  it('wrong array types → BAD_TYPE', () => {
    const bad: unknown[] = [new Int8Array(4), new Uint16Array(4), new Uint8ClampedArray(4), [1, 2, 3, 4], null, 'abcd', new ArrayBuffer(4)];
    for (const a of bad) {
      for (const f of [
        () => pack(a as Uint8Array, 4),
        () => packRef(a as Uint8Array, 4),
        () => unpack(a as Uint8Array, 8, 4),
        () => unpackRef(a as Uint8Array, 8, 4),
        () => packSplit42(a as Uint8Array),
        () => packSplit42Ref(a as Uint8Array),
        () => unpackSplit42(a as Uint8Array, new Uint8Array(1), 4),
        () => unpackSplit42(new Uint8Array(2), a as Uint8Array, 4),
        () => unpackSplit42Ref(a as Uint8Array, new Uint8Array(1), 4),
      ]) {
        const e = errorOf(f);
        expect(e.code).toBe('BAD_TYPE');
        expect(e.value).toBe(a);
      }
    }
  });

  it('accepts Uint8Array subclasses and views at an offset', () => {
    const base = randomCodes(100, 5, 9);
    const view = base.subarray(13, 90);
    expect(diff(pack(view, 5), packRef(Uint8Array.from(view), 5))).toBe('same');
    const buf = Buffer.from(base.subarray(0, 40).map((x) => x & 15));
    expect(diff(pack(buf, 4), packRef(Uint8Array.from(buf), 4))).toBe('same');
  });
});
