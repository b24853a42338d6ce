import { writeModule } from '../print/printer.js';
import { loadModule } from './load.js';
import { writeOutputStream } from './io.js';

export interface FmtOptions {
  input: string;
  output?: string | undefined;
}

/** `enzyme-ts fmt`: the front end alone (parse, resolve, verify, print). */
export function runFmt(opts: FmtOptions): void {
  const m = loadModule(opts.input);
  writeOutputStream(opts.output, (write) => writeModule(m, write));
}
