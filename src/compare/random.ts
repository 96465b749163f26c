/**
 * Seeded random variates for the synthetic tensors: a xoroshiro128+ stream from pure-rand
 * (53-bit uniforms), and the textbook transforms on top of it — Marsaglia's polar method for the
 * normal, the inverse distribution function for the Laplace, Marsaglia–Tsang for the gamma (and
 * from it Student's t). The same seed gives the same tensor on every platform.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export class Rng {
  private readonly g: ReturnType<typeof xoroshiro128plus>;
  private spare = NaN;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed | 0);
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return uniformFloat64(this.g);
  }

  /** Standard normal. */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Laplace with scale b = 1/√2 (unit variance). */
  laplace(): number {
    const u = this.uniform() - 0.5;
    return -Math.SQRT1_2 * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }

  /** Gamma(shape, 1). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform() || Number.MIN_VALUE, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Student's t with ν degrees of freedom (variance ν/(ν−2) for ν > 2). */
  studentT(nu: number): number {
    return this.normal() / Math.sqrt((2 * this.gamma(nu / 2)) / nu);
  }
}
