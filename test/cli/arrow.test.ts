/**
 * `numlab quantize` / `numlab dequantize`, run as a user runs them (the built dist/cli/numlab.js;
 * `npm run build` first): round trips equal to the library, typed errors with exit 2 and no output
 * file, and bounded memory on a stream much larger than the heap limit.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArrowFile, writeArrowFile } from '../../src/arrow/ipc.js';
import { format } from '../../src/formats/format.js';
import { writeNpy, writeSafetensors } from '../../src/io/write.js';
import { CLI, numlab } from '../helpers/cli.js';
import { f32bits } from '../helpers/f32.js';
import { bytesAt, collect, floatsAt, raggedAt, randomValues, tensorBatch } from '../helpers/arrow.js';

const DIR = mkdtempSync(join(tmpdir(), 'numlab-cli-arrow-'));
const IN = join(DIR, 'in.arrows');
const batches = [0, 1].map((k) => tensorBatch([{ name: 'w', values: randomValues(3 * 64, k), size: 64, ext: '{"shape":[2,32],"dim_names":["r","c"]}' }], true));

async function readAll(path: string) {
  const src = await openArrowFile(path);
  try {
    return await collect(src.batches);
  } finally {
    await src.close();
  }
}

const noOutput = (path: string) => {
  expect(existsSync(path)).toBe(false);
  expect(readdirSync(DIR).filter((f) => f.includes('.tmp-'))).toEqual([]);
};

beforeAll(async () => {
  await writeArrowFile(IN, batches[0].schema, (async function* () { yield* batches; })());
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('numlab quantize / dequantize', () => {
  it.each([
    ['mxfp4', [], 'q.arrow'],
    ['int4', ['--granularity', 'channel', '--axis', '0'], 'q.arrows'],
    ['fp8_e4m3fn', ['--granularity', 'group', '--group-size', '8'], 'q2.arrow'],
    ['nvfp4', ['--fixed-size-binary'], 'q3.arrows'],
  ] as [string, string[], string][])('%s %j: a stream in, the library decode out', async (id, opts, name) => {
    const q = join(DIR, name);
    const back = join(DIR, `back-${name}`);
    const r = numlab('quantize', '--format', id, ...opts, IN, q);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2 batches quantized');
    const codesType = String((await readAll(q))[0].schema.fields[1].type);
    expect(codesType).toBe(opts.includes('--fixed-size-binary') ? 'FixedSizeBinary[32]' : 'List<Uint8>');
    expect(numlab('dequantize', q, back).status).toBe(0);
    const out = await readAll(back);
    expect(out.length).toBe(2);
    const f = format(id);
    const axis = opts.includes('--axis') ? 0 : undefined;
    for (let k = 0; k < 2; k++)
      for (let r = 0; r < 3; r++) {
        const x = floatsAt(batches[k], 'w', r);
        const want = f.kind === 'block' ? f.decode(f.encode(x, { shape: [2, 32] })) : f.decodeScaled(f.encodeScaled(x, { shape: [2, 32], axis, granularity: opts[1] as 'channel' | 'group', groupSize: opts.includes('--group-size') ? 8 : undefined }));
        expect(f32bits(floatsAt(out[k], 'w', r))).toEqual(f32bits(want));
      }
    expect(out[0].schema.fields.map((f) => f.name)).toEqual(['id', 'w']);
  });

  it('accepts safetensors and .npy input: a ragged column, a row per tensor, each decoded as the library does', async () => {
    const st = join(DIR, 'm.safetensors');
    const w = randomValues(64, 5), b = randomValues(48, 6);
    await writeSafetensors(st, [{ name: 'layer.w', data: w, shape: [2, 32] }, { name: 'layer.b', data: b, shape: [48] }]);
    const q = join(DIR, 'st.arrows');
    expect(numlab('quantize', '--format', 'nvfp4', st, q).status).toBe(0);
    const back = join(DIR, 'st-back.arrow');
    expect(numlab('dequantize', q, back).status).toBe(0);
    const [out] = await readAll(back);
    expect(out.schema.fields.map((f) => f.name)).toEqual(['name', 'tensor', 'tensor.shape']);
    expect(out.getChild('name')!.toArray()).toEqual(['layer.w', 'layer.b']);
    const f = format('nvfp4');
    for (const [r, x, shape] of [[0, w, [2, 32]], [1, b, [48]]] as const) {
      expect(raggedAt(out, 'tensor', r).shape).toEqual(shape);
      expect(f32bits(raggedAt(out, 'tensor', r).values)).toEqual(f32bits(f.decode(f.encode(x, { shape: [...shape] }))));
    }
    const npy = join(DIR, 'v.npy');
    await writeNpy(npy, w, [4, 16]);
    const qn = join(DIR, 'npy.arrow');
    expect(numlab('quantize', '--format', 'int8', '--granularity', 'channel', '--axis', '0', npy, qn).status).toBe(0);
    const [n] = await readAll(qn);
    const i8 = format('int8');
    expect(bytesAt(n, 'tensor', 0)).toEqual(i8.encodeScaled(w, { shape: [4, 16], granularity: 'channel', axis: 0 }).codes);
  });

  it.each([
    ['truncated stream', 'cut.arrows', /not a valid Arrow IPC/],
    ['garbage file', 'junk.arrow', /not a valid Arrow IPC/],
    ['missing file', 'nothing.arrows', /no such file/],
  ])('%s: exit 2, a typed message, no output', async (_label, name, message) => {
    const path = join(DIR, name);
    if (name === 'cut.arrows') writeFileSync(path, (await import('node:fs')).readFileSync(IN).subarray(0, statSync(IN).size - 200));
    if (name === 'junk.arrow') writeFileSync(path, 'ARROW1 and then nonsense '.repeat(20));
    const out = join(DIR, `bad-${name}.arrows`);
    const r = numlab('quantize', '--format', 'int8', path, out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    noOutput(out);
  });

  it('bad options and a non-numlab input to dequantize: exit 2, no output', () => {
    const out = join(DIR, 'bad.arrows');
    for (const args of [
      ['quantize', '--format', 'fp9_nope', IN, out],
      ['quantize', '--format', 'mxfp4', '--granularity', 'channel', IN, out],
      ['quantize', '--format', 'int8', '--axis', 'x', IN, out],
      ['quantize', '--format', 'int8', '--column', 'id', IN, out],
      ['quantize', '--format', 'int8', IN, join(DIR, 'bad.csv')],
      ['dequantize', IN, out],
    ]) {
      const r = numlab(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^numlab: /);
      noOutput(out);
    }
  });
});

describe('memory', () => {
  /**
   * Peak RSS of the CLI run with a 32 MiB old space. Run asynchronously: a run takes seconds, and a
   * worker blocked that long in spawnSync can time out vitest's RPC on a loaded machine.
   */
  const peakRss = async (...args: string[]) => {
    const wrapper = join(DIR, 'measure.mjs');
    if (!existsSync(wrapper))
      writeFileSync(wrapper, `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\nawait import(${JSON.stringify(pathToFileURL(CLI).href)});\n`);
    const child = spawn(process.execPath, ['--max-old-space-size=32', wrapper, ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const status = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
    expect(status, stderr).toBe(0);
    return Number(/MAXRSS (\d+)/.exec(stderr)![1]) * 1024;
  };
  /** quantize `input` (count MiB) and dequantize the result; the two peaks; the back file's row count. */
  const runBoth = async (input: string, count: number) => {
    expect(statSync(input).size).toBeGreaterThan(count * 2 ** 20);
    const out = join(DIR, `big${count}-q.arrows`);
    const back = join(DIR, `big${count}-back.arrow`);
    const q = await peakRss('quantize', '--format', 'mxfp8_e4m3', input, out);
    const d = await peakRss('dequantize', out, back); // back to float32: as large as the input
    const src = await openArrowFile(back);
    let rows = 0;
    for await (const b of src.batches) rows += b.numRows;
    await src.close();
    for (const f of [input, out, back]) rmSync(f);
    return { q, d, rows };
  };

  it('quantizes and dequantizes a stream far larger than the heap limit batch by batch: peak RSS does not grow with the stream', async () => {
    // batches of 256 rows × 1024 f32 (1 MiB): 20 batches, then 200 (200 MiB): the peak RSS of the two runs
    // must stay within 32 MiB of each other (GC timing moves it by ~20 MiB on a loaded machine; holding
    // even a sixth of the extra 180 MiB would exceed it) and under 160 MiB.
    const one = tensorBatch([{ name: 't', values: randomValues(256 * 1024, 11), size: 1024, ext: '{"shape":[32,32]}' }]);
    const peak = async (count: number) => {
      const big = join(DIR, `big${count}.arrows`);
      await writeArrowFile(big, one.schema, (async function* () { for (let k = 0; k < count; k++) yield one; })());
      const r = await runBoth(big, count);
      expect(r.rows).toBe(count * 256);
      return r;
    };
    const small = await peak(20);
    const large = await peak(200);
    for (const k of ['q', 'd'] as const) {
      expect(large[k], k).toBeLessThan(160 * 2 ** 20);
      expect(Math.abs(large[k] - small[k]), k).toBeLessThan(32 * 2 ** 20);
    }
  });

  it('streams a safetensors file far larger than the heap limit, a few tensors a batch: peak RSS stays far below the file size', async () => {
    // 200 tensors of [256, 1024] f32 (1 MiB each, 200 MiB), written without holding the file in memory; read
    // whole (as before streaming) the file alone would take 200 MiB. Only the absolute bound is checked here:
    // with 4 MiB batches of large tensors the garbage between collections is larger than with the IPC test's
    // 1 MiB batches, and the peaks of runs of 20 … 400 tensors scatter between ~85 and ~130 MiB by GC timing.
    const data = new Uint8Array(randomValues(256 * 1024, 12).buffer);
    const count = 200;
    const path = join(DIR, `big${count}.safetensors`);
    const header: Record<string, unknown> = {};
    for (let k = 0; k < count; k++) header[`layers.${k}.w`] = { dtype: 'F32', shape: [256, 1024], data_offsets: [k * data.length, (k + 1) * data.length] };
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeUInt32LE(json.length, 0);
    writeFileSync(path, Buffer.concat([len, json]));
    for (let k = 0; k < count; k++) appendFileSync(path, data);
    const r = await runBoth(path, count);
    expect(r.rows).toBe(count);
    for (const k of ['q', 'd'] as const) expect(r[k], k).toBeLessThan(160 * 2 ** 20);
  });
});
