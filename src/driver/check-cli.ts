// The `check` command's options and registration, apart from check.ts so that
// the CLI loads the differentiation and lli machinery only when `check` runs.
import { Option, type Command } from 'commander';
import { collect } from '../cli/options.js';

/** The command's options, for `registerCheckCommand` and the docs. */
export const CHECK_OPTIONS: readonly { flags: string; description: string }[] = [
  { flags: '-f, --fn <FN>', description: 'function to check (name without @)' },
  { flags: '--args <LIST>', description: 'activity of each parameter: active, dup, dupnoneed, const (default: by type)' },
  { flags: '--ret <R>', description: 'return activity: active, activeonly, const, none' },
  { flags: '--at <VALUES>', description: "one value per parameter, e.g. '1.5,[1 2 -3],8'; a by-value struct of floats as [..] (default: seeded random)" },
  { flags: '--seed <N>', description: 'seed of the random point and loss seeds (default 1)' },
  { flags: '--tol <T>', description: 'relative tolerance of every value (default 1e-5; for float code 1e-6 to 1e-3, from the derivative\'s distance to its double twin)' },
  { flags: '--len <L>', description: 'length of random arrays behind pointer parameters (default 8)' },
  { flags: '--width <N>', description: 'check the batched derivative of width N: every lane against finite differences, each lane with its own seeds' },
  { flags: '--custom <FN=AUG,REV>', description: "use AUG and REV (Enzyme's convention) as the derivative of FN; repeatable" },
  { flags: '--inactive <FN>', description: 'treat calls to FN as inactive (kept, no derivative); repeatable' },
  { flags: '--forward', description: 'check the forward-mode derivative: each output\'s tangent against differences along the direction (--args takes dup, dupnoneed, const; --custom FN=DF)' },
];

/**
 * Adds `check` to the program. `onExit` receives the command's exit code
 * (1 on a mismatch), which the caller returns from `main`.
 */
export function registerCheckCommand(program: Command, onExit: (code: number) => void): Command {
  const cmd = program
    .command('check')
    .description('differentiate FN, run it with lli and compare with central finite differences')
    .argument('<IN>', "input .ll file, or '-' for standard input");
  for (const o of CHECK_OPTIONS) {
    const opt = new Option(o.flags, o.description);
    if (o.flags.startsWith('-f')) opt.makeOptionMandatory();
    if (o.flags.startsWith('--custom') || o.flags.startsWith('--inactive')) opt.argParser(collect);
    cmd.addOption(opt);
  }
  cmd
    .addHelpText('after', "\nExample:\n  enzyme-ts check f.ll -f dot --args dup,dup,const --at '[1 2 3],[4 5 6],3'\n  enzyme-ts check f.ll -f dot --forward --args dup,const,const")
    .action(async (input: string, o: { fn: string; args?: string; ret?: string; at?: string; seed?: string; tol?: string; len?: string; width?: string; custom?: string[]; inactive?: string[]; forward?: boolean }) => {
      if (o.forward) {
        const { runFwdCheck } = await import('./check-fwd.js');
        onExit(await runFwdCheck({ input, fn: o.fn, args: o.args, ret: o.ret, at: o.at, seed: o.seed, tol: o.tol, len: o.len, width: o.width, custom: o.custom, inactive: o.inactive }));
        return;
      }
      const { runCheck } = await import('./check.js');
      onExit(await runCheck({ input, fn: o.fn, args: o.args, ret: o.ret, at: o.at, seed: o.seed, tol: o.tol, len: o.len, width: o.width, custom: o.custom, inactive: o.inactive }));
    });
  return cmd;
}
