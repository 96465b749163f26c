/**
 * The reference min/max INT quantizer of IST-DASLab/gptq quant.py (spec ptq.md §1.3), per row,
 * float64: asymmetric zero point round(−xmin/scale), symmetric zero (maxq+1)/2 (not a symmetric
 * grid), range always containing 0, xmin = xmax = 0 widened to [−1, 1], round half to even.
 */

/** torch.round: round half to even (Math.round rounds half toward +∞). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Per-row params over columns [c0, c1) of a column-major matrix src (column j of row r at
 * j·rows + r), written to scales/zeros at r·stride + slot.
 */
export function minmaxFit(
  src: Float64Array, rows: number, c0: number, c1: number, maxq: number, sym: boolean,
  scales: Float64Array, zeros: Float64Array, stride: number, slot: number,
): void {
  for (let r = 0; r < rows; r++) {
    let xmin = 0;
    let xmax = 0;
    for (let j = c0; j < c1; j++) {
      const v = src[j * rows + r];
      if (v < xmin) xmin = v;
      if (v > xmax) xmax = v;
    }
    if (sym) {
      xmax = Math.max(-xmin, xmax);
      if (xmin < 0) xmin = -xmax;
    }
    if (xmin === 0 && xmax === 0) {
      xmin = -1;
      xmax = 1;
    }
    const scale = (xmax - xmin) / maxq;
    scales[r * stride + slot] = scale;
    zeros[r * stride + slot] = sym ? (maxq + 1) / 2 : roundHalfEven(-xmin / scale);
  }
}

/** quantize(x, scale, zero, maxq) of quant.py for one value: returns the code; scale·(code − zero) is the value. */
export function minmaxCode(x: number, scale: number, zero: number, maxq: number): number {
  const q = roundHalfEven(x / scale) + zero;
  return q < 0 ? 0 : q > maxq ? maxq : q;
}
