/** f32 bit helpers for tests. */
const f = new Float32Array(1);
const u = new Uint32Array(f.buffer);

export function bitsOf(x: number): number {
  f[0] = x;
  return u[0];
}
export function fromBits(b: number): number {
  u[0] = b >>> 0;
  return f[0];
}
/** The next f32 after x toward +∞ (x finite). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return fromBits(1);
  const b = bitsOf(x);
  return fromBits(x > 0 ? b + 1 : b - 1);
}
export function nextDown(x: number): number {
  return -nextUp(-x);
}
export function f32bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}
/** Index of the first element whose bits differ, or −1. */
export function firstBitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
