/** Every failure numlab reports on bad input is a NumlabError naming the offending value. */
export type NumlabErrorCode =
  | 'UNKNOWN_FORMAT'
  | 'BAD_FORMAT_PARAMS'
  | 'BAD_OPTION'
  | 'BAD_LENGTH'
  | 'BAD_SHAPE'
  | 'BAD_TYPE'
  | 'BAD_SCALE'
  | 'NONFINITE_INPUT'
  | 'FORMAT_MISMATCH'
  | 'OUT_OF_MEMORY'
  | 'NO_SIMD'
  | 'MALFORMED_FILE'
  | 'FILE_NOT_FOUND'
  | 'UNSUPPORTED_TENSOR'
  | 'BAD_CODE'
  | 'NOT_POSITIVE_DEFINITE';

export class NumlabError extends Error {
  readonly code: NumlabErrorCode;
  readonly value: unknown;
  constructor(code: NumlabErrorCode, message: string, value?: unknown) {
    super(message);
    this.name = 'NumlabError';
    this.code = code;
    this.value = value;
  }
}

export function fail(code: NumlabErrorCode, message: string, value?: unknown): never {
  throw new NumlabError(code, message, value);
}

/** JSON-ish rendering of a bad value for messages (short, never throws): strings past 80 characters are cut. */
export function show(v: unknown): string {
  try {
    if (typeof v === 'string') return v.length > 80 ? `${JSON.stringify(v.slice(0, 60))}... (${v.length} characters)` : JSON.stringify(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(v);
  }
}
