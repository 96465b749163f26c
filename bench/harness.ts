/**
 * Bench harness: runs rows with tinybench next to a WASM memory-copy baseline measured in the same
 * run (before and after the rows), and turns the medians into GB/s and ratios. Results are data:
 * run.ts writes them as JSON with provenance; render() turns that JSON into Markdown without maths.
 */
import { execSync } from 'node:child_process';
import os from 'node:os';
import { Bench } from 'tinybench';

export interface Row {
  family: string;
  format: string;
  op: string;
  /** What `bytes` counts, e.g. "f32 input". */
  unit: string;
  bytes: number;
  /** Target as a fraction of the copy throughput (null: none). */
  target: number | null;
  /** Untimed preparation before this row is measured (e.g. writing its input into WASM memory). */
  setup?: () => void;
  run: () => void;
}

export interface RowResult {
  family: string;
  format: string;
  op: string;
  unit: string;
  bytes: number;
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  samples: number;
  gbps: number;
  ratio: number;
  target: number | null;
  pass: boolean | null;
}

export interface BenchReport {
  kind: 'numlab-bench';
  provenance: Record<string, string | number>;
  copy: { bytes: number; medianMs: number; gbps: number; before: number; after: number };
  rows: RowResult[];
}

function percentile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/** Samples of fn (which may return a Promise): at least `iterations` (default 8) after `warmupIterations` (default 5), over timeMs. */
export async function measure(name: string, fn: () => void, timeMs: number, opts: { iterations?: number; warmupIterations?: number } = {}):
  Promise<{ median: number; p25: number; p75: number; n: number }> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.max(200, timeMs / 4), warmupIterations: opts.warmupIterations ?? 5, iterations: opts.iterations ?? 8,
    retainSamples: true });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0].result as unknown as { latency: { samples?: number[]; p50: number } };
  const s = [...(r.latency.samples ?? [r.latency.p50])].sort((a, b) => a - b);
  return { median: percentile(s, 0.5), p25: percentile(s, 0.25), p75: percentile(s, 0.75), n: s.length };
}

/**
 * measure() for calls of any length: one call first (timed by hand; it also warms up), then calls
 * of 100 ms or more get 5 samples after one warm-up call, so the big GEMM shapes stay within seconds.
 */
export async function measureCall(name: string, fn: () => unknown, timeMs: number): Promise<Awaited<ReturnType<typeof measure>>> {
  const t0 = performance.now();
  await fn();
  const slow = performance.now() - t0 >= 100;
  return measure(name, fn as () => void, timeMs, slow ? { iterations: 5, warmupIterations: 1 } : {});
}

export async function runRows(copy: { bytes: number; run: () => void }, rows: Row[], timeMs: number, log: (s: string) => void): Promise<Omit<BenchReport, 'provenance'>> {
  const c1 = await measure('copy', copy.run, timeMs);
  log(`copy ${(copy.bytes / c1.median / 1e6).toFixed(2)} GB/s`);
  const measured: { row: Row; m: Awaited<ReturnType<typeof measure>> }[] = [];
  for (const row of rows) {
    row.setup?.();
    const m = await measure(`${row.format} ${row.op}`, row.run, timeMs);
    measured.push({ row, m });
    log(`${row.family} ${row.format} ${row.op}: ${m.median.toFixed(2)} ms`);
  }
  const c2 = await measure('copy', copy.run, timeMs);
  const copyMs = Math.min(c1.median, c2.median); // the faster of the two: a disturbed baseline never flatters the ratios
  const copyGbps = copy.bytes / copyMs / 1e6;
  return {
    kind: 'numlab-bench',
    copy: { bytes: copy.bytes, medianMs: copyMs, gbps: copyGbps, before: c1.median, after: c2.median },
    rows: measured.map(({ row, m }) => {
      const gbps = row.bytes / m.median / 1e6;
      const ratio = gbps / copyGbps;
      return { family: row.family, format: row.format, op: row.op, unit: row.unit, bytes: row.bytes, medianMs: m.median, p25Ms: m.p25,
        p75Ms: m.p75, samples: m.n, gbps, ratio, target: row.target, pass: row.target === null ? null : ratio >= row.target };
    }),
  };
}

export function provenance(extra: Record<string, string | number>): Record<string, string | number> {
  let sha = 'unknown';
  let dirty = '';
  try {
    sha = execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    dirty = execSync('git status --porcelain', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() ? ' (dirty)' : '';
  } catch {
    /* not a git checkout */
  }
  return {
    git: sha + dirty,
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    host: os.hostname(),
    platform: `${os.platform()} ${os.arch()}`,
    timestamp: new Date().toISOString(),
    ...extra,
  };
}

/** Markdown from a report (formatting only). */
export function render(r: BenchReport): string {
  const p = r.provenance;
  const lines = [
    `# numlab bench ${String(p.timestamp).slice(0, 10)}`,
    '',
    `${p.cpu}, ${p.platform}, Node ${p.node}, ISA ${p.isa}, N = ${p.n} elements, git ${p.git}, wasm ${p.wasm}.`,
    '',
    `Baseline: WASM memory.copy of ${r.copy.bytes} bytes, ${r.copy.gbps.toFixed(2)} GB/s (${r.copy.medianMs.toFixed(2)} ms, the faster of the medians ` +
      `${r.copy.before.toFixed(2)} ms before the rows and ${r.copy.after.toFixed(2)} ms after).`,
    '',
    '| family | format | op | bytes counted | median ms | p25–p75 ms | GB/s | × copy | target | pass |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---|',
    ...r.rows.map((x) =>
      `| ${x.family} | ${x.format} | ${x.op} | ${x.unit} | ${x.medianMs.toFixed(2)} | ${x.p25Ms.toFixed(2)}–${x.p75Ms.toFixed(2)} | ${x.gbps.toFixed(2)} | ${x.ratio.toFixed(2)} | ${x.target === null ? '' : '≥ ' + x.target.toFixed(2)} | ${x.pass === null ? '' : x.pass ? 'yes' : '**no**'} |`),
    '',
  ];
  return lines.join('\n');
}
