/**
 * Writing a report directory all at once: the files go to a fresh temporary directory beside the
 * target, which then replaces the target by rename. A run that fails midway leaves the previous
 * report (if any) as it was, and no partial one.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync, existsSync, statSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fail, show } from '../errors.js';

export function writeReportDir(dir: string, files: Record<string, string | Uint8Array>): string {
  const target = resolve(dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  if (existsSync(target) && !statSync(target).isDirectory()) fail('BAD_OPTION', `--out ${show(dir)} exists and is not a directory`, dir);
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(join(tmp, name), data);
    let old: string | null = null;
    if (existsSync(target)) {
      old = mkdtempSync(join(parent, `.${basename(target)}.old-`));
      rmSync(old, { recursive: true });
      renameSync(target, old);
    }
    renameSync(tmp, target);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return target;
}
