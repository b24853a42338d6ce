// Input and output for every command: `-` is standard input; output files are
// written whole or not at all (temporary file in the same folder, then rename).
import { readFileSync, readSync, renameSync, unlinkSync, realpathSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { devNull } from 'node:os';
import { DiagnosticError, fail } from '../diag/diagnostic.js';
import { SourceFile } from '../diag/source.js';

/**
 * All of standard input. A pipe can be in non-blocking mode (another process
 * set it so, or Node did), where a read before the writer has written fails
 * with EAGAIN: wait briefly and read again instead of giving up.
 */
function readStdin(): Buffer {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { Atomics.wait(pause, 0, 0, 5); continue; }
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

/**
 * Input that is not text is refused before it is decoded, so that no byte of it reaches the
 * terminal: LLVM bitcode (raw or in its wrapper) gets the command that converts it, anything
 * else with a NUL byte (an object file, an archive) says so.
 */
function refuseBinary(name: string, bytes: Buffer): void {
  const magic = bytes.subarray(0, 4).toString('hex');
  if (magic === '4243c0de' || magic === 'dec0170b') {
    fail('E0005', `${name} is LLVM bitcode, not textual IR`, null, -1, -1,
      [`convert it with the llvm-dis of the LLVM that wrote it: llvm-dis ${name === '<stdin>' ? '-' : name} -o ${name === '<stdin>' ? '-' : name.replace(/\.bc$/, '') + '.ll'}`]);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const kind = magic === '7f454c46' ? ' (an ELF object or executable)' : bytes.subarray(0, 8).toString('latin1') === '!<arch>\n' ? ' (an archive)' : '';
    fail('E0005', `${name} is not a text file${kind}: it holds a NUL byte at byte ${nul}`, null, -1, -1,
      ['enzyme-ts reads textual LLVM IR (.ll), as written by clang -S -emit-llvm or llvm-dis']);
  }
}

export function readSource(path: string): SourceFile {
  const name = path === '-' ? '<stdin>' : path;
  let bytes: Buffer;
  try {
    bytes = path === '-' ? readStdin() : readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    fail('E0901', `cannot read '${name}': ${why}`, null);
  }
  refuseBinary(name, bytes);
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return new SourceFile(name, text);
}

/**
 * Where `-o` output goes: standard output, nowhere (`-o /dev/null`), a regular file (replaced
 * atomically), or anything else written in place.
 */
type Sink = { kind: 'stdout' } | { kind: 'discard' } | { kind: 'file'; target: string } | { kind: 'inplace'; target: string };

/** What went wrong writing `path`, in words (the temporary file's name, which holds the process id, is not shown). */
function writeProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT': return 'no such directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'disk quota exceeded';
    default: return err.message ?? String(e);
  }
}

function sinkFor(path: string | null | undefined): Sink {
  if (!path || path === '-') return { kind: 'stdout' };
  // Asked to throw the output away: do so without touching the path. In some containers
  // /dev/null is a regular file, and what is written there is read back by the next program
  // that takes its input from it (cargo's probes of rustc do).
  if (path === devNull) return { kind: 'discard' };
  try {
    const target = realpathSync(path);
    return statSync(target).isFile() ? { kind: 'file', target } : { kind: 'inplace', target };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail('E0902', `cannot write '${path}': ${writeProblem(e)}`, null);
    return { kind: 'file', target: path };
  }
}

/**
 * Writes what `produce` emits (in pieces) to `path`, or to standard output when `path` is null
 * or `-`. A regular file (or a symlink to one) is replaced by renaming a finished temporary file
 * next to it, so it is written whole or not at all; anything else (a device such as /dev/null, a
 * pipe) is written in place.
 */
export function writeOutputStream(path: string | null | undefined, produce: (write: (chunk: string) => void) => void): void {
  const sink = sinkFor(path);
  if (sink.kind === 'stdout') {
    produce((chunk) => { process.stdout.write(chunk); });
    return;
  }
  if (sink.kind === 'discard') {
    produce(() => {});
    return;
  }
  const dest = sink.kind === 'file' ? join(dirname(sink.target), `.${basename(sink.target)}.${process.pid}.tmp`) : sink.target;
  let fd = -1;
  try {
    fd = openSync(dest, 'w');
    produce((chunk) => { writeSync(fd, chunk); });
    closeSync(fd);
    fd = -1;
    if (sink.kind === 'file') renameSync(dest, sink.target);
  } catch (e) {
    if (fd >= 0) try { closeSync(fd); } catch { /* already failing */ }
    if (sink.kind === 'file') try { unlinkSync(dest); } catch { /* nothing to clean */ }
    if (e instanceof DiagnosticError) throw e;
    fail('E0902', `cannot write '${path}': ${writeProblem(e)}`, null);
  }
}

/** `writeOutputStream` for a text already built. */
export function writeOutput(path: string | null | undefined, text: string): void {
  writeOutputStream(path, (write) => write(text));
}
