/** What `numlab compare` measures when it is given nothing: a study on built-in tensors. */

/** Unit-variance Gaussian, Laplace, Student-t ν=3 and uniform weights, and LLM-like activations with outlier channels. */
export const DEFAULT_SYNTHETIC = [
  'gaussian:shape=256x1024,seed=1',
  'laplace:shape=256x1024,seed=2',
  'student-t:shape=256x1024,seed=3,nu=3',
  'uniform:shape=256x1024,seed=4',
  'llm-act:shape=256x1024,seed=5,outliers=8,outlier-scale=30',
];

/** The formats a researcher compares first: INT8/INT4 (per channel and g128), FP8, MX, NV and BFP. */
export const DEFAULT_FORMATS = [
  'int8', 'int4', 'int4@g128', 'fp8_e4m3fn', 'fp8_e5m2', 'fp4_e2m1fn@g32',
  'mxfp8_e4m3', 'mxfp6_e2m3', 'mxfp4', 'mxint8', 'mxint4', 'nvfp4', 'nvint4', 'bfp12', 'msfp12',
];
