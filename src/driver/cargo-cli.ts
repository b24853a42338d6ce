// Registration of `enzyme-ts cargo`: every argument after `cargo` belongs to cargo.
import type { Command } from 'commander';

/** Adds `cargo` to the program; `onExit` receives cargo's exit code. */
export function registerCargoCommand(program: Command, onExit: (code: number) => void): Command {
  return program
    .command('cargo')
    .description('run cargo so that the #[autodiff] attribute works on stable Rust (docs/rust.md)')
    .argument('[CARGO_ARGS...]', 'cargo command and options, passed on unchanged')
    .helpOption(false)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .passThroughOptions(true)
    .addHelpText('after', '\nExample:\n  enzyme-ts cargo run --release\n  enzyme-ts cargo test')
    .action(async (args: string[]) => {
      const { runCargo } = await import('./cargo.js');
      onExit(runCargo({ args }));
    });
}
