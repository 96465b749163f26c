/** QSNR in dB straight from the definition, −10·log10(Σ(y − x)² / Σx²), for comparison with the engine's. */
export function qsnr(x: Float32Array, y: Float32Array): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    e += (y[i] - x[i]) ** 2;
    s += x[i] ** 2;
  }
  return -10 * Math.log10(e / s);
}
