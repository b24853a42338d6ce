import { loadModule } from './load.js';
import { writeModuleOutput } from './output.js';
import { quietSession, type Session } from './session.js';

export interface FmtOptions {
  input: string;
  output?: string | undefined;
  session?: Session | undefined;
}

/** `enzyme-ts fmt`: the front end alone (parse, resolve, verify, print). */
export function runFmt(opts: FmtOptions): void {
  const session = opts.session ?? quietSession();
  const m = loadModule(opts.input, session);
  writeModuleOutput(m, opts.output, session);
}
