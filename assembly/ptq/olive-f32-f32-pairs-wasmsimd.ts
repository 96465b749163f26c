// OliVe candidate scoring for one row (spec ptq.md §5; src/ptq/olive.ts is the caller and holds the
// TypeScript twin, which this kernel equals bit for bit). The row starts at an even flattened index,
// so its elements form whole outlier-victim pairs (2p, 2p + 1) for p < npairs.
//
// Per element: d = x / s (f32 division); q = the scan's nearest value, read from the tables by the
// top bits of d's pattern (key = bits >>> shift: `start` when the low bits are 0 — a tie point — else
// `interior`), 0 when |d| is past farBits (also for non-finite d, which makes the kernel return 0).
// q (before the pair rule) goes to qOut. Pair rule: |q| > 32 is an outlier; an outlier in the even
// slot zeroes the odd one, else an outlier in the odd slot zeroes the even one. Error e = f32(f32(v·s) − x),
// e² in f32 to errOut; torch_sum_f32__wasmsimd then adds a row of them in torch's CPU order.

@inline function gather(addr: v128): v128 {
  let v = f32x4.splat(load<f32>(<usize>i32x4.extract_lane(addr, 0)));
  v = f32x4.replace_lane(v, 1, load<f32>(<usize>i32x4.extract_lane(addr, 1)));
  v = f32x4.replace_lane(v, 2, load<f32>(<usize>i32x4.extract_lane(addr, 2)));
  return f32x4.replace_lane(v, 3, load<f32>(<usize>i32x4.extract_lane(addr, 3)));
}

@inline function nearest1(d: f32, interior: usize, start: usize, shift: i32, farBits: i32): f32 {
  const b = reinterpret<i32>(d);
  if ((b & 0x7fffffff) > farBits) return 0;
  const key = <usize>(<u32>b >>> shift) << 2;
  return (b & ((1 << shift) - 1)) == 0 ? load<f32>(start + key) : load<f32>(interior + key);
}

/** Returns 1, or 0 when some d is not finite (the reference's forward is NaN then). */
export function olive_row_f32_pairs__wasmsimd(
  x: usize, npairs: i32, s: f32, interior: usize, start: usize, shift: i32, farBits: i32, qOut: usize, errOut: usize,
): i32 {
  const vs = f32x4.splat(s);
  const lowMask = i32x4.splat((1 << shift) - 1);
  const vfar = i32x4.splat(farBits);
  const absMask = i32x4.splat(0x7fffffff);
  const expAll = i32x4.splat(0x7f800000);
  const delta = i32x4.splat(<i32>(start - interior));
  const vint = i32x4.splat(<i32>interior);
  const t32 = f32x4.splat(32);
  const oddLanes = i32x4(0, -1, 0, -1);
  let bad = i32x4.splat(0);
  const n4 = (npairs >> 1) << 2;
  let i: i32 = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    const xv = v128.load(x + off);
    const b = f32x4.div(xv, vs);
    const isStart = i32x4.eq(v128.and(b, lowMask), i32x4.splat(0));
    const addr = i32x4.add(i32x4.add(vint, i32x4.shl(i32x4.shr_u(b, shift), 2)), v128.and(isStart, delta));
    const ab = v128.and(b, absMask);
    const far = i32x4.gt_s(ab, vfar);
    bad = v128.or(bad, i32x4.ge_s(ab, expAll));
    const q = v128.andnot(gather(addr), far);
    v128.store(qOut + off, q);
    const o = f32x4.gt(f32x4.abs(q), t32);
    const oe = i32x4.shuffle(o, o, 0, 0, 2, 2);
    const oo = i32x4.shuffle(o, o, 1, 1, 3, 3);
    const victim = v128.or(v128.and(oddLanes, oe), v128.andnot(v128.andnot(oo, oddLanes), oe));
    const e = f32x4.sub(f32x4.mul(v128.andnot(q, victim), vs), xv);
    v128.store(errOut + off, f32x4.mul(e, e));
  }
  let ok: i32 = v128.any_true(bad) ? 0 : 1;
  if (i < npairs << 1) {
    const x0 = load<f32>(x + (<usize>i << 2));
    const x1 = load<f32>(x + (<usize>i << 2), 4);
    const d0 = x0 / s;
    const d1 = x1 / s;
    if (!isFinite(d0) || !isFinite(d1)) ok = 0;
    let q0 = nearest1(d0, interior, start, shift, farBits);
    let q1 = nearest1(d1, interior, start, shift, farBits);
    store<f32>(qOut + (<usize>i << 2), q0);
    store<f32>(qOut + (<usize>i << 2), q1, 4);
    if (Mathf.abs(q0) > 32) q1 = 0;
    else if (Mathf.abs(q1) > 32) q0 = 0;
    const e0: f32 = q0 * s - x0;
    const e1: f32 = q1 * s - x1;
    store<f32>(errOut + (<usize>i << 2), e0 * e0);
    store<f32>(errOut + (<usize>i << 2), e1 * e1, 4);
  }
  return ok;
}

// torch's CPU f32 sum (ATen cascade sum, 8-lane build), as torchSumF32 in src/ptq/olive-ref.ts: 8-float
// vectors (two v128 halves), four vector accumulators cascaded over four levels of 2^power groups of
// four vectors, the leftover vectors into accumulator 0, then 1–3 into 0; the scalar tail summed from 0,
// then the 8 lanes in order. n < 8: four scalar accumulators.
const ACC = memory.data(512, 16);

@inline function accAt(level: i32, k: i32, h: i32): usize {
  return ACC + (<usize>(((level << 2) + k) * 2 + h) << 4);
}

@inline function addInto(dst: usize, v: v128): void {
  v128.store(dst, f32x4.add(v128.load(dst), v));
}

export function torch_sum_f32__wasmsimd(p: usize, n: i32): f32 {
  if (n < 8) {
    let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
    const g = n >> 2;
    for (let i = 0; i < g; i++) {
      const b = p + (<usize>i << 4);
      a0 += load<f32>(b);
      a1 += load<f32>(b, 4);
      a2 += load<f32>(b, 8);
      a3 += load<f32>(b, 12);
    }
    for (let i = g << 2; i < n; i++) a0 += load<f32>(p + (<usize>i << 2));
    a0 += a1;
    a0 += a2;
    a0 += a3;
    return a0;
  }
  const vecs = n >> 3;
  const groups = vecs >> 2;
  const cl = groups <= 2 ? 1 : 32 - <i32>clz<u32>(<u32>(groups - 1));
  const power = max(4, cl >> 2);
  const step = 1 << power;
  memory.fill(ACC, 0, 512);
  let i = 0;
  while (i + step <= groups) {
    for (let t = 0; t < step; t++, i++) {
      const b = p + (<usize>i << 7);
      for (let k = 0; k < 4; k++) {
        addInto(accAt(0, k, 0), v128.load(b + (<usize>k << 5)));
        addInto(accAt(0, k, 1), v128.load(b + (<usize>k << 5) + 16));
      }
    }
    for (let j = 1; j < 4; j++) {
      for (let k = 0; k < 4; k++) {
        for (let h = 0; h < 2; h++) {
          addInto(accAt(j, k, h), v128.load(accAt(j - 1, k, h)));
          v128.store(accAt(j - 1, k, h), f32x4.splat(0));
        }
      }
      if ((i & ((step - 1) << (j * power))) != 0) break;
    }
  }
  for (; i < groups; i++) {
    const b = p + (<usize>i << 7);
    for (let k = 0; k < 4; k++) {
      addInto(accAt(0, k, 0), v128.load(b + (<usize>k << 5)));
      addInto(accAt(0, k, 1), v128.load(b + (<usize>k << 5) + 16));
    }
  }
  for (let j = 1; j < 4; j++) for (let k = 0; k < 4; k++) for (let h = 0; h < 2; h++) addInto(accAt(0, k, h), v128.load(accAt(j, k, h)));
  for (let v = groups << 2; v < vecs; v++) {
    const b = p + (<usize>v << 5);
    addInto(accAt(0, 0, 0), v128.load(b));
    addInto(accAt(0, 0, 1), v128.load(b + 16));
  }
  for (let k = 1; k < 4; k++) for (let h = 0; h < 2; h++) addInto(accAt(0, 0, h), v128.load(accAt(0, k, h)));
  let total: f32 = 0;
  for (let k = vecs << 3; k < n; k++) total += load<f32>(p + (<usize>k << 2));
  for (let l = 0; l < 8; l++) total += load<f32>(ACC + (<usize>l << 2));
  return total;
}
