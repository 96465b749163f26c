// f32 GEMM y = a · Wᵀ over W in panels of 8 rows laid out [k][8] (each k step: the 8 weights of
// the panel's rows, one v128 pair). Register-blocked micro-kernels: 4 rows × 8 columns (8 f32x4
// accumulators, one load32_splat of a per row and k) for full row groups, 1 row × 32 columns (four
// panels at once: 8 independent accumulators) for the rows left over and for GEMV (m < 4).
// 4×8 measured faster than 6×8 here (Node 20, V8: 32 against 26 GFLOP/s on 128×1024×4096, the 12
// accumulators of 6×8 leave too few of the 16 xmm registers).
// Cache blocking: rows in blocks of MC, k in chunks of KC (a panel chunk of KC × 8 f32 stays in L1
// while the MC rows pass over it); partial sums go to y between k chunks and are read back.
//
// Summation order: every y[i, j] is the sequential f32 chain s = f32(s + f32(a[i,t] · w[j,t])) for
// t = 0 … k−1 from s = +0 (no FMA: WASM SIMD has none), whichever kernel, tile or chunk computes
// it — y is a function of (a, W) alone, equal bit for bit to src/gemm/gemm-ref.ts matmulF32SeqRef.
//
// Weights come from a "panel source": packed f32 panels (gemm_f32_f32), or low-bit codes decoded
// panel by panel into PANELS (gemm-f32-scaled-panel-wasmsimd.ts, gemm-f32-block-panel-wasmsimd.ts),
// four panels (32 W rows) × KC at a time, reused by every row of the MC block.

export const KC: i32 = 256;
export const MC: i32 = 256; // a multiple of 4
/**
 * k chunk of decoded weights for calls of fewer than 4 rows (GEMV): longer runs per decoder call, as
 * no row block has to keep the panel chunk in L1.
 */
export const KCV: i32 = 1024;
/** Four decoded panels [4][KCV][8] f32, DPS bytes apart. */
export const PANELS = memory.data(4 * KCV * 8 * 4, 16);
export const DPS: usize = <usize>KCV * 32;
const TILE = memory.data(4 * 32 * 4, 16); // edge tiles: y rows/columns past the edge land here

/** 4 rows × 8 columns over kc steps of the panel chunk at w; c0…c3: y tile rows (read back when acc). */
@inline function kernel4x8(a0: usize, a1: usize, a2: usize, a3: usize, w: usize, kc: i32, c0: usize, c1: usize, c2: usize, c3: usize, acc: bool): void {
  let x00 = f32x4.splat(0), x01 = f32x4.splat(0), x10 = f32x4.splat(0), x11 = f32x4.splat(0);
  let x20 = f32x4.splat(0), x21 = f32x4.splat(0), x30 = f32x4.splat(0), x31 = f32x4.splat(0);
  if (acc) {
    x00 = v128.load(c0); x01 = v128.load(c0, 16); x10 = v128.load(c1); x11 = v128.load(c1, 16);
    x20 = v128.load(c2); x21 = v128.load(c2, 16); x30 = v128.load(c3); x31 = v128.load(c3, 16);
  }
  for (let t: i32 = 0; t < kc; t++) {
    const o = <usize>t << 2;
    const w0 = v128.load(w), w1 = v128.load(w, 16);
    let b = v128.load32_splat(a0 + o);
    x00 = f32x4.add(x00, f32x4.mul(b, w0)); x01 = f32x4.add(x01, f32x4.mul(b, w1));
    b = v128.load32_splat(a1 + o);
    x10 = f32x4.add(x10, f32x4.mul(b, w0)); x11 = f32x4.add(x11, f32x4.mul(b, w1));
    b = v128.load32_splat(a2 + o);
    x20 = f32x4.add(x20, f32x4.mul(b, w0)); x21 = f32x4.add(x21, f32x4.mul(b, w1));
    b = v128.load32_splat(a3 + o);
    x30 = f32x4.add(x30, f32x4.mul(b, w0)); x31 = f32x4.add(x31, f32x4.mul(b, w1));
    w += 32;
  }
  v128.store(c0, x00); v128.store(c0, x01, 16); v128.store(c1, x10); v128.store(c1, x11, 16);
  v128.store(c2, x20); v128.store(c2, x21, 16); v128.store(c3, x30); v128.store(c3, x31, 16);
}

/** 1 row × 32 columns: four panel chunks w0…w3 at once; c: 32 consecutive y values (read back when acc). */
@inline function kernel1x32(a0: usize, w0: usize, w1: usize, w2: usize, w3: usize, kc: i32, c: usize, acc: bool): void {
  let x0 = f32x4.splat(0), x1 = f32x4.splat(0), x2 = f32x4.splat(0), x3 = f32x4.splat(0);
  let x4 = f32x4.splat(0), x5 = f32x4.splat(0), x6 = f32x4.splat(0), x7 = f32x4.splat(0);
  if (acc) {
    x0 = v128.load(c); x1 = v128.load(c, 16); x2 = v128.load(c, 32); x3 = v128.load(c, 48);
    x4 = v128.load(c, 64); x5 = v128.load(c, 80); x6 = v128.load(c, 96); x7 = v128.load(c, 112);
  }
  for (let t: i32 = 0; t < kc; t++) {
    const b = v128.load32_splat(a0 + (<usize>t << 2));
    const o = <usize>t << 5;
    x0 = f32x4.add(x0, f32x4.mul(b, v128.load(w0 + o))); x1 = f32x4.add(x1, f32x4.mul(b, v128.load(w0 + o, 16)));
    x2 = f32x4.add(x2, f32x4.mul(b, v128.load(w1 + o))); x3 = f32x4.add(x3, f32x4.mul(b, v128.load(w1 + o, 16)));
    x4 = f32x4.add(x4, f32x4.mul(b, v128.load(w2 + o))); x5 = f32x4.add(x5, f32x4.mul(b, v128.load(w2 + o, 16)));
    x6 = f32x4.add(x6, f32x4.mul(b, v128.load(w3 + o))); x7 = f32x4.add(x7, f32x4.mul(b, v128.load(w3 + o, 16)));
  }
  v128.store(c, x0); v128.store(c, x1, 16); v128.store(c, x2, 32); v128.store(c, x3, 48);
  v128.store(c, x4, 64); v128.store(c, x5, 80); v128.store(c, x6, 96); v128.store(c, x7, 112);
}

/**
 * All rows [i0, i1) of a against one group of np ≤ 4 panels (columns j0 … j0 + nc − 1 of y, nc ≤ 32),
 * k steps [k0, k0 + kc): w(p) = panel p's chunk, panels ps apart. acc: y already holds the sum over [0, k0).
 */
export function gemmPanels(a: usize, lda: i32, i0: i32, i1: i32, k0: i32, kc: i32, w: usize, ps: usize, np: i32,
                           y: usize, ldy: i32, j0: i32, nc: i32, acc: bool): void {
  const ak = a + (<usize>k0 << 2);
  const ly = <usize>ldy << 2;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const a0 = ak + <usize>i * (<usize>lda << 2), la = <usize>lda << 2;
    for (let p: i32 = 0; p < np; p++) {
      const cols = min<i32>(8, nc - 8 * p);
      const wp = w + <usize>p * ps;
      if (cols == 8) {
        const c = y + <usize>i * ly + (<usize>(j0 + 8 * p) << 2);
        kernel4x8(a0, a0 + la, a0 + 2 * la, a0 + 3 * la, wp, kc, c, c + ly, c + 2 * ly, c + 3 * ly, acc);
      } else {
        const c = y + <usize>i * ly + (<usize>(j0 + 8 * p) << 2);
        if (acc) for (let r: i32 = 0; r < 4; r++) memory.copy(TILE + <usize>r * 32, c + <usize>r * ly, <usize>cols << 2);
        kernel4x8(a0, a0 + la, a0 + 2 * la, a0 + 3 * la, wp, kc, TILE, TILE + 32, TILE + 64, TILE + 96, acc);
        for (let r: i32 = 0; r < 4; r++) memory.copy(c + <usize>r * ly, TILE + <usize>r * 32, <usize>cols << 2);
      }
    }
  }
  for (; i < i1; i++) {
    const a0 = ak + <usize>i * (<usize>lda << 2);
    const c = y + <usize>i * ly + (<usize>j0 << 2);
    // panels past np repeat panel 0 (their columns land in TILE and are dropped)
    const w1 = np > 1 ? w + ps : w, w2 = np > 2 ? w + 2 * ps : w, w3 = np > 3 ? w + 3 * ps : w;
    if (nc == 32) kernel1x32(a0, w, w1, w2, w3, kc, c, acc);
    else {
      if (acc) memory.copy(TILE, c, <usize>nc << 2);
      kernel1x32(a0, w, w1, w2, w3, kc, TILE, acc);
      memory.copy(c, TILE, <usize>nc << 2);
    }
  }
}

/**
 * Where the weights of a panel group come from: the address of the panels of W rows j0 … j0 + nc − 1
 * (nc ≤ 32) at k steps [k0, k0 + kc), each panel [kc][8], panels `ps` bytes apart (the driver's ps).
 * Sources read their other parameters from module globals set by their export.
 */
export type PanelSource = (j0: i32, nc: i32, k0: i32, kc: i32) => usize;

/** The loops around the micro-kernels: row blocks of MC, k chunks of kcMax, panel groups of 32 W rows. */
export function gemmDriver(a: usize, m: i32, k: i32, n: i32, y: usize, ldy: i32, kcMax: i32, src: PanelSource, ps: usize): void {
  for (let i0: i32 = 0; i0 < m; i0 += MC) {
    const i1 = min<i32>(m, i0 + MC);
    for (let k0: i32 = 0; k0 < k; k0 += kcMax) {
      const kc = min<i32>(kcMax, k - k0);
      for (let j0: i32 = 0; j0 < n; j0 += 32) {
        const nc = min<i32>(32, n - j0);
        gemmPanels(a, k, i0, i1, k0, kc, src(j0, nc, k0, kc), ps, (nc + 7) >> 3, y, ldy, j0, nc, k0 > 0);
      }
    }
  }
}

const RS: i32 = KCV + 16; // row stride of ROWS (f32)
/** 32 decoded W rows × up to KCV, before their transpose into PANELS. */
const ROWS = memory.data(32 * RS * 4, 16);
/** Decodes W row j at k steps [k0, k0 + kc) as f32 to d (may write up to the next multiple of 16). */
export type RowDecoder = (j: i32, k0: i32, kc: i32, d: usize) => void;

/** The k chunk for decoded weights: KC, or KCV when m < 4. */
export function decodedKc(m: i32): i32 {
  return m < 4 ? KCV : KC;
}

/** A decoded panel group: rows j0 … j0 + nc − 1 decoded by `row` into ROWS, transposed into PANELS (panel stride DPS). */
export function decodedPanels(j0: i32, nc: i32, k0: i32, kc: i32, row: RowDecoder): usize {
  for (let r: i32 = 0; r < nc; r++) row(j0 + r, k0, kc, ROWS + <usize>r * <usize>RS * 4);
  for (let p: i32 = 0; p < (nc + 7) >> 3; p++)
    transposeRows(ROWS + <usize>(8 * p) * <usize>RS * 4, RS, min<i32>(8, nc - 8 * p), 0, kc, PANELS + <usize>p * DPS);
  return PANELS;
}

let gWp: usize = 0, gPs: usize = 0;
function packedPanels(j0: i32, nc: i32, k0: i32, kc: i32): usize {
  return gWp + <usize>(j0 >> 3) * gPs + (<usize>k0 << 5);
}

/**
 * y[m, n] (row stride ldy) = a[m, k] (row stride k) · Wᵀ with W packed as ⌈n/8⌉ panels [k][8]
 * (zero padded past row n), panel p at wp + p·k·32.
 */
export function gemm_f32_f32_4x8__wasmsimd(a: usize, m: i32, k: i32, wp: usize, n: i32, y: usize, ldy: i32): void {
  gWp = wp;
  gPs = <usize>k * 32;
  gemmDriver(a, m, k, n, y, ldy, KC, packedPanels, gPs);
}

/** Packs W [n, k] (row-major f32) rows [r0, r0 + nr) into panels [k][8] at dst (panel of row r0 first; rows past nr zero). */
export function pack_f32_panels__wasmsimd(w: usize, nr: i32, k: i32, dst: usize): void {
  const np = (nr + 7) >> 3;
  for (let p: i32 = 0; p < np; p++) {
    const d = dst + <usize>p * <usize>k * 32;
    const rows = min<i32>(8, nr - 8 * p);
    if (rows < 8) memory.fill(d, 0, <usize>k * 32);
    transposeRows(w + <usize>(8 * p) * (<usize>k << 2), k, rows, 0, k, d);
  }
}

/**
 * Rows r < rows of a row-major f32 block (row stride ld floats) at k steps [t0, t0 + kc) → [kc][8]
 * at d (row r in column r). Four rows × four steps per 4×4 transpose; the rest one value at a time.
 */
export function transposeRows(src: usize, ld: i32, rows: i32, t0: i32, kc: i32, d: usize): void {
  const l = <usize>ld << 2;
  let t = 0;
  if (rows == 8) {
    for (; t + 4 <= kc; t += 4) {
      const s = src + (<usize>(t0 + t) << 2);
      for (let h: i32 = 0; h < 2; h++) {
        const q = s + <usize>(4 * h) * l;
        const r0 = v128.load(q), r1 = v128.load(q + l), r2 = v128.load(q + 2 * l), r3 = v128.load(q + 3 * l);
        const u0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), u1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const u2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), u3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const o = d + (<usize>t << 5) + <usize>(16 * h);
        v128.store(o, i64x2.shuffle(u0, u1, 0, 2));
        v128.store(o, i64x2.shuffle(u0, u1, 1, 3), 32);
        v128.store(o, i64x2.shuffle(u2, u3, 0, 2), 64);
        v128.store(o, i64x2.shuffle(u2, u3, 1, 3), 96);
      }
    }
  }
  for (; t < kc; t++)
    for (let r: i32 = 0; r < rows; r++) store<f32>(d + (<usize>t << 5) + (<usize>r << 2), load<f32>(src + <usize>r * l + (<usize>(t0 + t) << 2)));
}
