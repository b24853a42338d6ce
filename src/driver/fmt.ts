import { loadModuleWithSource } from './load.js';
import { parseTarget, writeModuleFor } from './target.js';
import { quietSession, type Session } from './session.js';

export interface FmtOptions {
  input: string;
  output?: string | undefined;
  session?: Session | undefined;
  /** `--target-llvm N`: write the syntax LLVM N reads. */
  targetLlvm?: string | undefined;
}

/** `enzyme-ts fmt`: the front end alone (parse, resolve, verify, print). */
export function runFmt(opts: FmtOptions): void {
  parseTarget(opts.targetLlvm); // a usage error before any reading
  const session = opts.session ?? quietSession();
  const { module: m, file } = loadModuleWithSource(opts.input, session);
  writeModuleFor(m, file, opts.output, opts.targetLlvm, session);
}
