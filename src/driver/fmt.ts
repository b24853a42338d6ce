import { parseModule } from '../syntax/parse.js';
import { printModule } from '../print/printer.js';
import { readSource, writeOutput } from './io.js';

export interface FmtOptions {
  input: string;
  output?: string | undefined;
}

/** `enzyme-ts fmt`: the front end alone (parse, resolve, print). */
export function runFmt(opts: FmtOptions): void {
  const file = readSource(opts.input);
  const m = parseModule(file);
  writeOutput(opts.output, printModule(m));
}
