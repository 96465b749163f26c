/**
 * GPTQ Hessian H = 2/n Σ x xᵀ (n = calibration samples), accumulated in float64 with the running
 * mean of the reference's add_batch (spec ptq.md §1.2): H *= n/(n+m); n += m; x *= sqrt(2/n); H += x xᵀ.
 */
import { fail, show } from '../errors.js';
import { checkInt, checkMatrix } from './check.js';
import { syrkLower } from './kernels.js';

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
  /** Row-major cols×cols, exactly symmetric. */
  readonly H: Float64Array;
  /** Samples seen so far (the reference's nsamples). */
  n = 0;

  constructor(cols: number) {
    this.cols = checkInt(cols, 'HessianAccumulator cols', 1, 1 << 15);
    this.H = new Float64Array(cols * cols);
  }

  add(x: Float32Array | Float64Array, opts: HessianAddOptions): this {
    const c = this.cols;
    const rows = checkInt(opts?.rows, 'HessianAccumulator.add rows', 1, 2 ** 31 - 1);
    const m = opts.samples ?? 1;
    if (!(typeof m === 'number' && m > 0 && Number.isFinite(m))) fail('BAD_OPTION', `samples must be a finite number > 0, got ${show(m)}`, m);
    checkMatrix(x, rows * c, 'calibration batch', `[${rows}, ${c}]`);
    const H = this.H;
    const f = this.n / (this.n + m);
    for (let i = 0; i < H.length; i++) H[i] *= f;
    this.n += m;
    const k = Math.sqrt(2 / this.n);
    // S = Σ_t (k·x_t)(k·x_t)ᵀ, each entry a sequential sum over t (WASM f64x2, = syrkLowerRef bit for bit).
    const S = syrkLower(x, rows, c, k);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j <= i; j++) {
        const v = H[i * c + j] + S[i * c + j];
        H[i * c + j] = v;
        H[j * c + i] = v;
      }
    }
    return this;
  }
}
