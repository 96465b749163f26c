/** Provenance of a run (Node only): numlab version, git commit, Node version, ISA, input hashes. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fileSource, sha256Of } from '../io/source.js';
import { runtime } from '../runtime/wasm.js';
import type { Provenance } from './types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function numlabVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The commit of the numlab checkout this code runs from, or null (installed package, no git). */
export function gitSha(): string | null {
  if (!existsSync(`${ROOT}.git`)) return null;
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  const sha = r.status === 0 ? r.stdout.trim() : '';
  return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
}

export async function provenance(command: string, files: readonly string[], seeds: readonly number[]): Promise<Provenance> {
  const inputs = [];
  for (const path of files) {
    const src = await fileSource(path);
    try {
      inputs.push({ path, sha256: await sha256Of(src), bytes: src.size });
    } finally {
      await src.close();
    }
  }
  return {
    tool: 'numlab',
    version: numlabVersion(),
    gitSha: gitSha(),
    node: process.version,
    isa: runtime().isa,
    startedAt: new Date().toISOString(),
    command,
    inputs,
    seeds: [...new Set(seeds)],
  };
}
