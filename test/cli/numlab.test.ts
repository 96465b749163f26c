/**
 * The built CLI (dist/cli/numlab.js), run as a user runs it. Needs `npm run build` (npm install
 * runs it); a missing dist/ fails here with that instruction rather than skipping.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { numlab } from '../helpers/cli.js';

interface JsonRow {
  id: string;
  kind: string;
  bits: number;
  expBits: number | null;
  manBits: number | null;
  bias: number | null;
  max: number;
  minNormal: number | null;
  minSubnormal: number | null;
  qmin: number | null;
  qmax: number | null;
  specials: string;
  overflowDefault: string;
  description: string;
}

describe('numlab formats (table)', () => {
  it('lists fp8_e4m3fn with max 448 and exits 0', () => {
    const r = numlab('formats');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const line = r.stdout.split('\n').find((l) => /[│|]\s*fp8_e4m3fn\s*[│|]/.test(l));
    expect(line, 'a table row for fp8_e4m3fn').toBeDefined();
    const cells = line!.split(/[│|]/).map((c) => c.trim());
    expect(cells).toContain('448');
    expect(cells).toContain('0.015625'); //    min normal 2^-6
    expect(cells).toContain('0.001953125'); // min subnormal 2^-9
  });

  it('renders huge and tiny values in the exact 2^k form', () => {
    const r = numlab('formats', 'e8m0fnu');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2^127');
    expect(r.stdout).toContain('2^-127');
    expect(numlab('formats', 'bf16').stdout).toContain('1.9921875×2^127');
  });

  it('lists the block formats in their own table; --kind block and a block id select them', () => {
    const all = numlab('formats');
    expect(all.stdout).toContain('block formats');
    expect(all.stdout).toMatch(/mxfp4 +│ fp4_e2m1fn +│ 4 +│ 6 +│ 32 +│ e8m0fnu +│ floor/);
    const rows = JSON.parse(numlab('formats', '--kind', 'block', '--json').stdout) as Record<string, unknown>[];
    expect(rows.map((r) => r.id)).toEqual(['mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e3m2', 'mxfp6_e2m3', 'mxfp4', 'mxint8', 'mxint6', 'mxint4', 'nvfp4', 'nvint4', 'msfp12', 'msfp16', 'bfp12']);
    expect(rows.find((r) => r.id === 'nvfp4')).toMatchObject({ kind: 'block', element: 'fp4_e2m1fn', bits: 4, elementMax: 6, blockSize: 16, scale: 'ue4m3', scaleBits: 7, scaleRule: 'nv_te', tensorScale: 'f32', bitsPerElement: 4.5 });
    expect(rows.find((r) => r.id === 'bfp12')).toMatchObject({ element: 'int4_sym', blockSize: 64, scale: 'e8', bitsPerElement: 4.125 });
    const one = numlab('formats', 'mxint8');
    expect(one.status).toBe(0);
    expect(one.stdout).toContain('1.984375');
    expect(one.stdout).not.toContain('fp8_e4m3fn');
    const bad = numlab('formats', 'mxfp5');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"mxfp4"');
  });

  it('--kind filters rows', () => {
    const r = numlab('formats', '--kind', 'int', '--json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.kind === 'int')).toBe(true);
  });
});

describe('numlab formats --json', () => {
  let rows: JsonRow[] | undefined;
  const byId = (id: string) => {
    const row = load().find((x) => x.id === id);
    if (!row) throw new Error(`no JSON row for ${id}`);
    return row;
  };

  const load = () => {
    if (!rows) {
      const r = numlab('formats', '--json');
      expect(r.status).toBe(0);
      rows = JSON.parse(r.stdout) as JsonRow[];
    }
    return rows;
  };

  it('is an array of rows with full-precision numbers', () => {
    expect(Array.isArray(load())).toBe(true);
    expect(byId('fp8_e4m3fn')).toMatchObject({ kind: 'minifloat', bits: 8, expBits: 4, manBits: 3, bias: 7, max: 448, minNormal: 2 ** -6, minSubnormal: 2 ** -9 });
    expect(byId('fp8_e5m2').max).toBe(57344);
    expect(byId('fp4_e2m1fn').max).toBe(6);
    expect(byId('e8m0fnu').max).toBe(2 ** 127);
    expect(byId('e8m0fnu').minSubnormal).toBeNull();
    expect(byId('binary8p4se').max).toBe(224);
    expect(byId('bf16').max).toBe(3.3895313892515355e38);
  });

  it('gives int and bipolar rows a qmin/qmax range and nulls for minifloat-only fields', () => {
    expect(byId('int8')).toMatchObject({ kind: 'int', bits: 8, qmin: -128, qmax: 127, max: 127, expBits: null, bias: null, minNormal: null });
    expect(byId('int4_sym')).toMatchObject({ qmin: -7, qmax: 7 });
    expect(byId('bipolar2')).toMatchObject({ kind: 'bipolar', qmin: -3, qmax: 3 });
    expect(byId('fp8_e4m3fn')).toMatchObject({ qmin: null, qmax: null });
  });

  it('shows any name the grammar accepts', () => {
    const r = numlab('formats', 'fp_e3m3fn', '--json');
    expect(r.status).toBe(0);
    const [row] = JSON.parse(r.stdout) as JsonRow[];
    expect(row).toMatchObject({ id: 'fp_e3m3fn', expBits: 3, manBits: 3, bias: 3, max: 28 });
    const p = numlab('formats', 'binary8p3se');
    expect(p.status).toBe(0);
    expect(p.stdout).toContain('binary8p3se');
    expect(p.stdout).toContain('49152');
  });
});

describe('numlab errors', () => {
  it('an unknown format exits 2 with numlab: <message> and suggestions', () => {
    const r = numlab('formats', 'fp8_e4m3f');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^numlab: unknown format "fp8_e4m3f"; did you mean .*"fp8_e4m3fn"/);
  });

  it('bad format parameters exit 2', () => {
    const r = numlab('formats', 'binary20p3se');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^numlab: .*binary20p3se/);
  });

  it('an unknown option exits non-zero with a clear message', () => {
    for (const args of [['formats', '--bogus'], ['--bogus']]) {
      const r = numlab(...args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr).toContain("unknown option '--bogus'");
    }
  });

  it('an unknown command exits non-zero with a clear message', () => {
    const r = numlab('bogus');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("unknown command 'bogus'");
  });

  it('a bad --kind exits non-zero', () => {
    const r = numlab('formats', '--kind', 'posit');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('posit');
  });
});

describe('numlab --version / --help', () => {
  it('--version prints the package.json version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = numlab('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists the formats command', () => {
    const r = numlab('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('formats');
  });
});
