/**
 * `numlab/compare`: the comparison engine (Node: it reads files, hashes them and runs worker
 * threads, so it is a separate entry point from the browser-safe `numlab`).
 */
export { compare, summarise } from './engine.js';
export type { CompareOptions, TensorSource } from './engine.js';
export { measure, dequantize, parseFormatSpec, specText, errorMetrics } from './measure.js';
export type { FormatSpec } from './measure.js';
export { generate, parseSynthetic, syntheticName, setRowCrest, SYNTHETIC_KINDS } from './synthetic.js';
export type { SyntheticSpec, SyntheticKind } from './synthetic.js';
export { tensorStats } from './stats.js';
export { studyIntVsFp, runPair, INT_VS_FP_PAIRS } from './study.js';
export type { StudyOptions, StudyPairDef } from './study.js';
export { studyRotation, meanBlockCrest, ROTATION_PAIRS, ROTATION_TENSORS, ROTATION_BLOCKS } from './study-rotation.js';
export type { RotationStudyOptions } from './study-rotation.js';
export { layerEval, parsePtq, pipelineText, rotationBlock } from './layer-eval.js';
export type { LayerEvalOptions, LayerEvalResult, PtqPipeline } from './layer-eval.js';
export { theoryInt, theoryFp } from './theory.js';
export { DEFAULT_FORMATS, DEFAULT_SYNTHETIC } from './defaults.js';
export type * from './types.js';
export { METHODS, methodHelp, methodOf } from './methods.js';
export type { MethodDef, MethodQuantized, MethodGranularity } from './methods.js';
