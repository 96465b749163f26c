/**
 * `numlab study int-vs-fp`: QSNR against crest factor κ for the INT/FP pairs of "INT v.s. FP"
 * (arXiv 2510.25602) — MXINT8/MXFP8, MXINT6/MXFP6, MXINT4/MXFP4 (block 32, E8M0 scales with the
 * study's ceil rule, numlab's `rceil`) and NVINT4/NVFP4 (block 16, E4M3 scales, the NV recipe) —
 * measured with numlab's codecs and from the paper's closed forms (theory.ts).
 *
 * Measured blocks: at each κ, `blocks` blocks of the pair's block size; in each, one element of
 * magnitude κ (random sign and position) and the others standard normal values redrawn until
 * |z| < κ, so every block's amax/σ is exactly κ. Each block is multiplied by σ_b = 2^u, u uniform in
 * [0, 1), so that the block maxima fall anywhere between two powers of two (the power-of-two scale
 * overhead ρ of the model is an average over that position). The same blocks go through the INT and
 * the FP format. QSNR is measured as the model defines it: the error the Gaussian elements suffer
 * when the block's range is set by its peak, relative to the Gaussian's variance,
 * −10·log10( mean over the non-peak elements of ((x̂ − x)/σ_b)² ). The peak itself is left out, as
 * the model leaves it out (its FP error would grow with κ² and swamp the body's at large κ; for INT
 * the error is the same for every element). Measured relative to Σx² over all elements instead,
 * INT and FP move down by the same amount at each κ only where the peak's error is negligible.
 */
import { format } from '../formats/format.js';
import type { BlockFormat } from '../formats/block.js';
import { provenance } from './provenance.js';
import { Rng } from './random.js';
import { firstCrossing, sampledCrossing, theoryFp, theoryInt, type FpModel, type IntModel, type ScaleModel } from './theory.js';
import type { StudyPair, StudyResult } from './types.js';

export interface StudyPairDef {
  int: string;
  fp: string;
  intModel: IntModel;
  fpModel: FpModel;
  scale: ScaleModel;
  /** Scale rule used for both formats (the study's), or null for the row's default. */
  scaleRule: 'rceil' | null;
  /** Crossover the spec digest gives (formats.md §2.3). */
  reference: number;
}

export const INT_VS_FP_PAIRS: readonly StudyPairDef[] = [
  { int: 'mxint8', fp: 'mxfp8_e4m3', intModel: { kind: 'int', bits: 8 }, fpModel: { kind: 'fp', manBits: 3, bias: 7, qmax: 448 }, scale: { rho: 1.5, nvBlock: null }, scaleRule: 'rceil', reference: 7.55 },
  { int: 'mxint6', fp: 'mxfp6_e2m3', intModel: { kind: 'int', bits: 6 }, fpModel: { kind: 'fp', manBits: 3, bias: 1, qmax: 7.5 }, scale: { rho: 1.5, nvBlock: null }, scaleRule: 'rceil', reference: 1.96 },
  { int: 'mxint4', fp: 'mxfp4', intModel: { kind: 'int', bits: 4 }, fpModel: { kind: 'fp', manBits: 1, bias: 1, qmax: 6 }, scale: { rho: 1.5, nvBlock: null }, scaleRule: 'rceil', reference: 2.04 },
  { int: 'nvint4', fp: 'nvfp4', intModel: { kind: 'int', bits: 4 }, fpModel: { kind: 'fp', manBits: 1, bias: 1, qmax: 6 }, scale: { rho: 1.05, nvBlock: 16 }, scaleRule: null, reference: 2.39 },
];

export interface StudyOptions {
  /** Crest factors to measure; default 1.2, 1.3, …, 12. */
  crests?: readonly number[];
  /** Blocks per crest factor (default 2048). */
  blocks?: number;
  seed?: number;
  pairs?: readonly StudyPairDef[];
  command?: string;
  onProgress?: (done: number, total: number) => void;
}

export function defaultCrests(): number[] {
  const out: number[] = [];
  for (let i = 12; i <= 120; i++) out.push(i / 10);
  return out;
}

/**
 * Blocks of size k with crest exactly κ, each times σ_b = 2^u; returns the data, each block's σ_b
 * and the index (in the block) of its peak.
 */
export function crestBlocks(rng: Rng, kappa: number, k: number, blocks: number): { x: Float32Array; sigma: Float64Array; peaks: Int32Array } {
  const x = new Float32Array(blocks * k);
  const sigma = new Float64Array(blocks);
  const peaks = new Int32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const s = 2 ** rng.uniform();
    sigma[b] = s;
    const peak = Math.floor(rng.uniform() * k);
    peaks[b] = peak;
    for (let i = 0; i < k; i++) {
      let z: number;
      if (i === peak) z = rng.uniform() < 0.5 ? -kappa : kappa;
      else do z = rng.normal(); while (Math.abs(z) >= kappa);
      x[b * k + i] = z * s;
    }
  }
  return { x, sigma, peaks };
}

function measuredQsnr(codec: BlockFormat, blocks: ReturnType<typeof crestBlocks>, k: number, rule: 'rceil' | null): number {
  const { x, sigma, peaks } = blocks;
  const shape = [sigma.length, k];
  const xhat = codec.quantize(x, rule ? { shape, scaleRule: rule } : { shape });
  let sum = 0;
  for (let b = 0; b < sigma.length; b++) {
    for (let i = b * k; i < (b + 1) * k; i++) {
      const e = (xhat[i] - x[i]) / sigma[b];
      if (i !== b * k + peaks[b]) sum += e * e;
    }
  }
  return -10 * Math.log10(sum / (sigma.length * (k - 1)));
}

export function runPair(def: StudyPairDef, crests: readonly number[], blocks: number, seed: number, tick?: () => void): StudyPair {
  const int = format(def.int) as BlockFormat;
  const fp = format(def.fp) as BlockFormat;
  const k = int.spec.blockSize;
  const rng = new Rng(seed);
  const points = crests.map((kappa) => {
    const data = crestBlocks(rng, kappa, k, blocks);
    const p = {
      crest: kappa,
      qsnrInt: measuredQsnr(int, data, k, def.scaleRule),
      qsnrFp: measuredQsnr(fp, data, k, def.scaleRule),
      theoryInt: theoryInt(kappa, def.intModel, def.scale),
      theoryFp: theoryFp(kappa, def.fpModel, def.scale),
    };
    tick?.();
    return p;
  });
  const lo = crests[0];
  const hi = crests[crests.length - 1];
  return {
    int: def.int,
    fp: def.fp,
    blockSize: k,
    points,
    crossoverMeasured: sampledCrossing(crests, points.map((p) => p.qsnrInt - p.qsnrFp)),
    crossoverTheory: firstCrossing((kk) => theoryInt(kk, def.intModel, def.scale) - theoryFp(kk, def.fpModel, def.scale), lo, hi),
    crossoverPublished: def.reference,
  };
}

export async function studyIntVsFp(o: StudyOptions = {}): Promise<StudyResult> {
  const crests = o.crests ?? defaultCrests();
  const blocks = o.blocks ?? 2048;
  const seed = o.seed ?? 1;
  const pairs = o.pairs ?? INT_VS_FP_PAIRS;
  const prov = await provenance(o.command ?? 'studyIntVsFp()', [], [seed]);
  let done = 0;
  const total = pairs.length * crests.length;
  return {
    schema: 'numlab.study.int-vs-fp/1',
    provenance: prov,
    pairs: pairs.map((d, i) => runPair(d, crests, blocks, seed + i, () => o.onProgress?.(++done, total))),
  };
}
