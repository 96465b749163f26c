// The GEMM reference twins (src/gemm/gemm-ref.ts) on hand-worked cases: γ_k, the sequential f32
// order (a sum the float64 GEMM rounds differently), signed zeros, the Σ|a||w| bound term, the
// dequantization by the formats' reference decoders, the int8 path's codes and epilogue, and MX × MX
// (elements times the product of the two E8M0 scales, NaN scales), and the GEMV kernel's twin (group
// sums scaled once per group; the byte multiplier c).
import { describe, expect, it } from 'vitest';
import { dequantizeRef, gammaK, gemvMultiplier, matmulF32SeqRef, matmulF64Ref, matmulInt8Ref, matmulMxRef, matmulQ4Ref } from '../../src/gemm/gemm-ref.js';
import { format, type ElementFormat, type ScaledEncoding } from '../../src/index.js';

const u = 2 ** -24;

describe('gemm reference twins', () => {
  it('γ_k = k·u/(1 − k·u), infinite once k·u ≥ 1', () => {
    expect(gammaK(1)).toBe(u / (1 - u));
    expect(gammaK(4096)).toBe((4096 * u) / (1 - 4096 * u));
    expect(gammaK(2 ** 24)).toBe(Infinity);
  });

  it('sequential f32: 1 + 2^−24 + 2^−24 stays 1 (ties to even), float64 gives 1 + 2^−23, within γ_3·Σ|a||w|', () => {
    const a = Float32Array.of(1, u, u), w = Float32Array.of(1, 1, 1);
    expect(matmulF32SeqRef(a, w, 1, 1, 3)[0]).toBe(1);
    const { y, abs } = matmulF64Ref(a, w, 1, 1, 3);
    expect(y[0]).toBe(1 + 2 ** -23);
    expect(abs[0]).toBe(1 + 2 ** -23);
    expect(Math.abs(1 - y[0])).toBeLessThanOrEqual(gammaK(3) * abs[0]);
    // the other order rounds differently: 2^−24 + 2^−24 + 1 = 1 + 2^−23 exactly
    expect(matmulF32SeqRef(Float32Array.of(u, u, 1), w, 1, 1, 3)[0]).toBe(1 + 2 ** -23);
  });

  it('products are rounded to f32 before the sum; the sum starts at +0 (so −0 · 1 gives +0)', () => {
    const a = Float32Array.of(1 + 2 ** -12), w = Float32Array.of(1 + 2 ** -12); // exact square needs 25 bits
    expect(matmulF32SeqRef(a, w, 1, 1, 1)[0]).toBe(Math.fround((1 + 2 ** -12) ** 2));
    expect(Math.fround((1 + 2 ** -12) ** 2)).not.toBe((1 + 2 ** -12) ** 2);
    expect(Object.is(matmulF32SeqRef(Float32Array.of(-0), Float32Array.of(1), 1, 1, 1)[0], 0)).toBe(true);
  });

  it('row-major shapes: y[i, j] = Σ_t a[i, t] w[j, t]', () => {
    const a = Float32Array.of(1, 2, 3, 4, 5, 6); // [2, 3]
    const w = Float32Array.of(1, 0, -1, 2, 2, 2); // [2, 3]
    expect(Array.from(matmulF32SeqRef(a, w, 2, 2, 3))).toEqual([-2, 12, -2, 30]);
    expect(Array.from(matmulF64Ref(a, w, 2, 2, 3).abs)).toEqual([4, 12, 10, 30]);
  });

  it('dequantizeRef: the formats\' reference decoders', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const s = (format('int4') as ElementFormat).encodeScaled(x, { shape: [2, 32], axis: 1, groupSize: 16 });
    expect(Array.from(dequantizeRef(s))).toEqual(Array.from(format('int4').decodeScaled(s)));
    const b = format('mxfp4').encode(x, { shape: [2, 32] });
    expect(Array.from(dequantizeRef(b))).toEqual(Array.from(format('mxfp4').decode(b)));
  });

  it('int8 twin: codes rne(a / f32(amax/127)), exact integer sum, y = f32(f32(d) · f32(sa · sw))', () => {
    // a row [1, −0.5]: sa = f32(1/127), codes 127 and rne(−63.5) = −64; W row [1, 1] per channel: sw = f32(1/127), codes 127, 127
    const a = Float32Array.of(1, -0.5);
    const w = (format('int8') as ElementFormat).encodeScaled(Float32Array.of(1, 1), { shape: [1, 2], axis: 0, granularity: 'channel' });
    expect(Array.from(w.codes)).toEqual([127, 127]);
    const f = Math.fround;
    const d = 127 * 127 + -64 * 127;
    expect(matmulInt8Ref(a, w, 1, 1, 2)[0]).toBe(f(f(d) * f(f(1 / 127) * f(1 / 127))));
  });

  it('MX × MX twin: Σ over blocks of (element dot product) · 2^(ea + ew); a NaN scale makes its block NaN', () => {
    // a: 33 ones (mxint8: amax 1, scale 2^0, elements 1); W: 33 × 0.5 (mxfp4: scale 2^(−1 − 2), elements 4)
    const k = 33;
    const a = new Float32Array(k).fill(1), W = new Float32Array(k).fill(0.5);
    const e = format('mxfp4').encode(W, { shape: [1, k] });
    expect(Array.from(e.scales)).toEqual([127 - 3, 127 - 3]);
    expect(matmulMxRef(a, 'mxint8', e, 1, 1, k)[0]).toBe(32 * 1 * 4 * 2 ** -3 + 1 * 4 * 2 ** -3);
    // a second W row whose last block scale is NaN (0xFF)
    const e2 = format('mxfp4').encode(Float32Array.of(...W, ...W), { shape: [2, k] });
    const scales = e2.scales.slice();
    scales[3] = 0xff;
    const y = matmulMxRef(a, 'mxint8', { ...e2, scales }, 1, 2, k);
    expect(y[0]).toBe(16.5);
    expect(y[1]).toBeNaN();
  });
  it('GEMV twin: group sums, then the scale, then the sum over groups (1 + 2^−24 + 2^−24 | 2^−24 + 2^−24 gives 1 + 2^−23; the sequential chain 1)', () => {
    // int4, groups of 4 along k = 8, scales 1 and 0.5 (codes 2: value 2, so the second group's terms are 2^−24 · 2 · 0.5)
    const e: ScaledEncoding = {
      format: 'int4', shape: [1, 8], axis: 1, granularity: 'group', groupSize: 4,
      codes: Uint8Array.of(1, 1, 1, 0, 2, 2, 0, 0), scales: Float32Array.of(1, 0.5), zeroPoints: null,
    };
    const a = Float32Array.of(1, u, u, 0, u, u, 0, 0);
    expect(matmulQ4Ref(a, e, 1, 1, 8)[0]).toBe(1 + 2 ** -23);
    expect(matmulF32SeqRef(a, dequantizeRef(e), 1, 1, 8)[0]).toBe(1);
    // zero points: uint4 codes 9 with zero point 8 are the value 1; a NaN scale makes the output NaN
    const z: ScaledEncoding = { ...e, format: 'uint4', codes: Uint8Array.of(9, 9, 9, 8, 10, 10, 8, 8), zeroPoints: Int32Array.of(8, 8) };
    expect(matmulQ4Ref(a, z, 1, 1, 8)[0]).toBe(1 + 2 ** -23);
    expect(matmulQ4Ref(a, { ...e, scales: Float32Array.of(1, NaN) }, 1, 1, 8)[0]).toBeNaN();
  });

  it('GEMV twin on MX: element values times 2^(E − 127) per block; an E8M0 0xFF block is NaN', () => {
    const x = new Float32Array(64).fill(0.5);
    x[40] = 3;
    const e = format('mxfp4').encode(x, { shape: [1, 64] });
    const a = new Float32Array(64).fill(1);
    const w = dequantizeRef(e);
    expect(matmulQ4Ref(a, e, 1, 1, 64)[0]).toBe(w.reduce((p, v) => p + v, 0)); // small exact sums
    e.scales[1] = 0xff;
    expect(matmulQ4Ref(a, e, 1, 1, 64)[0]).toBeNaN();
  });

  it('gemvMultiplier: the power of two making every value an integer of magnitude ≤ 127', () => {
    expect(gemvMultiplier([0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -6])).toBe(2); // E2M1
    expect(gemvMultiplier([-8, 7, 0])).toBe(1);
    expect(gemvMultiplier([0.25, -1.75])).toBe(4);
    expect(gemvMultiplier([200])).toBe(0);
    expect(gemvMultiplier([NaN, 1])).toBe(0);
    expect(gemvMultiplier([1 / 3])).toBe(0);
  });
});
