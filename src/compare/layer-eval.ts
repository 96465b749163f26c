/**
 * Layer evaluation for `numlab compare --calibration` (spec ptq.md §1.1, §2, §6.2): for a weight
 * W [out, in] and calibration activations X [tokens, in], the relative output error
 * ‖W X − Q(W) X‖² / ‖W X‖² (float64, through the Hessian H ∝ Xᵀ X) of every format, with plain
 * RTN quantization and after PTQ pipelines: SmoothQuant and/or a block Hadamard rotation (both
 * keep W X: the activation side is transformed with them), then RTN or GPTQ.
 */
import { fail, NumlabError, show } from '../errors.js';
import { format } from '../formats/format.js';
import { gptq } from '../ptq/gptq.js';
import { hadamard } from '../ptq/hadamard.js';
import { HessianAccumulator } from '../ptq/hessian.js';
import { layerError } from '../ptq/layer-error.js';
import { ActivationAbsMax, smoothquant } from '../ptq/smoothquant.js';
import { dequantize, type FormatSpec } from './measure.js';

/** A PTQ pipeline: optional transforms (in this order), then RTN or GPTQ. */
export interface PtqPipeline {
  smoothquant: boolean;
  hadamard: boolean;
  gptq: boolean;
}

export interface LayerEvalOptions {
  /** `--ptq` pipelines (canonical text, see parsePtq). */
  ptq?: readonly string[];
  /** SmoothQuant migration strength α; default 0.5. */
  alpha?: number;
  /** Hadamard block along `in`; default the format's block size for block formats, else 128. */
  rotateBlock?: number;
}

const STEPS = ['smoothquant', 'hadamard', 'gptq'] as const;

/** `gptq`, `hadamard`, `smoothquant+gptq`, … → the pipeline; its canonical text is pipelineText(). */
export function parsePtq(text: string): PtqPipeline {
  if (typeof text !== 'string') fail('BAD_OPTION', `a --ptq pipeline must be a string, got ${show(text)}`, text);
  const parts = text.trim().toLowerCase().split('+').map((p) => p.trim());
  const p: PtqPipeline = { smoothquant: false, hadamard: false, gptq: false };
  for (const part of parts) {
    if (!(STEPS as readonly string[]).includes(part)) fail('BAD_OPTION', `unknown PTQ step ${show(part)} in ${show(text)}; steps: ${STEPS.join(', ')} (join with +)`, text);
    if (p[part as keyof PtqPipeline]) fail('BAD_OPTION', `PTQ step ${show(part)} appears twice in ${show(text)}`, text);
    p[part as keyof PtqPipeline] = true;
  }
  return p;
}

/** Steps in the order they run: smoothquant, hadamard, gptq (`smoothquant+hadamard+gptq`). */
export function pipelineText(p: PtqPipeline): string {
  return STEPS.filter((s) => p[s]).join('+');
}

/** Hadamard block for a spec on `cols` input channels: the default halved until it divides cols; null if none ≥ 2 does. */
export function rotationBlock(s: FormatSpec, cols: number, requested?: number): number | null {
  let b = requested ?? (s.kind === 'block' ? blockSizeOf(s) : 128);
  if (requested !== undefined && cols % requested !== 0) return null;
  while (b >= 2 && cols % b !== 0) b /= 2;
  return b >= 2 ? b : null;
}

function blockSizeOf(s: FormatSpec): number {
  const f = format(s.id);
  return f.kind === 'block' ? f.spec.blockSize : 128;
}

/**
 * GPTQ with the spec's format, or null where GPTQ's format path cannot express the spec (see
 * docs/compare.md): method formats as gptq's method quantizers (bitmod groups, nupes and olive per row),
 * `@sorted` as channelOrder 'ksort'.
 */
function gptqQuantize(W: Float32Array, h: HessianAccumulator, shape: [number, number], s: FormatSpec): Float32Array | null {
  if (s.scheme !== null || s.scaleRule !== null) return null;
  const g = s.granularity;
  if (s.kind === 'method') {
    const family = s.method!.def.family;
    if (family === 'bitmod') return gptq(W, h, { shape, format: s.id, groupSize: typeof g === 'object' && g !== null ? g.group : -1 }).weight;
    if ((family === 'nupes' || family === 'olive') && g === 'channel') return gptq(W, h, { shape, format: s.id }).weight;
    return null;
  }
  if (g === 'tensor') return null;
  const groupSize = typeof g === 'object' && g !== null ? g.group : -1;
  return gptq(W, h, { shape, format: s.id, groupSize, ...(s.sorted ? { channelOrder: 'ksort' as const } : {}) }).weight;
}

/** ‖W X − Q X‖² / ‖W X‖² through H, null when ‖W X‖ = 0. */
function relError(W: Float32Array, Q: Float32Array, h: HessianAccumulator, shape: [number, number]): number | null {
  try {
    return layerError(W, Q, h, { shape });
  } catch (e) {
    if (e instanceof NumlabError && e.code === 'BAD_OPTION') return null;
    throw e;
  }
}

export interface LayerEvalResult {
  /** Per spec (same order): RTN layer error. */
  layerErr: (number | null)[];
  /** Per spec: pipeline text → layer error (null where the pipeline does not apply). */
  layerErrPtq: Record<string, number | null>[];
}

/**
 * Layer errors of W [rows, cols] under every spec, with calibration X [tokens, cols]. Transforms
 * act on W and X together (W X is unchanged), so every error is relative to the original W X.
 */
export function layerEval(W: Float32Array, shape: [number, number], X: Float32Array, tokens: number, specs: readonly FormatSpec[], o: LayerEvalOptions = {}): LayerEvalResult {
  const cols = shape[1];
  if (X.length !== tokens * cols) fail('BAD_SHAPE', `calibration X has ${X.length} elements, expected [${tokens}, ${cols}]`, X.length);
  const pipelines = (o.ptq ?? []).map(parsePtq);
  const hessianOf = (x: Float32Array) => new HessianAccumulator(cols).add(x, { rows: tokens });
  const h = hessianOf(X);
  const layerErr = specs.map((s) => relError(W, dequantize(W, shape, s), h, shape));

  // Transformed (W, H) pairs are shared by the specs and pipelines that need the same transforms.
  const cache = new Map<string, { W: Float32Array; h: HessianAccumulator }>();
  const transformed = (p: PtqPipeline, block: number | null) => {
    const key = `${p.smoothquant}/${p.hadamard ? block : 0}`;
    let t = cache.get(key);
    if (t) return t;
    let w = W;
    let x = X;
    if (p.smoothquant) {
      const act = new ActivationAbsMax(cols).add(X, { rows: tokens });
      // A unit norm in front: its folded weight is 1/s, the factor the activations take.
      const r = smoothquant({ actScales: act.absmax, linears: [{ weight: W, shape }], norm: { weight: new Float32Array(cols).fill(1) }, alpha: o.alpha });
      w = r.linears[0];
      const inv = r.norm.weight;
      x = new Float32Array(X.length);
      for (let i = 0; i < X.length; i++) x[i] = X[i] * inv[i % cols];
    }
    if (p.hadamard) {
      w = hadamard(w, { shape, block: block! });
      x = hadamard(x, { shape: [tokens, cols], block: block! });
    }
    t = { W: w, h: p.smoothquant || p.hadamard ? hessianOf(x) : h };
    cache.set(key, t);
    return t;
  };

  const layerErrPtq = specs.map((s) => {
    const out: Record<string, number | null> = {};
    for (const p of pipelines) {
      const name = pipelineText(p);
      const block = p.hadamard ? rotationBlock(s, cols, o.rotateBlock) : null;
      if (p.hadamard && block === null) {
        out[name] = null;
        continue;
      }
      const t = transformed(p, block);
      const Q = p.gptq ? gptqQuantize(t.W, t.h, shape, s) : dequantize(t.W, shape, s);
      out[name] = Q === null ? null : relError(t.W, Q, t.h, shape);
    }
    return out;
  });
  return { layerErr, layerErrPtq };
}
