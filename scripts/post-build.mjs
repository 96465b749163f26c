// Runs after `tsc -p tsconfig.build.json`: makes the CLI entry point executable. The shebang
// comes from src/cli/numlab.ts (tsc keeps it); this checks it is there and adds it if not.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const cli = new URL('../dist/cli/numlab.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('post-build: dist/cli/numlab.js is missing (did tsc run?)');
  process.exit(1);
}
const SHEBANG = '#!/usr/bin/env node';
const text = readFileSync(cli, 'utf8');
if (!text.startsWith(SHEBANG + '\n')) writeFileSync(cli, `${SHEBANG}\n${text}`);
chmodSync(cli, 0o755);
console.log('post-build: dist/cli/numlab.js is executable');
