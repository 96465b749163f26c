// Register-blocked float64 GEMM update C ±= A·B in f64x2 lanes, for the blocked Cholesky of GPTQ's
// fast mode and the Hessian Xᵀ X (src/ptq/kernels.ts). A: m × k (row stride lda), B: k × n given
// through gemm_f64_pack_b4 (row stride ldb, or read transposed), C: m × n (row stride ldc).
//
// Order: every C[i, j] is the sequential f64 chain v = C[i, j]; v = v ∓ A[i, t]·B[t, j] for t
// ascending (no FMA), stored back — the k chunks of the caller continue the chain through C, so the
// result equals gemmF64Ref (src/ptq/kernels-ref.ts) bit for bit whatever the chunking.
// mode bit 1: subtract (else add). Bit 2: B lower (B[t, j] = 0 for t < j): the chain of column j
// starts at t = j & ~3 (its 4-column tile). Bit 4: only tiles with j >> 2 ≤ i >> 2 (SYRK, lower C).
// Bit 8: A lower (A[i, t] = 0 for t > i): the chain of row i stops after t = i | 3.
// Tiles: 4 rows × 4 columns (8 f64x2 accumulators); A rows packed per call into APACK ([tile][t][4]),
// B in panels of 4 columns [panel][t][4] (zero padded) — or both read in place from a caller's packed
// copy (gemm_f64_4x4_packed: the blocked Cholesky keeps its factor packed); edge tiles go through TILE.

export const MCF: i32 = 128; // rows of A per call (a multiple of 4)
export const KCF: i32 = 256; // k steps per call
const APACK = memory.data(MCF * KCF * 8, 16);
const TILE = memory.data(16 * 8, 16);

/**
 * B rows t0 … t0+kc−1, columns 0 … n−1 into panels dst[p][t − t0][4] (columns past n zero).
 * trans: B[t, j] = b[j·ldb + t], else b[t·ldb + j].
 */
export function gemm_f64_pack_b4__wasmsimd(b: usize, ldb: i32, trans: i32, t0: i32, kc: i32, n: i32, dst: usize): void {
  const np = (n + 3) >> 2;
  const ld = <usize>ldb << 3;
  for (let p: i32 = 0; p < np; p++) {
    const d = dst + <usize>p * (<usize>kc << 5);
    for (let l: i32 = 0; l < 4; l++) {
      const j = 4 * p + l;
      let o = d + (<usize>l << 3);
      if (j >= n) {
        for (let t: i32 = 0; t < kc; t++) { store<f64>(o, 0); o += 32; }
      } else if (trans) {
        let s = b + <usize>j * ld + (<usize>t0 << 3);
        for (let t: i32 = 0; t < kc; t++) { store<f64>(o, load<f64>(s)); o += 32; s += 8; }
      } else {
        let s = b + <usize>t0 * ld + (<usize>j << 3);
        for (let t: i32 = 0; t < kc; t++) { store<f64>(o, load<f64>(s)); o += 32; s += ld; }
      }
    }
  }
}

/**
 * 4 × 4 tile over t in [ts, te) of the packed chunk: a = APACK tile, w = B panel, c0…c3 C rows; SUB:
 * subtract (else add). One k loop per sign (no branch inside it), each product consumed right after it
 * is formed: 8 accumulators + 2 B vectors + splats + products fit V8's 15 allocatable xmm registers
 * (the sign branch inside the loop made TurboFan form all eight products first and spill two
 * accumulators every step; unrolling the loop by two made it hoist the loads and spill four).
 */
function tile4x4(a: usize, w: usize, ts: i32, te: i32, c0: usize, c1: usize, c2: usize, c3: usize, SUB: bool): void {
  let x00 = v128.load(c0), x01 = v128.load(c0, 16), x10 = v128.load(c1), x11 = v128.load(c1, 16);
  let x20 = v128.load(c2), x21 = v128.load(c2, 16), x30 = v128.load(c3), x31 = v128.load(c3, 16);
  let pa = a + (<usize>ts << 5);
  let pw = w + (<usize>ts << 5);
  const pe = w + (<usize>te << 5);
  if (SUB) {
    while (pw < pe) {
      const w0 = v128.load(pw), w1 = v128.load(pw, 16);
      let b = v128.load64_splat(pa);
      x00 = f64x2.sub(x00, f64x2.mul(b, w0)); x01 = f64x2.sub(x01, f64x2.mul(b, w1));
      b = v128.load64_splat(pa, 8);
      x10 = f64x2.sub(x10, f64x2.mul(b, w0)); x11 = f64x2.sub(x11, f64x2.mul(b, w1));
      b = v128.load64_splat(pa, 16);
      x20 = f64x2.sub(x20, f64x2.mul(b, w0)); x21 = f64x2.sub(x21, f64x2.mul(b, w1));
      b = v128.load64_splat(pa, 24);
      x30 = f64x2.sub(x30, f64x2.mul(b, w0)); x31 = f64x2.sub(x31, f64x2.mul(b, w1));
      pa += 32;
      pw += 32;
    }
  } else {
    while (pw < pe) {
      const w0 = v128.load(pw), w1 = v128.load(pw, 16);
      let b = v128.load64_splat(pa);
      x00 = f64x2.add(x00, f64x2.mul(b, w0)); x01 = f64x2.add(x01, f64x2.mul(b, w1));
      b = v128.load64_splat(pa, 8);
      x10 = f64x2.add(x10, f64x2.mul(b, w0)); x11 = f64x2.add(x11, f64x2.mul(b, w1));
      b = v128.load64_splat(pa, 16);
      x20 = f64x2.add(x20, f64x2.mul(b, w0)); x21 = f64x2.add(x21, f64x2.mul(b, w1));
      b = v128.load64_splat(pa, 24);
      x30 = f64x2.add(x30, f64x2.mul(b, w0)); x31 = f64x2.add(x31, f64x2.mul(b, w1));
      pa += 32;
      pw += 32;
    }
  }
  v128.store(c0, x00); v128.store(c0, x01, 16); v128.store(c1, x10); v128.store(c1, x11, 16);
  v128.store(c2, x20); v128.store(c2, x21, 16); v128.store(c3, x30); v128.store(c3, x31, 16);
}

/** One tile, the sign picked outside the t loop. */
@inline function tile(sub: bool, a: usize, w: usize, ts: i32, te: i32, c0: usize, c1: usize, c2: usize, c3: usize): void {
  tile4x4(a, w, ts, te, c0, c1, c2, c3, sub);
}

/**
 * Rows [i0, i1) (i1 − i0 ≤ MCF) of C, all n columns, chain steps t in [t0, t0 + kc) (kc ≤ KCF):
 * A rows i0… at a (stride lda, columns t0 … read), B chunk packed at bp by gemm_f64_pack_b4 for the
 * same t0, kc. Row and column indices are C's own (0-based), as in the mode bits.
 */
export function gemm_f64_4x4__wasmsimd(a: usize, lda: i32, i0: i32, i1: i32, t0: i32, kc: i32, bp: usize, n: i32, c: usize, ldc: i32, mode: i32): void {
  // pack A rows (zero padded to whole tiles): APACK[q][t][l] = A[i0 + 4q + l, t0 + t]
  gemm_f64_pack_b4__wasmsimd(a + <usize>i0 * (<usize>lda << 3), lda, 1, t0, kc, i1 - i0, APACK);
  tiles(APACK, <usize>kc << 5, bp, <usize>kc << 5, i0, i1, t0, kc, n, c, ldc, mode);
}

/**
 * As gemm_f64_4x4 with A and B both already in the packed tile layout, read in place (no packing per
 * call): tile q of A (C rows 4q … 4q+3) at ap + q·aStride holds A[4q + l, t] at byte 32·t + 8·l, panel
 * p of B (C columns 4p … 4p+3) at bp + p·bStride holds B[t, 4p + l] likewise (t global, from 0;
 * rows and columns past the matrices zero). i0 a multiple of 4. Same chains, same bits.
 */
export function gemm_f64_4x4_packed__wasmsimd(ap: usize, aStride: i32, i0: i32, i1: i32, t0: i32, kc: i32, bp: usize, bStride: i32, n: i32, c: usize, ldc: i32, mode: i32): void {
  const ofs = <usize>t0 << 5;
  tiles(ap + <usize>(i0 >> 2) * <usize>aStride + ofs, <usize>aStride, bp + ofs, <usize>bStride, i0, i1, t0, kc, n, c, ldc, mode);
}

/**
 * The tile loops: A tile of C rows i0 + 4q at ap + q·aStride, B panel p at bp + p·bStride, both at
 * chain step t0 (local t = 0).
 */
function tiles(ap: usize, aStride: usize, bp: usize, bStride: usize, i0: i32, i1: i32, t0: i32, kc: i32, n: i32, c: usize, ldc: i32, mode: i32): void {
  const sub = (mode & 1) != 0;
  const lowB = (mode & 2) != 0;
  const triC = (mode & 4) != 0;
  const lowA = (mode & 8) != 0;
  const m = i1 - i0;
  const mt = (m + 3) >> 2;
  const np = (n + 3) >> 2;
  const lc = <usize>ldc << 3;
  for (let p: i32 = 0; p < np; p++) {
    const j = 4 * p;
    // B lower: terms t < j (tile start) are skipped; global t = t0 + local t
    let ts: i32 = 0;
    if (lowB && j > t0) ts = j - t0;
    if (ts >= kc) continue;
    const w = bp + <usize>p * bStride;
    const nc = min(4, n - j);
    for (let q: i32 = 0; q < mt; q++) {
      const i = i0 + 4 * q;
      if (triC && p > (i >> 2)) continue;
      let te = kc;
      if (lowA) te = min(kc, (i | 3) + 1 - t0);
      if (te <= ts) continue;
      const at = ap + <usize>q * aStride;
      const mr = min(4, i1 - i);
      const cp = c + <usize>i * lc + (<usize>j << 3);
      if (mr == 4 && nc == 4) {
        tile(sub, at, w, ts, te, cp, cp + lc, cp + 2 * lc, cp + 3 * lc);
      } else {
        memory.fill(TILE, 0, 128);
        for (let r: i32 = 0; r < mr; r++) for (let l: i32 = 0; l < nc; l++) store<f64>(TILE + (<usize>(4 * r + l) << 3), load<f64>(cp + <usize>r * lc + (<usize>l << 3)));
        tile(sub, at, w, ts, te, TILE, TILE + 32, TILE + 64, TILE + 96);
        for (let r: i32 = 0; r < mr; r++) for (let l: i32 = 0; l < nc; l++) store<f64>(cp + <usize>r * lc + (<usize>l << 3), load<f64>(TILE + (<usize>(4 * r + l) << 3)));
      }
    }
  }
}
