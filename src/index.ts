export { NumlabError } from './errors.js';
export type { NumlabErrorCode } from './errors.js';
export { format } from './formats/format.js';
export type { Format } from './formats/format.js';
export { REGISTRY } from './formats/registry.js';
export { parseFormatName } from './formats/names.js';
export { limitsOf } from './formats/limits.js';
export type * from './formats/spec.js';
