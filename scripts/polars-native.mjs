#!/usr/bin/env node
/**
 * Makes nodejs-polars (a dev dependency, for test/arrow/polars.test.ts) loadable on this machine.
 *
 * nodejs-polars ships its native code in one optional package per platform
 * (nodejs-polars-linux-x64-gnu, …-darwin-arm64, …), all recorded in package-lock.json. Those
 * packages declare engines node >= 22, so on Node 20 `npm ci` skips them, although the binary
 * loads and works on Node 20. This script does nothing when nodejs-polars already loads; else it
 * installs this platform's package at the version nodejs-polars pins, with `npm install --no-save`
 * (node_modules only: package.json and the lockfile are left as they are), and checks that
 * nodejs-polars then loads. .ci/run runs it after `npm ci`; developers on Node 20 run it once.
 *
 * Exit status: 0 when nodejs-polars loads at the end, 1 otherwise (with the reason on stderr).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function loads() {
  try {
    require('nodejs-polars');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

/** This platform's package name, as nodejs-polars's own loader (bin/native-polars.js) picks it. */
function platformPackage() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const glibc = process.report.getReport().header.glibcVersionRuntime;
    return `nodejs-polars-linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
  }
  if (platform === 'win32') return `nodejs-polars-win32-${arch}-msvc`;
  return `nodejs-polars-${platform}-${arch}`;
}

let why = loads();
if (why === null) process.exit(0);
let manifest;
try {
  manifest = JSON.parse(readFileSync(require.resolve('nodejs-polars/package.json'), 'utf8'));
} catch (e) {
  console.error(`polars-native: nodejs-polars is not installed (run npm ci first): ${e.message}`);
  process.exit(1);
}
const name = platformPackage();
const version = manifest.optionalDependencies?.[name];
if (version === undefined) {
  console.error(`polars-native: nodejs-polars ${manifest.version} has no native package for ${process.platform}-${process.arch} (${name}); it cannot load here: ${why}`);
  process.exit(1);
}
console.error(`polars-native: nodejs-polars does not load (${why}); installing ${name}@${version} (npm install --no-save)`);
try {
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', `${name}@${version}`], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
} catch (e) {
  console.error(`polars-native: npm install ${name}@${version} failed: ${e.message}`);
  process.exit(1);
}
// A fresh process: this one's module resolution remembers that the package was missing.
try {
  execFileSync(process.execPath, ['-e', "require('nodejs-polars')"], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  why = null;
} catch (e) {
  why = String(e.stderr ?? e.message).split('\n').find((l) => /Error/.test(l)) ?? e.message;
}
if (why !== null) {
  console.error(`polars-native: nodejs-polars still does not load: ${why}`);
  process.exit(1);
}
console.error(`polars-native: nodejs-polars loads with ${name}@${version}`);
