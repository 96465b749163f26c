/**
 * Clipping thresholds of a quantized tensor (the `clipped` metric of numlab compare): per element,
 * the level beyond which saturation, not rounding, decided its value.
 */
import { format } from '../formats/format.js';

/** The f32 next to v toward +∞ (dir 1) or −∞ (dir −1); v finite. */
function nextF32(v: number, dir: 1 | -1): number {
  const b = new Float32Array([v]);
  const u = new Uint32Array(b.buffer);
  if (v === 0) u[0] = dir > 0 ? 1 : 0x80000001;
  else u[0] += (v > 0) === (dir > 0) ? 1 : -1;
  return b[0];
}

/**
 * Codes of the element's largest value, its most negative (or least) value, and each one's
 * neighbour inside the range (saturating encodes of ±huge, then of the next f32 inward, rounded
 * inward).
 */
export function extremeCodes(elementId: string): number[] {
  const el = format(elementId);
  if (el.kind === 'block') throw new Error('unreachable');
  const sat = el.kind === 'minifloat' ? { saturate: true } : {};
  const ends = el.encode(Float32Array.of(3e38, -3e38), sat);
  const [top, bottom] = el.decode(ends);
  const below = el.encode(Float32Array.of(nextF32(top, -1)), { ...sat, rounding: 'toward_negative' });
  const above = el.encode(Float32Array.of(nextF32(bottom, 1)), { ...sat, rounding: 'toward_positive' });
  return [ends[0], ends[1], below[0], above[0]];
}

/**
 * Saturation thresholds per element: an element is clipped when it lies beyond the largest (most
 * negative) value its scale represents by more than half the last step there, i.e. when
 * saturation, not rounding, decided its value.
 */
export function clipBounds(decodeFilled: (code: number) => Float32Array, codes: number[]): { hi: Float32Array; lo: Float32Array } {
  const [hi, lo, hi2, lo2] = codes.map(decodeFilled);
  for (let i = 0; i < hi.length; i++) {
    hi[i] = hi[i] + (hi[i] - hi2[i]) / 2;
    lo[i] = lo[i] - (lo2[i] - lo[i]) / 2;
  }
  return { hi, lo };
}
