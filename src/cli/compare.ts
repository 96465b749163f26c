/**
 * `numlab compare` and `numlab study`: run the comparison engine, write report.md, report.html and
 * result.json into --out (atomically), and print a summary (or the JSON with --json).
 */
import Table from 'cli-table3';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { fail, show } from '../errors.js';
import { DEFAULT_FORMATS, DEFAULT_SYNTHETIC } from '../compare/defaults.js';
import { compare, type TensorSource } from '../compare/engine.js';
import { writeReportDir } from '../compare/output.js';
import { methodHelp } from '../compare/methods.js';
import { formatLabel, ROTATION_NOTE, rotationPairsTable } from '../compare/report-format.js';
import { renderHtml, renderRotationHtml, renderStudyHtml } from '../compare/report-html.js';
import { renderMarkdown, renderRotationMarkdown, renderStudyMarkdown } from '../compare/report-md.js';
import { fileSources } from '../compare/sources.js';
import { studyIntVsFp } from '../compare/study.js';
import { studyRotation } from '../compare/study-rotation.js';
import { generate, parseSynthetic, syntheticName } from '../compare/synthetic.js';
import type { CompareResult, RotationStudyResult, StudyResult } from '../compare/types.js';

type Write = (s: string) => void;

interface CompareFlags {
  formats?: string;
  synthetic?: string[];
  tensor?: string[];
  granularity?: string;
  out: string;
  json?: boolean;
  threads?: string;
  progress: boolean;
  calibration?: string[];
  ptq?: string[];
  alpha?: string;
  rotateBlock?: string;
}

/** Plain tables (no colour codes), compact, as the other commands print them. */
const STYLE = { head: [], border: [], compact: true };

const fmt = (v: number | null, d = 2) => (v === null ? '–' : v === Infinity ? '∞' : v.toFixed(d));

/** A progress bar on stderr when it is a terminal (and not --json), else nothing. */
function progress(enabled: boolean, label: string): { tick: (done: number, total: number, what?: string) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { tick: () => {}, stop: () => {} };
  const bar = new SingleBar({ stream: process.stderr, format: `${label} [{bar}] {value}/{total} {what}`, hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    tick: (done, total, what = '') => {
      if (!started) {
        bar.start(total, 0, { what: '' });
        started = true;
      }
      bar.update(done, { what: what.slice(0, 40) });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function parseThreads(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) fail('BAD_OPTION', `--threads must be a positive integer, got ${show(v)}`, v);
  return n;
}

/** The flag defaults of `numlab compare`, also what the bare `numlab` runs with. */
export const COMPARE_DEFAULTS = { out: 'numlab-report', granularity: 'channel', progress: true } as const;

export function summaryTables(r: CompareResult): string {
  const perTensor = new Table({ head: ['tensor', 'crest', 'best format', 'granularity', 'QSNR dB'], style: STYLE });
  for (const b of r.best.perTensor) {
    const t = r.tensors.find((x) => x.name === b.tensor)!;
    perTensor.push([b.tensor, fmt(t.crest), formatLabel({ format: b.format, options: b.options ?? {} }), b.granularity, fmt(b.qsnrDb)]);
  }
  const overall = new Table({ head: ['rank', 'format', 'granularity', 'bits/elem', 'mean QSNR dB', 'QSNR/bit'], style: STYLE });
  r.best.overall.forEach((o, i) => {
    const opts = JSON.stringify(o.options ?? {});
    const row = r.rows.find((x) => x.format === o.format && x.granularity === o.granularity && JSON.stringify(x.options ?? {}) === opts)!;
    overall.push([String(i + 1), formatLabel({ format: o.format, options: o.options ?? {} }), o.granularity, row.bitsPerElement.toFixed(3), fmt(o.meanQsnrDb), fmt(o.meanQsnrPerBit, 3)]);
  });
  return `Best format per tensor (highest QSNR):\n${perTensor.toString()}\n\nOverall, sorted by mean QSNR per bit:\n${overall.toString()}\n`;
}

export function registerCompare(program: Command, write: Write): void {
  program
    .command('compare')
    .description('measure formats on tensors (safetensors / .npy files, or built-in synthetic ones) and write a report\nwith no files and no --synthetic: a default study on built-in tensors')
    .argument('[files...]', '.safetensors or .npy files')
    .option('--formats <list>', `comma-separated format specs: ID[@tensor|@channel|@group:N|@gN][@sym|@asym] for element formats, ID[@floor|@ceil|@rceil|@even][@sorted] for block formats, or method formats:\n${methodHelp().map((l) => `  ${l}`).join('\n')}\n(default: ${DEFAULT_FORMATS.join(',')})`)
    .option('--synthetic <spec...>', 'built-in tensors: gaussian|laplace|student-t|uniform|llm-act[:shape=RxC,seed=N,nu=ν,crest=κ,outliers=N,outlier-scale=s]')
    .option('--tensor <glob...>', 'only tensors whose names match (* and ? wildcards)')
    .option('--granularity <g>', 'default scale granularity of element formats: tensor, channel, group:N (gN)', COMPARE_DEFAULTS.granularity)
    .option('--out <dir>', 'report directory (report.md, report.html, result.json)', COMPARE_DEFAULTS.out)
    .option('--threads <n>', 'worker threads (default: all cores)')
    .option('--calibration <file...>', 'activations X [tokens, in] (.safetensors/.npy): every 2-D weight [out, in] with that in gets layer errors ‖WX − Q(W)X‖²/‖WX‖²')
    .option('--ptq <pipeline...>', 'layer errors also after PTQ: gptq, smoothquant, hadamard, or steps joined with + (hadamard+gptq); needs --calibration')
    .option('--alpha <a>', 'SmoothQuant migration strength α in [0, 1]', '0.5')
    .option('--rotate-block <n>', 'Hadamard block along in (default: the format\'s block size for block formats, else 128)')
    .option('--json', 'print result.json to stdout instead of the summary')
    .option('--no-progress', 'no progress bar')
    .action(async (files: string[], flags: CompareFlags) => {
      await runCompare(files, flags, write, ['numlab', ...process.argv.slice(2)].join(' '));
    });

  program
    .command('study')
    .description('built-in studies; int-vs-fp: QSNR vs crest factor for MXINT/MXFP and NVINT4/NVFP4 (arXiv 2510.25602), measured and theoretical;\nrotation: QSNR of NVINT4/NVFP4 and MXINT4/MXFP4 with and without a block Hadamard rotation on heavy-tailed tensors')
    .argument('<name>', 'study name: int-vs-fp, rotation')
    .option('--out <dir>', 'report directory (report.md, report.html, result.json)', 'numlab-study')
    .option('--blocks <n>', 'int-vs-fp: blocks per crest factor', '2048')
    .option('--seed <n>', 'seed of the generated blocks (rotation: of tensors that name none)', '1')
    .option('--synthetic <spec...>', 'rotation: 2-D synthetic tensors [rows, k] (default gaussian, laplace, student-t:nu=3, llm-act at 256x1024)')
    .option('--rotate-block <list>', 'rotation: comma-separated Hadamard blocks along k', '16,32')
    .option('--json', 'print result.json to stdout instead of the summary')
    .option('--no-progress', 'no progress bar')
    .action(async (name: string, flags: StudyFlags) => {
      if (name !== 'int-vs-fp' && name !== 'rotation') fail('BAD_OPTION', `unknown study ${show(name)}; studies: int-vs-fp, rotation`, name);
      const seed = Number(flags.seed);
      if (!Number.isSafeInteger(seed) || seed < 0) fail('BAD_OPTION', `--seed must be a non-negative integer, got ${show(flags.seed)}`, flags.seed);
      if (name === 'rotation') {
        await runRotationStudy(flags, seed, write);
        return;
      }
      const blocks = Number(flags.blocks);
      if (!Number.isSafeInteger(blocks) || blocks < 1) fail('BAD_OPTION', `--blocks must be a positive integer, got ${show(flags.blocks)}`, flags.blocks);
      const bar = progress(flags.progress && !flags.json, 'int-vs-fp');
      let r: StudyResult;
      try {
        r = await studyIntVsFp({ blocks, seed, command: `numlab study int-vs-fp --blocks ${blocks} --seed ${seed}`, onProgress: (d, t) => bar.tick(d, t) });
      } finally {
        bar.stop();
      }
      const json = JSON.stringify(r, null, 2);
      const dir = writeReportDir(flags.out, { 'result.json': json, 'report.md': renderStudyMarkdown(r), 'report.html': renderStudyHtml(r) });
      if (flags.json) write(json);
      else {
        const t = new Table({ head: ['pair', 'crossover κ measured', 'theory', 'reference (formats.md §2.3)'], style: STYLE });
        const range = (p: StudyResult['pairs'][number]) => `none in ${p.points[0].crest}–${p.points[p.points.length - 1].crest}`;
        for (const p of r.pairs)
          t.push([`${p.int} / ${p.fp}`, p.crossoverMeasured === null ? range(p) : fmt(p.crossoverMeasured), p.crossoverTheory === null ? range(p) : fmt(p.crossoverTheory), fmt(p.crossoverPublished)]);
        write(`INT better below the crossover crest factor, FP above.\n${t.toString()}\nReport: ${dir}/report.html`);
      }
    });
}

interface StudyFlags {
  out: string;
  blocks: string;
  seed: string;
  synthetic?: string[];
  rotateBlock: string;
  json?: boolean;
  progress: boolean;
}

async function runRotationStudy(flags: StudyFlags, seed: number, write: Write): Promise<void> {
  const blocks = flags.rotateBlock.split(',').map((b) => b.trim()).filter((b) => b !== '').map((b) => {
    const n = Number(b);
    if (!Number.isSafeInteger(n) || n < 2 || (n & (n - 1)) !== 0) fail('BAD_OPTION', `--rotate-block must list powers of two ≥ 2, got ${show(b)}`, b);
    return n;
  });
  const synth = flags.synthetic ? ` --synthetic ${flags.synthetic.join(' ')}` : '';
  const bar = progress(flags.progress && !flags.json, 'rotation');
  let r: RotationStudyResult;
  try {
    r = await studyRotation({
      tensors: flags.synthetic, blocks, seed, onProgress: (d, t) => bar.tick(d, t),
      command: `numlab study rotation --seed ${seed} --rotate-block ${blocks.join(',')}${synth}`,
    });
  } finally {
    bar.stop();
  }
  const json = JSON.stringify(r, (_k, v) => (v === Infinity ? 'Infinity' : v), 2);
  const dir = writeReportDir(flags.out, { 'result.json': json, 'report.md': renderRotationMarkdown(r), 'report.html': renderRotationHtml(r) });
  if (flags.json) write(json);
  else {
    const t = new Table({ head: rotationPairsTable(r).head, style: STYLE });
    for (const row of rotationPairsTable(r).body) t.push(row);
    write(`${ROTATION_NOTE}\n${t.toString()}\nReport: ${dir}/report.html`);
  }
}

export async function runCompare(files: string[], flags: CompareFlags, write: Write, command: string): Promise<CompareResult> {
  const formats = (flags.formats ?? DEFAULT_FORMATS.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const threads = parseThreads(flags.threads);
  const specs = flags.synthetic ?? (files.length === 0 ? DEFAULT_SYNTHETIC : []);
  const synthetic: TensorSource[] = specs.map((text) => {
    const s = parseSynthetic(text);
    const name = syntheticName(s);
    return { name, shape: s.shape, source: { kind: 'synthetic', spec: name, seed: s.seed }, load: () => generate(s) };
  });
  const ptq = (flags.ptq ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  const calFiles = flags.calibration ?? [];
  if (ptq.length > 0 && calFiles.length === 0) fail('BAD_OPTION', `--ptq ${ptq.join(' ')} needs --calibration activations`, ptq);
  const alpha = flags.alpha === undefined ? undefined : Number(flags.alpha);
  if (alpha !== undefined && !(alpha >= 0 && alpha <= 1)) fail('BAD_OPTION', `--alpha must be a number in [0, 1], got ${show(flags.alpha)}`, flags.alpha);
  const rotateBlock = flags.rotateBlock === undefined ? undefined : Number(flags.rotateBlock);
  const fromFiles = await fileSources(files, flags.tensor);
  for (const s of fromFiles.skipped) process.stderr.write(`numlab: skipping ${s}: not a float tensor\n`);
  const tensors = [...fromFiles.sources, ...synthetic];
  let calibration: Awaited<ReturnType<typeof fileSources>> | undefined;
  let r: CompareResult;
  const bar = progress(flags.progress && !flags.json, 'compare');
  try {
    if (tensors.length === 0) fail('BAD_OPTION', `no tensor matched ${show(flags.tensor)}`, flags.tensor);
    if (calFiles.length > 0) {
      calibration = await fileSources(calFiles);
      for (const s of calibration.skipped) process.stderr.write(`numlab: skipping calibration ${s}: not a float tensor\n`);
    }
    r = await compare({
      tensors, formats, threads, granularity: flags.granularity, command, files: [...files, ...calFiles],
      seeds: synthetic.map((t) => (t.source.kind === 'synthetic' ? t.source.seed : 0)),
      onProgress: (d, t, name) => bar.tick(d, t, name),
      ...(calibration ? { calibration: calibration.sources, ptq, alpha, rotateBlock } : {}),
    });
  } finally {
    bar.stop();
    await fromFiles.close();
    await calibration?.close();
  }
  const json = JSON.stringify(r, (_k, v) => (v === Infinity ? 'Infinity' : v), 2);
  const dir = writeReportDir(flags.out, { 'result.json': json, 'report.md': renderMarkdown(r), 'report.html': renderHtml(r) });
  write(flags.json ? json : `${summaryTables(r)}\nReport: ${dir}/report.html`);
  return r;
}
