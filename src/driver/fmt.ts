import { printModule } from '../print/printer.js';
import { loadModule } from './load.js';
import { writeOutput } from './io.js';

export interface FmtOptions {
  input: string;
  output?: string | undefined;
}

/** `enzyme-ts fmt`: the front end alone (parse, resolve, verify, print). */
export function runFmt(opts: FmtOptions): void {
  writeOutput(opts.output, printModule(loadModule(opts.input)));
}
