#!/usr/bin/env node
/**
 * The `numlab` command. Exit codes: 0 ok; 1 usage errors (unknown command or option, reported
 * by commander); 2 a NumlabError (bad format name, bad option value, …) printed as
 * `numlab: <message>`; anything else is a bug and prints its stack (exit 70).
 *
 * `numlab` with no arguments runs the main job on built-in defaults: `numlab compare` on the built-in
 * tensors and formats (report in ./numlab-report).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { NumlabError } from '../errors.js';
import { addArrowCommands } from './arrow.js';
import { COMPARE_DEFAULTS, registerCompare, runCompare } from './compare.js';
import { KINDS, runFormats, type FormatsOptions } from './formats.js';
import { addInspectCommand } from './inspect.js';

function packageVersion(): string {
  // dist/cli/numlab.js and src/cli/numlab.ts both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const write = (s: string) => {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
};

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('numlab')
    .description('Bit-exact numerics-format laboratory for ML quantization.\nWith no command, runs the main job: numlab compare on built-in tensors and formats.')
    .version(packageVersion(), '-V, --version', 'print the numlab version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .allowExcessArguments(true)
    .action(async (_opts: unknown, cmd: Command) => {
      if (cmd.args.length > 0) {
        const names = program.commands.map((c) => c.name());
        program.error(`error: unknown command '${cmd.args[0]}' (commands: ${names.join(', ')}; see numlab --help)`, {
          code: 'commander.unknownCommand',
          exitCode: 1,
        });
      }
      await runCompare([], { ...COMPARE_DEFAULTS }, write, 'numlab');
    });

  program
    .command('formats')
    .description('list the registered formats, or show one format (any name the grammar accepts)')
    .argument('[name]', 'a format name, e.g. fp8_e4m3fn, fp_e3m3fn, int6, binary8p3se, mxfp4')
    .option('--json', 'print a JSON array with full-precision numbers (null where not applicable)')
    .addOption(new Option('--kind <kind>', 'only formats of this kind').choices(KINDS))
    .exitOverride()
    .action((name: string | undefined, opts: FormatsOptions) => {
      runFormats(name, opts, write);
    });

  registerCompare(program, write);
  addInspectCommand(program, write);
  addArrowCommands(program, write);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander already printed the message (0 for --help/--version)
    if (e instanceof NumlabError) {
      process.stderr.write(`numlab: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`numlab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70;
  }
}

// `numlab formats | head` closes stdout early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
