// The command-line program: a thin layer over src/driver. Every failure
// becomes a rendered diagnostic and an exit code (contract section 8); no
// stack trace reaches the user.
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticError, diag } from '../diag/diagnostic.js';
import { renderAll } from '../diag/render.js';
import { registerCheckCommand } from '../driver/check-cli.js';
import type { LowerCliOptions } from '../driver/lower.js';
import { checkpointOption, collect, outputOption, reportOptions, tapeBudgetOption } from './options.js';
// Each command's driver is imported when the command runs: `fmt` then never loads the
// differentiation code (about 30 ms of start-up).

function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch { dir = dirname(dir); }
  }
  return 'unknown';
}

function useColor(): boolean {
  return !!process.stderr.isTTY && !process.env.NO_COLOR;
}

function buildProgram(onExit: (code: number) => void): Command {
  const program = new Command('enzyme-ts');
  program
    .description('Reverse-mode automatic differentiation of textual LLVM IR (Enzyme semantics, no LLVM plugin).')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nExample:\n  clang -O2 -S -emit-llvm f.c -o f.ll && enzyme-ts fmt f.ll -o f.checked.ll\n\nDocumentation: docs/cli.md')
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => {
        const msg = str.replace(/^error: /, '').trim();
        write(renderAll([diag('E0903', msg, null)], { color: useColor() }));
      },
    });

  program
    .command('fmt')
    .description('parse, check and print a module (the front end alone: validates IR)')
    .argument('<IN>', "input .ll file, or '-' for standard input")
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  enzyme-ts fmt f.ll -o f.checked.ll\n  clang -S -emit-llvm -O2 f.c -o - | enzyme-ts fmt -')
    .action(async (input: string, opts: { output?: string }) => {
      const { runFmt } = await import('../driver/fmt.js');
      runFmt({ input, output: opts.output });
    });

  const gradCmd = program
    .command('grad')
    .description('reverse-mode derivative of a function, added to the module as @diffe<FN>')
    .argument('<IN>', "input .ll file, or '-' for standard input");
  reportOptions(activityOptions(gradCmd)
    .addOption(new Option('--name <NAME>', 'name of the generated function (default: diffe<FN>)'))
    .addOption(new Option('--width <N>', 'batch width: N vector-Jacobian products in one call'))
    .addOption(checkpointOption())
    .addOption(tapeBudgetOption())
    .addOption(outputOption())
    .addOption(new Option('--print-activity', 'print the activity of each value to stderr (ENZYME_PRINT_AA)'))
    .addOption(new Option('--print-types', 'print deduced memory types to stderr (ENZYME_PRINT_TA)')))
    .addHelpText('after', '\nExample:\n  enzyme-ts grad f.ll -f f --args active,dup -o f.grad.ll\n  clang -O2 f.grad.ll main.c -lm -o prog')
    .action(async (input: string, opts: GradCliOptions) => {
      const { runGrad } = await import('../driver/grad.js');
      runGrad({ input, ...opts });
    });

  const actCmd = program
    .command('activity')
    .description('print the activity of every argument, instruction and value of a function, with line:col')
    .argument('<IN>', "input .ll file, or '-' for standard input");
  activityOptions(actCmd)
    .addHelpText('after', '\nExample:\n  enzyme-ts activity f.ll -f f --args active,const')
    .action(async (input: string, opts: GradCliOptions) => {
      const { runActivity } = await import('../driver/activity.js');
      runActivity({ input, ...opts });
    });
  reportOptions(hintOptions(program
    .command('lower'))
    .description("replace Enzyme's C ABI calls (__enzyme_autodiff, __enzyme_augmentfwd, __enzyme_reverse, __enzyme_augmentsize) by generated derivatives")
    .argument('<IN>', "input .ll file, or '-' for standard input")
    .addOption(outputOption())
    .addOption(checkpointOption())
    .addOption(tapeBudgetOption())
    .addOption(new Option('-v, --verbose', 'list each lowered call and the derivative it now calls on stderr')))
    .addHelpText('after', '\nExample:\n  clang -O2 -S -emit-llvm prog.c -o prog.ll && enzyme-ts lower prog.ll -o prog.ad.ll && clang prog.ad.ll -lm -o prog')
    .action(async (input: string, opts: Omit<LowerCliOptions, 'input'>) => {
      const { runLower } = await import('../driver/lower.js');
      runLower({ input, ...opts });
    });
  registerCheckCommand(program, onExit);
  return program;
}

interface GradCliOptions {
  fn: string;
  args?: string;
  ret?: string;
  name?: string;
  width?: string;
  checkpoint?: string;
  tapeBudget?: string;
  output?: string;
  printActivity?: boolean;
  printTypes?: boolean;
  printPerf?: boolean;
  print?: boolean;
  looseTypes?: boolean;
  custom?: string[];
  inactive?: string[];
}

/** The options every command that differentiates shares. */
function activityOptions(cmd: Command): Command {
  return hintOptions(cmd
    .requiredOption('-f, --fn <FN>', 'the function to differentiate (without @)')
    .addOption(new Option('--args <LIST>', 'activity per parameter: active, dup, dupnoneed, const (comma-separated)'))
    .addOption(new Option('--ret <R>', 'return activity: active, activeonly, const, none')));
}

/** `--custom` and `--inactive` (docs/custom.md). */
function hintOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--custom <FN=AUG,REV>', 'use AUG and REV (Enzyme\'s convention, docs/custom.md) as the derivative of FN; repeatable').argParser(collect))
    .addOption(new Option('--inactive <FN>', 'treat calls to FN as inactive: kept, no derivative; repeatable').argParser(collect));
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`enzyme-ts grad f.ll | head`) is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  let exitCode = 0;
  const program = buildProgram((code) => { exitCode = code; });
  try {
    if (argv.length <= 2) {
      process.stdout.write(program.helpInformation());
      return 2;
    }
    await program.parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof DiagnosticError) {
      process.stderr.write(renderAll(e.diagnostics, { color: useColor() }));
      return e.exitCode;
    }
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(renderAll([diag('E0999', `internal error: ${what}`, null, -1, -1,
      ['this is a bug in enzyme-ts; please report it with the input file and the command line'])], { color: useColor() }));
    if (process.env.ENZYME_TS_TRACE) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return 3;
  }
}
