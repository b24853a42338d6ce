import { parseModule, parseModuleLazy, type LazyStats } from '../syntax/parse.js';
import { verifyFunction, verifyModule } from '../ir/verify.js';
import { sourceLocator } from '../ir/debugloc.js';
import { DiagnosticError } from '../diag/diagnostic.js';
import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import { readSource } from './io.js';
import { quietSession, type Session } from './session.js';

export interface LoadOptions {
  /**
   * Read function bodies and metadata definitions only when first used (docs/architecture.md,
   * "Lazy loading"): for the commands that add derivatives, which touch a few functions of a
   * module. Each body is verified when it is read; what is never read is printed as written.
   */
  lazy?: boolean;
}

export interface Loaded {
  module: Module;
  file: SourceFile;
  /** With `lazy`: how much was deferred and how much read since (for --print-perf). */
  stats: LazyStats | null;
}

/**
 * Reads, parses and verifies a module: what every command starts with. The
 * verifier checks what the parser cannot see locally (SSA dominance, phi
 * entries per predecessor, operand types across the function).
 */
export function loadModule(path: string, session?: Session, opts: LoadOptions = {}): Module {
  return loadModuleWithSource(path, session, opts).module;
}

export function loadModuleWithSource(path: string, session: Session = quietSession(), opts: LoadOptions = {}): Loaded {
  const file = session.stage('read', `reading ${path}`, () => readSource(path));
  let m: Module;
  let stats: LazyStats | null = null;
  if (opts.lazy) {
    let lazyModule: Module | null = null;
    // a body read later is verified with the module's attribute groups in view, as verifyModule does
    const r = session.stage('parse', `parsing ${file.name}`, () => parseModuleLazy(file, { verify: (f) => verifyFunction(f, file, lazyModule), onProgress: session.parseProgress(file.name) }));
    lazyModule = r.module;
    m = r.module;
    stats = r.loader.stats;
  } else {
    m = session.stage('parse', `parsing ${file.name}`, () => parseModule(file, { onProgress: session.parseProgress(file.name) }));
  }
  // from here on, a diagnostic that points at an instruction also names its `!dbg` source position
  file.debugLocator = sourceLocator(m);
  const problems = session.stage('verify', `verifying ${file.name}`, () => verifyModule(m, file));
  if (problems.length) throw new DiagnosticError(problems.slice(0, 20));
  return { module: m, file, stats };
}

/** `read 3 of 440 function bodies, 12 of 85179 metadata definitions` (lazy loading), or null. */
export function lazyReport(stats: LazyStats | null): string | null {
  if (!stats) return null;
  return `lazy loading: read ${stats.bodiesRead} of ${stats.bodies} deferred function bodies, ` +
    `${stats.initsRead} of ${stats.inits} global initializers, ${stats.metadataRead} of ${stats.metadata} metadata definitions`;
}
