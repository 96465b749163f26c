/**
 * The built library in headless Chromium: dist/index.js is loaded as a plain ES module from a local
 * HTTP server (no bundler), runs the same codec calls as Node, and must give bit-identical results.
 * Needs dist/ (`npm run build`) and Debian's chromium at /usr/bin/chromium; either missing FAILS
 * with instructions (.ci/run installs chromium) — it never skips.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlockRef } from '../../src/formats/block-ref.js';
import { BLOCK_FORMATS } from '../../src/formats/block-spec.js';
import { launchChromium, STEP_MS, type Chromium } from '../helpers/chromium.js';
import { CASES, KNOWN, bitsF32, runCases, type BrowserResult } from './cases.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const PAGE = fileURLToPath(new URL('./page.html', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Serves / (the test page), /cases.json and /dist/** only, on 127.0.0.1 with an ephemeral port. */
function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/' || path === '/index.html') return send(200, TYPES['.html'], readFileSync(PAGE));
    if (path === '/blank') return send(200, TYPES['.html'], '<!doctype html><title>blank</title>');
    if (path === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (path === '/cases.json') return send(200, TYPES['.json'], JSON.stringify(CASES));
    if (path.startsWith('/dist/')) {
      const file = normalize(join(DIST, path.slice('/dist/'.length)));
      if (file.startsWith(DIST + sep) && existsSync(file) && statSync(file).isFile())
        return send(200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    }
    send(404, 'text/plain', `not found: ${path}`);
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

let server: Server | undefined;
let browser: Chromium | undefined;
let page: Page | undefined;
let baseUrl = '';
let pageErrors: string[] = [];

/** Set when setup fails; every test rethrows it, so a missing prerequisite counts as failed tests, not skipped ones. */
let setupError: Error | undefined;

function ready(): Page {
  if (setupError) throw setupError;
  return page!;
}

beforeAll(async () => {
  try {
    await setup();
  } catch (e) {
    setupError = e instanceof Error ? e : new Error(String(e));
  }
}, 90_000);

async function setup(): Promise<void> {
  if (!existsSync(join(DIST, 'index.js')))
    throw new Error('dist/index.js is missing: build first with `npm run build` (npm install runs it)');
  server = await serve();
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = browser.page;
  pageErrors = browser.errors;
}

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
}, 60_000);

describe('numlab in headless Chromium', () => {
  it('has WebAssembly SIMD', async () => {
    // (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)), as in wasm-feature-detect.
    const SIMD_MODULE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];
    const NOT_A_MODULE = SIMD_MODULE.slice(0, -1); // truncated code section: a control that must not validate
    const page = ready();
    expect(WebAssembly.validate(new Uint8Array(SIMD_MODULE)), 'Node validates the SIMD probe').toBe(true);
    await page.goto(`${baseUrl}/blank`, { waitUntil: 'load' });
    const got = await page.evaluate(
      ([simd, bad]) => ({
        simd: WebAssembly.validate(new Uint8Array(simd)),
        bad: WebAssembly.validate(new Uint8Array(bad)),
        ua: navigator.userAgent,
      }),
      [SIMD_MODULE, NOT_A_MODULE],
    );
    expect(got.bad).toBe(false);
    expect(got.simd, `WebAssembly SIMD in ${got.ua}`).toBe(true);
  });

  it('imports /dist/index.js as an ES module and encodes bit-identically to Node', async () => {
    const page = ready();
    pageErrors.length = 0;
    await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { __numlab?: unknown }).__numlab !== undefined, undefined, { timeout: STEP_MS });
    const out = (await page.evaluate(() => (window as unknown as { __numlab: unknown }).__numlab)) as
      | { ok: true; results: BrowserResult[] }
      | { ok: false; error: string };
    if (!out.ok) throw new Error(`the page failed to run numlab:\n${out.error}\npage errors: ${pageErrors.join('\n') || '(none)'}`);

    const lib = (await import(pathToFileURL(join(DIST, 'index.js')).href)) as { format: Parameters<typeof runCases>[0] };
    const node = runCases(lib.format, CASES);
    expect(out.results).toEqual(node);

    // Known answers (ml_dtypes float8_e4m3fn / float4_e2m1fn, round-to-nearest-even).
    const [e4m3, , , , fp4] = out.results;
    for (const [x, code] of Object.entries(KNOWN.e4m3Codes)) {
      const i = KNOWN.e4m3Input.indexOf(Number(x));
      expect(e4m3.codes[i], `fp8_e4m3fn encode(${x})`).toBe(code);
    }
    const q = bitsF32(e4m3.quantized);
    expect(q[KNOWN.e4m3Input.indexOf(464)]).toBe(448);
    expect(q[KNOWN.e4m3Input.indexOf(465)]).toBeNaN();
    expect(q[KNOWN.e4m3Input.indexOf(1)]).toBe(1);
    expect(fp4.codes).toEqual(KNOWN.fp4Codes);
    expect(Array.from(bitsF32(fp4.decoded))).toEqual(KNOWN.fp4Values);
    // block formats: the browser's bytes are the reference twin's
    for (const [i, c] of CASES.entries()) {
      const spec = BLOCK_FORMATS.find((b) => b.id === c.format);
      if (!spec) continue;
      const ref = encodeBlockRef(spec, bitsF32(c.input), c.opts as never);
      const tensor = ref.tensorScale === undefined ? [] : Array.from(new Uint32Array(new Float32Array([ref.tensorScale]).buffer));
      expect(out.results[i].codes, `${c.format} in the browser`).toEqual([...ref.codes, ...ref.scales, ...tensor]);
    }
    expect(pageErrors).toEqual([]);
  });
});
