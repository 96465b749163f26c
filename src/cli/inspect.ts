/**
 * `numlab inspect FILE...`: the tensors of safetensors / .npy files with their statistics
 * (tensorStats over the finite elements, float64). Tensors are read one at a time, so memory
 * stays bounded by the largest tensor. Tensors of a dtype numlab does not read are listed with
 * blank statistics (null in --json). Table numbers are rounded to 6 significant digits; --json
 * carries full precision.
 */
import Table from 'cli-table3';
import type { Command } from 'commander';
import { tensorStats, type TensorStats } from '../compare/stats.js';
import { globMatch, selectTensors } from '../io/select.js';
import { openTensorFile, type TensorFile } from '../io/tensor-file.js';

export interface InspectOptions {
  json?: boolean;
  tensor?: string[];
}

export interface InspectTensor {
  name: string;
  dtype: string;
  shape: number[];
  bytes: number;
  /** null when numlab does not read the tensor's dtype. */
  stats: TensorStats | null;
}

export interface InspectFile {
  path: string;
  kind: 'safetensors' | 'npy';
  metadata: Record<string, string>;
  tensors: InspectTensor[];
}

/**
 * Opens every file (headers only; a bad file or a glob matching no tensor in any file fails before
 * any data is read), then reads and measures the selected tensors one at a time.
 */
export async function inspectFiles(paths: readonly string[], globs: readonly string[] = []): Promise<InspectFile[]> {
  const opened: TensorFile[] = [];
  try {
    for (const path of paths) opened.push(await openTensorFile(path));
    selectTensors(opened.flatMap((f) => f.tensors.map((t) => t.name)), globs);
    const files: InspectFile[] = [];
    for (const f of opened) {
      const tensors: InspectTensor[] = [];
      for (const t of f.tensors) {
        if (globs.length > 0 && !globs.some((g) => globMatch(g, t.name))) continue;
        let stats: TensorStats | null = null;
        if (t.encoding !== null) {
          const { data, shape } = await f.read(t.name);
          stats = tensorStats(data, shape);
        }
        tensors.push({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.byteLength, stats });
      }
      files.push({ path: f.path, kind: f.kind, metadata: f.metadata, tensors });
    }
    return files;
  } finally {
    await Promise.all(opened.map((f) => f.close()));
  }
}

/** 6 significant digits, plain where readable, exponent otherwise. */
export function stat6(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  return a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(5).replace(/\.?0+e/, 'e');
}

export function renderInspect(file: InspectFile): string {
  const table = new Table({
    head: ['tensor', 'dtype', 'shape', 'bytes', 'mean', 'std', 'absmax', 'crest', 'kurtosis', 'non-finite'],
    style: { head: [], border: [], compact: true },
  });
  for (const t of file.tensors) {
    const s = t.stats;
    const nums = s ? [s.mean, s.std, s.absmax, s.crest, s.kurtosis].map(stat6) : ['', '', '', '', ''];
    table.push([t.name, t.dtype, `[${t.shape.join(', ')}]`, String(t.bytes), ...nums, s ? String(s.nonFinite) : 'not read']);
  }
  const meta = Object.entries(file.metadata).map(([k, v]) => `${k}=${v}`);
  const title = `${file.path} (${file.kind}, ${file.tensors.length} tensor${file.tensors.length === 1 ? '' : 's'}${meta.length ? '; ' + meta.join(', ') : ''})`;
  return `${title}\n${table.toString()}`;
}

export async function runInspect(paths: readonly string[], opts: InspectOptions, out: (s: string) => void): Promise<void> {
  const files = await inspectFiles(paths, opts.tensor ?? []);
  out(opts.json ? JSON.stringify(files, null, 2) : files.map(renderInspect).join('\n\n'));
}

/** Registers `inspect` on the numlab program. */
export function addInspectCommand(program: Command, out: (s: string) => void): void {
  program
    .command('inspect')
    .description('list the tensors of safetensors / .npy files with their statistics (mean, std, absmax, crest factor, kurtosis)')
    .argument('<file...>', 'safetensors or .npy files (F32, F16, BF16 read; other dtypes listed without statistics)')
    .option('--tensor <glob>', "only tensors whose name matches (repeatable; '*' any run of characters, '?' one character)", (g: string, acc: string[] = []) => [...acc, g])
    .option('--json', 'print JSON (per file: path, kind, metadata, tensors with full-precision stats, null where not read)')
    .exitOverride()
    .action(async (files: string[], opts: InspectOptions) => {
      await runInspect(files, opts, out);
    });
}
