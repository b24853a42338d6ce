// The command-line program: a thin layer over src/driver. Every failure
// becomes a rendered diagnostic and an exit code (contract section 8); no
// stack trace reaches the user.
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticError, diag, type Diagnostic } from '../diag/diagnostic.js';
import { renderAll, type DiagnosticsFormat } from '../diag/render.js';
import { registerCheckCommand } from '../driver/check-cli.js';
import { registerCargoCommand } from '../driver/cargo-cli.js';
import type { LowerCliOptions } from '../driver/lower.js';
import { Session, colorEnabled, type ColorWhen, type OutputSettings } from '../driver/session.js';
import { checkpointOption, collect, outputOption, reportOptions, reportingOptions, targetOption, verifyAllOption } from './options.js';
import type { FwdOptions } from '../driver/fwd.js';
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

/**
 * `--color` and `--diagnostics-format`, read from the command line before commander parses
 * it: they also decide how commander's own usage errors are shown. `problem` is a bad value.
 */
export function scanReporting(args: readonly string[]): { color: ColorWhen; format: DiagnosticsFormat; problem: string | null } {
  let color: ColorWhen = 'auto';
  let format: DiagnosticsFormat = 'text';
  let problem: string | null = null;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--') break;
    const m = /^--(color|diagnostics-format)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const value = m[2] ?? args[++k];
    if (m[1] === 'color') {
      if (value === 'auto' || value === 'always' || value === 'never') color = value;
      else problem ??= `--color: '${value ?? ''}' is not auto, always or never`;
    } else if (value === 'text' || value === 'json') format = value;
    else problem ??= `--diagnostics-format: '${value ?? ''}' is not text or json`;
  }
  return { color, format, problem };
}

/** The options of `--quiet` and `--time` given before or after the command name. */
function sessionFor(cmd: Command, out: OutputSettings): Session {
  const o = cmd.optsWithGlobals<{ quiet?: boolean; time?: boolean }>();
  return new Session({ ...out, quiet: !!o.quiet, time: !!o.time, tty: !!process.stderr.isTTY });
}

/** Runs a command's driver with its session; the progress line and the time report end with it, error or not. */
async function withSession(cmd: Command, out: OutputSettings, run: (s: Session) => unknown): Promise<void> {
  const session = sessionFor(cmd, out);
  try {
    await run(session);
  } finally {
    session.finish();
  }
}

function buildProgram(onExit: (code: number) => void, out: OutputSettings, argv: readonly string[]): Command {
  const render = (ds: Diagnostic[]): string => renderAll(ds, out);
  const program = new Command('enzyme-ts');
  program
    .description('Reverse-mode automatic differentiation of textual LLVM IR (Enzyme semantics, no LLVM plugin).')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nExample:\n  clang -O2 -S -emit-llvm f.c -o f.ll && enzyme-ts fmt f.ll -o f.checked.ll\n\nDocumentation: docs/cli.md, and enzyme-ts explain CODE for a diagnostic code')
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({
      outputError: (str, write) => {
        // commander's message, then its suggestion on a line of its own: `(Did you mean --output?)`
        const [first = '', ...rest] = str.replace(/^error: /, '').trim().split('\n');
        const notes = rest.map((l) => l.trim().replace(/^\((.*)\)$/, '$1').replace(/^Did you/, 'did you')).filter((l) => l !== '');
        write(render([diag('E0903', first, null, -1, -1, notes.length ? notes : undefined)]));
      },
    });
  reportingOptions(program);

  program
    .command('fmt')
    .description('parse, check and print a module (the front end alone: validates IR)')
    .argument('<IN>', "input .ll file, or '-' for standard input")
    .addOption(outputOption())
    .addOption(targetOption())
    .addHelpText('after', '\nExample:\n  enzyme-ts fmt f.ll -o f.checked.ll\n  clang -S -emit-llvm -O2 f.c -o - | enzyme-ts fmt -')
    .action(async (input: string, opts: { output?: string; targetLlvm?: string }, cmd: Command) => {
      const { runFmt } = await import('../driver/fmt.js');
      await withSession(cmd, out, (session) => runFmt({ input, output: opts.output, targetLlvm: opts.targetLlvm, session }));
    });

  const gradCmd = program
    .command('grad')
    .description('reverse-mode derivative of a function, added to the module as @diffe<FN>')
    .argument('<IN>', "input .ll file, or '-' for standard input");
  reportOptions(activityOptions(gradCmd)
    .addOption(new Option('--name <NAME>', 'name of the generated function (default: diffe<FN>)'))
    .addOption(new Option('--width <N>', 'batch width: N vector-Jacobian products in one call'))
    .addOption(checkpointOption())
    .addOption(new Option('--tape-budget <BYTES>', 'checkpoint a loop whose tape would exceed BYTES (suffix K, M or G; none: never); default 256M (ENZYME_TS_TAPE_BUDGET)'))
    .addOption(new Option('--checkpoint-every <K>', 'checkpoint every loop that can be, every K iterations, whatever its tape (testing)'))
    .addOption(outputOption())
    .addOption(new Option('--abi <ABI>', "c: add the derivative with the C calling convention of the module's target (results as C returns a struct); ir (default): its IR signature"))
    .addOption(new Option('--header <FILE>', 'also write a C header (usable from C++) declaring the derivative for the module\'s target'))
    .addOption(verifyAllOption())
    .addOption(targetOption())
    .addOption(new Option('--print-activity', 'print the activity of each value to stderr (ENZYME_PRINT_AA)'))
    .addOption(new Option('--print-types', 'print deduced memory types to stderr (ENZYME_PRINT_TA)')))
    .addHelpText('after', '\nExample:\n  enzyme-ts grad f.ll -f f --args active,dup --abi c --header f.grad.h -o f.grad.ll\n  clang -O2 f.grad.ll main.c -lm -o prog      # main.c includes f.grad.h')
    .action(async (input: string, opts: GradCliOptions, cmd: Command) => {
      const { runGrad } = await import('../driver/grad.js');
      await withSession(cmd, out, (session) => runGrad({ input, ...opts, session, commandLine: commandLine(argv) }));
    });

  const fwdCmd = program
    .command('fwd')
    .description('forward-mode derivative of a function, added to the module as @fwddiffe<FN>')
    .argument('<IN>', "input .ll file, or '-' for standard input")
    .requiredOption('-f, --fn <FN>', 'the function to differentiate (without @)')
    .addOption(new Option('--args <LIST>', 'activity per parameter: dup (a tangent follows it), dupnoneed, const (comma-separated)'))
    .addOption(new Option('--ret <R>', 'return: dup (primal and tangent), dupnoneed (tangent only), const, none'))
    .addOption(new Option('--custom <FN=DF>', "use DF (Enzyme's convention, docs/custom.md) as the forward derivative of FN; repeatable").argParser(collect))
    .addOption(new Option('--inactive <FN>', 'treat calls to FN as inactive: kept, no derivative; repeatable').argParser(collect));
  reportOptions(fwdCmd
    .addOption(new Option('--name <NAME>', 'name of the generated function (default: fwddiffe<FN>)'))
    .addOption(new Option('--width <N>', 'vector forward mode: N tangent directions in one call'))
    .addOption(outputOption())
    .addOption(new Option('--abi <ABI>', "c: add the derivative with the C calling convention of the module's target (results as C returns a struct); ir (default): its IR signature"))
    .addOption(new Option('--header <FILE>', 'also write a C header (usable from C++) declaring the derivative for the module\'s target'))
    .addOption(verifyAllOption())
    .addOption(targetOption())
    .addOption(new Option('--print-activity', 'print the activity of each value to stderr (ENZYME_PRINT_AA)')))
    .addHelpText('after', '\nExample:\n  enzyme-ts fwd f.ll -f f --args dup,const -o f.fwd.ll\n  clang -O2 f.fwd.ll main.c -lm -o prog')
    .action(async (input: string, opts: Omit<FwdOptions, 'input'>, cmd: Command) => {
      const { runFwd } = await import('../driver/fwd.js');
      await withSession(cmd, out, (session) => runFwd({ input, ...opts, session, commandLine: commandLine(argv) }));
    });

  const actCmd = program
    .command('activity')
    .description('print the activity of every argument, instruction and value of a function, with line:col')
    .argument('<IN>', "input .ll file, or '-' for standard input");
  activityOptions(actCmd)
    .addOption(new Option('--forward', "forward mode's activity (--args / --ret take fwd's words: dup, dupnoneed, const)"))
    .addHelpText('after', '\nExample:\n  enzyme-ts activity f.ll -f f --args active,const\n  enzyme-ts activity f.ll -f f --forward --args dup,const')
    .action(async (input: string, opts: GradCliOptions & { forward?: boolean }, cmd: Command) => {
      const { runActivity } = await import('../driver/activity.js');
      await withSession(cmd, out, (session) => runActivity({ input, ...opts, session }));
    });
  reportOptions(hintOptions(program
    .command('lower'))
    .description("replace Enzyme's C ABI calls (__enzyme_autodiff, __enzyme_augmentfwd, __enzyme_reverse, __enzyme_augmentsize) by generated derivatives")
    .argument('<IN>', "input .ll file, or '-' for standard input")
    .addOption(outputOption())
    .addOption(checkpointOption())
    .addOption(new Option('--tape-budget <BYTES>', 'checkpoint a loop whose tape would exceed BYTES (suffix K, M or G; none: never); default 256M (ENZYME_TS_TAPE_BUDGET)'))
    .addOption(new Option('--checkpoint-every <K>', 'checkpoint every loop that can be, every K iterations, whatever its tape (testing)'))
    .addOption(verifyAllOption())
    .addOption(targetOption())
    .addOption(new Option('-v, --verbose', 'list each lowered call and the derivative it now calls on stderr')))
    .addHelpText('after', '\nExample:\n  clang -O2 -S -emit-llvm prog.c -o prog.ll && enzyme-ts lower prog.ll -o prog.ad.ll && clang prog.ad.ll -lm -o prog')
    .action(async (input: string, opts: Omit<LowerCliOptions, 'input'>, cmd: Command) => {
      const { runLower } = await import('../driver/lower.js');
      await withSession(cmd, out, (session) => runLower({ input, ...opts, session }));
    });
  registerCheckCommand(program, onExit);
  registerCargoCommand(program, onExit);
  program
    .command('explain')
    .description('print the long explanation of a diagnostic code (without CODE: the list of codes)')
    .argument('[CODE]', 'a diagnostic code such as E0402')
    .addHelpText('after', '\nExample:\n  enzyme-ts explain E0402')
    .action(async (code: string | undefined) => {
      const { explainText } = await import('./explain.js');
      process.stdout.write(explainText(code));
    });
  for (const c of program.commands) if (c.name() !== 'explain' && c.name() !== 'cargo') reportingOptions(c);
  return program;
}

/** The command line as a shell would take it back (for the header's comment). */
function commandLine(argv: readonly string[]): string {
  const q = (a: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  return ['enzyme-ts', ...argv.slice(2).map(q)].join(' ');
}

interface GradCliOptions {
  abi?: string;
  header?: string;
  fn: string;
  args?: string;
  ret?: string;
  name?: string;
  width?: string;
  checkpoint?: string;
  tapeBudget?: string;
  checkpointEvery?: string;
  output?: string;
  printActivity?: boolean;
  printTypes?: boolean;
  printPerf?: boolean;
  print?: boolean;
  looseTypes?: boolean;
  custom?: string[];
  inactive?: string[];
  verifyAll?: boolean;
  targetLlvm?: string;
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

/** A reader that stops early (`enzyme-ts grad f.ll | head`) is not an error of ours. Called once, by bin/enzyme-ts.js. */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const scan = scanReporting(argv.slice(2));
  const out: OutputSettings = { color: colorEnabled(scan.color, process.env, !!process.stderr.isTTY), format: scan.format };
  const render = (ds: Diagnostic[]): string => renderAll(ds, out);
  if (scan.problem) {
    process.stderr.write(render([diag('E0903', scan.problem, null)]));
    return 2;
  }
  let exitCode = 0;
  const program = buildProgram((code) => { exitCode = code; }, out, argv);
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
      process.stderr.write(render(e.diagnostics));
      return e.exitCode;
    }
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(render([diag('E0999', `internal error: ${what}`, null, -1, -1,
      ['this is a bug in enzyme-ts; please report it with the input file and the command line'])]));
    if (process.env.ENZYME_TS_TRACE) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return 3;
  }
}
