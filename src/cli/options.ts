// Options more than one command declares, written once (contract sections 3 and 9).
import { Option, type Command } from 'commander';

/** Repeatable options: every occurrence, in order. */
export function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

export function outputOption(): Option {
  return new Option('-o, --output <OUT>', 'write here instead of standard output (whole or not at all)');
}

export function checkpointOption(): Option {
  return new Option('--checkpoint <S>', 'cache | recompute | auto: what the reverse sweep recomputes instead of reading from the tape');
}

/** The debugging switches of the commands that write derivatives. */
export function reportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--print-perf', 'print what was cached and tape sizes to stderr (ENZYME_PRINT_PERF)'))
    .addOption(new Option('--print', 'print each generated function to stderr (ENZYME_PRINT)'))
    .addOption(new Option('--loose-types', 'treat memory of unknown type as non-differentiable, with a warning, instead of an error (ENZYME_LOOSE_TYPES)'));
}

/**
 * How a command reports on standard error, accepted before or after the command name:
 * `--color`, `--diagnostics-format`, `-q, --quiet`, `--time`.
 */
export function reportingOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--color <WHEN>', 'color diagnostics: auto (on a terminal; FORCE_COLOR and NO_COLOR are honored), always, never'))
    .addOption(new Option('--diagnostics-format <FORMAT>', 'text (default), or json: one JSON object per diagnostic and line'))
    .addOption(new Option('-q, --quiet', 'no progress line on a terminal'))
    .addOption(new Option('--time', 'print the time each stage took to standard error at the end'));
}

/** `--verify-all` of the commands that read a module lazily (docs/architecture.md, "Lazy loading"). */
export function verifyAllOption(): Option {
  return new Option('--verify-all', 'parse and verify every function body and metadata node (by default only what the derivatives read is parsed; the rest is copied through as written)');
}

/** `--target-llvm N` of every command that prints IR (src/driver/target.ts checks N). */
export function targetOption(): Option {
  return new Option('--target-llvm <N>', 'write the syntax LLVM N (14-22) reads: newer spellings are rewritten or dropped (docs/syntax.md)');
}
