// The last stage of the commands that print a module: to `-o` (whole or not at all) or to
// standard output, with progress while a large file is written.
import type { Module } from '../ir/module.js';
import { writeModule, type PrintOptions } from '../print/printer.js';
import { writeOutputStream } from './io.js';
import type { Session } from './session.js';

/** Prints the module to `-o` (or standard output), as the last stage of a command. */
export function writeModuleOutput(m: Module, output: string | undefined, session: Session, print: PrintOptions = {}): void {
  session.progress.clear();
  // progress only while writing a file: on standard output it would mix with the module
  const toFile = !!output && output !== '-';
  session.stage('print', toFile ? `writing ${output}` : '', () => writeOutputStream(output, (write) => {
    let bytes = 0;
    writeModule(m, toFile ? (chunk) => {
      bytes += chunk.length;
      session.progress.update(`writing ${output}: ${(bytes / 1e6).toFixed(1)} MB`);
      write(chunk);
    } : write, print);
  }));
}
