// NaN scan: 1 if any of src[0..n) is NaN, else 0. f32x4.ne(v, v) is one compare per vector (where
// f32x4.min/max, which propagate NaN, cost V8 several instructions each); four vectors per step.

export function anynan_f32__wasmsimd(src: usize, n: i32): i32 {
  let acc = i32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= n; i += 16) {
    const p = src + (<usize>i << 2);
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const c = v128.load(p, 32);
    const d = v128.load(p, 48);
    acc = v128.or(acc, v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(c, c), f32x4.ne(d, d))));
  }
  for (; i + 4 <= n; i += 4) {
    const a = v128.load(src + (<usize>i << 2));
    acc = v128.or(acc, f32x4.ne(a, a));
  }
  let any: i32 = v128.any_true(acc) ? 1 : 0;
  for (; i < n; i++) {
    const x = load<f32>(src + (<usize>i << 2));
    if (x != x) any = 1;
  }
  return any;
}
