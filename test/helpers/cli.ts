/**
 * Runs the built CLI (dist/cli/numlab.js) as a user runs it. Needs `npm run build` (npm install
 * runs it); a missing dist/ fails the calling test with that instruction rather than skipping.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/numlab.js', import.meta.url));

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function numlabIn(cwd: string, args: readonly string[], timeout = 60_000): Run {
  // Checked on every run (not in a hook) so a missing build shows as failed tests, not skipped ones.
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with \`npm run build\` (npm install runs it)`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const numlab = (...args: string[]): Run => numlabIn(ROOT, args);
