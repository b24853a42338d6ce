import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import type { GradRequest, GradResult } from './api.js';

/** Differentiates `req.fn` in `m`, adding the derivative (and the helpers it needs) to `m`. */
export function gradModule(m: Module, req: GradRequest, file: SourceFile | null): GradResult {
  void m; void req; void file;
  throw new Error('gradModule: not implemented yet');
}
