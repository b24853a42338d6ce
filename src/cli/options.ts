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

export function tapeBudgetOption(): Option {
  return new Option('--tape-budget <BYTES>', 'loops whose tape would exceed this are checkpointed: state stored every k iterations, the rest recomputed in the reverse (default 256M)');
}

/** The debugging switches of the commands that write derivatives. */
export function reportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--print-perf', 'print what was cached and tape sizes to stderr (ENZYME_PRINT_PERF)'))
    .addOption(new Option('--print', 'print each generated function to stderr (ENZYME_PRINT)'))
    .addOption(new Option('--loose-types', 'treat memory of unknown type as non-differentiable, with a warning, instead of an error (ENZYME_LOOSE_TYPES)'));
}
