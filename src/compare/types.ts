/**
 * Data model of `numlab compare` and `numlab study`: what the engine returns and what result.json
 * holds. Reports (Markdown, HTML) are rendered from these objects alone.
 */

/** Where a run came from: enough to reproduce it. */
export interface Provenance {
  tool: 'numlab';
  version: string;
  /** Git commit of the numlab checkout, when known (null from an installed package). */
  gitSha: string | null;
  node: string;
  /** The kernel build that ran: 'wasmsimd' | 'wasmrelaxedsimd'. */
  isa: string;
  /** ISO 8601 time the run started. */
  startedAt: string;
  /** The command line or API call, as given. */
  command: string;
  /** Input files with their SHA-256 (hex) and byte size. */
  inputs: { path: string; sha256: string; bytes: number }[];
  /** Seeds of the synthetic generators and of stochastic rounding, if any. */
  seeds: number[];
}

/** Summary statistics of one input tensor (float64, over all elements). */
export interface TensorSummary {
  name: string;
  /** 'file' with the source path, or 'synthetic' with the generator spec string. */
  source: { kind: 'file'; path: string; dtype: string } | { kind: 'synthetic'; spec: string; seed: number };
  shape: number[];
  n: number;
  mean: number;
  std: number;
  absmax: number;
  /** absmax / RMS over the whole tensor. */
  crest: number;
  /** Mean over rows (last axis) of each row's absmax / RMS; equals `crest` for 1-D tensors. */
  crestRows: number;
  /** Excess kurtosis (0 for a Gaussian). */
  kurtosis: number;
  nonFinite: number;
  /** Name of the calibration tensor X its layer errors use (`--calibration`), when one matched. */
  calibration?: string;
}

/** A `--calibration` tensor: activations X [tokens, in] for the weights whose last dim is `in`. */
export interface CalibrationSummary {
  name: string;
  source: TensorSummary['source'];
  shape: number[];
  tokens: number;
  /** Weight tensors evaluated with it. */
  weights: string[];
}

/** Symmetric histogram of the error (x̂ − x) / RMS(x) on [−range, range]; out-of-range errors land in the end bins. */
export interface ErrorHistogram {
  range: number;
  counts: number[];
}

/** One (tensor × format × granularity) measurement. All metrics are float64. */
export interface CompareRow {
  tensor: string;
  /** Format id as registered (`mxfp4`, `int4`, `fp8_e4m3fn`, …). */
  format: string;
  /** 'method': a method format of compare (nupes<b>, bitmod3/4; src/compare/methods.ts), `format` is its id. */
  kind: 'element' | 'block' | 'method';
  /** 'tensor' | 'channel' | 'group:N' for element and method formats; 'block:N' for block formats. */
  granularity: string;
  /** Options the format spec chose explicitly (scheme, scaleRule, sorted), for the label; {} for the format's defaults. */
  options: Record<string, string | number | boolean>;
  n: number;
  mse: number;
  rmse: number;
  /** −10·log10(Σ(x̂−x)² / Σx²); +Infinity when exact, null when Σx² = 0. */
  qsnrDb: number | null;
  maxAbsErr: number;
  /** Mean of |x̂−x| / |x| over elements with x ≠ 0. */
  meanRelErr: number;
  /** Σ x̂x / (‖x̂‖‖x‖); null when either norm is 0. */
  cosine: number | null;
  /** Fraction of elements whose |x| exceeds what their scale can represent (saturated); null where a method does not define it. */
  clippedFrac: number | null;
  /** Fraction of non-zero elements that decode to 0 (underflow). */
  flushedFrac: number;
  /** Element bits plus scale/zero-point overhead, per element. */
  bitsPerElement: number;
  /** Storage bytes of the encoding (codes packed, scales, zero points, tensor scale). */
  bytes: number;
  /** qsnrDb / bitsPerElement (null with qsnrDb null). */
  qsnrPerBit: number | null;
  histogram: ErrorHistogram;
  /** Wall time of encode+decode in ms (informational only). */
  ms: number;
  /**
   * With `--calibration` (2-D weights whose `in` matches a calibration tensor): ‖W X − Q(W) X‖² / ‖W X‖²
   * of this format with RTN quantization; null when ‖W X‖ = 0.
   */
  layerErr?: number | null;
  /** The same after each `--ptq` pipeline (`gptq`, `hadamard`, `smoothquant+gptq`, …); null where it does not apply. */
  layerErrPtq?: Record<string, number | null>;
}

export interface CompareResult {
  schema: 'numlab.compare/1';
  provenance: Provenance;
  tensors: TensorSummary[];
  formats: string[];
  rows: CompareRow[];
  /** With `--calibration`: the calibration tensors and the PTQ pipelines of `layerErrPtq`. */
  calibration?: CalibrationSummary[];
  ptq?: string[];
  /** Best format per tensor (highest QSNR) and overall (mean QSNR per bit), for the summary. */
  best: {
    perTensor: { tensor: string; format: string; options?: CompareRow['options']; granularity: string; qsnrDb: number | null }[];
    /** One entry per format × options × granularity. */
    overall: { format: string; options?: CompareRow['options']; granularity: string; meanQsnrDb: number | null; meanQsnrPerBit: number | null }[];
  };
}

/** `numlab study int-vs-fp`: QSNR vs crest factor for INT/FP format pairs, measured and theoretical. */
export interface StudyPoint {
  /** Crest factor κ = amax/σ of the generated blocks (every block has exactly this one). */
  crest: number;
  qsnrInt: number;
  qsnrFp: number;
  theoryInt: number;
  theoryFp: number;
}

export interface StudyPair {
  int: string;
  fp: string;
  blockSize: number;
  points: StudyPoint[];
  /** κ where measured QSNR curves cross (INT better below); null if they do not cross in range. */
  crossoverMeasured: number | null;
  crossoverTheory: number | null;
  /** The paper's (or the spec digest's) crossover for this pair. */
  crossoverPublished: number | null;
}

export interface StudyResult {
  schema: 'numlab.study.int-vs-fp/1';
  provenance: Provenance;
  pairs: StudyPair[];
}

/** `numlab study rotation`: QSNR of INT/FP block formats with and without a block Hadamard rotation along k. */
export interface RotationStudyResult {
  schema: 'numlab.study.rotation/1';
  provenance: Provenance;
  /** Rotation of each row: null = none, else the Hadamard block along k. */
  rotations: (number | null)[];
  formats: string[];
  tensors: {
    /** Synthetic spec (with seed). */
    name: string;
    shape: number[];
    /** One per rotation (same order): mean block crest amax/RMS over blocks of 16 and 32, QSNR dB per format. */
    rows: { rotation: number | null; crest16: number; crest32: number; qsnrDb: Record<string, number> }[];
  }[];
  /** Per tensor and pair: QSNR(INT) − QSNR(FP) per rotation; flipped = FP wins without rotation and INT with every block. */
  pairs: { tensor: string; int: string; fp: string; intMinusFpDb: number[]; flipped: boolean }[];
}
