// The bench's same-run compute peak: f32x4 multiply + add (WASM SIMD has no FMA in the baseline)
// on 12 independent accumulator chains (more than mul + add latency × issue width needs), no memory traffic.
// 2 · 4 · 12 = 96 flops per iteration.

/** Runs `iters` iterations of 12 f32x4 mul+add chains; returns a lane sum so the work is kept. */
export function peak_f32x4_chain12__wasmsimd(iters: i32, seed: f32): f32 {
  const b = f32x4.splat(seed), m = f32x4.splat(0.999999);
  let x0 = f32x4.splat(1), x1 = f32x4.splat(2), x2 = f32x4.splat(3), x3 = f32x4.splat(4);
  let x4 = f32x4.splat(5), x5 = f32x4.splat(6), x6 = f32x4.splat(7), x7 = f32x4.splat(8);
  let x8 = f32x4.splat(9), x9 = f32x4.splat(10), xa = f32x4.splat(11), xb = f32x4.splat(12);
  for (let i: i32 = 0; i < iters; i++) {
    x0 = f32x4.add(f32x4.mul(x0, m), b); x1 = f32x4.add(f32x4.mul(x1, m), b);
    x2 = f32x4.add(f32x4.mul(x2, m), b); x3 = f32x4.add(f32x4.mul(x3, m), b);
    x4 = f32x4.add(f32x4.mul(x4, m), b); x5 = f32x4.add(f32x4.mul(x5, m), b);
    x6 = f32x4.add(f32x4.mul(x6, m), b); x7 = f32x4.add(f32x4.mul(x7, m), b);
    x8 = f32x4.add(f32x4.mul(x8, m), b); x9 = f32x4.add(f32x4.mul(x9, m), b);
    xa = f32x4.add(f32x4.mul(xa, m), b); xb = f32x4.add(f32x4.mul(xb, m), b);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(x0, x1), f32x4.add(x2, x3)), f32x4.add(f32x4.add(f32x4.add(x4, x5), f32x4.add(x6, x7)), f32x4.add(f32x4.add(x8, x9), f32x4.add(xa, xb))));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
