// dst[i] = src[i] / s  and  dst[i] = src[i] · s  (f32, correctly rounded; in place allowed).
// Four lanes per v128; the tail runs the scalar op, which rounds identically.

export function div_f32_scalar__wasmsimd(src: usize, dst: usize, n: i32, s: f32): void {
  const vs = f32x4.splat(s);
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.div(v128.load(src + o), vs));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) / s);
}

export function mul_f32_scalar__wasmsimd(src: usize, dst: usize, n: i32, s: f32): void {
  const vs = f32x4.splat(s);
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.mul(v128.load(src + o), vs));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) * s);
}
