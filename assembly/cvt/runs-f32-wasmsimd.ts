// Run-structured helpers for scaled quantization. Element i (global index first + i) belongs to
// run floor((first + i) / runLen), which owns scales[run] (and zero points, min/max slots).
// Lanes: four f32 per v128 within a run; the ragged part of a run uses the scalar op, which
// rounds identically (IEEE f32 division / multiplication).

/** dst[i] = src[i] / scales[run(i)] */
export function div_f32_runs__wasmsimd(src: usize, dst: usize, n: i32, runLen: i32, scales: usize, first: i32): void {
  let i: i32 = 0;
  while (i < n) {
    const run = (first + i) / runLen;
    const end = min<i32>(n, (run + 1) * runLen - first);
    const s = load<f32>(scales + (<usize>run << 2));
    const vs = f32x4.splat(s);
    for (; i + 4 <= end; i += 4) v128.store(dst + (<usize>i << 2), f32x4.div(v128.load(src + (<usize>i << 2)), vs));
    for (; i < end; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) / s);
  }
}

/** dst[i] = src[i] · scales[run(i)] */
export function mul_f32_runs__wasmsimd(src: usize, dst: usize, n: i32, runLen: i32, scales: usize, first: i32): void {
  let i: i32 = 0;
  while (i < n) {
    const run = (first + i) / runLen;
    const end = min<i32>(n, (run + 1) * runLen - first);
    const s = load<f32>(scales + (<usize>run << 2));
    const vs = f32x4.splat(s);
    for (; i + 4 <= end; i += 4) v128.store(dst + (<usize>i << 2), f32x4.mul(v128.load(src + (<usize>i << 2)), vs));
    for (; i < end; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) * s);
  }
}

/**
 * Per-run minimum and maximum, merged into mins[run] / maxs[run] (callers initialise them to
 * +Inf / −Inf, so runs may span calls). f32x4.min/max propagate NaN, and so does the scalar tail.
 */
export function rminmax_f32_runs__wasmsimd(src: usize, n: i32, runLen: i32, mins: usize, maxs: usize, first: i32): void {
  let i: i32 = 0;
  while (i < n) {
    const run = (first + i) / runLen;
    const end = min<i32>(n, (run + 1) * runLen - first);
    let vmin = f32x4.splat(Infinity);
    let vmax = f32x4.splat(-Infinity);
    for (; i + 4 <= end; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      vmin = f32x4.min(vmin, v);
      vmax = f32x4.max(vmax, v);
    }
    let mn = min<f32>(min<f32>(f32x4.extract_lane(vmin, 0), f32x4.extract_lane(vmin, 1)), min<f32>(f32x4.extract_lane(vmin, 2), f32x4.extract_lane(vmin, 3)));
    let mx = max<f32>(max<f32>(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)), max<f32>(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
    for (; i < end; i++) {
      const x = load<f32>(src + (<usize>i << 2));
      mn = min<f32>(mn, x);
      mx = max<f32>(mx, x);
    }
    const pm = mins + (<usize>run << 2);
    const px = maxs + (<usize>run << 2);
    store<f32>(pm, min<f32>(load<f32>(pm), mn));
    store<f32>(px, max<f32>(load<f32>(px), mx));
  }
}
