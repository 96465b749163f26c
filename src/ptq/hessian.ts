/**
 * GPTQ Hessian H = 2/n Σ x xᵀ (n = calibration samples), accumulated in float64 with the running
 * mean of the reference's add_batch (spec ptq.md §1.2): H *= n/(n+m); n += m; x *= sqrt(2/n); H += x xᵀ.
 */
import { fail, show } from '../errors.js';
import { checkInt, checkMatrix } from './check.js';
import { syrkLowerVisit } from './kernels.js';

export interface HessianAddOptions {
  /** Rows (tokens) in this batch; the batch is [rows, cols] row-major. */
  rows: number;
  /**
   * How many calibration samples (sequences) the batch counts for in n. Default 1: the reference
   * drivers feed one sequence per add_batch, so n is the number of sequences, not tokens.
   */
  samples?: number;
}

export class HessianAccumulator {
  readonly cols: number;
  /** Samples seen so far (the reference's nsamples). */
  n = 0;
  /** The running H; `add` updates the lower triangle only, the getter mirrors it when read. */
  readonly #h: Float64Array;
  #mirrored = true;

  constructor(cols: number) {
    this.cols = checkInt(cols, 'HessianAccumulator cols', 1, 1 << 15);
    this.#h = new Float64Array(cols * cols);
  }

  /** Row-major cols×cols, exactly symmetric (the upper triangle mirrors the lower). */
  get H(): Float64Array {
    const c = this.cols;
    const H = this.#h;
    if (!this.#mirrored) {
      // in 32 × 32 tiles, so that the column reads stay in cache
      for (let i0 = 0; i0 < c; i0 += 32) {
        for (let j0 = 0; j0 <= i0; j0 += 32) {
          for (let i = i0; i < Math.min(i0 + 32, c); i++) {
            for (let j = j0; j < Math.min(j0 + 32, i); j++) H[j * c + i] = H[i * c + j];
          }
        }
      }
      this.#mirrored = true;
    }
    return H;
  }

  add(x: Float32Array | Float64Array, opts: HessianAddOptions): this {
    const c = this.cols;
    const rows = checkInt(opts?.rows, 'HessianAccumulator.add rows', 1, 2 ** 31 - 1);
    const m = opts.samples ?? 1;
    if (!(typeof m === 'number' && m > 0 && Number.isFinite(m))) fail('BAD_OPTION', `samples must be a finite number > 0, got ${show(m)}`, m);
    checkMatrix(x, rows * c, 'calibration batch', `[${rows}, ${c}]`);
    const H = this.#h;
    const f = this.n / (this.n + m);
    this.n += m;
    const k = Math.sqrt(2 / this.n);
    // S = Σ_t (k·x_t)(k·x_t)ᵀ, each entry a sequential sum over t (WASM f64x2, = syrkLowerRef bit for bit);
    // H ← H·f + S on the lower triangle (the upper one is mirrored when H is read)
    syrkLowerVisit(x, rows, c, k, (S, ld) => {
      for (let i = 0; i < c; i++) {
        const o = i * c;
        const os = i * ld;
        for (let j = 0; j <= i; j++) H[o + j] = H[o + j] * f + S[os + j];
      }
    });
    this.#mirrored = false;
    return this;
  }
}
