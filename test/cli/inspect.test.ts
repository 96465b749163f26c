/**
 * `numlab inspect`, run as a user runs it (the built dist/cli/numlab.js; `npm run build` first)
 * on files written by numlab's writers and built byte by byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat6 } from '../../src/cli/inspect.js';
import { writeNpy, writeSafetensors } from '../../src/io/write.js';
import { numlab } from '../helpers/cli.js';
import { safetensorsBytes } from '../helpers/tensor-bytes.js';

const DIR = mkdtempSync(join(tmpdir(), 'numlab-inspect-'));
const ST = join(DIR, 'model.safetensors');
const NPY = join(DIR, 'acts.npy');
const MIXED = join(DIR, 'mixed.safetensors');

const cellsOf = (out: string, name: string) => {
  const line = out.split('\n').find((l) => l.startsWith(`│ ${name} `));
  expect(line, `a row for ${name}`).toBeDefined();
  return line!.split('│').slice(1, -1).map((c) => c.trim());
};

beforeAll(async () => {
  await writeSafetensors(ST, [
    { name: 'layers.0.w', data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] },
    { name: 'layers.1.w', data: new Float32Array([0.5, -1, NaN]), shape: [3], dtype: 'F16' },
    { name: 'head', data: new Float32Array([1, -1, 0, 4, 0, 0]), shape: [2, 3], dtype: 'BF16' },
  ], { format: 'pt' });
  await writeNpy(NPY, new Float32Array([1, 2, 3, 4]), [4]);
  const h = { ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] }, x: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
  writeFileSync(MIXED, safetensorsBytes(h, [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3f]));
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('numlab inspect', () => {
  it('prints one table per file with dtype, shape, bytes and 6-digit statistics', () => {
    const r = numlab('inspect', ST, NPY);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${ST} (safetensors, 3 tensors; format=pt)`);
    expect(r.stdout).toContain(`${NPY} (npy, 1 tensor)`);
    expect(cellsOf(r.stdout, 'layers.0.w')).toEqual(['layers.0.w', 'F32', '[2, 2]', '16', '2.5', '1.11803', '4', '1.46059', '-1.36', '0']);
    expect(cellsOf(r.stdout, 'layers.1.w')).toEqual(['layers.1.w', 'F16', '[3]', '6', '-0.25', '0.75', '1', '1.26491', '-2', '1']);
    expect(cellsOf(r.stdout, 'head')).toEqual(['head', 'BF16', '[2, 3]', '12', '0.666667', '1.59861', '4', '2.3094', '0.362949', '0']);
    expect(cellsOf(r.stdout, 'acts')).toEqual(['acts', '<f4', '[4]', '16', '2.5', '1.11803', '4', '1.46059', '-1.36', '0']);
  });

  it('--json carries full-precision statistics, metadata, and null stats for dtypes it does not read', () => {
    const r = numlab('inspect', '--json', ST, MIXED);
    expect(r.status).toBe(0);
    const files = JSON.parse(r.stdout) as { path: string; kind: string; metadata: object; tensors: { name: string; dtype: string; shape: number[]; bytes: number; stats: Record<string, number> | null }[] }[];
    expect(files.map((f) => [f.path, f.kind, f.metadata])).toEqual([[ST, 'safetensors', { format: 'pt' }], [MIXED, 'safetensors', {}]]);
    expect(files[0].tensors[0]).toEqual({
      name: 'layers.0.w',
      dtype: 'F32',
      shape: [2, 2],
      bytes: 16,
      stats: { n: 4, mean: 2.5, std: Math.sqrt(1.25), absmax: 4, crest: 4 / Math.sqrt(7.5), crestRows: (2 / Math.sqrt(2.5) + 4 / Math.sqrt(12.5)) / 2, kurtosis: -1.36, nonFinite: 0 },
    });
    expect(files[1].tensors).toEqual([
      { name: 'ids', dtype: 'I64', shape: [1], bytes: 8, stats: null },
      { name: 'x', dtype: 'F32', shape: [1], bytes: 4, stats: { n: 1, mean: 1, std: 0, absmax: 1, crest: 1, crestRows: 1, kurtosis: 0, nonFinite: 0 } },
    ]);
    expect(cellsOf(numlab('inspect', MIXED).stdout, 'ids')).toEqual(['ids', 'I64', '[1]', '8', '', '', '', '', '', 'not read']);
  });

  it('--tensor selects by glob (repeatable); a glob matching nothing in any file exits 2 naming it', () => {
    const r = numlab('inspect', ST, NPY, '--tensor', 'layers.*', '--tensor', 'act?', '--json');
    expect(r.status).toBe(0);
    const files = JSON.parse(r.stdout) as { tensors: { name: string }[] }[];
    expect(files.map((f) => f.tensors.map((t) => t.name))).toEqual([['layers.0.w', 'layers.1.w'], ['acts']]);
    const bad = numlab('inspect', ST, '--tensor', 'layer.*');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('numlab: --tensor "layer.*" matches no tensor (3 available: "layers.0.w", "layers.1.w", "head")\n');
  });

  it('missing and malformed files exit 2 with the path and the problem on stderr', () => {
    const missing = numlab('inspect', ST, join(DIR, 'nope.npy'));
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`numlab: no such file: ${JSON.stringify(join(DIR, 'nope.npy'))}\n`);
    const junk = join(DIR, 'junk.npy');
    writeFileSync(junk, 'not a numpy file at all');
    const r = numlab('inspect', junk);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`numlab: ${junk}: bad magic: a .npy file starts with "\\x93NUMPY"\n`);
  });

  it('--help documents the command; no file is a usage error (exit 1)', () => {
    const h = numlab('inspect', '--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('Usage: numlab inspect [options] <file...>');
    expect(h.stdout).toContain('--tensor <glob>');
    expect(h.stdout).toContain('--json');
    expect(numlab('--help').stdout).toContain('inspect');
    const none = numlab('inspect');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("missing required argument 'file'");
  });
});

describe('stat6', () => {
  it('6 significant digits, plain between 1e-4 and 1e6, exponent (trailing zeros dropped) outside', () => {
    expect([0, 2.5, -1 / 3, 123456.7, 1e-4, 999999.4].map(stat6)).toEqual(['0', '2.5', '-0.333333', '123457', '0.0001', '999999']);
    expect([1e6, -1.5e-7, 1.05e-9, 3.4028234663852886e38, Infinity].map(stat6)).toEqual(['1e+6', '-1.5e-7', '1.05e-9', '3.40282e+38', 'Infinity']);
  });
});
