/**
 * `numlab/compare`: the comparison engine (Node: it reads files, hashes them and runs worker
 * threads, so it is a separate entry point from the browser-safe `numlab`).
 */
export { compare, summarise } from './engine.js';
export type { CompareOptions, TensorSource } from './engine.js';
export { measure, parseFormatSpec, specText, errorMetrics } from './measure.js';
export type { FormatSpec } from './measure.js';
export { generate, parseSynthetic, syntheticName, setRowCrest, SYNTHETIC_KINDS } from './synthetic.js';
export type { SyntheticSpec, SyntheticKind } from './synthetic.js';
export { tensorStats } from './stats.js';
export { studyIntVsFp, runPair, INT_VS_FP_PAIRS } from './study.js';
export type { StudyOptions, StudyPairDef } from './study.js';
export { theoryInt, theoryFp } from './theory.js';
export { DEFAULT_FORMATS, DEFAULT_SYNTHETIC } from './defaults.js';
export type * from './types.js';
