/** `numlab compare` and `numlab study` as a user runs them (the built CLI, in a scratch directory). */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy, writeSafetensors } from '../../src/io/write.js';
import { generate, parseSynthetic } from '../../src/compare/synthetic.js';
import { numlabIn } from '../helpers/cli.js';
import { safetensorsBytes } from '../helpers/tensor-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'numlab-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => numlabIn(dir, args, 120_000);
const json = (p: string) => JSON.parse(readFileSync(join(dir, p), 'utf8'));

describe('numlab compare', () => {
  it('with no arguments runs the default study and writes the report', () => {
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Best format per tensor');
    expect(r.stdout).toContain('sorted by mean QSNR per bit');
    const res = json('numlab-report/result.json');
    expect(res.schema).toBe('numlab.compare/1');
    expect(res.tensors).toHaveLength(5);
    expect(res.rows).toHaveLength(5 * 15);
    expect(readFileSync(join(dir, 'numlab-report/report.md'), 'utf8')).toContain('mxfp4');
    expect(readFileSync(join(dir, 'numlab-report/report.html'), 'utf8')).toContain('<svg');
  });

  it('measures safetensors and .npy files; provenance hashes them', async () => {
    const s = parseSynthetic('laplace:shape=16x128,seed=9');
    const x = generate(s);
    await writeSafetensors(join(dir, 'w.safetensors'), [
      { name: 'layer.0.weight', data: x, shape: [16, 128], dtype: 'F32' },
      { name: 'layer.0.bias', data: x.subarray(0, 128), shape: [128], dtype: 'BF16' },
      { name: 'other', data: x.subarray(0, 64), shape: [64], dtype: 'F16' },
    ]);
    await writeNpy(join(dir, 'a.npy'), x, [16, 128]);
    const r = run('compare', 'w.safetensors', 'a.npy', '--tensor', 'layer.*', '--tensor', 'a', '--formats', 'int4@g64,mxfp4', '--out', 'files', '--threads', '2', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.tensors.map((t: { name: string }) => t.name)).toEqual(['w.safetensors:layer.0.weight', 'w.safetensors:layer.0.bias', 'a.npy:a']);
    expect(res.tensors[1]).toMatchObject({ shape: [128], source: { kind: 'file', path: 'w.safetensors', dtype: 'BF16' } });
    const sha = createHash('sha256').update(readFileSync(join(dir, 'a.npy'))).digest('hex');
    expect(res.provenance.inputs).toContainEqual({ path: 'a.npy', sha256: sha, bytes: readFileSync(join(dir, 'a.npy')).length });
    // The same f32 tensor from two files gives the same numbers.
    const rowsOf = (t: string) => res.rows.filter((row: { tensor: string }) => row.tensor === t).map((row: { qsnrDb: number }) => row.qsnrDb);
    expect(rowsOf('a.npy:a')).toEqual(rowsOf('w.safetensors:layer.0.weight'));
    expect(json('files/result.json').rows).toHaveLength(6);
  });

  it('--calibration and --ptq: layer errors per weight and format, in result.json and the reports', async () => {
    const w = generate(parseSynthetic('gaussian:shape=16x64,seed=3'));
    const w2 = generate(parseSynthetic('laplace:shape=8x32,seed=4'));
    const x = generate(parseSynthetic('llm-act:shape=40x64,seed=5'));
    await writeSafetensors(join(dir, 'layer.safetensors'), [
      { name: 'q.weight', data: w, shape: [16, 64] },
      { name: 'o.weight', data: w2, shape: [8, 32] },
    ]);
    await writeNpy(join(dir, 'x.npy'), x, [2, 20, 64]);
    const r = run('compare', 'layer.safetensors', '--calibration', 'x.npy', '--ptq', 'gptq', 'hadamard+gptq', '--formats', 'int4@g32,nvfp4', '--out', 'layer', '--threads', '1', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.ptq).toEqual(['gptq', 'hadamard+gptq']);
    expect(res.calibration).toEqual([{ name: 'x', source: { kind: 'file', path: 'x.npy', dtype: '<f4' }, shape: [2, 20, 64], tokens: 40, weights: ['q.weight'] }]);
    const sha = createHash('sha256').update(readFileSync(join(dir, 'x.npy'))).digest('hex');
    expect(res.provenance.inputs.map((i: { path: string; sha256: string }) => [i.path, i.sha256])).toContainEqual(['x.npy', sha]);
    const q = res.rows.filter((row: { tensor: string }) => row.tensor === 'q.weight');
    expect(q).toHaveLength(2);
    for (const row of q) {
      expect(row.layerErr).toBeGreaterThan(0);
      expect(row.layerErrPtq.gptq).toBeLessThan(row.layerErr);
      expect(row.layerErrPtq['hadamard+gptq']).toBeGreaterThan(0);
    }
    expect(res.rows.filter((row: { tensor: string }) => row.tensor === 'o.weight').every((row: object) => !('layerErr' in row))).toBe(true);
    const md = readFileSync(join(dir, 'layer/report.md'), 'utf8');
    expect(md).toContain('| layer err | layer err gptq | layer err hadamard+gptq |');
    expect(readFileSync(join(dir, 'layer/report.html'), 'utf8')).toContain('layer err hadamard+gptq');
  });

  it('skips tensors numlab does not read as floats (an I64 tensor), saying so on stderr', () => {
    // ids: I64 [1] = 5 (bytes 0..8); w: F32 [2, 32] (bytes 8..264), the values 0..63
    const w = new Float32Array(64).map((_, i) => i - 31.5);
    const header = { ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] }, w: { dtype: 'F32', shape: [2, 32], data_offsets: [8, 264] } };
    writeFileSync(join(dir, 'mixed.safetensors'), safetensorsBytes(header, [5, 0, 0, 0, 0, 0, 0, 0, ...new Uint8Array(w.buffer)]));
    const r = run('compare', 'mixed.safetensors', '--formats', 'mxfp4', '--out', 'mixed', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('numlab: skipping mixed.safetensors:ids (I64): not a float tensor\n');
    expect(JSON.parse(r.stdout).tensors.map((t: { name: string }) => t.name)).toEqual(['w']);
  });

  it('bad input: typed message, exit 2, and the previous report stays in place', () => {
    mkdirSync(join(dir, 'keep'));
    writeFileSync(join(dir, 'keep/result.json'), '{"old":true}');
    writeFileSync(join(dir, 'bad.npy'), Buffer.from('\x93NUMPY\x01\x00garbage'));
    const cases: [string[], RegExp][] = [
      [['compare', '--formats', 'mxfp5', '--synthetic', 'gaussian:shape=4x32', '--out', 'keep'], /unknown format/],
      [['compare', 'bad.npy', '--out', 'keep'], /bad\.npy/],
      [['compare', 'missing.safetensors', '--out', 'keep'], /missing\.safetensors/],
      [['compare', '--synthetic', 'gaussian:shape=4x30', '--formats', 'int4@g64', '--out', 'keep'], /group size 64 does not divide/],
      [['compare', '--synthetic', 'nope', '--out', 'keep'], /unknown synthetic tensor kind/],
      [['compare', '--threads', '0', '--out', 'keep'], /--threads must be a positive integer/],
      [['compare', '--ptq', 'gptq', '--out', 'keep'], /--ptq gptq needs --calibration/],
      [['compare', 'a.npy', '--calibration', 'a.npy', '--ptq', 'obq', '--out', 'keep'], /unknown PTQ step "obq"/],
      [['compare', 'a.npy', '--calibration', 'a.npy', '--alpha', '1.5', '--out', 'keep'], /--alpha must be a number in \[0, 1\]/],
    ];
    for (const [args, msg] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toMatch(/^numlab: /);
      expect(json('keep/result.json')).toEqual({ old: true });
    }
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
    expect(run('compare', '--bogus').status).toBe(1);
  });

  it('--help describes the command and lists the method formats', () => {
    const r = run('compare', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--formats');
    expect(r.stdout).toContain('--synthetic');
    for (const m of ['nupes<b>[@tensor|@channel]', 'bitmod3|bitmod4[@gN|@channel]', 'BLOCK_ID@sorted']) expect(r.stdout).toContain(m);
  });

  it('method formats and @sorted: nupes4,bitmod4@g128,bfp12@sorted', () => {
    const r = run('compare', '--synthetic', 'llm-act:shape=16x256,seed=2', '--formats', 'nupes4,bitmod4@g128,bfp12@sorted,bfp12', '--out', 'methods', '--no-progress');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/bfp12 sorted=true/);
    const res = json('methods/result.json');
    expect(res.formats).toEqual(['nupes4@channel', 'bitmod4@group:128', 'bfp12@sorted', 'bfp12']);
    expect(res.rows.map((x: { format: string; kind: string; options: object }) => [x.format, x.kind, x.options])).toEqual([
      ['nupes4', 'method', {}], ['bitmod4', 'method', {}], ['bfp12', 'block', { sorted: true }], ['bfp12', 'block', {}],
    ]);
    expect(res.rows[1].bitsPerElement).toBe(4 + 18 / 128);
    expect(readFileSync(join(dir, 'methods/report.md'), 'utf8')).toContain('bitmod4');
    const bad = run('compare', '--synthetic', 'gaussian:shape=4x32', '--formats', 'bitmod5', '--out', 'methods-bad');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bitmod takes 3 or 4 bits, got 5/);
  });
});

describe('numlab study rotation', () => {
  it('prints which pairs the rotation flips and writes the report', () => {
    const r = run('study', 'rotation', '--synthetic', 'student-t:shape=64x256,seed=3,nu=3', 'gaussian:shape=64x256', '--rotate-block', '16,32', '--out', 'rot', '--no-progress');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/student-t:shape=64x256,seed=3,nu=3 │ nvint4 │ nvfp4 │ -\d+\.\d\d +│ \+\d+\.\d\d +│ \+\d+\.\d\d +│ yes/);
    const res = json('rot/result.json');
    expect(res.schema).toBe('numlab.study.rotation/1');
    expect(res.rotations).toEqual([null, 16, 32]);
    expect(res.tensors.map((t: { name: string }) => t.name)).toEqual(['student-t:shape=64x256,seed=3,nu=3', 'gaussian:shape=64x256,seed=1']);
    expect(res.provenance.command).toBe('numlab study rotation --seed 1 --rotate-block 16,32 --synthetic student-t:shape=64x256,seed=3,nu=3 gaussian:shape=64x256');
    expect(readFileSync(join(dir, 'rot/report.md'), 'utf8')).toContain('| student-t:shape=64x256,seed=3,nu=3 | nvint4 | nvfp4 |');
    const bad = run('study', 'rotation', '--rotate-block', '12', '--out', 'rot2');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--rotate-block must list powers of two/);
  });
});

describe('numlab study int-vs-fp', () => {
  it('prints the crossovers and writes the study report', () => {
    const r = run('study', 'int-vs-fp', '--blocks', '128', '--out', 'study');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/mxint8 \/ mxfp8_e4m3/);
    expect(r.stdout).toContain('7.55');
    const res = json('study/result.json');
    expect(res.schema).toBe('numlab.study.int-vs-fp/1');
    expect(res.pairs).toHaveLength(4);
    expect(existsSync(join(dir, 'study/report.html'))).toBe(true);
    expect(run('study', 'fp-vs-int').stderr).toMatch(/unknown study "fp-vs-int"/);
  });
});
