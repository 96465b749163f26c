/**
 * `numlab study rotation` (spec ptq.md §6.3): does a block Hadamard rotation along the reduction
 * dim lift NVINT4 above NVFP4 (and MXINT4 above MXFP4) on heavy-tailed tensors? For each seeded
 * synthetic tensor [rows, k] and each rotation (none, then blocks of 16, 32, … along k: natural-order
 * Walsh–Hadamard, 1/√b, src/ptq/hadamard.ts), every format quantizes the (rotated) tensor with its
 * default recipe (format(id).quantize) and QSNR = −10·log10(Σ(x̂ − x)² / Σx²) is taken in the
 * rotated basis — the basis the GEMM consumes; the rotation is orthogonal, so it is the error of
 * rotating x̂ back up to f32 rounding. The mean block crest factor (amax/RMS per block of 16 and of
 * 32 along k) shows why: the rotation spreads a block's peak over the block, towards Gaussian blocks
 * whose crest sits below the INT/FP crossover (≈ 2.4 for NV, formats.md §2.3).
 */
import { fail, show } from '../errors.js';
import type { BlockFormat } from '../formats/block.js';
import { format } from '../formats/format.js';
import { hadamard } from '../ptq/hadamard.js';
import { provenance } from './provenance.js';
import { generate, parseSynthetic, syntheticName } from './synthetic.js';
import type { RotationStudyResult } from './types.js';

export const ROTATION_PAIRS: readonly (readonly [string, string])[] = [['nvint4', 'nvfp4'], ['mxint4', 'mxfp4']];
export const ROTATION_TENSORS: readonly string[] = ['gaussian', 'laplace', 'student-t:nu=3', 'llm-act'];
export const ROTATION_BLOCKS: readonly number[] = [16, 32];

export interface RotationStudyOptions {
  /** Synthetic tensor specs (src/compare/synthetic.ts); default gaussian, laplace, student-t ν = 3, llm-act at 256×1024. */
  tensors?: readonly string[];
  /** Hadamard blocks along k (powers of two dividing k); default 16 and 32. */
  blocks?: readonly number[];
  /** [INT, FP] block-format pairs; default NVINT4/NVFP4 and MXINT4/MXFP4. */
  pairs?: readonly (readonly [string, string])[];
  /** Seed of tensors that name none (default 1). */
  seed?: number;
  command?: string;
  onProgress?: (done: number, total: number) => void;
}

/** QSNR in dB of x̂ against x (float64); +Infinity when exact. */
function qsnr(x: Float32Array, xhat: Float32Array): number {
  let se = 0;
  let sx = 0;
  for (let i = 0; i < x.length; i++) {
    const e = xhat[i] - x[i];
    se += e * e;
    sx += x[i] * x[i];
  }
  if (sx === 0) fail('BAD_OPTION', 'rotation study: an all-zero tensor has no QSNR', sx);
  return se === 0 ? Infinity : -10 * Math.log10(se / sx);
}

/** Mean over blocks of b consecutive elements along the last axis of amax / RMS (all-zero blocks left out). */
export function meanBlockCrest(x: Float32Array, b: number): number {
  let sum = 0;
  let n = 0;
  for (let o = 0; o + b <= x.length; o += b) {
    let amax = 0;
    let ss = 0;
    for (let i = o; i < o + b; i++) {
      amax = Math.max(amax, Math.abs(x[i]));
      ss += x[i] * x[i];
    }
    if (ss > 0) {
      sum += amax / Math.sqrt(ss / b);
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

export async function studyRotation(o: RotationStudyOptions = {}): Promise<RotationStudyResult> {
  const specs = o.tensors ?? ROTATION_TENSORS;
  const blocks = o.blocks ?? ROTATION_BLOCKS;
  const pairs = o.pairs ?? ROTATION_PAIRS;
  const seed = o.seed ?? 1;
  if (!Array.isArray(specs) || specs.length === 0) fail('BAD_OPTION', `rotation study needs at least one tensor, got ${show(specs)}`, specs);
  if (!Array.isArray(pairs) || pairs.length === 0) fail('BAD_OPTION', `rotation study needs at least one format pair, got ${show(pairs)}`, pairs);
  for (const b of blocks) if (!(Number.isSafeInteger(b) && b >= 2 && (b & (b - 1)) === 0)) fail('BAD_OPTION', `rotation blocks must be powers of two ≥ 2, got ${show(b)}`, b);
  const formats = pairs.flat();
  for (const f of formats) if (format(f).kind !== 'block') fail('BAD_OPTION', `rotation study pairs are block formats (nvint4, nvfp4, mxint4, mxfp4, …), got ${show(f)}`, f);
  const parsed = specs.map((t) => {
    const s = parseSynthetic(/seed=/.test(t) ? t : `${t}${t.includes(':') ? ',' : ':'}seed=${seed}`);
    if (s.shape.length !== 2) fail('BAD_OPTION', `rotation study tensors are 2-D [rows, k], got ${show(t)} with shape ${show(s.shape)}`, t);
    for (const b of blocks) if (s.shape[1] % b !== 0) fail('BAD_SHAPE', `rotation block ${b} does not divide k = ${s.shape[1]} of ${show(t)}`, t);
    return s;
  });
  const prov = await provenance(o.command ?? 'studyRotation()', [], [...new Set(parsed.map((s) => s.seed))]);
  const total = parsed.length * (blocks.length + 1);
  let done = 0;
  const rotations: (number | null)[] = [null, ...blocks];
  const tensors = parsed.map((s) => {
    const x = generate(s);
    const shape = s.shape as [number, number];
    const rows = rotations.map((block) => {
      const xr = block === null ? x : hadamard(x, { shape, block });
      const q: Record<string, number> = {};
      for (const f of formats) q[f] = qsnr(xr, (format(f) as BlockFormat).quantize(xr, { shape }));
      o.onProgress?.(++done, total);
      return { rotation: block, crest16: meanBlockCrest(xr, 16), crest32: meanBlockCrest(xr, 32), qsnrDb: q };
    });
    return { name: syntheticName(s), shape: s.shape, rows };
  });
  // A flip: INT below FP without rotation, above it with every rotation block.
  const flips = tensors.flatMap((t) => pairs.map(([int, fp]) => {
    const gain = t.rows.map((r) => r.qsnrDb[int] - r.qsnrDb[fp]);
    return { tensor: t.name, int, fp, intMinusFpDb: gain, flipped: gain[0] < 0 && gain.slice(1).every((g) => g > 0) };
  }));
  return { schema: 'numlab.study.rotation/1', provenance: prov, rotations, formats, tensors, pairs: flips };
}
