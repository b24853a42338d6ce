import { parseModule } from '../syntax/parse.js';
import { verifyModule } from '../ir/verify.js';
import { sourceLocator } from '../ir/debugloc.js';
import { DiagnosticError } from '../diag/diagnostic.js';
import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import { readSource } from './io.js';
import { quietSession, type Session } from './session.js';

/**
 * Reads, parses and verifies a module: what every command starts with. The
 * verifier checks what the parser cannot see locally (SSA dominance, phi
 * entries per predecessor, operand types across the function).
 */
export function loadModule(path: string, session?: Session): Module {
  return loadModuleWithSource(path, session).module;
}

export function loadModuleWithSource(path: string, session: Session = quietSession()): { module: Module; file: SourceFile } {
  const file = session.stage('read', `reading ${path}`, () => readSource(path));
  const m = session.stage('parse', `parsing ${file.name}`, () => parseModule(file, { onProgress: session.parseProgress(file.name) }));
  // from here on, a diagnostic that points at an instruction also names its `!dbg` source position
  file.debugLocator = sourceLocator(m);
  const problems = session.stage('verify', `verifying ${file.name}`, () => verifyModule(m, file));
  if (problems.length) throw new DiagnosticError(problems.slice(0, 20));
  return { module: m, file };
}
