/**
 * npx tsx bench/ptq/gptq.bench.ts [rows] [cols] [tokens] [ts] — one timed GPTQ run in float64:
 * Hessian accumulation (WASM f64x2 Xᵀ X), then gptq 4-bit asym without groups and with g128 (lazy
 * update on the WASM f64x2 kernel; pass `ts` as 4th argument to time the plain-TS twin as well).
 * Defaults 1024 × 1024, 1024 tokens. Prints wall-clock ms.
 */
import { gptq, HessianAccumulator } from '../../src/index.js';

const [rows, cols, tokens] = [process.argv[2] ?? 1024, process.argv[3] ?? 1024, process.argv[4] ?? 1024].map(Number);
let seed = 1;
const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const W = Float32Array.from({ length: rows * cols }, next);
const X = Float32Array.from({ length: tokens * cols }, next);

const t0 = performance.now();
const h = new HessianAccumulator(cols);
for (let t = 0; t < tokens; t += 128) h.add(X.subarray(t * cols, Math.min(t + 128, tokens) * cols), { rows: Math.min(128, tokens - t) });
const t1 = performance.now();
const a = gptq(W, h, { shape: [rows, cols], bits: 4 });
const t2 = performance.now();
const b = gptq(W, h, { shape: [rows, cols], bits: 4, groupSize: 128 });
const t3 = performance.now();
console.log(`GPTQ ${rows}x${cols}, ${tokens} tokens (node ${process.version}, one thread):`);
console.log(`  Hessian (${Math.ceil(tokens / 128)} batches of ≤ 128 tokens): ${(t1 - t0).toFixed(0)} ms`);
console.log(`  gptq 4-bit asym, no groups: ${(t2 - t1).toFixed(0)} ms (loss ${a.loss.toPrecision(6)})`);
console.log(`  gptq 4-bit asym, g128:      ${(t3 - t2).toFixed(0)} ms (loss ${b.loss.toPrecision(6)})`);
if (process.argv[5] === 'ts') {
  const t4 = performance.now();
  const c = gptq(W, h, { shape: [rows, cols], bits: 4, groupSize: 128, engine: 'ts' });
  const t5 = performance.now();
  const same = c.loss === b.loss && c.weight.every((v, i) => Object.is(v, b.weight[i]));
  console.log(`  gptq 4-bit asym, g128, plain-TS lazy update: ${(t5 - t4).toFixed(0)} ms (same bits as wasm: ${same})`);
}
