// Input and output for every command: `-` is standard input; output files are
// written whole or not at all (temporary file in the same folder, then rename).
import { readFileSync, writeFileSync, renameSync, unlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { fail } from '../diag/diagnostic.js';
import { SourceFile } from '../diag/source.js';

export function readSource(path: string): SourceFile {
  const name = path === '-' ? '<stdin>' : path;
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    fail('E0901', `cannot read '${name}': ${why}`, null);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return new SourceFile(name, text);
}

/**
 * Writes `text` to `path` atomically, or to standard output when `path` is null or `-`.
 * A regular file (or a symlink to one) is replaced by renaming a finished temporary file
 * next to it; anything else (a device such as /dev/null, a pipe) is written in place.
 */
export function writeOutput(path: string | null | undefined, text: string): void {
  if (!path || path === '-') {
    process.stdout.write(text);
    return;
  }
  let target = path;
  try {
    target = realpathSync(path);
    if (!statSync(target).isFile()) {
      writeFileSync(target, text);
      return;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail('E0902', `cannot write '${path}': ${(e as Error).message}`, null);
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* nothing to clean */ }
    fail('E0902', `cannot write '${path}': ${(e as Error).message}`, null);
  }
}
