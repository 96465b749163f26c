import { expect } from 'vitest';
import { NumlabError } from '../../src/errors.js';

/** Runs fn, expects it to throw a NumlabError, and returns that error. */
export function thrown(fn: () => unknown): NumlabError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NumlabError);
    return e as NumlabError;
  }
  throw new Error('expected a NumlabError, nothing was thrown');
}

/** Awaits p, expects it to reject with a NumlabError, and returns that error. */
export async function rejected(p: Promise<unknown>): Promise<NumlabError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NumlabError);
    return e as NumlabError;
  }
  throw new Error('expected a NumlabError, the promise resolved');
}
