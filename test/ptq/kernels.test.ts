// The WASM float64 GPTQ kernels (assembly/ptq/) against their plain-TS twins (src/ptq/kernels-ref.ts),
// bit for bit: odd row counts and channel counts exercise the f64x2 tails; fast-check draws any
// finite doubles up to ±1e150 (subnormals, signed zeros, huge magnitudes; products stay finite).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choleskyInverseKernel, choleskyLowerKernel, f64View, gemmF64, gemmF64PackBytes, gemmF64Packed, gptqLazy, gptqRank1, packedIndex, syrkLower } from '../../src/ptq/kernels.js';
import { choleskyInverseRef, choleskyLowerRef, choleskyUpperOfReversedRef, gemmF64Ref, gptqLazyRef, gptqRank1Ref, syrkLowerRef } from '../../src/ptq/kernels-ref.js';
import { CHOL_BLOCK, choleskyUpperOfReversed } from '../../src/ptq/linalg.js';
import { NumlabError } from '../../src/errors.js';
import { gptq, HessianAccumulator } from '../../src/index.js';
import { runtime } from '../../src/runtime/wasm.js';
import { randMatrix } from '../helpers/ptq.js';

const bytes = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const finiteF64 = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e150, max: 1e150 });

/** Kernel S (lower triangle) against the twin on the scaled column-major batch. */
function checkSyrk(x: Float64Array, rows: number, c: number, k: number): void {
  const got = syrkLower(x, rows, c, k);
  const xs = new Float64Array(rows * c);
  for (let t = 0; t < rows; t++) for (let j = 0; j < c; j++) xs[j * rows + t] = k * x[t * c + j];
  const want = new Float64Array(c * c);
  syrkLowerRef(xs, rows, c, want, c);
  for (let i = 0; i < c; i++) expect(bytes(got.subarray(i * c, i * c + i + 1))).toEqual(bytes(want.subarray(i * c, i * c + i + 1)));
}

function checkLazy(err: Float64Array, rows: number, n: number, u: Float64Array, cols: number, j0: number, w: Float64Array): void {
  const want = Float64Array.from(w);
  gptqLazyRef(err, rows, n, u, cols, j0, cols, want);
  const rt = runtime();
  const got = rt.scoped(() => {
    const pe = rt.alloc(err.length * 8);
    const pu = rt.alloc(u.length * 8);
    const pw = rt.alloc(w.length * 8);
    f64View(rt, pe, err.length).set(err);
    f64View(rt, pu, u.length).set(u);
    f64View(rt, pw, w.length).set(w);
    gptqLazy(rt, pe, rows, n, pu, cols, j0, cols, pw);
    return f64View(rt, pw, w.length).slice();
  });
  expect(bytes(got)).toEqual(bytes(want));
}

describe('syrk_f64_pairs (Hessian Xᵀ X)', () => {
  it('equals the twin bit for bit: even and odd channel counts, 1…37 tokens', () => {
    for (const [rows, c] of [[1, 1], [3, 2], [8, 7], [37, 16], [5, 33], [16, 64]]) checkSyrk(randMatrix(rows * c, rows + 7 * c), rows, c, Math.sqrt(2 / 3));
  });
  it('fast-check: any finite doubles', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.array(finiteF64, { minLength: 81, maxLength: 81 }), (rows, c, v) => {
      checkSyrk(Float64Array.from(v.slice(0, rows * c)), rows, c, 1);
    }), { numRuns: 200 });
  });
});

describe('gptq_lazy_f64 (lazy batch update)', () => {
  it('equals the twin bit for bit: 8-row, pair and single-row paths', () => {
    for (const [rows, n, cols, j0] of [[1, 1, 2, 1], [8, 4, 12, 4], [13, 5, 20, 5], [17, 16, 40, 16], [2, 3, 3, 3]]) {
      checkLazy(randMatrix(rows * n, rows), rows, n, randMatrix(n * cols, n + 1), cols, j0, randMatrix(rows * cols, cols + 2));
    }
  });
  it('fast-check: any finite doubles', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 4 }), fc.array(finiteF64, { minLength: 44 + 32 + 88, maxLength: 44 + 32 + 88 }), (rows, n, v) => {
      const cols = 8;
      checkLazy(Float64Array.from(v.slice(0, rows * n)), rows, n, Float64Array.from(v.slice(44, 44 + n * cols)), cols, n, Float64Array.from(v.slice(76, 76 + rows * cols)));
    }), { numRuns: 200 });
  });
});

/** A lower-triangular n × n with the given entries below the diagonal and |d| + 0.5 on it. */
function lower(v: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) l[i * n + j] = i === j ? Math.abs(v[i * n + j]) + 0.5 : v[i * n + j];
  return l;
}

describe('trsm_f64_pairs + syrk tri (Cholesky inverse)', () => {
  it('equals choleskyInverseRef bit for bit, odd and even n', () => {
    for (const n of [1, 2, 3, 8, 17, 64, 101]) {
      const l = lower(randMatrix(n * n, n), n);
      expect(bytes(choleskyInverseKernel(l, n))).toEqual(bytes(choleskyInverseRef(l, n)));
    }
  });
  it('fast-check: any finite entries (non-zero diagonal)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }), { minLength: 81, maxLength: 81 }), (n, v) => {
      const l = lower(Float64Array.from(v), n);
      expect(bytes(choleskyInverseKernel(l, n))).toEqual(bytes(choleskyInverseRef(l, n)));
    }), { numRuns: 200 });
  });
});

/** The NumlabError fn throws, or null when it returns. */
function errorOf(fn: () => unknown): NumlabError | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof NumlabError) return e;
    throw e;
  }
}

/** A symmetric positive definite n × n: B Bᵀ + n·I from a random B. */
function spd(n: number, seed: number): Float64Array {
  const b = randMatrix(n * n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? n : 0;
    for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
    a[i * n + j] = s;
  }
  return a;
}

describe('chol_f64_pairs (Cholesky–Banachiewicz)', () => {
  it('equals choleskyLowerRef bit for bit (and its transpose), odd and even n', () => {
    for (const n of [1, 2, 3, 8, 17, 64, 101]) {
      const a = spd(n, 3 * n);
      const want = choleskyLowerRef(a, n, 'A');
      expect(bytes(choleskyLowerKernel(a, n, 'A'))).toEqual(bytes(want));
      const u = choleskyLowerKernel(a, n, 'A', true);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Object.is(u[j * n + i], want[i * n + j])).toBe(true);
    }
  });
  it('fast-check: any finite symmetric input, same factor or the same NOT_POSITIVE_DEFINITE error', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }), { minLength: 81, maxLength: 81 }), fc.boolean(), (n, v, boost) => {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = v[i * n + j] + (boost && i === j ? 1e4 : 0);
      const want = errorOf(() => choleskyLowerRef(a, n, 'A'));
      const got = errorOf(() => choleskyLowerKernel(a, n, 'A'));
      if (want) {
        expect(got?.code).toBe('NOT_POSITIVE_DEFINITE');
        expect(got?.message).toBe(want.message);
        expect(got?.value).toEqual(want.value);
      } else expect(bytes(choleskyLowerKernel(a, n, 'A'))).toEqual(bytes(choleskyLowerRef(a, n, 'A')));
    }), { numRuns: 300 });
  });
  it('names the failing pivot: second row of a pair, and the first', () => {
    const a = Float64Array.of(4, 2, 0, 2, 1, 0, 0, 0, 1); // pivot 1: 1 − (2/2)² = 0
    expect(() => choleskyLowerKernel(a, 3, 'H after damping')).toThrowError('H after damping is not positive definite: pivot 1 is 0 (raise percdamp or add calibration data)');
    expect(() => choleskyLowerKernel(Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, -2), 3, 'H')).toThrowError('H is not positive definite: pivot 2 is -2');
  });
});

describe('gptq engines', () => {
  it("'wasm' (default) and 'ts' give the same result bit for bit", () => {
    const [rows, cols, tokens] = [19, 96, 40];
    const W = Float32Array.from(randMatrix(rows * cols, 5));
    const h = new HessianAccumulator(cols).add(randMatrix(tokens * cols, 6), { rows: tokens });
    for (const o of [{ groupSize: 32 }, { actOrder: true, blockSize: 40 }, { format: 'nvfp4', blockSize: 24 }]) {
      const a = gptq(W, h, { shape: [rows, cols], precision: 'float64', ...o });
      const b = gptq(W, h, { shape: [rows, cols], precision: 'float64', ...o, engine: 'ts' });
      expect(bytes(new Float64Array(a.weight))).toEqual(bytes(new Float64Array(b.weight)));
      expect(a.loss).toBe(b.loss);
      expect(a.codes).toEqual(b.codes);
    }
    expect(() => gptq(W, h, { shape: [rows, cols], precision: 'float64', engine: 'gpu' as 'ts' })).toThrowError(/engine must be 'wasm' or 'ts'/);
  });
});

/** gemmF64 (WASM, chunked) against gemmF64Ref on copies of a, b, c (leading dimensions with slack). */
function checkGemm(v: () => number, m: number, n: number, k: number, mode: number, trans: boolean): void {
  const lda = k + 1;
  const ldb = (trans ? k : n) + 3;
  const ldc = n + 2;
  const a = Float64Array.from({ length: m * lda }, v);
  const b = Float64Array.from({ length: (trans ? n : k) * ldb }, v);
  const c = Float64Array.from({ length: m * ldc }, v);
  const want = c.slice();
  gemmF64Ref(a, lda, b, ldb, trans, want, ldc, m, n, k, mode);
  const rt = runtime();
  const got = rt.scoped(() => {
    const pa = rt.alloc(a.length * 8);
    const pb = rt.alloc(b.length * 8);
    const pc = rt.alloc(c.length * 8);
    const pk = rt.alloc(gemmF64PackBytes(n));
    f64View(rt, pa, a.length).set(a);
    f64View(rt, pb, b.length).set(b);
    f64View(rt, pc, c.length).set(c);
    gemmF64(rt, pa, lda, m, pb, ldb, trans, k, n, pc, ldc, mode, pk);
    return f64View(rt, pc, c.length).slice();
  });
  expect(bytes(got)).toEqual(bytes(want));
}

/**
 * gemmF64Packed (A and Bᵀ in the packed tile layout, row length ld = k + 2, pad rows zero) against
 * gemmF64Ref with trans = true on the same values.
 */
function checkGemmPacked(v: () => number, m: number, n: number, k: number, mode: number): void {
  const ld = k + 2;
  const ldc = n + 1;
  const a = Float64Array.from({ length: m * k }, v);
  const b = Float64Array.from({ length: n * k }, v); // Bᵀ: b[j·k + t] = B[t, j]
  const c = Float64Array.from({ length: m * ldc }, v);
  const want = c.slice();
  gemmF64Ref(a, k, b, k, true, want, ldc, m, n, k, mode);
  const packed = (x: Float64Array, rows: number): Float64Array => {
    const p = new Float64Array(((rows + 3) >> 2) * 4 * ld);
    for (let i = 0; i < rows; i++) for (let t = 0; t < k; t++) p[packedIndex(ld, i, t)] = x[i * k + t];
    return p;
  };
  const ap = packed(a, m);
  const bp = packed(b, n);
  const rt = runtime();
  const got = rt.scoped(() => {
    const pa = rt.alloc(ap.length * 8);
    const pb = rt.alloc(bp.length * 8);
    const pc = rt.alloc(c.length * 8);
    f64View(rt, pa, ap.length).set(ap);
    f64View(rt, pb, bp.length).set(bp);
    f64View(rt, pc, c.length).set(c);
    gemmF64Packed(rt, pa, ld, m, pb, ld, k, n, pc, ldc, mode);
    return f64View(rt, pc, c.length).slice();
  });
  expect(bytes(got)).toEqual(bytes(want));
}

describe('gemm_f64_4x4 (blocked Cholesky, fast GPTQ)', () => {
  it('equals gemmF64Ref bit for bit: edge tiles, k and row chunks (k > 256, m > 128), every mode bit', () => {
    const r = randMatrix(1 << 16, 5);
    let i = 0;
    const v = () => r[i++ & 0xffff];
    for (const [m, n, k] of [[1, 1, 1], [5, 7, 3], [4, 4, 4], [133, 9, 300], [9, 70, 520]]) {
      for (let mode = 0; mode < 16; mode++) checkGemm(v, m, n, k, mode, (mode & 1) === 1);
    }
  });
  it('fast-check: any finite doubles, any mode', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(15), fc.boolean(),
      fc.array(finiteF64, { minLength: 64, maxLength: 64 }), (m, n, k, mode, trans, vals) => {
        let i = 0;
        checkGemm(() => vals[i++ & 63], m, n, k, mode, trans);
      }), { numRuns: 300 });
  });
  it('packed operands (gemm_f64_4x4_packed) equal gemmF64Ref bit for bit: edge tiles, k and row chunks, every mode bit', () => {
    const r = randMatrix(1 << 16, 11);
    let i = 0;
    const v = () => r[i++ & 0xffff];
    for (const [m, n, k] of [[1, 1, 1], [5, 7, 3], [4, 4, 4], [133, 9, 300], [9, 70, 520]]) {
      for (let mode = 0; mode < 16; mode++) checkGemmPacked(v, m, n, k, mode);
    }
  });
  it('packed operands, fast-check: any finite doubles, any mode', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(15),
      fc.array(finiteF64, { minLength: 64, maxLength: 64 }), (m, n, k, mode, vals) => {
        let i = 0;
        checkGemmPacked(() => vals[i++ & 63], m, n, k, mode);
      }), { numRuns: 300 });
  });
});

describe('gptq_rank1_f64 (in-block update)', () => {
  it('fast-check: equals gptqRank1Ref bit for bit (both signs, odd rows)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.array(finiteF64, { minLength: 11 + 6 + 66, maxLength: 11 + 6 + 66 }), (rows, n, sub, v) => {
      const x = Float64Array.from(v.slice(0, rows));
      const u = Float64Array.from(v.slice(11, 11 + n));
      const w = Float64Array.from(v.slice(17, 17 + rows * n));
      const want = w.slice();
      gptqRank1Ref(x, rows, want, u, 1, n, sub);
      const rt = runtime();
      const got = rt.scoped(() => {
        const px = rt.alloc(rows * 8);
        const pu = rt.alloc(n * 8);
        const pw = rt.alloc(rows * n * 8);
        f64View(rt, px, rows).set(x);
        f64View(rt, pu, n).set(u);
        f64View(rt, pw, rows * n).set(w);
        gptqRank1(rt, px, rows, pw, pu, 1, n, sub);
        return f64View(rt, pw, rows * n).slice();
      });
      expect(bytes(got)).toEqual(bytes(want));
    }), { numRuns: 300 });
  });
});

/** X Xᵀ + I (n × n, symmetric positive definite) from x [n, k] row-major. */
function gram(x: Float64Array, n: number, k: number): Float64Array {
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let s = i === j ? 1 : 0;
    for (let t = 0; t < k; t++) s += x[i * k + t] * x[j * k + t];
    H[i * n + j] = s;
    H[j * n + i] = s;
  }
  return H;
}

describe('choleskyUpperOfReversed (H = Ũ Ũᵀ, fast GPTQ)', () => {
  it('Ũ is upper with a positive diagonal, Ũ Ũᵀ = H, and Ũ⁻¹ is the exact path\'s chol(H⁻¹) (n across block edges)', () => {
    for (const n of [1, 3, 64, 65, 150]) {
      const x = randMatrix(n * (n + 5), n);
      const H = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = i === j ? 0.5 : 0;
        for (let t = 0; t < n + 5; t++) s += x[i * (n + 5) + t] * x[j * (n + 5) + t];
        H[i * n + j] = s;
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) H[i * n + j] = H[j * n + i];
      const Ut = choleskyUpperOfReversed(H, n, 'H');
      const U = choleskyLowerKernel(choleskyInverseKernel(choleskyLowerKernel(H, n, 'H'), n), n, 'H⁻¹', true);
      let e1 = 0;
      let e2 = 0;
      for (let i = 0; i < n; i++) {
        expect(Ut[i * n + i]).toBeGreaterThan(0);
        for (let j = 0; j < n; j++) {
          if (j < i) expect(Ut[i * n + j]).toBe(0);
          let s = 0;
          let p = 0;
          for (let k = 0; k < n; k++) {
            s += Ut[i * n + k] * Ut[j * n + k];
            p += U[i * n + k] * Ut[k * n + j];
          }
          e1 = Math.max(e1, Math.abs(s - H[i * n + j]) / H[i * n + i]);
          e2 = Math.max(e2, Math.abs(p - (i === j ? 1 : 0)));
        }
      }
      expect(e1).toBeLessThan(1e-12);
      expect(e2).toBeLessThan(1e-9);
    }
  });
  it('not positive definite: NOT_POSITIVE_DEFINITE naming a column of H', () => {
    const H = Float64Array.from([1, 2, 2, 1]);
    expect(() => choleskyUpperOfReversed(H, 2, 'H')).toThrowError(/H is not positive definite: pivot of column 0/);
    expect(() => choleskyUpperOfReversedRef(H, 2, 'H', CHOL_BLOCK)).toThrowError(/H is not positive definite: pivot of column 0/);
  });
  it('equals choleskyUpperOfReversedRef bit for bit (n across block, tile and k-chunk edges)', () => {
    for (const n of [1, 3, 5, 64, 65, 130, 333]) {
      const H = spd(n, n + 1);
      expect(bytes(choleskyUpperOfReversed(H, n, 'H'))).toEqual(bytes(choleskyUpperOfReversedRef(H, n, 'H', CHOL_BLOCK)));
    }
  });
  it('fast-check: equals choleskyUpperOfReversedRef bit for bit on X Xᵀ + I of any bounded doubles', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: 12 * 14, maxLength: 12 * 14 }), (n, v) => {
      const H = gram(Float64Array.from(v), n, 14);
      expect(bytes(choleskyUpperOfReversed(H, n, 'H'))).toEqual(bytes(choleskyUpperOfReversedRef(H, n, 'H', CHOL_BLOCK)));
    }), { numRuns: 200 });
  });
});
