/**
 * npm run verify:exhaustive -- <format> [--rounding rne] [--saturate false|true|finite] [--seed 0]
 *                                       [--workers N] [--from 0] [--to 0xffffffff] [--block 22]
 * Every f32 bit pattern in [from, to] through the WASM kernels (encode and fused quantize) and the
 * reference twin (encodeArrayRef, decodeArrayRef), compared bit for bit. For formats without NaN,
 * NaN patterns are skipped here (they must raise, which test/formats/nan-policy.test.ts checks) and
 * counted. Stochastic rounding uses each pattern's value as its element index (idxBase = block start).
 * Exits 1 on any mismatch.
 */
import { Command } from 'commander';
import os from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseFormatName } from '../src/formats/names.js';
import { MinifloatFormat } from '../src/formats/minifloat.js';
import { decodeArrayRef, encodeArrayRef } from '../src/formats/minifloat-ref.js';
import { checkRounding } from '../src/formats/rounding.js';
import type { MinifloatSpec } from '../src/formats/spec.js';

interface Job { format: string; rounding: string; saturate: boolean | 'finite'; seed: number; from: number; to: number; blockBits: number; worker: number; workers: number }
interface Result { checked: number; skipped: number; mismatches: number; examples: string[] }

function checkRange(job: Job, lo: number, hi: number, out: Result): void {
  const spec = parseFormatName(job.format) as MinifloatSpec;
  const f = new MinifloatFormat(spec);
  const n = hi - lo + 1;
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) bits[i] = lo + i;
  const x = new Float32Array(bits.buffer);
  if (!f.limits.hasNaN) for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) { x[i] = 0; out.skipped++; }
  const sat = job.saturate === 'finite' ? 'finite' : job.saturate ? 'propagate' : 'none';
  const opts = { rounding: job.rounding as MinifloatSpec['rounding'], saturate: job.saturate, seed: job.seed };
  // the kernels take idxBase = offset within the call; call at lo, so the reference gets indexBase 0 too
  const got = f.encode(x, opts);
  const want = encodeArrayRef(spec, x, { rounding: opts.rounding, saturate: sat, seedA: job.seed >>> 0, seedB: Math.floor(job.seed / 2 ** 32) >>> 0 }, 0);
  const q = new Uint32Array(f.quantize(x, opts).buffer);
  const wq = new Uint32Array(decodeArrayRef(spec, want).buffer);
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i] || q[i] !== wq[i]) {
      out.mismatches++;
      if (out.examples.length < 10)
        out.examples.push(`bits 0x${(lo + i).toString(16)}: code ${got[i]} want ${want[i]}, quantize 0x${q[i].toString(16)} want 0x${wq[i].toString(16)}`);
    }
  }
  out.checked += n;
}

const workerArg = process.argv.indexOf('--worker-job');
if (workerArg >= 0) {
  // worker process: checks every workers-th block, one JSON line per block on stdout
  const job = JSON.parse(process.argv[workerArg + 1]) as Job;
  const size = 2 ** job.blockBits;
  let b = 0;
  for (let lo = job.from; lo <= job.to; lo += size, b++) {
    if (b % job.workers !== job.worker) continue;
    const r: Result = { checked: 0, skipped: 0, mismatches: 0, examples: [] };
    checkRange(job, lo, Math.min(job.to, lo + size - 1), r);
    process.stdout.write(JSON.stringify(r) + '\n');
  }
} else {
  const prog = new Command()
    .name('verify-exhaustive')
    .argument('<format>', 'a minifloat format of at most 8 bits')
    .option('--rounding <mode>', 'rounding mode', 'rne')
    .option('--saturate <s>', 'false | true | finite', 'false')
    .option('--seed <n>', 'stochastic seed', '0')
    .option('--workers <n>', 'worker threads', String(Math.min(2, os.availableParallelism())))
    .option('--from <hex>', 'first bit pattern', '0')
    .option('--to <hex>', 'last bit pattern', '0xffffffff')
    .option('--block <bits>', 'log2 of the patterns per block', '22')
    .parse();
  const [name] = prog.args;
  const o = prog.opts();
  const spec = parseFormatName(name);
  if (spec.kind !== 'minifloat' || new MinifloatFormat(spec).bits > 8) {
    console.error(`verify-exhaustive: ${name} is not a minifloat of at most 8 bits`);
    process.exit(2);
  }
  checkRounding(o.rounding);
  const job: Job = {
    format: name, rounding: o.rounding, saturate: o.saturate === 'finite' ? 'finite' : o.saturate === 'true', seed: Number(o.seed),
    from: Number(o.from), to: Number(o.to), blockBits: Number(o.block), worker: 0, workers: Number(o.workers),
  };
  const total = job.to - job.from + 1;
  const t0 = Date.now();
  const sum: Result = { checked: 0, skipped: 0, mismatches: 0, examples: [] };
  let last = 0;
  let running = job.workers;
  const onResult = (m: Result) => {
    sum.checked += m.checked;
    sum.skipped += m.skipped;
    sum.mismatches += m.mismatches;
    sum.examples.push(...m.examples.slice(0, 10 - sum.examples.length));
    if (Date.now() - last > 5000) {
      last = Date.now();
      const s = (Date.now() - t0) / 1000;
      const rate = sum.checked / s;
      process.stderr.write(`${(100 * sum.checked / total).toFixed(1)}%  ${(rate / 1e6).toFixed(2)} M/s  ETA ${((total - sum.checked) / rate).toFixed(0)} s  mismatches ${sum.mismatches}\n`);
    }
  };
  const finish = () => {
    const s = (Date.now() - t0) / 1000;
    console.log(`${name} rounding=${job.rounding} saturate=${o.saturate}: ${sum.checked} patterns checked, ${sum.mismatches} mismatches, ` +
      `${sum.skipped} NaN patterns skipped, ${s.toFixed(1)} s with ${job.workers} worker processes`);
    for (const e of sum.examples) console.log('  ' + e);
    process.exit(sum.mismatches || sum.checked !== total ? 1 : 0);
  };
  // worker processes re-run this script under the same loader (tsx) with --worker-job
  const self = fileURLToPath(import.meta.url);
  for (let w = 0; w < job.workers; w++) {
    const child = spawn(process.execPath, [...process.execArgv, self, '--worker-job', JSON.stringify({ ...job, worker: w })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let k: number;
      while ((k = buf.indexOf('\n')) >= 0) {
        onResult(JSON.parse(buf.slice(0, k)) as Result);
        buf = buf.slice(k + 1);
      }
    });
    child.on('exit', (code) => {
      if (code !== 0) {
        console.error(`verify-exhaustive: worker ${w} exited with ${code}`);
        process.exit(2);
      }
      if (--running === 0) finish();
    });
  }
}
