import { parseModule } from '../syntax/parse.js';
import { verifyModule } from '../ir/verify.js';
import { DiagnosticError } from '../diag/diagnostic.js';
import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import { readSource } from './io.js';

/**
 * Reads, parses and verifies a module: what every command starts with. The
 * verifier checks what the parser cannot see locally (SSA dominance, phi
 * entries per predecessor, operand types across the function).
 */
export function loadModule(path: string): Module {
  return loadModuleWithSource(path).module;
}

export function loadModuleWithSource(path: string): { module: Module; file: SourceFile } {
  const file = readSource(path);
  const m = parseModule(file);
  const problems = verifyModule(m, file);
  if (problems.length) throw new DiagnosticError(problems.slice(0, 20));
  return { module: m, file };
}
