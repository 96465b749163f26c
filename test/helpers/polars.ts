/**
 * nodejs-polars for the interop tests, or the reason it cannot load here. Its native code is an
 * optional per-platform package that npm ci skips on Node 20 (engines node >= 22, though it works):
 * `node scripts/polars-native.mjs` installs it (.ci/run does). Under CI=true a polars that does not
 * load fails the test file; elsewhere its tests are skipped with the reason printed.
 */
import { createRequire } from 'node:module';

export type Polars = typeof import('nodejs-polars');

function load(): { pl: Polars | null; reason: string } {
  try {
    return { pl: createRequire(import.meta.url)('nodejs-polars') as Polars, reason: '' };
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const reason = `nodejs-polars does not load (${why}); run \`node scripts/polars-native.mjs\` to install its native package`;
    if (process.env.CI === 'true') throw new Error(`${reason} (required under CI=true)`);
    console.warn(`skipping the nodejs-polars tests: ${reason}`);
    return { pl: null, reason };
  }
}

export const { pl: polars, reason: polarsMissing } = load();
