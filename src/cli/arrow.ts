/**
 * `numlab quantize --format ID [--axis A] [--granularity G] [--group-size N] [--column NAME] IN OUT` and
 * `numlab dequantize IN OUT`: Arrow tensor pipelines (docs/arrow.md). IN is an Arrow IPC file (.arrow)
 * or stream (.arrows), or for quantize also a safetensors / .npy file; OUT is .arrow or .arrows.
 * Batches are processed one at a time; OUT appears only when the whole run succeeded.
 */
import { Option, type Command } from 'commander';
import { dequantizeBatches, dequantizeSchema, quantizeBatches, quantizeSchema, type QuantizeBatchesOptions } from '../arrow/batches.js';
import { ipcKindOf, openArrowFile, openBatchSource, writeArrowFile, type BatchSource } from '../arrow/ipc.js';
import { fail, show } from '../errors.js';

export interface QuantizeCliOptions {
  format: string;
  axis?: string;
  granularity?: 'tensor' | 'channel' | 'group';
  groupSize?: string;
  column?: string[];
  fixedSizeBinary?: boolean;
}

function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) fail('BAD_OPTION', `--${name} must be an integer, got ${show(v)}`, v);
  return n;
}

async function withSource<T>(path: string, open: (p: string) => Promise<BatchSource>, f: (s: BatchSource) => Promise<T>): Promise<T> {
  const src = await open(path);
  try {
    return await f(src);
  } finally {
    await src.close();
  }
}

export async function runQuantize(input: string, output: string, opts: QuantizeCliOptions, out: (s: string) => void): Promise<void> {
  ipcKindOf(output);
  const o: QuantizeBatchesOptions = {
    format: opts.format,
    axis: intOption('axis', opts.axis),
    granularity: opts.granularity,
    groupSize: intOption('group-size', opts.groupSize),
    columns: opts.column,
    fixedSizeBinary: opts.fixedSizeBinary,
  };
  await withSource(input, openBatchSource, async (src) => {
    const n = await writeArrowFile(output, quantizeSchema(src.schema, o), quantizeBatches(src.batches, o));
    out(`${output}: ${n} batch${n === 1 ? '' : 'es'} quantized to ${opts.format}`);
  });
}

export async function runDequantize(input: string, output: string, out: (s: string) => void): Promise<void> {
  ipcKindOf(output);
  await withSource(input, openArrowFile, async (src) => {
    const n = await writeArrowFile(output, dequantizeSchema(src.schema), dequantizeBatches(src.batches));
    out(`${output}: ${n} batch${n === 1 ? '' : 'es'} dequantized to float32`);
  });
}

/** Registers `quantize` and `dequantize` on the numlab program. */
export function addArrowCommands(program: Command, out: (s: string) => void): void {
  program
    .command('quantize')
    .description('quantize the float tensor columns of an Arrow IPC file/stream (or a safetensors / .npy file) into packed codes and scales (docs/arrow.md)')
    .argument('<in>', 'input: .arrow (IPC file), .arrows (IPC stream), .safetensors or .npy')
    .argument('<out>', 'output: .arrow (IPC file) or .arrows (IPC stream); written only when the run succeeds')
    .requiredOption('--format <id>', 'a numlab format name, e.g. int8, fp8_e4m3fn, mxfp4, nvfp4')
    .option('--axis <a>', 'axis of each tensor (scales per channel / group / block run along it); default the last')
    .addOption(new Option('--granularity <g>', 'element formats: one scale per tensor (default), channel or group').choices(['tensor', 'channel', 'group']))
    .option('--group-size <n>', 'elements per group (with --granularity group)')
    .option('--column <name>', 'only this column (repeatable); default every float tensor column', (c: string, acc: string[] = []) => [...acc, c])
    .option('--fixed-size-binary', 'codes, scales and zero points as FixedSizeBinary columns instead of List<uint8> (FixedSizeList tensor columns only)')
    .exitOverride()
    .action(async (input: string, output: string, opts: QuantizeCliOptions) => {
      await runQuantize(input, output, opts, out);
    });
  program
    .command('dequantize')
    .description('restore float32 tensors from the output of numlab quantize (exactly as the format decodes)')
    .argument('<in>', 'input: .arrow or .arrows written by numlab quantize')
    .argument('<out>', 'output: .arrow (IPC file) or .arrows (IPC stream)')
    .exitOverride()
    .action(async (input: string, output: string) => {
      await runDequantize(input, output, out);
    });
}
